# Example: one glueetl job and one pythonshell job, their scripts uploaded from examples/basic/scripts/.
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

locals {
  bucket = "${var.name}-scripts-${data.aws_caller_identity.current.account_id}"
}

module "data_lake" {
  source = "../../../data_lake"

  buckets = {
    raw         = "${var.name}-raw-${data.aws_caller_identity.current.account_id}"
    processed   = "${var.name}-processed-${data.aws_caller_identity.current.account_id}"
    scripts     = local.bucket
    temp        = "${var.name}-temp-${data.aws_caller_identity.current.account_id}"
    access_logs = "${var.name}-access-logs-${data.aws_caller_identity.current.account_id}"
  }
  account_id    = data.aws_caller_identity.current.account_id
  kms_key_arn   = aws_kms_key.example.arn
  force_destroy = true
}

module "glue_security" {
  source = "../../../glue_security"

  name        = var.name
  kms_key_arn = aws_kms_key.example.arn
}

module "glue_job" {
  source = "../.."

  jobs = {
    etl = {
      name              = "${var.name}-etl"
      type              = "glueetl"
      script_path       = "scripts/etl.py"
      script_s3_key     = "glue_jobs/example/etl.py"
      glue_version      = "5.0"
      python_version    = "3"
      worker_type       = "G.1X"
      number_of_workers = 2
      timeout_minutes   = 30
      default_arguments = { "--job-bookmark-option" = "job-bookmark-enable" }
    }
    shell = {
      name            = "${var.name}-shell"
      type            = "pythonshell"
      script_path     = "scripts/shell.py"
      script_s3_key   = "glue_jobs/example/shell.py"
      glue_version    = "3.0"
      python_version  = "3.9"
      max_capacity    = 0.0625
      timeout_minutes = 10
    }
  }
  source_root            = path.module
  scripts_bucket         = module.data_lake.bucket_names["scripts"]
  role_arn               = aws_iam_role.example.arn
  security_configuration = module.glue_security.name
  kms_key_arn            = aws_kms_key.example.arn
}

output "job_names" {
  description = "Job names of the example."
  value       = module.glue_job.job_names
}
