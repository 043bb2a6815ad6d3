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
    classifiers      = optional(list(string), [])
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

  validation {
    condition     = alltrue([for c in values(var.crawlers) : alltrue([for k in c.classifiers : contains(keys(var.classifiers), k)])])
    error_message = "Every crawler classifier must be a key of var.classifiers."
  }
}

variable "classifiers" {
  description = "Custom classifiers keyed by logical name (the `classifiers` of one resolved pipeline); crawlers name them by key in `classifiers`, in the order Glue tries them."
  type = map(object({
    name = string
    csv_classifier = optional(object({
      delimiter              = optional(string, ",")
      quote_symbol           = optional(string, "\"")
      contains_header        = optional(string, "UNKNOWN")
      header                 = optional(list(string), [])
      disable_value_trimming = optional(bool, false)
      allow_single_column    = optional(bool, false)
    }))
    json_classifier = optional(object({
      json_path = string
    }))
  }))
  default = {}

  validation {
    condition     = alltrue([for c in values(var.classifiers) : (c.csv_classifier == null) != (c.json_classifier == null)])
    error_message = "A classifier sets exactly one of csv_classifier or json_classifier."
  }

  validation {
    condition = alltrue([for c in values(var.classifiers) : c.csv_classifier == null || (
      contains(["UNKNOWN", "PRESENT", "ABSENT"], try(c.csv_classifier.contains_header, "")) &&
      length(try(c.csv_classifier.delimiter, "")) == 1 && length(try(c.csv_classifier.quote_symbol, "")) == 1 &&
      try(c.csv_classifier.delimiter != c.csv_classifier.quote_symbol, false)
    )])
    error_message = "A CSV classifier needs contains_header UNKNOWN, PRESENT or ABSENT, and a one-character delimiter and quote_symbol that differ."
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
