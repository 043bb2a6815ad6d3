variable "jobs" {
  description = "Glue jobs keyed by a unique key (the root uses <pipeline>/<job>): the resolved `jobs` entries of build/<env>/terraform.tfvars.json."
  type = map(object({
    name                      = string
    description               = optional(string, "")
    type                      = string
    script_path               = string
    script_s3_key             = string
    glue_version              = string
    python_version            = string
    worker_type               = optional(string)
    number_of_workers         = optional(number)
    max_capacity              = optional(number)
    max_retries               = optional(number, 0)
    timeout_minutes           = number
    max_concurrent_runs       = optional(number, 1)
    default_arguments         = optional(map(string), {})
    non_overridable_arguments = optional(map(string), {})
    connections               = optional(list(string), [])
  }))

  validation {
    condition     = alltrue([for j in values(var.jobs) : contains(["glueetl", "pythonshell"], j.type)])
    error_message = "Job type must be glueetl or pythonshell."
  }

  validation {
    condition     = alltrue([for j in values(var.jobs) : contains(["3.0", "4.0", "5.0"], j.glue_version)])
    error_message = "glue_version must be 3.0, 4.0 or 5.0."
  }

  validation {
    condition = alltrue([
      for j in values(var.jobs) : j.type != "glueetl" || (
        contains(["G.025X", "G.1X", "G.2X", "G.4X", "G.8X"], coalesce(j.worker_type, "-")) &&
        coalesce(j.number_of_workers, 0) >= 2 && j.max_capacity == null
      )
    ])
    error_message = "glueetl jobs size with worker_type (G.025X, G.1X, G.2X, G.4X, G.8X) and number_of_workers >= 2, not max_capacity."
  }

  validation {
    condition = alltrue([
      for j in values(var.jobs) : j.type != "pythonshell" || (
        contains([0.0625, 1], coalesce(j.max_capacity, -1)) && j.worker_type == null && j.number_of_workers == null
      )
    ])
    error_message = "pythonshell jobs size with max_capacity 0.0625 or 1, not workers."
  }

  validation {
    condition     = alltrue([for j in values(var.jobs) : j.timeout_minutes >= 1 && j.timeout_minutes <= 10080 && j.max_retries >= 0 && j.max_retries <= 10])
    error_message = "timeout_minutes must be 1..10080 and max_retries 0..10."
  }

  validation {
    condition = alltrue([
      for j in values(var.jobs) : alltrue([for k in concat(keys(j.default_arguments), keys(j.non_overridable_arguments)) : startswith(k, "--")])
    ])
    error_message = "Job argument names start with '--' (Glue's --NAME convention)."
  }

  validation {
    condition     = alltrue([for j in values(var.jobs) : length(j.connections) == length(distinct(j.connections)) && alltrue([for c in j.connections : can(regex("^[A-Za-z0-9_-]{1,255}$", c))])])
    error_message = "A job's connections are distinct Glue connection names (letters, digits, '-', '_')."
  }

  validation {
    condition     = alltrue([for j in values(var.jobs) : can(regex("^[^/].*\\.py$", j.script_s3_key))])
    error_message = "script_s3_key must be a relative key ending in .py."
  }
}

variable "source_root" {
  description = "Directory that the jobs' repo-relative script_path values are relative to (the repo root, seen from the root configuration)."
  type        = string
}

variable "scripts_bucket" {
  description = "Bucket that receives the job scripts and the job library."
  type        = string
}

variable "job_library" {
  description = "The job library zip shipped to every job with --extra-py-files: local source path and S3 key. Null: upload none."
  type = object({
    source = string
    s3_key = string
  })
  default = null
}

variable "role_arn" {
  description = "ARN of the role the jobs assume (glue_iam's `glue_execution_role_arn`)."
  type        = string
}

variable "security_configuration" {
  description = "Glue security configuration: encrypts the jobs' S3 output, CloudWatch logs and bookmarks."
  type        = string
}

variable "kms_key_arn" {
  description = "KMS key that encrypts the uploaded scripts and library."
  type        = string
}

variable "notify_delay_after_minutes" {
  description = "Emit a 'Glue Job Run Status' event when a run is still running after this many minutes (monitoring picks it up). Null: no delay notification."
  type        = number
  default     = null

  validation {
    condition     = var.notify_delay_after_minutes == null || coalesce(var.notify_delay_after_minutes, 0) >= 1
    error_message = "notify_delay_after_minutes must be at least 1 (or null)."
  }
}

variable "tags" {
  description = "Tags for the jobs (the provider's default_tags are added)."
  type        = map(string)
  default     = {}
}
