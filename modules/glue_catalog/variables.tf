variable "databases" {
  description = "Glue Data Catalog databases keyed by logical name (one per pipeline): physical name and description."
  type = map(object({
    name        = string
    description = optional(string, "")
  }))

  validation {
    condition     = alltrue([for d in values(var.databases) : can(regex("^[a-z0-9_]{1,255}$", d.name))])
    error_message = "Database names must be lowercase letters, digits and underscores (Glue lower-cases names anyway)."
  }
}

variable "kms_key_arn" {
  description = "Customer-managed key that encrypts catalog metadata and connection passwords."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:kms:", var.kms_key_arn))
    error_message = "kms_key_arn must be a KMS key ARN."
  }
}

variable "manage_encryption_settings" {
  description = "Manage the Data Catalog encryption settings. They are account-and-region wide: set false if another stack in this account owns them."
  type        = bool
  default     = true
}

variable "tags" {
  description = "Tags for the databases (the provider's default_tags are added)."
  type        = map(string)
  default     = {}
}
