terraform {
  required_version = ">= 1.10"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 6.0"
    }
  }

  # Local state (the bucket it creates cannot hold its own state): `glueflow bootstrap` passes
  # -backend-config=path=terraform/bootstrap/state/<env>.tfstate, outside build/ so `make clean` keeps it.
  backend "local" {}
}
