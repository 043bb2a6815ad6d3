# Example: one pipeline database. Catalog encryption settings are account-wide, so the example leaves them alone.
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

module "glue_catalog" {
  source = "../.."

  databases = {
    example = { name = "glueflow_example", description = "glueflow module example" }
  }
  kms_key_arn                = aws_kms_key.example.arn
  manage_encryption_settings = false
}

output "database_names" {
  description = "Database names of the example."
  value       = module.glue_catalog.database_names
}
