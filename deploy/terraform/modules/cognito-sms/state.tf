# ---- Duplicate suppression's and the fraud guard's table (issues 9 and 10) ----------------------

locals {
  # Counts branch on these booleans only: they are known at plan time, unlike the ARN of a table
  # this apply creates.
  state_table_enabled = var.existing_state_table_arn != null || var.create_state_table
  create_state_table  = var.existing_state_table_arn == null && var.create_state_table
  state_table_arn     = !local.state_table_enabled ? null : (local.create_state_table ? aws_dynamodb_table.state[0].arn : var.existing_state_table_arn)
  # arn:…:table/<name>
  state_table_name = !local.state_table_enabled ? null : (local.create_state_table ? aws_dynamodb_table.state[0].name : element(split("/", var.existing_state_table_arn), 1))

  # Without a table the guard would count per container: the construct then leaves it to the
  # handler's defaults, and so does this module.
  guard_on           = var.guard && local.state_table_enabled
  create_guard_key   = local.guard_on && var.guard_hash_key_secret_arn == null
  guard_hash_key_arn = !local.guard_on ? null : (local.create_guard_key ? aws_secretsmanager_secret.guard_hash_key[0].arn : var.guard_hash_key_secret_arn)

  # What the sender does with the state table: duplicate suppression and the fraud guard (the construct's STATE_TABLE_ACTIONS).
  state_table_actions = ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem", "dynamodb:BatchGetItem"]
}

# Counters and idempotency records are short-lived (their TTL is at most days): nothing to
# restore, so no point-in-time recovery and no deletion protection.
resource "aws_dynamodb_table" "state" {
  count        = local.create_state_table ? 1 : 0
  name         = "${var.name}-state"
  billing_mode = "PAY_PER_REQUEST"
  hash_key     = "id"
  attribute {
    name = "id"
    type = "S"
  }
  ttl {
    attribute_name = "expiration"
    enabled        = true
  }
  server_side_encryption {
    enabled = true
  }
  tags = var.tags
}

resource "aws_iam_role_policy" "state" {
  count  = local.state_table_enabled ? 1 : 0
  name   = "state"
  role   = aws_iam_role.sender.id
  policy = data.aws_iam_policy_document.state.json
}

data "aws_iam_policy_document" "state" {
  statement {
    sid       = "StateTableRecords"
    effect    = "Allow"
    actions   = local.state_table_actions
    resources = local.state_table_enabled ? [local.state_table_arn] : []
  }
}

# The key of the hashes under which the guard counts numbers and users (replacing it resets the counters).
resource "aws_secretsmanager_secret" "guard_hash_key" {
  count       = local.create_guard_key ? 1 : 0
  name_prefix = "${var.name}-guard-hash-key-"
  description = "cognito-sms: the key of the hashes under which the fraud guard counts numbers and users (changing it resets the counters)"
  tags        = var.tags
}

data "aws_secretsmanager_random_password" "guard_hash_key" {
  count               = local.create_guard_key ? 1 : 0
  password_length     = 48
  exclude_punctuation = true
}

resource "aws_secretsmanager_secret_version" "guard_hash_key" {
  count         = local.create_guard_key ? 1 : 0
  secret_id     = aws_secretsmanager_secret.guard_hash_key[0].id
  secret_string = data.aws_secretsmanager_random_password.guard_hash_key[0].random_password
  # The data source draws a new password on every plan: the first one stays.
  lifecycle {
    ignore_changes = [secret_string]
  }
}
