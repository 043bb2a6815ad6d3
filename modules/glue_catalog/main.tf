resource "aws_glue_catalog_database" "this" {
  for_each = var.databases

  name        = each.value.name
  description = each.value.description
  tags        = var.tags
}

# Account-and-region wide: every catalog reader (Athena, EMR, other Glue roles) then needs kms:Decrypt on the key.
resource "aws_glue_data_catalog_encryption_settings" "this" {
  count = var.manage_encryption_settings ? 1 : 0

  data_catalog_encryption_settings {
    connection_password_encryption {
      return_connection_password_encrypted = true
      aws_kms_key_id                       = var.kms_key_arn
    }

    encryption_at_rest {
      catalog_encryption_mode = "SSE-KMS"
      sse_aws_kms_key_id      = var.kms_key_arn
    }
  }
}
