"""One index: the dense store (Chroma), the keyword store (FTS5), the manifest and the outcomes
table, kept together document by document.

Each chunk is stored twice, in Chroma (dense vectors) and in the keyword index (BM25); both are
changed together, per document. In server mode (`--chroma-url`) the chunks live on a Chroma
server, and each process keeps the keyword index, manifest and outcomes in its own index
directory as a cache it refreshes from the server (askcases.store.remote).
Leaves out: deciding what to change (askcases.store.sync) and answering (askcases.qa).
"""

from __future__ import annotations

import threading
import time
import uuid
from dataclasses import dataclass
from typing import Any

from langchain_core.embeddings import Embeddings

from askcases.config import Settings
from askcases.errors import IndexStateError
from askcases.store import outcome_table
from askcases.store.dense import DenseStore, http_client, local_client, mark_changed
from askcases.store.keywords import KeywordIndex, sql_where
from askcases.store.manifest import (
    MANIFEST,
    Manifest,
    build_settings,
    check_compatible,
    read_manifest,
    write_manifest,
)
from askcases.store.remote import RemoteState
from askcases.store.supersession import newer_articles
from askcases.types import Chunk, Filters, Outcome, ScoredChunk

CHROMA_DIR = "chroma"
REFRESH_S = 2.0  # server mode: how often a process asks the server whether the index changed
NEWER_CACHED = 32  # dates whose supersession is kept worked out
FETCH_DOCUMENTS = 200  # documents whose chunks one refresh request fetches

DocumentWrite = tuple[str, list[Chunk], str, list[list[float]]]  # doc_id, chunks, hash, vectors


@dataclass(frozen=True)
class IndexedArticle:
    """An article as the manifest records it."""

    doc_id: str
    title: str
    date: str | None
    chunks: int
    indexed_at: str
    source: str
    content_hash: str


class IndexStore:
    """The Chroma collection, keyword index, manifest and outcomes table of one index."""

    def __init__(self, settings: Settings, embeddings: Embeddings) -> None:
        self.settings = settings
        self.embeddings = embeddings
        self._dense: DenseStore | None = None
        self._client_object: Any = None
        self._remote: RemoteState | None = None
        self.keywords = KeywordIndex(settings.index_dir)
        self._manifest: tuple[int, Manifest] | None = None
        # (manifest stamp, glossary, definitions, chunk count)
        self._derived: tuple[int, dict[str, str], dict[str, str], int] | None = None
        # as_of -> newer articles, for the manifest of _newer_stamp
        self._newer: dict[int | None, dict[str, list[str]]] = {}
        self._newer_stamp = -2
        self._newer_lock = threading.Lock()
        self._checked_at = -REFRESH_S
        self._refresh_lock = threading.Lock()

    @property
    def server_key(self) -> str | None:
        """The Chroma server and collection this index lives in; None for a local index."""
        url = self.settings.chroma_url
        return f"{url.rstrip('/')}#{self.settings.collection}" if url else None

    def _server_client(self) -> Any:
        if self._client_object is None:
            self._client_object = http_client(str(self.settings.chroma_url))
        return self._client_object

    @property
    def remote(self) -> RemoteState | None:
        """The server's document records in server mode; None for a local index."""
        if self.settings.chroma_url and self._remote is None:
            self._remote = RemoteState(self._server_client(), self.settings.collection)
        return self._remote

    @property
    def dense(self) -> DenseStore:
        if self._dense is None:
            if self.settings.chroma_url:
                self._dense = DenseStore(self._server_client, self.settings.collection)
            else:
                folder = self.settings.index_dir / CHROMA_DIR
                self._dense = DenseStore(
                    lambda: local_client(folder),
                    self.settings.collection,
                    changed=lambda: mark_changed(folder),
                )
        return self._dense

    def manifest(self) -> Manifest:
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
        manifest = read_manifest(self.settings.index_dir)
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
        check_compatible(manifest, self.settings)
        if not self.keywords.exists():
            raise IndexStateError(
                f"the keyword index in {self.settings.index_dir} is missing; "
                "run `askcases index --rebuild`"
            )
        self._manifest = (stamp, manifest)
        return manifest

    def articles(self) -> list[IndexedArticle]:
        """Every indexed article, by title."""
        documents = self.manifest()["documents"]
        found = [
            IndexedArticle(
                doc_id=doc_id,
                title=str(e["title"]),
                date=e.get("date") or None,
                chunks=int(e["chunks"]),
                indexed_at=str(e.get("indexed_at", "")),
                source=str(e["source"]),
                content_hash=str(e["hash"]),
            )
            for doc_id, e in documents.items()
        ]
        return sorted(found, key=lambda a: (a.title.lower(), a.doc_id))

    def article(self, doc_id: str) -> IndexedArticle | None:
        entry = self.manifest()["documents"].get(doc_id)
        if entry is None:
            return None
        return IndexedArticle(
            doc_id,
            str(entry["title"]),
            entry.get("date") or None,
            int(entry["chunks"]),
            str(entry.get("indexed_at", "")),
            str(entry["source"]),
            str(entry["hash"]),
        )

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
        if remote is None:
            return
        index_dir = self.settings.index_dir
        generation = remote.generation()
        try:
            local = read_manifest(index_dir)
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
        check_compatible(build, self.settings)
        known: dict[str, Any] = local["documents"] if local is not None and same_server else {}
        if not same_server:
            self.keywords.clear()
        removed = [d for d in known if d not in entries]
        self.keywords.replace_documents([(d, []) for d in removed])
        changed = sorted(d for d, e in entries.items() if known.get(d, {}).get("hash") != e["hash"])
        for first in range(0, len(changed), FETCH_DOCUMENTS):
            group = changed[first : first + FETCH_DOCUMENTS]
            by_doc = self.dense.chunks_of(group)
            self.keywords.replace_documents([(d, by_doc.get(d, [])) for d in group])
        outcome_table.write_rows(index_dir, [r for d in sorted(entries) for r in outcome_rows[d]])
        write_manifest(
            index_dir,
            {**build, "documents": entries, "server": self.server_key, "generation": generation},
        )

    def save_manifest(
        self,
        manifest: Manifest,
        changed: list[str] | None = None,
        removed: list[str] | None = None,
        outcome_rows: dict[str, list[outcome_table.OutcomeRow]] | None = None,
        write_local: bool = True,
    ) -> None:
        """Record the manifest after documents changed: the server's records of `changed` and
        `removed` documents first (server mode), then the local file (unless the caller
        writes it next anyway)."""
        remote = self.remote
        if remote is not None and (changed or removed):
            documents = manifest["documents"]
            remote.save_documents(
                {d: documents[d] for d in changed or []}, outcome_rows or {}, list(removed or [])
            )
        if write_local:
            write_manifest(self.settings.index_dir, manifest)

    def finish(self, manifest: Manifest, changed: bool) -> None:
        """Server mode: a new generation token tells every process that the index changed."""
        remote = self.remote
        if remote is None:
            return
        if changed or manifest.get("generation") is None:
            manifest["generation"] = uuid.uuid4().hex
            remote.save_build(build_settings(self.settings), manifest["generation"])
        manifest["server"] = self.server_key
        write_manifest(self.settings.index_dir, manifest)

    def outcomes(self) -> list[Outcome]:
        """Every quantified outcome of the indexed articles (see askcases.outcomes)."""
        self.manifest()
        rows = outcome_table.read_rows(self.settings.index_dir)
        if rows is None:
            raise IndexStateError(
                f"the index in {self.settings.index_dir} has no outcomes table; "
                "run `askcases index`"
            )
        return [Outcome.from_json(r) for doc_rows in rows.values() for r in doc_rows]

    def _derived_figures(self) -> tuple[dict[str, str], dict[str, str], int]:
        manifest = self.manifest()
        stamp = self._manifest[0] if self._manifest else -1
        if self._derived is None or self._derived[0] != stamp:
            glossary: dict[str, str] = {}
            definitions: dict[str, str] = {}
            documents = manifest["documents"]
            for doc_id in sorted(documents):
                for acronym, expansion in documents[doc_id].get("acronyms", {}).items():
                    glossary.setdefault(acronym, expansion)
                for term, head in documents[doc_id].get("definitions", {}).items():
                    definitions.setdefault(term, head)
            total = sum(int(e["chunks"]) for e in documents.values())
            self._derived = (stamp, glossary, definitions, total)
        return self._derived[1], self._derived[2], self._derived[3]

    def newer_articles(self, as_of: int | None = None) -> dict[str, list[str]]:
        """Document id -> newer articles about the same service and place, newest first (see
        askcases.store.supersession); with `as_of` (yyyymmdd), as the library stood then. An
        index whose outcomes table is not written yet judges by passages and names alone."""
        documents = self.manifest()["documents"]
        stamp = self._manifest[0] if self._manifest else -1
        with self._newer_lock:
            if self._newer_stamp != stamp:
                self._newer, self._newer_stamp = {}, stamp
            found = self._newer.get(as_of)
        if found is None:
            try:
                outcomes = self.outcomes()
            except IndexStateError:
                outcomes = []
            found = newer_articles(documents, outcomes, as_of)
            with self._newer_lock:
                if len(self._newer) >= NEWER_CACHED:
                    self._newer.clear()
                self._newer[as_of] = found
        return found

    def currency_notes(self, doc_id: str) -> tuple[str, ...]:
        """Sentences in which the article qualifies its own currency (found at index time)."""
        entry = self.manifest()["documents"].get(doc_id) or {}
        return tuple(entry.get("currency") or ())

    def glossary(self) -> dict[str, str]:
        """Acronym -> expansion, learned from every indexed article."""
        return self._derived_figures()[0]

    def definitions(self) -> dict[str, str]:
        """Term -> the head word of its definition, learned from every indexed article."""
        return self._derived_figures()[1]

    def count(self) -> int:
        """Chunks in the index, as its manifest records them."""
        return self._derived_figures()[2]

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
        self, documents: list[DocumentWrite], stored: dict[str, int] | None = None
    ) -> None:
        """Several documents at once, (doc_id, chunks, content hash, their vectors) each: one
        delete and one write on each side. `stored` gives how many chunks each document has in
        the index now (absent: none), so they are deleted by id; without it, a metadata query
        finds them (slower in a large index, but sure to find chunks no manifest lists)."""
        if not documents:
            return
        ids = [doc_id for doc_id, _, _, _ in documents]
        if stored is None:
            self.dense.delete_documents(ids)
        else:
            self.dense.delete_ids([f"{d}#{n}" for d in ids for n in range(stored.get(d, 0))])
        self.dense.upsert(
            [(c, h, v) for _, cs, h, vs in documents for c, v in zip(cs, vs, strict=True)]
        )
        self.keywords.replace_documents([(doc_id, cs) for doc_id, cs, _, _ in documents])

    def chunk_ids(self) -> dict[str, set[str]]:
        """doc_id -> ids of its chunks in Chroma."""
        return self.dense.chunk_ids()

    def search(
        self,
        vector: list[float],
        k: int,
        containing: str | None = None,
        filters: Filters | None = None,
    ) -> list[ScoredChunk]:
        """Top-k chunks by meaning: (metadata, text, cosine similarity), best first.

        With `containing`, only chunks whose text contains that string (as written, or in lower
        case) are searched; with `filters`, only chunks inside them.
        """
        total = self.count()
        if total == 0:
            return []
        return self.dense.search(vector, min(k, total), filters, containing)

    def keyword_search(
        self, query: str, k: int, filters: Filters | None = None
    ) -> list[ScoredChunk]:
        """Top-k chunks by BM25: (metadata, text, bm25 score), best first."""
        self.manifest()
        return self.keywords.search(query, k, sql_where(filters))

    def similarities(self, chunk_ids: list[str], vector: list[float]) -> dict[str, float]:
        """Cosine similarity of stored chunks to a (normalised) query vector."""
        return self.dense.similarities(chunk_ids, vector)

    def clear(self) -> None:
        """Drop the collection, the keyword index and the manifest (for --rebuild)."""
        if self.settings.chroma_url or (self.settings.index_dir / CHROMA_DIR).exists():
            self.dense.drop()
        if self.remote is not None:
            self.remote.clear()
        self._clear_local()

    def _clear_local(self) -> None:
        self.keywords.clear()
        (self.settings.index_dir / MANIFEST).unlink(missing_ok=True)
        (self.settings.index_dir / outcome_table.OUTCOMES).unlink(missing_ok=True)
        self._manifest = None
        self._derived = None
