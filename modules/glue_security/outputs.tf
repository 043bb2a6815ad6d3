output "name" {
  description = "Name of the security configuration, for jobs and crawlers."
  value       = aws_glue_security_configuration.this.name
}
