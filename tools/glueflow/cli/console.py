"""The rich consoles every command prints through (stdout for results, stderr for diagnostics)."""

from rich.console import Console

out = Console(highlight=False, soft_wrap=True)
err = Console(stderr=True, highlight=False, soft_wrap=True)
