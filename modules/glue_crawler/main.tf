resource "aws_glue_crawler" "this" {
  for_each = var.crawlers

  name                   = each.value.name
  description            = each.value.description
  role                   = var.role_arn
  database_name          = each.value.database_name
  table_prefix           = each.value.table_prefix
  security_configuration = var.security_configuration

  dynamic "s3_target" {
    for_each = each.value.s3_targets

    content {
      path       = s3_target.value.path
      exclusions = s3_target.value.exclusions
    }
  }

  schema_change_policy {
    update_behavior = each.value.update_behavior
    delete_behavior = each.value.delete_behavior
  }

  recrawl_policy {
    recrawl_behavior = each.value.recrawl_behavior
  }

  # New partitions inherit the table's schema, so a column added to one file does not fork the table.
  configuration = jsonencode({
    Version = 1.0
    CrawlerOutput = {
      Partitions = { AddOrUpdateBehavior = "InheritFromTable" }
    }
  })

  tags = var.tags
}
