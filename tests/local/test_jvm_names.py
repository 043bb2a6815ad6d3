"""A job process looks each Java class, package and static method up once (jvm_names): PySpark's functions stop
paying Py4J reflection round trips per call, and what they build is unchanged."""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest

from glueflow.local import jvm_names

pytestmark = pytest.mark.spark

# py4j.protocol: REFLECTION_COMMAND_NAME + REFL_GET_MEMBER_SUB_COMMAND_NAME, then the class
FUNCTION_LOOKUP = "r\nm\norg.apache.spark.sql.functions\n"
MEMBER_LOOKUP = "r\nm\n"


@pytest.fixture
def commands(spark: Any, monkeypatch: pytest.MonkeyPatch) -> Counter[str]:
    """Py4J commands sent from here on, by kind; the lookups are restored to Py4J's own after the test."""
    from py4j.java_gateway import JavaClass, JavaPackage, JVMView

    for owner in (JVMView, JavaPackage, JavaClass):
        monkeypatch.setattr(owner, "__getattr__", owner.__getattr__)
    client = spark.sparkContext._gateway._gateway_client
    sent: Counter[str] = Counter()
    send = client.send_command

    def counting(command: str, *args: Any, **kwargs: Any) -> Any:
        sent[FUNCTION_LOOKUP if command.startswith(FUNCTION_LOOKUP) else command[:4]] += 1
        return send(command, *args, **kwargs)

    monkeypatch.setattr(client, "send_command", counting)
    return sent


def _build(spark: Any) -> list[Any]:
    from pyspark.sql import functions as F

    frame = spark.createDataFrame([(1, "a"), (2, "b"), (3, None)], "id int, name string")
    checked = frame.select(
        F.col("id"),
        F.when(F.col("name").isNull(), F.format_string("id %s has no name", "id")).alias("reason"),
        F.upper(F.coalesce(F.col("name"), F.lit("?"))).alias("name"),
    )
    return checked.orderBy("id").collect()


def test_functions_are_looked_up_once_and_build_the_same_queries(spark: Any, commands: Counter[str]) -> None:
    before = _build(spark)
    assert commands[FUNCTION_LOOKUP] >= 5  # Py4J's own: a round trip per function used (col, when, lit, ...)

    jvm_names.install()
    jvm_names.install()  # idempotent: one layer of memory, not two
    first = _build(spark)
    commands.clear()
    again = _build(spark)

    assert first == again == before
    assert [tuple(row) for row in again] == [(1, None, "A"), (2, None, "B"), (3, "id 3 has no name", "?")]
    assert commands[FUNCTION_LOOKUP] == 0  # every function came from memory


def test_fields_packages_and_missing_names_are_asked_again(spark: Any, commands: Counter[str]) -> None:
    from py4j.protocol import Py4JError

    jvm_names.install()
    jvm = spark.sparkContext._jvm
    integer = jvm.java.lang.Integer
    assert integer.MAX_VALUE == 2**31 - 1
    commands.clear()
    assert integer.MAX_VALUE == 2**31 - 1
    assert commands[MEMBER_LOOKUP] == 1  # a static field is a value: read again, not remembered
    for _ in range(2):
        with pytest.raises(Py4JError):
            integer.noSuchGlueflowMember  # noqa: B018
    assert "noSuchGlueflowMember" not in vars(integer)  # not found: asked again next time
    assert "java" not in vars(jvm) and "lang" not in vars(jvm.java)  # packages: a later import may make a class
    assert "valueOf" not in vars(integer)
    assert integer.valueOf("7") == 7
    assert "valueOf" in vars(integer)  # a static method: kept
