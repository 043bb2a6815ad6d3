variable "pipeline" {
  description = <<-EOT
    One resolved pipeline: an entry of `pipelines` in build/<env>/terraform.tfvars.json. Only the attributes below
    are read; the others (jobs' arguments, sample data, ...) are ignored here.
  EOT
  type = object({
    workflow_name = string
    crawlers = optional(map(object({
      name = string
    })), {})
    jobs = optional(map(object({
      name = string
    })), {})
    triggers = map(object({
      name        = string
      type        = string
      description = optional(string, "")
      schedule    = optional(string)
      enabled     = optional(bool, true)
      logical     = optional(string)
      conditions = optional(list(object({
        job_name     = optional(string)
        crawler_name = optional(string)
        state        = string
      })), [])
      actions = list(object({
        job_name        = optional(string)
        crawler_name    = optional(string)
        arguments       = optional(map(string), {})
        timeout_minutes = optional(number)
      }))
      batch_size           = optional(number)
      batch_window_seconds = optional(number)
      event_source = optional(object({
        bucket_name = string
        prefix      = optional(string, "")
        suffix      = optional(string, "")
      }))
    }))
  })

  validation {
    condition     = length(var.pipeline.workflow_name) >= 1 && length(var.pipeline.workflow_name) <= 255
    error_message = "workflow_name must be 1 to 255 characters long."
  }

  validation {
    condition = alltrue([
      for t in values(var.pipeline.triggers) : contains(["ON_DEMAND", "SCHEDULED", "EVENT", "CONDITIONAL"], t.type)
    ])
    error_message = "Trigger type must be ON_DEMAND, SCHEDULED, EVENT or CONDITIONAL; got: ${join(", ", distinct([for t in values(var.pipeline.triggers) : t.type if !contains(["ON_DEMAND", "SCHEDULED", "EVENT", "CONDITIONAL"], t.type)]))}."
  }

  validation {
    condition     = length([for t in values(var.pipeline.triggers) : t.name if t.type != "CONDITIONAL"]) == 1
    error_message = "A workflow has exactly one start trigger (ON_DEMAND, SCHEDULED or EVENT); ${var.pipeline.workflow_name} has ${length([for t in values(var.pipeline.triggers) : t.name if t.type != "CONDITIONAL"])}: [${join(", ", [for t in values(var.pipeline.triggers) : t.name if t.type != "CONDITIONAL"])}]."
  }

  validation {
    condition = alltrue([
      for t in values(var.pipeline.triggers) : (t.type == "CONDITIONAL") == (length(t.conditions) > 0)
    ])
    error_message = "CONDITIONAL triggers need at least one condition and start triggers take none; check: ${join(", ", [for t in values(var.pipeline.triggers) : t.name if(t.type == "CONDITIONAL") != (length(t.conditions) > 0)])}."
  }

  validation {
    condition = alltrue([
      for t in values(var.pipeline.triggers) : t.logical == null ? length(t.conditions) <= 1 : contains(["AND", "ANY"], t.logical)
    ])
    error_message = "logical must be AND or ANY, and is required when a trigger has several conditions; check: ${join(", ", [for t in values(var.pipeline.triggers) : t.name if(t.logical == null ? length(t.conditions) > 1 : !contains(["AND", "ANY"], t.logical))])}."
  }

  validation {
    condition = alltrue(flatten([
      for t in values(var.pipeline.triggers) : [
        for c in t.conditions : c.job_name != null ? (
          c.crawler_name == null && contains(["SUCCEEDED", "STOPPED", "FAILED", "TIMEOUT"], c.state)
          ) : (
          c.crawler_name != null && contains(["SUCCEEDED", "FAILED", "CANCELLED"], c.state)
        )
      ]
    ]))
    error_message = "Each condition watches exactly one job (state SUCCEEDED, STOPPED, FAILED or TIMEOUT) or one crawler (state SUCCEEDED, FAILED or CANCELLED); check: ${join(", ", distinct(flatten([for t in values(var.pipeline.triggers) : [for c in t.conditions : t.name if !(c.job_name != null ? (c.crawler_name == null && contains(["SUCCEEDED", "STOPPED", "FAILED", "TIMEOUT"], c.state)) : (c.crawler_name != null && contains(["SUCCEEDED", "FAILED", "CANCELLED"], c.state)))]])))}."
  }

  validation {
    condition = alltrue(flatten([
      for t in values(var.pipeline.triggers) : [
        for c in t.conditions : (
          (c.job_name == null || contains([for j in values(var.pipeline.jobs) : j.name], coalesce(c.job_name, "-"))) &&
          (c.crawler_name == null || contains([for k in values(var.pipeline.crawlers) : k.name], coalesce(c.crawler_name, "-")))
        )
      ]
    ]))
    error_message = "A condition names a job or crawler this pipeline does not define: ${join(", ", distinct(flatten([for t in values(var.pipeline.triggers) : [for c in t.conditions : "${t.name} -> ${coalesce(c.job_name, c.crawler_name, "?")}" if !((c.job_name == null || contains([for j in values(var.pipeline.jobs) : j.name], coalesce(c.job_name, "-"))) && (c.crawler_name == null || contains([for k in values(var.pipeline.crawlers) : k.name], coalesce(c.crawler_name, "-"))))]])))}."
  }

  validation {
    condition = alltrue(flatten([
      for t in values(var.pipeline.triggers) : [
        for a in t.actions : (a.job_name == null) != (a.crawler_name == null) && (
          a.job_name != null ? contains([for j in values(var.pipeline.jobs) : j.name], coalesce(a.job_name, "-")) : contains([for k in values(var.pipeline.crawlers) : k.name], coalesce(a.crawler_name, "-"))
        )
      ]
    ]))
    error_message = "Each action starts exactly one job or crawler of this pipeline; check: ${join(", ", distinct(flatten([for t in values(var.pipeline.triggers) : [for a in t.actions : "${t.name} -> ${coalesce(a.job_name, a.crawler_name, "?")}" if !((a.job_name == null) != (a.crawler_name == null) && (a.job_name != null ? contains([for j in values(var.pipeline.jobs) : j.name], coalesce(a.job_name, "-")) : contains([for k in values(var.pipeline.crawlers) : k.name], coalesce(a.crawler_name, "-"))))]])))}."
  }

  validation {
    condition = alltrue(flatten([
      for t in values(var.pipeline.triggers) : [
        for a in t.actions : a.job_name != null || (length(a.arguments) == 0 && a.timeout_minutes == null)
      ]
    ]))
    error_message = "arguments and timeout_minutes apply to job actions only, not to crawler actions."
  }

  validation {
    condition = alltrue([
      for t in values(var.pipeline.triggers) : length([for a in t.actions : a if a.crawler_name != null]) <= 2
    ])
    error_message = "Glue allows at most 2 crawler actions per trigger; check: ${join(", ", [for t in values(var.pipeline.triggers) : t.name if length([for a in t.actions : a if a.crawler_name != null]) > 2])}."
  }

  validation {
    condition = alltrue([
      for t in values(var.pipeline.triggers) : length(setintersection(
        toset([for c in t.conditions : c.job_name if c.job_name != null]),
        toset([for a in t.actions : a.job_name if a.job_name != null]),
      )) == 0
    ])
    error_message = "A job cannot be both in a trigger's predicate and in its actions; check: ${join(", ", [for t in values(var.pipeline.triggers) : t.name if length(setintersection(toset([for c in t.conditions : c.job_name if c.job_name != null]), toset([for a in t.actions : a.job_name if a.job_name != null]))) > 0])}."
  }

  validation {
    condition = alltrue([
      for t in values(var.pipeline.triggers) : t.type == "SCHEDULED" ? can(regex("^cron\\(.+\\)$", coalesce(t.schedule, "-"))) : t.schedule == null
    ])
    error_message = "SCHEDULED triggers need an AWS cron schedule, cron(Minutes Hours Day-of-month Month Day-of-week Year) (rate() is not valid for Glue); other trigger types take no schedule. Check: ${join(", ", [for t in values(var.pipeline.triggers) : t.name if !(t.type == "SCHEDULED" ? can(regex("^cron\\(.+\\)$", coalesce(t.schedule, "-"))) : t.schedule == null)])}."
  }

  validation {
    condition = alltrue([
      for t in values(var.pipeline.triggers) : t.type == "EVENT" ? (
        (t.batch_size == null || (coalesce(t.batch_size, 1) >= 1 && coalesce(t.batch_size, 1) <= 100)) &&
        (t.batch_window_seconds == null || (coalesce(t.batch_window_seconds, 900) >= 1 && coalesce(t.batch_window_seconds, 900) <= 900))
      ) : (t.batch_size == null && t.batch_window_seconds == null && t.event_source == null)
    ])
    error_message = "Event batching (batch_size 1..100, batch_window_seconds 1..900) and event_source apply to EVENT triggers only."
  }

  validation {
    condition = alltrue([
      for t in values(var.pipeline.triggers) : t.event_source == null || (
        !strcontains(try(t.event_source.prefix, ""), "*") && !strcontains(try(t.event_source.suffix, ""), "*")
      )
    ])
    error_message = "event_source prefix and suffix are literal; they must not contain '*'."
  }

  validation {
    condition     = alltrue([for t in values(var.pipeline.triggers) : length(t.name) >= 1 && length(t.name) <= 255])
    error_message = "Trigger names must be 1 to 255 characters long."
  }
}
