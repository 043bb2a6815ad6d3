"""The rich consoles every command prints through (stdout for results, stderr for diagnostics)."""

import os
import sys

from rich.console import Console

# Piped output (CI logs, `| tee`) has no terminal width; rich would assume 80 columns and wrap every table cell.
_PIPED_WIDTH = max(140, int(os.environ.get("COLUMNS", "0") or 0))


def _width(stream: object) -> int | None:
    return None if getattr(stream, "isatty", lambda: False)() else _PIPED_WIDTH


out = Console(highlight=False, soft_wrap=True, width=_width(sys.stdout))
err = Console(stderr=True, highlight=False, soft_wrap=True, width=_width(sys.stderr))
