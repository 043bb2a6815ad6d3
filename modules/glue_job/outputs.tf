output "job_names" {
  description = "Physical job names keyed like `jobs`."
  value       = { for key, job in aws_glue_job.this : key => job.name }
}

output "job_arns" {
  description = "Job ARNs keyed like `jobs`."
  value       = { for key, job in aws_glue_job.this : key => job.arn }
}

output "script_locations" {
  description = "s3:// location of each job's script, keyed like `jobs`."
  value       = { for key, job in aws_glue_job.this : key => job.command[0].script_location }
}
