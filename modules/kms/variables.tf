variable "alias_name" {
  description = "Alias for the key, without the `alias/` prefix (e.g. glueflow-dev)."
  type        = string

  validation {
    condition     = can(regex("^[a-zA-Z0-9/_-]{1,250}$", var.alias_name)) && !startswith(var.alias_name, "aws/")
    error_message = "alias_name may use letters, digits, '/', '_' and '-', and must not start with 'aws/'."
  }
}

variable "description" {
  description = "Description of the key, shown in the KMS console."
  type        = string
  default     = "glueflow data, logs, catalog and messages"
}

variable "account_id" {
  description = "AWS account that owns the key; its root principal administers the key."
  type        = string

  validation {
    condition     = can(regex("^[0-9]{12}$", var.account_id))
    error_message = "account_id must be 12 digits."
  }
}

variable "region" {
  description = "Region of the key; scopes the CloudWatch Logs service principal."
  type        = string

  validation {
    condition     = can(regex("^[a-z]{2}(-[a-z]+)+-[0-9]$", var.region))
    error_message = "region must look like eu-west-1."
  }
}

variable "key_users" {
  description = "IAM role ARNs allowed to use the key for data (encrypt, decrypt, generate data keys): the Glue role and the Lambda roles."
  type        = list(string)

  validation {
    condition     = length(var.key_users) > 0 && alltrue([for arn in var.key_users : can(regex("^arn:aws[a-z-]*:iam::[0-9]{12}:role/.+$", arn))])
    error_message = "key_users must list at least one IAM role ARN."
  }
}

variable "log_group_arn_patterns" {
  description = "CloudWatch Logs log-group ARN patterns (wildcards allowed) whose logs may be encrypted with the key, e.g. arn:aws:logs:eu-west-1:111111111111:log-group:/aws-glue/*."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for arn in var.log_group_arn_patterns : can(regex("^arn:aws[a-z-]*:logs:", arn))])
    error_message = "log_group_arn_patterns must be CloudWatch Logs ARNs (arn:aws:logs:...)."
  }
}

variable "service_principals" {
  description = "AWS services that publish to resources encrypted with this key in this account: SNS itself, EventBridge (rules -> SNS) and CloudWatch (alarms -> SNS)."
  type        = list(string)
  default     = ["sns.amazonaws.com", "events.amazonaws.com", "cloudwatch.amazonaws.com"]

  validation {
    condition     = alltrue([for p in var.service_principals : endswith(p, ".amazonaws.com")])
    error_message = "service_principals must be AWS service principals (*.amazonaws.com)."
  }
}

variable "deletion_window_in_days" {
  description = "Days KMS waits before deleting the key after it is scheduled for deletion."
  type        = number
  default     = 30

  validation {
    condition     = var.deletion_window_in_days >= 7 && var.deletion_window_in_days <= 30
    error_message = "deletion_window_in_days must be between 7 and 30."
  }
}

variable "tags" {
  description = "Tags for the key (the provider's default_tags are added)."
  type        = map(string)
  default     = {}
}
