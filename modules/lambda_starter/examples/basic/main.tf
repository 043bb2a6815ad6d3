# Example: the S3-event starter packaged from lambda/start_workflow/, with the role glue_iam builds for it.
# S3 keeps one notification configuration per bucket, so the bucket's notification is data_lake's job.
terraform {
  required_version = ">= 1.10"

  required_providers {
    archive = {
      source  = "hashicorp/archive"
      version = "~> 2.7"
    }
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
  account  = data.aws_caller_identity.current.account_id
  function = "${var.name}-start"
  temp     = "${var.name}-temp-${local.account}"
}

module "glue_iam" {
  source = "../../../glue_iam"

  glue_role_name = "${var.name}-glue"
  account_id     = local.account
  region         = var.region
  kms_key_arn    = aws_kms_key.example.arn
  buckets = {
    raw         = "${var.name}-raw-${local.account}"
    processed   = "${var.name}-processed-${local.account}"
    scripts     = "${var.name}-scripts-${local.account}"
    temp        = local.temp
    access_logs = "${var.name}-access-logs-${local.account}"
  }
  database_names              = ["glueflow_example"]
  workflow_names              = ["${var.name}-workflow"]
  security_configuration_name = var.name
  lambda_roles = {
    example = {
      role_name          = local.function
      function_name      = local.function
      workflow_name      = "${var.name}-workflow"
      dlq_name           = "${local.function}-dlq"
      idempotency_bucket = local.temp
      idempotency_prefix = "lambda-idempotency/example/"
    }
  }
}

module "lambda_starter" {
  source = "../.."

  function_name = local.function
  source_dir    = "${path.module}/../../../../lambda/start_workflow"
  package_path  = "${path.module}/.terraform/${local.function}.zip" # git-ignored
  role_arn      = module.glue_iam.lambda_execution_role_arns["example"]
  workflow_name = "${var.name}-workflow"
  bucket_name   = "${var.name}-raw-${local.account}"
  account_id    = local.account
  key_filter    = { prefix = "incoming/", suffix = ".csv" }
  idempotency   = { bucket = local.temp, prefix = "lambda-idempotency/example/" }
  dlq_name      = "${local.function}-dlq"
  kms_key_arn   = aws_kms_key.example.arn
}

output "function_name" {
  description = "Name of the example starter function."
  value       = module.lambda_starter.function_name
}

output "s3_notification" {
  description = "The notification entry to hand to data_lake."
  value       = module.lambda_starter.s3_notification
}
