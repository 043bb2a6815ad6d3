# The S3-event starter: S3 ObjectCreated -> this function -> glue:StartWorkflowRun with run properties naming the
# object. The bucket notification itself lives in data_lake (S3 keeps one notification configuration per bucket);
# `s3_notification` is the entry to hand it, ready once the invoke permission exists.

data "aws_partition" "current" {}

data "archive_file" "package" {
  type        = "zip"
  source_dir  = var.source_dir
  output_path = var.package_path
  excludes    = ["__pycache__", "**/__pycache__/**", "**/*.pyc"]
}

resource "aws_sqs_queue" "dlq" {
  name                              = var.dlq_name
  message_retention_seconds         = 1209600
  kms_master_key_id                 = var.kms_key_arn
  kms_data_key_reuse_period_seconds = 300
  tags                              = var.tags
}

resource "aws_cloudwatch_log_group" "this" {
  #checkov:skip=CKV_AWS_338:Retention is set per environment (envs/<env>.yaml log_retention_days); prod keeps a year.
  name              = "/aws/lambda/${var.function_name}"
  retention_in_days = var.log_retention_days
  kms_key_id        = var.kms_key_arn
  tags              = var.tags
}

resource "aws_lambda_function" "this" {
  #checkov:skip=CKV_AWS_117:The function only calls the public Glue and S3 APIs; a VPC would add NAT cost and no isolation.
  #checkov:skip=CKV_AWS_272:The package is built from this repo by Terraform (archive_file); signing needs an AWS Signer profile the deployment does not own.
  function_name                  = var.function_name
  description                    = "Starts Glue workflow ${var.workflow_name} for objects created in s3://${var.bucket_name}/${var.key_filter.prefix}*${var.key_filter.suffix}"
  role                           = var.role_arn
  runtime                        = "python3.12"
  handler                        = "handler.lambda_handler"
  filename                       = data.archive_file.package.output_path
  source_code_hash               = data.archive_file.package.output_base64sha256
  timeout                        = var.settings.timeout_seconds
  memory_size                    = var.settings.memory_mb
  reserved_concurrent_executions = var.settings.reserved_concurrent_executions
  kms_key_arn                    = var.kms_key_arn

  environment {
    variables = {
      WORKFLOW_NAME      = var.workflow_name
      KEY_PREFIX         = var.key_filter.prefix
      KEY_SUFFIX         = var.key_filter.suffix
      IDEMPOTENCY_BUCKET = var.idempotency.bucket
      IDEMPOTENCY_PREFIX = var.idempotency.prefix
      # The claim lease: below the timeout, so Lambda's retry of a timed-out invocation finds it expired (and takes
      # the claim over); the handler's bounded Glue call (21 s at most) fits inside it.
      IDEMPOTENCY_STALE_SECONDS = var.settings.timeout_seconds - 10
    }
  }

  dead_letter_config {
    target_arn = aws_sqs_queue.dlq.arn
  }

  tracing_config {
    mode = "Active"
  }

  logging_config {
    log_format = "JSON"
    log_group  = aws_cloudwatch_log_group.this.name
  }

  tags = var.tags
}

resource "aws_lambda_function_event_invoke_config" "this" {
  function_name                = aws_lambda_function.this.function_name
  maximum_retry_attempts       = var.settings.maximum_retry_attempts
  maximum_event_age_in_seconds = 3600
}

resource "aws_lambda_permission" "s3" {
  statement_id   = "AllowS3ObjectCreated"
  action         = "lambda:InvokeFunction"
  function_name  = aws_lambda_function.this.function_name
  principal      = "s3.amazonaws.com"
  source_arn     = "arn:${data.aws_partition.current.partition}:s3:::${var.bucket_name}"
  source_account = var.account_id
}
