"""Keep a Chroma collection in step with the corpus directory, through a manifest.

The manifest (index/manifest.json) starts with a format version, records the embedding model and
chunker settings the index was built with, and lists each indexed article with its content hash.
`sync_index` compares the corpus with it: new articles are embedded and added, changed ones
re-embedded, deleted ones removed, unchanged ones left untouched. The manifest is rewritten
atomically after each article, so an interrupted run leaves an index the next run can finish.
Each chunk is stored twice: in Chroma (dense vectors) and in the keyword index (BM25); both are
changed together, document by document. Chroma is used here and nowhere else. Leaves out: a
Chroma server.
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

from askcases.acronyms import find_acronyms
from askcases.chunking import Chunk, chunk_article
from askcases.documents import CLEANER_VERSION, Article, ArticleError, iter_corpus, load_article
from askcases.embeddings import DIMENSION, MODEL_NAME
from askcases.errors import IndexStateError, UsageError
from askcases.filters import Filters, date_number
from askcases.keywords import KeywordIndex
from askcases.outcomes import extract_outcomes
from askcases.settings import Settings

FORMAT = "askcases-index/2"
MANIFEST = "manifest.json"
CHROMA_DIR = "chroma"
OUTCOMES = "outcomes.json"


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
        self.keywords = KeywordIndex(settings.index_dir)
        self._manifest: tuple[int, dict[str, Any]] | None = None

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
        path = self.settings.index_dir / MANIFEST
        try:
            stamp = path.stat().st_mtime_ns
        except OSError:
            stamp = -1
        if self._manifest is not None and self._manifest[0] == stamp:
            return self._manifest[1]
        manifest = _read_manifest(self.settings.index_dir)
        if manifest is None:
            raise IndexStateError(
                f"no index in {self.settings.index_dir}; run `askcases index` to build it"
            )
        _check_compatible(manifest, self.settings)
        if not self.keywords.exists():
            raise IndexStateError(
                f"the keyword index in {self.settings.index_dir} is missing; "
                "run `askcases index --rebuild`"
            )
        self._manifest = (stamp, manifest)
        return manifest

    def outcomes(self) -> list[dict[str, Any]]:
        """Every quantified outcome of the indexed articles (see askcases.outcomes)."""
        self.manifest()
        path = self.settings.index_dir / OUTCOMES
        if not path.exists():
            raise IndexStateError(
                f"the index in {self.settings.index_dir} has no outcomes table; "
                "run `askcases index`"
            )
        rows: list[dict[str, Any]] = json.loads(path.read_text(encoding="utf-8"))["rows"]
        return rows

    def glossary(self) -> dict[str, str]:
        """Acronym -> expansion, learned from every indexed article."""
        glossary: dict[str, str] = {}
        documents = self.manifest()["documents"]
        for doc_id in sorted(documents):
            for acronym, expansion in documents[doc_id].get("acronyms", {}).items():
                glossary.setdefault(acronym, expansion)
        return glossary

    def replace_document(
        self,
        doc_id: str,
        chunks: list[Chunk],
        doc_hash: str,
        vectors: list[list[float]] | None = None,
    ) -> None:
        """Make a document's chunks exactly `chunks` (none to remove it), on both sides;
        `vectors` are their embeddings when already computed."""
        if chunks and vectors is None:
            vectors = self.embeddings.embed_documents([c.text for c in chunks])
        self.replace_documents([(doc_id, chunks, doc_hash, vectors or [])])

    def replace_documents(
        self, documents: list[tuple[str, list[Chunk], str, list[list[float]]]]
    ) -> None:
        """Several documents at once, (doc_id, chunks, content hash, their vectors) each: one
        delete and one write on each side."""
        if not documents:
            return
        ids = [doc_id for doc_id, _, _, _ in documents]
        self.vectorstore.delete(
            where={"doc_id": {"$in": ids}} if len(ids) > 1 else {"doc_id": ids[0]}
        )
        chunks = [(c, h, v) for _, cs, h, vs in documents for c, v in zip(cs, vs, strict=True)]
        if chunks:
            self.vectorstore._collection.upsert(
                ids=[c.chunk_id for c, _, _ in chunks],
                embeddings=[v for _, _, v in chunks],
                documents=[c.text for c, _, _ in chunks],
                metadatas=[chunk_metadata(c, h) for c, h, _ in chunks],
            )
        self.keywords.replace_documents([(doc_id, cs) for doc_id, cs, _, _ in documents])

    def chunk_ids(self) -> dict[str, set[str]]:
        """doc_id -> ids of its chunks in Chroma."""
        got = self.vectorstore.get(include=["metadatas"])
        ids: dict[str, set[str]] = {}
        for chunk_id, meta in zip(got["ids"], got["metadatas"], strict=True):
            ids.setdefault(str(meta["doc_id"]), set()).add(chunk_id)
        return ids

    def count(self) -> int:
        return int(self.vectorstore._collection.count())

    def search(
        self,
        query: str,
        k: int,
        containing: str | None = None,
        filters: Filters | None = None,
        vector: list[float] | None = None,
    ) -> list[tuple[dict[str, Any], str, float]]:
        """Top-k chunks by meaning: (metadata, text, cosine similarity), best first.

        With `containing`, only chunks whose text contains that string (as written, or in lower
        case) are searched; with `filters`, only chunks inside them.
        """
        self.manifest()
        total = self.count()
        if total == 0:
            return []
        if vector is None:
            vector = self.embeddings.embed_query(query)
        where_document = None
        if containing:
            forms = sorted({containing, containing.lower()})
            clauses = [{"$contains": form} for form in forms]
            where_document = clauses[0] if len(clauses) == 1 else {"$or": clauses}
        found = self.vectorstore.similarity_search_by_vector_with_relevance_scores(
            vector, k=min(k, total), filter=chroma_where(filters), where_document=where_document
        )
        return [
            ({**doc.metadata, "chunk_id": doc.id}, doc.page_content, 1.0 - float(dist))
            for doc, dist in found
        ]

    def keyword_search(
        self, query: str, k: int, filters: Filters | None = None
    ) -> list[tuple[dict[str, Any], str, float]]:
        """Top-k chunks by BM25: (metadata, text, bm25 score), best first."""
        self.manifest()
        return self.keywords.search(query, k, sql_where(filters))

    def similarities(self, chunk_ids: list[str], vector: list[float]) -> dict[str, float]:
        """Cosine similarity of stored chunks to a (normalised) query vector."""
        if not chunk_ids:
            return {}
        got = self.vectorstore.get(ids=chunk_ids, include=["embeddings"])
        return {
            chunk_id: float(sum(a * b for a, b in zip(emb, vector, strict=True)))
            for chunk_id, emb in zip(got["ids"], got["embeddings"], strict=True)
        }

    def clear(self) -> None:
        """Drop the collection and the manifest (for --rebuild)."""
        self._vectorstore = None
        if (self.settings.index_dir / CHROMA_DIR).exists():
            client = self._client()
            if self.settings.collection in {c.name for c in client.list_collections()}:
                client.delete_collection(self.settings.collection)
        self.keywords.clear()
        (self.settings.index_dir / MANIFEST).unlink(missing_ok=True)


def chunk_metadata(chunk: Chunk, doc_hash: str) -> dict[str, Any]:
    return {
        "doc_id": chunk.doc_id,
        "title": chunk.title,
        "date": chunk.date or "",
        "date_num": date_number(chunk.date),
        "start": chunk.start,
        "end": chunk.end,
        "n_tokens": chunk.n_tokens,
        "doc_hash": doc_hash,
    }


def chroma_where(filters: Filters | None) -> dict[str, Any] | None:
    """The Chroma metadata filter for `filters` (an undated article fails any date bound)."""
    if filters is None or not filters.active:
        return None
    clauses: list[dict[str, Any]] = []
    if filters.since:
        clauses.append({"date_num": {"$gte": date_number(filters.since)}})
    if filters.until:
        clauses.append({"date_num": {"$lte": date_number(filters.until)}})
        clauses.append({"date_num": {"$gt": 0}})
    if filters.doc_ids:
        clauses.append({"doc_id": {"$in": list(filters.doc_ids)}})
    return clauses[0] if len(clauses) == 1 else {"$and": clauses}


def sql_where(filters: Filters | None) -> tuple[str, list[Any]] | None:
    """The same filter as an SQL condition over the keyword index's chunks table."""
    if filters is None or not filters.active:
        return None
    conditions: list[str] = []
    params: list[Any] = []
    if filters.since:
        conditions.append("c.date_num >= ?")
        params.append(date_number(filters.since))
    if filters.until:
        conditions.append("c.date_num <= ? AND c.date_num > 0")
        params.append(date_number(filters.until))
    if filters.doc_ids:
        conditions.append(f"c.doc_id IN ({', '.join('?' for _ in filters.doc_ids)})")
        params.extend(filters.doc_ids)
    return " AND ".join(conditions), params


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
        store.replace_document(doc_id, [], "")
        del indexed[doc_id]
        _write_manifest(settings.index_dir, manifest)
        report.removed += 1

    with _progress(sum(len(c) for _, c in to_embed), quiet) as bar:
        for group in _embedding_groups(to_embed):
            # One embedding call for many documents' chunks: the model batches them by length.
            flat = [c.text for _, chunks in group for c in chunks]
            vectors = embeddings.embed_documents(flat) if flat else []
            offset = 0
            batch = []
            for article, chunks in group:
                batch.append(
                    (
                        article.doc_id,
                        chunks,
                        article.content_hash,
                        vectors[offset : offset + len(chunks)],
                    )
                )
                offset += len(chunks)
            store.replace_documents(batch)
            for article, chunks in group:
                _record_document(indexed, report, article, len(chunks))
                bar.update(len(chunks))
            # Once per group: a crash before this leaves chunks the manifest does not list,
            # which the next sync replaces (it deletes a document's chunks before adding them).
            _write_manifest(settings.index_dir, manifest)
    # A new, empty corpus still leaves a valid (empty) index behind.
    _write_manifest(settings.index_dir, manifest)
    _write_outcomes(settings.index_dir, articles, indexed)
    report.chunks = sum(int(e["chunks"]) for e in indexed.values())
    return report


EMBED_GROUP = 256  # chunks embedded together


def _embedding_groups(
    to_embed: list[tuple[Article, list[Chunk]]],
) -> list[list[tuple[Article, list[Chunk]]]]:
    """Consecutive documents gathered until a group holds about EMBED_GROUP chunks."""
    groups: list[list[tuple[Article, list[Chunk]]]] = [[]]
    size = 0
    for item in to_embed:
        if size and size + len(item[1]) > EMBED_GROUP:
            groups.append([])
            size = 0
        groups[-1].append(item)
        size += len(item[1])
    return [g for g in groups if g]


def _record_document(
    indexed: dict[str, dict[str, Any]], report: SyncReport, article: Article, n_chunks: int
) -> None:
    """The manifest entry of a document just stored, and the count it adds to the report."""
    if article.doc_id in indexed:
        report.updated += 1
    else:
        report.added += 1
    indexed[article.doc_id] = {
        "source": article.source,
        "title": article.title,
        "date": article.date,
        "hash": article.content_hash,
        "chunks": n_chunks,
        "acronyms": find_acronyms(article.text),
        "indexed_at": datetime.now(UTC).isoformat(timespec="seconds"),
    }


def _write_outcomes(
    index_dir: Path, articles: dict[str, Article], indexed: dict[str, dict[str, Any]]
) -> None:
    """Refresh index/outcomes.json: the rows of every indexed article (an article whose file is
    unreadable now keeps the rows of its indexed version)."""
    previous: list[dict[str, Any]] = []
    path = index_dir / OUTCOMES
    if path.exists():
        previous = json.loads(path.read_text(encoding="utf-8")).get("rows", [])
    rows = [o.to_dict() for doc_id in sorted(articles) for o in extract_outcomes(articles[doc_id])]
    rows += [r for r in previous if r["doc_id"] in indexed and r["doc_id"] not in articles]
    rows.sort(key=lambda r: (r["doc_id"], r["start"], r["measure"]))
    fd, tmp = tempfile.mkstemp(dir=index_dir, prefix=".outcomes-", suffix=".json")
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        json.dump(
            {"format": "askcases-outcomes/1", "rows": rows}, out, indent=1, ensure_ascii=False
        )
    os.replace(tmp, path)


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


def tutorial_store(corpus_dir: Path, embeddings: Embeddings) -> Any:
    """LangChain's RAG tutorial pipeline over the raw corpus files, for comparison only: each
    file one document, RecursiveCharacterTextSplitter(1000, 200), an in-memory Chroma."""
    import chromadb
    from langchain_chroma import Chroma
    from langchain_core.documents import Document
    from langchain_text_splitters import RecursiveCharacterTextSplitter

    from askcases.documents import SUPPORTED_SUFFIXES, corpus_files

    docs = [
        Document(
            page_content=p.read_text(encoding="utf-8", errors="replace"),
            metadata={"source": p.name},
        )
        for p in corpus_files(corpus_dir)
        if p.suffix.lower() in SUPPORTED_SUFFIXES
    ]
    splits = RecursiveCharacterTextSplitter(chunk_size=1000, chunk_overlap=200).split_documents(
        docs
    )
    client = chromadb.EphemeralClient(settings=chromadb.config.Settings(anonymized_telemetry=False))
    store = Chroma(collection_name="tutorial", embedding_function=embeddings, client=client)
    step = client.get_max_batch_size()
    for first in range(0, len(splits), step):
        part = splits[first : first + step]
        store.add_documents(part, ids=[f"t{i}" for i in range(first, first + len(part))])
    return store
