"""The YAML shapes of `pipelines/<name>.yaml` and `envs/<env>.yaml`, as pydantic models.

Field-level rules live here; rules that need the whole pipeline (cross-references, Glue's trigger rules,
cycles) live in `glueflow.spec.rules`.
"""

from __future__ import annotations

import re
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from glueflow.cost import DEFAULT_CRAWLER_DPU_HOUR_USD, DEFAULT_JOB_DPU_HOUR_USD, Pricing
from glueflow.glue import (
    EVENT_BATCH_SIZE,
    EVENT_BATCH_WINDOW_SECONDS,
    JOB_KINDS,
    WATCHABLE_CRAWL_STATES,
    WATCHABLE_JOB_STATES,
    JobKindName,
    WorkerType,
    job_kind,
)
from glueflow.spec.cron import CronSyntaxError, parse_aws_cron

LOGICAL_NAME = r"^[a-z][a-z0-9_]{0,39}$"
LogicalName = Annotated[str, Field(pattern=LOGICAL_NAME)]
LogicalBucket = Literal["raw", "processed", "temp"]


class Strict(BaseModel):
    """Unknown keys are errors: a typo must fail here, not silently do nothing."""

    model_config = ConfigDict(extra="forbid", frozen=True)


def check_schedule(value: str | None) -> str | None:
    if value is not None:
        try:
            parse_aws_cron(value)
        except CronSyntaxError as exc:
            raise ValueError(f"invalid schedule '{value}': {exc}") from exc
    return value


def _check_argument_names(arguments: dict[str, str]) -> dict[str, str]:
    for key in arguments:
        if not key.startswith("--"):
            raise ValueError(f"argument '{key}' must start with '--' (Glue job arguments are --NAME)")
    return arguments


# --- workflow -------------------------------------------------------------------------------------------


class WorkflowSpec(Strict):
    description: str = ""
    max_concurrent_runs: Annotated[int, Field(ge=1, le=1000)] | None = None
    default_run_properties: dict[str, str] = {}


# --- crawlers -------------------------------------------------------------------------------------------


class S3Target(Strict):
    bucket: LogicalBucket
    prefix: Annotated[str, Field(pattern=r"^[A-Za-z0-9_\-=./]*/$")]
    exclusions: list[str] = []


class SchemaChangePolicy(Strict):
    update_behavior: Literal["UPDATE_IN_DATABASE", "LOG"] = "UPDATE_IN_DATABASE"
    delete_behavior: Literal["LOG", "DELETE_FROM_DATABASE", "DEPRECATE_IN_DATABASE"] = "LOG"


_CLASSIFIER_CHAR = Annotated[str, Field(pattern=r"^[^\r\n]$")]  # CreateClassifier: one character, not a newline
_COLUMN_NAME = Annotated[str, Field(min_length=1, max_length=255, pattern=r"^[\u0020-\ud7ff\ue000-\ufffd\t]+$")]


class CsvClassifierSpec(Strict):
    """CreateClassifier's CsvClassifier (CreateCsvClassifierRequest), keys in snake_case."""

    delimiter: _CLASSIFIER_CHAR = ","
    quote_symbol: _CLASSIFIER_CHAR = '"'
    contains_header: Literal["UNKNOWN", "PRESENT", "ABSENT"] = "UNKNOWN"
    header: list[_COLUMN_NAME] = []
    disable_value_trimming: bool = False
    allow_single_column: bool = False

    @model_validator(mode="after")
    def _distinct(self) -> CsvClassifierSpec:
        if self.quote_symbol == self.delimiter:
            raise ValueError(f"quote_symbol must differ from the delimiter ({self.delimiter!r}), as Glue requires")
        if len({h.lower() for h in self.header}) != len(self.header):
            raise ValueError(f"header {self.header} names a column twice (the catalog is case-insensitive)")
        return self


class JsonClassifierSpec(Strict):
    """CreateClassifier's JsonClassifier: `json_path` selects the records, e.g. `$[*]` for a top-level array."""

    json_path: Annotated[str, Field(min_length=1, max_length=255)]

    @field_validator("json_path")
    @classmethod
    def _parses(cls, value: str) -> str:
        from glueflow.json_path import JsonPathError, compile_path

        try:
            compile_path(value)
        except JsonPathError as exc:
            raise ValueError(str(exc)) from exc
        return value


class ClassifierSpec(Strict):
    """A custom classifier (`aws_glue_classifier`): exactly one of `csv` or `json`."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    csv: CsvClassifierSpec | None = None
    json_classifier: JsonClassifierSpec | None = Field(default=None, alias="json")

    @model_validator(mode="after")
    def _one_kind(self) -> ClassifierSpec:
        if (self.csv is None) == (self.json_classifier is None):
            raise ValueError("a classifier has exactly one of 'csv' or 'json'")
        return self


class CrawlerSpec(Strict):
    description: str = ""
    targets: Annotated[list[S3Target], Field(min_length=1)]
    classifiers: list[LogicalName] = []  # custom classifiers of this pipeline, tried in order before Glue's own
    table_prefix: Annotated[str, Field(pattern=r"^[a-z0-9_]*$")] = ""
    schema_change_policy: SchemaChangePolicy = SchemaChangePolicy()
    recrawl: Literal["CRAWL_EVERYTHING", "CRAWL_NEW_FOLDERS_ONLY"] = "CRAWL_EVERYTHING"


# --- jobs -----------------------------------------------------------------------------------------------


class JobSpec(Strict):
    description: str = ""
    template: Annotated[str, Field(pattern=r"^[A-Za-z0-9_/\-]+\.py\.j2$")]
    type: JobKindName = "glueetl"
    glue_version: Literal["3.0", "4.0", "5.0"] = "5.0"
    worker_type: WorkerType = WorkerType.G_1X
    workers: Annotated[int, Field(ge=2, le=299)] = 2
    max_capacity: Literal[0.0625, 1.0] | None = None
    max_retries: Annotated[int, Field(ge=0, le=10)] = 0
    timeout_minutes: Annotated[int, Field(ge=1, le=10080)] | None = None
    bookmarks: Literal["enable", "disable", "pause"] = "disable"
    max_concurrent_runs: Annotated[int, Field(ge=1, le=1000)] = 1
    params: dict[str, object] = {}
    arguments: dict[str, str] = {}
    non_overridable_arguments: dict[str, str] = {}
    connections: list[LogicalName] = []  # names from the env's `connections:`; aws envs must define them

    _argument_names = field_validator("arguments", "non_overridable_arguments")(_check_argument_names)

    @field_validator("connections")
    @classmethod
    def _distinct_connections(cls, value: list[str]) -> list[str]:
        if len(set(value)) != len(value):
            raise ValueError(f"connections {value} name a connection twice")
        return value

    @model_validator(mode="after")
    def _shape_of_kind(self) -> JobSpec:
        kind = job_kind(self.type)
        if self.glue_version not in kind.glue_versions:
            versions = ", ".join(f"'{v}'" for v in kind.glue_versions)
            raise ValueError(
                f"{kind.name} jobs run on glue_version {versions} (Python {kind.python_version});"
                f" set glue_version: '{kind.glue_versions[-1]}'"
            )
        if kind.workers and self.max_capacity is not None:
            by_capacity = ", ".join(k.name for k in JOB_KINDS.values() if not k.workers)
            raise ValueError(
                f"max_capacity is for {by_capacity} jobs; {kind.name} jobs size with worker_type and workers"
            )
        return self


# --- triggers -------------------------------------------------------------------------------------------


class Condition(Strict):
    job: LogicalName | None = None
    crawler: LogicalName | None = None
    state: str

    @model_validator(mode="after")
    def _one_node(self) -> Condition:
        if (self.job is None) == (self.crawler is None):
            raise ValueError("a condition names exactly one of 'job' or 'crawler'")
        return self

    @property
    def watchable_states(self) -> tuple[str, ...]:
        return WATCHABLE_JOB_STATES if self.job else WATCHABLE_CRAWL_STATES


class Predicate(Strict):
    all: Annotated[list[Condition], Field(min_length=1)] | None = None
    any: Annotated[list[Condition], Field(min_length=1)] | None = None

    @model_validator(mode="after")
    def _exactly_one_logical(self) -> Predicate:
        if (self.all is None) == (self.any is None):
            raise ValueError("'when' takes exactly one of 'all' (Glue AND) or 'any' (Glue ANY)")
        return self

    @property
    def logical(self) -> Literal["AND", "ANY"]:
        return "AND" if self.all is not None else "ANY"

    @property
    def conditions(self) -> list[Condition]:
        return self.all if self.all is not None else (self.any or [])


class Action(Strict):
    job: LogicalName | None = None
    crawler: LogicalName | None = None
    arguments: dict[str, str] = {}
    timeout_minutes: Annotated[int, Field(ge=1, le=10080)] | None = None

    _argument_names = field_validator("arguments")(_check_argument_names)

    @model_validator(mode="after")
    def _one_node(self) -> Action:
        if (self.job is None) == (self.crawler is None):
            raise ValueError("an action starts exactly one of 'job' or 'crawler'")
        if self.crawler and (self.arguments or self.timeout_minutes):
            raise ValueError("'arguments' and 'timeout_minutes' apply to job actions only")
        return self


class EventBatching(Strict):
    size: Annotated[int, Field(ge=EVENT_BATCH_SIZE.low, le=EVENT_BATCH_SIZE.high)] = EVENT_BATCH_SIZE.default
    window_seconds: Annotated[int, Field(ge=EVENT_BATCH_WINDOW_SECONDS.low, le=EVENT_BATCH_WINDOW_SECONDS.high)] = (
        EVENT_BATCH_WINDOW_SECONDS.default
    )


class S3EventSource(Strict):
    bucket: LogicalBucket = "raw"
    prefix: str = ""
    suffix: str = ""


class TriggerSpec(Strict):
    type: Literal["on_demand", "schedule", "event", "conditional"]
    description: str = ""
    schedule: str | None = None
    when: Predicate | None = None
    batching: EventBatching | None = None
    event_source: S3EventSource | None = None
    enabled: bool = True
    start: Annotated[list[Action], Field(min_length=1)]

    # The cron syntax is checked by glueflow.spec.rules (check_schedule), not here: a model error would hide the
    # pipeline's other problems (unknown jobs, cycles) until it is fixed.

    @model_validator(mode="after")
    def _fields_match_type(self) -> TriggerSpec:
        wants = {
            "schedule": self.type == "schedule",
            "when": self.type == "conditional",
            "batching": self.type == "event",
            "event_source": self.type == "event",
        }
        for key, allowed in wants.items():
            value = getattr(self, key)
            if key in ("schedule", "when") and allowed and value is None:
                raise ValueError(f"a '{self.type}' trigger needs '{key}'")
            if not allowed and value is not None:
                raise ValueError(f"'{key}' does not apply to a '{self.type}' trigger")
        return self

    @property
    def is_start(self) -> bool:
        return self.type != "conditional"


class UploadStarter(Strict):
    """The S3-event Lambda: an upload under prefix/suffix starts a workflow run naming the object."""

    bucket: LogicalBucket = "raw"
    prefix: str = ""
    suffix: str = ""


class SampleFile(Strict):
    bucket: LogicalBucket = "raw"
    key: Annotated[str, Field(pattern=r"^[A-Za-z0-9_\-=./]+[^/]$")]
    file: str


class PipelineSpec(Strict):
    name: LogicalName
    description: str = ""
    workflow: WorkflowSpec = WorkflowSpec()
    classifiers: dict[LogicalName, ClassifierSpec] = {}
    crawlers: dict[LogicalName, CrawlerSpec] = {}
    jobs: dict[LogicalName, JobSpec] = {}
    triggers: dict[LogicalName, TriggerSpec]
    start_on_upload: UploadStarter | None = None
    sample_data: list[SampleFile] = []


# --- environments ---------------------------------------------------------------------------------------


class JobOverride(Strict):
    bookmarks: Literal["enable", "disable", "pause"] | None = None  # the explicit way to change bookmarks per env
    worker_type: WorkerType | None = None
    workers: Annotated[int, Field(ge=2, le=299)] | None = None
    max_retries: Annotated[int, Field(ge=0, le=10)] | None = None
    timeout_minutes: Annotated[int, Field(ge=1, le=10080)] | None = None
    arguments: dict[str, str] = {}

    _argument_names = field_validator("arguments")(_check_argument_names)


class TriggerOverride(Strict):
    enabled: bool | None = None
    schedule: str | None = None

    _aws_cron = field_validator("schedule")(check_schedule)


class WorkflowOverride(Strict):
    max_concurrent_runs: Annotated[int, Field(ge=1, le=1000)] | None = None
    default_run_properties: dict[str, str] = {}


class PipelineOverride(Strict):
    workflow: WorkflowOverride = WorkflowOverride()
    jobs: dict[LogicalName, JobOverride] = {}
    triggers: dict[LogicalName, TriggerOverride] = {}


SECRET_ARN = r"^arn:aws[a-z-]*:secretsmanager:(?P<region>[a-z]{2}(-gov)?-[a-z]+-\d):\d{12}:secret:[A-Za-z0-9/_+=.@-]+$"
KMS_KEY_ARN = r"^arn:aws[a-z-]*:kms:(?P<region>[a-z]{2}(-gov)?-[a-z]+-\d):\d{12}:key/[A-Za-z0-9-]+$"
JDBC_URL = r"^jdbc:(redshift|postgresql|mysql|sqlserver|oracle:thin):(//)?@?[A-Za-z0-9.-]+(:\d{1,5})?([/;:][^\s]*)?$"


class ConnectionSpec(Strict):
    """A Glue JDBC connection (a VPC one: Glue puts an ENI in `subnet_id`). Credentials are never in the spec:
    only the ARN of the Secrets Manager secret that holds them (Glue's SECRET_ID)."""

    description: str = ""
    jdbc_url: str
    secret_arn: str
    secret_kms_key_arn: str | None = None  # a customer-managed key encrypting the secret; unset = aws/secretsmanager
    subnet_id: Annotated[str, Field(pattern=r"^subnet-([0-9a-f]{8}|[0-9a-f]{17})$")]
    security_group_ids: Annotated[
        list[Annotated[str, Field(pattern=r"^sg-([0-9a-f]{8}|[0-9a-f]{17})$")]], Field(min_length=1, max_length=50)
    ]
    availability_zone: Annotated[str, Field(pattern=r"^[a-z]{2}(-gov)?-[a-z]+-\d[a-z]$")]

    @field_validator("jdbc_url")
    @classmethod
    def _jdbc_url(cls, value: str) -> str:
        if not re.fullmatch(JDBC_URL, value):
            raise ValueError(
                f"jdbc_url '{value}' is not a JDBC URL like jdbc:redshift://<host>:5439/<database>"
                " (no credentials in it: they live in the secret)"
            )
        if re.search(r"(?i)(password|pwd|user(name)?)=", value):
            raise ValueError(
                "jdbc_url must not carry credentials; they live in the Secrets Manager secret (secret_arn)"
            )
        return value

    @field_validator("secret_arn")
    @classmethod
    def _secret_arn(cls, value: str) -> str:
        if not re.fullmatch(SECRET_ARN, value):
            raise ValueError(
                f"secret_arn '{value}' is not a Secrets Manager secret ARN"
                " (arn:aws:secretsmanager:<region>:<account>:secret:<name>-<6 chars>)"
            )
        return value

    @field_validator("secret_kms_key_arn")
    @classmethod
    def _kms_key_arn(cls, value: str | None) -> str | None:
        if value is not None and not re.fullmatch(KMS_KEY_ARN, value):
            raise ValueError(
                f"secret_kms_key_arn '{value}' is not a KMS key ARN (arn:aws:kms:<region>:<account>:key/<id>)"
            )
        return value


class LocalSettings(Strict):
    state_dir: str | None = None
    max_parallel_nodes: Annotated[int, Field(ge=1, le=64)] | None = None


class PricingSpec(Strict):
    """USD per DPU-hour; the defaults are the us-east-1 list prices (see glueflow.cost)."""

    job_dpu_hour_usd: Annotated[float, Field(ge=0, le=100)] = DEFAULT_JOB_DPU_HOUR_USD
    crawler_dpu_hour_usd: Annotated[float, Field(ge=0, le=100)] = DEFAULT_CRAWLER_DPU_HOUR_USD

    def pricing(self) -> Pricing:
        return Pricing(job_dpu_hour=self.job_dpu_hour_usd, crawler_dpu_hour=self.crawler_dpu_hour_usd)


class EnvSpec(Strict):
    name: Annotated[str, Field(pattern=r"^[a-z][a-z0-9]{0,9}$")]
    kind: Literal["local", "aws"]
    account_id: Annotated[str, Field(pattern=r"^\d{12}$")]
    region: Annotated[str, Field(pattern=r"^[a-z]{2}(-gov)?-[a-z]+-\d$")]
    name_prefix: Annotated[str, Field(pattern=r"^[a-z][a-z0-9-]{1,19}$")]
    state_bucket: str | None = None
    pipelines: list[LogicalName] | Literal["all"] = "all"
    schedules_enabled: bool = True
    log_retention_days: Literal[1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1827, 3653] = 30
    alarm_emails: list[Annotated[str, Field(pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")]] = []
    tags: dict[str, str] = {}
    job_defaults: JobOverride = JobOverride()
    overrides: dict[LogicalName, PipelineOverride] = {}
    connections: dict[LogicalName, ConnectionSpec] = {}
    local: LocalSettings = LocalSettings()
    pricing: PricingSpec = PricingSpec()

    @model_validator(mode="after")
    def _aws_envs_need_state(self) -> EnvSpec:
        if self.kind == "aws" and not self.state_bucket:
            raise ValueError("an aws env needs 'state_bucket' for the Terraform state (see `glueflow bootstrap`)")
        if self.state_bucket and not re.fullmatch(r"[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]", self.state_bucket):
            raise ValueError(f"state_bucket '{self.state_bucket}' is not a valid S3 bucket name")
        return self
