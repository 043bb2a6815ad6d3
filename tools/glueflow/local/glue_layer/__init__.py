"""glueflow's own `awsglue` package for local job runs (never uploaded: on AWS, Glue's library is used).

`install()` is called by the job launcher for glueetl and python-shell runs: it puts this folder on `sys.path`
(so `import awsglue` finds `glue_layer/awsglue`) and makes `SparkContext()` return the session the launcher
already built, as it does on Glue, where stock scripts start with `sc = SparkContext()`.

The supported APIs and where they differ from AWS Glue are listed in docs/awsglue.md.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

LAYER_DIR = Path(__file__).resolve().parent


def install() -> None:
    """Make `awsglue` importable and `SparkContext()` reuse the active context (idempotent)."""
    if str(LAYER_DIR) not in sys.path:
        sys.path.insert(0, str(LAYER_DIR))
    reuse_active_spark_context()


def reuse_active_spark_context() -> None:
    """`SparkContext()` while a context is active returns it instead of raising "Cannot run multiple
    SparkContexts at once" (Glue's driver also hands scripts its pre-built context). Arguments a script passes
    (a SparkConf, an app name) are ignored then, as the session is already configured."""
    from pyspark import SparkContext

    if getattr(SparkContext, "_glueflow_reuse", False):
        return
    original_new = SparkContext.__new__
    original_init = SparkContext.__init__

    def __new__(cls: type, *args: Any, **kwargs: Any) -> Any:
        active = SparkContext._active_spark_context
        if active is not None and cls is SparkContext:
            return active
        if original_new is object.__new__:
            return object.__new__(cls)
        return original_new(cls, *args, **kwargs)

    def __init__(self: Any, *args: Any, **kwargs: Any) -> None:
        if self is SparkContext._active_spark_context and getattr(self, "_jsc", None) is not None:
            return
        original_init(self, *args, **kwargs)

    SparkContext.__new__ = __new__  # type: ignore[method-assign]
    SparkContext.__init__ = __init__  # type: ignore[method-assign]
    SparkContext._glueflow_reuse = True  # type: ignore[attr-defined]
