# The workflow and its triggers. Trigger arguments come from the provider-free workflow_graph module, so the logic
# `terraform test` checks is the logic applied here. The jobs and crawlers the triggers name must exist first: the
# caller orders this module after them (depends_on).

module "graph" {
  source = "../workflow_graph"

  pipeline = var.pipeline
}

resource "aws_glue_workflow" "this" {
  name                   = var.pipeline.workflow_name
  description            = var.pipeline.description
  max_concurrent_runs    = var.pipeline.max_concurrent_runs
  default_run_properties = var.pipeline.default_run_properties
  tags                   = var.tags
}

resource "aws_glue_trigger" "this" {
  for_each = module.graph.triggers

  name              = each.value.name
  type              = each.value.type
  description       = each.value.description
  workflow_name     = aws_glue_workflow.this.name
  schedule          = each.value.schedule
  enabled           = each.value.enabled
  start_on_creation = each.value.start_on_creation

  dynamic "predicate" {
    for_each = each.value.predicate == null ? [] : [each.value.predicate]

    content {
      logical = predicate.value.logical

      dynamic "conditions" {
        for_each = predicate.value.conditions

        content {
          job_name         = conditions.value.job_name
          state            = conditions.value.state
          crawler_name     = conditions.value.crawler_name
          crawl_state      = conditions.value.crawl_state
          logical_operator = conditions.value.logical_operator
        }
      }
    }
  }

  dynamic "actions" {
    for_each = each.value.actions

    content {
      job_name     = actions.value.job_name
      crawler_name = actions.value.crawler_name
      arguments    = length(actions.value.arguments) > 0 ? actions.value.arguments : null
      timeout      = actions.value.timeout
    }
  }

  dynamic "event_batching_condition" {
    for_each = each.value.event_batching_condition == null ? [] : [each.value.event_batching_condition]

    content {
      batch_size   = event_batching_condition.value.batch_size
      batch_window = event_batching_condition.value.batch_window
    }
  }

  tags = var.tags
}

# --- EVENT start trigger: S3 "Object Created" -> EventBridge rule -> this workflow ---------------------------------

# Policies are plain JSON, not aws_iam_policy_document data sources: callers order this module with depends_on,
# which would defer data sources to apply time and show the role policy as changing on every such plan.
locals {
  events_trust_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Service = "events.amazonaws.com" }
      Action    = "sts:AssumeRole"
      Condition = { StringEquals = { "aws:SourceAccount" = var.account_id } }
    }]
  })
}

resource "aws_iam_role" "events" {
  count = length(module.graph.event_rules) > 0 ? 1 : 0

  name                 = module.graph.events_role_name
  description          = "EventBridge notifies Glue workflow ${var.pipeline.workflow_name} of S3 events"
  assume_role_policy   = local.events_trust_policy
  max_session_duration = 3600
  tags                 = var.tags
}

resource "aws_iam_role_policy" "events" {
  count = length(module.graph.event_rules) > 0 ? 1 : 0

  name = "notify-workflow"
  role = aws_iam_role.events[0].id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid      = "NotifyThisWorkflow"
      Effect   = "Allow"
      Action   = "glue:notifyEvent"
      Resource = aws_glue_workflow.this.arn
    }]
  })
}

resource "aws_cloudwatch_event_rule" "s3" {
  for_each = module.graph.event_rules

  name          = each.value.name
  description   = each.value.description
  event_pattern = each.value.event_pattern
  state         = module.graph.triggers[each.key].enabled ? "ENABLED" : "DISABLED"
  tags          = var.tags
}

resource "aws_cloudwatch_event_target" "workflow" {
  for_each = module.graph.event_rules

  rule      = aws_cloudwatch_event_rule.s3[each.key].name
  target_id = "glue-workflow"
  arn       = aws_glue_workflow.this.arn
  role_arn  = aws_iam_role.events[0].arn

  depends_on = [aws_iam_role_policy.events, aws_glue_trigger.this]
}
