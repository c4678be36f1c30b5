output "function_arn" {
  description = "The CustomSMSSender function: the pool's lambda_config.custom_sms_sender.lambda_arn."
  value       = aws_lambda_function.sender.arn
}

output "function_name" {
  description = "The CustomSMSSender function's name."
  value       = aws_lambda_function.sender.function_name
}

output "kms_key_arn" {
  description = "The pool's custom sender key: lambda_config.kms_key_id."
  value       = local.kms_key_arn
}

output "cognito_key_policy_statement" {
  description = "The key policy statement Cognito needs (add it to your own key when you pass kms_key_arn)."
  value       = jsondecode(data.aws_iam_policy_document.key.json).Statement[1]
}

output "failed_invocations_queue_url" {
  description = "Events that still failed after Lambda's retries."
  value       = aws_sqs_queue.failed_invocations.id
}

output "state_table_name" {
  description = "Duplicate suppression's and the fraud guard's table; null without one."
  value       = local.state_table_name
}

output "receipts_url" {
  description = "The delivery receipts function URL (providers post to <url>/<provider id>); null with receipts = false."
  value       = var.receipts ? aws_lambda_function_url.receipts[0].function_url : null
}

# The construct's AttachTriggerCommand: UpdateUserPool resets every setting it is not given, so
# the pool is read first and only CustomSMSSender and KMSKeyID are added to its LambdaConfig.
output "attach_trigger_command" {
  description = "For a pool managed elsewhere (pinned_user_pool_id set): attaches the trigger and key, keeping the pool's other settings (AWS CLI + jq). null otherwise."
  value       = var.pinned_user_pool_id == null ? null : "aws cognito-idp describe-user-pool --user-pool-id ${var.user_pool_id} --query UserPool --output json | jq --arg fn ${aws_lambda_function.sender.arn} --arg key ${local.kms_key_arn} '{UserPoolId: .Id, PoolName: .Name} + with_entries(select(.key | IN(\"AccountRecoverySetting\",\"AdminCreateUserConfig\",\"AutoVerifiedAttributes\",\"DeletionProtection\",\"DeviceConfiguration\",\"EmailConfiguration\",\"EmailVerificationMessage\",\"EmailVerificationSubject\",\"LambdaConfig\",\"MfaConfiguration\",\"Policies\",\"SmsAuthenticationMessage\",\"SmsConfiguration\",\"SmsVerificationMessage\",\"UserAttributeUpdateSettings\",\"UserPoolAddOns\",\"UserPoolTags\",\"VerificationMessageTemplate\"))) | del(.AdminCreateUserConfig.UnusedAccountValidityDays) | .LambdaConfig += {CustomSMSSender: {LambdaVersion: \"V1_0\", LambdaArn: $fn}, KMSKeyID: $key}' > update-user-pool.json && aws cognito-idp update-user-pool --cli-input-json file://update-user-pool.json"
}
