output "triggers" {
  description = "Trigger arguments keyed like the input: name, type, description, workflow_name, schedule, enabled, start_on_creation, predicate (logical always set; conditions with job state or crawl_state), actions, event_batching_condition."
  value       = local.triggers
}

output "start_trigger" {
  description = "The workflow's single start trigger (ON_DEMAND, SCHEDULED or EVENT): its key, name and type."
  value = {
    key  = local.start_trigger_key
    name = var.pipeline.triggers[local.start_trigger_key].name
    type = var.pipeline.triggers[local.start_trigger_key].type
  }
}

output "event_rules" {
  description = "EventBridge rules for EVENT triggers with an S3 event source, keyed by trigger key: name (<= 64 chars), description, trigger_name, bucket_name and event_pattern (JSON)."
  value       = local.event_rules
}

output "events_role_name" {
  description = "Name (<= 64 chars) for the role EventBridge assumes to notify this workflow's EVENT trigger."
  value       = local.short_names["${local.workflow_name}-events"]
}

output "edges" {
  description = "Edges of the workflow graph, as {source, destination} with nodes named job/<name>, crawler/<name> or trigger/<name>."
  value       = local.edges
}

output "job_names" {
  description = "Physical names of the pipeline's jobs."
  value       = sort([for j in values(var.pipeline.jobs) : j.name])
}

output "crawler_names" {
  description = "Physical names of the pipeline's crawlers."
  value       = sort([for c in values(var.pipeline.crawlers) : c.name])
}
