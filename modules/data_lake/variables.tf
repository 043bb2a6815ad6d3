variable "buckets" {
  description = "Bucket names by purpose: raw, processed, scripts, temp and access_logs (the `environment.buckets` of the rendered tfvars)."
  type = object({
    raw         = string
    processed   = string
    scripts     = string
    temp        = string
    access_logs = string
  })

  validation {
    condition = alltrue([
      for name in values(var.buckets) : can(regex("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", name)) && !strcontains(name, "..")
    ])
    error_message = "Bucket names must be 3-63 lowercase letters, digits, '.' or '-', starting and ending with a letter or digit."
  }
}

variable "account_id" {
  description = "AWS account that owns the buckets; scopes the access-log delivery policy."
  type        = string

  validation {
    condition     = can(regex("^[0-9]{12}$", var.account_id))
    error_message = "account_id must be 12 digits."
  }
}

variable "kms_key_arn" {
  description = "Customer-managed KMS key for default SSE-KMS encryption of the data buckets."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:kms:", var.kms_key_arn))
    error_message = "kms_key_arn must be a KMS key ARN."
  }
}

variable "force_destroy" {
  description = "Let `terraform destroy` delete non-empty buckets (all object versions). Keep false where data matters."
  type        = bool
  default     = false
}

variable "lifecycle_days" {
  description = "Lifecycle periods in days: abort incomplete multipart uploads, expire noncurrent versions, expire temp objects and access logs."
  type = object({
    abort_incomplete_multipart_upload = optional(number, 7)
    noncurrent_version_expiration     = optional(number, 90)
    temp_expiration                   = optional(number, 30)
    access_log_expiration             = optional(number, 365)
  })
  default = {}

  validation {
    condition     = alltrue([for days in values(var.lifecycle_days) : days >= 1 && floor(days) == days])
    error_message = "Every lifecycle period must be a whole number of days, at least 1."
  }
}

variable "lambda_notifications" {
  description = "S3 -> Lambda notifications (from lambda_starter's `s3_notification` output). S3 keeps one notification configuration per bucket, so every notification of a bucket is declared here, together with EventBridge delivery."
  type = list(object({
    bucket_name  = string
    function_arn = string
    prefix       = optional(string, "")
    suffix       = optional(string, "")
    events       = optional(list(string), ["s3:ObjectCreated:*"])
  }))
  default = []

  validation {
    condition     = alltrue([for n in var.lambda_notifications : contains([var.buckets.raw, var.buckets.processed, var.buckets.temp], n.bucket_name)])
    error_message = "lambda_notifications may target the raw, processed or temp bucket only."
  }
}

variable "seed_objects" {
  description = "Files to upload once (e.g. a pipeline's sample data): bucket name, key and local source path."
  type = list(object({
    bucket_name = string
    key         = string
    source      = string
  }))
  default = []

  validation {
    condition     = alltrue([for o in var.seed_objects : contains([var.buckets.raw, var.buckets.processed, var.buckets.temp], o.bucket_name)])
    error_message = "seed_objects may go to the raw, processed or temp bucket only."
  }
}

variable "tags" {
  description = "Tags for every bucket (the provider's default_tags are added)."
  type        = map(string)
  default     = {}
}
