# A new user pool (phone sign-in) whose SMS go through cognito-sms. `terraform apply` from this
# directory after `npm i @cognito-sms/handler` (or point bundle_zip at `npm run bundle` output).
terraform {
  required_version = ">= 1.9"
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = ">= 6.42, < 7.0"
    }
    archive = {
      source  = "hashicorp/archive"
      version = ">= 2.4, < 3.0"
    }
  }
}

provider "aws" {
  region = var.region
}

variable "region" {
  description = "Where the pool and the functions live."
  type        = string
  default     = "eu-west-1"
}

variable "bundle_zip" {
  description = "A zip from `npm run bundle` in a clone (packages/handler/dist-lambda/<name>.zip). null: zip the installed @cognito-sms/handler's dist/ (every built-in provider)."
  type        = string
  default     = null
}

variable "twilio_secret_name" {
  description = "The Secrets Manager secret holding {\"accountSid\": …, \"authToken\": …}, created once outside Terraform."
  type        = string
  default     = "cognito-sms/twilio"
}

variable "twilio_from" {
  description = "The sending number or Messaging Service."
  type        = string
  default     = "+15005550006"
}

# The installed handler's dist/ is the same code the CDK construct deploys from the registry:
# index.handler and receipts.handler, each provider in a chunk loaded on demand.
data "archive_file" "handler" {
  count       = var.bundle_zip == null ? 1 : 0
  type        = "zip"
  source_dir  = "${path.root}/node_modules/@cognito-sms/handler/dist"
  excludes    = ["types"]
  output_path = "${path.root}/.terraform/cognito-sms-handler.zip"
}

data "aws_secretsmanager_secret" "twilio" {
  name = var.twilio_secret_name
}

# The credentials as the function's variables: read at plan time, so they are in the state
# (keep the state encrypted, as for any secret Terraform reads).
data "aws_secretsmanager_secret_version" "twilio" {
  secret_id = data.aws_secretsmanager_secret.twilio.id
}

resource "aws_cognito_user_pool" "pool" {
  name                     = "cognito-sms-example"
  username_attributes      = ["phone_number"]
  auto_verified_attributes = ["phone_number"]

  # The pool's SMS go to the module's function, the codes encrypted with its key.
  lambda_config {
    kms_key_id = module.sms.kms_key_arn
    custom_sms_sender {
      lambda_arn     = module.sms.function_arn
      lambda_version = "V1_0"
    }
  }
}

module "sms" {
  source = "../../modules/cognito-sms"

  user_pool_id  = aws_cognito_user_pool.pool.id
  bundle_zip    = var.bundle_zip != null ? var.bundle_zip : data.archive_file.handler[0].output_path
  sms_providers = ["twilio"]
  secret_arns   = [data.aws_secretsmanager_secret.twilio.arn]
  environment = {
    TWILIO_ACCOUNT_SID = jsondecode(data.aws_secretsmanager_secret_version.twilio.secret_string).accountSid
    TWILIO_AUTH_TOKEN  = jsondecode(data.aws_secretsmanager_secret_version.twilio.secret_string).authToken
    TWILIO_FROM        = var.twilio_from
  }
}

output "user_pool_id" {
  value = aws_cognito_user_pool.pool.id
}

output "function_arn" {
  value = module.sms.function_arn
}

output "kms_key_arn" {
  value = module.sms.kms_key_arn
}

output "receipts_url" {
  value = module.sms.receipts_url
}

output "failed_invocations_queue_url" {
  value = module.sms.failed_invocations_queue_url
}
