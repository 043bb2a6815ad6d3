"""Local bookmark state (docs/glue-semantics.md, "Job bookmarks"), local storage helpers, and the library's portability: it imports without
pyspark/awsglue for python-shell jobs and uses no syntax newer than Python 3.9 (Glue python-shell)."""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

from glueflow_lib import storage
from glueflow_lib.bookmarks import LocalBookmarks

LIBRARY = Path(__file__).resolve().parents[2] / "glue_jobs" / "lib"


def test_new_files_skip_committed_ones_unless_rewritten(tmp_path: Path) -> None:
    state_in = tmp_path / "in.json"
    state_in.write_text(json.dumps({"version": 1, "sources": {"s": {"files": {"a": 1, "b": 2}}}}))
    bookmarks = LocalBookmarks(state_in, tmp_path / "out.json")

    assert bookmarks.new_files("s", {"a": 1, "b": 3, "c": 4}) == {"b": 3, "c": 4}
    assert bookmarks.new_files("other", {"a": 1}) == {"a": 1}
    bookmarks.commit()

    written = json.loads((tmp_path / "out.json").read_text())
    assert written["sources"] == {"other": {"files": {"a": 1}}, "s": {"files": {"a": 1, "b": 3, "c": 4}}}


def test_without_bookmark_in_everything_is_new_and_no_out_means_no_write(tmp_path: Path) -> None:
    bookmarks = LocalBookmarks(None, None)
    assert bookmarks.new_files("s", {"a": 1}) == {"a": 1}
    bookmarks.commit()  # no BOOKMARK_OUT: nothing to write, no error
    assert list(tmp_path.iterdir()) == []


def test_list_files_skips_hidden_and_underscore_files(tmp_path: Path) -> None:
    (tmp_path / "d" / "_temporary").mkdir(parents=True)
    for name in ("d/a.csv", "d/_SUCCESS", "d/.a.csv.crc", "d/_temporary/x.csv", "b.csv"):
        (tmp_path / name).write_text("x")
    assert sorted(Path(uri[len("file://") :]).name for uri in storage.list_files(str(tmp_path))) == ["a.csv", "b.csv"]
    storage.write_text(str(tmp_path / "n" / "f.json"), "{}")
    storage.copy(str(tmp_path / "n" / "f.json"), str(tmp_path / "m" / "g.json"))
    assert storage.read_text(str(tmp_path / "m" / "g.json")) == "{}"
    assert storage.join("s3://b/p/", "/x/", "y.json") == "s3://b/p/x/y.json"


def test_library_imports_without_pyspark_or_awsglue() -> None:
    code = (
        "import sys; sys.modules['pyspark'] = None; sys.modules['awsglue'] = None\n"
        "from glueflow_lib import args, bookmarks, context, dq, quarantine, run_properties, sinks, sources, storage\n"
        "from glueflow_lib import warehouse, platform\n"
        "print(platform.on_glue())"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], env={"PYTHONPATH": str(LIBRARY)}, capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "False"


def test_library_parses_as_python_3_9() -> None:
    for source in sorted((LIBRARY / "glueflow_lib").glob("*.py")):
        ast.parse(source.read_text(encoding="utf-8"), filename=str(source), feature_version=(3, 9))
