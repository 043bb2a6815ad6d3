# Custom classifiers: the crawler tries them in its `classifiers` order before Glue's built-in ones.
resource "aws_glue_classifier" "this" {
  for_each = var.classifiers

  name = each.value.name

  dynamic "csv_classifier" {
    for_each = each.value.csv_classifier == null ? [] : [each.value.csv_classifier]

    content {
      delimiter              = csv_classifier.value.delimiter
      quote_symbol           = csv_classifier.value.quote_symbol
      contains_header        = csv_classifier.value.contains_header
      header                 = length(csv_classifier.value.header) > 0 ? csv_classifier.value.header : null
      disable_value_trimming = csv_classifier.value.disable_value_trimming
      allow_single_column    = csv_classifier.value.allow_single_column
    }
  }

  dynamic "json_classifier" {
    for_each = each.value.json_classifier == null ? [] : [each.value.json_classifier]

    content {
      json_path = json_classifier.value.json_path
    }
  }
}

resource "aws_glue_crawler" "this" {
  for_each = var.crawlers

  name                   = each.value.name
  description            = each.value.description
  role                   = var.role_arn
  database_name          = each.value.database_name
  table_prefix           = each.value.table_prefix
  security_configuration = var.security_configuration
  classifiers            = [for key in each.value.classifiers : aws_glue_classifier.this[key].name]

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
