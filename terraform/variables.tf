# These two variables are exactly the schema of build/<env>/terraform.tfvars.json, which `glueflow render` writes
# from tools/glueflow/spec/resolved.py (`TfVars`). Nullable fields there are optional() here; keep them in step.

variable "environment" {
  description = "The resolved environment (`TfVars.environment`): account, region, naming, tags, bucket names, log retention, alert addresses and the Glue JDBC connections jobs attach."
  type = object({
    name               = string
    kind               = string
    account_id         = string
    region             = string
    name_prefix        = string
    state_bucket       = optional(string)
    tags               = map(string)
    log_retention_days = number
    alarm_emails       = list(string)
    schedules_enabled  = bool
    buckets = object({
      raw         = string
      processed   = string
      scripts     = string
      temp        = string
      access_logs = string
    })
    job_library_s3_key = string
    connections = map(object({
      name               = string
      description        = string
      jdbc_url           = string
      secret_arn         = string
      secret_kms_key_arn = optional(string)
      subnet_id          = string
      security_group_ids = list(string)
      availability_zone  = string
    }))
  })

  validation {
    condition     = var.environment.kind == "aws"
    error_message = "Env '${var.environment.name}' is kind '${var.environment.kind}': it runs on glueflow's embedded runtime (glueflow deploy --env ${var.environment.name}), not Terraform."
  }

  validation {
    condition     = can(regex("^[0-9]{12}$", var.environment.account_id))
    error_message = "environment.account_id must be 12 digits."
  }

  validation {
    condition     = can(regex("^[a-z]{2}(-[a-z]+)+-[0-9]$", var.environment.region))
    error_message = "environment.region must look like eu-west-1."
  }

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{0,19}$", var.environment.name_prefix)) && can(regex("^[a-z][a-z0-9-]{0,14}$", var.environment.name))
    error_message = "name_prefix (<= 20) and name (<= 15) must be lowercase letters, digits and '-', so derived names fit AWS limits."
  }

  validation {
    condition     = contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.environment.log_retention_days)
    error_message = "log_retention_days must be a CloudWatch Logs retention value (1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, ...)."
  }

  validation {
    condition     = alltrue([for e in var.environment.alarm_emails : can(regex("^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$", e))])
    error_message = "alarm_emails must be email addresses."
  }

  validation {
    condition     = alltrue([for name in values(var.environment.buckets) : can(regex("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", name))])
    error_message = "Bucket names must be 3-63 lowercase letters, digits, '.' or '-'."
  }

  validation {
    condition = alltrue([
      for c in values(var.environment.connections) :
      can(regex("^arn:aws[a-z-]*:secretsmanager:${var.environment.region}:[0-9]{12}:secret:[A-Za-z0-9/_+=.@-]+$", c.secret_arn)) &&
      (c.secret_kms_key_arn == null || can(regex("^arn:aws[a-z-]*:kms:${var.environment.region}:[0-9]{12}:key/[A-Za-z0-9-]+$", coalesce(c.secret_kms_key_arn, "-"))))
    ])
    error_message = "connections: secret_arn must be a Secrets Manager secret ARN and secret_kms_key_arn a KMS key ARN, both in the env's region."
  }

  validation {
    condition = alltrue([
      for c in values(var.environment.connections) :
      startswith(c.jdbc_url, "jdbc:") && can(regex("^[A-Za-z0-9_-]{1,255}$", c.name)) &&
      can(regex("^subnet-[0-9a-f]+$", c.subnet_id)) && length(c.security_group_ids) > 0 &&
      alltrue([for sg in c.security_group_ids : can(regex("^sg-[0-9a-f]+$", sg))]) &&
      startswith(c.availability_zone, var.environment.region)
    ])
    error_message = "connections: a jdbc: URL, a subnet-... id, at least one sg-... id and an availability zone in the env's region."
  }
}

variable "pipelines" {
  description = "The resolved pipelines (`TfVars.pipelines`) keyed by pipeline name: workflow, database, crawlers, jobs, triggers, the optional S3-event starter and sample data."
  type = map(object({
    workflow_name          = string
    description            = string
    max_concurrent_runs    = optional(number)
    default_run_properties = map(string)
    database_name          = string
    classifiers = map(object({
      name = string
      csv_classifier = optional(object({
        delimiter              = string
        quote_symbol           = string
        contains_header        = string
        header                 = list(string)
        disable_value_trimming = bool
        allow_single_column    = bool
      }))
      json_classifier = optional(object({
        json_path = string
      }))
    }))
    crawlers = map(object({
      name          = string
      description   = string
      database_name = string
      s3_targets = list(object({
        path       = string
        exclusions = list(string)
      }))
      classifiers      = list(string)
      table_prefix     = string
      update_behavior  = string
      delete_behavior  = string
      recrawl_behavior = string
    }))
    jobs = map(object({
      name                      = string
      description               = string
      type                      = string
      script_path               = string
      script_s3_key             = string
      glue_version              = string
      python_version            = string
      worker_type               = optional(string)
      number_of_workers         = optional(number)
      max_capacity              = optional(number)
      max_retries               = number
      timeout_minutes           = number
      max_concurrent_runs       = number
      default_arguments         = map(string)
      non_overridable_arguments = map(string)
      connections               = list(string)
    }))
    triggers = map(object({
      name        = string
      type        = string
      description = string
      schedule    = optional(string)
      enabled     = bool
      logical     = optional(string)
      conditions = list(object({
        job_name     = optional(string)
        crawler_name = optional(string)
        state        = string
      }))
      actions = list(object({
        job_name        = optional(string)
        crawler_name    = optional(string)
        arguments       = map(string)
        timeout_minutes = optional(number)
      }))
      batch_size           = optional(number)
      batch_window_seconds = optional(number)
      event_source = optional(object({
        bucket_name = string
        prefix      = string
        suffix      = string
      }))
    }))
    upload_starter = optional(object({
      function_name = string
      bucket_name   = string
      prefix        = string
      suffix        = string
    }))
    sample_data = list(object({
      bucket_name = string
      key         = string
      file        = string
    }))
  }))

  validation {
    condition     = length(var.pipelines) > 0
    error_message = "No pipelines: enable at least one in envs/<env>.yaml (pipelines: all)."
  }

  validation {
    condition     = length(distinct([for p in values(var.pipelines) : p.database_name])) == length(var.pipelines)
    error_message = "Every pipeline needs its own catalog database."
  }

  validation {
    condition = alltrue([
      for p in values(var.pipelines) : p.upload_starter == null || can(regex("^[A-Za-z0-9_-]{1,60}$", try(p.upload_starter.function_name, "")))
    ])
    error_message = "upload_starter.function_name must be 1-60 letters, digits, '-' or '_' (it also names the Lambda role and its -dlq queue)."
  }

  validation {
    condition = alltrue(flatten([
      for p in values(var.pipelines) : [
        for j in values(p.jobs) : [for c in j.connections : contains([for ec in values(var.environment.connections) : ec.name], c)]
      ]
    ]))
    error_message = "A job names a connection the environment does not define (envs/<env>.yaml `connections:`)."
  }

  validation {
    condition = alltrue(flatten([
      for p in values(var.pipelines) : [for j in values(p.jobs) : fileexists("${path.module}/../${j.script_path}")]
    ]))
    error_message = "A rendered job script is missing; run `glueflow render --env <env>` (glueflow plan does it for you)."
  }
}
