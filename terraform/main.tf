# Composes the modules from the rendered variables (build/<env>/terraform.tfvars.json). Resource names come from
# the tfvars; the few derived here (role, key alias, security configuration, DLQs) use the same <prefix>-<env> stem.

locals {
  env       = var.environment
  stem      = "${local.env.name_prefix}-${local.env.name}"
  repo_root = "${path.module}/.."
  tags      = { "glueflow:deployment" = local.stem }

  # Non-prod envs let `glueflow destroy` empty the buckets; prod keeps its data unless someone changes this.
  is_prod = local.env.name == "prod"

  starters = {
    for key, p in var.pipelines : key => {
      function_name      = p.upload_starter.function_name
      role_name          = p.upload_starter.function_name
      dlq_name           = "${p.upload_starter.function_name}-dlq"
      workflow_name      = p.workflow_name
      bucket_name        = p.upload_starter.bucket_name
      prefix             = p.upload_starter.prefix
      suffix             = p.upload_starter.suffix
      idempotency_bucket = local.env.buckets.temp
      idempotency_prefix = "lambda-idempotency/${key}/"
    } if p.upload_starter != null
  }

  jobs = merge([
    for pipeline_key, p in var.pipelines : { for job_key, job in p.jobs : "${pipeline_key}/${job_key}" => job }
  ]...)
}

data "aws_partition" "current" {}

module "glue_iam" {
  source = "../modules/glue_iam"

  glue_role_name              = "${local.stem}-glue"
  account_id                  = local.env.account_id
  region                      = local.env.region
  kms_key_arn                 = module.kms.key_arn
  buckets                     = local.env.buckets
  database_names              = [for p in values(var.pipelines) : p.database_name]
  workflow_names              = [for p in values(var.pipelines) : p.workflow_name]
  security_configuration_name = local.stem
  connections = {
    for key, c in local.env.connections : key => {
      name               = c.name
      secret_arn         = c.secret_arn
      secret_kms_key_arn = c.secret_kms_key_arn
      subnet_id          = c.subnet_id
      security_group_ids = c.security_group_ids
    }
  }
  lambda_roles = {
    for key, s in local.starters : key => {
      role_name          = s.role_name
      function_name      = s.function_name
      workflow_name      = s.workflow_name
      dlq_name           = s.dlq_name
      idempotency_bucket = s.idempotency_bucket
      idempotency_prefix = s.idempotency_prefix
    }
  }
  tags = local.tags
}

module "kms" {
  source = "../modules/kms"

  alias_name  = local.stem
  description = "glueflow ${local.env.name}: data lake, Glue logs and bookmarks, catalog, Lambda, SNS and SQS"
  account_id  = local.env.account_id
  region      = local.env.region
  key_users   = concat([module.glue_iam.glue_role_arn], values(module.glue_iam.lambda_role_arns))
  log_group_arn_patterns = [
    "arn:${data.aws_partition.current.partition}:logs:${local.env.region}:${local.env.account_id}:log-group:/aws-glue/*",
    "arn:${data.aws_partition.current.partition}:logs:${local.env.region}:${local.env.account_id}:log-group:/aws/lambda/${local.stem}-*",
  ]
  tags = local.tags
}

module "data_lake" {
  source = "../modules/data_lake"

  buckets              = local.env.buckets
  account_id           = local.env.account_id
  kms_key_arn          = module.kms.key_arn
  force_destroy        = !local.is_prod
  lambda_notifications = [for s in module.lambda_starter : s.s3_notification]
  # Sample data makes a fresh dev/staging deployment runnable at once; prod gets only real data.
  seed_objects = local.is_prod ? [] : flatten([
    for p in values(var.pipelines) : [
      for sample in p.sample_data : {
        bucket_name = sample.bucket_name
        key         = sample.key
        source      = "${local.repo_root}/${sample.file}"
      }
    ]
  ])
  tags = local.tags
}

module "glue_security" {
  source = "../modules/glue_security"

  name        = local.stem
  kms_key_arn = module.kms.key_arn
}

module "glue_catalog" {
  source = "../modules/glue_catalog"

  databases = {
    for key, p in var.pipelines : key => {
      name        = p.database_name
      description = "glueflow pipeline ${key}: ${p.description}"
    }
  }
  kms_key_arn = module.kms.key_arn
  tags        = local.tags
}

module "athena_query" {
  source = "../modules/athena_query"

  workgroup_name    = "${local.stem}-query"
  account_id        = local.env.account_id
  region            = local.env.region
  results_bucket    = module.data_lake.bucket_names["temp"]
  kms_key_arn       = module.kms.key_arn
  database_names    = [for p in values(var.pipelines) : p.database_name]
  data_bucket_names = [module.data_lake.bucket_names["raw"], module.data_lake.bucket_names["processed"]]
  force_destroy     = !local.is_prod
  tags              = local.tags
}

module "glue_connection" {
  source = "../modules/glue_connection"

  connections = local.env.connections
  tags        = local.tags
}

module "glue_crawler" {
  source   = "../modules/glue_crawler"
  for_each = var.pipelines

  crawlers               = each.value.crawlers
  classifiers            = each.value.classifiers
  role_arn               = module.glue_iam.glue_execution_role_arn
  security_configuration = module.glue_security.name
  tags                   = merge(local.tags, { "glueflow:pipeline" = each.key })

  depends_on = [module.glue_catalog]
}

module "glue_job" {
  source = "../modules/glue_job"

  jobs           = local.jobs
  source_root    = local.repo_root
  scripts_bucket = module.data_lake.bucket_names["scripts"]
  job_library = {
    source = "${local.repo_root}/build/${local.env.name}/glue_jobs/glueflow_lib.zip"
    s3_key = local.env.job_library_s3_key
  }
  role_arn               = module.glue_iam.glue_execution_role_arn
  security_configuration = module.glue_security.name
  kms_key_arn            = module.kms.key_arn
  tags                   = local.tags

  # Jobs attach connections by name, which must exist first.
  depends_on = [module.glue_connection]
}

module "glue_workflow" {
  source   = "../modules/glue_workflow"
  for_each = var.pipelines

  pipeline   = each.value
  account_id = local.env.account_id
  tags       = merge(local.tags, { "glueflow:pipeline" = each.key })

  # Triggers name jobs and crawlers, which must exist first.
  depends_on = [module.glue_job, module.glue_crawler]
}

module "lambda_starter" {
  source   = "../modules/lambda_starter"
  for_each = local.starters

  function_name = each.value.function_name
  source_dir    = "${local.repo_root}/lambda/start_workflow"
  package_path  = "${local.repo_root}/build/${local.env.name}/lambda/${each.value.function_name}.zip"
  role_arn      = module.glue_iam.lambda_execution_role_arns[each.key]
  workflow_name = each.value.workflow_name
  bucket_name   = each.value.bucket_name
  account_id    = local.env.account_id
  key_filter = {
    prefix = each.value.prefix
    suffix = each.value.suffix
  }
  idempotency = {
    bucket = each.value.idempotency_bucket
    prefix = each.value.idempotency_prefix
  }
  dlq_name           = each.value.dlq_name
  kms_key_arn        = module.kms.key_arn
  log_retention_days = local.env.log_retention_days
  tags               = merge(local.tags, { "glueflow:pipeline" = each.key })
}

module "monitoring" {
  source = "../modules/monitoring"

  name         = local.stem
  account_id   = local.env.account_id
  region       = local.env.region
  kms_key_arn  = module.kms.key_arn
  alarm_emails = local.env.alarm_emails
  watched = {
    job_names      = [for job in values(local.jobs) : job.name]
    crawler_names  = flatten([for p in values(var.pipelines) : [for c in values(p.crawlers) : c.name]])
    workflow_names = [for p in values(var.pipelines) : p.workflow_name]
  }
  lambda_functions = {
    for key, s in local.starters : key => {
      function_name = s.function_name
      dlq_name      = s.dlq_name
    }
  }
  event_rule_names = flatten([for w in module.glue_workflow : w.event_rule_names])
  tags             = local.tags
}
