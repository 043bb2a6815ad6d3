"""How much a Spark job run will read, before it starts: what picks its JIT (jobs.choose_jit) and whether its
queries get whole-stage generated code (choose_codegen).

The input is what the run's argument paths under the local buckets hold, plus the locations of the catalog
tables in the databases its arguments name (a stock Glue script reads `--DATABASE_NAME`'s tables), less the
files a committed bookmark says were processed (a bookmarked rerun reads only the new ones), and less Parquet,
which is what jobs write (their outputs sit under the same arguments and tables) and is cheap to scan.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

# Below this input a query is cheaper without whole-stage code generation: Spark compiles each new plan's fused
# Java with Janino, which under a spare's C1-only JIT costs more than it saves on small data. Measured with the
# map_purchases plan (text columns, casts, quarantine reasons, a Parquet write), JVM+driver CPU time, compiled vs
# fully interpreted: 5 rows 7.6-8.1 vs 6.8-7.0 s; 1.1 MB 8.2-9.1 vs 7.5-9.5 s; 5.6 MB 8.2-8.6 vs 8.3-9.1 s; 23 MB
# 11.3 vs 19.0-19.5 s. Break-even ~2 MB.
# Adaptive execution is off too: it runs every shuffle stage of a query as a Spark job of its own and plans the
# rest again after it, to coalesce or re-join partitions that a small input does not have (the launcher's 2
# shuffle partitions). With it off, one-task writes of small outputs (glueflow_lib.sinks) and small batches
# deduplicated in the write (process_sales), the bookmarked process_sales rerun (10k new lines) went from a median
# of 4.2 s to 3.5 s (5 alternating runs each from one saved state).
CODEGEN_INPUT_BYTES = 2 << 20
SMALL_INPUT_CONF = {"spark.sql.codegen.wholeStage": "false", "spark.sql.adaptive.enabled": "false"}
# Below this input expressions are not compiled either (`factoryMode=NO_CODEGEN`: every projection and predicate
# interpreted): a new job compiles ~100 expression classes with Janino, ~0.5 s of a spare's C1 JIT, for a few
# rows. map_purchases (5 rows) on a warm spare: `glueflow run` 1.7-1.9 s instead of 2.2-2.4 s, the script
# 1.1-1.4 s instead of 1.5-1.9 s. The bookmarked process_sales rerun (10k new lines + 10k customers, ~1 MB) was
# no faster interpreted, so the bar is far lower than whole-stage's. Spark's typed decoding breaks in this mode
# (`spark.catalog.listTables()`: "argument type mismatch"): the launcher compiles again for catalog calls
# (lazy_catalog.compiled_catalog_calls).
INTERPRETED_INPUT_BYTES = 64 << 10
TINY_INPUT_CONF = {"spark.sql.codegen.factoryMode": "NO_CODEGEN"}


def input_paths(arguments: Iterable[str], catalog: dict[str, Any]) -> list[str]:
    """The run's (local, translated) argument values, plus the locations of the catalog tables (and their
    partitions) in the databases that an argument names."""
    paths = list(arguments)
    named = set(paths)
    for table in catalog.get("tables", []):
        if table.get("database") in named:
            paths.append(table["location"])
            paths += [p["location"] for p in table.get("partitions", [])]
    return paths


def input_bytes(paths: Iterable[str], s3_root: Path, processed: set[str], limit: int) -> int:
    """Bytes of the non-Parquet files under `paths` (comma-separated lists too; those inside the local buckets
    only) not in `processed`, counted until `limit` is reached (a large input is not walked to its end).

    One walk answers every choice below (the runtime walks with the largest limit): an output folder with a year
    of partitions holds thousands of files, and three pathlib walks of them, each resolving every file, cost a
    bookmarked rerun's start 0.14-0.3 s."""
    total = 0
    root = s3_root.resolve()
    seen: set[str] = set()
    for part in (part for value in paths for part in value.split(",")):
        path = Path(part.removeprefix("file://"))
        if not path.is_absolute() or not (path := path.resolve()).is_relative_to(root):
            continue
        for file, size in _files(path):
            if file in seen or file.endswith(".parquet"):
                continue
            seen.add(file)
            if Path(file).as_uri() not in processed:
                total += size
                if total >= limit:
                    return total
    return total


def _files(path: Path) -> Iterator[tuple[str, int]]:
    """(real path, size) of `path` or of the files under it. A bookmark lists real paths: a walk from a resolved
    folder yields real paths as it goes (symlinked folders are not followed), and a symlinked file is resolved."""
    if path.is_file():
        yield str(path), path.stat().st_size
    else:
        yield from _walk(str(path))


def _walk(folder: str) -> Iterator[tuple[str, int]]:
    """`_files` under `folder`, with what os.scandir already knows of each entry (no second stat per folder)."""
    try:
        entries = list(os.scandir(folder))
    except OSError:  # not a folder, or gone mid-walk (a job writing): nothing to read there
        return
    for entry in entries:
        if entry.is_dir(follow_symlinks=False):
            yield from _walk(entry.path)
        elif entry.is_file():
            try:
                size = entry.stat().st_size
            except OSError:  # gone mid-walk
                continue
            yield (os.path.realpath(entry.path) if entry.is_symlink() else entry.path), size


def choose_codegen(size: int) -> bool:
    """Whether a run reading `size` bytes (input_bytes) gets generated code: not under CODEGEN_INPUT_BYTES."""
    return size >= CODEGEN_INPUT_BYTES


def choose_interpreted(size: int) -> bool:
    """Whether a run reading `size` bytes interprets its expressions rather than compiling them: under
    INTERPRETED_INPUT_BYTES."""
    return size < INTERPRETED_INPUT_BYTES
