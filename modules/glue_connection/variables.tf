variable "connections" {
  description = "Glue JDBC connections keyed by logical name: the resolved `environment.connections` of build/<env>/terraform.tfvars.json. Credentials only by Secrets Manager secret ARN."
  type = map(object({
    name               = string
    description        = optional(string, "")
    jdbc_url           = string
    secret_arn         = string
    secret_kms_key_arn = optional(string)
    subnet_id          = string
    security_group_ids = list(string)
    availability_zone  = string
  }))

  validation {
    condition     = alltrue([for c in values(var.connections) : can(regex("^[A-Za-z0-9_-]{1,255}$", c.name))])
    error_message = "Connection names must be 1-255 letters, digits, '-' or '_'."
  }

  validation {
    condition     = alltrue([for c in values(var.connections) : can(regex("^jdbc:[a-z:]+[:/@]", c.jdbc_url)) && !can(regex("(?i)(password|pwd|user(name)?)=", c.jdbc_url))])
    error_message = "jdbc_url must be a JDBC URL (jdbc:redshift://host:5439/db) without credentials in it."
  }

  validation {
    condition     = alltrue([for c in values(var.connections) : can(regex("^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:[0-9]{12}:secret:[A-Za-z0-9/_+=.@-]+$", c.secret_arn))])
    error_message = "secret_arn must be a Secrets Manager secret ARN (arn:aws:secretsmanager:<region>:<account>:secret:<name>)."
  }

  validation {
    condition = alltrue([
      for c in values(var.connections) : can(regex("^subnet-[0-9a-f]+$", c.subnet_id)) && length(c.security_group_ids) > 0 &&
      alltrue([for sg in c.security_group_ids : can(regex("^sg-[0-9a-f]+$", sg))]) && can(regex("^[a-z]{2}(-[a-z]+)+-[0-9][a-z]$", c.availability_zone))
    ])
    error_message = "Each connection needs a subnet-... id, at least one sg-... id and an availability zone such as eu-west-1a."
  }
}

variable "tags" {
  description = "Tags for the connections (the provider's default_tags are added)."
  type        = map(string)
  default     = {}
}
