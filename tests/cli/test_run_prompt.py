"""What Ctrl-C does during `glueflow run`, and how run properties are parsed."""

from __future__ import annotations

import sys
from typing import Any

import pytest
import typer
from glue_shapes import ALL_SUCCEEDED, RUNNING

from glueflow.cli.run import interrupt_prompt, parse_properties
from glueflow.errors import GlueflowError
from glueflow.follow import run_status

GOING = [run_status("customer_purchases", RUNNING["Run"])]


class _Stdin:
    def __init__(self, tty: bool) -> None:
        self.tty = tty

    def isatty(self) -> bool:
        return self.tty


def _answer(monkeypatch: pytest.MonkeyPatch, tty: bool, reply: Any) -> None:
    monkeypatch.setattr(sys, "stdin", _Stdin(tty))

    def confirm(*args: Any, **kwargs: Any) -> bool:
        if isinstance(reply, BaseException):
            raise reply
        return bool(reply)

    monkeypatch.setattr(typer, "confirm", confirm)


@pytest.mark.parametrize(
    ("in_process", "tty", "reply", "choice"),
    [
        (False, True, True, "stop"),
        (True, True, True, "stop"),
        (False, True, False, "detach"),  # AWS / a separate serve: the run goes on without us
        (True, True, False, "continue"),  # the runtime lives in this process: keep following
        (False, True, typer.Abort(), "detach"),  # a second Ctrl-C at the prompt
        (True, True, typer.Abort(), "stop"),
        (False, False, None, "detach"),  # no one to ask (CI)
        (True, False, None, "stop"),
    ],
)
def test_ctrl_c_asks_whether_to_stop_and_falls_back_safely(
    monkeypatch: pytest.MonkeyPatch, in_process: bool, tty: bool, reply: Any, choice: str
) -> None:
    _answer(monkeypatch, tty, reply)

    assert interrupt_prompt(in_process)(GOING) == choice


def test_ctrl_c_after_every_run_finished_just_goes_on_to_the_summary(monkeypatch: pytest.MonkeyPatch) -> None:
    _answer(monkeypatch, True, AssertionError("must not ask"))

    assert interrupt_prompt(False)([run_status("p", ALL_SUCCEEDED["Run"])]) == "continue"


def test_run_properties_are_key_value_pairs() -> None:
    assert parse_properties(["a=1", "b=x=y", "empty="]) == {"a": "1", "b": "x=y", "empty": ""}
    with pytest.raises(GlueflowError, match="'nope' is not KEY=VALUE"):
        parse_properties(["nope"])
