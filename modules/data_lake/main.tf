# Four data buckets (raw, processed, scripts, temp) encrypted with the CMK, plus the access-log bucket they log to.
# Every bucket: versioning, public access block, BucketOwnerEnforced, TLS-only policy, lifecycle, EventBridge events,
# and (data buckets) access logging.

data "aws_partition" "current" {}

locals {
  partition = data.aws_partition.current.partition
  data_buckets = {
    raw       = var.buckets.raw
    processed = var.buckets.processed
    scripts   = var.buckets.scripts
    temp      = var.buckets.temp
  }
  bucket_ids = merge(
    { for purpose, bucket in aws_s3_bucket.data : purpose => bucket.id },
    { access_logs = aws_s3_bucket.access_logs.id },
  )
  bucket_arns = merge(
    { for purpose, bucket in aws_s3_bucket.data : purpose => bucket.arn },
    { access_logs = aws_s3_bucket.access_logs.arn },
  )
  purpose_by_name = { for purpose, name in local.data_buckets : name => purpose }
}

# --- access-log bucket ---------------------------------------------------------------------------------------

resource "aws_s3_bucket" "access_logs" {
  #checkov:skip=CKV_AWS_18:This is the access-log target bucket; logging it to itself would loop.
  #checkov:skip=CKV_AWS_144:Access logs are an audit trail for this region; cross-region replication is a per-organisation DR decision.
  #checkov:skip=CKV_AWS_145:S3 server access log delivery supports only SSE-S3 on the target bucket, so it uses AES256, not KMS.
  bucket        = var.buckets.access_logs
  force_destroy = var.force_destroy
  tags          = var.tags
}

resource "aws_s3_bucket_server_side_encryption_configuration" "access_logs" {
  bucket = aws_s3_bucket.access_logs.id

  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm = "AES256"
    }
  }
}

# --- data buckets --------------------------------------------------------------------------------------------

resource "aws_s3_bucket" "data" {
  #checkov:skip=CKV_AWS_144:Cross-region replication is a per-data-set DR decision; versioning protects against deletes here.
  for_each = local.data_buckets

  bucket        = each.value
  force_destroy = var.force_destroy
  tags          = var.tags
}

resource "aws_s3_bucket_server_side_encryption_configuration" "data" {
  for_each = local.data_buckets

  bucket = aws_s3_bucket.data[each.key].id

  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm     = "aws:kms"
      kms_master_key_id = var.kms_key_arn
    }
    bucket_key_enabled = true
  }
}

resource "aws_s3_bucket_logging" "data" {
  for_each = local.data_buckets

  bucket        = aws_s3_bucket.data[each.key].id
  target_bucket = aws_s3_bucket.access_logs.id
  target_prefix = "${each.value}/"
}

# --- settings of the data buckets -----------------------------------------------------------------------------
# The access-log bucket gets the same settings below, spelled out: policy scanners (checkov) link a bucket to its
# settings only through a direct reference, so `bucket = local.x[each.key]` would read as "not configured".

resource "aws_s3_bucket_versioning" "data" {
  for_each = local.data_buckets

  bucket = aws_s3_bucket.data[each.key].id

  versioning_configuration {
    status = "Enabled"
  }
}

resource "aws_s3_bucket_public_access_block" "data" {
  for_each = local.data_buckets

  bucket                  = aws_s3_bucket.data[each.key].id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_s3_bucket_ownership_controls" "data" {
  for_each = local.data_buckets

  bucket = aws_s3_bucket.data[each.key].id

  rule {
    object_ownership = "BucketOwnerEnforced"
  }
}

data "aws_iam_policy_document" "data" {
  for_each = local.data_buckets

  statement {
    sid       = "DenyInsecureTransport"
    effect    = "Deny"
    actions   = ["s3:*"]
    resources = [aws_s3_bucket.data[each.key].arn, "${aws_s3_bucket.data[each.key].arn}/*"]

    principals {
      type        = "*"
      identifiers = ["*"]
    }

    condition {
      test     = "Bool"
      variable = "aws:SecureTransport"
      values   = ["false"]
    }
  }
}

resource "aws_s3_bucket_policy" "data" {
  for_each = local.data_buckets

  bucket = aws_s3_bucket.data[each.key].id
  policy = data.aws_iam_policy_document.data[each.key].json

  depends_on = [aws_s3_bucket_public_access_block.data]
}

resource "aws_s3_bucket_lifecycle_configuration" "data" {
  for_each = local.data_buckets

  bucket = aws_s3_bucket.data[each.key].id

  rule {
    id     = "abort-incomplete-multipart-uploads"
    status = "Enabled"

    filter {}

    abort_incomplete_multipart_upload {
      days_after_initiation = var.lifecycle_days.abort_incomplete_multipart_upload
    }
  }

  rule {
    id     = "expire-noncurrent-versions"
    status = "Enabled"

    filter {}

    noncurrent_version_expiration {
      noncurrent_days = var.lifecycle_days.noncurrent_version_expiration
    }

    expiration {
      expired_object_delete_marker = true
    }
  }

  dynamic "rule" {
    # Temp data (Glue TempDir, Spark UI logs, idempotency markers) ages out; data does not.
    for_each = each.key == "temp" ? [1] : []

    content {
      id     = "expire-temp-objects"
      status = "Enabled"

      filter {}

      expiration {
        days = var.lifecycle_days.temp_expiration
      }

      # Repeated here so that every rule, read on its own by policy scanners, also aborts stale uploads.
      abort_incomplete_multipart_upload {
        days_after_initiation = var.lifecycle_days.abort_incomplete_multipart_upload
      }
    }
  }

  depends_on = [aws_s3_bucket_versioning.data]
}

resource "aws_s3_bucket_notification" "data" {
  for_each = local.data_buckets

  bucket = aws_s3_bucket.data[each.key].id
  # S3 events on EventBridge feed EVENT start triggers; they cost nothing until a rule matches them.
  eventbridge = true

  dynamic "lambda_function" {
    for_each = [for n in var.lambda_notifications : n if n.bucket_name == each.value]

    content {
      lambda_function_arn = lambda_function.value.function_arn
      events              = lambda_function.value.events
      filter_prefix       = lambda_function.value.prefix == "" ? null : lambda_function.value.prefix
      filter_suffix       = lambda_function.value.suffix == "" ? null : lambda_function.value.suffix
    }
  }
}

# --- settings of the access-log bucket ---------------------------------------------------------------------------

resource "aws_s3_bucket_versioning" "access_logs" {
  bucket = aws_s3_bucket.access_logs.id

  versioning_configuration {
    status = "Enabled"
  }
}

resource "aws_s3_bucket_public_access_block" "access_logs" {
  bucket                  = aws_s3_bucket.access_logs.id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_s3_bucket_ownership_controls" "access_logs" {
  bucket = aws_s3_bucket.access_logs.id

  rule {
    object_ownership = "BucketOwnerEnforced"
  }
}

data "aws_iam_policy_document" "access_logs" {
  statement {
    sid       = "DenyInsecureTransport"
    effect    = "Deny"
    actions   = ["s3:*"]
    resources = [aws_s3_bucket.access_logs.arn, "${aws_s3_bucket.access_logs.arn}/*"]

    principals {
      type        = "*"
      identifiers = ["*"]
    }

    condition {
      test     = "Bool"
      variable = "aws:SecureTransport"
      values   = ["false"]
    }
  }

  # With BucketOwnerEnforced, S3 delivers access logs under a bucket policy, never an ACL.
  statement {
    sid       = "S3ServerAccessLogsDelivery"
    effect    = "Allow"
    actions   = ["s3:PutObject"]
    resources = ["${aws_s3_bucket.access_logs.arn}/*"]

    principals {
      type        = "Service"
      identifiers = ["logging.s3.amazonaws.com"]
    }

    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [var.account_id]
    }

    condition {
      test     = "ArnLike"
      variable = "aws:SourceArn"
      values   = [for name in values(local.data_buckets) : "arn:${local.partition}:s3:::${name}"]
    }
  }
}

resource "aws_s3_bucket_policy" "access_logs" {
  bucket = aws_s3_bucket.access_logs.id
  policy = data.aws_iam_policy_document.access_logs.json

  depends_on = [aws_s3_bucket_public_access_block.access_logs]
}

resource "aws_s3_bucket_lifecycle_configuration" "access_logs" {
  bucket = aws_s3_bucket.access_logs.id

  rule {
    id     = "abort-incomplete-multipart-uploads"
    status = "Enabled"

    filter {}

    abort_incomplete_multipart_upload {
      days_after_initiation = var.lifecycle_days.abort_incomplete_multipart_upload
    }
  }

  rule {
    id     = "expire-access-logs"
    status = "Enabled"

    filter {}

    expiration {
      days = var.lifecycle_days.access_log_expiration
    }

    noncurrent_version_expiration {
      noncurrent_days = var.lifecycle_days.noncurrent_version_expiration
    }
  }

  depends_on = [aws_s3_bucket_versioning.access_logs]
}

resource "aws_s3_bucket_notification" "access_logs" {
  bucket      = aws_s3_bucket.access_logs.id
  eventbridge = true
}

resource "aws_s3_object" "seed" {
  for_each = { for o in var.seed_objects : "${o.bucket_name}/${o.key}" => o }

  bucket                 = aws_s3_bucket.data[local.purpose_by_name[each.value.bucket_name]].id
  key                    = each.value.key
  source                 = each.value.source
  source_hash            = filemd5(each.value.source)
  server_side_encryption = "aws:kms"
  kms_key_id             = var.kms_key_arn

  depends_on = [aws_s3_bucket_server_side_encryption_configuration.data]
}
