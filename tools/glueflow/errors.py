"""The exception types a user may see. Each carries a hint and an exit code; the CLI prints them without a
traceback (unless --debug)."""

from __future__ import annotations

from dataclasses import dataclass

from glueflow.glue import ExitCode


class GlueflowError(Exception):
    """An error the user can fix; printed without a traceback."""

    def __init__(self, message: str, *, hint: str | None = None, exit_code: int = ExitCode.USAGE) -> None:
        super().__init__(message)
        self.hint = hint
        self.exit_code = exit_code


@dataclass(frozen=True)
class SpecProblem:
    """One problem in a spec file, located by file, line and key path."""

    file: str
    line: int | None
    key_path: str
    message: str
    hint: str | None = None

    def render(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        text = f"{where}  {self.key_path}: {self.message}" if self.key_path else f"{where}  {self.message}"
        return f"{text}\n  hint: {self.hint}" if self.hint else text


class SpecError(GlueflowError):
    """Every problem found in the pipeline and env specs, reported together."""

    def __init__(self, problems: list[SpecProblem]) -> None:
        self.problems = sorted(problems, key=lambda p: (p.file, p.line or 0, p.key_path))
        count = len(self.problems)
        header = f"{count} problem{'s' if count != 1 else ''} in the pipeline specs:"
        super().__init__("\n".join([header, *(p.render() for p in self.problems)]), exit_code=ExitCode.SPEC)
