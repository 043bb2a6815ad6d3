# Example: alerts for recipe 000's job, crawlers and workflow, to an encrypted topic with one email subscriber.
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

# The key policy must let EventBridge and CloudWatch publish to the encrypted topic: the kms module's defaults.
module "kms" {
  source = "../../../kms"

  alias_name = var.name
  account_id = data.aws_caller_identity.current.account_id
  region     = var.region
  key_users  = [aws_iam_role.example.arn]
}

resource "aws_iam_role" "example" {
  name = "${var.name}-glue"
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Principal = { Service = "glue.amazonaws.com" }, Action = "sts:AssumeRole" }]
  })
}

module "monitoring" {
  source = "../.."

  name         = var.name
  account_id   = data.aws_caller_identity.current.account_id
  region       = var.region
  kms_key_arn  = module.kms.key_arn
  alarm_emails = ["data-platform-alerts@example.com"]
  watched = {
    job_names      = ["${var.name}-map-purchases"]
    crawler_names  = ["${var.name}-source", "${var.name}-target"]
    workflow_names = ["${var.name}-workflow"]
  }
}

output "topic_arn" {
  description = "ARN of the example alert topic."
  value       = module.monitoring.topic_arn
}
