variable "name" {
  description = "Name of the Glue security configuration (Glue also names encrypted log groups after it)."
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z0-9_-]{1,255}$", var.name))
    error_message = "name may use letters, digits, '_' and '-' (at most 255)."
  }
}

variable "kms_key_arn" {
  description = "Customer-managed key for S3 data, CloudWatch logs and job bookmarks written by Glue."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:kms:", var.kms_key_arn))
    error_message = "kms_key_arn must be a KMS key ARN."
  }
}
