variable "pipeline" {
  description = "One resolved pipeline (an entry of `pipelines` in build/<env>/terraform.tfvars.json). The workflow_graph module turns its triggers into Glue trigger arguments; attributes not listed are ignored."
  type = object({
    workflow_name          = string
    description            = optional(string, "")
    max_concurrent_runs    = optional(number)
    default_run_properties = optional(map(string), {})
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
    condition     = var.pipeline.max_concurrent_runs == null || (coalesce(var.pipeline.max_concurrent_runs, 1) >= 1 && coalesce(var.pipeline.max_concurrent_runs, 1) <= 1000)
    error_message = "max_concurrent_runs must be 1..1000, or null for unlimited."
  }
}

variable "account_id" {
  description = "AWS account of the deployment; scopes the EventBridge role's trust policy."
  type        = string

  validation {
    condition     = can(regex("^[0-9]{12}$", var.account_id))
    error_message = "account_id must be 12 digits."
  }
}

variable "tags" {
  description = "Tags for the workflow, triggers, rules and role (the provider's default_tags are added)."
  type        = map(string)
  default     = {}
}
