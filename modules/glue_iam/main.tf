# The Glue role (jobs and crawlers) and the S3-event Lambda roles. Every statement is scoped to this deployment's
# ARNs: its buckets and prefixes, its KMS key, its Glue log groups, its catalog databases, its workflows and its
# JDBC connections (their secrets, secret keys, subnets and security groups).

data "aws_partition" "current" {}

locals {
  partition   = data.aws_partition.current.partition
  s3          = "arn:${local.partition}:s3:::"
  glue        = "arn:${local.partition}:glue:${var.region}:${var.account_id}"
  logs        = "arn:${local.partition}:logs:${var.region}:${var.account_id}"
  readable    = [var.buckets.raw, var.buckets.processed, var.buckets.temp]
  writable    = [var.buckets.processed, var.buckets.temp]
  workflow    = [for name in var.workflow_names : "${local.glue}:workflow/${name}"]
  glue_logs   = "${local.logs}:log-group:/aws-glue/*${var.security_configuration_name}*"
  catalog_dbs = [for db in var.database_names : "${local.glue}:database/${db}"]
  catalog_tbl = [for db in var.database_names : "${local.glue}:table/${db}/*"]

  # JDBC connections (VPC): their secrets, the keys encrypting those secrets, and the ENIs Glue puts in their subnets.
  ec2             = "arn:${local.partition}:ec2:${var.region}:${var.account_id}"
  connections     = values(var.connections)
  secret_arns     = distinct([for c in local.connections : c.secret_arn])
  secret_key_arns = distinct(compact([for c in local.connections : c.secret_kms_key_arn]))
  subnet_arns     = distinct([for c in local.connections : "${local.ec2}:subnet/${c.subnet_id}"])
  sg_arns         = distinct(flatten([for c in local.connections : [for sg in c.security_group_ids : "${local.ec2}:security-group/${sg}"]]))
}

# --- Glue role -------------------------------------------------------------------------------------------------

data "aws_iam_policy_document" "glue_trust" {
  statement {
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["glue.amazonaws.com"]
    }

    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [var.account_id]
    }
  }
}

resource "aws_iam_role" "glue" {
  name                 = var.glue_role_name
  description          = "Glue jobs and crawlers of this glueflow deployment"
  assume_role_policy   = data.aws_iam_policy_document.glue_trust.json
  max_session_duration = 3600
  tags                 = var.tags
}

data "aws_iam_policy_document" "glue" {
  statement {
    sid       = "ListDeploymentBuckets"
    actions   = ["s3:ListBucket", "s3:GetBucketLocation", "s3:ListBucketMultipartUploads"]
    resources = [for b in local.readable : "${local.s3}${b}"]
  }

  statement {
    sid       = "ListScriptsPrefix"
    actions   = ["s3:ListBucket"]
    resources = ["${local.s3}${var.buckets.scripts}"]

    condition {
      test     = "StringLike"
      variable = "s3:prefix"
      values   = ["${var.scripts_prefix}*"]
    }
  }

  statement {
    sid       = "ReadDataAndScripts"
    actions   = ["s3:GetObject", "s3:GetObjectVersion"]
    resources = concat([for b in local.readable : "${local.s3}${b}/*"], ["${local.s3}${var.buckets.scripts}/${var.scripts_prefix}*"])
  }

  statement {
    sid       = "WriteProcessedAndTemp"
    actions   = ["s3:PutObject", "s3:DeleteObject", "s3:AbortMultipartUpload", "s3:ListMultipartUploadParts"]
    resources = [for b in local.writable : "${local.s3}${b}/*"]
  }

  # The S3-event Lambdas keep their idempotency markers in the temp bucket, which jobs may write: without this a
  # job could forge "started" (an upload never starts a run) or delete markers (a redelivery starts a second run).
  dynamic "statement" {
    for_each = length(var.lambda_roles) > 0 ? [1] : []

    content {
      sid       = "NoLambdaIdempotencyMarkers"
      effect    = "Deny"
      actions   = ["s3:PutObject*", "s3:DeleteObject*", "s3:GetObject*", "s3:RestoreObject"]
      resources = [for r in values(var.lambda_roles) : "${local.s3}${r.idempotency_bucket}/${r.idempotency_prefix}*"]
    }
  }

  statement {
    sid       = "UseDeploymentKey"
    actions   = ["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey"]
    resources = [var.kms_key_arn]
  }

  statement {
    sid       = "WriteEncryptedGlueLogs"
    actions   = ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents", "logs:AssociateKmsKey"]
    resources = [local.glue_logs, "${local.glue_logs}:log-stream:*"]
  }

  statement {
    sid = "DeploymentCatalog"
    actions = [
      "glue:GetDatabase", "glue:GetDatabases",
      "glue:GetTable", "glue:GetTables", "glue:CreateTable", "glue:UpdateTable", "glue:DeleteTable", "glue:BatchDeleteTable",
      "glue:GetPartition", "glue:GetPartitions", "glue:BatchGetPartition", "glue:CreatePartition",
      "glue:BatchCreatePartition", "glue:UpdatePartition", "glue:BatchUpdatePartition", "glue:DeletePartition",
      "glue:BatchDeletePartition",
    ]
    resources = concat(["${local.glue}:catalog"], local.catalog_dbs, local.catalog_tbl)
  }

  statement {
    sid       = "WorkflowRunProperties"
    actions   = ["glue:GetWorkflowRun", "glue:GetWorkflowRunProperties", "glue:PutWorkflowRunProperties"]
    resources = local.workflow
  }

  dynamic "statement" {
    for_each = length(local.connections) > 0 ? [1] : []

    content {
      sid       = "ReadJobConnections"
      actions   = ["glue:GetConnection"]
      resources = concat(["${local.glue}:catalog"], [for c in local.connections : "${local.glue}:connection/${c.name}"])
    }
  }

  dynamic "statement" {
    for_each = length(local.connections) > 0 ? [1] : []

    content {
      sid       = "ReadConnectionSecrets"
      actions   = ["secretsmanager:GetSecretValue"]
      resources = local.secret_arns
    }
  }

  # Only for secrets under a customer-managed key (the aws/secretsmanager key needs no grant), only through
  # Secrets Manager, and only for these secrets.
  dynamic "statement" {
    for_each = length(local.secret_key_arns) > 0 ? [1] : []

    content {
      sid       = "DecryptConnectionSecrets"
      actions   = ["kms:Decrypt"]
      resources = local.secret_key_arns

      condition {
        test     = "StringEquals"
        variable = "kms:ViaService"
        values   = ["secretsmanager.${var.region}.amazonaws.com"]
      }

      condition {
        test     = "StringEquals"
        variable = "kms:EncryptionContext:SecretARN"
        values   = local.secret_arns
      }
    }
  }

  # Glue creates an ENI in the connection's subnet with its security groups for every job run, and deletes it after.
  dynamic "statement" {
    for_each = length(local.connections) > 0 ? [1] : []

    content {
      sid       = "ConnectionNetworkInterfaces"
      actions   = ["ec2:CreateNetworkInterface"]
      resources = concat(["${local.ec2}:network-interface/*"], local.subnet_arns, local.sg_arns)
    }
  }

  dynamic "statement" {
    for_each = length(local.connections) > 0 ? [1] : []

    content {
      sid       = "DeleteConnectionNetworkInterfaces"
      actions   = ["ec2:DeleteNetworkInterface"]
      resources = ["${local.ec2}:network-interface/*"]
    }
  }

  dynamic "statement" {
    for_each = length(local.connections) > 0 ? [1] : []

    content {
      sid       = "TagConnectionNetworkInterfaces"
      actions   = ["ec2:CreateTags", "ec2:DeleteTags"]
      resources = ["${local.ec2}:network-interface/*"]

      condition {
        test     = "ForAllValues:StringEquals"
        variable = "aws:TagKeys"
        values   = ["aws-glue-service-resource"]
      }
    }
  }

  # These EC2 reads have no resource-level permissions: AWS allows only "*".
  dynamic "statement" {
    for_each = length(local.connections) > 0 ? [1] : []

    content {
      sid = "DescribeConnectionNetwork"
      actions = [
        "ec2:DescribeSubnets", "ec2:DescribeSecurityGroups", "ec2:DescribeNetworkInterfaces",
        "ec2:DescribeVpcEndpoints", "ec2:DescribeRouteTables", "ec2:DescribeVpcAttribute",
      ]
      resources = ["*"]
    }
  }

  statement {
    # PutMetricData has no resource-level permissions; the namespace condition is the scope.
    sid       = "GlueJobMetrics"
    actions   = ["cloudwatch:PutMetricData"]
    resources = ["*"]

    condition {
      test     = "StringEquals"
      variable = "cloudwatch:namespace"
      values   = ["Glue"]
    }
  }
}

resource "aws_iam_role_policy" "glue" {
  name   = "deployment-access"
  role   = aws_iam_role.glue.id
  policy = data.aws_iam_policy_document.glue.json
}

# --- Lambda starter roles ---------------------------------------------------------------------------------------

data "aws_iam_policy_document" "lambda_trust" {
  statement {
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["lambda.amazonaws.com"]
    }

    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [var.account_id]
    }
  }
}

resource "aws_iam_role" "lambda" {
  for_each = var.lambda_roles

  name                 = each.value.role_name
  description          = "S3-event starter ${each.value.function_name}: starts workflow ${each.value.workflow_name} only"
  assume_role_policy   = data.aws_iam_policy_document.lambda_trust.json
  max_session_duration = 3600
  tags                 = var.tags
}

data "aws_iam_policy_document" "lambda" {
  for_each = var.lambda_roles

  statement {
    sid       = "StartOwnWorkflow"
    actions   = ["glue:StartWorkflowRun"]
    resources = ["${local.glue}:workflow/${each.value.workflow_name}"]
  }

  statement {
    sid       = "IdempotencyMarkers"
    actions   = ["s3:GetObject", "s3:PutObject"]
    resources = ["${local.s3}${each.value.idempotency_bucket}/${each.value.idempotency_prefix}*"]
  }

  statement {
    sid       = "UseDeploymentKey"
    actions   = ["kms:Encrypt", "kms:Decrypt", "kms:GenerateDataKey*"]
    resources = [var.kms_key_arn]
  }

  statement {
    sid       = "DeadLetterQueue"
    actions   = ["sqs:SendMessage"]
    resources = ["arn:${local.partition}:sqs:${var.region}:${var.account_id}:${each.value.dlq_name}"]
  }

  statement {
    sid     = "OwnLogGroup"
    actions = ["logs:CreateLogStream", "logs:PutLogEvents"]
    resources = [
      "${local.logs}:log-group:/aws/lambda/${each.value.function_name}",
      "${local.logs}:log-group:/aws/lambda/${each.value.function_name}:log-stream:*",
    ]
  }

  statement {
    # X-Ray has no resource-level permissions for sending traces.
    sid       = "XRayTraces"
    actions   = ["xray:PutTraceSegments", "xray:PutTelemetryRecords"]
    resources = ["*"]
  }
}

resource "aws_iam_role_policy" "lambda" {
  for_each = var.lambda_roles

  name   = "start-workflow"
  role   = aws_iam_role.lambda[each.key].id
  policy = data.aws_iam_policy_document.lambda[each.key].json
}
