# `glueflow bootstrap --env <env>` writes these to build/<env>/bootstrap.tfvars.json from envs/<env>.yaml.

variable "state_bucket" {
  description = "Name of the S3 bucket that will hold the env's Terraform state (envs/<env>.yaml state_bucket)."
  type        = string

  validation {
    condition     = can(regex("^[a-z0-9][a-z0-9.-]{1,56}[a-z0-9]$", var.state_bucket))
    error_message = "state_bucket must be 3-58 lowercase letters, digits, '.' or '-' (its log bucket appends -logs)."
  }
}

variable "account_id" {
  description = "AWS account the state bucket belongs to; the provider refuses any other."
  type        = string

  validation {
    condition     = can(regex("^[0-9]{12}$", var.account_id))
    error_message = "account_id must be 12 digits."
  }
}

variable "region" {
  description = "Region of the state bucket (the backend.hcl region)."
  type        = string

  validation {
    condition     = can(regex("^[a-z]{2}(-[a-z]+)+-[0-9]$", var.region))
    error_message = "region must look like eu-west-1."
  }
}

variable "name_prefix" {
  description = "glueflow name prefix (envs/<env>.yaml name_prefix); names the state key's alias."
  type        = string
}

variable "env_name" {
  description = "Environment name (dev, staging, prod); names the state key's alias."
  type        = string
}

variable "tags" {
  description = "Tags for every resource (the env's tags)."
  type        = map(string)
  default     = {}
}
