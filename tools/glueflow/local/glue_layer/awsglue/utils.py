"""`getResolvedOptions`: job arguments the way Glue parses them.

Glue documents: options are `--KEY value` (or `--KEY=value`) pairs in `sys.argv`; the names you ask for are
required (a missing one fails the run with "the following arguments are required: --KEY", raised as
GlueArgumentError); `JOB_NAME`, `JOB_ID`, `JOB_RUN_ID`, `SECURITY_CONFIGURATION`, `TempDir`, the bookmark and
encryption options are Glue's own and may be read but not redefined; unknown extra options are ignored; the
result always carries `job_bookmark_option` (default `job-bookmark-disable`). The platform arguments a workflow
run adds (`WORKFLOW_NAME`, `WORKFLOW_RUN_ID`) are ordinary options: ask for them like any other.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from typing import Any, NoReturn

BOOKMARK_OPTIONS = ("job-bookmark-enable", "job-bookmark-pause", "job-bookmark-disable")
# Glue's older spelling of the bookmark option, mapped position by position onto BOOKMARK_OPTIONS.
CONTINUATION_OPTIONS = ("continuation-enabled", "continuation-readonly", "continuation-ignore")
RANGE_OPTIONS = ("job-bookmark-from", "job-bookmark-to")
ID_OPTIONS = ("JOB_ID", "JOB_RUN_ID", "SECURITY_CONFIGURATION")  # JOB_NAME may be asked for; these are reserved
RESERVED = ("job-bookmark-option", "continuation-option", *RANGE_OPTIONS, *ID_OPTIONS, "encryption-type",
            "enable-data-lineage")  # fmt: skip

_global_args: dict[str, Any] = {}


class GlueArgumentError(Exception):
    """A required job argument is missing or an option has a value Glue does not accept."""


class GlueArgumentParser(argparse.ArgumentParser):
    """argparse that raises GlueArgumentError instead of printing usage and exiting."""

    def error(self, message: str) -> NoReturn:
        raise GlueArgumentError(message)


def _parser(options: Sequence[str]) -> GlueArgumentParser:
    parser = GlueArgumentParser()
    parser.add_argument("--job-bookmark-option", choices=BOOKMARK_OPTIONS, required=False)
    parser.add_argument("--continuation-option", choices=CONTINUATION_OPTIONS, required=False)
    for name in (*RANGE_OPTIONS, *ID_OPTIONS):
        parser.add_argument(f"--{name}", required=False)
    parser.add_argument("--encryption-type", choices=("sse-s3",))
    parser.add_argument("--enable-data-lineage", required=False)
    parser.add_argument("--RedshiftTempDir", required=False)
    parser.add_argument("--TempDir", required=False)
    for option in options:
        if option not in ("RedshiftTempDir", "TempDir"):
            parser.add_argument(f"--{option}", required=True)
    return parser


def getResolvedOptions(args: Sequence[str], options: Sequence[str]) -> dict[str, Any]:
    """{option: value} for each name in `options` plus Glue's own options (None when absent).

    `args` is `sys.argv` (its first item, the script, is skipped). Raises GlueArgumentError naming every missing
    required option, and RuntimeError when a script asks for one of Glue's reserved options.
    """
    for option in options:
        if option in RESERVED:
            raise RuntimeError(f"Using reserved arguments {option}")
    parsed = vars(_parser(options).parse_known_args(list(args[1:]))[0])
    if parsed.get("TempDir") is not None:
        parsed["RedshiftTempDir"] = parsed["TempDir"]
    elif parsed.get("RedshiftTempDir") is not None:
        parsed["TempDir"] = parsed["RedshiftTempDir"]
    continuation = parsed.pop("continuation_option", None)
    if parsed.get("job_bookmark_option") is None:
        parsed["job_bookmark_option"] = (
            BOOKMARK_OPTIONS[CONTINUATION_OPTIONS.index(continuation)] if continuation else "job-bookmark-disable"
        )
    _check_range(parsed)
    _global_args.update(parsed)
    return parsed


def _check_range(parsed: dict[str, Any]) -> None:
    """`--job-bookmark-from`/`--job-bookmark-to` go together, and only with job-bookmark-pause."""
    missing = [f"--{o}" for o in RANGE_OPTIONS if parsed.get(o.replace("-", "_")) is None]
    if parsed["job_bookmark_option"] == "job-bookmark-pause":
        if len(missing) == 1:
            raise RuntimeError(f"Missing option or value for {missing[0]}")
    elif not missing:
        raise RuntimeError("Invalid option(s) " + " ".join(f"--{o}" for o in RANGE_OPTIONS))
