# Example: an Athena workgroup with KMS-encrypted results over one catalog database, and its query policy.
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

module "athena_query" {
  source = "../.."

  workgroup_name    = "${var.name}-query"
  account_id        = data.aws_caller_identity.current.account_id
  region            = var.region
  results_bucket    = "${var.name}-temp-${data.aws_caller_identity.current.account_id}"
  kms_key_arn       = aws_kms_key.example.arn
  database_names    = ["glueflow_example"]
  data_bucket_names = ["${var.name}-processed-${data.aws_caller_identity.current.account_id}"]
  force_destroy     = true
}

output "workgroup_name" {
  description = "Name of the example workgroup."
  value       = module.athena_query.workgroup_name
}

output "query_policy_arn" {
  description = "Policy to attach to whoever runs queries in the example workgroup."
  value       = module.athena_query.query_policy_arn
}
