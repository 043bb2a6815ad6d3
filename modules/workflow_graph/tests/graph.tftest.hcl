# Recipe 000 (schedule -> source crawler -> mapping job -> target crawler), as glueflow renders it for dev.
variables {
  pipeline = {
    workflow_name = "glueflow-dev-customer-purchases"
    crawlers = {
      source = { name = "glueflow-dev-customer-purchases-source" }
      target = { name = "glueflow-dev-customer-purchases-target" }
    }
    jobs = {
      map_purchases = { name = "glueflow-dev-customer-purchases-map-purchases" }
    }
    triggers = {
      daily = {
        name     = "glueflow-dev-customer-purchases-daily"
        type     = "SCHEDULED"
        schedule = "cron(0 2 * * ? *)"
        enabled  = false
        actions  = [{ crawler_name = "glueflow-dev-customer-purchases-source" }]
      }
      source_crawled = {
        name       = "glueflow-dev-customer-purchases-source-crawled"
        type       = "CONDITIONAL"
        logical    = "AND"
        conditions = [{ crawler_name = "glueflow-dev-customer-purchases-source", state = "SUCCEEDED" }]
        actions    = [{ job_name = "glueflow-dev-customer-purchases-map-purchases", arguments = { "--RUN_MODE" = "full" }, timeout_minutes = 30 }]
      }
      purchases_mapped = {
        name       = "glueflow-dev-customer-purchases-purchases-mapped"
        type       = "CONDITIONAL"
        conditions = [{ job_name = "glueflow-dev-customer-purchases-map-purchases", state = "SUCCEEDED" }]
        actions    = [{ crawler_name = "glueflow-dev-customer-purchases-target" }]
      }
    }
  }
}

run "recipe_000_chain_becomes_three_triggers" {
  command = plan

  assert {
    condition     = output.start_trigger.key == "daily" && output.start_trigger.type == "SCHEDULED"
    error_message = "the schedule trigger must be the workflow's start trigger"
  }
  assert {
    condition     = output.triggers.daily.schedule == "cron(0 2 * * ? *)" && output.triggers.daily.predicate == null
    error_message = "the schedule trigger keeps its cron and has no predicate"
  }
  assert {
    condition     = output.triggers.source_crawled.predicate.conditions[0].crawl_state == "SUCCEEDED" && output.triggers.source_crawled.predicate.conditions[0].state == null
    error_message = "a crawler condition must use crawl_state, not state"
  }
  assert {
    condition     = output.triggers.purchases_mapped.predicate.conditions[0].state == "SUCCEEDED" && output.triggers.purchases_mapped.predicate.conditions[0].crawl_state == null
    error_message = "a job condition must use state, not crawl_state"
  }
  assert {
    condition     = alltrue([for t in values(output.triggers) : t.predicate == null || t.predicate.conditions[0].logical_operator == "EQUALS"])
    error_message = "every condition uses LogicalOperator EQUALS"
  }
  assert {
    condition     = output.triggers.source_crawled.actions[0].arguments["--RUN_MODE"] == "full" && output.triggers.source_crawled.actions[0].timeout == 30
    error_message = "job actions keep their argument overrides and timeout"
  }
  assert {
    condition     = length(output.edges) == 5
    error_message = "recipe 000 has 5 edges: trigger->crawler, crawler->trigger, trigger->job, job->trigger, trigger->crawler"
  }
  assert {
    condition = contains(output.edges, {
      source      = "job/glueflow-dev-customer-purchases-map-purchases"
      destination = "trigger/glueflow-dev-customer-purchases-purchases-mapped"
    })
    error_message = "the job must feed the purchases_mapped trigger"
  }
  assert {
    condition     = output.job_names == tolist(["glueflow-dev-customer-purchases-map-purchases"]) && length(output.crawler_names) == 2
    error_message = "job and crawler names are listed for monitoring"
  }
  assert {
    condition     = length(output.event_rules) == 0
    error_message = "a pipeline without EVENT triggers needs no EventBridge rule"
  }
}

run "single_condition_gets_explicit_and" {
  command = plan

  assert {
    condition     = output.triggers.purchases_mapped.predicate.logical == "AND"
    error_message = "logical must be set explicitly even for one condition"
  }
}

run "disabled_schedule_is_neither_enabled_nor_started_on_creation" {
  command = plan

  assert {
    condition     = output.triggers.daily.enabled == false && output.triggers.daily.start_on_creation == false
    error_message = "schedules_enabled=false must leave the scheduled trigger deactivated"
  }
  assert {
    condition     = output.triggers.source_crawled.enabled && output.triggers.source_crawled.start_on_creation
    error_message = "conditional triggers are activated on creation"
  }
}

run "on_demand_start_trigger_never_starts_a_run_on_creation" {
  command = plan

  variables {
    pipeline = {
      workflow_name = "wf"
      jobs          = { load = { name = "wf-load" } }
      triggers = {
        start = {
          name    = "wf-start"
          type    = "ON_DEMAND"
          enabled = true
          actions = [{ job_name = "wf-load" }]
        }
      }
    }
  }

  assert {
    condition     = output.triggers.start.enabled == false && output.triggers.start.start_on_creation == false
    error_message = "an ON_DEMAND trigger must never be enabled (StartTrigger) or started on creation"
  }
}

run "any_predicate_fans_in_two_crawlers" {
  command = plan

  variables {
    pipeline = {
      workflow_name = "wf"
      crawlers = {
        a = { name = "wf-a" }
        b = { name = "wf-b" }
      }
      jobs = { join = { name = "wf-join" } }
      triggers = {
        start = {
          name    = "wf-start"
          type    = "ON_DEMAND"
          actions = [{ crawler_name = "wf-a" }, { crawler_name = "wf-b" }]
        }
        either = {
          name    = "wf-either"
          type    = "CONDITIONAL"
          logical = "ANY"
          conditions = [
            { crawler_name = "wf-a", state = "SUCCEEDED" },
            { crawler_name = "wf-b", state = "FAILED" },
          ]
          actions = [{ job_name = "wf-join" }]
        }
      }
    }
  }

  assert {
    condition     = output.triggers.either.predicate.logical == "ANY" && length(output.triggers.either.predicate.conditions) == 2
    error_message = "an ANY predicate keeps ANY and both conditions"
  }
  assert {
    condition     = output.triggers.either.predicate.conditions[1].crawl_state == "FAILED"
    error_message = "a failure branch watches the FAILED crawl state"
  }
}

run "event_trigger_gets_batching_defaults_and_an_s3_rule" {
  command = plan

  variables {
    pipeline = {
      workflow_name = "glueflow-dev-sales"
      jobs          = { aggregate = { name = "glueflow-dev-sales-aggregate" } }
      triggers = {
        on_upload = {
          name         = "glueflow-dev-sales-on-upload"
          type         = "EVENT"
          actions      = [{ job_name = "glueflow-dev-sales-aggregate" }]
          event_source = { bucket_name = "glueflow-dev-raw-111111111111", prefix = "sales/", suffix = ".csv" }
        }
      }
    }
  }

  assert {
    condition     = output.triggers.on_upload.event_batching_condition.batch_size == 1 && output.triggers.on_upload.event_batching_condition.batch_window == 900
    error_message = "EVENT triggers default to batch size 1 and window 900 s"
  }
  assert {
    condition     = output.triggers.on_upload.start_on_creation == false && output.triggers.on_upload.enabled
    error_message = "EVENT triggers are enabled but Glue does not accept StartOnCreation for them"
  }
  assert {
    condition     = output.event_rules.on_upload.name == "glueflow-dev-sales-on-upload-s3"
    error_message = "the rule is named after the trigger"
  }
  assert {
    condition = jsondecode(output.event_rules.on_upload.event_pattern) == {
      source        = ["aws.s3"]
      "detail-type" = ["Object Created"]
      detail = {
        bucket = { name = ["glueflow-dev-raw-111111111111"] }
        object = { key = [{ wildcard = "sales/*.csv" }] }
      }
    }
    error_message = "prefix and suffix together become one wildcard key filter"
  }
}

run "event_rule_with_prefix_only_uses_prefix_matching" {
  command = plan

  variables {
    pipeline = {
      workflow_name = "wf"
      jobs          = { load = { name = "wf-load" } }
      triggers = {
        on_upload = {
          name                 = "wf-on-upload"
          type                 = "EVENT"
          batch_size           = 10
          batch_window_seconds = 60
          actions              = [{ job_name = "wf-load" }]
          event_source         = { bucket_name = "raw-bucket", prefix = "in/" }
        }
      }
    }
  }

  assert {
    condition     = jsondecode(output.event_rules.on_upload.event_pattern).detail.object.key == [{ prefix = "in/" }]
    error_message = "a prefix alone is matched with EventBridge prefix matching"
  }
  assert {
    condition     = output.triggers.on_upload.event_batching_condition == { batch_size = 10, batch_window = 60 }
    error_message = "explicit batching is passed through"
  }
}

run "long_names_are_shortened_to_aws_limits" {
  command = plan

  variables {
    pipeline = {
      workflow_name = "glueflow-staging-a-very-long-pipeline-name-that-goes-on-and-on"
      jobs          = { load = { name = "load" } }
      triggers = {
        on_upload = {
          name         = "glueflow-staging-a-very-long-pipeline-name-that-goes-on-and-on-on-upload"
          type         = "EVENT"
          actions      = [{ job_name = "load" }]
          event_source = { bucket_name = "raw" }
        }
      }
    }
  }

  assert {
    condition     = length(output.event_rules.on_upload.name) <= 64 && length(output.events_role_name) <= 64
    error_message = "rule and role names must fit in 64 characters"
  }
  assert {
    condition     = output.event_rules.on_upload.name != output.events_role_name
    error_message = "shortened names stay distinct"
  }
  assert {
    condition     = !can(jsondecode(output.event_rules.on_upload.event_pattern).detail.object)
    error_message = "no key filter when neither prefix nor suffix is set"
  }
}

run "rejects_unknown_job_in_condition" {
  command = plan

  variables {
    pipeline = {
      workflow_name = "wf"
      jobs          = { load = { name = "wf-load" } }
      triggers = {
        start = { name = "wf-start", type = "ON_DEMAND", actions = [{ job_name = "wf-load" }] }
        after = {
          name       = "wf-after"
          type       = "CONDITIONAL"
          conditions = [{ job_name = "wf-transfrom", state = "SUCCEEDED" }]
          actions    = [{ job_name = "wf-load" }]
        }
      }
    }
  }

  expect_failures = [var.pipeline]
}

run "rejects_two_start_triggers" {
  command = plan

  variables {
    pipeline = {
      workflow_name = "wf"
      jobs          = { load = { name = "wf-load" } }
      triggers = {
        a = { name = "wf-a", type = "ON_DEMAND", actions = [{ job_name = "wf-load" }] }
        b = { name = "wf-b", type = "SCHEDULED", schedule = "cron(0 1 * * ? *)", actions = [{ job_name = "wf-load" }] }
      }
    }
  }

  expect_failures = [var.pipeline]
}

run "rejects_job_in_its_own_predicate_and_actions" {
  command = plan

  variables {
    pipeline = {
      workflow_name = "wf"
      jobs          = { load = { name = "wf-load" } }
      triggers = {
        start = { name = "wf-start", type = "ON_DEMAND", actions = [{ job_name = "wf-load" }] }
        loop = {
          name       = "wf-loop"
          type       = "CONDITIONAL"
          conditions = [{ job_name = "wf-load", state = "FAILED" }]
          actions    = [{ job_name = "wf-load" }]
        }
      }
    }
  }

  expect_failures = [var.pipeline]
}

run "rejects_three_crawler_actions_in_one_trigger" {
  command = plan

  variables {
    pipeline = {
      workflow_name = "wf"
      crawlers = {
        a = { name = "wf-a" }
        b = { name = "wf-b" }
        c = { name = "wf-c" }
      }
      triggers = {
        start = {
          name    = "wf-start"
          type    = "ON_DEMAND"
          actions = [{ crawler_name = "wf-a" }, { crawler_name = "wf-b" }, { crawler_name = "wf-c" }]
        }
      }
    }
  }

  expect_failures = [var.pipeline]
}

run "rejects_several_conditions_without_logical" {
  command = plan

  variables {
    pipeline = {
      workflow_name = "wf"
      crawlers = {
        a = { name = "wf-a" }
        b = { name = "wf-b" }
      }
      jobs = { join = { name = "wf-join" } }
      triggers = {
        start = { name = "wf-start", type = "ON_DEMAND", actions = [{ crawler_name = "wf-a" }, { crawler_name = "wf-b" }] }
        both = {
          name = "wf-both"
          type = "CONDITIONAL"
          conditions = [
            { crawler_name = "wf-a", state = "SUCCEEDED" },
            { crawler_name = "wf-b", state = "SUCCEEDED" },
          ]
          actions = [{ job_name = "wf-join" }]
        }
      }
    }
  }

  expect_failures = [var.pipeline]
}

run "rejects_rate_schedule" {
  command = plan

  variables {
    pipeline = {
      workflow_name = "wf"
      jobs          = { load = { name = "wf-load" } }
      triggers = {
        start = { name = "wf-start", type = "SCHEDULED", schedule = "rate(1 day)", actions = [{ job_name = "wf-load" }] }
      }
    }
  }

  expect_failures = [var.pipeline]
}

run "rejects_job_state_on_a_crawler" {
  command = plan

  variables {
    pipeline = {
      workflow_name = "wf"
      crawlers      = { a = { name = "wf-a" } }
      jobs          = { load = { name = "wf-load" } }
      triggers = {
        start = { name = "wf-start", type = "ON_DEMAND", actions = [{ crawler_name = "wf-a" }] }
        after = {
          name       = "wf-after"
          type       = "CONDITIONAL"
          conditions = [{ crawler_name = "wf-a", state = "TIMEOUT" }]
          actions    = [{ job_name = "wf-load" }]
        }
      }
    }
  }

  expect_failures = [var.pipeline]
}
