"""Durable deliveries of the upload watcher, kept in the env's store (`glueflow.sqlite`, table `deliveries`).

An S3 event is recorded here *before* the file counts as seen, and counts as delivered only after its consumer
handled it (the Lambda handler returned, the EVENT trigger's run started). A `kill -9` at any point therefore
redelivers on the next start instead of losing the upload; the consumers are idempotent (the handler's markers,
the EVENT trigger's check for a run with the same `aws:eventIds`), so a redelivery starts no second run.

Its own connection and table rather than methods on `Store`: the watcher runs beside the runtime and must not
share (or wait on) the runtime's connection lock.
"""

from __future__ import annotations

import json
import sqlite3
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

_SCHEMA = """
CREATE TABLE IF NOT EXISTS deliveries (
    consumer TEXT NOT NULL, key TEXT NOT NULL, payload TEXT NOT NULL, attempt INTEGER NOT NULL DEFAULT 0,
    due REAL NOT NULL, state TEXT NOT NULL DEFAULT 'pending', detail TEXT, updated REAL NOT NULL,
    PRIMARY KEY (consumer, key));
CREATE INDEX IF NOT EXISTS deliveries_due ON deliveries (consumer, state, due);
"""
PENDING, DELIVERED, DEAD, DROPPED = "pending", "delivered", "dead", "dropped"


@dataclass(frozen=True)
class Delivery:
    key: str
    payload: dict[str, Any]
    attempt: int
    due: float


class Outbox:
    """One consumer's deliveries: add (idempotent per key), due, and the outcome of each."""

    def __init__(self, state_dir: Path, consumer: str) -> None:
        state_dir.mkdir(parents=True, exist_ok=True)
        self.consumer = consumer
        self._lock = threading.Lock()
        self._conn = sqlite3.connect(
            state_dir / "glueflow.sqlite", isolation_level=None, check_same_thread=False, timeout=30
        )
        self._conn.execute("PRAGMA journal_mode=WAL")
        self._conn.executescript(_SCHEMA)

    def _execute(self, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        with self._lock:
            return list(self._conn.execute(sql, params))

    def add(self, key: str, payload: dict[str, Any], due: float) -> bool:
        """Record a delivery; False if this key was already recorded (a rescan after a restart)."""
        with self._lock:
            cursor = self._conn.execute(
                "INSERT OR IGNORE INTO deliveries (consumer, key, payload, due, updated) VALUES (?, ?, ?, ?, ?)",
                (self.consumer, key, json.dumps(payload), due, time.time()),
            )
            return cursor.rowcount == 1

    def due(self, now: float) -> list[Delivery]:
        rows = self._execute(
            "SELECT key, payload, attempt, due FROM deliveries WHERE consumer = ? AND state = ? AND due <= ? "
            "ORDER BY due, key",
            (self.consumer, PENDING, now),
        )
        return [Delivery(r[0], json.loads(r[1]), int(r[2]), float(r[3])) for r in rows]

    def pending(self) -> list[Delivery]:
        rows = self._execute(
            "SELECT key, payload, attempt, due FROM deliveries WHERE consumer = ? AND state = ? ORDER BY due, key",
            (self.consumer, PENDING),
        )
        return [Delivery(r[0], json.loads(r[1]), int(r[2]), float(r[3])) for r in rows]

    def finish(self, keys: list[str], state: str, detail: str | None = None) -> None:
        with self._lock:
            self._conn.executemany(
                "UPDATE deliveries SET state = ?, detail = ?, updated = ? WHERE consumer = ? AND key = ?",
                [(state, detail, time.time(), self.consumer, key) for key in keys],
            )

    def retry(self, key: str, attempt: int, due: float, detail: str) -> None:
        self._execute(
            "UPDATE deliveries SET attempt = ?, due = ?, detail = ?, updated = ? WHERE consumer = ? AND key = ?",
            (attempt, due, detail, time.time(), self.consumer, key),
        )

    def states(self) -> dict[str, str]:
        """{key: state} of every delivery (for status and tests)."""
        return dict(self._execute("SELECT key, state FROM deliveries WHERE consumer = ?", (self.consumer,)))

    def close(self) -> None:
        with self._lock:
            self._conn.close()
