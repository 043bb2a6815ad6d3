output "function_name" {
  description = "Name of the Lambda function."
  value       = aws_lambda_function.this.function_name
}

output "function_arn" {
  description = "ARN of the Lambda function."
  value       = aws_lambda_function.this.arn
}

output "dlq_name" {
  description = "Name of the dead-letter queue."
  value       = aws_sqs_queue.dlq.name
}

output "dlq_arn" {
  description = "ARN of the dead-letter queue."
  value       = aws_sqs_queue.dlq.arn
}

output "log_group_name" {
  description = "Name of the function's log group."
  value       = aws_cloudwatch_log_group.this.name
}

output "s3_notification" {
  description = "The bucket notification entry for data_lake's `lambda_notifications`; available once S3 may invoke the function."
  value = {
    bucket_name  = var.bucket_name
    function_arn = aws_lambda_function.this.arn
    prefix       = var.key_filter.prefix
    suffix       = var.key_filter.suffix
    events       = ["s3:ObjectCreated:*"]
  }
  depends_on = [aws_lambda_permission.s3]
}
