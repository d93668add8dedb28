"""The library: what is indexed, adding uploaded articles, removing articles, reading one back.

Used by the web chat's library tab; every change goes through `sync_index`, one at a time.
Leaves out: who may change the library (the web module checks roles).
"""

from __future__ import annotations

import re
import shutil
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from langchain_core.embeddings import Embeddings

from askcases.documents import SUPPORTED_SUFFIXES, Article, ArticleError, load_article
from askcases.errors import UsageError
from askcases.index import IndexStore, SyncReport, sync_index
from askcases.settings import Settings

_UNSAFE = re.compile(r"[^A-Za-z0-9._ -]+")
_changes = threading.Lock()


@dataclass(frozen=True)
class UploadResult:
    added: list[str]  # file names now in the corpus
    rejected: list[str]  # one line each: "name: why"
    report: SyncReport | None


def safe_name(name: str) -> str:
    """A corpus file name from an uploaded one: no folders, no leading dot, plain characters."""
    base = Path(name.replace("\\", "/")).name
    stem, suffix = Path(base).stem, Path(base).suffix.lower()
    clean = _UNSAFE.sub("-", stem).strip(" .-")
    if not clean:
        raise UsageError(f"{name!r} is not a usable file name")
    return f"{clean}{suffix}"


def list_articles(store: IndexStore) -> list[dict[str, Any]]:
    documents = store.manifest()["documents"]
    return [
        {
            "doc_id": doc_id,
            "title": e["title"],
            "date": e.get("date") or "",
            "chunks": e["chunks"],
            "indexed_at": e.get("indexed_at", ""),
            "source": e["source"],
        }
        for doc_id, e in sorted(documents.items(), key=lambda item: item[1]["title"].lower())
    ]


def read_article(settings: Settings, store: IndexStore, doc_id: str) -> tuple[Article, bool]:
    """The indexed article's cleaned text, and whether the file still matches the index."""
    entry = store.manifest()["documents"].get(doc_id)
    if entry is None:
        raise UsageError(f"no article {doc_id!r} in the index")
    try:
        article = load_article(settings.corpus_dir / entry["source"])
    except ArticleError as exc:
        raise UsageError(f"cannot show {doc_id}: {exc}") from None
    return article, article.content_hash == entry["hash"]


def add_uploads(
    settings: Settings, embeddings: Embeddings, uploads: list[tuple[str, Path]]
) -> UploadResult:
    """Check each (original name, temporary path) upload, copy the good ones into the corpus
    (replacing an article of the same name) and sync the index."""
    added, rejected = [], []
    limit = settings.max_upload_mb * 1024 * 1024
    for original, temp in uploads:
        try:
            name = safe_name(original)
            if Path(name).suffix not in SUPPORTED_SUFFIXES:
                raise UsageError(f"only {', '.join(SUPPORTED_SUFFIXES)} files can be added")
            if temp.stat().st_size > limit:
                raise UsageError(f"larger than the {settings.max_upload_mb} MB limit")
            staged = temp.with_name(name)
            if staged != temp:
                shutil.copyfile(temp, staged)
            load_article(staged)
        except (UsageError, ArticleError, OSError) as exc:
            message = str(exc)
            prefix = f"{Path(original).name}: "
            rejected.append(message if message.startswith(prefix) else prefix + message)
            continue
        target = (settings.corpus_dir / name).resolve()
        if target.parent != settings.corpus_dir.resolve():
            rejected.append(f"{Path(original).name}: the name leaves the corpus folder")
            continue
        added.append((staged, target))
    if not added:
        return UploadResult([], rejected, None)
    with _changes:
        settings.corpus_dir.mkdir(parents=True, exist_ok=True)
        for staged, target in added:
            shutil.copyfile(staged, target)
        report = sync_index(settings, embeddings, quiet=False)
    return UploadResult([t.name for _, t in added], rejected, report)


def remove_article(
    settings: Settings, embeddings: Embeddings, store: IndexStore, doc_id: str
) -> SyncReport:
    entry = store.manifest()["documents"].get(doc_id)
    if entry is None:
        raise UsageError(f"no article {doc_id!r} in the index")
    with _changes:
        (settings.corpus_dir / entry["source"]).unlink(missing_ok=True)
        return sync_index(settings, embeddings, quiet=True)
