# ---- Delivery receipts (issue 13) ---------------------------------------------------------------

locals {
  # The part of the variables the receipts function needs (the construct's receiptsEnvironment):
  # the chains, the config file, Powertools' settings and each chained provider's <ID>_*
  # variables (credentials verify signatures). A chain entry that is a package name has
  # variables the module cannot name, so then every variable is passed.
  receipts_shared_variables = ["SMS_PROVIDER", "SMS_ROUTES", "SMS_CONFIG_FILE", "SMS_SECRETS_MAX_AGE_S"]
  # SMS_ROUTES: "GB,IE=vonage,twilio;+1=sns": the providers are right of each "=".
  receipts_chain_entries = [for entry in concat(
    var.sms_providers,
    flatten([for rule in split(";", lookup(var.environment, "SMS_ROUTES", "")) : split(",", try(split("=", rule)[1], ""))]),
  ) : trimspace(entry) if trimspace(entry) != ""]
  receipts_prefixes = [for id in local.receipts_chain_entries : "${upper(replace(id, "-", "_"))}_"]
  receipts_all_ids  = alltrue([for id in local.receipts_chain_entries : can(regex("^[a-z][a-z0-9-]*$", id))])
  receipts_provider_environment = !local.receipts_all_ids ? var.environment : {
    for name, value in var.environment : name => value
    if contains(local.receipts_shared_variables, name) || startswith(name, "POWERTOOLS_") || anytrue([for prefix in local.receipts_prefixes : startswith(name, prefix)])
  }

  receipts_environment_variables = merge(
    local.receipts_provider_environment,
    { SMS_PROVIDER = local.sms_provider },
    # The delivery ledger: the same table and variable the sender records its sends under.
    local.state_table_enabled ? { SMS_IDEMPOTENCY_TABLE = local.state_table_name } : {},
    # Without it the function rebuilds the signed URL from the Host header: naming its own URL
    # here would make the function depend on itself.
    var.receipts_public_url == null ? {} : { SMS_RECEIPTS_URL = var.receipts_public_url },
  )

  # The receipts function settles each receipt with one conditional UpdateItem; it never reads
  # (the construct's RECEIPTS_TABLE_ACTIONS).
  receipts_table_actions = ["dynamodb:UpdateItem"]

  receipts_url = !var.receipts ? null : coalesce(var.receipts_public_url, aws_lambda_function_url.receipts[0].function_url)
}

resource "aws_cloudwatch_log_group" "receipts" {
  count             = var.receipts ? 1 : 0
  name              = "/aws/lambda/${var.name}-receipts"
  retention_in_days = var.log_retention_in_days
  tags              = var.tags
}

# No KMS key and no guard secret: its logs, the providers' secrets (they verify signatures) and
# the send records in the state table.
resource "aws_iam_role" "receipts" {
  count              = var.receipts ? 1 : 0
  name               = "${var.name}-receipts"
  description        = "cognito-sms delivery receipts function"
  assume_role_policy = data.aws_iam_policy_document.lambda_assume.json
  tags               = var.tags
}

resource "aws_iam_role_policy" "receipts" {
  count  = var.receipts ? 1 : 0
  name   = "receipts"
  role   = aws_iam_role.receipts[0].id
  policy = data.aws_iam_policy_document.receipts[0].json
}

data "aws_iam_policy_document" "receipts" {
  count = var.receipts ? 1 : 0
  statement {
    sid       = "WriteOwnLogs"
    effect    = "Allow"
    actions   = ["logs:CreateLogStream", "logs:PutLogEvents"]
    resources = ["${aws_cloudwatch_log_group.receipts[0].arn}:*"]
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
    for_each = local.state_table_enabled ? [1] : []
    content {
      sid       = "SettleReceipts"
      effect    = "Allow"
      actions   = local.receipts_table_actions
      resources = [local.state_table_arn]
    }
  }
}

resource "aws_lambda_function" "receipts" {
  count                          = var.receipts ? 1 : 0
  function_name                  = "${var.name}-receipts"
  description                    = "cognito-sms: delivery receipts (${join(", ", var.sms_providers)})"
  filename                       = var.bundle_zip
  source_code_hash               = filebase64sha256(var.bundle_zip)
  handler                        = "receipts.handler"
  runtime                        = "nodejs22.x"
  architectures                  = [var.architecture]
  memory_size                    = var.receipts_memory_size
  timeout                        = var.receipts_timeout
  reserved_concurrent_executions = var.receipts_reserved_concurrency == null ? -1 : var.receipts_reserved_concurrency
  role                           = aws_iam_role.receipts[0].arn
  logging_config {
    log_format = "Text"
    log_group  = aws_cloudwatch_log_group.receipts[0].name
  }
  environment {
    variables = local.receipts_environment_variables
  }
  tags       = var.tags
  depends_on = [aws_iam_role_policy.receipts]
}

# Auth NONE: providers call with their own signature scheme (X-Twilio-Signature, Vonage's signed
# JWT, Telnyx Ed25519, …) and cannot sign with SigV4, so IAM auth would refuse every callback.
# What protects it instead: each request is verified by its provider's scheme before any
# effect, bodies over 64 KiB are refused unread, only the chained providers' paths exist, and
# reserved concurrency caps the cost of a flood.
resource "aws_lambda_function_url" "receipts" {
  count              = var.receipts ? 1 : 0
  function_name      = aws_lambda_function.receipts[0].function_name
  authorization_type = "NONE"
}

# A public function URL needs both statements (as the construct's addFunctionUrl adds them).
resource "aws_lambda_permission" "receipts_url" {
  count                  = var.receipts ? 1 : 0
  statement_id           = "FunctionUrlPublicInvokeUrl"
  action                 = "lambda:InvokeFunctionUrl"
  function_name          = aws_lambda_function.receipts[0].function_name
  principal              = "*"
  function_url_auth_type = "NONE"
}

resource "aws_lambda_permission" "receipts_invoke" {
  count                    = var.receipts ? 1 : 0
  statement_id             = "FunctionUrlPublicInvoke"
  action                   = "lambda:InvokeFunction"
  function_name            = aws_lambda_function.receipts[0].function_name
  principal                = "*"
  invoked_via_function_url = true
}
