output "topic_arn" {
  description = "ARN of the KMS-encrypted alert topic."
  value       = aws_sns_topic.alerts.arn
}

output "rule_names" {
  description = "EventBridge rules routing Glue events to the topic."
  value       = [for rule in aws_cloudwatch_event_rule.this : rule.name]
}

output "alarm_names" {
  description = "CloudWatch alarms publishing to the topic."
  value       = [for a in aws_cloudwatch_metric_alarm.this : a.alarm_name]
}
