variable "name" {
  description = "Prefix for the topic, rules and alarms (e.g. glueflow-dev)."
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z0-9_-]{1,40}$", var.name))
    error_message = "name must be 1-40 letters, digits, '-' or '_' (rule names are capped at 64)."
  }
}

variable "account_id" {
  description = "AWS account of the deployment; scopes the topic policy."
  type        = string

  validation {
    condition     = can(regex("^[0-9]{12}$", var.account_id))
    error_message = "account_id must be 12 digits."
  }
}

variable "region" {
  description = "Region of the deployment; scopes the topic policy."
  type        = string
}

variable "kms_key_arn" {
  description = "KMS key that encrypts the SNS topic (its key policy must let EventBridge and CloudWatch use it)."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:kms:", var.kms_key_arn))
    error_message = "kms_key_arn must be a KMS key ARN."
  }
}

variable "alarm_emails" {
  description = "Addresses subscribed to the alert topic (each must confirm the subscription email)."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for e in var.alarm_emails : can(regex("^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$", e))])
    error_message = "alarm_emails must be email addresses."
  }
}

variable "watched" {
  description = "What to watch: Glue job, crawler and workflow names of the deployment, and which job states alert."
  type = object({
    job_names      = optional(list(string), [])
    crawler_names  = optional(list(string), [])
    workflow_names = optional(list(string), [])
    job_states     = optional(list(string), ["FAILED", "TIMEOUT"])
  })

  validation {
    condition     = alltrue([for s in var.watched.job_states : contains(["SUCCEEDED", "FAILED", "TIMEOUT", "STOPPED"], s)])
    error_message = "job_states may be SUCCEEDED, FAILED, TIMEOUT or STOPPED (the states Glue Job State Change events carry)."
  }
}

variable "lambda_functions" {
  description = "S3-event starters to alarm on, keyed by pipeline: function name and dead-letter queue name."
  type = map(object({
    function_name = string
    dlq_name      = string
  }))
  default = {}
}

variable "event_rule_names" {
  description = "EventBridge rules defined elsewhere (the EVENT trigger rules) whose failed invocations should alarm."
  type        = list(string)
  default     = []
}

variable "tags" {
  description = "Tags for the topic, rules and alarms (the provider's default_tags are added)."
  type        = map(string)
  default     = {}
}
