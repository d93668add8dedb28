"""The library: what is indexed, adding uploaded articles, removing articles, reading one back.

Used by the web chat's library tab; every change goes through `sync_index`, one at a time, and
every new article passes the same checks as `askcases index PATH`
(askcases.ingest.articles.check_new_article). Leaves out: who may change the library (the web
module checks roles).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path

from langchain_core.embeddings import Embeddings

from askcases.config import Settings
from askcases.errors import ArticleError, UsageError
from askcases.ingest.articles import import_articles, load_article
from askcases.store.index_store import IndexedArticle, IndexStore
from askcases.store.sync import SyncReport, sync_index
from askcases.types import Article

_changes = threading.Lock()


@dataclass(frozen=True)
class UploadResult:
    added: list[str]  # file names now in the corpus
    rejected: list[str]  # one line each: "name: why"
    report: SyncReport | None


def list_articles(store: IndexStore) -> list[IndexedArticle]:
    return store.articles()


def read_article(settings: Settings, store: IndexStore, doc_id: str) -> tuple[Article, bool]:
    """The indexed article's cleaned text, and whether the file still matches the index."""
    entry = store.article(doc_id)
    if entry is None:
        raise UsageError(f"no article {doc_id!r} in the index")
    try:
        article = load_article(settings.corpus_dir / entry.source)
    except ArticleError as exc:
        raise UsageError(f"cannot show {doc_id}: {exc}") from None
    return article, article.content_hash == entry.content_hash


def add_uploads(
    settings: Settings, embeddings: Embeddings, uploads: list[tuple[str, Path]]
) -> UploadResult:
    """Check each (original name, temporary path) upload, copy the good ones into the corpus
    (replacing an article of the same name) and sync the index."""
    with _changes:
        copied, rejected = import_articles(uploads, settings.corpus_dir, settings.max_upload_mb)
        if not copied:
            return UploadResult([], rejected, None)
        report = sync_index(settings, embeddings, quiet=False)
    return UploadResult([p.name for p in copied], rejected, report)


def remove_article(
    settings: Settings, embeddings: Embeddings, store: IndexStore, doc_id: str
) -> SyncReport:
    entry = store.article(doc_id)
    if entry is None:
        raise UsageError(f"no article {doc_id!r} in the index")
    with _changes:
        (settings.corpus_dir / entry.source).unlink(missing_ok=True)
        return sync_index(settings, embeddings, quiet=True)
