"""Load `envs/<env>.yaml` and the pipelines it enables, check them together, and resolve one Deployment."""

from __future__ import annotations

import contextlib
import copy
import string
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

from pydantic import ValidationError

from glueflow.errors import GlueflowError, SpecError, SpecProblem
from glueflow.glue import TriggerType, job_kind
from glueflow.settings import Settings
from glueflow.spec import resolved as out
from glueflow.spec.models import EnvSpec, EventBatching, JobSpec, PipelineSpec, TriggerSpec
from glueflow.spec.rules import check_env_bookmarks, check_pipeline
from glueflow.spec.yaml_source import KeyPath, YamlSource, load_yaml

TRIGGER_TYPES: dict[str, TriggerType] = {
    "on_demand": TriggerType.ON_DEMAND,
    "schedule": TriggerType.SCHEDULED,
    "event": TriggerType.EVENT,
    "conditional": TriggerType.CONDITIONAL,
}
JOB_LIBRARY_ZIP = "glueflow_lib.zip"  # in build/<env>/glue_jobs/
JOB_LIBRARY_KEY = f"glue_jobs/lib/{JOB_LIBRARY_ZIP}"  # in the scripts bucket
CREDENTIAL_KEYS = {"password", "username", "user", "passwd", "pwd", "secret", "credentials"}
M = TypeVar("M", EnvSpec, PipelineSpec)


@dataclass(frozen=True)
class Deployment:
    """Everything one env deploys: the resolved tfvars plus the specs the renderer still needs."""

    root: Path
    env: EnvSpec
    specs: dict[str, PipelineSpec]
    tfvars: out.TfVars
    settings: Settings = field(default_factory=Settings.from_environ)

    @property
    def build_dir(self) -> Path:
        return self.root / "build" / self.env.name

    @property
    def state_dir(self) -> Path:
        """Where the local runtime keeps this env's store and buckets."""
        return self.settings.state_dir_of(self.env, self.root)


class _ArgumentTemplate(string.Template):
    idpattern = r"[a-z_][a-z0-9_.]*"


def find_root(start: Path | None = None, settings: Settings | None = None) -> Path:
    """The repo root: $GLUEFLOW_ROOT, else the nearest ancestor holding `pipelines/` and `envs/`."""
    root = (settings or Settings.from_environ()).root
    if root is not None:
        return root
    here = (start or Path.cwd()).resolve()
    for candidate in (here, *here.parents):
        if (candidate / "pipelines").is_dir() and (candidate / "envs").is_dir():
            return candidate
    raise GlueflowError(
        f"no glueflow project found at or above {here}",
        hint="run from the repo (it has pipelines/ and envs/), or set GLUEFLOW_ROOT",
    )


def available_envs(root: Path) -> list[str]:
    return sorted(p.stem for p in (root / "envs").glob("*.yaml"))


def load_deployment(
    env_name: str, pipeline: str | None = None, root: Path | None = None, settings: Settings | None = None
) -> Deployment:
    """Parse, validate and resolve `env_name`; every problem in every file is raised at once. `settings`: the
    resolved flags and environment (default: the environment's)."""
    settings = settings or Settings.from_environ()
    root = root or find_root(settings=settings)
    problems: list[SpecProblem] = []
    env_path = root / "envs" / f"{env_name}.yaml"
    if not env_path.is_file():
        raise GlueflowError(
            f"unknown env '{env_name}': envs/{env_name}.yaml does not exist",
            hint=f"envs in this repo: {', '.join(available_envs(root)) or 'none'}",
        )
    env_source = load_yaml(env_path, f"envs/{env_name}.yaml")
    env_dropped: list[str] = []
    env = _validate(EnvSpec, env_source, problems, env_dropped)
    if env is not None and env.name != env_name:
        problems.append(env_source.problem(("name",), f"name '{env.name}' must match the file name '{env_name}'"))

    all_names = sorted(p.stem for p in (root / "pipelines").glob("*.yaml"))
    wanted = _enabled_pipelines(env, env_source, all_names, pipeline, problems)
    specs: dict[str, PipelineSpec] = {}
    sources: dict[str, YamlSource] = {}
    for name in wanted:
        source = load_yaml(root / "pipelines" / f"{name}.yaml", f"pipelines/{name}.yaml")
        dropped: list[str] = []
        spec = _validate(PipelineSpec, source, problems, dropped)
        if spec is None:
            continue
        problems += _not_dropped(_check_pipeline_files(spec, source, name, root), source.display_path, dropped)
        specs[name], sources[name] = spec, source
    if env is not None:
        env_file = env_source.display_path
        problems += _not_dropped(_check_overrides(env, env_source, specs, all_names), env_file, env_dropped)
        problems += _not_dropped(_check_connections(env, env_source, specs, sources), env_file, env_dropped)
        problems += _not_dropped(check_env_bookmarks(env, env_source, specs), env_file, env_dropped)
    if problems or env is None:
        raise SpecError(problems)
    tfvars = _resolve(env, specs, sources, root, problems)
    if problems:
        raise SpecError(problems)
    return Deployment(root=root, env=env, specs=specs, tfvars=tfvars, settings=settings)


def _validate(
    model: type[M], source: YamlSource, problems: list[SpecProblem], dropped: list[str] | None = None
) -> M | None:
    """The file as `model`. When some values are invalid, their problems are added and the model is built again
    without them (when each has a default), so the whole-spec rules still run and every problem is reported at
    once; `dropped` collects the key paths left out, whose follow-on rule problems `_not_dropped` then hides."""
    if not isinstance(source.data, dict):
        problems.append(source.problem((), "expected a mapping at the top of the file"))
        return None
    try:
        return model.model_validate(source.data)
    except ValidationError as exc:
        errors = exc.errors()
        problems.extend(_problem_from_pydantic(source, error) for error in errors)
    paths = [_key_path(error) for error in errors]
    if not all(error["type"] == "extra_forbidden" or len(path) >= 3 for error, path in zip(errors, paths, strict=True)):
        return None  # only unknown keys and a job's / trigger's own fields are left out, never a whole entry
    data = copy.deepcopy(source.data)
    for path in sorted(
        paths, key=lambda p: [(0, x, "") if isinstance(x, int) else (1, 0, str(x)) for x in p], reverse=True
    ):
        _remove(data, path)
    try:
        lenient = model.model_validate(data)
    except ValidationError:
        return None
    if dropped is not None:
        dropped.extend(source.problem(path, "").key_path for path in paths)
    return lenient


def _key_path(error: object) -> KeyPath:
    """pydantic's error location as a YAML key path (pydantic adds "function-after[...]" for validated dicts)."""
    loc = dict(error)["loc"]  # type: ignore[call-overload]
    return tuple(p for p in loc if isinstance(p, int) or not str(p).startswith("function-"))


def _remove(data: object, path: KeyPath) -> None:
    for key in path[:-1]:
        try:
            data = data[key]  # type: ignore[index]
        except (KeyError, IndexError, TypeError):
            return
    with contextlib.suppress(KeyError, IndexError, TypeError):
        del data[path[-1]]  # type: ignore[attr-defined]


def _not_dropped(found: list[SpecProblem], file: str, dropped: list[str]) -> list[SpecProblem]:
    """Rule problems that are not about (or around) a value already reported and left out of the model."""

    def related(problem: SpecProblem) -> bool:
        here = problem.key_path
        return problem.file == file and any(
            here == d or d.startswith(f"{here}.") or d.startswith(f"{here}[") or here.startswith(f"{d}.")
            for d in dropped
        )

    return [p for p in found if not related(p)]


def _problem_from_pydantic(source: YamlSource, error: object) -> SpecProblem:
    err = dict(error)  # type: ignore[call-overload]
    # pydantic appends the tagged model name for dict values ("function-after[...]"): drop non-YAML parts.
    key_path = _key_path(error)
    message = str(err["msg"]).removeprefix("Value error, ")
    hint = None
    if err["type"] == "extra_forbidden":
        message = f"unknown key '{key_path[-1]}'"
        hint = "check the spelling; README.md lists every key of the spec format"
        if "connections" in key_path and str(key_path[-1]).lower() in CREDENTIAL_KEYS:
            message = f"'{key_path[-1]}' is not allowed: a connection's credentials are never in the spec"
            hint = "store them in a Secrets Manager secret and set the connection's secret_arn to its ARN"
    elif err["type"] in ("literal_error", "enum"):
        message = f"got {err.get('input')!r}; {message[:1].lower()}{message[1:]}"  # the allowed values keep their case
    elif err["type"] == "missing":
        message = f"required key '{key_path[-1]}' is missing"
        key_path = key_path[:-1] or key_path
    elif err["type"] == "string_pattern_mismatch":
        message = f"{err.get('input')!r} does not match the expected form {err['ctx']['pattern']}"
    return source.problem(key_path, message, hint)


def _enabled_pipelines(
    env: EnvSpec | None,
    env_source: YamlSource,
    all_names: list[str],
    pipeline: str | None,
    problems: list[SpecProblem],
) -> list[str]:
    enabled = all_names if env is None or env.pipelines == "all" else list(env.pipelines)
    if env is not None and env.pipelines != "all":
        for index, name in enumerate(env.pipelines):
            if name not in all_names:
                problems.append(
                    env_source.problem(
                        ("pipelines", index),
                        f"unknown pipeline '{name}'",
                        f"pipelines/: {', '.join(all_names)}",
                    )
                )
        enabled = [n for n in enabled if n in all_names]
    if pipeline is None:
        return enabled
    if pipeline not in enabled:
        raise GlueflowError(
            f"pipeline '{pipeline}' is not enabled in env '{env_source.display_path}'",
            hint=f"enabled pipelines: {', '.join(enabled) or 'none'}",
        )
    return [pipeline]


def _within(path: Path, folder: Path) -> bool:
    """Whether `path`, resolved with its symlinks, stays inside `folder` (no `..` or absolute escape)."""
    resolved, base = path.resolve(), folder.resolve()
    return resolved == base or base in resolved.parents


def _check_pipeline_files(spec: PipelineSpec, source: YamlSource, stem: str, root: Path) -> list[SpecProblem]:
    problems = check_pipeline(spec, source)
    if spec.name != stem:
        problems.append(source.problem(("name",), f"name '{spec.name}' must match the file name '{stem}'"))
    templates = sorted(p.relative_to(root / "glue_jobs").as_posix() for p in (root / "glue_jobs").rglob("*.py.j2"))
    for job_name, job in spec.jobs.items():
        if not _within(root / "glue_jobs" / job.template, root / "glue_jobs"):
            problems.append(
                source.problem(
                    ("jobs", job_name, "template"),
                    f"template '{job.template}' is outside glue_jobs/",
                    "templates are paths relative to glue_jobs/ inside the project",
                )
            )
        elif not (root / "glue_jobs" / job.template).is_file():
            problems.append(
                source.problem(
                    ("jobs", job_name, "template"),
                    f"template 'glue_jobs/{job.template}' does not exist",
                    f"templates in glue_jobs/: {', '.join(templates) or 'none'}",
                )
            )
    for index, sample in enumerate(spec.sample_data):
        if ".." in sample.key.split("/"):
            problems.append(source.problem(("sample_data", index, "key"), f"key '{sample.key}' has a '..' segment"))
        if not _within(root / "pipelines" / sample.file, root):
            problems.append(
                source.problem(
                    ("sample_data", index, "file"),
                    f"file '{sample.file}' is outside the project",
                    "sample data files are paths relative to pipelines/ inside the project",
                )
            )
        elif not (root / "pipelines" / sample.file).is_file():
            problems.append(
                source.problem(("sample_data", index, "file"), f"file 'pipelines/{sample.file}' does not exist")
            )
    return problems


def _check_overrides(
    env: EnvSpec, source: YamlSource, specs: dict[str, PipelineSpec], all_names: list[str]
) -> list[SpecProblem]:
    problems = []
    for name, override in env.overrides.items():
        if name not in all_names:
            problems.append(source.problem(("overrides", name), f"unknown pipeline '{name}'"))
            continue
        spec = specs.get(name)
        if spec is None:
            continue
        for kind, names, known in (
            ("jobs", override.jobs, spec.jobs),
            ("triggers", override.triggers, spec.triggers),
        ):
            for key in names:
                if key not in known:
                    problems.append(
                        source.problem(
                            ("overrides", name, kind, key),
                            f"pipeline '{name}' has no {kind[:-1]} '{key}'",
                            f"its {kind}: {', '.join(known) or 'none'}",
                        )
                    )
    return problems


def _check_connections(
    env: EnvSpec, source: YamlSource, specs: dict[str, PipelineSpec], sources: dict[str, YamlSource]
) -> list[SpecProblem]:
    """Connections live in the env's region; on aws envs every connection a job names is defined by the env.
    Local envs need none: the runtime loads the warehouse into its own PostgreSQL."""
    problems = []
    for name, connection in env.connections.items():
        if not connection.availability_zone.startswith(env.region):
            problems.append(
                source.problem(
                    ("connections", name, "availability_zone"),
                    f"availability zone '{connection.availability_zone}' is not in the env's region {env.region}",
                )
            )
        for key in ("secret_arn", "secret_kms_key_arn"):
            arn = getattr(connection, key)
            if arn is not None and arn.split(":")[3] != env.region:
                problems.append(
                    source.problem(
                        ("connections", name, key),
                        f"'{arn}' is in region {arn.split(':')[3]}, not the env's region {env.region}",
                        "Glue resolves a connection's secret in the connection's own region",
                    )
                )
    if env.kind != "aws":
        return problems
    defined = ", ".join(env.connections) or "none"
    for pipeline, spec in specs.items():
        for job_name, job in spec.jobs.items():
            for index, connection in enumerate(job.connections):
                if connection not in env.connections:
                    problems.append(
                        sources[pipeline].problem(
                            ("jobs", job_name, "connections", index),
                            f"connection '{connection}' is not defined in envs/{env.name}.yaml",
                            f"connections defined in env '{env.name}': {defined}",
                        )
                    )
    return problems


# --- resolution -----------------------------------------------------------------------------------------


def _physical(env: EnvSpec, *parts: str) -> str:
    return "-".join([env.name_prefix, env.name, *(p.replace("_", "-") for p in parts)])


def _buckets(env: EnvSpec) -> out.Buckets:
    def name(purpose: str) -> str:
        return f"{env.name_prefix}-{env.name}-{purpose}-{env.account_id}"

    return out.Buckets(
        raw=name("raw"),
        processed=name("processed"),
        scripts=name("scripts"),
        temp=name("temp"),
        access_logs=name("access-logs"),
    )


def _resolve(
    env: EnvSpec,
    specs: dict[str, PipelineSpec],
    sources: dict[str, YamlSource],
    root: Path,
    problems: list[SpecProblem],
) -> out.TfVars:
    buckets = _buckets(env)
    environment = out.Environment(
        name=env.name,
        kind=env.kind,
        account_id=env.account_id,
        region=env.region,
        name_prefix=env.name_prefix,
        state_bucket=env.state_bucket,
        tags={"glueflow:env": env.name, **env.tags},
        log_retention_days=env.log_retention_days,
        alarm_emails=env.alarm_emails,
        schedules_enabled=env.schedules_enabled,
        buckets=buckets,
        job_library_s3_key=JOB_LIBRARY_KEY,
        connections={
            name: out.Connection(
                name=_physical(env, name),
                description=c.description or f"glueflow {env.name}: JDBC connection '{name}'",
                jdbc_url=c.jdbc_url,
                secret_arn=c.secret_arn,
                secret_kms_key_arn=c.secret_kms_key_arn,
                subnet_id=c.subnet_id,
                security_group_ids=list(c.security_group_ids),
                availability_zone=c.availability_zone,
            )
            for name, c in sorted(env.connections.items())
        },
    )
    pipelines = {
        name: _PipelineResolver(env, environment, name, spec, sources[name], problems).resolve()
        for name, spec in specs.items()
    }
    return out.TfVars(environment=environment, pipelines=pipelines)


class _PipelineResolver:
    """Turns one PipelineSpec plus env overrides into its resolved form."""

    def __init__(
        self,
        env: EnvSpec,
        environment: out.Environment,
        key: str,
        spec: PipelineSpec,
        source: YamlSource,
        problems: list[SpecProblem],
    ) -> None:
        self.env, self.environment, self.key, self.spec = env, environment, key, spec
        self.source, self.problems = source, problems
        self.override = env.overrides.get(key)
        self.database = f"{env.name_prefix}_{env.name}_{key}".replace("-", "_")
        buckets = environment.buckets
        self.variables = {
            "env": env.name,
            "region": env.region,
            "account_id": env.account_id,
            "name_prefix": env.name_prefix,
            "pipeline": key,
            "database": self.database,
            "workflow": _physical(env, key),
            **{f"bucket.{logical}": buckets.by_logical_name(logical) for logical in out.Buckets.model_fields},
            **{f"connection.{name}": _physical(env, name) for name in self._connection_names()},
        }

    def _connection_names(self) -> list[str]:
        """The env's connections plus those the pipeline's jobs name (a local env need not define them)."""
        named = {c for job in self.spec.jobs.values() for c in job.connections}
        return sorted(named | set(self.env.connections))

    def resolve(self) -> out.Pipeline:
        spec, override = self.spec, self.override
        run_properties = {**spec.workflow.default_run_properties}
        max_runs = spec.workflow.max_concurrent_runs
        if override:
            run_properties.update(override.workflow.default_run_properties)
            max_runs = override.workflow.max_concurrent_runs or max_runs
        return out.Pipeline(
            workflow_name=_physical(self.env, self.key),
            description=spec.description or spec.workflow.description,
            max_concurrent_runs=max_runs,
            default_run_properties=self._substitute_all(run_properties, ("workflow", "default_run_properties")),
            database_name=self.database,
            classifiers={name: self._classifier(name) for name in spec.classifiers},
            crawlers={name: self._crawler(name) for name in spec.crawlers},
            jobs={name: self._job(name, job) for name, job in spec.jobs.items()},
            triggers={name: self._trigger(name, trigger) for name, trigger in spec.triggers.items()},
            upload_starter=self._upload_starter(),
            sample_data=[
                out.SampleObject(
                    bucket_name=self.environment.buckets.by_logical_name(s.bucket),
                    key=s.key,
                    file=f"pipelines/{s.file}",
                )
                for s in spec.sample_data
            ],
        )

    def _substitute(self, text: str, key_path: KeyPath) -> str:
        try:
            return _ArgumentTemplate(text).substitute(self.variables)
        except (KeyError, ValueError) as exc:
            self.problems.append(
                self.source.problem(
                    key_path,
                    f"unknown placeholder {exc} in '{text}'",
                    "placeholders: " + ", ".join(f"${{{v}}}" for v in sorted(self.variables)),
                )
            )
            return text

    def _substitute_all(self, values: dict[str, str], key_path: KeyPath) -> dict[str, str]:
        return {k: self._substitute(v, (*key_path, k)) for k, v in sorted(values.items())}

    def _classifier(self, name: str) -> out.Classifier:
        classifier = self.spec.classifiers[name]
        csv, json = classifier.csv, classifier.json_classifier
        return out.Classifier(
            name=_physical(self.env, self.key, name),
            csv_classifier=out.CsvClassifierOut(**csv.model_dump()) if csv else None,
            json_classifier=out.JsonClassifierOut(**json.model_dump()) if json else None,
        )

    def _crawler(self, name: str) -> out.Crawler:
        crawler = self.spec.crawlers[name]
        buckets = self.environment.buckets
        return out.Crawler(
            name=_physical(self.env, self.key, name),
            description=crawler.description,
            database_name=self.database,
            s3_targets=[
                out.S3TargetOut(path=f"s3://{buckets.by_logical_name(t.bucket)}/{t.prefix}", exclusions=t.exclusions)
                for t in crawler.targets
            ],
            classifiers=list(crawler.classifiers),
            table_prefix=crawler.table_prefix,
            update_behavior=crawler.schema_change_policy.update_behavior,
            delete_behavior=crawler.schema_change_policy.delete_behavior,
            recrawl_behavior=crawler.recrawl,
        )

    def _job(self, name: str, job: JobSpec) -> out.Job:
        overrides = [self.env.job_defaults]
        if self.override and name in self.override.jobs:
            overrides.append(self.override.jobs[name])
        settings = job.model_dump()
        arguments = dict(job.arguments)
        for override in overrides:
            settings.update({k: v for k, v in override.model_dump(exclude={"arguments"}).items() if v is not None})
            arguments.update(override.arguments)
        user_arguments = self._substitute_all(arguments, ("jobs", name, "arguments"))
        kind = job_kind(job.type)
        by_workers = kind.workers
        timeout = settings["timeout_minutes"] or (480 if float(job.glue_version) >= 5.0 else 2880)
        return out.Job(
            name=_physical(self.env, self.key, name),
            description=job.description,
            type=job.type,
            script_path=f"build/{self.env.name}/glue_jobs/{self.key}/{name}.py",
            script_s3_key=f"glue_jobs/{self.key}/{name}.py",
            glue_version=job.glue_version,
            python_version=kind.python_version,
            worker_type=settings["worker_type"] if by_workers else None,
            number_of_workers=settings["workers"] if by_workers else None,
            max_capacity=None if by_workers else (job.max_capacity or kind.max_capacities[0]),
            max_retries=settings["max_retries"],
            timeout_minutes=timeout,
            max_concurrent_runs=job.max_concurrent_runs,
            default_arguments={**self._platform_arguments(name, job, settings["bookmarks"]), **user_arguments},
            non_overridable_arguments=self._substitute_all(
                job.non_overridable_arguments, ("jobs", name, "non_overridable_arguments")
            ),
            connections=[_physical(self.env, c) for c in job.connections],
        )

    def _platform_arguments(self, name: str, job: JobSpec, bookmarks: str) -> dict[str, str]:
        """The arguments glueflow sets on every job: bookmarks, logs, metrics, the job library."""
        buckets = self.environment.buckets
        common = {
            "--extra-py-files": f"s3://{buckets.scripts}/{JOB_LIBRARY_KEY}",
            "--TempDir": f"s3://{buckets.temp}/glue-temp/{self.key}/{name}/",
            "--enable-continuous-cloudwatch-log": "true",
            "--enable-metrics": "true",
            "--job-language": "python",
        }
        if not job_kind(job.type).spark:
            # Python shell has no Spark platform arguments; a bookmark option is passed only when the spec asks
            # for one, so a script that keeps its own state (GetJobBookmark) can still be bookmarked.
            if bookmarks == "disable":
                return common
            return {**common, "--job-bookmark-option": f"job-bookmark-{bookmarks}"}
        return {
            **common,
            "--job-bookmark-option": f"job-bookmark-{bookmarks}",
            "--enable-glue-datacatalog": "true",
            "--enable-spark-ui": "true",
            "--spark-event-logs-path": f"s3://{buckets.temp}/spark-ui/{self.key}/{name}/",
        }

    def _trigger(self, name: str, trigger: TriggerSpec) -> out.Trigger:
        override = self.override.triggers.get(name) if self.override else None
        schedule = (override.schedule if override and override.schedule else None) or trigger.schedule
        enabled = trigger.enabled if override is None or override.enabled is None else override.enabled
        if trigger.type == "schedule" and not self.env.schedules_enabled:
            enabled = False
        event_source = None
        if trigger.event_source:
            event_source = out.EventSourceOut(
                bucket_name=self.environment.buckets.by_logical_name(trigger.event_source.bucket),
                prefix=trigger.event_source.prefix,
                suffix=trigger.event_source.suffix,
            )
        batching = trigger.batching or (EventBatching() if trigger.type == "event" else None)
        return out.Trigger(
            name=_physical(self.env, self.key, name),
            type=TRIGGER_TYPES[trigger.type],
            description=trigger.description,
            schedule=schedule,
            enabled=enabled,
            logical=trigger.when.logical if trigger.when else None,
            conditions=[
                out.ConditionOut(
                    job_name=_physical(self.env, self.key, c.job) if c.job else None,
                    crawler_name=_physical(self.env, self.key, c.crawler) if c.crawler else None,
                    state=c.state,
                )
                for c in (trigger.when.conditions if trigger.when else [])
            ],
            actions=[
                out.ActionOut(
                    job_name=_physical(self.env, self.key, a.job) if a.job else None,
                    crawler_name=_physical(self.env, self.key, a.crawler) if a.crawler else None,
                    arguments=self._substitute_all(a.arguments, ("triggers", name, "start", index, "arguments")),
                    timeout_minutes=a.timeout_minutes,
                )
                for index, a in enumerate(trigger.start)
            ],
            batch_size=batching.size if batching else None,
            batch_window_seconds=batching.window_seconds if batching else None,
            event_source=event_source,
        )

    def _upload_starter(self) -> out.UploadStarterOut | None:
        starter = self.spec.start_on_upload
        if starter is None:
            return None
        return out.UploadStarterOut(
            function_name=_physical(self.env, self.key, "start"),
            bucket_name=self.environment.buckets.by_logical_name(starter.bucket),
            prefix=starter.prefix,
            suffix=starter.suffix,
        )
