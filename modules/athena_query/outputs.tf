output "workgroup_name" {
  description = "Name of the Athena workgroup `glueflow query` runs in."
  value       = aws_athena_workgroup.this.name
}

output "workgroup_arn" {
  description = "ARN of the Athena workgroup."
  value       = aws_athena_workgroup.this.arn
}

output "results_location" {
  description = "S3 folder the workgroup writes query results to (SSE-KMS with the deployment key)."
  value       = local.results
}

output "query_policy_arn" {
  description = "IAM policy to attach to the people and roles that run `glueflow query` on this deployment."
  value       = aws_iam_policy.query.arn
}
