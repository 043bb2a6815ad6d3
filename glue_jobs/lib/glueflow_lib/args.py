"""Job arguments with the `awsglue.utils.getResolvedOptions` contract, usable without awsglue installed."""

from __future__ import annotations

from collections.abc import Sequence


class MissingArgumentError(ValueError):
    """A required job argument was not passed."""


def all_options(argv: Sequence[str]) -> dict[str, str]:
    """Every `--name value` / `--name=value` pair in argv (argv[0] is the script); a later occurrence wins.

    A flag without a value (`--enable-metrics` followed by another `--x`) maps to "".
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
    return found


def resolved_options(argv: Sequence[str], names: Sequence[str]) -> dict[str, str]:
    """Return {name: value} for each required name, like getResolvedOptions (names without leading dashes)."""
    found = all_options(argv)
    missing = [n for n in names if n not in found]
    if missing:
        raise MissingArgumentError(f"missing job argument(s): {', '.join('--' + n for n in missing)}")
    return {name: found[name] for name in names}


def optional_option(argv: Sequence[str], name: str, default: str | None = None) -> str | None:
    """The value of `--name` if present, else `default`."""
    return all_options(argv).get(name, default)
