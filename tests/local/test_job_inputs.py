"""What a Spark job run will read, before it starts: its argument paths and the tables of the catalog databases its
arguments name, less Parquet and bookmarked files; small inputs run without generated code."""

from __future__ import annotations

from pathlib import Path

import pytest

from glueflow.local import job_inputs, jobs


@pytest.fixture
def s3(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setattr(job_inputs, "CODEGEN_INPUT_BYTES", 1000)
    monkeypatch.setattr(job_inputs, "INTERPRETED_INPUT_BYTES", 500)
    monkeypatch.setattr(jobs, "TIERED_INPUT_BYTES", 2000)
    raw = tmp_path / "s3" / "raw"
    for table in ("orders", "customers"):
        (raw / table).mkdir(parents=True)
        for index in range(3):
            (raw / table / f"part-{index}.csv").write_text("x" * 400)
    (raw / "orders" / "old.parquet").write_text("x" * 5000)
    return tmp_path / "s3"


def _catalog(s3: Path) -> dict[str, object]:
    return {
        "databases": ["sales", "crm"],
        "tables": [
            {"database": "sales", "name": "orders", "location": str(s3 / "raw" / "orders"), "partitions": []},
            {"database": "crm", "name": "customers", "location": str(s3 / "raw" / "customers"), "partitions": []},
        ],
    }


def _size(paths: list[str], s3: Path, processed: frozenset[str] = frozenset()) -> int:
    """What the runtime walks: up to the largest threshold (jobs.TIERED_INPUT_BYTES)."""
    return job_inputs.input_bytes(paths, s3, set(processed), jobs.TIERED_INPUT_BYTES)


def test_the_tables_of_databases_an_argument_names_are_inputs(s3: Path) -> None:
    paths = job_inputs.input_paths(["sales", str(s3 / "processed" / "out")], _catalog(s3))
    assert paths == ["sales", str(s3 / "processed" / "out"), str(s3 / "raw" / "orders")]
    size = job_inputs.input_bytes(paths, s3, set(), limit=10**9)
    assert size == 1200  # three CSVs; Parquet does not count
    assert job_inputs.choose_codegen(size) is True
    assert jobs.choose_jit(size, "auto") == "c1"
    both = job_inputs.input_paths(["sales", "crm"], _catalog(s3))
    assert jobs.choose_jit(_size(both, s3), "auto") == "tiered"  # 2400 bytes
    assert jobs.choose_jit(_size(both, s3), "c1") == "c1"  # a setting wins


def test_small_or_bookmarked_inputs_run_without_codegen_and_outside_paths_do_not_count(
    s3: Path, tmp_path: Path
) -> None:
    orders = s3 / "raw" / "orders"
    assert job_inputs.choose_codegen(_size([str(orders / "part-0.csv")], s3)) is False
    processed = frozenset((orders / f"part-{i}.csv").resolve().as_uri() for i in (0, 1))
    assert job_inputs.choose_codegen(_size([str(orders)], s3, processed)) is False  # one new file to read
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (outside / "big.csv").write_text("x" * 5000)
    assert job_inputs.choose_codegen(_size([str(outside), "--not-a-path", "sales"], s3)) is False
    listed = f"{orders / 'part-0.csv'},{orders / 'part-1.csv'},{orders / 'part-2.csv'}"
    assert job_inputs.choose_codegen(_size([listed], s3)) is True  # comma-separated paths count each
    assert _size([str(orders), listed], s3) == 1200  # a file named twice counts once


def test_only_tiny_inputs_run_interpreted(s3: Path) -> None:
    orders = s3 / "raw" / "orders"
    assert job_inputs.choose_interpreted(_size([str(orders / "part-0.csv")], s3)) is True  # 400 bytes
    assert job_inputs.choose_interpreted(_size([str(orders)], s3)) is False  # 1200 bytes, Parquet aside
    processed = frozenset((orders / f"part-{i}.csv").resolve().as_uri() for i in (0, 1))
    assert job_inputs.choose_interpreted(_size([str(orders)], s3, processed)) is True  # one new file to read
    assert job_inputs.choose_interpreted(_size(["--not-a-path"], s3)) is True  # nothing to read


def test_nested_folders_count_and_a_symlinked_file_is_known_by_its_real_path(s3: Path) -> None:
    orders = s3 / "raw" / "orders"
    day = orders / "year=2024" / "day=01"
    day.mkdir(parents=True)
    (day / "late.csv").write_text("x" * 300)
    (orders / "_SUCCESS").write_text("")
    assert _size([str(orders)], s3) == 1500  # nested partition folders are walked
    linked = s3 / "raw" / "linked"
    linked.mkdir()
    (linked / "alias.csv").symlink_to(orders / "part-0.csv")
    assert _size([str(linked)], s3) == 400
    # A bookmark names the real file: the alias is what an earlier run already read.
    assert _size([str(linked)], s3, frozenset({(orders / "part-0.csv").resolve().as_uri()})) == 0
    assert _size([str(linked), str(orders)], s3) == 1500  # the real file once, through either name
