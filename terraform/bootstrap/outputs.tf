output "state_bucket" {
  description = "Name of the state bucket (backend.hcl `bucket`)."
  value       = aws_s3_bucket.state.id
}

output "state_bucket_arn" {
  description = "ARN of the state bucket."
  value       = aws_s3_bucket.state.arn
}

output "state_kms_key_arn" {
  description = "KMS key encrypting the state bucket by default; put it in backend.hcl as kms_key_id to encrypt state with it explicitly."
  value       = aws_kms_key.state.arn
}

output "access_log_bucket" {
  description = "Bucket receiving the state bucket's access logs."
  value       = aws_s3_bucket.logs.id
}
