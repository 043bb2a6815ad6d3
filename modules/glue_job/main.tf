# Scripts and the job library go up with aws_s3_object. `source_hash` (not `etag`) triggers re-uploads: with
# SSE-KMS the object's ETag is not the file's MD5, so an `etag = filemd5()` would show a diff on every plan.

resource "aws_s3_object" "script" {
  for_each = var.jobs

  bucket                 = var.scripts_bucket
  key                    = each.value.script_s3_key
  source                 = "${var.source_root}/${each.value.script_path}"
  source_hash            = filemd5("${var.source_root}/${each.value.script_path}")
  content_type           = "text/x-python"
  server_side_encryption = "aws:kms"
  kms_key_id             = var.kms_key_arn
  tags                   = var.tags
}

resource "aws_s3_object" "job_library" {
  count = var.job_library == null ? 0 : 1

  bucket                 = var.scripts_bucket
  key                    = var.job_library.s3_key
  source                 = var.job_library.source
  source_hash            = filemd5(var.job_library.source)
  content_type           = "application/zip"
  server_side_encryption = "aws:kms"
  kms_key_id             = var.kms_key_arn
  tags                   = var.tags
}

resource "aws_glue_job" "this" {
  for_each = var.jobs

  name                   = each.value.name
  description            = each.value.description
  role_arn               = var.role_arn
  glue_version           = each.value.glue_version
  max_retries            = each.value.max_retries
  timeout                = each.value.timeout_minutes
  security_configuration = var.security_configuration

  # glueetl sizes with workers, pythonshell with DPU capacity; the provider rejects both at once.
  worker_type       = each.value.type == "glueetl" ? each.value.worker_type : null
  number_of_workers = each.value.type == "glueetl" ? each.value.number_of_workers : null
  max_capacity      = each.value.type == "pythonshell" ? each.value.max_capacity : null

  command {
    name            = each.value.type
    script_location = "s3://${aws_s3_object.script[each.key].bucket}/${aws_s3_object.script[each.key].key}"
    python_version  = each.value.python_version
  }

  # Bookmarks, metrics, continuous logging, Spark UI to the temp bucket and --extra-py-files come resolved.
  default_arguments         = each.value.default_arguments
  non_overridable_arguments = each.value.non_overridable_arguments

  # Glue JDBC connections (glue_connection): each run gets an ENI in the connection's subnet. Empty: no VPC.
  connections = each.value.connections

  execution_property {
    max_concurrent_runs = each.value.max_concurrent_runs
  }

  dynamic "notification_property" {
    for_each = var.notify_delay_after_minutes == null ? [] : [var.notify_delay_after_minutes]

    content {
      notify_delay_after = notification_property.value
    }
  }

  tags = var.tags

  depends_on = [aws_s3_object.job_library]
}
