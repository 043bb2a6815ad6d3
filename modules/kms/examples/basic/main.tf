# Example: the deployment key, usable by one Glue role and by CloudWatch Logs for Glue log groups.
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

resource "aws_iam_role" "example" {
  name = "${var.name}-glue"
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Principal = { Service = "glue.amazonaws.com" }, Action = "sts:AssumeRole" }]
  })
}

module "kms" {
  source = "../.."

  alias_name             = var.name
  account_id             = data.aws_caller_identity.current.account_id
  region                 = var.region
  key_users              = [aws_iam_role.example.arn]
  log_group_arn_patterns = ["arn:aws:logs:${var.region}:${data.aws_caller_identity.current.account_id}:log-group:/aws-glue/*"]
}

output "key_arn" {
  description = "ARN of the example key."
  value       = module.kms.key_arn
}
