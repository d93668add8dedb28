"""The audit trail: who signed in (or failed to), who added, replaced or removed which article
and when (with its content hash before and after), every re-index, role change and export.

Kept in SQLite beside the index (index/audit.sqlite3, WAL). It is append-only: triggers refuse
any UPDATE or DELETE, so a row once written stays as written. `askcases audit` reads it; the web
chat's Audit tab shows it to admins.
Leaves out: signing rows, and shipping them to another system.
"""

from __future__ import annotations

import getpass
import sqlite3
import threading
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from askcases.files import open_sqlite, write_safe_csv

FILENAME = "audit.sqlite3"
_SCHEMA = """
CREATE TABLE IF NOT EXISTS events (
    id INTEGER PRIMARY KEY AUTOINCREMENT, at TEXT NOT NULL, event TEXT NOT NULL,
    user TEXT NOT NULL, client TEXT NOT NULL, doc_id TEXT NOT NULL, hash_before TEXT NOT NULL,
    hash_after TEXT NOT NULL, ok INTEGER NOT NULL, detail TEXT NOT NULL
);
CREATE TRIGGER IF NOT EXISTS events_no_update BEFORE UPDATE ON events
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER IF NOT EXISTS events_no_delete BEFORE DELETE ON events
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
"""
COLUMNS = [
    "id",
    "at",
    "event",
    "user",
    "client",
    "doc_id",
    "hash_before",
    "hash_after",
    "ok",
    "detail",
]
Documents = dict[str, dict[str, Any]]  # doc_id -> manifest entry


def os_user() -> str:
    """Who runs a command-line change: the operating-system user."""
    try:
        return getpass.getuser()
    except Exception:  # no user name in this environment
        return ""


class AuditLog:
    def __init__(self, index_dir: Path) -> None:
        self.path = index_dir / FILENAME
        self._lock = threading.Lock()

    def _connect(self) -> sqlite3.Connection:
        return open_sqlite(self.path, _SCHEMA)

    def record(
        self,
        event: str,
        user: str = "",
        *,
        client: str = "",
        doc_id: str = "",
        hash_before: str = "",
        hash_after: str = "",
        ok: bool = True,
        detail: str = "",
    ) -> None:
        row = (
            datetime.now(UTC).isoformat(timespec="seconds"),
            event,
            user or "",
            client or "",
            doc_id,
            hash_before,
            hash_after,
            int(ok),
            detail,
        )
        with self._lock, self._connect() as db:
            db.execute(
                "INSERT INTO events (at, event, user, client, doc_id, hash_before, hash_after, ok,"
                " detail) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                row,
            )

    def changes(self, event: str, user: str, before: Documents, after: Documents) -> int:
        """One row per article added, replaced or removed between two manifests' documents,
        with its content hash before and after; returns how many."""
        count = 0
        for doc_id in sorted(set(before) | set(after)):
            old = str(before.get(doc_id, {}).get("hash", ""))
            new = str(after.get(doc_id, {}).get("hash", ""))
            if old != new:
                kind = "added" if not old else ("removed" if not new else "replaced")
                self.record(
                    event, user, doc_id=doc_id, hash_before=old, hash_after=new, detail=kind
                )
                count += 1
        return count

    def rows(self, since: date | None = None, limit: int = -1) -> list[dict[str, Any]]:
        """Events, newest first; with `since`, only those on or after that day."""
        if not self.path.exists():
            return []
        where, args = ("WHERE at >= ?", [since.isoformat()]) if since else ("", [])
        with self._connect() as db:
            found = db.execute(
                f"SELECT {', '.join(COLUMNS)} FROM events {where} ORDER BY id DESC LIMIT ?",
                [*args, limit],
            ).fetchall()
        return [dict(zip(COLUMNS, row, strict=True)) for row in found]


def write_csv(rows: list[dict[str, Any]], out: Path) -> int:
    """The rows, oldest first, as CSV in which no cell is a formula; returns how many."""
    return write_safe_csv(list(reversed(rows)), COLUMNS, out)
