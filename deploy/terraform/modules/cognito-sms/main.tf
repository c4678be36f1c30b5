data "aws_caller_identity" "current" {}
data "aws_partition" "current" {}
data "aws_region" "current" {}

locals {
  account_id = data.aws_caller_identity.current.account_id
  partition  = data.aws_partition.current.partition
  region     = data.aws_region.current.region

  cognito_service_principal = "cognito-idp.amazonaws.com"
  user_pool_arn             = "arn:${local.partition}:cognito-idp:${local.region}:${local.account_id}:userpool/${var.user_pool_id}"
  # A pool of this configuration names the key, so nothing the key or the function depends on
  # may refer to var.user_pool_id (Terraform draws edges from both branches of a conditional):
  # unpinned, the key policy admits this account's pools in this region, as the CDK construct
  # does for a pool of its stack.
  cognito_source_arn = var.pinned_user_pool_id == null ? "arn:${local.partition}:cognito-idp:${local.region}:${local.account_id}:userpool/*" : "arn:${local.partition}:cognito-idp:${local.region}:${local.account_id}:userpool/${var.pinned_user_pool_id}"

  kms_key_arn  = var.kms_key_arn == null ? aws_kms_key.sms[0].arn : var.kms_key_arn
  sms_provider = join(",", var.sms_providers)

  # What the module sets itself (the construct's RESERVED_ENVIRONMENT, STATE_ENVIRONMENT, RECEIPTS_ENVIRONMENT).
  reserved_environment = ["KMS_KEY_ARN", "SMS_PROVIDER", "COGNITO_USER_POOL_IDS"]
  state_environment    = ["SMS_IDEMPOTENCY_TABLE", "SMS_GUARD", "SMS_GUARD_TABLE", "SMS_GUARD_HASH_KEY"]
  receipts_environment = ["SMS_RECEIPTS_URL"]
  managed_environment = concat(
    local.reserved_environment,
    local.state_table_enabled ? local.state_environment : [],
    var.receipts ? local.receipts_environment : [],
  )

  sender_environment = merge(
    var.environment,
    {
      KMS_KEY_ARN  = local.kms_key_arn
      SMS_PROVIDER = local.sms_provider
    },
    # A pool of this configuration names the function, so the function cannot name the pool.
    var.pinned_user_pool_id == null ? {} : { COGNITO_USER_POOL_IDS = var.pinned_user_pool_id },
    local.state_table_enabled ? { SMS_IDEMPOTENCY_TABLE = local.state_table_name } : {},
    local.guard_on ? { SMS_GUARD_TABLE = local.state_table_name, SMS_GUARD_HASH_KEY = local.guard_hash_key_arn } : {},
    var.guard ? {} : { SMS_GUARD = "off" },
    # The sender records each send in the ledger on SMS_IDEMPOTENCY_TABLE, where receipts settle it.
    var.receipts ? { SMS_RECEIPTS_URL = local.receipts_url } : {},
  )
}

# ---- The key Cognito encrypts codes with ------------------------------------------------------

resource "aws_kms_key" "sms" {
  count                   = var.kms_key_arn == null ? 1 : 0
  description             = "cognito-sms: Cognito encrypts the codes it sends to the CustomSMSSender trigger with this key"
  enable_key_rotation     = true
  deletion_window_in_days = 30
  policy                  = data.aws_iam_policy_document.key.json
  tags                    = var.tags
}

data "aws_iam_policy_document" "key" {
  statement {
    sid       = "AccountAdministersTheKey"
    effect    = "Allow"
    actions   = ["kms:*"]
    resources = ["*"]
    principals {
      type        = "AWS"
      identifiers = ["arn:${local.partition}:iam::${local.account_id}:root"]
    }
  }
  statement {
    sid       = "AllowCognitoToEncryptCodesForTheUserPool"
    effect    = "Allow"
    actions   = ["kms:CreateGrant", "kms:Encrypt"]
    resources = ["*"]
    principals {
      type        = "Service"
      identifiers = [local.cognito_service_principal]
    }
    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [local.account_id]
    }
    condition {
      test     = "ArnLike"
      variable = "aws:SourceArn"
      values   = [local.cognito_source_arn]
    }
  }
}

# ---- The sender function -----------------------------------------------------------------------

resource "aws_cloudwatch_log_group" "sender" {
  name              = "/aws/lambda/${var.name}-sender"
  retention_in_days = var.log_retention_in_days
  tags              = var.tags
}

# An explicit role instead of AWSLambdaBasicExecutionRole: logs to its own group only.
resource "aws_iam_role" "sender" {
  name               = "${var.name}-sender"
  description        = "cognito-sms CustomSMSSender function"
  assume_role_policy = data.aws_iam_policy_document.lambda_assume.json
  tags               = var.tags
}

data "aws_iam_policy_document" "lambda_assume" {
  statement {
    effect  = "Allow"
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["lambda.amazonaws.com"]
    }
  }
}

resource "aws_iam_role_policy" "sender" {
  name   = "sender"
  role   = aws_iam_role.sender.id
  policy = data.aws_iam_policy_document.sender.json
}

data "aws_iam_policy_document" "sender" {
  statement {
    sid     = "WriteOwnLogs"
    effect  = "Allow"
    actions = ["logs:CreateLogStream", "logs:PutLogEvents"]
    # The streams of the group: CloudFormation's LogGroup Arn ends in :*, the provider's does not.
    resources = ["${aws_cloudwatch_log_group.sender.arn}:*"]
  }
  dynamic "statement" {
    for_each = length(var.secret_arns) > 0 ? [1] : []
    content {
      sid       = "ReadNamedSecrets"
      effect    = "Allow"
      actions   = ["secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"]
      resources = var.secret_arns
    }
  }
  dynamic "statement" {
    for_each = local.guard_on ? [1] : []
    content {
      sid       = "ReadGuardHashKey"
      effect    = "Allow"
      actions   = ["secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"]
      resources = [local.guard_hash_key_arn]
    }
  }
  statement {
    sid       = "QueueFailedInvocations"
    effect    = "Allow"
    actions   = ["sqs:SendMessage", "sqs:GetQueueAttributes", "sqs:GetQueueUrl"]
    resources = [aws_sqs_queue.failed_invocations.arn]
  }
}

# Decrypt with this key only, and only what Cognito encrypted for this pool (the Encryption SDK
# passes the message's encryption context, which holds userpool-id, to KMS).
resource "aws_iam_role_policy" "decrypt" {
  name   = "decrypt"
  role   = aws_iam_role.sender.id
  policy = data.aws_iam_policy_document.decrypt.json
}

data "aws_iam_policy_document" "decrypt" {
  statement {
    sid       = "DecryptCodesOfTheUserPool"
    effect    = "Allow"
    actions   = ["kms:Decrypt"]
    resources = [local.kms_key_arn]
    condition {
      test     = "StringEquals"
      variable = "kms:EncryptionContext:userpool-id"
      values   = [var.user_pool_id]
    }
  }
}

resource "aws_lambda_function" "sender" {
  function_name    = "${var.name}-sender"
  description      = "cognito-sms: Cognito CustomSMSSender trigger (${join(", ", var.sms_providers)})"
  filename         = var.bundle_zip
  source_code_hash = filebase64sha256(var.bundle_zip)
  handler          = "index.handler"
  runtime          = "nodejs22.x"
  architectures    = [var.architecture]
  memory_size      = var.memory_size
  timeout          = var.timeout
  role             = aws_iam_role.sender.arn
  logging_config {
    log_format = "Text"
    log_group  = aws_cloudwatch_log_group.sender.name
  }
  environment {
    variables = local.sender_environment
  }
  tags = var.tags

  lifecycle {
    precondition {
      condition     = length(setintersection(keys(var.environment), local.managed_environment)) == 0
      error_message = "environment may not set ${join(", ", setintersection(keys(var.environment), local.managed_environment))}: the module sets them itself."
    }
  }
  # The role's policies before the first invocation can come. Not the decrypt policy: it names
  # the pool, and a pool of this configuration names this function (a cycle).
  depends_on = [aws_iam_role_policy.sender, aws_iam_role_policy.state]
}

# Cognito invokes custom sender triggers asynchronously: these govern its retries.
resource "aws_lambda_function_event_invoke_config" "sender" {
  function_name                = aws_lambda_function.sender.function_name
  qualifier                    = "$LATEST"
  maximum_retry_attempts       = var.retry_attempts
  maximum_event_age_in_seconds = var.maximum_event_age_in_seconds
  destination_config {
    on_failure {
      destination = aws_sqs_queue.failed_invocations.arn
    }
  }
}

resource "aws_lambda_permission" "cognito_invoke" {
  statement_id   = "CognitoInvoke"
  action         = "lambda:InvokeFunction"
  function_name  = aws_lambda_function.sender.arn
  principal      = local.cognito_service_principal
  source_arn     = local.user_pool_arn
  source_account = local.account_id

  lifecycle {
    precondition {
      condition     = var.pinned_user_pool_id == null || var.pinned_user_pool_id == var.user_pool_id
      error_message = "pinned_user_pool_id must be null or equal user_pool_id."
    }
  }
}

# ---- Failed invocations ------------------------------------------------------------------------

# Events that still fail after Lambda's retries (or wait longer than the maximum age), kept 14 days.
resource "aws_sqs_queue" "failed_invocations" {
  name                      = "${var.name}-failed-invocations"
  sqs_managed_sse_enabled   = true
  message_retention_seconds = 1209600
  tags                      = var.tags
}

resource "aws_sqs_queue_policy" "failed_invocations" {
  queue_url = aws_sqs_queue.failed_invocations.id
  policy    = data.aws_iam_policy_document.failed_invocations.json
}

data "aws_iam_policy_document" "failed_invocations" {
  statement {
    effect    = "Deny"
    actions   = ["sqs:*"]
    resources = [aws_sqs_queue.failed_invocations.arn]
    principals {
      type        = "AWS"
      identifiers = ["*"]
    }
    condition {
      test     = "Bool"
      variable = "aws:SecureTransport"
      values   = ["false"]
    }
  }
}
