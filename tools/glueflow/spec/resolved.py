"""The resolved deployment: physical names, buckets and arguments, exactly as Terraform and the local runtime
consume them. `TfVars` is the schema of `build/<env>/terraform.tfvars.json`; both consumers read that file
through this model, so the contract lives in one place."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict

from glueflow.glue import JobKindName, TriggerType


class Resolved(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Buckets(Resolved):
    raw: str
    processed: str
    scripts: str
    temp: str
    access_logs: str

    def by_logical_name(self, logical: str) -> str:
        return str(getattr(self, logical))


class Connection(Resolved):
    """A Glue JDBC connection in the env's VPC; its credentials are the Secrets Manager secret `secret_arn`."""

    name: str  # <prefix>-<env>-<logical name>
    description: str
    jdbc_url: str
    secret_arn: str
    secret_kms_key_arn: str | None
    subnet_id: str
    security_group_ids: list[str]
    availability_zone: str


class Environment(Resolved):
    name: str
    kind: Literal["local", "aws"]
    account_id: str
    region: str
    name_prefix: str
    state_bucket: str | None
    tags: dict[str, str]
    log_retention_days: int
    alarm_emails: list[str]
    schedules_enabled: bool
    buckets: Buckets
    job_library_s3_key: str
    connections: dict[str, Connection]  # keyed by logical name


class S3TargetOut(Resolved):
    path: str
    exclusions: list[str]


class CsvClassifierOut(Resolved):
    delimiter: str
    quote_symbol: str
    contains_header: Literal["UNKNOWN", "PRESENT", "ABSENT"]
    header: list[str]
    disable_value_trimming: bool
    allow_single_column: bool


class JsonClassifierOut(Resolved):
    json_path: str


class Classifier(Resolved):
    """A custom classifier (`aws_glue_classifier`); exactly one of the two kinds is set."""

    name: str  # <prefix>-<env>-<pipeline>-<logical name>
    csv_classifier: CsvClassifierOut | None
    json_classifier: JsonClassifierOut | None


class Crawler(Resolved):
    name: str
    description: str
    database_name: str
    s3_targets: list[S3TargetOut]
    classifiers: list[str]  # logical names in Pipeline.classifiers, in the order the crawler tries them
    table_prefix: str
    update_behavior: str
    delete_behavior: str
    recrawl_behavior: str


class Job(Resolved):
    name: str
    description: str
    type: JobKindName
    script_path: str  # repo-relative path of the rendered script
    script_s3_key: str
    glue_version: str
    python_version: str
    worker_type: str | None
    number_of_workers: int | None
    max_capacity: float | None
    max_retries: int
    timeout_minutes: int
    max_concurrent_runs: int
    default_arguments: dict[str, str]
    non_overridable_arguments: dict[str, str]
    connections: list[str]  # physical connection names (Environment.connections[*].name)


class ConditionOut(Resolved):
    job_name: str | None
    crawler_name: str | None
    state: str


class ActionOut(Resolved):
    job_name: str | None
    crawler_name: str | None
    arguments: dict[str, str]
    timeout_minutes: int | None


class EventSourceOut(Resolved):
    bucket_name: str
    prefix: str
    suffix: str


class Trigger(Resolved):
    name: str
    type: TriggerType
    description: str
    schedule: str | None
    enabled: bool
    logical: Literal["AND", "ANY"] | None
    conditions: list[ConditionOut]
    actions: list[ActionOut]
    batch_size: int | None
    batch_window_seconds: int | None
    event_source: EventSourceOut | None


class UploadStarterOut(Resolved):
    function_name: str
    bucket_name: str
    prefix: str
    suffix: str


class SampleObject(Resolved):
    bucket_name: str
    key: str
    file: str  # repo-relative


class Pipeline(Resolved):
    workflow_name: str
    description: str
    max_concurrent_runs: int | None
    default_run_properties: dict[str, str]
    database_name: str
    classifiers: dict[str, Classifier]  # keyed by logical name
    crawlers: dict[str, Crawler]
    jobs: dict[str, Job]
    triggers: dict[str, Trigger]
    upload_starter: UploadStarterOut | None
    sample_data: list[SampleObject]

    def start_trigger(self) -> Trigger:
        return next(t for t in self.triggers.values() if t.type != TriggerType.CONDITIONAL)


class TfVars(Resolved):
    environment: Environment
    pipelines: dict[str, Pipeline]
