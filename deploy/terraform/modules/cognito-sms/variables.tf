variable "name" {
  description = "Prefix of every resource name (functions, log groups, roles, queue, table, alarms)."
  type        = string
  default     = "cognito-sms"
  validation {
    condition     = can(regex("^[A-Za-z0-9_-]{1,40}$", var.name))
    error_message = "name must be 1 to 40 letters, digits, - or _ (it prefixes function and role names)."
  }
}

variable "user_pool_id" {
  description = "The user pool whose SMS this function sends, e.g. eu-west-1_AbC123. Only Cognito's invoke permission, the decrypt policy and attach_trigger_command refer to it, so a pool of this configuration may pass its id."
  type        = string
  validation {
    condition     = can(regex("^[\\w-]+_[0-9a-zA-Z]+$", var.user_pool_id))
    error_message = "user_pool_id must be a user pool id such as eu-west-1_AbC123."
  }
}

variable "pinned_user_pool_id" {
  description = <<-EOT
    For a pool managed outside this configuration only: the same id as user_pool_id. The key
    policy and COGNITO_USER_POOL_IDS then name this pool exactly and attach_trigger_command
    attaches it (the CDK construct with an imported pool). null (the default) for a pool whose
    lambda_config refers to this module's outputs: the key and the function cannot name it
    (Terraform would report a cycle), so the key policy admits this account's pools in this
    region and COGNITO_USER_POOL_IDS is not set; the invoke permission and the decrypt
    condition still name user_pool_id only (the construct with a pool of the same stack).
  EOT
  type        = string
  default     = null
  validation {
    condition     = var.pinned_user_pool_id == null || can(regex("^[\\w-]+_[0-9a-zA-Z]+$", var.pinned_user_pool_id))
    error_message = "pinned_user_pool_id must be null or a user pool id such as eu-west-1_AbC123."
  }
}

variable "sms_providers" {
  description = "Provider ids tried in this order (SMS_PROVIDER), e.g. [\"twilio\"] or [\"twilio\", \"sns\"]."
  type        = list(string)
  validation {
    condition     = length(var.sms_providers) > 0 && alltrue([for id in var.sms_providers : trimspace(id) != "" && !strcontains(id, ",")])
    error_message = "sms_providers must name at least one provider id, each without commas, e.g. [\"twilio\"]."
  }
}

variable "environment" {
  description = "More variables for the handler, e.g. the provider's TWILIO_* settings and the guard's SMS_LIMIT_* limits. Not the ones the module sets itself."
  type        = map(string)
  default     = {}
}

variable "secret_arns" {
  description = "ARNs of the Secrets Manager secrets the functions may read (GetSecretValue, DescribeSecret); no other secret is readable."
  type        = list(string)
  default     = []
}

variable "kms_key_arn" {
  description = "The pool's custom sender key. null: a new symmetric key with rotation and the key policy Cognito needs. Your own key needs that statement (the cognito_key_policy_statement output)."
  type        = string
  default     = null
  validation {
    condition     = var.kms_key_arn == null || can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/[0-9a-fA-F-]+$", var.kms_key_arn))
    error_message = "kms_key_arn must be null or a full KMS key ARN (aliases never match Cognito's messages)."
  }
}

variable "bundle_zip" {
  description = "Path of the zip `npm run bundle` writes (packages/handler/dist-lambda/<name>.zip): index.mjs for the sender, receipts.mjs for receipts."
  type        = string
}

variable "architecture" {
  description = "Lambda architecture of both functions. The bundle is the same JavaScript for both."
  type        = string
  default     = "arm64"
  validation {
    condition     = contains(["arm64", "x86_64"], var.architecture)
    error_message = "architecture must be arm64 or x86_64."
  }
}

variable "memory_size" {
  description = "Sender memory in MB (more memory is more CPU: a faster cold start)."
  type        = number
  default     = 256
}

variable "timeout" {
  description = "Sender timeout in seconds: room for a failover after one slow provider attempt."
  type        = number
  default     = 10
}

variable "retry_attempts" {
  description = "Lambda's asynchronous retries after a failed invocation (0 to 2)."
  type        = number
  default     = 2
  validation {
    condition     = var.retry_attempts >= 0 && var.retry_attempts <= 2
    error_message = "retry_attempts must be 0, 1 or 2."
  }
}

variable "maximum_event_age_in_seconds" {
  description = "How long an event may wait for an attempt before going to the failure queue (60 to 21600)."
  type        = number
  default     = 3600
}

variable "log_retention_in_days" {
  description = "Retention of both functions' log groups."
  type        = number
  default     = 30
}

variable "alarm_actions" {
  description = "ARNs notified when any alarm fires, e.g. an SNS topic."
  type        = list(string)
  default     = []
}

variable "create_state_table" {
  description = "Create the table duplicate suppression and the fraud guard keep their records in (partition key id, TTL expiration, on demand, encrypted). false with no existing_state_table_arn: no table, so no duplicate suppression (retries and a failover can send one event's SMS several times) and a guard that counts per container."
  type        = bool
  default     = true
}

variable "existing_state_table_arn" {
  description = "An existing table of that shape to use instead of creating one (create_state_table is then ignored)."
  type        = string
  default     = null
}

variable "guard" {
  description = "The fraud guard (limits go in environment: SMS_LIMIT_PER_COUNTRY, …), in the state table. false: SMS_GUARD=off."
  type        = bool
  default     = true
}

variable "guard_hash_key_secret_arn" {
  description = "The secret whose value keys the hashes the guard counts numbers and users under. null: a generated one."
  type        = string
  default     = null
}

variable "rate_limited_alarm_threshold" {
  description = "SmsRateLimited messages in 5 minutes that raise the alarm."
  type        = number
  default     = 20
}

variable "receipts" {
  description = "Delivery receipts: the receipts function (receipts.handler of the same bundle) on a public function URL the sender gives providers (SMS_RECEIPTS_URL), with alarms on the delivered share and refused receipts. false: none of it, and providers are asked for no status callbacks."
  type        = bool
  default     = true
}

variable "receipts_reserved_concurrency" {
  description = "Concurrent receipts at most: the URL is public, so this caps what a flood can cost. null for none, e.g. in an account still at the new-account concurrency quota of 10, where Lambda refuses any reservation."
  type        = number
  default     = 10
}

variable "receipts_memory_size" {
  description = "Receipts function memory in MB (a receipt is one signature check and one table update)."
  type        = number
  default     = 128
}

variable "receipts_timeout" {
  description = "Receipts function timeout in seconds."
  type        = number
  default     = 10
}

variable "receipts_public_url" {
  description = "The URL providers are told to call when the function URL sits behind CloudFront or a custom domain: SMS_RECEIPTS_URL on both functions. null: the function URL, given to the sender only."
  type        = string
  default     = null
}

variable "delivered_share_alarm_threshold" {
  description = "Delivered ÷ (delivered + undelivered) under which the alarm fires, above 0 and at most 1."
  type        = number
  default     = 0.8
  validation {
    condition     = var.delivered_share_alarm_threshold > 0 && var.delivered_share_alarm_threshold <= 1
    error_message = "delivered_share_alarm_threshold must be a share above 0 and at most 1, e.g. 0.8."
  }
}

variable "delivered_share_min_receipts" {
  description = "Final receipts a 15-minute period needs before its share can raise the alarm."
  type        = number
  default     = 20
}

variable "rejected_alarm_threshold" {
  description = "Refused receipts (SmsReceiptRejected) in 5 minutes that raise the alarm."
  type        = number
  default     = 10
}

variable "tags" {
  description = "Tags for every resource that takes them."
  type        = map(string)
  default     = {}
}
