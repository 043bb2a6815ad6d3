# Example: a JDBC connection in a fresh VPC subnet, its credentials in a KMS-encrypted Secrets Manager secret.
# Creating a connection neither reads the secret nor reaches the database, so the secret holds no value here.
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

resource "aws_secretsmanager_secret" "example" {
  #checkov:skip=CKV2_AWS_57:An example secret with no database behind it; rotation needs the database's rotation Lambda
  name                    = "${var.name}/warehouse"
  description             = "Credentials of the example warehouse (username, password)"
  kms_key_id              = aws_kms_key.example.arn
  recovery_window_in_days = 0
}

resource "aws_vpc" "example" {
  #checkov:skip=CKV2_AWS_11:A short-lived example VPC with no traffic; flow logs belong to the real network
  cidr_block = "10.42.0.0/24"
}

resource "aws_default_security_group" "example" {
  vpc_id = aws_vpc.example.id # no rules: the default group allows nothing
}

resource "aws_subnet" "example" {
  vpc_id            = aws_vpc.example.id
  cidr_block        = "10.42.0.0/26"
  availability_zone = "${var.region}a"
}

# Glue requires a self-referencing rule: its job ENIs talk to each other on all TCP ports.
resource "aws_security_group" "glue" {
  #checkov:skip=CKV2_AWS_5:Attached to the Glue connection (physical_connection_requirements in module.glue_connection), which checkov does not follow.
  name        = "${var.name}-glue-connection"
  description = "Glue job ENIs of the example connection"
  vpc_id      = aws_vpc.example.id
}

resource "aws_security_group_rule" "glue_self_ingress" {
  type              = "ingress"
  description       = "Glue ENIs to each other (required by Glue)"
  security_group_id = aws_security_group.glue.id
  protocol          = "tcp"
  from_port         = 0
  to_port           = 65535
  self              = true
}

resource "aws_security_group_rule" "glue_self_egress" {
  type              = "egress"
  description       = "Glue ENIs to each other and to the database in the same group"
  security_group_id = aws_security_group.glue.id
  protocol          = "tcp"
  from_port         = 0
  to_port           = 65535
  self              = true
}

module "glue_connection" {
  source = "../.."

  connections = {
    warehouse = {
      name               = "${var.name}-warehouse"
      description        = "Example Redshift warehouse"
      jdbc_url           = "jdbc:redshift://${var.name}.example.${var.region}.redshift.amazonaws.com:5439/dev"
      secret_arn         = aws_secretsmanager_secret.example.arn
      secret_kms_key_arn = aws_kms_key.example.arn
      subnet_id          = aws_subnet.example.id
      security_group_ids = [aws_security_group.glue.id]
      availability_zone  = aws_subnet.example.availability_zone
    }
  }
}

output "connection_names" {
  description = "Connection names of the example."
  value       = module.glue_connection.connection_names
}
