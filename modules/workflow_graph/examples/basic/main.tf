# Example: recipe 001's shape (parallel crawlers, fan-in, success and failure branches) through the graph module.
# Provider-free: `terraform init && terraform plan` works offline and shows the computed triggers.
terraform {
  required_version = ">= 1.10"
}

module "graph" {
  source = "../.."

  pipeline = {
    workflow_name = "glueflow-dev-sales"
    crawlers = {
      orders    = { name = "glueflow-dev-sales-orders" }
      customers = { name = "glueflow-dev-sales-customers" }
    }
    jobs = {
      join    = { name = "glueflow-dev-sales-join" }
      notify  = { name = "glueflow-dev-sales-notify-failure" }
      publish = { name = "glueflow-dev-sales-publish" }
    }
    triggers = {
      nightly = {
        name     = "glueflow-dev-sales-nightly"
        type     = "SCHEDULED"
        schedule = "cron(0 3 * * ? *)"
        actions  = [{ crawler_name = "glueflow-dev-sales-orders" }, { crawler_name = "glueflow-dev-sales-customers" }]
      }
      both_crawled = {
        name    = "glueflow-dev-sales-both-crawled"
        type    = "CONDITIONAL"
        logical = "AND"
        conditions = [
          { crawler_name = "glueflow-dev-sales-orders", state = "SUCCEEDED" },
          { crawler_name = "glueflow-dev-sales-customers", state = "SUCCEEDED" },
        ]
        actions = [{ job_name = "glueflow-dev-sales-join", arguments = { "--RUN_MODE" = "nightly" }, timeout_minutes = 60 }]
      }
      joined = {
        name       = "glueflow-dev-sales-joined"
        type       = "CONDITIONAL"
        conditions = [{ job_name = "glueflow-dev-sales-join", state = "SUCCEEDED" }]
        actions    = [{ job_name = "glueflow-dev-sales-publish" }]
      }
      join_failed = {
        name    = "glueflow-dev-sales-join-failed"
        type    = "CONDITIONAL"
        logical = "ANY"
        conditions = [
          { job_name = "glueflow-dev-sales-join", state = "FAILED" },
          { job_name = "glueflow-dev-sales-join", state = "TIMEOUT" },
        ]
        actions = [{ job_name = "glueflow-dev-sales-notify-failure" }]
      }
    }
  }
}

output "triggers" {
  description = "Trigger arguments as glue_workflow applies them."
  value       = module.graph.triggers
}

output "edges" {
  description = "Edges of the workflow graph."
  value       = module.graph.edges
}
