"""Keep a Chroma collection in step with the corpus directory, through a manifest.

The manifest (index/manifest.json) starts with a format version, records the embedding model and
chunker settings the index was built with, and lists each indexed article with its content hash.
`sync_index` compares the corpus with it: new articles are embedded and added, changed ones
re-embedded, deleted ones removed, unchanged ones left untouched. The manifest is rewritten
atomically after each article, so an interrupted run leaves an index the next run can finish.
Chroma is used here and nowhere else. Leaves out: a Chroma server and a keyword index.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from langchain_core.embeddings import Embeddings

from askcases.chunking import Chunk, chunk_article
from askcases.documents import CLEANER_VERSION, Article, ArticleError, iter_corpus, load_article
from askcases.embeddings import DIMENSION, MODEL_NAME
from askcases.errors import IndexStateError, UsageError
from askcases.settings import Settings

FORMAT = "askcases-index/1"
MANIFEST = "manifest.json"
CHROMA_DIR = "chroma"


@dataclass
class SyncReport:
    added: int = 0
    updated: int = 0
    removed: int = 0
    unchanged: int = 0
    chunks: int = 0
    skipped: list[str] = field(default_factory=list)

    def summary(self) -> str:
        return (
            f"added {self.added}, updated {self.updated}, removed {self.removed}, "
            f"unchanged {self.unchanged} documents; {self.chunks} chunks"
        )


def build_settings(settings: Settings) -> dict[str, Any]:
    """What an index's contents depend on; an index built with other values must be rebuilt."""
    return {
        "format": FORMAT,
        "embedding_model": MODEL_NAME,
        "dimension": DIMENSION,
        "encoding": settings.encoding,
        "chunk_tokens": settings.chunk_tokens,
        "cleaner": CLEANER_VERSION,
        "collection": settings.collection,
    }


def _read_manifest(index_dir: Path) -> dict[str, Any] | None:
    path = index_dir / MANIFEST
    if not path.exists():
        return None
    try:
        manifest: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise IndexStateError(
            f"the index manifest {path} is unreadable ({exc}); run `askcases index --rebuild`"
        ) from None
    return manifest


def _write_manifest(index_dir: Path, manifest: dict[str, Any]) -> None:
    index_dir.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=index_dir, prefix=".manifest-", suffix=".json")
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        json.dump(manifest, out, indent=1, sort_keys=True, ensure_ascii=False)
        out.write("\n")
    os.replace(tmp, index_dir / MANIFEST)


def _check_compatible(manifest: dict[str, Any], settings: Settings) -> None:
    expected = build_settings(settings)
    for key, want in expected.items():
        have = manifest.get(key)
        if have != want:
            raise IndexStateError(
                f"the index in {settings.index_dir} was built with {key}={have!r} but the current "
                f"settings need {want!r}; run `askcases index --rebuild`"
            )


class IndexStore:
    """The Chroma collection and manifest of one index directory."""

    def __init__(self, settings: Settings, embeddings: Embeddings) -> None:
        self.settings = settings
        self.embeddings = embeddings
        self._vectorstore: Any = None

    def _client(self) -> Any:
        import chromadb

        return chromadb.PersistentClient(
            path=str(self.settings.index_dir / CHROMA_DIR),
            settings=chromadb.config.Settings(anonymized_telemetry=False),
        )

    @property
    def vectorstore(self) -> Any:
        if self._vectorstore is None:
            from langchain_chroma import Chroma

            self._vectorstore = Chroma(
                collection_name=self.settings.collection,
                embedding_function=self.embeddings,
                client=self._client(),
                collection_configuration={"hnsw": {"space": "cosine"}},
            )
        return self._vectorstore

    def manifest(self) -> dict[str, Any]:
        """The manifest of a usable index; IndexStateError when there is none or it differs."""
        manifest = _read_manifest(self.settings.index_dir)
        if manifest is None:
            raise IndexStateError(
                f"no index in {self.settings.index_dir}; run `askcases index` to build it"
            )
        _check_compatible(manifest, self.settings)
        return manifest

    def add_chunks(self, chunks: list[Chunk], doc_hash: str) -> None:
        if not chunks:
            return
        self.vectorstore.add_texts(
            texts=[c.text for c in chunks],
            metadatas=[chunk_metadata(c, doc_hash) for c in chunks],
            ids=[c.chunk_id for c in chunks],
        )

    def remove_document(self, doc_id: str) -> None:
        self.vectorstore.delete(where={"doc_id": doc_id})

    def count(self) -> int:
        return int(self.vectorstore._collection.count())

    def search(
        self, query: str, k: int, containing: str | None = None
    ) -> list[tuple[dict[str, Any], str, float]]:
        """Top-k chunks for a query: (metadata, text, cosine similarity), best first.

        With `containing`, only chunks whose text contains that string (as written, or in lower
        case) are searched.
        """
        self.manifest()
        total = self.count()
        if total == 0:
            return []
        vector = self.embeddings.embed_query(query)
        where_document = None
        if containing:
            forms = sorted({containing, containing.lower()})
            clauses = [{"$contains": form} for form in forms]
            where_document = clauses[0] if len(clauses) == 1 else {"$or": clauses}
        found = self.vectorstore.similarity_search_by_vector_with_relevance_scores(
            vector, k=min(k, total), where_document=where_document
        )
        return [(dict(doc.metadata), doc.page_content, 1.0 - float(dist)) for doc, dist in found]

    def clear(self) -> None:
        """Drop the collection and the manifest (for --rebuild)."""
        self._vectorstore = None
        if (self.settings.index_dir / CHROMA_DIR).exists():
            client = self._client()
            if self.settings.collection in {c.name for c in client.list_collections()}:
                client.delete_collection(self.settings.collection)
        (self.settings.index_dir / MANIFEST).unlink(missing_ok=True)


def chunk_metadata(chunk: Chunk, doc_hash: str) -> dict[str, Any]:
    return {
        "doc_id": chunk.doc_id,
        "title": chunk.title,
        "date": chunk.date or "",
        "year": int(chunk.date[:4]) if chunk.date else 0,
        "start": chunk.start,
        "end": chunk.end,
        "n_tokens": chunk.n_tokens,
        "doc_hash": doc_hash,
    }


def _progress(total: int, quiet: bool) -> Any:
    from tqdm import tqdm

    return tqdm(
        total=total, desc="embedding", unit="chunk", disable=quiet or total == 0, file=sys.stderr
    )


def sync_index(
    settings: Settings,
    embeddings: Embeddings,
    *,
    rebuild: bool = False,
    quiet: bool = False,
    report_skip: Callable[[str], None] | None = None,
) -> SyncReport:
    """Bring the index in `settings.index_dir` in step with `settings.corpus_dir`."""
    if not settings.corpus_dir.is_dir():
        raise UsageError(
            f"corpus directory {settings.corpus_dir} does not exist; "
            "create it or pass --corpus / set ASKCASES_CORPUS"
        )
    store = IndexStore(settings, embeddings)
    manifest = _read_manifest(settings.index_dir)
    chroma_exists = (settings.index_dir / CHROMA_DIR).exists()
    if rebuild or (manifest is None and chroma_exists):
        store.clear()
        manifest = None
    if manifest is not None:
        _check_compatible(manifest, settings)
    else:
        manifest = {**build_settings(settings), "documents": {}}
    indexed: dict[str, dict[str, Any]] = manifest["documents"]

    report = SyncReport()
    articles: dict[str, Article] = {}
    unreadable: set[str] = set()
    for path, item in iter_corpus(settings.corpus_dir):
        if isinstance(item, ArticleError):
            report.skipped.append(str(item))
            unreadable.add(path.stem)
            continue
        if item.doc_id in articles:
            report.skipped.append(
                f"{item.source}: same document id as {articles[item.doc_id].source}; rename one"
            )
            continue
        articles[item.doc_id] = item
    if report_skip is not None:
        for message in report.skipped:
            report_skip(f"skipped {message}")

    # An article whose file is now unreadable keeps its last good version in the index.
    to_remove = sorted(d for d in indexed if d not in articles and d not in unreadable)
    to_embed: list[tuple[Article, list[Chunk]]] = []
    for doc_id, article in articles.items():
        entry = indexed.get(doc_id)
        if entry is not None and entry["hash"] == article.content_hash:
            report.unchanged += 1
            continue
        chunks = chunk_article(article, settings.chunk_tokens, settings.encoding)
        to_embed.append((article, chunks))

    for doc_id in to_remove:
        store.remove_document(doc_id)
        del indexed[doc_id]
        _write_manifest(settings.index_dir, manifest)
        report.removed += 1

    with _progress(sum(len(c) for _, c in to_embed), quiet) as bar:
        for article, chunks in to_embed:
            existed = article.doc_id in indexed
            store.remove_document(article.doc_id)
            store.add_chunks(chunks, article.content_hash)
            indexed[article.doc_id] = {
                "source": article.source,
                "title": article.title,
                "date": article.date,
                "hash": article.content_hash,
                "chunks": len(chunks),
                "indexed_at": datetime.now(UTC).isoformat(timespec="seconds"),
            }
            _write_manifest(settings.index_dir, manifest)
            if existed:
                report.updated += 1
            else:
                report.added += 1
            bar.update(len(chunks))
    # A new, empty corpus still leaves a valid (empty) index behind.
    _write_manifest(settings.index_dir, manifest)
    report.chunks = sum(int(e["chunks"]) for e in indexed.values())
    return report


def import_articles(paths: list[Path], corpus_dir: Path) -> tuple[list[Path], list[str]]:
    """Copy readable article files into the corpus; return (copied, skip messages)."""
    corpus_dir.mkdir(parents=True, exist_ok=True)
    copied: list[Path] = []
    skipped: list[str] = []
    for path in paths:
        if not path.is_file():
            skipped.append(f"{path}: no such file")
            continue
        try:
            load_article(path)
        except ArticleError as exc:
            skipped.append(str(exc))
            continue
        target = corpus_dir / path.name
        if target.resolve() != path.resolve():
            shutil.copyfile(path, target)
        copied.append(target)
    return copied, skipped
