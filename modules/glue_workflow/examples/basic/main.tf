# Example: an ON_DEMAND workflow (the apply never starts it): crawl raw, then, once it succeeded, crawl processed.
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

resource "aws_glue_catalog_database" "example" {
  name = "glueflow_example"
}

resource "aws_glue_crawler" "example" {
  #checkov:skip=CKV_AWS_195:Example stand-in for glue_crawler, which always sets a security configuration.
  for_each = toset(["raw", "processed"])

  name          = "${var.name}-${each.key}"
  role          = aws_iam_role.example.arn
  database_name = aws_glue_catalog_database.example.name

  s3_target {
    path = "s3://${var.name}-${each.key}-${data.aws_caller_identity.current.account_id}/data/"
  }
}

module "glue_workflow" {
  source = "../.."

  pipeline = {
    workflow_name          = "${var.name}-workflow"
    description            = "glueflow module example"
    max_concurrent_runs    = 1
    default_run_properties = { environment = "example" }
    crawlers               = { for key, crawler in aws_glue_crawler.example : key => { name = crawler.name } }
    triggers = {
      start = {
        name    = "${var.name}-start"
        type    = "ON_DEMAND"
        actions = [{ crawler_name = aws_glue_crawler.example["raw"].name }]
      }
      raw_crawled = {
        name       = "${var.name}-raw-crawled"
        type       = "CONDITIONAL"
        logical    = "ANY"
        conditions = [{ crawler_name = aws_glue_crawler.example["raw"].name, state = "SUCCEEDED" }]
        actions    = [{ crawler_name = aws_glue_crawler.example["processed"].name }]
      }
    }
  }
  account_id = data.aws_caller_identity.current.account_id
}

output "workflow_name" {
  description = "Name of the example workflow."
  value       = module.glue_workflow.workflow_name
}
