# Provider-free configuration: pytest-terraform can init, apply and destroy it offline with the bundled Terraform.
terraform {
  required_version = ">= 1.10"
}

variable "pipeline" {
  description = "Pipeline name the smoke resource is tagged with."
  type        = string
  default     = "customer_purchases"
}

resource "terraform_data" "smoke" {
  input = {
    pipeline = var.pipeline
    workflow = "glueflow-sandbox-${replace(var.pipeline, "_", "-")}"
  }
}

output "workflow_name" {
  description = "The workflow name derived from the pipeline name."
  value       = terraform_data.smoke.output.workflow
}
