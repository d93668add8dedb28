"""Keep a Chroma collection in step with the corpus directory, through a manifest.

The manifest (index/manifest.json) starts with a format version, records the embedding model and
chunker settings the index was built with, and lists each indexed article with its content hash.
`sync_index` compares the corpus with it: new articles are embedded and added, changed ones
re-embedded, deleted ones removed, unchanged ones left untouched. The manifest is rewritten
atomically every few seconds while a run embeds, and index/index.run marks the run until it
finishes; a run that is killed leaves the mark, and the next one first makes both sides agree
with the manifest (see `_repair`), then finishes the work. One run at a time holds the index
lock (askcases.runguard). A file whose size and modification time match its manifest entry is
not read again.
Each chunk is stored twice: in Chroma (dense vectors) and in the keyword index (BM25); both are
changed together, document by document. Chroma is used here and nowhere else: on local disk
under index/chroma by default, or on a Chroma server with `--chroma-url` (see askcases.remote,
which keeps the keyword index, manifest and outcomes of each process in step with the server).
"""

from __future__ import annotations

import json
import os
import shutil
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from langchain_core.embeddings import Embeddings

from askcases.acronyms import find_acronyms
from askcases.chunking import Chunk, chunk_article
from askcases.documents import (
    CLEANER_VERSION,
    Article,
    ArticleError,
    corpus_files,
    corpus_problem,
    load_article,
)
from askcases.embeddings import DIMENSION, MODEL_NAME
from askcases.errors import IndexStateError, UsageError
from askcases.filters import Filters, date_number
from askcases.keywords import KeywordIndex
from askcases.outcomes import RULES_VERSION, extract_outcomes
from askcases.remote import RemoteState, http_client
from askcases.runguard import fault_point, index_lock
from askcases.settings import Settings

FORMAT = "askcases-index/2"
MANIFEST = "manifest.json"
CHROMA_DIR = "chroma"
OUTCOMES = "outcomes.json"
RUN_MARK = "index.run"  # present while an index run changes the index (see sync_index)
OUTCOMES_FORMAT = "askcases-outcomes/1"
REFRESH_S = 2.0  # server mode: how often a process asks the server whether the index changed


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
        # json.dumps, compact: only then does json use its C encoder (json.dump never does),
        # and a large index's manifest is tens of megabytes.
        out.write(json.dumps(manifest, sort_keys=True, ensure_ascii=False, separators=(",", ":")))
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
    """The Chroma collection, keyword index, manifest and outcomes table of one index."""

    def __init__(self, settings: Settings, embeddings: Embeddings) -> None:
        self.settings = settings
        self.embeddings = embeddings
        self._vectorstore: Any = None
        self._client_object: Any = None
        self._remote: RemoteState | None = None
        self.keywords = KeywordIndex(settings.index_dir)
        self._manifest: tuple[int, dict[str, Any]] | None = None
        self._derived: tuple[int, dict[str, str], int] | None = None  # glossary, chunk count
        self._checked_at = -REFRESH_S
        self._refresh_lock = threading.Lock()

    @property
    def server_key(self) -> str | None:
        """The Chroma server and collection this index lives in; None for a local index."""
        url = self.settings.chroma_url
        return f"{url.rstrip('/')}#{self.settings.collection}" if url else None

    def _client(self) -> Any:
        if self._client_object is None:
            if self.settings.chroma_url:
                self._client_object = http_client(self.settings.chroma_url)
            else:
                import chromadb

                self._client_object = chromadb.PersistentClient(
                    path=str(self.settings.index_dir / CHROMA_DIR),
                    settings=chromadb.config.Settings(anonymized_telemetry=False),
                )
        return self._client_object

    @property
    def remote(self) -> RemoteState | None:
        """The server's document records in server mode; None for a local index."""
        if self.settings.chroma_url and self._remote is None:
            self._remote = RemoteState(self._client(), self.settings.collection)
        return self._remote

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
        if self.settings.chroma_url:
            self._maybe_refresh()
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
                f"no index in {self.settings.index_dir}"
                + (f" or on {self.settings.chroma_url}" if self.settings.chroma_url else "")
                + "; run `askcases index` to build it"
            )
        if manifest.get("server") != self.server_key:
            where = manifest.get("server") or "local disk"
            raise IndexStateError(
                f"the index directory {self.settings.index_dir} holds the index on {where}; "
                "pass the matching --chroma-url or use another --index"
            )
        _check_compatible(manifest, self.settings)
        if not self.keywords.exists():
            raise IndexStateError(
                f"the keyword index in {self.settings.index_dir} is missing; "
                "run `askcases index --rebuild`"
            )
        self._manifest = (stamp, manifest)
        return manifest

    def _maybe_refresh(self) -> None:
        if time.monotonic() - self._checked_at < REFRESH_S:
            return
        with self._refresh_lock:
            if time.monotonic() - self._checked_at < REFRESH_S:
                return
            self.refresh()
            self._checked_at = time.monotonic()

    def refresh(self) -> None:
        """Server mode: bring this process's keyword index, manifest and outcomes table in step
        with the server, fetching the chunks of changed documents only."""
        remote = self.remote
        assert remote is not None
        index_dir = self.settings.index_dir
        generation = remote.generation()
        try:
            local = _read_manifest(index_dir)
        except IndexStateError:
            local = None
        same_server = local is not None and local.get("server") == self.server_key
        if local is not None and same_server and generation == local.get("generation") is not None:
            return
        build, entries, outcome_rows = remote.load()
        if build is None:
            self._clear_local()
            return
        generation = build.pop("generation")
        _check_compatible(build, self.settings)
        known: dict[str, Any] = local["documents"] if local is not None and same_server else {}
        if not same_server:
            self.keywords.clear()
        removed = [d for d in known if d not in entries]
        self.keywords.replace_documents([(d, []) for d in removed])
        changed = sorted(d for d, e in entries.items() if known.get(d, {}).get("hash") != e["hash"])
        for first in range(0, len(changed), FETCH_DOCUMENTS):
            group = changed[first : first + FETCH_DOCUMENTS]
            by_doc = self._stored_chunks(group)
            self.keywords.replace_documents([(d, by_doc.get(d, [])) for d in group])
        _write_outcome_rows(index_dir, [r for d in sorted(entries) for r in outcome_rows[d]])
        _write_manifest(
            index_dir,
            {**build, "documents": entries, "server": self.server_key, "generation": generation},
        )

    def _stored_chunks(self, doc_ids: list[str]) -> dict[str, list[Chunk]]:
        """The chunks of these documents as Chroma holds them, in text order."""
        where = {"doc_id": {"$in": doc_ids}} if len(doc_ids) > 1 else {"doc_id": doc_ids[0]}
        got = self.vectorstore._collection.get(where=where, include=["documents", "metadatas"])
        by_doc: dict[str, list[Chunk]] = {}
        rows = zip(got["ids"], got["documents"], got["metadatas"], strict=True)
        for chunk_id, text, meta in rows:
            by_doc.setdefault(str(meta["doc_id"]), []).append(
                Chunk(
                    chunk_id=chunk_id,
                    doc_id=str(meta["doc_id"]),
                    title=str(meta["title"]),
                    date=str(meta["date"]) or None,
                    text=text,
                    start=int(meta["start"]),
                    end=int(meta["end"]),
                    n_tokens=int(meta["n_tokens"]),
                )
            )
        for chunks in by_doc.values():
            chunks.sort(key=lambda c: c.start)
        return by_doc

    def save_manifest(
        self,
        manifest: dict[str, Any],
        changed: list[str] = (),  # type: ignore[assignment]
        removed: list[str] = (),  # type: ignore[assignment]
        outcome_rows: dict[str, list[dict[str, Any]]] | None = None,
        write_local: bool = True,
    ) -> None:
        """Record the manifest after documents changed: the server's records of `changed` and
        `removed` documents first (server mode), then the local file (unless the caller
        writes it next anyway)."""
        remote = self.remote
        if remote is not None and (changed or removed):
            documents = manifest["documents"]
            remote.save_documents(
                {d: documents[d] for d in changed}, outcome_rows or {}, list(removed)
            )
        if write_local:
            _write_manifest(self.settings.index_dir, manifest)

    def finish(self, manifest: dict[str, Any], changed: bool) -> None:
        """Server mode: a new generation token tells every process that the index changed."""
        remote = self.remote
        if remote is None:
            return
        if changed or manifest.get("generation") is None:
            manifest["generation"] = uuid.uuid4().hex
            remote.save_build(build_settings(self.settings), manifest["generation"])
        manifest["server"] = self.server_key
        _write_manifest(self.settings.index_dir, manifest)

    def outcomes(self) -> list[dict[str, Any]]:
        """Every quantified outcome of the indexed articles (see askcases.outcomes)."""
        self.manifest()
        rows = _read_outcome_rows(self.settings.index_dir)
        if rows is None:
            raise IndexStateError(
                f"the index in {self.settings.index_dir} has no outcomes table; "
                "run `askcases index`"
            )
        return [r for doc_rows in rows.values() for r in doc_rows]

    def _derived_figures(self) -> tuple[dict[str, str], int]:
        manifest = self.manifest()
        stamp = self._manifest[0] if self._manifest else -1
        if self._derived is None or self._derived[0] != stamp:
            glossary: dict[str, str] = {}
            documents = manifest["documents"]
            for doc_id in sorted(documents):
                for acronym, expansion in documents[doc_id].get("acronyms", {}).items():
                    glossary.setdefault(acronym, expansion)
            total = sum(int(e["chunks"]) for e in documents.values())
            self._derived = (stamp, glossary, total)
        return self._derived[1], self._derived[2]

    def glossary(self) -> dict[str, str]:
        """Acronym -> expansion, learned from every indexed article."""
        return self._derived_figures()[0]

    def replace_document(
        self,
        doc_id: str,
        chunks: list[Chunk],
        doc_hash: str,
        vectors: list[list[float]] | None = None,
        stored: int | None = None,
    ) -> None:
        """Make a document's chunks exactly `chunks` (none to remove it), on both sides;
        `vectors` are their embeddings when already computed, `stored` how many it has now."""
        if chunks and vectors is None:
            vectors = self.embeddings.embed_documents([c.text for c in chunks])
        known = None if stored is None else {doc_id: stored}
        self.replace_documents([(doc_id, chunks, doc_hash, vectors or [])], known)

    def replace_documents(
        self,
        documents: list[tuple[str, list[Chunk], str, list[list[float]]]],
        stored: dict[str, int] | None = None,
    ) -> None:
        """Several documents at once, (doc_id, chunks, content hash, their vectors) each: one
        delete and one write on each side. `stored` gives how many chunks each document has in
        the index now (absent: none), so they are deleted by id; without it, a metadata query
        finds them (slower in a large index, but sure to find chunks no manifest lists)."""
        if not documents:
            return
        ids = [doc_id for doc_id, _, _, _ in documents]
        if stored is None:
            self.vectorstore.delete(
                where={"doc_id": {"$in": ids}} if len(ids) > 1 else {"doc_id": ids[0]}
            )
        else:
            old = [f"{d}#{n}" for d in ids for n in range(stored.get(d, 0))]
            if old:
                self.vectorstore._collection.delete(ids=old)
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
        """Chunks in the index, as its manifest records them."""
        return self._derived_figures()[1]

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
        """Drop the collection, the keyword index and the manifest (for --rebuild)."""
        self._vectorstore = None
        if self.settings.chroma_url or (self.settings.index_dir / CHROMA_DIR).exists():
            client = self._client()
            if self.settings.collection in {c.name for c in client.list_collections()}:
                client.delete_collection(self.settings.collection)
        if self.remote is not None:
            self.remote.clear()
        self._clear_local()

    def _clear_local(self) -> None:
        self.keywords.clear()
        (self.settings.index_dir / MANIFEST).unlink(missing_ok=True)
        (self.settings.index_dir / OUTCOMES).unlink(missing_ok=True)
        self._manifest = None
        self._derived = None


FETCH_DOCUMENTS = 200  # documents whose chunks one refresh request fetches


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
    """Bring the index in `settings.index_dir` (and on the Chroma server, in server mode) in
    step with `settings.corpus_dir`, holding the index lock throughout."""
    if not settings.corpus_dir.is_dir():
        raise UsageError(
            f"corpus directory {settings.corpus_dir} does not exist; "
            "create it or pass --corpus / set ASKCASES_CORPUS"
        )
    with index_lock(settings.index_dir, settings.lock_wait_s, report_skip):
        return _sync_locked(settings, embeddings, rebuild, quiet, report_skip)


def _sync_locked(
    settings: Settings,
    embeddings: Embeddings,
    rebuild: bool,
    quiet: bool,
    report_skip: Callable[[str], None] | None,
) -> SyncReport:
    store = IndexStore(settings, embeddings)
    if store.remote is not None:
        if rebuild:
            store.clear()
        else:
            store.refresh()
        manifest = _read_manifest(settings.index_dir)
    else:
        manifest = _read_manifest(settings.index_dir)
        chroma_exists = (settings.index_dir / CHROMA_DIR).exists()
        if rebuild or (manifest is None and chroma_exists):
            store.clear()
            manifest = None
    if manifest is not None:
        _check_compatible(manifest, settings)
        if manifest.get("server") != store.server_key:
            store.manifest()  # says which index the directory holds
    else:
        manifest = {**build_settings(settings), "documents": {}}
    indexed: dict[str, dict[str, Any]] = manifest["documents"]
    # The mark says the index is being changed until this run finishes; a run killed before
    # then leaves it, and the next one checks every document on both sides (see _repair).
    run_mark = settings.index_dir / RUN_MARK
    interrupted = run_mark.exists()
    if interrupted:
        _repair(store, indexed)
    settings.index_dir.mkdir(parents=True, exist_ok=True)
    run_mark.write_text(
        json.dumps({"pid": os.getpid(), "started": datetime.now(UTC).isoformat()}) + "\n",
        encoding="utf-8",
    )
    fault_point("started")
    outcome_rows = _read_outcome_rows(settings.index_dir, current_rules=True)
    reuse_outcomes = outcome_rows is not None and not interrupted
    outcome_rows = {d: rows for d, rows in (outcome_rows or {}).items() if d in indexed}

    report = SyncReport()
    to_embed: list[tuple[Article, list[Chunk]]] = []
    present: dict[str, str] = {}  # doc_id -> file name, readable or not
    signatures: dict[str, list[Any]] = {}  # doc_id -> [file name, size, mtime], read before it
    unreadable: set[str] = set()
    for path in corpus_files(settings.corpus_dir):
        problem = corpus_problem(path, settings.corpus_dir)
        if problem is not None:
            report.skipped.append(problem)
            continue
        doc_id = path.stem
        if doc_id in present:
            report.skipped.append(f"{path.name}: same document id as {present[doc_id]}; rename one")
            continue
        present[doc_id] = path.name
        entry = indexed.get(doc_id)
        signatures[doc_id] = signature = [path.name, *_file_stat(path)]
        if reuse_outcomes and entry is not None and entry.get("file") == signature:
            report.unchanged += 1  # same name, size and modification time: not read again
            continue
        try:
            article = load_article(path)
        except ArticleError as exc:
            report.skipped.append(str(exc))
            unreadable.add(doc_id)
            continue
        if entry is not None and entry["hash"] == article.content_hash:
            report.unchanged += 1
            entry["file"] = signature
            if not reuse_outcomes:
                outcome_rows[doc_id] = _outcome_rows(article)
            continue
        to_embed.append((article, chunk_article(article, settings.chunk_tokens, settings.encoding)))
    if report_skip is not None:
        for message in report.skipped:
            report_skip(f"skipped {message}")

    # An article whose file is now unreadable keeps its last good version in the index.
    to_remove = sorted(d for d in indexed if d not in present)
    for doc_id in to_remove:
        store.replace_document(doc_id, [], "", stored=int(indexed[doc_id]["chunks"]))
        del indexed[doc_id]
        outcome_rows.pop(doc_id, None)
        report.removed += 1
    if to_remove:
        fault_point("removed")
        store.save_manifest(manifest, removed=to_remove)

    pending: list[str] = []  # documents stored since the manifest was last written
    written_at = time.monotonic()
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
            # Chunks are deleted by id: after an interrupted run, _repair has already removed
            # any chunk the manifest does not list.
            stored = {
                a.doc_id: int(indexed[a.doc_id]["chunks"]) for a, _ in group if a.doc_id in indexed
            }
            store.replace_documents(batch, stored)
            fault_point("stored")
            for article, chunks in group:
                _record_document(indexed, report, article, len(chunks), signatures[article.doc_id])
                outcome_rows[article.doc_id] = _outcome_rows(article)
                bar.update(len(chunks))
            # Once per group: a crash before this leaves chunks the manifest does not list,
            # which the next sync replaces (it deletes a document's chunks before adding them).
            pending += [a.doc_id for a, _ in group]
            # The manifest is written every MANIFEST_EVERY_S, not per group: a large index
            # would spend its time rewriting it. A run killed in between leaves chunks the
            # manifest does not list; the next run's _repair removes them and indexes afresh.
            if time.monotonic() - written_at >= MANIFEST_EVERY_S:
                store.save_manifest(manifest, pending, [], outcome_rows)
                pending, written_at = [], time.monotonic()
    store.save_manifest(manifest, pending, [], outcome_rows, write_local=False)
    fault_point("recorded")
    _write_outcome_rows(
        settings.index_dir, [r for d in sorted(indexed) for r in outcome_rows.get(d, [])]
    )
    fault_point("outcomes")
    _write_manifest(settings.index_dir, manifest)
    run_mark.unlink(missing_ok=True)
    store.finish(manifest, changed=bool(report.added or report.updated or report.removed))
    report.chunks = sum(int(e["chunks"]) for e in indexed.values())
    return report


def _repair(store: IndexStore, indexed: dict[str, dict[str, Any]]) -> None:
    """After an interrupted run: make Chroma, the keyword index and the manifest agree. A
    document whose chunks differ from its manifest entry on either side, or that the manifest
    does not list, loses its chunks on both sides and its entry, so it is indexed afresh."""
    dense = store.chunk_ids()
    keyword = store.keywords.chunk_ids()
    broken = []
    for doc_id in sorted(set(dense) | set(keyword) | set(indexed)):
        entry = indexed.get(doc_id)
        expected = {f"{doc_id}#{n}" for n in range(int(entry["chunks"]))} if entry else set()
        if dense.get(doc_id, set()) != expected or keyword.get(doc_id, set()) != expected:
            broken.append(doc_id)
    for doc_id in broken:
        store.replace_document(doc_id, [], "")
        indexed.pop(doc_id, None)
    if store.remote is not None and broken:
        store.remote.save_documents({}, {}, broken)


def _file_stat(path: Path) -> list[int]:
    try:
        stat = path.stat()
    except OSError:
        return [-1, -1]
    return [stat.st_size, stat.st_mtime_ns]


def _outcome_rows(article: Article) -> list[dict[str, Any]]:
    rows = [o.to_dict() for o in extract_outcomes(article)]
    rows.sort(key=lambda r: (r["start"], r["measure"]))
    return rows


EMBED_GROUP = 256  # chunks embedded together
MANIFEST_EVERY_S = 10.0  # while embedding, the manifest is written at most this often


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
    indexed: dict[str, dict[str, Any]],
    report: SyncReport,
    article: Article,
    n_chunks: int,
    signature: list[Any],
) -> None:
    """The manifest entry of a document just stored, and the count it adds to the report."""
    if article.doc_id in indexed:
        report.updated += 1
    else:
        report.added += 1
    indexed[article.doc_id] = {
        "source": article.source,
        "file": signature,
        "title": article.title,
        "date": article.date,
        "hash": article.content_hash,
        "chunks": n_chunks,
        "acronyms": find_acronyms(article.text),
        "indexed_at": datetime.now(UTC).isoformat(timespec="seconds"),
    }


def _read_outcome_rows(
    index_dir: Path, current_rules: bool = False
) -> dict[str, list[dict[str, Any]]] | None:
    """doc_id -> outcome rows from index/outcomes.json; None when there is none (or, with
    `current_rules`, when it was made by other extraction rules)."""
    path = index_dir / OUTCOMES
    try:
        table = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if table.get("format") != OUTCOMES_FORMAT:
        return None
    if current_rules and table.get("rules") != RULES_VERSION:
        return None
    rows: dict[str, list[dict[str, Any]]] = {}
    for row in table.get("rows", []):
        rows.setdefault(row["doc_id"], []).append(row)
    return rows


def _write_outcome_rows(index_dir: Path, rows: list[dict[str, Any]]) -> None:
    """Replace index/outcomes.json atomically with these rows (in document order)."""
    index_dir.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=index_dir, prefix=".outcomes-", suffix=".json")
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        table = {"format": OUTCOMES_FORMAT, "rules": RULES_VERSION, "rows": rows}
        out.write(json.dumps(table, ensure_ascii=False, separators=(",", ":")))
    os.replace(tmp, index_dir / OUTCOMES)


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


def tutorial_store(corpus_dir: Path, embeddings: Embeddings, path: Path | None = None) -> Any:
    """LangChain's RAG tutorial pipeline over the raw corpus files, for comparison only: each
    file one document, RecursiveCharacterTextSplitter(1000, 200), Chroma (in memory, or on disk
    under `path`)."""
    import chromadb
    from langchain_chroma import Chroma

    from askcases.documents import SUPPORTED_SUFFIXES

    settings = chromadb.config.Settings(anonymized_telemetry=False)
    client = (
        chromadb.PersistentClient(path=str(path), settings=settings)
        if path is not None
        else chromadb.EphemeralClient(settings=settings)
    )
    store = Chroma(collection_name="tutorial", embedding_function=embeddings, client=client)
    files = [
        p
        for p in corpus_files(corpus_dir)
        if p.suffix.lower() in SUPPORTED_SUFFIXES and corpus_problem(p, corpus_dir) is None
    ]
    tutorial_add(store, files)
    return store


def tutorial_add(store: Any, files: list[Path]) -> int:
    """Split these files as the tutorial does and add them, in Chroma's largest batches."""
    from langchain_core.documents import Document
    from langchain_text_splitters import RecursiveCharacterTextSplitter

    docs = [
        Document(
            page_content=p.read_text(encoding="utf-8", errors="replace"),
            metadata={"source": p.name},
        )
        for p in files
    ]
    splits = RecursiveCharacterTextSplitter(chunk_size=1000, chunk_overlap=200).split_documents(
        docs
    )
    first_id = store._collection.count()
    step = store._client.get_max_batch_size()
    for first in range(0, len(splits), step):
        part = splits[first : first + step]
        ids = [f"t{first_id + i}" for i in range(first, first + len(part))]
        store.add_documents(part, ids=ids)
    return len(splits)
