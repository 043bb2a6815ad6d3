data "aws_partition" "current" {}

locals {
  partition = data.aws_partition.current.partition
  catalog   = "arn:${local.partition}:glue:${var.region}:${var.account_id}"
  results   = "s3://${var.results_bucket}/${var.results_prefix}"
}

# The workgroup `glueflow query --env <env>` runs in. Its configuration is enforced, so every query writes its
# results to the deployment's temp bucket encrypted with the deployment key, whatever the client asks for.
resource "aws_athena_workgroup" "this" {
  name          = var.workgroup_name
  description   = "glueflow query: SQL over the deployment's Glue Data Catalog"
  force_destroy = var.force_destroy

  configuration {
    enforce_workgroup_configuration    = true
    publish_cloudwatch_metrics_enabled = true
    bytes_scanned_cutoff_per_query     = var.bytes_scanned_cutoff_per_query

    engine_version {
      selected_engine_version = "Athena engine version 3"
    }

    result_configuration {
      output_location       = local.results
      expected_bucket_owner = var.account_id

      encryption_configuration {
        encryption_option = "SSE_KMS"
        kms_key_arn       = var.kms_key_arn
      }
    }
  }

  tags = var.tags
}

# What a person or CI role needs to run `glueflow query` on this deployment, and nothing more: this workgroup,
# read access to the catalog databases and data buckets, its results prefix, and the key through S3 only.
data "aws_iam_policy_document" "query" {
  statement {
    sid = "RunQueriesInTheWorkgroup"
    actions = [
      "athena:GetQueryExecution",
      "athena:GetQueryResults",
      "athena:GetWorkGroup",
      "athena:StartQueryExecution",
      "athena:StopQueryExecution",
    ]
    resources = [aws_athena_workgroup.this.arn]
  }

  statement {
    sid = "ReadTheCatalog"
    actions = [
      "glue:BatchGetPartition",
      "glue:GetDatabase",
      "glue:GetDatabases",
      "glue:GetPartition",
      "glue:GetPartitions",
      "glue:GetTable",
      "glue:GetTables",
    ]
    resources = concat(
      ["${local.catalog}:catalog"],
      [for name in var.database_names : "${local.catalog}:database/${name}"],
      [for name in var.database_names : "${local.catalog}:table/${name}/*"],
    )
  }

  statement {
    sid       = "ListTheBuckets"
    actions   = ["s3:GetBucketLocation", "s3:ListBucket"]
    resources = [for name in distinct(concat(var.data_bucket_names, [var.results_bucket])) : "arn:${local.partition}:s3:::${name}"]
  }

  statement {
    sid       = "ReadTheData"
    actions   = ["s3:GetObject"]
    resources = [for name in var.data_bucket_names : "arn:${local.partition}:s3:::${name}/*"]
  }

  statement {
    sid       = "WriteAndReadResults"
    actions   = ["s3:AbortMultipartUpload", "s3:GetObject", "s3:PutObject"]
    resources = ["arn:${local.partition}:s3:::${var.results_bucket}/${var.results_prefix}*"]
  }

  statement {
    sid       = "UseTheKeyThroughS3"
    actions   = ["kms:Decrypt", "kms:GenerateDataKey"]
    resources = [var.kms_key_arn]

    condition {
      test     = "StringEquals"
      variable = "kms:ViaService"
      values   = ["s3.${var.region}.amazonaws.com"]
    }
  }
}

resource "aws_iam_policy" "query" {
  name        = "${var.workgroup_name}-query"
  description = "Run glueflow query (Athena workgroup ${var.workgroup_name}) over the deployment's catalog"
  policy      = data.aws_iam_policy_document.query.json
  tags        = var.tags
}
