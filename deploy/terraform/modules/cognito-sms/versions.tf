terraform {
  # 1.9: variable validations and preconditions may refer to other variables.
  required_version = ">= 1.9"
  required_providers {
    aws = {
      source = "hashicorp/aws"
      # 6.42: aws_lambda_permission.invoked_via_function_url (a public function URL needs both permissions).
      version = ">= 6.42, < 7.0"
    }
  }
}
