output "glue_role_arn" {
  description = "ARN of the Glue role. Use it in key policies; the role's permissions may not be attached yet."
  value       = aws_iam_role.glue.arn
}

output "glue_role_name" {
  description = "Name of the Glue role."
  value       = aws_iam_role.glue.name
}

output "glue_execution_role_arn" {
  description = "ARN of the Glue role once its policy is attached: use this one for jobs and crawlers."
  value       = aws_iam_role.glue.arn
  depends_on  = [aws_iam_role_policy.glue]
}

output "lambda_role_arns" {
  description = "Lambda role ARNs keyed like `lambda_roles`. Use them in key policies; permissions may not be attached yet."
  value       = { for key, role in aws_iam_role.lambda : key => role.arn }
}

output "lambda_execution_role_arns" {
  description = "Lambda role ARNs keyed like `lambda_roles`, once their policies are attached: use these for the functions (Lambda checks DLQ access at creation)."
  value       = { for key, role in aws_iam_role.lambda : key => role.arn }
  depends_on  = [aws_iam_role_policy.lambda]
}
