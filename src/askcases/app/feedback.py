"""Thumbs up or down on answers, kept in SQLite (WAL) beside the index: feedback.sqlite3.

Each row holds the question, the answer, its citations, the back-end that wrote it and the id of
the answer's trace (askcases.app.traces), so the team can see what went wrong and why. Patient
identifiers in the question and the comment are masked before they are kept
(askcases.text.privacy). Leaves out: editing or deleting feedback.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from askcases.errors import UsageError
from askcases.files import open_sqlite, write_safe_csv
from askcases.text.privacy import mask_identifiers

FILENAME = "feedback.sqlite3"
MAX_COMMENT = 2000
_SCHEMA = """
CREATE TABLE IF NOT EXISTS feedback (
    id INTEGER PRIMARY KEY AUTOINCREMENT, created_at TEXT NOT NULL, rating INTEGER NOT NULL,
    comment TEXT NOT NULL, question TEXT NOT NULL, answer TEXT NOT NULL, citations TEXT NOT NULL,
    backend TEXT NOT NULL, username TEXT NOT NULL, trace_id TEXT NOT NULL DEFAULT ''
)
"""
COLUMNS = [
    "id",
    "created_at",
    "rating",
    "comment",
    "question",
    "answer",
    "citations",
    "backend",
    "username",
    "trace_id",
]


class FeedbackStore:
    def __init__(self, index_dir: Path) -> None:
        self.path = index_dir / FILENAME
        self._lock = threading.Lock()

    def _connect(self) -> sqlite3.Connection:
        db = open_sqlite(self.path, _SCHEMA)
        known = {row[1] for row in db.execute("PRAGMA table_info(feedback)")}
        if "trace_id" not in known:  # a store from before traces
            db.execute("ALTER TABLE feedback ADD COLUMN trace_id TEXT NOT NULL DEFAULT ''")
        return db

    def record(
        self, answer: dict[str, Any], rating: int, comment: str = "", username: str = ""
    ) -> int:
        """Store one verdict (+1 or -1) on an answer (the JSON of `askcases ask --json`)."""
        if rating not in (1, -1):
            raise UsageError("feedback is a thumbs up (+1) or down (-1)")
        if not answer.get("question"):
            raise UsageError("there is no answer to give feedback on yet; ask a question first")
        row = (
            datetime.now(UTC).isoformat(timespec="seconds"),
            rating,
            mask_identifiers((comment or "")[:MAX_COMMENT])[0],
            mask_identifiers(str(answer["question"]))[0],
            answer.get("answer", ""),
            json.dumps(answer.get("citations", []), ensure_ascii=False),
            str(answer.get("backend", "extractive")),
            username or "",
            str(answer.get("trace_id") or ""),
        )
        with self._lock, self._connect() as db:
            cursor = db.execute(
                "INSERT INTO feedback (created_at, rating, comment, question, answer, citations,"
                " backend, username, trace_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                row,
            )
            return int(cursor.lastrowid or 0)

    def recent(self, limit: int = 20) -> list[dict[str, Any]]:
        if not self.path.exists():
            return []
        with self._connect() as db:
            rows = db.execute(
                f"SELECT {', '.join(COLUMNS)} FROM feedback ORDER BY id DESC LIMIT ?", (limit,)
            ).fetchall()
        return [dict(zip(COLUMNS, row, strict=True)) for row in rows]

    def export_csv(self, out: Path) -> int:
        """Write every row to a CSV file; returns how many."""
        return write_safe_csv(list(reversed(self.recent(limit=-1))), COLUMNS, out)
