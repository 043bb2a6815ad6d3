variable "glue_role_name" {
  description = "Name of the role Glue jobs and crawlers assume."
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z0-9+=,.@_-]{1,64}$", var.glue_role_name))
    error_message = "glue_role_name must be 1-64 characters of letters, digits and +=,.@_-."
  }
}

variable "account_id" {
  description = "AWS account of the deployment; every ARN in the policies is scoped to it."
  type        = string

  validation {
    condition     = can(regex("^[0-9]{12}$", var.account_id))
    error_message = "account_id must be 12 digits."
  }
}

variable "region" {
  description = "Region of the deployment; every regional ARN in the policies is scoped to it."
  type        = string

  validation {
    condition     = can(regex("^[a-z]{2}(-[a-z]+)+-[0-9]$", var.region))
    error_message = "region must look like eu-west-1."
  }
}

variable "kms_key_arn" {
  description = "The deployment's KMS key; the only key the roles may use."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:kms:", var.kms_key_arn))
    error_message = "kms_key_arn must be a KMS key ARN."
  }
}

variable "buckets" {
  description = "The deployment's bucket names (raw, processed, scripts, temp, access_logs). Glue reads raw, processed, temp and the scripts prefix, and writes processed and temp."
  type = object({
    raw         = string
    processed   = string
    scripts     = string
    temp        = string
    access_logs = string
  })
}

variable "scripts_prefix" {
  description = "Key prefix in the scripts bucket holding job scripts and the job library; Glue may read only there."
  type        = string
  default     = "glue_jobs/"

  validation {
    condition     = endswith(var.scripts_prefix, "/")
    error_message = "scripts_prefix must end with '/'."
  }
}

variable "database_names" {
  description = "Glue Data Catalog databases the Glue role may read and write (tables and partitions)."
  type        = list(string)

  validation {
    condition     = length(var.database_names) > 0 && alltrue([for d in var.database_names : can(regex("^[a-z0-9_]{1,255}$", d))])
    error_message = "database_names must be lowercase Glue database names (a-z, 0-9, _)."
  }
}

variable "workflow_names" {
  description = "Glue workflows of this deployment; jobs may read and write their run properties."
  type        = list(string)
}

variable "security_configuration_name" {
  description = "Glue security configuration used by every job and crawler. Glue names its encrypted log groups after it, which scopes the log permissions."
  type        = string
}

variable "connections" {
  description = "Glue JDBC connections the jobs attach (the resolved `environment.connections`): the role may read them, get exactly their Secrets Manager secrets, decrypt with `secret_kms_key_arn` through Secrets Manager only, and create, tag and delete the network interfaces Glue puts in their subnets."
  type = map(object({
    name               = string
    secret_arn         = string
    secret_kms_key_arn = optional(string)
    subnet_id          = string
    security_group_ids = list(string)
  }))
  default = {}

  validation {
    condition = alltrue([
      for c in values(var.connections) :
      can(regex("^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:[0-9]{12}:secret:[A-Za-z0-9/_+=.@-]+$", c.secret_arn)) &&
      (c.secret_kms_key_arn == null || can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/[A-Za-z0-9-]+$", coalesce(c.secret_kms_key_arn, "-"))))
    ])
    error_message = "secret_arn must be a Secrets Manager secret ARN (never a wildcard) and secret_kms_key_arn a KMS key ARN."
  }

  validation {
    condition = alltrue([
      for c in values(var.connections) :
      can(regex("^subnet-[0-9a-f]+$", c.subnet_id)) && length(c.security_group_ids) > 0 && alltrue([for sg in c.security_group_ids : can(regex("^sg-[0-9a-f]+$", sg))])
    ])
    error_message = "Each connection needs a subnet-... id and at least one sg-... id."
  }
}

variable "lambda_roles" {
  description = "One role per S3-event Lambda starter, keyed by pipeline: it may start only its workflow, write its idempotency markers, send to its DLQ and write its log group."
  type = map(object({
    role_name          = string
    function_name      = string
    workflow_name      = string
    dlq_name           = string
    idempotency_bucket = string
    idempotency_prefix = string
  }))
  default = {}

  validation {
    condition = alltrue([
      for r in values(var.lambda_roles) : can(regex("^[A-Za-z0-9+=,.@_-]{1,64}$", r.role_name)) && endswith(r.idempotency_prefix, "/")
    ])
    error_message = "Lambda role names must be 1-64 valid IAM characters and idempotency_prefix must end with '/'."
  }
}

variable "tags" {
  description = "Tags for the roles (the provider's default_tags are added)."
  type        = map(string)
  default     = {}
}
