output "workflow_names" {
  description = "Glue workflow name of each pipeline."
  value       = { for key, w in module.glue_workflow : key => w.workflow_name }
}

output "buckets" {
  description = "Bucket names by purpose: raw, processed, scripts, temp, access_logs."
  value       = module.data_lake.bucket_names
}

output "glue_role_arn" {
  description = "ARN of the role Glue jobs and crawlers assume."
  value       = module.glue_iam.glue_role_arn
}

output "lambda_role_arns" {
  description = "ARN of each S3-event starter's role, keyed by pipeline."
  value       = module.glue_iam.lambda_role_arns
}

output "lambda_function_names" {
  description = "S3-event starter function of each pipeline that has one."
  value       = { for key, s in module.lambda_starter : key => s.function_name }
}

output "kms_key_arn" {
  description = "ARN of the deployment's customer-managed KMS key."
  value       = module.kms.key_arn
}

output "database_names" {
  description = "Glue Data Catalog database of each pipeline."
  value       = module.glue_catalog.database_names
}

output "job_names" {
  description = "Glue job names keyed by <pipeline>/<job>."
  value       = module.glue_job.job_names
}

output "alerts_topic_arn" {
  description = "SNS topic that receives Glue failure events and alarms."
  value       = module.monitoring.topic_arn
}

output "athena_workgroup" {
  description = "Athena workgroup `glueflow query` runs in (results encrypted with the deployment key)."
  value       = module.athena_query.workgroup_name
}

output "athena_query_policy_arn" {
  description = "IAM policy to attach to whoever runs `glueflow query` on this deployment."
  value       = module.athena_query.query_policy_arn
}
