output "crawler_names" {
  description = "Physical crawler names keyed by logical name."
  value       = { for key, crawler in aws_glue_crawler.this : key => crawler.name }
}

output "crawler_arns" {
  description = "Crawler ARNs keyed by logical name."
  value       = { for key, crawler in aws_glue_crawler.this : key => crawler.arn }
}

output "classifier_names" {
  description = "Physical custom classifier names keyed by logical name."
  value       = { for key, classifier in aws_glue_classifier.this : key => classifier.name }
}
