"""Job arguments with the `awsglue.utils.getResolvedOptions` contract, usable without awsglue installed."""

from __future__ import annotations

from collections.abc import Sequence


class MissingArgumentError(ValueError):
    """A required job argument was not passed."""


def resolved_options(argv: Sequence[str], names: Sequence[str]) -> dict[str, str]:
    """Return {name: value} for each `--name value` (or `--name=value`) in argv; every name is required.

    Like getResolvedOptions, a later occurrence wins, and names are given without the leading dashes.
    """
    found: dict[str, str] = {}
    items = list(argv[1:])
    index = 0
    while index < len(items):
        token = items[index]
        if token.startswith("--"):
            key, eq, value = token[2:].partition("=")
            if not eq and index + 1 < len(items) and not items[index + 1].startswith("--"):
                value = items[index + 1]
                index += 1
            found[key] = value
        index += 1
    missing = [n for n in names if n not in found]
    if missing:
        raise MissingArgumentError(f"missing job argument(s): {', '.join('--' + n for n in missing)}")
    return {name: found[name] for name in names}


def optional_option(argv: Sequence[str], name: str, default: str | None = None) -> str | None:
    """The value of `--name` if present, else `default`."""
    try:
        return resolved_options(argv, [name])[name]
    except MissingArgumentError:
        return default
