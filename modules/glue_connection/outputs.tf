output "connection_names" {
  description = "Physical connection names keyed like `connections`: what jobs attach (`connections`) and name in arguments."
  value       = { for key, c in aws_glue_connection.this : key => c.name }
}

output "connection_arns" {
  description = "Connection ARNs keyed like `connections`."
  value       = { for key, c in aws_glue_connection.this : key => c.arn }
}
