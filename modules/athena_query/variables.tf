variable "workgroup_name" {
  description = "Name of the Athena workgroup (glueflow uses <name_prefix>-<env>-query)."
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z0-9._-]{1,128}$", var.workgroup_name))
    error_message = "workgroup_name may use letters, digits, '.', '_' and '-' (at most 128)."
  }
}

variable "account_id" {
  description = "AWS account of the deployment: the expected owner of the results bucket and of the catalog."
  type        = string

  validation {
    condition     = can(regex("^[0-9]{12}$", var.account_id))
    error_message = "account_id must be 12 digits."
  }
}

variable "region" {
  description = "Region of the deployment's catalog and buckets."
  type        = string
}

variable "results_bucket" {
  description = "Bucket Athena writes query results to (the deployment's temp bucket)."
  type        = string
}

variable "results_prefix" {
  description = "Folder of the results bucket for query results; ends with '/'."
  type        = string
  default     = "athena-results/"

  validation {
    condition     = can(regex("^[A-Za-z0-9_./-]+/$", var.results_prefix))
    error_message = "results_prefix must be a folder ending with '/'."
  }
}

variable "kms_key_arn" {
  description = "Customer-managed key encrypting the data buckets and the query results."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:kms:", var.kms_key_arn))
    error_message = "kms_key_arn must be a KMS key ARN."
  }
}

variable "database_names" {
  description = "Glue Data Catalog databases queries may read (one per pipeline)."
  type        = list(string)
}

variable "data_bucket_names" {
  description = "Buckets holding the tables' data, readable by queries (raw and processed)."
  type        = list(string)
}

variable "bytes_scanned_cutoff_per_query" {
  description = "Athena cancels a query that scans more bytes than this (at least 10 MB); the default is 10 GiB."
  type        = number
  default     = 10737418240

  validation {
    condition     = var.bytes_scanned_cutoff_per_query >= 10485760
    error_message = "Athena's minimum cutoff is 10485760 bytes (10 MB)."
  }
}

variable "force_destroy" {
  description = "Let `terraform destroy` delete the workgroup with its saved queries and history."
  type        = bool
  default     = false
}

variable "tags" {
  description = "Tags for the workgroup and the policy."
  type        = map(string)
  default     = {}
}
