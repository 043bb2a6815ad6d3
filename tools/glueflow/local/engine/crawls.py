"""Crawls: StartCrawler and workflow crawler actions. A crawl runs in-process (glueflow.local.crawler), then
applies its result to the catalog, unless it was cancelled meanwhile."""

from __future__ import annotations

import time
import traceback
import uuid
from pathlib import Path
from typing import Any

from glueflow.dag import Node
from glueflow.glue import CrawlState, NodeType
from glueflow.local import errors
from glueflow.local.catalog import apply_crawl_result
from glueflow.local.engine.core import JSON, EngineCore
from glueflow.local.engine.records import CrawlRecord


class Crawls(EngineCore):
    def crawler_running(self, name: str) -> bool:
        return any(CrawlRecord.from_body(c).state == CrawlState.RUNNING for c in self.store.crawls(name)[:5])

    def start_crawler(self, name: str) -> str:
        with self._lock:
            if self.store.definition("crawler", name) is None:
                raise errors.not_found(f"Crawler entry with name {name} does not exist")
            if self.crawler_running(name):
                raise errors.GlueApiError("CrawlerRunningException", f"Crawler with name {name} has already started")
            return self._start_crawl(name, None, None)

    def _start_crawl(self, name: str, run_id: str | None, trigger: str | None) -> str:
        crawler = self.store.definition("crawler", name)
        crawl_id = str(uuid.uuid4())
        log_dir = self.logs_dir / "crawlers"
        crawl = CrawlRecord(
            crawl_id=crawl_id,
            crawler_name=name,
            workflow_run_id=run_id,
            state=CrawlState.RUNNING,
            started_on=time.time(),
            log_group=str(log_dir),
            log_stream=f"{crawl_id}.log",
            trigger_name=trigger,
        )
        if crawler is None or self.crawler_running(name):
            crawl.state = CrawlState.ERROR if crawler is None else CrawlState.FAILED
            crawl.completed_on = time.time()
            crawl.error_message = (
                f"Entity not found: crawler {name}" if crawler is None else f"Crawler {name} is already running"
            )
            self.store.put_crawl(crawl.to_body())
            if crawler is not None:
                self._spawn(
                    lambda: self._node_finished(run_id, Node(NodeType.CRAWLER, name), CrawlState.FAILED), run_id
                )
            return crawl_id
        self.store.put_crawl(crawl.to_body())
        self.store.add_event("CrawlStarted", run_id, name, {"id": crawl_id})
        self._spawn(lambda: self._run_crawl(crawler, crawl), run_id)
        return crawl_id

    def _run_crawl(self, crawler: JSON, crawl: CrawlRecord) -> None:
        run_id = crawl.workflow_run_id
        log_path = Path(crawl.log_group) / crawl.log_stream
        log_path.parent.mkdir(parents=True, exist_ok=True)
        with self._crawl_slots, log_path.open("a", encoding="utf-8") as log:
            state, message, counts = self._crawl(crawler, crawl, log)
        now = time.time()
        with self._lock:
            crawl.state, crawl.completed_on = state, now
            crawl.tables_created, crawl.tables_updated, crawl.tables_deleted = counts
            if message:
                crawl.error_message = message
            self.store.put_crawl(crawl.to_body())
            self.store.add_event("CrawlFinished", run_id, crawler["Name"], {"id": crawl.crawl_id, "state": state})
        self._node_finished(run_id, Node(NodeType.CRAWLER, crawler["Name"]), state)

    def _crawl(
        self, crawler: JSON, crawl: CrawlRecord, log: Any
    ) -> tuple[CrawlState, str | None, tuple[int, int, int]]:
        if self._stopping(crawl.workflow_run_id) or crawl.crawl_id in self._cancelled:
            return CrawlState.CANCELLED, "Crawl was stopped before it started.", (0, 0, 0)
        try:
            from glueflow.local.crawler import CrawlTarget
            from glueflow.local.crawler import crawl as run_crawler

            database = crawler["DatabaseName"]
            targets = [
                CrawlTarget(
                    local_path=Path(self.s3.local_path(t["Path"])),
                    s3_path=t["Path"],
                    exclusions=t.get("Exclusions", []),
                    classifiers=crawler.get("_classifiers", []),
                )
                for t in crawler["Targets"]["S3Targets"]
            ]
            existing = {t["Name"]: t for t in self.store.tables(database)}
            policy = crawler["SchemaChangePolicy"]
            result = run_crawler(
                targets,
                database=database,
                table_prefix=crawler.get("TablePrefix", ""),
                existing=existing,
                update_behavior=policy["UpdateBehavior"],
                delete_behavior=policy["DeleteBehavior"],
                crawler_name=crawler["Name"],
            )
            for message in result.messages:
                log.write(message + "\n")
            if crawl.crawl_id in self._cancelled or self._stopping(crawl.workflow_run_id):
                log.write("Crawl cancelled: its results were not written to the catalog.\n")
                return CrawlState.CANCELLED, None, (0, 0, 0)
            counts = apply_crawl_result(self.store, database, result)
            log.write(f"Catalog updated: {counts[0]} created, {counts[1]} updated, {counts[2]} deleted.\n")
            return CrawlState.SUCCEEDED, None, counts
        except Exception as exc:
            log.write(traceback.format_exc())
            return CrawlState.FAILED, f"{type(exc).__name__}: {exc}", (0, 0, 0)
