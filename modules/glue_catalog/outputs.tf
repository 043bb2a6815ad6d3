output "database_names" {
  description = "Physical database names keyed like `databases`."
  value       = { for key, db in aws_glue_catalog_database.this : key => db.name }
}

output "database_arns" {
  description = "Database ARNs keyed like `databases`."
  value       = { for key, db in aws_glue_catalog_database.this : key => db.arn }
}
