"""Apply each module's example (modules/<module>/examples/<name>/) in a sandbox account with pytest-terraform,
assert on the applied state what the module promises (encryption, predicates, timeouts, ...), then destroy.

Marked `sandbox`: `make test` deselects them; `make test-sandbox` runs them, and each skips with its reason when
AWS credentials or the hashicorp/aws provider are missing, or when the module has no example yet.
"""

from __future__ import annotations

import atexit
import json
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from py.path import local
from pytest_terraform import terraform

pytestmark = pytest.mark.sandbox
MODULES = Path(__file__).resolve().parents[2] / "modules"

State = Any  # pytest_terraform.tf.TerraformTestApi: .resources[type][name] -> attributes, .outputs


def _aws_modules() -> list[Path]:
    """Modules that create AWS resources (provider-free ones are covered by `terraform test`)."""
    return sorted(
        d
        for d in MODULES.glob("*")
        if (d / "versions.tf").is_file() and "hashicorp/aws" in (d / "versions.tf").read_text()
    )


def _examples(module: Path) -> list[Path]:
    return sorted(d for d in (module / "examples").glob("*") if d.is_dir() and any(d.glob("*.tf")))


def _fixture_name(example: Path) -> str:
    return f"tf_{example.parent.parent.name}__{example.name}".replace("-", "_")


EXAMPLES = [example for module in _aws_modules() for example in _examples(module)]
MODULES_WITHOUT_EXAMPLES = [m for m in _aws_modules() if not _examples(m)]


def _copy_of(example: Path) -> local:
    """The example inside a temp copy of modules/ and lambda/ (examples use sibling modules and the Lambda source),
    so Terraform's lock file, archives and pytest-terraform's state record never land in the repo."""
    copy = Path(tempfile.mkdtemp(prefix="glueflow-sandbox-"))
    atexit.register(shutil.rmtree, copy, ignore_errors=True)
    shutil.copytree(MODULES, copy / "modules", ignore=shutil.ignore_patterns(".terraform*", "tf_resources.json"))
    shutil.copytree(MODULES.parent / "lambda", copy / "lambda", ignore=shutil.ignore_patterns("__pycache__"))
    return local(str(copy / example.relative_to(MODULES.parent)))


# One pytest-terraform fixture per example, resolved (when the test runs) to a fresh copy of the example: not a path
# relative to this file, which pytest-terraform would also use as a tmp dir name.
for _example in EXAMPLES:
    terraform(_fixture_name(_example), scope="function", name=_fixture_name(_example))
    terraform.get_fixture(_fixture_name(_example)).resolve_module_dir = lambda e=_example: _copy_of(e)


def instances(state: State, resource_type: str) -> list[dict[str, Any]]:
    found = list(state.resources.get(resource_type, {}).values())
    assert found, f"the example created no {resource_type}"
    return found


def _first(block: Any) -> dict[str, Any]:
    return block[0] if isinstance(block, list) and block else {}


def check_data_lake(state: State) -> None:
    algorithms = {
        _first(_first(sse["rule"])["apply_server_side_encryption_by_default"])["sse_algorithm"]
        for sse in instances(state, "aws_s3_bucket_server_side_encryption_configuration")
    }
    assert "aws:kms" in algorithms
    for block in instances(state, "aws_s3_bucket_public_access_block"):
        assert all(
            block[k]
            for k in ("block_public_acls", "block_public_policy", "ignore_public_acls", "restrict_public_buckets")
        )


def check_kms(state: State) -> None:
    assert all(key["enable_key_rotation"] for key in instances(state, "aws_kms_key"))


def check_glue_security(state: State) -> None:
    for config in instances(state, "aws_glue_security_configuration"):
        encryption = _first(config["encryption_configuration"])
        assert _first(encryption["s3_encryption"])["s3_encryption_mode"] == "SSE-KMS"
        assert _first(encryption["cloudwatch_encryption"])["cloudwatch_encryption_mode"] == "SSE-KMS"
        assert _first(encryption["job_bookmarks_encryption"])["job_bookmarks_encryption_mode"] == "CSE-KMS"


def check_glue_job(state: State) -> None:
    for job in instances(state, "aws_glue_job"):
        assert job["timeout"] > 0 and job["security_configuration"]


def check_glue_crawler(state: State) -> None:
    assert all(crawler["security_configuration"] for crawler in instances(state, "aws_glue_crawler"))


def check_glue_workflow(state: State) -> None:
    instances(state, "aws_glue_workflow")
    for trigger in instances(state, "aws_glue_trigger"):
        if trigger["type"] == "CONDITIONAL":
            predicate = _first(trigger["predicate"])
            assert predicate["logical"] in ("AND", "ANY") and predicate["conditions"]


def check_lambda_starter(state: State) -> None:
    for function in instances(state, "aws_lambda_function"):
        assert (function["runtime"], function["handler"]) == ("python3.12", "handler.lambda_handler")
        assert _first(function["dead_letter_config"])["target_arn"]


def check_glue_iam(state: State) -> None:
    for policy in state.resources.get("aws_iam_role_policy", {}).values():
        for statement in json.loads(policy["policy"])["Statement"]:
            actions = statement["Action"] if isinstance(statement["Action"], list) else [statement["Action"]]
            assert "*" not in actions


def check_monitoring(state: State) -> None:
    assert all(topic["kms_master_key_id"] for topic in instances(state, "aws_sns_topic"))


def check_glue_catalog(state: State) -> None:
    instances(state, "aws_glue_catalog_database")


def check_glue_connection(state: State) -> None:
    for connection in instances(state, "aws_glue_connection"):
        properties = connection["connection_properties"]
        assert connection["connection_type"] == "JDBC"
        assert properties["JDBC_ENFORCE_SSL"] == "true" and properties["SECRET_ID"]
        assert not {"USERNAME", "PASSWORD"} & set(properties)
        assert _first(connection["physical_connection_requirements"])["subnet_id"]


def check_athena_query(state: State) -> None:
    for workgroup in instances(state, "aws_athena_workgroup"):
        configuration = _first(workgroup["configuration"])
        assert configuration["enforce_workgroup_configuration"]
        result = _first(configuration["result_configuration"])
        assert _first(result["encryption_configuration"])["encryption_option"] == "SSE_KMS"
    for policy in instances(state, "aws_iam_policy"):
        for statement in json.loads(policy["policy"])["Statement"]:
            assert statement["Resource"] != "*"


CHECKS: dict[str, Callable[[State], None]] = {
    "data_lake": check_data_lake,
    "kms": check_kms,
    "glue_security": check_glue_security,
    "glue_job": check_glue_job,
    "glue_crawler": check_glue_crawler,
    "glue_workflow": check_glue_workflow,
    "lambda_starter": check_lambda_starter,
    "glue_iam": check_glue_iam,
    "monitoring": check_monitoring,
    "glue_catalog": check_glue_catalog,
    "glue_connection": check_glue_connection,
    "athena_query": check_athena_query,
}


@pytest.mark.parametrize("example", EXAMPLES, ids=[f"{e.parent.parent.name}/{e.name}" for e in EXAMPLES])
def test_module_example_applies_with_its_promises_and_destroys(example: Path, request: pytest.FixtureRequest) -> None:
    state = request.getfixturevalue(_fixture_name(example))  # init + apply now; destroy at teardown
    assert state.resources, "the example applied nothing"
    for name in state.outputs:
        assert state.outputs[name].get("value") is not None, f"output {name} has no value"
    CHECKS.get(example.parent.parent.name, lambda _: None)(state)


@pytest.mark.parametrize("module", MODULES_WITHOUT_EXAMPLES, ids=[m.name for m in MODULES_WITHOUT_EXAMPLES])
def test_module_without_an_example_is_skipped_with_the_reason(module: Path) -> None:
    pytest.skip(f"modules/{module.name} has no examples/<name>/ yet: nothing to apply in the sandbox")
