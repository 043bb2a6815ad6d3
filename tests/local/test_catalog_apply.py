"""Applying crawl results to the store: the crawler decides the policy, the catalog writes what it decided."""

from __future__ import annotations

import shutil
from pathlib import Path

from glueflow.local.catalog import apply_crawl_result
from glueflow.local.crawler import CrawlTarget, crawl
from glueflow.local.store import Store


def _crawl(store: Store, root: Path, *, update: str, delete: str) -> tuple[int, int, int]:
    existing = {t["Name"]: t for t in store.tables("db")} if store.database("db") else {}
    result = crawl(
        [CrawlTarget(root / "bucket" / "events", "s3://bucket/events/", [])],
        database="db",
        table_prefix="",
        existing=existing,
        update_behavior=update,
        delete_behavior=delete,
        crawler_name="c1",
    )
    return apply_crawl_result(store, "db", result)


def test_deprecation_is_written_even_when_schema_updates_are_only_logged(tmp_path: Path) -> None:
    data = tmp_path / "data" / "bucket" / "events"
    data.mkdir(parents=True)
    (data / "a.csv").write_text("id,name\n1,x\n2,y\n")
    store = Store(tmp_path / "state")
    try:
        assert _crawl(store, tmp_path / "data", update="LOG", delete="DEPRECATE_IN_DATABASE") == (1, 0, 0)
        shutil.rmtree(data)
        data.mkdir()
        created, updated, deleted = _crawl(store, tmp_path / "data", update="LOG", delete="DEPRECATE_IN_DATABASE")
        assert (created, updated, deleted) == (0, 1, 0)
        assert "DEPRECATED_BY_CRAWLER" in store.table("db", "events")["Parameters"]
    finally:
        store.close()
