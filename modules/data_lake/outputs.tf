output "bucket_names" {
  description = "Bucket names by purpose: raw, processed, scripts, temp, access_logs."
  value       = local.bucket_ids
}

output "bucket_arns" {
  description = "Bucket ARNs by purpose: raw, processed, scripts, temp, access_logs."
  value       = local.bucket_arns
}

output "seed_object_keys" {
  description = "s3://bucket/key of every uploaded seed object."
  value       = [for o in aws_s3_object.seed : "s3://${o.bucket}/${o.key}"]
}
