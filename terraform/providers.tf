provider "aws" {
  region = var.environment.region

  # A plan against the wrong account fails before it changes anything.
  allowed_account_ids = [var.environment.account_id]

  default_tags {
    tags = merge(var.environment.tags, {
      "glueflow:managed-by" = "terraform"
    })
  }
}
