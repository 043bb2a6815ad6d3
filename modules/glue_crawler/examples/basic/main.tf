# Example: recipe 000's source crawler over s3://<raw>/input/ (the bucket need not hold data to create it).
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

module "glue_security" {
  source = "../../../glue_security"

  name        = var.name
  kms_key_arn = aws_kms_key.example.arn
}

module "glue_crawler" {
  source = "../.."

  crawlers = {
    source = {
      name          = "${var.name}-source"
      description   = "Discovers the schema of the raw purchase CSVs"
      database_name = aws_glue_catalog_database.example.name
      s3_targets    = [{ path = "s3://${var.name}-raw-${data.aws_caller_identity.current.account_id}/input/" }]
      classifiers   = ["with_header"]
    }
  }
  classifiers = {
    with_header = {
      name           = "${var.name}-with-header"
      csv_classifier = { contains_header = "PRESENT" }
    }
  }
  role_arn               = aws_iam_role.example.arn
  security_configuration = module.glue_security.name
}

output "crawler_names" {
  description = "Crawler names of the example."
  value       = module.glue_crawler.crawler_names
}
