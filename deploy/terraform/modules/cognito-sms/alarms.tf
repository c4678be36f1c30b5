# ---- Alarms (the construct's, with its defaults) ------------------------------------------------

locals {
  # Where the handler publishes its metrics (Powertools' namespace and service dimension).
  metrics_namespace = lookup(var.environment, "POWERTOOLS_METRICS_NAMESPACE", "CognitoSms")
  metrics_service   = lookup(var.environment, "POWERTOOLS_SERVICE_NAME", "cognito-sms")
}

resource "aws_cloudwatch_metric_alarm" "errors" {
  alarm_name          = "${var.name}-sender-errors"
  alarm_description   = "cognito-sms: the CustomSMSSender function failed; a user may be waiting for a code (Lambda retries, then queues the event)"
  namespace           = "AWS/Lambda"
  metric_name         = "Errors"
  dimensions          = { FunctionName = aws_lambda_function.sender.function_name }
  statistic           = "Sum"
  period              = 300
  evaluation_periods  = 1
  threshold           = 1
  comparison_operator = "GreaterThanOrEqualToThreshold"
  treat_missing_data  = "notBreaching"
  alarm_actions       = var.alarm_actions
  tags                = var.tags
}

resource "aws_cloudwatch_metric_alarm" "failed_invocations" {
  alarm_name          = "${var.name}-failed-invocations"
  alarm_description   = "cognito-sms: an SMS could not be delivered after every retry; the event is in the failed-invocations queue"
  namespace           = "AWS/SQS"
  metric_name         = "ApproximateNumberOfMessagesVisible"
  dimensions          = { QueueName = aws_sqs_queue.failed_invocations.name }
  statistic           = "Maximum"
  period              = 300
  evaluation_periods  = 1
  threshold           = 1
  comparison_operator = "GreaterThanOrEqualToThreshold"
  treat_missing_data  = "notBreaching"
  alarm_actions       = var.alarm_actions
  tags                = var.tags
}

resource "aws_cloudwatch_metric_alarm" "rate_limited" {
  count               = var.guard ? 1 : 0
  alarm_name          = "${var.name}-rate-limited"
  alarm_description   = "cognito-sms: the fraud guard refused many SMS (SmsRateLimited); an SMS-pumping attack, or a limit too tight for real traffic: see the limit dimension"
  namespace           = local.metrics_namespace
  metric_name         = "SmsRateLimited"
  dimensions          = { service = local.metrics_service }
  statistic           = "Sum"
  period              = 300
  evaluation_periods  = 1
  threshold           = var.rate_limited_alarm_threshold
  comparison_operator = "GreaterThanThreshold"
  treat_missing_data  = "notBreaching"
  alarm_actions       = var.alarm_actions
  tags                = var.tags
}

resource "aws_cloudwatch_metric_alarm" "guard_store_error" {
  count               = local.guard_on ? 1 : 0
  alarm_name          = "${var.name}-guard-store-error"
  alarm_description   = "cognito-sms: the fraud guard could not reach its table; messages went out unchecked (SMS_GUARD_ON_STORE_ERROR=open)"
  namespace           = local.metrics_namespace
  metric_name         = "SmsGuardStoreError"
  dimensions          = { service = local.metrics_service }
  statistic           = "Sum"
  period              = 300
  evaluation_periods  = 1
  threshold           = 1
  comparison_operator = "GreaterThanOrEqualToThreshold"
  treat_missing_data  = "notBreaching"
  alarm_actions       = var.alarm_actions
  tags                = var.tags
}

# Periods with fewer final receipts than the minimum read as 100 %: a lone failure is not a trend.
resource "aws_cloudwatch_metric_alarm" "delivered_share" {
  count               = var.receipts ? 1 : 0
  alarm_name          = "${var.name}-delivered-share"
  alarm_description   = "cognito-sms: under ${floor(var.delivered_share_alarm_threshold * 100 + 0.5)} % of the SMS with a final receipt reached the phone in 15 minutes; see SmsDelivered and SmsUndelivered by provider and country"
  evaluation_periods  = 1
  threshold           = var.delivered_share_alarm_threshold
  comparison_operator = "LessThanThreshold"
  treat_missing_data  = "notBreaching"
  alarm_actions       = var.alarm_actions
  tags                = var.tags

  metric_query {
    id          = "share"
    label       = "delivered share"
    expression  = "IF((d + u) >= ${var.delivered_share_min_receipts}, d / (d + u), 1)"
    return_data = true
  }
  metric_query {
    id          = "d"
    return_data = false
    metric {
      namespace   = local.metrics_namespace
      metric_name = "SmsDelivered"
      dimensions  = { service = local.metrics_service }
      period      = 900
      stat        = "Sum"
    }
  }
  metric_query {
    id          = "u"
    return_data = false
    metric {
      namespace   = local.metrics_namespace
      metric_name = "SmsUndelivered"
      dimensions  = { service = local.metrics_service }
      period      = 900
      stat        = "Sum"
    }
  }
}

resource "aws_cloudwatch_metric_alarm" "receipt_rejected" {
  count               = var.receipts ? 1 : 0
  alarm_name          = "${var.name}-receipt-rejected"
  alarm_description   = "cognito-sms: many delivery receipts were refused (SmsReceiptRejected); forged callbacks, or a provider signing with another secret or URL: see the reason dimension"
  namespace           = local.metrics_namespace
  metric_name         = "SmsReceiptRejected"
  dimensions          = { service = local.metrics_service }
  statistic           = "Sum"
  period              = 300
  evaluation_periods  = 1
  threshold           = var.rejected_alarm_threshold
  comparison_operator = "GreaterThanThreshold"
  treat_missing_data  = "notBreaching"
  alarm_actions       = var.alarm_actions
  tags                = var.tags
}
