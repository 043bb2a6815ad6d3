# Glue job, crawler and workflow-run events -> EventBridge rules -> one KMS-encrypted SNS topic (+ email), and
# CloudWatch alarms where a failure would otherwise be silent: the S3-event starters and EventBridge deliveries.

data "aws_partition" "current" {}

locals {
  partition = data.aws_partition.current.partition
  rule_arn  = "arn:${local.partition}:events:${var.region}:${var.account_id}:rule/${var.name}-*"
  alarm_arn = "arn:${local.partition}:cloudwatch:${var.region}:${var.account_id}:alarm:${var.name}-*"

  # Each candidate rule is kept only when there is something to watch.
  candidate_rules = [
    {
      key         = "job-state"
      enabled     = length(var.watched.job_names) > 0
      description = "Glue jobs of ${var.name} ending ${join(" or ", var.watched.job_states)}"
      pattern = jsonencode({
        source        = ["aws.glue"]
        "detail-type" = ["Glue Job State Change"]
        detail        = { jobName = var.watched.job_names, state = var.watched.job_states }
      })
      input_paths    = tomap({ job = "$.detail.jobName", run = "$.detail.jobRunId", state = "$.detail.state", message = "$.detail.message" })
      input_template = "\"Glue job <job> run <run> ended <state>: <message>\""
    },
    {
      key         = "job-delayed"
      enabled     = length(var.watched.job_names) > 0
      description = "Glue job runs of ${var.name} still running past their notify-delay threshold"
      pattern = jsonencode({
        source        = ["aws.glue"]
        "detail-type" = ["Glue Job Run Status"]
        detail        = { jobName = var.watched.job_names }
      })
      input_paths    = tomap({ job = "$.detail.jobName", run = "$.detail.jobRunId", state = "$.detail.state" })
      input_template = "\"Glue job <job> run <run> is still <state> past its notify-delay threshold\""
    },
    {
      key         = "crawler-failed"
      enabled     = length(var.watched.crawler_names) > 0
      description = "Glue crawlers of ${var.name} that failed"
      pattern = jsonencode({
        source        = ["aws.glue"]
        "detail-type" = ["Glue Crawler State Change"]
        detail        = { crawlerName = var.watched.crawler_names, state = ["Failed"] }
      })
      input_paths    = tomap({ crawler = "$.detail.crawlerName", message = "$.detail.errorMessage" })
      input_template = "\"Glue crawler <crawler> failed: <message>\""
    },
    # Glue sends no workflow-run events; runs are seen through CloudTrail's API events (this needs a trail that
    # records management events): a rejected start (e.g. ConcurrentRunsExceededException), stops and resumes.
    {
      key         = "workflow-start-failed"
      enabled     = length(var.watched.workflow_names) > 0
      description = "StartWorkflowRun calls on ${var.name} workflows that failed"
      pattern = jsonencode({
        source        = ["aws.glue"]
        "detail-type" = ["AWS API Call via CloudTrail"]
        detail = {
          eventSource       = ["glue.amazonaws.com"]
          eventName         = ["StartWorkflowRun"]
          errorCode         = [{ exists = true }]
          requestParameters = { name = var.watched.workflow_names }
        }
      })
      input_paths    = tomap({ workflow = "$.detail.requestParameters.name", error = "$.detail.errorCode", message = "$.detail.errorMessage" })
      input_template = "\"Glue workflow <workflow> did not start: <error> <message>\""
    },
    {
      key         = "workflow-intervention"
      enabled     = length(var.watched.workflow_names) > 0
      description = "Workflow runs of ${var.name} stopped or resumed by hand"
      pattern = jsonencode({
        source        = ["aws.glue"]
        "detail-type" = ["AWS API Call via CloudTrail"]
        detail = {
          eventSource       = ["glue.amazonaws.com"]
          eventName         = ["StopWorkflowRun", "ResumeWorkflowRun"]
          requestParameters = { name = var.watched.workflow_names }
        }
      })
      input_paths    = tomap({ workflow = "$.detail.requestParameters.name", run = "$.detail.requestParameters.runId", call = "$.detail.eventName", who = "$.detail.userIdentity.arn" })
      input_template = "\"<call> on Glue workflow <workflow> run <run> by <who>\""
    },
  ]
  rules = { for rule in local.candidate_rules : rule.key => rule if rule.enabled }
}

resource "aws_sns_topic" "alerts" {
  name              = "${var.name}-alerts"
  kms_master_key_id = var.kms_key_arn
  tags              = var.tags
}

data "aws_iam_policy_document" "alerts" {
  statement {
    sid     = "AccountManagesTopic"
    actions = ["SNS:GetTopicAttributes", "SNS:SetTopicAttributes", "SNS:Subscribe", "SNS:ListSubscriptionsByTopic", "SNS:Publish"]
    principals {
      type        = "AWS"
      identifiers = ["arn:${local.partition}:iam::${var.account_id}:root"]
    }
    resources = [aws_sns_topic.alerts.arn]
  }

  statement {
    sid     = "EventBridgeRulesPublish"
    actions = ["SNS:Publish"]
    principals {
      type        = "Service"
      identifiers = ["events.amazonaws.com"]
    }
    resources = [aws_sns_topic.alerts.arn]
    condition {
      test     = "ArnLike"
      variable = "aws:SourceArn"
      values   = [local.rule_arn]
    }
  }

  statement {
    sid     = "CloudWatchAlarmsPublish"
    actions = ["SNS:Publish"]
    principals {
      type        = "Service"
      identifiers = ["cloudwatch.amazonaws.com"]
    }
    resources = [aws_sns_topic.alerts.arn]
    condition {
      test     = "ArnLike"
      variable = "aws:SourceArn"
      values   = [local.alarm_arn]
    }
  }

  statement {
    sid     = "DenyInsecureTransport"
    effect  = "Deny"
    actions = ["SNS:Publish"]
    principals {
      type        = "*"
      identifiers = ["*"]
    }
    resources = [aws_sns_topic.alerts.arn]
    condition {
      test     = "Bool"
      variable = "aws:SecureTransport"
      values   = ["false"]
    }
  }
}

resource "aws_sns_topic_policy" "alerts" {
  arn    = aws_sns_topic.alerts.arn
  policy = data.aws_iam_policy_document.alerts.json
}

resource "aws_sns_topic_subscription" "email" {
  for_each = toset(var.alarm_emails)

  topic_arn = aws_sns_topic.alerts.arn
  protocol  = "email"
  endpoint  = each.value
}

resource "aws_cloudwatch_event_rule" "this" {
  for_each = local.rules

  name          = "${var.name}-${each.key}"
  description   = each.value.description
  event_pattern = each.value.pattern
  state         = "ENABLED"
  tags          = var.tags
}

resource "aws_cloudwatch_event_target" "sns" {
  for_each = local.rules

  rule      = aws_cloudwatch_event_rule.this[each.key].name
  target_id = "alerts-topic"
  arn       = aws_sns_topic.alerts.arn

  input_transformer {
    input_paths    = each.value.input_paths
    input_template = each.value.input_template
  }

  retry_policy {
    maximum_event_age_in_seconds = 3600
    maximum_retry_attempts       = 10
  }

  depends_on = [aws_sns_topic_policy.alerts]
}

# --- alarms --------------------------------------------------------------------------------------------------------

# Each alarm fires when one metric is above zero in a 5-minute period. Keys are alarm names after "<name>-".
locals {
  alarms = merge(
    { for key, f in var.lambda_functions : "${key}-starter-errors" => {
      description = "S3-event starter ${f.function_name} raised errors: uploads may not have started a workflow run."
      namespace   = "AWS/Lambda"
      metric_name = "Errors"
      dimensions  = { FunctionName = f.function_name }
      statistic   = "Sum"
    } },
    { for key, f in var.lambda_functions : "${key}-starter-dlq" => {
      description = "Events in ${f.dlq_name}: S3 uploads the starter gave up on. Inspect and replay them."
      namespace   = "AWS/SQS"
      metric_name = "ApproximateNumberOfMessagesVisible"
      dimensions  = { QueueName = f.dlq_name }
      statistic   = "Maximum"
    } },
    { for rule in local.delivered_rules : "delivery-${substr(md5(rule), 0, 8)}" => {
      description = "EventBridge rule ${rule} failed to deliver events to its target."
      namespace   = "AWS/Events"
      metric_name = "FailedInvocations"
      dimensions  = { RuleName = rule }
      statistic   = "Sum"
    } },
  )
  # This module's rules and the EVENT trigger rules defined elsewhere.
  delivered_rules = toset(concat([for key in keys(local.rules) : "${var.name}-${key}"], var.event_rule_names))
}

resource "aws_cloudwatch_metric_alarm" "this" {
  for_each = local.alarms

  alarm_name          = "${var.name}-${each.key}"
  alarm_description   = each.value.description
  namespace           = each.value.namespace
  metric_name         = each.value.metric_name
  dimensions          = each.value.dimensions
  statistic           = each.value.statistic
  period              = 300
  evaluation_periods  = 1
  threshold           = 0
  comparison_operator = "GreaterThanThreshold"
  treat_missing_data  = "notBreaching"
  alarm_actions       = [aws_sns_topic.alerts.arn]
  tags                = var.tags
}

# These alarms used to be three resources (lambda_errors, dlq_depth, rule_delivery) with the same alarm names. Their
# state is forgotten, not destroyed: aws_cloudwatch_metric_alarm.this takes the alarms over by name (PutMetricAlarm
# overwrites), whereas destroying the old addresses could run after that and delete the alarms.
removed {
  from = aws_cloudwatch_metric_alarm.lambda_errors
  lifecycle {
    destroy = false
  }
}

removed {
  from = aws_cloudwatch_metric_alarm.dlq_depth
  lifecycle {
    destroy = false
  }
}

removed {
  from = aws_cloudwatch_metric_alarm.rule_delivery
  lifecycle {
    destroy = false
  }
}
