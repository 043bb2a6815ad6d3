"""Argument values the provider schema cannot carry (enums, version pairings), checked at validate/plan time."""

from __future__ import annotations

from typing import Any

from tf.utils import Diagnostics


def check_values(type_name: str, config: dict[str, Any] | None) -> Diagnostics:
    return Diagnostics()
