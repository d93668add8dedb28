"""Backup and restore of everything askcases keeps: the corpus, the manifest, the vectors
(Chroma's folder), the keyword index, the outcomes table, feedback, traces, the audit log and the
users file.

`backup` holds the index lock, so no index run changes anything while it copies; each SQLite
database is copied with SQLite's online backup (consistent even while the web chat writes
feedback or traces), other files byte for byte. `backup.json` lists every file with its SHA-256.
`restore` checks every checksum first and restores only into an empty index directory (and an
empty corpus directory), so it never mixes two indexes.
Leaves out: a Chroma server's own storage (see the README's server-mode section).
"""

from __future__ import annotations

import hashlib
import json
import shutil
import sqlite3
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from askcases.config import Settings
from askcases.errors import UsageError
from askcases.files import write_json
from askcases.store.lock import LOCK_FILE, index_lock
from askcases.store.manifest import MANIFEST, RUN_MARK

FORMAT = "askcases-backup/1"
CHECKSUMS = "backup.json"
SKIPPED = {LOCK_FILE, "index.pid", "chroma.stamp"}  # the lock's own files: not the index
USERS = "users.txt"


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _is_sqlite(path: Path) -> bool:
    try:
        with path.open("rb") as handle:
            return handle.read(16) == b"SQLite format 3\x00"
    except OSError:
        return False


def _copy(source: Path, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    if _is_sqlite(source):
        src, dst = sqlite3.connect(source, timeout=30), sqlite3.connect(target)
        try:
            src.backup(dst)
        finally:
            src.close()
            dst.close()
    else:
        shutil.copy2(source, target)


def _files(root: Path) -> list[Path]:
    """Files under root, SQLite journals and the lock's files left out."""
    return sorted(
        p
        for p in root.rglob("*")
        if p.is_file()
        and p.name not in SKIPPED
        and not p.name.endswith(("-wal", "-shm", "-journal"))
    )


def backup(
    settings: Settings, out: Path, progress: Callable[[str], None] = lambda _: None
) -> dict[str, Any]:
    """Copy the index, corpus and users file into `out` (new or empty); returns its manifest."""
    if out.exists() and any(out.iterdir()):
        raise UsageError(f"{out} is not empty; choose a new directory for the backup")
    if not (settings.index_dir / MANIFEST).exists():
        raise UsageError(f"no index in {settings.index_dir}; run `askcases index` first")
    with index_lock(settings.index_dir, settings.lock_wait_s, progress):
        if (settings.index_dir / RUN_MARK).exists():
            raise UsageError(
                "the last index run was interrupted; run `askcases index` to repair the index, "
                "then back it up"
            )
        sources = {
            f"index/{p.relative_to(settings.index_dir)}": p for p in _files(settings.index_dir)
        }
        sources |= {
            f"corpus/{p.relative_to(settings.corpus_dir)}": p for p in _files(settings.corpus_dir)
        }
        if settings.users_file is not None and settings.users_file.exists():
            sources[USERS] = settings.users_file
        out.mkdir(parents=True, exist_ok=True)
        files = {}
        for name, source in sorted(sources.items()):
            progress(f"copying {name}")
            _copy(source, out / name)
            files[name] = _sha256(out / name)
    manifest = {
        "format": FORMAT,
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
        "index_dir": str(settings.index_dir),
        "corpus_dir": str(settings.corpus_dir),
        "files": files,
    }
    write_json(out / CHECKSUMS, manifest)
    return manifest


def verify(source: Path) -> dict[str, Any]:
    """The backup's manifest, once every file matches its checksum; UsageError naming the first
    file that is missing or differs."""
    try:
        manifest: dict[str, Any] = json.loads((source / CHECKSUMS).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise UsageError(
            f"{source} holds no readable {CHECKSUMS} ({exc}); is it a backup?"
        ) from None
    if manifest.get("format") != FORMAT:
        raise UsageError(f"{source} is not an askcases backup ({manifest.get('format')!r})")
    for name, expected in sorted(manifest["files"].items()):
        path = source / name
        if ".." in Path(name).parts or not path.is_file():
            raise UsageError(f"the backup is damaged: {name} is missing; nothing was restored")
        if _sha256(path) != expected:
            raise UsageError(
                f"the backup is damaged: {name} differs from its checksum; nothing was restored"
            )
    return manifest


def restore(
    settings: Settings, source: Path, progress: Callable[[str], None] = lambda _: None
) -> int:
    """Restore a verified backup into the (empty) index and corpus directories, and the users
    file where settings name one that does not exist yet; returns how many files."""
    manifest = verify(source)
    for where in (settings.index_dir, settings.corpus_dir):
        if where.exists() and any(where.iterdir()):
            raise UsageError(
                f"{where} is not empty; restore into new --index and --corpus directories"
            )
    count = 0
    for name in sorted(manifest["files"]):
        if name == USERS:
            if settings.users_file is None or settings.users_file.exists():
                progress(
                    f"the users file is in {source / USERS}; copy it where ASKCASES_USERS says"
                )
                continue
            target = settings.users_file
        else:
            part, _, rest = name.partition("/")
            target = (settings.index_dir if part == "index" else settings.corpus_dir) / rest
        progress(f"restoring {name}")
        _copy(source / name, target)
        count += 1
    return count
