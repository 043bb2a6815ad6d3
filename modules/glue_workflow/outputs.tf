output "workflow_name" {
  description = "Name of the Glue workflow."
  value       = aws_glue_workflow.this.name
}

output "workflow_arn" {
  description = "ARN of the Glue workflow."
  value       = aws_glue_workflow.this.arn
}

output "trigger_names" {
  description = "Physical trigger names keyed by logical name."
  value       = { for key, trigger in aws_glue_trigger.this : key => trigger.name }
}

output "start_trigger" {
  description = "The workflow's start trigger: key, name and type."
  value       = module.graph.start_trigger
}

output "event_rule_names" {
  description = "EventBridge rules that feed the EVENT start trigger (empty without one)."
  value       = [for rule in aws_cloudwatch_event_rule.s3 : rule.name]
}

output "edges" {
  description = "Edges of the workflow graph ({source, destination}), as computed by workflow_graph."
  value       = module.graph.edges
}
