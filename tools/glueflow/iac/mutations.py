"""Realistic mistakes in this repo, each applied to a copy of it and checked the way `make validate` checks.

Each mutation is an exact text edit of one file (the old text must occur once, so a change to the repo that moves
it fails loudly instead of testing nothing), the checks allowed to catch it, and the file the finding must name
(with a line). The runner keeps one offline Terraform session for the whole copy (one set of stand-in providers
and Terraform workers), so a mutation costs its plan, not a cold start. Used by tests/iac/test_mutations.py and by
`make validate-bench` (catch rate by kind).
"""

from __future__ import annotations

import shutil
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from glueflow.errors import SpecError
from glueflow.iac.findings import Finding
from glueflow.iac.fmt import check_format
from glueflow.iac.hcl import parse_file, tf_files
from glueflow.iac.offline_run import ConfigTarget, OfflineSession, PlanTarget
from glueflow.iac.plan_vs_runtime import compare
from glueflow.iac.schema import load_schema
from glueflow.iac.schema_check import check_files

COPIED = ("terraform", "modules", "pipelines", "envs", "glue_jobs", "lambda", "sample_data")
KINDS = ("hcl", "policy", "spec", "env")


@dataclass(frozen=True)
class Mutation:
    name: str
    kind: str  # hcl | policy | spec | env
    file: str
    old: str
    new: str
    caught_by: frozenset[str]  # checks allowed to catch it: spec, fmt, syntax, schema, terraform, plan-vs-runtime
    reported_in: str = ""  # the file the finding names, when not `file` (e.g. the module call of a module variable)
    env: str = "dev"


def _m(name: str, kind: str, file: str, old: str, new: str, *checks: str, reported_in: str = "", env: str = "dev"):
    return Mutation(name, kind, file, old, new, frozenset(checks), reported_in, env)


JOB = "modules/glue_job/main.tf"
JOB_VARS = "modules/glue_job/variables.tf"
GRAPH = "modules/workflow_graph/main.tf"
WORKFLOW = "modules/glue_workflow/main.tf"
CRAWLER = "modules/glue_crawler/main.tf"
IAM = "modules/glue_iam/main.tf"
ROOT = "terraform/main.tf"
ROOT_VARS = "terraform/variables.tf"
RETAIL = "pipelines/retail_nightly.yaml"

MUTATIONS: tuple[Mutation, ...] = (
    # --- HCL: what terraform validate / plan report -------------------------------------------------------------
    _m("string_for_number", "hcl", JOB, "  timeout                = each.value.timeout_minutes\n",
       '  timeout                = "${each.value.timeout_minutes}m"\n', "terraform"),
    _m("undeclared_variable", "hcl", ROOT, "    for pipeline_key, p in var.pipelines : {",
       "    for pipeline_key, p in var.pipeline : {", "terraform"),
    _m("for_each_over_list", "hcl", CRAWLER, 'resource "aws_glue_crawler" "this" {\n  for_each = var.crawlers',
       'resource "aws_glue_crawler" "this" {\n  for_each = values(var.crawlers)', "terraform"),
    _m("unknown_module_argument", "hcl", ROOT, '  name        = local.stem\n  kms_key_arn = module.kms.key_arn\n}',
       '  name        = local.stem\n  kms_key_arn = module.kms.key_arn\n  kms_key_id  = module.kms.key_arn\n}',
       "terraform"),
    _m("missing_module_argument", "hcl", ROOT, '  name        = local.stem\n  kms_key_arn = module.kms.key_arn\n}',
       "  kms_key_arn = module.kms.key_arn\n}", "terraform"),
    _m("wrong_enum_literal", "hcl", GRAPH, '            logical_operator = "EQUALS"',
       '            logical_operator = "EQUAL"', "terraform", reported_in=WORKFLOW),
    _m("typo_in_each_value", "hcl", JOB, "  glue_version           = each.value.glue_version",
       "  glue_version           = each.value.glue_verison", "terraform"),
    _m("typo_in_for_expression", "hcl", GRAPH, "          for c in t.conditions : {",
       "          for c in t.condition : {", "terraform"),
    _m("validation_that_never_passes", "hcl", JOB_VARS,
       'contains(["3.0", "4.0", "5.0"], j.glue_version)])',
       'contains(["3.0", "4.0", "5.0"], j.glue_version) && j.glue_version == "2.0"])', "terraform",
       reported_in=ROOT),
    _m("tfvars_type_mismatch", "hcl", ROOT_VARS, "      glue_version              = string",
       "      glue_version              = number", "terraform", "plan-vs-runtime", reported_in=ROOT),
    _m("tfvars_attribute_renamed", "hcl", ROOT_VARS, "      worker_type               = optional(string)",
       "      worker_kind               = optional(string)", "terraform", "plan-vs-runtime", reported_in=ROOT),
    _m("unknown_resource_type", "hcl", WORKFLOW, 'resource "aws_glue_trigger" "this" {',
       'resource "aws_glue_triggers" "this" {', "terraform", "schema"),
    _m("misspelled_argument", "hcl", CRAWLER, "  table_prefix           = each.value.table_prefix",
       "  table_prefx            = each.value.table_prefix", "terraform", "schema"),
    _m("read_only_attribute_set", "hcl", WORKFLOW, "  default_run_properties = var.pipeline.default_run_properties\n",
       '  default_run_properties = var.pipeline.default_run_properties\n  arn                    = "arn:aws:glue:x"\n',
       "terraform"),
    _m("block_written_as_argument", "hcl", JOB, "  execution_property {", "  execution_property = {",
       "terraform", "schema"),
    _m("undeclared_resource_reference", "hcl", JOB, 'script_location = "s3://${aws_s3_object.script[each.key].bucket}',
       'script_location = "s3://${aws_s3_object.scripts[each.key].bucket}', "terraform", "schema"),
    _m("worker_type_enum", "hcl", JOB, '? each.value.worker_type : null', '? "G.1x" : null', "terraform"),
    _m("python_shell_with_workers", "hcl", JOB,
       '  worker_type       = each.value.type == "glueetl" ? each.value.worker_type : null',
       '  worker_type       = coalesce(each.value.worker_type, "G.1X")', "terraform"),
    _m("deprecated_lambda_runtime", "hcl", "modules/lambda_starter/main.tf",
       '  runtime                        = "python3.12"',
       '  runtime                        = "python3.8"', "terraform"),
    _m("crawler_delete_behavior_enum", "hcl", CRAWLER, "    delete_behavior = each.value.delete_behavior",
       '    delete_behavior = "DELETE"', "terraform"),
    _m("trigger_type_lowercase", "hcl", GRAPH, "      type          = t.type\n",
       "      type          = lower(t.type)\n", "terraform", "plan-vs-runtime", reported_in=WORKFLOW),
    _m("not_formatted", "hcl", JOB, "  name                   = each.value.name\n  description",
       "  name = each.value.name\n  description", "fmt"),
    _m("syntax_error", "hcl", CRAWLER, "    recrawl_behavior = each.value.recrawl_behavior",
       "    recrawl_behavior = each.value.recrawl_behavior +", "syntax", "terraform"),
    _m("bootstrap_string_for_number", "hcl", "terraform/bootstrap/main.tf", "      noncurrent_days = 90",
       '      noncurrent_days = "ninety"', "terraform"),
    # --- HCL that plans fine but deploys a different workflow than the runtime runs -------------------------------
    _m("predicate_condition_dropped", "hcl", WORKFLOW, "          crawl_state      = conditions.value.crawl_state\n",
       "", "plan-vs-runtime"),
    _m("action_arguments_dropped", "hcl", WORKFLOW,
       "      arguments    = length(actions.value.arguments) > 0 ? actions.value.arguments : null",
       "      arguments    = null", "plan-vs-runtime"),
    _m("trigger_always_enabled", "hcl", GRAPH, '      enabled = t.type == "ON_DEMAND" ? false : t.enabled',
       '      enabled = t.type == "ON_DEMAND" ? false : true', "plan-vs-runtime", reported_in=WORKFLOW),
    _m("condition_state_hardcoded", "hcl", GRAPH, "            state            = c.job_name != null ? c.state : null",
       '            state            = c.job_name != null ? "SUCCEEDED" : null', "plan-vs-runtime",
       reported_in=WORKFLOW),
    _m("glue_version_pinned", "hcl", JOB, "  glue_version           = each.value.glue_version",
       '  glue_version           = "4.0"', "plan-vs-runtime", "terraform"),
    _m("default_arguments_dropped", "hcl", JOB, "  default_arguments         = each.value.default_arguments",
       "  default_arguments         = {}", "plan-vs-runtime"),
    # --- policies: IAM policy documents the provider validates -------------------------------------------------
    _m("iam_effect_typo", "policy", IAM,
       '    actions = ["sts:AssumeRole"]\n\n    principals {\n      type        = "Service"\n'
       '      identifiers = ["glue.',
       '    actions = ["sts:AssumeRole"]\n    effect  = "Alow"\n\n    principals {\n      type        = "Service"\n'
       '      identifiers = ["glue.', "terraform"),
    _m("iam_principal_without_identifiers", "policy", IAM,
       '      type        = "Service"\n      identifiers = ["glue.amazonaws.com"]\n', '      type        = "Service"\n',
       "terraform"),
    _m("iam_condition_without_variable", "policy", IAM,
       '      variable = "aws:SourceAccount"\n      values   = [var.account_id]\n    }\n  }\n}\n\n'
       'resource "aws_iam_role" "glue"',
       '      values   = [var.account_id]\n    }\n  }\n}\n\nresource "aws_iam_role" "glue"', "terraform"),
    _m("iam_action_singular", "policy", IAM,
       '    actions   = ["s3:ListBucket", "s3:GetBucketLocation", "s3:ListBucketMultipartUploads"]',
       '    action    = ["s3:ListBucket", "s3:GetBucketLocation", "s3:ListBucketMultipartUploads"]',
       "terraform", "schema"),
    _m("iam_resources_as_string", "policy", IAM, '    resources = [for b in local.readable : "${local.s3}${b}"]',
       '    resources = { for b in local.readable : b => "${local.s3}${b}" }', "terraform"),
    # --- pipeline specs ------------------------------------------------------------------------------------------
    _m("spec_unknown_job_in_condition", "spec", RETAIL, "        - job: aggregate_sales\n          state: SUCCEEDED",
       "        - job: aggregate_sale\n          state: SUCCEEDED", "spec"),
    _m("spec_any_to_all_exclusive_branches", "spec", RETAIL,
       "    description: Refresh the dashboard after either branch (ANY).\n    when:\n      any:",
       "    description: Refresh the dashboard after either branch (ANY).\n    when:\n      all:", "spec"),
    _m("spec_bad_cron", "spec", RETAIL, "    schedule: cron(0 22 * * ? *)", "    schedule: cron(0 25 * * ? *)", "spec"),
    _m("spec_raw_bookmark_argument", "spec", RETAIL, "      --FAILED_JOB: unknown\n",
       "      --FAILED_JOB: unknown\n      --job-bookmark-option: job-bookmark-disable\n", "spec"),
    _m("spec_unwatchable_state", "spec", RETAIL, "        - job: clean_sales\n          state: TIMEOUT",
       "        - job: clean_sales\n          state: RUNNING", "spec"),
    _m("spec_glue_version_for_pythonshell", "spec", RETAIL,
       '    type: pythonshell\n    glue_version: "3.0"\n    max_capacity: 0.0625\n    timeout_minutes: 10\n'
       "    arguments:\n      --INCIDENT_PATH",
       '    type: pythonshell\n    glue_version: "5.0"\n    max_capacity: 0.0625\n    timeout_minutes: 10\n'
       "    arguments:\n      --INCIDENT_PATH", "spec"),
    # --- envs ----------------------------------------------------------------------------------------------------
    _m("env_prod_bookmark_disabled_raw", "env", "envs/prod.yaml", "        worker_type: G.2X\n",
       "        worker_type: G.2X\n        arguments:\n          --job-bookmark-option: job-bookmark-disable\n",
       "spec", env="prod"),
    _m("env_region_typo", "env", "envs/dev.yaml", "region: eu-west-1\n", "region: eu-west-l\n", "spec", "terraform",
       reported_in="envs/dev.yaml"),
    _m("env_log_retention_not_allowed", "env", "envs/dev.yaml", "log_retention_days: 14\n",
       "log_retention_days: 13\n", "spec", "terraform", reported_in="envs/dev.yaml"),
    _m("env_override_unknown_job", "env", "envs/dev.yaml", "overrides:\n  customer_purchases:\n",
       "overrides:\n  customer_purchases:\n    jobs:\n      map_purchase:\n        workers: 3\n", "spec"),
    _m("env_account_id_short", "env", "envs/dev.yaml", 'account_id: "111111111111"', 'account_id: "11111111111"',
       "spec", "terraform", reported_in="envs/dev.yaml"),
)  # fmt: skip


@dataclass
class Outcome:
    mutation: Mutation
    findings: list[Finding] = field(default_factory=list)
    seconds: float = 0.0

    def catching(self) -> list[Finding]:
        """Findings of an allowed check that name the expected file and a line."""
        wanted = self.mutation.reported_in or self.mutation.file
        return [f for f in self.findings if f.check in self.mutation.caught_by and f.file == wanted and f.line > 0]

    @property
    def caught(self) -> bool:
        return bool(self.catching())


def copy_repo(source: Path, target: Path) -> Path:
    for folder in COPIED:
        if (source / folder).is_dir():
            skip = shutil.ignore_patterns(".terraform", "__pycache__", "state", "*.tfstate")
            shutil.copytree(source / folder, target / folder, symlinks=True, ignore=skip)
    return target


class MutationRunner:
    """One repo copy, one offline session; `run(mutation)` applies it, checks, and restores the file."""

    def __init__(self, root: Path, session: OfflineSession) -> None:
        self.root = root
        self.session = session
        self._rendered: dict[str, object] = {}

    def baseline(self) -> list[Finding]:
        """The unmutated copy's findings, for every kind of check the mutations use: must be none."""
        clean = Mutation("clean", "hcl", "modules/glue_workflow/main.tf", "", "", frozenset())
        return self._check(clean)

    def run(self, mutation: Mutation) -> Outcome:
        started = time.perf_counter()
        path = self.root / mutation.file
        original = path.read_text()
        if original.count(mutation.old) != 1:
            raise ValueError(f"mutation {mutation.name}: its text must occur once in {mutation.file}")
        path.write_text(original.replace(mutation.old, mutation.new))
        try:
            findings = self._check(mutation)
        finally:
            path.write_text(original)
        return Outcome(mutation, findings, time.perf_counter() - started)

    def _check(self, mutation: Mutation) -> list[Finding]:
        from glueflow.render import render
        from glueflow.spec import load_deployment

        try:
            deployment = load_deployment(mutation.env, root=self.root)
        except SpecError as error:
            return [Finding(p.file, p.line, p.key_path, p.message, "spec") for p in error.problems]
        if mutation.kind in ("spec", "env") or mutation.env not in self._rendered:
            render(deployment)
            self._rendered[mutation.env] = deployment
        findings: list[Finding] = []
        if mutation.file.endswith(".tf"):
            findings += self._static(mutation)
        targets = self._targets(mutation, deployment.build_dir / "terraform.tfvars.json")
        result = self.session.run(targets)
        findings += result.findings
        for plan in result.plans:
            if plan.config == "terraform" and plan.plan_json is not None:
                comparison = compare(mutation.env, plan.plan_json, deployment.tfvars, "terraform plan", self.root)
                findings += comparison.findings or []
        return findings

    def _static(self, mutation: Mutation) -> list[Finding]:
        """terraform fmt, and the schema check of the edited module or root (what Terraform does not report)."""
        directory = (self.root / mutation.file).parent
        findings = check_format([directory], self.root).findings
        parsed = [parse_file(p) for p in tf_files([directory])]
        return findings + check_files(parsed, load_schema(), self.root).findings

    def _targets(self, mutation: Mutation, tfvars: Path) -> list[ConfigTarget]:
        if mutation.file.startswith("terraform/bootstrap/"):
            from glueflow.iac.env_inputs import env_plans

            plans = [p for p in env_plans(self.root) if p.name == mutation.env and p.bootstrap_tfvars]
            return [ConfigTarget(self.root / "terraform" / "bootstrap",
                                 tuple(PlanTarget(p.name, p.bootstrap_tfvars) for p in plans))]  # fmt: skip
        targets = [ConfigTarget(self.root / "terraform", (PlanTarget(mutation.env, tfvars, show=True),))]
        if mutation.file.startswith("modules/"):
            module = self.root / Path(mutation.file).parts[0] / Path(mutation.file).parts[1]
            examples = sorted(d for d in module.glob("examples/*") if d.is_dir())
            targets += [ConfigTarget(d, (PlanTarget(None, None),)) for d in examples]
        return targets


@contextmanager
def mutation_runner(source: Path, workdir: Path, jobs: int = 2) -> Iterator[MutationRunner]:
    root = copy_repo(source, workdir)
    with OfflineSession(root, jobs=jobs) as session:
        yield MutationRunner(root, session)


def catch_rate(outcomes: list[Outcome]) -> dict[str, tuple[int, int]]:
    """kind -> (caught, tried)."""
    rates: dict[str, tuple[int, int]] = {}
    for kind in KINDS:
        mine = [o for o in outcomes if o.mutation.kind == kind]
        rates[kind] = (sum(o.caught for o in mine), len(mine))
    return rates
