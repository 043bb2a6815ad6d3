# Example: the Glue role for one pipeline and the role of its S3-event starter.
terraform {
  required_version = ">= 1.10"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 6.0"
    }
  }
}

provider "aws" {
  region = var.region
}

variable "region" {
  description = "Region of the sandbox account to deploy the example to."
  type        = string
  default     = "eu-west-1"
}

variable "name" {
  description = "Name stem for the example resources."
  type        = string
  default     = "glueflow-example"
}

data "aws_caller_identity" "current" {}

# A stand-in for the kms module: a rotating key the example account administers.
resource "aws_kms_key" "example" {
  description             = "${var.name} example key"
  enable_key_rotation     = true
  deletion_window_in_days = 7
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid       = "AccountAdministersKey"
      Effect    = "Allow"
      Principal = { AWS = "arn:aws:iam::${data.aws_caller_identity.current.account_id}:root" }
      Action    = "kms:*"
      Resource  = "*"
    }]
  })
}

locals {
  account = data.aws_caller_identity.current.account_id
}

module "glue_iam" {
  source = "../.."

  glue_role_name = "${var.name}-glue"
  account_id     = local.account
  region         = var.region
  kms_key_arn    = aws_kms_key.example.arn
  buckets = {
    raw         = "${var.name}-raw-${local.account}"
    processed   = "${var.name}-processed-${local.account}"
    scripts     = "${var.name}-scripts-${local.account}"
    temp        = "${var.name}-temp-${local.account}"
    access_logs = "${var.name}-access-logs-${local.account}"
  }
  database_names              = ["glueflow_example"]
  workflow_names              = ["${var.name}-workflow"]
  security_configuration_name = var.name
  lambda_roles = {
    example = {
      role_name          = "${var.name}-start"
      function_name      = "${var.name}-start"
      workflow_name      = "${var.name}-workflow"
      dlq_name           = "${var.name}-start-dlq"
      idempotency_bucket = "${var.name}-temp-${local.account}"
      idempotency_prefix = "lambda-idempotency/example/"
    }
  }
}

output "glue_role_arn" {
  description = "ARN of the example Glue role."
  value       = module.glue_iam.glue_role_arn
}
