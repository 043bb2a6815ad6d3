"""The local runtime's state: one SQLite file per env (WAL, transactions).

It holds definitions (from TfVars, in Glue's API shapes), workflow runs, node runs (job runs with attempts,
crawls), the catalog (databases, tables, partitions), bookmarks and events. Rows keep Glue-shaped JSON bodies
beside the few columns we query on, so the API returns what is stored.

Each runtime process claims an *owner* token and holds an flock on `owners/<token>.lock` while it lives.
On open, runs owned by a token whose lock nobody holds belong to a dead runtime and are recovered: RUNNING job
runs and crawls → FAILED with a message saying the runtime stopped, their workflow runs → ERROR (STOPPING →
STOPPED). flock is released by the kernel when a process dies, so this is robust to SIGKILL and PID reuse.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import sqlite3
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from glueflow.glue import (
    ACTIVE_JOB_RUN_STATES,
    ACTIVE_WORKFLOW_RUN_STATUSES,
    CrawlState,
    JobRunState,
    WorkflowRunStatus,
)

JSON = dict[str, Any]
# SQL `IN (?, ...)` over the active states: the states are parameters, spelled once in glueflow.glue.
_ACTIVE_JOBS = f"IN ({', '.join('?' * len(ACTIVE_JOB_RUN_STATES))})"
_ACTIVE_RUNS = f"IN ({', '.join('?' * len(ACTIVE_WORKFLOW_RUN_STATUSES))})"
RUNTIME_STOPPED = "The glueflow local runtime stopped (its process died) while this run was in progress."

_SCHEMA = """
CREATE TABLE IF NOT EXISTS definitions (
    kind TEXT NOT NULL, name TEXT NOT NULL, pipeline TEXT NOT NULL, body TEXT NOT NULL,
    PRIMARY KEY (kind, name));
CREATE TABLE IF NOT EXISTS workflow_runs (
    run_id TEXT PRIMARY KEY, workflow TEXT NOT NULL, status TEXT NOT NULL, owner TEXT NOT NULL,
    seq INTEGER NOT NULL, body TEXT NOT NULL, snapshot TEXT NOT NULL, fired TEXT NOT NULL DEFAULT '[]',
    copied TEXT NOT NULL DEFAULT '{}');
CREATE INDEX IF NOT EXISTS workflow_runs_by_name ON workflow_runs (workflow, seq);
CREATE TABLE IF NOT EXISTS job_runs (
    id TEXT PRIMARY KEY, job_name TEXT NOT NULL, workflow_run_id TEXT, state TEXT NOT NULL, owner TEXT NOT NULL,
    seq INTEGER NOT NULL, body TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS job_runs_by_job ON job_runs (job_name, seq);
CREATE INDEX IF NOT EXISTS job_runs_by_run ON job_runs (workflow_run_id, seq);
CREATE TABLE IF NOT EXISTS crawls (
    crawl_id TEXT PRIMARY KEY, crawler_name TEXT NOT NULL, workflow_run_id TEXT, state TEXT NOT NULL,
    owner TEXT NOT NULL, seq INTEGER NOT NULL, body TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS crawls_by_crawler ON crawls (crawler_name, seq);
CREATE INDEX IF NOT EXISTS crawls_by_run ON crawls (workflow_run_id, seq);
CREATE TABLE IF NOT EXISTS databases (name TEXT PRIMARY KEY, body TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS tables (
    database TEXT NOT NULL, name TEXT NOT NULL, body TEXT NOT NULL, PRIMARY KEY (database, name));
CREATE TABLE IF NOT EXISTS table_versions (
    database TEXT NOT NULL, name TEXT NOT NULL, version INTEGER NOT NULL, body TEXT NOT NULL,
    PRIMARY KEY (database, name, version));
CREATE TABLE IF NOT EXISTS partitions (
    database TEXT NOT NULL, table_name TEXT NOT NULL, vals TEXT NOT NULL, body TEXT NOT NULL,
    PRIMARY KEY (database, table_name, vals));
CREATE TABLE IF NOT EXISTS bookmarks (job_name TEXT PRIMARY KEY, body TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS events (
    seq INTEGER PRIMARY KEY AUTOINCREMENT, time REAL NOT NULL, kind TEXT NOT NULL, workflow_run_id TEXT,
    node TEXT, detail TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS counters (name TEXT PRIMARY KEY, value INTEGER NOT NULL);
"""


def _dumps(value: object) -> str:
    return json.dumps(value, sort_keys=True)


class Store:
    """Thread-safe access to one env's SQLite state (one connection guarded by a lock)."""

    def __init__(self, state_dir: Path, *, claim: bool = True) -> None:
        self.state_dir = state_dir
        state_dir.mkdir(parents=True, exist_ok=True)
        self.path = state_dir / "glueflow.sqlite"
        self._lock = threading.RLock()
        self._depth = 0
        # Every recorded event bumps the generation and wakes waiters (followers of a run: wait_for_event).
        self.generation = 0
        self._events = threading.Condition(threading.Lock())
        self._conn = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False, timeout=30)
        self._conn.execute("PRAGMA journal_mode=WAL")
        self._conn.execute("PRAGMA synchronous=NORMAL")
        self._conn.executescript(_SCHEMA)
        self.owner = uuid.uuid4().hex
        self._owner_file: int | None = None
        if claim:
            self._claim_owner()
            self.recovered = self.recover_dead_owners()
        else:
            self.recovered = []

    # --- plumbing ---------------------------------------------------------------------------------------

    @contextlib.contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """BEGIN IMMEDIATE … COMMIT (ROLLBACK on error); nested calls join the outer transaction."""
        with self._lock:
            outer = self._depth == 0
            if outer:
                self._conn.execute("BEGIN IMMEDIATE")
            self._depth += 1
            try:
                yield self._conn
            except BaseException:
                self._depth -= 1
                if outer:
                    self._conn.execute("ROLLBACK")
                raise
            self._depth -= 1
            if outer:
                self._conn.execute("COMMIT")

    def _query(self, sql: str, params: tuple[object, ...] = ()) -> list[sqlite3.Row]:
        with self._lock:
            return list(self._conn.execute(sql, params))

    def close(self) -> None:
        with self._lock:
            self._conn.close()
            if self._owner_file is not None:
                os.close(self._owner_file)
                (self.state_dir / "owners" / f"{self.owner}.lock").unlink(missing_ok=True)
                self._owner_file = None

    def next_seq(self, name: str) -> int:
        with self.transaction() as conn:
            conn.execute(
                "INSERT INTO counters (name, value) VALUES (?, 1) ON CONFLICT(name) DO UPDATE SET value = value + 1",
                (name,),
            )
            return int(conn.execute("SELECT value FROM counters WHERE name = ?", (name,)).fetchone()[0])

    # --- owners and recovery ----------------------------------------------------------------------------

    def _claim_owner(self) -> None:
        owners = self.state_dir / "owners"
        owners.mkdir(exist_ok=True)
        fd = os.open(owners / f"{self.owner}.lock", os.O_CREAT | os.O_RDWR, 0o644)
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        self._owner_file = fd

    def _owner_alive(self, owner: str) -> bool:
        if owner == self.owner:
            return True
        path = self.state_dir / "owners" / f"{owner}.lock"
        try:
            fd = os.open(path, os.O_RDWR)
        except FileNotFoundError:
            return False
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return True
        finally:
            os.close(fd)
        path.unlink(missing_ok=True)
        return False

    def recover_dead_owners(self) -> list[str]:
        """Finish the runs of dead runtimes; returns the workflow run ids that were recovered."""
        owners = {
            row[0]
            for table, column in (("job_runs", "state"), ("crawls", "state"), ("workflow_runs", "status"))
            for row in self._query(
                f"SELECT DISTINCT owner FROM {table} WHERE {column} {_ACTIVE_JOBS}", ACTIVE_JOB_RUN_STATES
            )
        }
        dead = [owner for owner in owners if not self._owner_alive(owner)]
        recovered: list[str] = []
        now = time.time()
        with self.transaction():
            for owner in dead:
                for row in self._query(
                    f"SELECT body FROM job_runs WHERE owner = ? AND state {_ACTIVE_JOBS}",
                    (owner, *ACTIVE_JOB_RUN_STATES),
                ):
                    run = json.loads(row[0])
                    stopping = run["JobRunState"] == JobRunState.STOPPING
                    run.update(
                        JobRunState=JobRunState.STOPPED if stopping else JobRunState.FAILED,
                        ErrorMessage=RUNTIME_STOPPED,
                        CompletedOn=now,
                        LastModifiedOn=now,
                        ExecutionTime=int(now - run.get("StartedOn", now)),
                    )
                    self.put_job_run(run, owner=owner)
                for row in self._query(
                    "SELECT body FROM crawls WHERE owner = ? AND state = ?", (owner, CrawlState.RUNNING)
                ):
                    crawl = json.loads(row[0])
                    crawl.update(State=CrawlState.FAILED, ErrorMessage=RUNTIME_STOPPED, CompletedOn=now)
                    self.put_crawl(crawl, owner=owner)
                for row in self._query(
                    f"SELECT run_id, body FROM workflow_runs WHERE owner = ? AND status {_ACTIVE_RUNS}",
                    (owner, *ACTIVE_WORKFLOW_RUN_STATUSES),
                ):
                    run = json.loads(row[1])
                    stopping = run["Status"] == WorkflowRunStatus.STOPPING
                    run.update(
                        Status=WorkflowRunStatus.STOPPED if stopping else WorkflowRunStatus.ERROR, CompletedOn=now
                    )
                    if not stopping:
                        run["ErrorMessage"] = RUNTIME_STOPPED
                    self.update_workflow_run(run)
                    self.add_event("WorkflowRunRecovered", row[0], None, {"status": run["Status"]})
                    recovered.append(row[0])
        return recovered

    # --- definitions ------------------------------------------------------------------------------------

    def replace_definitions(self, pipeline: str, definitions: dict[str, dict[str, JSON]]) -> None:
        """Replace one pipeline's definitions ({kind: {name: body}}) in one transaction."""
        with self.transaction() as conn:
            conn.execute("DELETE FROM definitions WHERE pipeline = ?", (pipeline,))
            for kind, items in definitions.items():
                for name, body in items.items():
                    conn.execute(
                        "INSERT OR REPLACE INTO definitions (kind, name, pipeline, body) VALUES (?, ?, ?, ?)",
                        (kind, name, pipeline, _dumps(body)),
                    )

    def definition(self, kind: str, name: str) -> JSON | None:
        rows = self._query("SELECT body FROM definitions WHERE kind = ? AND name = ?", (kind, name))
        return json.loads(rows[0][0]) if rows else None

    def definitions(self, kind: str) -> list[JSON]:
        return [
            json.loads(r[0]) for r in self._query("SELECT body FROM definitions WHERE kind = ? ORDER BY name", (kind,))
        ]

    def put_definition(self, kind: str, name: str, body: JSON) -> None:
        with self.transaction() as conn:
            conn.execute("UPDATE definitions SET body = ? WHERE kind = ? AND name = ?", (_dumps(body), kind, name))

    # --- workflow runs ----------------------------------------------------------------------------------

    def insert_workflow_run(
        self, run: JSON, snapshot: JSON, copied: JSON | None = None, *, max_concurrent: int | None = None
    ) -> bool:
        """Insert a run; with `max_concurrent`, only if fewer runs of its workflow are active (False otherwise).

        The count and the insert share one BEGIN IMMEDIATE transaction, which holds SQLite's write lock: two
        runtimes (processes) on one state dir cannot both see room for one more run."""
        with self.transaction() as conn:
            if max_concurrent and self.active_workflow_runs(run["Name"]) >= max_concurrent:
                return False
            conn.execute(
                "INSERT INTO workflow_runs (run_id, workflow, status, owner, seq, body, snapshot, copied) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    run["WorkflowRunId"],
                    run["Name"],
                    run["Status"],
                    self.owner,
                    self.next_seq("workflow_runs"),
                    _dumps(run),
                    _dumps(snapshot),
                    _dumps(copied or {}),
                ),
            )
            return True

    def update_workflow_run(self, run: JSON) -> None:
        with self.transaction() as conn:
            conn.execute(
                "UPDATE workflow_runs SET status = ?, body = ? WHERE run_id = ?",
                (run["Status"], _dumps(run), run["WorkflowRunId"]),
            )

    def workflow_run(self, run_id: str) -> JSON | None:
        rows = self._query("SELECT body FROM workflow_runs WHERE run_id = ?", (run_id,))
        return json.loads(rows[0][0]) if rows else None

    def workflow_run_extras(self, run_id: str) -> tuple[JSON, list[str], JSON]:
        """(trigger snapshot, fired trigger names, copied node runs) of a run."""
        row = self._query("SELECT snapshot, fired, copied FROM workflow_runs WHERE run_id = ?", (run_id,))[0]
        return json.loads(row[0]), json.loads(row[1]), json.loads(row[2])

    def mark_fired(self, run_id: str, trigger_name: str) -> bool:
        """Record that a trigger fired in a run; False if it had already fired (fires at most once)."""
        with self.transaction() as conn:
            fired = json.loads(
                conn.execute("SELECT fired FROM workflow_runs WHERE run_id = ?", (run_id,)).fetchone()[0]
            )
            if trigger_name in fired:
                return False
            fired.append(trigger_name)
            conn.execute("UPDATE workflow_runs SET fired = ? WHERE run_id = ?", (_dumps(fired), run_id))
            return True

    def workflow_runs(self, workflow: str) -> list[JSON]:
        """Newest first."""
        rows = self._query("SELECT body FROM workflow_runs WHERE workflow = ? ORDER BY seq DESC", (workflow,))
        return [json.loads(r[0]) for r in rows]

    def active_workflow_runs(self, workflow: str) -> int:
        rows = self._query(
            f"SELECT COUNT(*) FROM workflow_runs WHERE workflow = ? AND status {_ACTIVE_RUNS}",
            (workflow, *ACTIVE_WORKFLOW_RUN_STATUSES),
        )
        return int(rows[0][0])

    def owns_active_runs(self) -> bool:
        """Whether a workflow run, job run or crawl of this runtime is still going (an idle runtime may retire)."""
        return any(
            self._query(
                f"SELECT 1 FROM {table} WHERE owner = ? AND {column} IN ({', '.join('?' * len(states))}) LIMIT 1",
                (self.owner, *states),
            )
            for table, column, states in (
                ("workflow_runs", "status", ACTIVE_WORKFLOW_RUN_STATUSES),
                ("job_runs", "state", ACTIVE_JOB_RUN_STATES),
                ("crawls", "state", (CrawlState.RUNNING,)),
            )
        )

    # --- job runs and crawls ----------------------------------------------------------------------------

    def put_job_run(self, run: JSON, *, owner: str | None = None) -> None:
        with self.transaction() as conn:
            existing = conn.execute("SELECT seq FROM job_runs WHERE id = ?", (run["Id"],)).fetchone()
            seq = existing[0] if existing else self.next_seq("job_runs")
            conn.execute(
                "INSERT OR REPLACE INTO job_runs (id, job_name, workflow_run_id, state, owner, seq, body) "
                "VALUES (?, ?, ?, ?, ?, ?, ?)",
                (
                    run["Id"],
                    run["JobName"],
                    run.get("_WorkflowRunId"),
                    run["JobRunState"],
                    owner or self.owner,
                    seq,
                    _dumps(run),
                ),
            )

    def insert_job_run_within(self, run: JSON, max_concurrent: int) -> bool:
        """Insert a new job run only if fewer than `max_concurrent` runs of its job are active; atomic across
        processes like `insert_workflow_run` (ExecutionProperty.MaxConcurrentRuns)."""
        with self.transaction():
            if self.active_job_runs(run["JobName"]) >= max_concurrent:
                return False
            self.put_job_run(run)
            return True

    def job_run(self, run_id: str) -> JSON | None:
        rows = self._query("SELECT body FROM job_runs WHERE id = ?", (run_id,))
        return json.loads(rows[0][0]) if rows else None

    def job_runs(self, job_name: str) -> list[JSON]:
        """Newest first."""
        rows = self._query("SELECT body FROM job_runs WHERE job_name = ? ORDER BY seq DESC", (job_name,))
        return [json.loads(r[0]) for r in rows]

    def job_runs_of_workflow_run(self, run_id: str) -> list[JSON]:
        rows = self._query("SELECT body FROM job_runs WHERE workflow_run_id = ? ORDER BY seq", (run_id,))
        return [json.loads(r[0]) for r in rows]

    def active_job_runs(self, job_name: str) -> int:
        rows = self._query(
            f"SELECT COUNT(*) FROM job_runs WHERE job_name = ? AND state {_ACTIVE_JOBS}",
            (job_name, *ACTIVE_JOB_RUN_STATES),
        )
        return int(rows[0][0])

    def put_crawl(self, crawl: JSON, *, owner: str | None = None) -> None:
        with self.transaction() as conn:
            existing = conn.execute("SELECT seq FROM crawls WHERE crawl_id = ?", (crawl["CrawlId"],)).fetchone()
            seq = existing[0] if existing else self.next_seq("crawls")
            conn.execute(
                "INSERT OR REPLACE INTO crawls (crawl_id, crawler_name, workflow_run_id, state, owner, seq, body) "
                "VALUES (?, ?, ?, ?, ?, ?, ?)",
                (
                    crawl["CrawlId"],
                    crawl["CrawlerName"],
                    crawl.get("WorkflowRunId"),
                    crawl["State"],
                    owner or self.owner,
                    seq,
                    _dumps(crawl),
                ),
            )

    def crawl(self, crawl_id: str) -> JSON | None:
        rows = self._query("SELECT body FROM crawls WHERE crawl_id = ?", (crawl_id,))
        return json.loads(rows[0][0]) if rows else None

    def crawls(self, crawler_name: str) -> list[JSON]:
        """Newest first."""
        rows = self._query("SELECT body FROM crawls WHERE crawler_name = ? ORDER BY seq DESC", (crawler_name,))
        return [json.loads(r[0]) for r in rows]

    def crawls_of_workflow_run(self, run_id: str) -> list[JSON]:
        rows = self._query("SELECT body FROM crawls WHERE workflow_run_id = ? ORDER BY seq", (run_id,))
        return [json.loads(r[0]) for r in rows]

    # --- catalog ----------------------------------------------------------------------------------------

    def put_database(self, database: JSON) -> None:
        with self.transaction() as conn:
            conn.execute(
                "INSERT INTO databases (name, body) VALUES (?, ?) ON CONFLICT(name) DO NOTHING",
                (database["Name"], _dumps(database)),
            )

    def database(self, name: str) -> JSON | None:
        rows = self._query("SELECT body FROM databases WHERE name = ?", (name,))
        return json.loads(rows[0][0]) if rows else None

    def databases(self) -> list[JSON]:
        return [json.loads(r[0]) for r in self._query("SELECT body FROM databases ORDER BY name")]

    def put_table(self, table: JSON) -> None:
        """Store the table and keep it as a version (GetTableVersions), keyed by its VersionId."""
        body = _dumps(table)
        with self.transaction() as conn:
            conn.execute(
                "INSERT OR REPLACE INTO tables (database, name, body) VALUES (?, ?, ?)",
                (table["DatabaseName"], table["Name"], body),
            )
            conn.execute(
                "INSERT OR REPLACE INTO table_versions (database, name, version, body) VALUES (?, ?, ?, ?)",
                (table["DatabaseName"], table["Name"], int(table.get("VersionId") or 0), body),
            )

    def table_versions(self, database: str, name: str) -> list[JSON]:
        rows = self._query(
            "SELECT body FROM table_versions WHERE database = ? AND name = ? ORDER BY version DESC", (database, name)
        )
        return [json.loads(r[0]) for r in rows]

    def delete_table(self, database: str, name: str) -> None:
        with self.transaction() as conn:
            conn.execute("DELETE FROM tables WHERE database = ? AND name = ?", (database, name))
            conn.execute("DELETE FROM table_versions WHERE database = ? AND name = ?", (database, name))
            conn.execute("DELETE FROM partitions WHERE database = ? AND table_name = ?", (database, name))

    def table(self, database: str, name: str) -> JSON | None:
        rows = self._query("SELECT body FROM tables WHERE database = ? AND name = ?", (database, name))
        return json.loads(rows[0][0]) if rows else None

    def tables(self, database: str) -> list[JSON]:
        rows = self._query("SELECT body FROM tables WHERE database = ? ORDER BY name", (database,))
        return [json.loads(r[0]) for r in rows]

    def replace_partitions(self, database: str, table: str, partitions: list[JSON]) -> None:
        with self.transaction() as conn:
            conn.execute("DELETE FROM partitions WHERE database = ? AND table_name = ?", (database, table))
            for partition in partitions:
                conn.execute(
                    "INSERT OR REPLACE INTO partitions (database, table_name, vals, body) VALUES (?, ?, ?, ?)",
                    (database, table, _dumps(partition["Values"]), _dumps(partition)),
                )

    def partitions(self, database: str, table: str) -> list[JSON]:
        rows = self._query(
            "SELECT body FROM partitions WHERE database = ? AND table_name = ? ORDER BY vals", (database, table)
        )
        return [json.loads(r[0]) for r in rows]

    # --- bookmarks and events ---------------------------------------------------------------------------

    def bookmark(self, job_name: str) -> JSON | None:
        rows = self._query("SELECT body FROM bookmarks WHERE job_name = ?", (job_name,))
        return json.loads(rows[0][0]) if rows else None

    def put_bookmark(self, entry: JSON) -> None:
        with self.transaction() as conn:
            conn.execute(
                "INSERT OR REPLACE INTO bookmarks (job_name, body) VALUES (?, ?)", (entry["JobName"], _dumps(entry))
            )

    def delete_bookmark(self, job_name: str) -> None:
        with self.transaction() as conn:
            conn.execute("DELETE FROM bookmarks WHERE job_name = ?", (job_name,))

    def add_event(self, kind: str, workflow_run_id: str | None, node: str | None, detail: JSON) -> None:
        with self.transaction() as conn:
            conn.execute(
                "INSERT INTO events (time, kind, workflow_run_id, node, detail) VALUES (?, ?, ?, ?, ?)",
                (time.time(), kind, workflow_run_id, node, _dumps(detail)),
            )
        with self._events:
            self.generation += 1
            self._events.notify_all()

    def wait_for_event(self, generation: int, timeout: float) -> int:
        """Block until an event is recorded after `generation` (a value of `self.generation`) or `timeout` passes."""
        with self._events:
            self._events.wait_for(lambda: self.generation != generation, timeout)
            return self.generation

    def events(self, workflow_run_id: str) -> list[JSON]:
        rows = self._query(
            "SELECT time, kind, node, detail FROM events WHERE workflow_run_id = ? ORDER BY seq", (workflow_run_id,)
        )
        return [{"time": r[0], "kind": r[1], "node": r[2], "detail": json.loads(r[3])} for r in rows]
