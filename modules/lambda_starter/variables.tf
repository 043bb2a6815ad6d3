variable "function_name" {
  description = "Name of the Lambda function (also names its log group /aws/lambda/<name>)."
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z0-9_-]{1,64}$", var.function_name))
    error_message = "function_name must be 1-64 letters, digits, '-' or '_'."
  }
}

variable "source_dir" {
  description = "Folder with the handler (lambda/start_workflow/); it is zipped as is."
  type        = string
}

variable "package_path" {
  description = "Where to write the zip built from source_dir (e.g. build/<env>/lambda/<function>.zip)."
  type        = string
}

variable "role_arn" {
  description = "Execution role (glue_iam's `lambda_execution_role_arns` entry): may start only this workflow."
  type        = string
}

variable "workflow_name" {
  description = "Glue workflow the function starts (env WORKFLOW_NAME)."
  type        = string
}

variable "bucket_name" {
  description = "Bucket whose ObjectCreated events invoke the function; the invoke permission is scoped to it."
  type        = string
}

variable "account_id" {
  description = "Account that owns the bucket; the invoke permission is scoped to it (source_account)."
  type        = string

  validation {
    condition     = can(regex("^[0-9]{12}$", var.account_id))
    error_message = "account_id must be 12 digits."
  }
}

variable "key_filter" {
  description = "Only objects whose key starts with prefix and ends with suffix start a run (S3 filter and env KEY_PREFIX/KEY_SUFFIX)."
  type = object({
    prefix = optional(string, "")
    suffix = optional(string, "")
  })
  default = {}
}

variable "idempotency" {
  description = "Where the function writes one marker per bucket/key/version so a redelivered event starts no second run."
  type = object({
    bucket = string
    prefix = string
  })

  validation {
    condition     = endswith(var.idempotency.prefix, "/")
    error_message = "idempotency.prefix must end with '/'."
  }
}

variable "dlq_name" {
  description = "Name of the SQS dead-letter queue for events the function could not process (must match the role's grant)."
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z0-9_-]{1,80}$", var.dlq_name))
    error_message = "dlq_name must be 1-80 letters, digits, '-' or '_'."
  }
}

variable "kms_key_arn" {
  description = "KMS key for the environment variables, the log group and the DLQ."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:kms:", var.kms_key_arn))
    error_message = "kms_key_arn must be a KMS key ARN."
  }
}

variable "log_retention_days" {
  description = "Retention of the function's log group, in days (a value CloudWatch Logs accepts)."
  type        = number
  default     = 30

  validation {
    condition     = contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.log_retention_days)
    error_message = "log_retention_days must be a CloudWatch Logs retention value (1, 3, 5, 7, 14, 30, 60, 90, ..., 3653)."
  }
}

variable "settings" {
  description = "Runtime settings: reserved concurrency (caps parallel workflow starts), timeout in seconds (40..900; the idempotency claim lease is the timeout minus 10 s), memory in MB and retries of failed async invocations before the DLQ."
  type = object({
    reserved_concurrent_executions = optional(number, 5)
    timeout_seconds                = optional(number, 60)
    memory_mb                      = optional(number, 256)
    maximum_retry_attempts         = optional(number, 2)
  })
  default = {}

  validation {
    condition = (
      var.settings.reserved_concurrent_executions >= 1 &&
      var.settings.timeout_seconds >= 40 && var.settings.timeout_seconds <= 900 &&
      var.settings.memory_mb >= 128 && var.settings.memory_mb <= 10240 &&
      var.settings.maximum_retry_attempts >= 0 && var.settings.maximum_retry_attempts <= 2
    )
    error_message = "reserved_concurrent_executions >= 1, timeout_seconds 40..900 (the claim lease is the timeout minus 10 s and must hold one bounded Glue call of 21 s), memory_mb 128..10240, maximum_retry_attempts 0..2."
  }
}

variable "tags" {
  description = "Tags for the function, log group and queue (the provider's default_tags are added)."
  type        = map(string)
  default     = {}
}
