"""Every spec rule, each with a bad spec: the error names the file, the key path and the line."""

from __future__ import annotations

from pathlib import Path

import pytest

from glueflow.errors import GlueflowError, SpecError, SpecProblem
from glueflow.spec import load_deployment

VALID = """\
name: bad
description: a small pipeline used to test validation
workflow:
  max_concurrent_runs: 1
crawlers:
  source:
    targets:
      - bucket: raw
        prefix: bad/input/
jobs:
  clean:
    template: testing/noop.py.j2
    arguments:
      --OUTPUT: s3://${bucket.processed}/bad/
  report:
    template: testing/noop.py.j2
triggers:
  start:
    type: on_demand
    start:
      - crawler: source
  crawled:
    type: conditional
    when:
      all:
        - crawler: source
          state: SUCCEEDED
    start:
      - job: clean
  cleaned:
    type: conditional
    when:
      any:
        - job: clean
          state: SUCCEEDED
    start:
      - job: report
"""


@pytest.fixture
def bad_project(project: Path) -> Path:
    (project / "glue_jobs" / "testing").mkdir()
    (project / "glue_jobs" / "testing" / "noop.py.j2").write_text("print('noop')\n")
    return project


def line_of(text: str, needle: str, occurrence: int = 1) -> int:
    seen = 0
    for number, line in enumerate(text.splitlines(), start=1):
        if needle in line:
            seen += 1
            if seen == occurrence:
                return number
    raise AssertionError(f"{needle!r} not in the spec text")


def problems(root: Path, text: str, file: str = "pipelines/bad.yaml") -> list[SpecProblem]:
    (root / "pipelines" / "bad.yaml").write_text(text)
    with pytest.raises(SpecError) as caught:
        load_deployment("local", root=root)
    return [p for p in caught.value.problems if p.file == file]


def only(found: list[SpecProblem]) -> SpecProblem:
    assert len(found) == 1, [p.render() for p in found]
    return found[0]


def test_the_valid_spec_loads(bad_project: Path) -> None:
    (bad_project / "pipelines" / "bad.yaml").write_text(VALID)
    deployment = load_deployment("local", root=bad_project)
    pipeline = deployment.tfvars.pipelines["bad"]
    assert pipeline.workflow_name == "glueflow-local-bad"
    assert pipeline.jobs["clean"].default_arguments["--OUTPUT"] == "s3://glueflow-local-processed-000000000000/bad/"
    assert pipeline.triggers["cleaned"].logical == "ANY"


def test_misspelled_key_is_reported_with_its_line(bad_project: Path) -> None:
    text = VALID.replace(
        "    template: testing/noop.py.j2\n    arguments:",
        "    template: testing/noop.py.j2\n    workres: 3\n    arguments:",
    )
    problem = only(problems(bad_project, text))
    assert problem.key_path == "jobs.clean.workres"
    assert problem.line == line_of(text, "workres")
    assert "unknown key 'workres'" in problem.message


def test_trigger_naming_an_unknown_job_lists_the_known_jobs(bad_project: Path) -> None:
    text = VALID.replace("      - job: report", "      - job: reprot")
    found = problems(bad_project, text)
    problem = next(p for p in found if "reprot" in p.message)
    assert {p.key_path for p in found} == {"triggers.cleaned.start[0].job", "jobs.report"}  # report is now unstarted
    assert problem.key_path == "triggers.cleaned.start[0].job"
    assert problem.line == line_of(text, "job: reprot")
    assert problem.message == "unknown job 'reprot'"
    assert problem.hint == "jobs defined in this pipeline are: clean, report"
    assert "pipelines/bad.yaml:" in problem.render()


def test_condition_on_an_unknown_crawler(bad_project: Path) -> None:
    text = VALID.replace(
        "        - crawler: source\n          state: SUCCEEDED", "        - crawler: sauce\n          state: SUCCEEDED"
    )
    found = problems(bad_project, text)
    problem = next(p for p in found if "sauce" in p.message)
    assert problem.key_path == "triggers.crawled.when.all[0].crawler"
    assert problem.line == line_of(text, "crawler: sauce")


def test_two_start_triggers_are_rejected(bad_project: Path) -> None:
    text = VALID.replace(
        "  cleaned:\n    type: conditional\n    when:\n      any:\n        - job: clean\n          state: SUCCEEDED\n",
        "  cleaned:\n    type: schedule\n    schedule: cron(0 2 * * ? *)\n",
    )
    problem = only(problems(bad_project, text))
    assert problem.key_path == "triggers.cleaned.type"
    assert problem.line == line_of(text, "type: schedule")
    assert "exactly one start trigger" in problem.message


def test_a_workflow_without_start_trigger_is_rejected(bad_project: Path) -> None:
    text = VALID.replace(
        "    type: on_demand\n    start:\n      - crawler: source",
        "    type: conditional\n    when:\n      all:\n        - job: report\n          state: FAILED\n    start:\n      - crawler: source",
    )
    found = problems(bad_project, text)
    assert any(p.message == "the workflow has no start trigger" and p.key_path == "triggers" for p in found)


def test_job_in_predicate_and_actions_of_one_trigger(bad_project: Path) -> None:
    text = VALID.replace("    start:\n      - job: report", "    start:\n      - job: report\n      - job: clean")
    found = problems(bad_project, text)
    problem = next(p for p in found if "both watched and started" in p.message)
    assert problem.key_path == "triggers.cleaned.when.any[0].job"
    assert problem.line == line_of(text, "- job: clean", 2)  # the condition, not the first trigger's action


def test_more_than_two_crawlers_per_trigger(bad_project: Path) -> None:
    crawlers = "".join(f"  c{i}:\n    targets:\n      - bucket: raw\n        prefix: bad/c{i}/\n" for i in range(3))
    text = VALID.replace("jobs:\n", crawlers + "jobs:\n", 1).replace(
        "    type: on_demand\n    start:\n      - crawler: source",
        "    type: on_demand\n    start:\n      - crawler: source\n      - crawler: c0\n      - crawler: c1\n      - crawler: c2",
    )
    problem = only(problems(bad_project, text))
    assert problem.key_path == "triggers.start.start"
    assert "at most 2 crawlers; this one starts 4" in problem.message


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        (
            "        - job: clean\n          state: SUCCEEDED",
            "        - job: clean\n          state: RUNNING",
            "state 'RUNNING' cannot be watched on a job; use one of SUCCEEDED, STOPPED, FAILED, TIMEOUT",
        ),
        (
            "        - crawler: source\n          state: SUCCEEDED",
            "        - crawler: source\n          state: STOPPED",
            "state 'STOPPED' cannot be watched on a crawler; use one of SUCCEEDED, FAILED, CANCELLED",
        ),
    ],
)
def test_predicate_states_are_limited_to_what_glue_watches(
    bad_project: Path, old: str, new: str, expected: str
) -> None:
    text = VALID.replace(old, new)
    problem = only(problems(bad_project, text))
    assert problem.message == expected
    assert problem.key_path.endswith(".state")
    assert problem.line == line_of(text, new.splitlines()[1].strip())


@pytest.mark.parametrize(
    ("schedule", "expected"),
    [
        ("rate(1 day)", "rate(...) is not valid for Glue triggers"),
        ("cron(0 2 * * * *)", "exactly one of day-of-month and day-of-week must be '?'"),
        ("cron(0 25 * * ? *)", "hours: 25 is out of range 0-23"),
    ],
)
def test_schedules_must_be_aws_cron(bad_project: Path, schedule: str, expected: str) -> None:
    text = VALID.replace("    type: on_demand\n", f"    type: schedule\n    schedule: {schedule}\n")
    problem = only(problems(bad_project, text))
    assert problem.key_path == "triggers.start.schedule"
    assert problem.line == line_of(text, "schedule:")
    assert expected in problem.message


def test_cycles_are_rejected(bad_project: Path) -> None:
    text = VALID + (
        "  loop:\n    type: conditional\n    when:\n      all:\n        - job: report\n          state: SUCCEEDED\n"
        "    start:\n      - job: clean\n"
    )
    problem = only(problems(bad_project, text))
    assert "the trigger graph has a cycle: job clean → job report → job clean" in problem.message


def test_condition_naming_both_a_job_and_a_crawler(bad_project: Path) -> None:
    text = VALID.replace(
        "        - job: clean\n          state: SUCCEEDED",
        "        - job: clean\n          crawler: source\n          state: SUCCEEDED",
    )
    problem = only(problems(bad_project, text))
    assert problem.key_path == "triggers.cleaned.when.any[0]"
    assert "exactly one of 'job' or 'crawler'" in problem.message


def test_when_takes_all_or_any_not_both(bad_project: Path) -> None:
    text = VALID.replace(
        "      any:\n        - job: clean\n          state: SUCCEEDED\n",
        "      any:\n        - job: clean\n          state: SUCCEEDED\n      all:\n        - job: clean\n          state: FAILED\n",
    )
    problem = only(problems(bad_project, text))
    assert problem.key_path == "triggers.cleaned.when"
    assert "exactly one of 'all'" in problem.message


def test_missing_template_names_the_templates_that_exist(bad_project: Path) -> None:
    text = VALID.replace("  report:\n    template: testing/noop.py.j2", "  report:\n    template: testing/nope.py.j2")
    problem = only(problems(bad_project, text))
    assert problem.key_path == "jobs.report.template"
    assert problem.line == line_of(text, "nope.py.j2")
    assert "testing/noop.py.j2" in (problem.hint or "")


def test_missing_sample_file(bad_project: Path) -> None:
    text = VALID + "sample_data:\n  - key: bad/input/x.csv\n    file: sample_data/missing.csv\n"
    problem = only(problems(bad_project, text))
    assert problem.key_path == "sample_data[0].file"
    assert problem.line == line_of(text, "missing.csv")


def test_unknown_argument_placeholder(bad_project: Path) -> None:
    text = VALID.replace("${bucket.processed}", "${bucket.procesed}")
    problem = only(problems(bad_project, text))
    assert problem.key_path == "jobs.clean.arguments.--OUTPUT"
    assert "unknown placeholder 'bucket.procesed'" in problem.message
    assert "${bucket.processed}" in (problem.hint or "")


def test_argument_names_need_two_dashes(bad_project: Path) -> None:
    text = VALID.replace("      --OUTPUT:", "      OUTPUT:")
    problem = only(problems(bad_project, text))
    assert problem.key_path == "jobs.clean.arguments"
    assert "must start with '--'" in problem.message


def test_a_node_no_trigger_starts(bad_project: Path) -> None:
    text = VALID.replace("jobs:\n", "jobs:\n  orphan:\n    template: testing/noop.py.j2\n", 1)
    problem = only(problems(bad_project, text))
    assert problem.key_path == "jobs.orphan"
    assert problem.line == line_of(text, "orphan:")


def test_name_must_match_the_file(bad_project: Path) -> None:
    problem = only(problems(bad_project, VALID.replace("name: bad", "name: good")))
    assert problem.key_path == "name" and problem.line == 1


def test_python_shell_jobs_need_glue_3(bad_project: Path) -> None:
    text = VALID.replace(
        "  report:\n    template: testing/noop.py.j2",
        "  report:\n    template: testing/noop.py.j2\n    type: pythonshell",
    )
    problem = only(problems(bad_project, text))
    assert problem.key_path == "jobs.report"
    assert "glue_version: '3.0'" in problem.message


def test_invalid_yaml_reports_the_line(bad_project: Path) -> None:
    text = VALID.replace("  max_concurrent_runs: 1", "  max_concurrent_runs: [1")
    (bad_project / "pipelines" / "bad.yaml").write_text(text)
    with pytest.raises(SpecError) as caught:
        load_deployment("local", root=bad_project)
    problem = only(caught.value.problems)
    assert problem.file == "pipelines/bad.yaml"
    assert "invalid YAML" in problem.message
    assert problem.line is not None and problem.line >= line_of(text, "max_concurrent_runs")


def test_several_problems_in_several_files_are_reported_together(bad_project: Path) -> None:
    text = VALID.replace("workflow:\n", "workflw:\n").replace(
        "  clean:\n    template", "  clean:\n    workers: 1\n    template"
    )
    (bad_project / "pipelines" / "bad.yaml").write_text(text)
    env = bad_project / "envs" / "local.yaml"
    env.write_text(env.read_text().replace("region: us-east-1", "region: moon-1"))
    with pytest.raises(SpecError) as caught:
        load_deployment("local", root=bad_project)
    rendered = str(caught.value)
    assert "3 problems" in rendered
    assert "pipelines/bad.yaml:3  workflw: unknown key 'workflw'" in rendered
    assert "pipelines/bad.yaml:12  jobs.clean.workers: Input should be greater than or equal to 2" in rendered
    assert "envs/local.yaml:" in rendered and "region" in rendered


def test_env_override_of_an_unknown_job(bad_project: Path) -> None:
    (bad_project / "pipelines" / "bad.yaml").write_text(VALID)
    env = bad_project / "envs" / "local.yaml"
    env.write_text(env.read_text() + "overrides:\n  bad:\n    jobs:\n      claen:\n        workers: 4\n")
    with pytest.raises(SpecError) as caught:
        load_deployment("local", root=bad_project)
    problem = only(caught.value.problems)
    assert (problem.file, problem.key_path) == ("envs/local.yaml", "overrides.bad.jobs.claen")
    assert problem.line == line_of(env.read_text(), "claen:")
    assert problem.hint == "its jobs: clean, report"


def test_aws_env_needs_a_state_bucket(bad_project: Path) -> None:
    env = bad_project / "envs" / "dev.yaml"
    env.write_text("\n".join(line for line in env.read_text().splitlines() if not line.startswith("state_bucket")))
    with pytest.raises(SpecError) as caught:
        load_deployment("dev", root=bad_project)
    assert "needs 'state_bucket'" in str(caught.value)


def test_unknown_env_lists_the_envs(bad_project: Path) -> None:
    with pytest.raises(GlueflowError) as caught:
        load_deployment("qa", root=bad_project)
    assert "envs/qa.yaml does not exist" in str(caught.value)
    assert caught.value.hint == "envs in this repo: dev, local, prod, staging"


# --- connections -----------------------------------------------------------------------------------------------

CONNECTION = """\
connections:
  warehouse:
    jdbc_url: jdbc:redshift://wh.example.eu-west-1.redshift.amazonaws.com:5439/db
    secret_arn: arn:aws:secretsmanager:eu-west-1:111111111111:secret:glueflow/dev/warehouse-AbCdEf
    subnet_id: subnet-00000000000000001
    security_group_ids: [sg-00000000000000001]
    availability_zone: eu-west-1a
"""


def with_connection(text: str, name: str = "warehouse") -> str:
    return text.replace(
        "  clean:\n    template: testing/noop.py.j2\n",
        f"  clean:\n    template: testing/noop.py.j2\n    connections: [{name}]\n",
    )


def env_problems(root: Path, env: str) -> list[SpecProblem]:
    with pytest.raises(SpecError) as caught:
        load_deployment(env, root=root)
    return caught.value.problems


def write_env_connections(root: Path, env: str, block: str) -> str:
    path = root / "envs" / f"{env}.yaml"
    text = path.read_text().split("\nconnections:\n")[0].rstrip("\n").split("# Glue JDBC connections")[0].rstrip("\n")
    text += "\n" + block
    path.write_text(text)
    return text


def test_a_job_naming_a_connection_the_aws_env_lacks_lists_the_defined_ones(bad_project: Path) -> None:
    write_env_connections(bad_project, "dev", CONNECTION)
    text = with_connection(VALID, "warehose")
    (bad_project / "pipelines" / "bad.yaml").write_text(text)
    problem = only([p for p in env_problems(bad_project, "dev") if p.file == "pipelines/bad.yaml"])
    assert problem.key_path == "jobs.clean.connections[0]"
    assert problem.line == line_of(text, "connections: [warehose]")
    assert problem.message == "connection 'warehose' is not defined in envs/dev.yaml"
    assert problem.hint == "connections defined in env 'dev': warehouse"
    assert problem.render().startswith(f"pipelines/bad.yaml:{problem.line}  jobs.clean.connections[0]:")


def test_an_aws_env_without_connections_says_none_are_defined(bad_project: Path) -> None:
    write_env_connections(bad_project, "dev", "")
    (bad_project / "pipelines" / "bad.yaml").write_text(with_connection(VALID))
    found = [p for p in env_problems(bad_project, "dev") if p.file == "pipelines/bad.yaml"]
    # covid_hiring's load_warehouse names `warehouse` too; this file's problem is the one checked here
    assert only(found).hint == "connections defined in env 'dev': none"


def test_a_local_env_needs_no_connection_and_the_job_keeps_its_physical_names(bad_project: Path) -> None:
    text = with_connection(VALID).replace("--OUTPUT: s3://${bucket.processed}/bad/", "--CONN: ${connection.warehouse}")
    (bad_project / "pipelines" / "bad.yaml").write_text(text)
    deployment = load_deployment("local", root=bad_project)
    assert deployment.tfvars.environment.connections == {}
    job = deployment.tfvars.pipelines["bad"].jobs["clean"]
    assert job.connections == ["glueflow-local-warehouse"]
    assert job.default_arguments["--CONN"] == "glueflow-local-warehouse"
    assert deployment.tfvars.pipelines["bad"].jobs["report"].connections == []


def test_connections_resolve_to_physical_names_on_aws_envs(bad_project: Path) -> None:
    deployment = load_deployment("dev", root=bad_project)
    connection = deployment.tfvars.environment.connections["warehouse"]
    assert connection.name == "glueflow-dev-warehouse"
    assert connection.secret_arn.startswith("arn:aws:secretsmanager:eu-west-1:111111111111:secret:")
    assert (connection.subnet_id, connection.availability_zone) == ("subnet-00000000000000001", "eu-west-1a")
    assert connection.secret_kms_key_arn is None
    load = deployment.tfvars.pipelines["covid_hiring"].jobs["load_warehouse"]
    assert load.connections == ["glueflow-dev-warehouse"]
    assert load.default_arguments["--WAREHOUSE_CONNECTION"] == "glueflow-dev-warehouse"
    assert all(not j.connections for j in deployment.tfvars.pipelines["customer_purchases"].jobs.values())


@pytest.mark.parametrize("key", ["password", "username"])
def test_a_connection_never_takes_credentials(bad_project: Path, key: str) -> None:
    text = write_env_connections(bad_project, "dev", CONNECTION + f"    {key}: hunter2\n")
    problem = only(env_problems(bad_project, "dev"))
    assert (problem.file, problem.key_path) == ("envs/dev.yaml", f"connections.warehouse.{key}")
    assert problem.line == line_of(text, f"{key}: hunter2")
    assert "credentials are never in the spec" in problem.message
    assert "secret_arn" in (problem.hint or "")


@pytest.mark.parametrize(
    ("old", "new", "key", "expected"),
    [
        (
            "secret_arn: arn:aws:secretsmanager:eu-west-1:111111111111:secret:glueflow/dev/warehouse-AbCdEf",
            "secret_arn: glueflow/dev/warehouse",
            "secret_arn",
            "is not a Secrets Manager secret ARN",
        ),
        (
            "jdbc_url: jdbc:redshift://wh.example.eu-west-1.redshift.amazonaws.com:5439/db",
            "jdbc_url: https://wh.example.com/db",
            "jdbc_url",
            "is not a JDBC URL like jdbc:redshift://<host>:5439/<database>",
        ),
        (
            "jdbc_url: jdbc:redshift://wh.example.eu-west-1.redshift.amazonaws.com:5439/db",
            "jdbc_url: jdbc:redshift://wh.example.com:5439/db?user=admin&password=x",
            "jdbc_url",
            "must not carry credentials",
        ),
        ("subnet_id: subnet-00000000000000001", "subnet_id: sub-1", "subnet_id", "does not match the expected form"),
        (
            "availability_zone: eu-west-1a",
            "availability_zone: us-east-1a",
            "availability_zone",
            "not in the env's region",
        ),
        (
            "111111111111:secret:glueflow/dev/warehouse-AbCdEf",
            "111111111111:secret:glueflow/dev/warehouse-AbCdEf\n    secret_kms_key_arn: alias/x",
            "secret_kms_key_arn",
            "is not a KMS key ARN",
        ),
    ],
)
def test_connection_shapes_are_checked_with_their_line(
    bad_project: Path, old: str, new: str, key: str, expected: str
) -> None:
    text = write_env_connections(bad_project, "dev", CONNECTION.replace(old, new))
    problem = only(env_problems(bad_project, "dev"))
    assert (problem.file, problem.key_path) == ("envs/dev.yaml", f"connections.warehouse.{key}")
    assert problem.line == line_of(text, f"{key}:")
    assert expected in problem.message


def test_a_connection_secret_in_another_region_is_rejected(bad_project: Path) -> None:
    text = write_env_connections(
        bad_project, "dev", CONNECTION.replace("secretsmanager:eu-west-1", "secretsmanager:us-east-1")
    )
    problem = only(env_problems(bad_project, "dev"))
    assert problem.key_path == "connections.warehouse.secret_arn"
    assert problem.line == line_of(text, "secret_arn:")
    assert "region us-east-1, not the env's region eu-west-1" in problem.message


def test_env_schedule_overrides_are_checked_as_aws_cron(bad_project: Path) -> None:
    (bad_project / "pipelines" / "bad.yaml").write_text(VALID)
    env = bad_project / "envs" / "local.yaml"
    env.write_text(env.read_text() + "overrides:\n  bad:\n    triggers:\n      start:\n        schedule: rate(1 day)\n")
    with pytest.raises(SpecError) as caught:
        load_deployment("local", root=bad_project)
    problem = only(caught.value.problems)
    assert (problem.file, problem.key_path) == ("envs/local.yaml", "overrides.bad.triggers.start.schedule")
    assert "rate(...) is not valid for Glue triggers" in problem.message
