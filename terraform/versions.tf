terraform {
  # 1.10: S3 backend native locking (use_lockfile).
  required_version = ">= 1.10"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 6.0"
    }
    archive = {
      source  = "hashicorp/archive"
      version = "~> 2.7"
    }
  }

  # Partial configuration: `glueflow plan --env <env>` passes -backend-config=build/<env>/backend.hcl
  # (bucket, key glueflow/<env>/terraform.tfstate, region, encrypt, use_lockfile = true).
  backend "s3" {}
}
