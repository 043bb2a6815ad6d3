# Turns one resolved pipeline into exactly what the Glue resources need: trigger arguments (predicates with an
# explicit `logical`, actions, batching, whether to start on creation), EventBridge rules for EVENT triggers, the
# run graph's edges, and names that fit AWS length limits. No provider, so `terraform test` covers it offline.

locals {
  workflow_name = var.pipeline.workflow_name

  # AWS caps EventBridge rule and IAM role names at 64 characters: keep short names, hash-suffix long ones.
  short_names = {
    for candidate in concat(
      ["${local.workflow_name}-events"],
      [for t in values(var.pipeline.triggers) : "${t.name}-s3" if t.type == "EVENT"],
    ) : candidate => length(candidate) <= 64 ? candidate : "${substr(candidate, 0, 55)}-${substr(md5(candidate), 0, 8)}"
  }

  triggers = {
    for key, t in var.pipeline.triggers : key => {
      name          = t.name
      type          = t.type
      description   = t.description
      workflow_name = local.workflow_name
      schedule      = t.type == "SCHEDULED" ? t.schedule : null

      # The provider's `enabled` on an ON_DEMAND trigger calls StartTrigger, which starts a workflow run on every
      # apply that creates it (terraform-provider-aws#38222). An ON_DEMAND trigger is started by StartWorkflowRun.
      enabled = t.type == "ON_DEMAND" ? false : t.enabled
      # Glue accepts StartOnCreation only for SCHEDULED and CONDITIONAL triggers.
      start_on_creation = contains(["SCHEDULED", "CONDITIONAL"], t.type) ? t.enabled : false

      # Always explicit: a single condition may omit Logical in the API, but leaving it to the provider default
      # makes plans drift and some tools reject it.
      predicate = t.type != "CONDITIONAL" ? null : {
        logical = coalesce(t.logical, "AND")
        conditions = [
          for c in t.conditions : {
            job_name         = c.job_name
            state            = c.job_name != null ? c.state : null
            crawler_name     = c.crawler_name
            crawl_state      = c.crawler_name != null ? c.state : null
            logical_operator = "EQUALS"
          }
        ]
      }

      actions = [
        for a in t.actions : {
          job_name     = a.job_name
          crawler_name = a.crawler_name
          arguments    = a.job_name != null ? a.arguments : {}
          timeout      = a.job_name != null ? a.timeout_minutes : null
        }
      ]

      event_batching_condition = t.type != "EVENT" ? null : {
        batch_size   = coalesce(t.batch_size, 1)
        batch_window = coalesce(t.batch_window_seconds, 900)
      }
    }
  }

  # S3 "Object Created" events (bucket setting `eventbridge = true`) matched by bucket and key, for EVENT triggers.
  event_rules = {
    for key, t in var.pipeline.triggers : key => {
      name         = local.short_names["${t.name}-s3"]
      description  = "Notifies Glue trigger ${t.name} of objects created in s3://${t.event_source.bucket_name}/${t.event_source.prefix}*${t.event_source.suffix}"
      trigger_name = t.name
      bucket_name  = t.event_source.bucket_name
      event_pattern = jsonencode({
        source        = ["aws.s3"]
        "detail-type" = ["Object Created"]
        detail = merge(
          { bucket = { name = [t.event_source.bucket_name] } },
          t.event_source.prefix == "" && t.event_source.suffix == "" ? {} : {
            object = {
              key = [
                t.event_source.suffix == "" ? { prefix = t.event_source.prefix } :
                t.event_source.prefix == "" ? { suffix = t.event_source.suffix } :
                { wildcard = "${t.event_source.prefix}*${t.event_source.suffix}" }
              ]
            }
          },
        )
      })
    } if t.type == "EVENT" && t.event_source != null
  }

  # The graph as Glue draws it: watched node -> conditional trigger -> started node.
  edges = concat(
    flatten([
      for t in values(var.pipeline.triggers) : [
        for c in t.conditions : {
          source      = c.job_name != null ? "job/${c.job_name}" : "crawler/${c.crawler_name}"
          destination = "trigger/${t.name}"
        }
      ]
    ]),
    flatten([
      for t in values(var.pipeline.triggers) : [
        for a in t.actions : {
          source      = "trigger/${t.name}"
          destination = a.job_name != null ? "job/${a.job_name}" : "crawler/${a.crawler_name}"
        }
      ]
    ]),
  )

  start_trigger_key = one([for key, t in var.pipeline.triggers : key if t.type != "CONDITIONAL"])
}
