"""Every question's trace (askcases.qa.tracing), kept in SQLite (WAL) beside the feedback store:
traces.sqlite3 in the index directory.

A row holds when the question was asked and by whom, from where (cli, web, api), the question as
asked and as read (patient identifiers already masked), filters, back-end, model, whether it was
refused and why, and the whole trace as JSON. Rows older than the retention period
(`ASKCASES_TRACE_DAYS`, default 30; 0 keeps none) are deleted whenever a store is opened, so at
every start of the CLI or the web chat, and hourly while a server runs. Each trace is also
exported over OTLP when `OTEL_EXPORTER_OTLP_ENDPOINT` is set (askcases.app.telemetry).
Leaves out: editing traces.
"""

from __future__ import annotations

import atexit
import csv
import json
import queue
import sqlite3
import threading
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from askcases.app.telemetry import Telemetry
from askcases.files import open_sqlite, spreadsheet_safe
from askcases.types import Answer

FILENAME = "traces.sqlite3"
PURGE_EVERY = timedelta(hours=1)  # a running server deletes past-retention traces this often
_SCHEMA = """
CREATE TABLE IF NOT EXISTS traces (
    trace_id TEXT PRIMARY KEY, created_at TEXT NOT NULL, username TEXT NOT NULL,
    source TEXT NOT NULL, question TEXT NOT NULL, resolved_question TEXT NOT NULL,
    refused INTEGER NOT NULL, reason TEXT NOT NULL, backend TEXT NOT NULL, model TEXT,
    filters TEXT NOT NULL, p_answerable REAL, elapsed_ms REAL NOT NULL, answer TEXT NOT NULL,
    data TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS traces_created_at ON traces (created_at);
"""
COLUMNS = [
    "trace_id",
    "created_at",
    "username",
    "source",
    "question",
    "resolved_question",
    "refused",
    "reason",
    "backend",
    "model",
    "filters",
    "p_answerable",
    "elapsed_ms",
    "answer",
]
CSV_COLUMNS = [*COLUMNS, "top_passages", "stage_ms", "feedback"]


def _now() -> datetime:
    return datetime.now(UTC)


class TraceStore:
    """The traces of one index directory; opening it deletes those past retention."""

    def __init__(self, index_dir: Path, days: int = 30, telemetry: Telemetry | None = None) -> None:
        self.path = index_dir / FILENAME
        self.days = days
        self.telemetry = telemetry
        self._lock = threading.Lock()
        self._local = threading.local()
        self._purged_at = _now()
        # Traces are written by one background thread, so that keeping one costs the answer
        # nothing but a queue put; `flush` waits for them (and raises a write's error).
        self._queue: queue.Queue[tuple[Answer, str, str, str]] = queue.Queue()
        self._writer: threading.Thread | None = None
        self._error: Exception | None = None
        try:
            self.purged = self.purge()
        except (OSError, sqlite3.Error):
            self.purged = 0  # recording says why, where the caller can report it

    def _connect(self) -> sqlite3.Connection:
        """This thread's connection, opened once: a trace is written on every question, so
        it costs one insert, not a connect (and, in WAL mode with synchronous NORMAL, no
        fsync per question; a power cut may lose the last traces, never the database)."""
        db: sqlite3.Connection | None = getattr(self._local, "db", None)
        if db is None or not self.path.exists():
            db = open_sqlite(self.path, _SCHEMA)
            db.execute("PRAGMA synchronous=NORMAL")
            self._local.db = db
        return db

    def purge(self) -> int:
        """Delete traces older than the retention period; returns how many went."""
        if not self.path.exists():
            return 0
        cutoff = (_now() - timedelta(days=self.days)).isoformat(timespec="seconds")
        with self._lock, self._connect() as db:
            if self.days <= 0:  # none are kept
                return db.execute("DELETE FROM traces").rowcount
            return db.execute("DELETE FROM traces WHERE created_at < ?", (cutoff,)).rowcount

    def record(
        self, answer: Answer, username: str = "", source: str = "cli", wait: bool = False
    ) -> str:
        """Keep the answer's trace (and export it when OTLP export is on); returns its id, or
        "" when it has none or none are kept. It is written in the background; `wait` waits
        for the write and raises its error."""
        trace = answer.trace
        if trace is None:
            return ""
        if self.telemetry is not None:
            self.telemetry.export(trace, username=username, source=source)
        if self.days <= 0:
            return ""
        self._queue.put((answer, username or "", source, _now().isoformat(timespec="seconds")))
        with self._lock:
            if self._writer is None:
                self._writer = threading.Thread(
                    target=self._write_forever, name="askcases-traces", daemon=True
                )
                self._writer.start()
                atexit.register(self._queue.join)
        if wait:
            self.flush()
        return answer.trace_id

    def flush(self) -> None:
        """Wait until every trace given so far is written; raise the last write's error."""
        self._queue.join()
        error, self._error = self._error, None
        if error is not None:
            raise error

    def _write_forever(self) -> None:
        while True:
            item = self._queue.get()
            try:
                self._write(*item)
            except Exception as exc:  # kept for flush; the writer goes on
                self._error = exc
            finally:
                self._queue.task_done()

    def _write(self, answer: Answer, username: str, source: str, when: str) -> None:
        if _now() - self._purged_at > PURGE_EVERY:  # a server that runs for weeks
            self._purged_at = _now()
            self.purge()
        trace = answer.trace or {}
        row = (
            answer.trace_id,
            when,
            username,
            source,
            answer.question,
            answer.resolved_question or answer.question,
            int(answer.refused),
            answer.reason,
            answer.backend,
            answer.model,
            str(trace.get("filters", "")),
            answer.evidence.p_answerable if answer.evidence else None,
            answer.elapsed_ms,
            answer.answer,
            json.dumps({**trace, "username": username, "source": source}, ensure_ascii=False),
        )
        with self._lock, self._connect() as db:
            db.execute(
                f"INSERT OR REPLACE INTO traces ({', '.join(COLUMNS)}, data) "
                f"VALUES ({', '.join('?' * (len(COLUMNS) + 1))})",
                row,
            )

    def rows(
        self, refused: bool = False, since: date | None = None, limit: int = -1
    ) -> list[dict[str, Any]]:
        """Traces, newest first, each with its whole trace under "trace"."""
        self._queue.join()
        if not self.path.exists():
            return []
        where, args = [], []
        if refused:
            where.append("refused = 1")
        if since is not None:
            where.append("created_at >= ?")
            args.append(since.isoformat())
        clause = f"WHERE {' AND '.join(where)}" if where else ""
        with self._connect() as db:
            found = db.execute(
                f"SELECT {', '.join(COLUMNS)}, data FROM traces {clause} "
                "ORDER BY created_at DESC, rowid DESC LIMIT ?",
                (*args, limit),
            ).fetchall()
        out = []
        for row in found:
            item = dict(zip(COLUMNS, row[:-1], strict=True))
            item["refused"] = bool(item["refused"])
            item["trace"] = json.loads(row[-1])
            out.append(item)
        return out

    def get(self, trace_id: str) -> dict[str, Any] | None:
        self._queue.join()
        if not self.path.exists():
            return None
        with self._connect() as db:
            row = db.execute(
                f"SELECT {', '.join(COLUMNS)}, data FROM traces WHERE trace_id = ?", (trace_id,)
            ).fetchone()
        if row is None:
            return None
        item = dict(zip(COLUMNS, row[:-1], strict=True))
        item["trace"] = json.loads(row[-1])
        return item


def with_feedback(
    rows: list[dict[str, Any]], feedback: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    """Each trace with the feedback given on it (by trace id), under "feedback"."""
    given: dict[str, list[dict[str, Any]]] = {}
    for f in feedback:
        if f.get("trace_id"):
            given.setdefault(str(f["trace_id"]), []).append(
                {k: f[k] for k in ("id", "created_at", "rating", "comment", "username")}
            )
    return [{**r, "feedback": given.get(r["trace_id"], [])} for r in rows]


def write_csv(rows: list[dict[str, Any]], out: Path) -> int:
    """One line per trace: its columns, the top passages, the stage times, its feedback."""
    with out.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=CSV_COLUMNS)
        writer.writeheader()
        for r in rows:
            trace = r.get("trace") or {}
            line = {c: r.get(c) for c in COLUMNS}
            line["top_passages"] = " ".join(
                c["chunk_id"] for c in trace.get("candidates", [])[:5] if "chunk_id" in c
            )
            line["stage_ms"] = "; ".join(f"{s['name']} {s['ms']}" for s in trace.get("stages", []))
            line["feedback"] = "; ".join(
                f"{'+1' if f['rating'] > 0 else '-1'} {f['comment']}".strip()
                for f in r.get("feedback", [])
            )
            writer.writerow({k: spreadsheet_safe(v) for k, v in line.items()})
    return len(rows)
