data "aws_partition" "current" {}

locals {
  partition = data.aws_partition.current.partition
  root_arn  = "arn:${local.partition}:iam::${var.account_id}:root"

  key_policy = {
    Version = "2012-10-17"
    Statement = concat(
      [
        {
          # Without this statement the key becomes unmanageable; it also lets IAM policies grant key use.
          Sid       = "AccountAdministersKey"
          Effect    = "Allow"
          Principal = { AWS = local.root_arn }
          Action    = "kms:*"
          Resource  = "*"
        },
        {
          Sid       = "DeploymentRolesUseKey"
          Effect    = "Allow"
          Principal = { AWS = var.key_users }
          Action    = ["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey"]
          Resource  = "*"
        },
      ],
      length(var.log_group_arn_patterns) == 0 ? [] : [
        {
          Sid       = "CloudWatchLogsEncryptDeploymentLogGroups"
          Effect    = "Allow"
          Principal = { Service = "logs.${var.region}.amazonaws.com" }
          Action    = ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"]
          Resource  = "*"
          Condition = {
            ArnLike = { "kms:EncryptionContext:aws:logs:arn" = var.log_group_arn_patterns }
          }
        },
      ],
      length(var.service_principals) == 0 ? [] : [
        {
          Sid       = "ServicesPublishToEncryptedTopicsAndQueues"
          Effect    = "Allow"
          Principal = { Service = var.service_principals }
          Action    = ["kms:Decrypt", "kms:GenerateDataKey*"]
          Resource  = "*"
          Condition = {
            StringEquals = { "aws:SourceAccount" = var.account_id }
          }
        },
      ],
    )
  }
}

resource "aws_kms_key" "this" {
  description             = var.description
  enable_key_rotation     = true
  deletion_window_in_days = var.deletion_window_in_days
  policy                  = jsonencode(local.key_policy)
  tags                    = var.tags
}

resource "aws_kms_alias" "this" {
  name          = "alias/${var.alias_name}"
  target_key_id = aws_kms_key.this.key_id
}
