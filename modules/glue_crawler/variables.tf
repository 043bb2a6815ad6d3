variable "crawlers" {
  description = "Crawlers keyed by logical name: the `crawlers` of one resolved pipeline in build/<env>/terraform.tfvars.json."
  type = map(object({
    name          = string
    description   = optional(string, "")
    database_name = string
    s3_targets = list(object({
      path       = string
      exclusions = optional(list(string), [])
    }))
    table_prefix     = optional(string, "")
    update_behavior  = optional(string, "UPDATE_IN_DATABASE")
    delete_behavior  = optional(string, "LOG")
    recrawl_behavior = optional(string, "CRAWL_EVERYTHING")
  }))

  validation {
    condition     = alltrue([for c in values(var.crawlers) : length(c.s3_targets) > 0 && alltrue([for t in c.s3_targets : startswith(t.path, "s3://")])])
    error_message = "Every crawler needs at least one S3 target whose path starts with s3://."
  }

  validation {
    condition     = alltrue([for c in values(var.crawlers) : contains(["UPDATE_IN_DATABASE", "LOG"], c.update_behavior)])
    error_message = "update_behavior must be UPDATE_IN_DATABASE or LOG."
  }

  validation {
    condition     = alltrue([for c in values(var.crawlers) : contains(["LOG", "DELETE_FROM_DATABASE", "DEPRECATE_IN_DATABASE"], c.delete_behavior)])
    error_message = "delete_behavior must be LOG, DELETE_FROM_DATABASE or DEPRECATE_IN_DATABASE."
  }

  validation {
    condition = alltrue([
      for c in values(var.crawlers) : contains(["CRAWL_EVERYTHING", "CRAWL_NEW_FOLDERS_ONLY"], c.recrawl_behavior) && (
        c.recrawl_behavior == "CRAWL_EVERYTHING" || (c.update_behavior == "LOG" && c.delete_behavior == "LOG")
      )
    ])
    error_message = "recrawl_behavior must be CRAWL_EVERYTHING or CRAWL_NEW_FOLDERS_ONLY; Glue allows CRAWL_NEW_FOLDERS_ONLY only with update_behavior and delete_behavior LOG."
  }

  validation {
    condition     = alltrue([for c in values(var.crawlers) : can(regex("^[a-z0-9_]*$", c.table_prefix))])
    error_message = "table_prefix may use lowercase letters, digits and underscores only."
  }
}

variable "role_arn" {
  description = "ARN of the role the crawlers assume (glue_iam's `glue_execution_role_arn`)."
  type        = string
}

variable "security_configuration" {
  description = "Glue security configuration that encrypts the crawlers' CloudWatch logs."
  type        = string
}

variable "tags" {
  description = "Tags for the crawlers (the provider's default_tags are added)."
  type        = map(string)
  default     = {}
}
