"""CLI import time: `python -m benchmarks.cli_imports [ARGS...]`.

Runs `python -X importtime -m glueflow.cli.main ARGS` and sums the cumulative time of the top-level imports
(CPython's own accounting: module execution only, not the command's work), median of `--repeat` runs.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
from pathlib import Path


def import_seconds(args: list[str], cwd: Path | None = None, env: dict[str, str] | None = None) -> float:
    """Seconds spent importing modules for one `glueflow ARGS` process."""
    command = [sys.executable, "-X", "importtime", "-m", "glueflow.cli.main", *args]
    result = subprocess.run(command, capture_output=True, text=True, cwd=cwd, env=env or dict(os.environ), check=False)
    total = 0
    for line in result.stderr.splitlines():
        if not line.startswith("import time:") or "cumulative" in line:
            continue
        _, cumulative, name = line[len("import time:") :].split("|", 2)
        if not name.startswith("  "):  # a top-level import: its cumulative time includes its children
            total += int(cumulative)
    return total / 1_000_000


def median_import_seconds(args: list[str], repeat: int = 5, cwd: Path | None = None) -> float:
    return statistics.median(import_seconds(args, cwd) for _ in range(repeat))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.cli_imports", description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("args", nargs="*", default=["--help"])
    options = parser.parse_args(argv)
    print(f"glueflow {' '.join(options.args)}: {median_import_seconds(options.args, options.repeat):.3f} s imports")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
