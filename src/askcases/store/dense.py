"""The dense side of the index: chunk vectors, text and metadata in one Chroma collection.

Chroma is imported here (and by the tutorial baseline it is compared with), and used only
through chromadb's public client API: on local disk under index/chroma, or on a Chroma server
(server mode).
Vectors are stored as computed by askcases (the collection has no embedding function of its
own); distances are cosine, so similarity = 1 - distance.
Chroma keeps a local folder's vectors in memory, once per process: a process that opened the
folder before another process changed it (`askcases serve` while `askcases index` runs) would
go on searching the old vectors, and its own later writes could undo the other's. Every change
through `DenseStore` therefore writes a new stamp beside the folder (index/chroma.stamp), and
`local_client` opens the folder afresh whenever the stamp is not the one this process last saw.
Leaves out: Chroma's own embedding functions and its full-text search.
"""

from __future__ import annotations

import os
import threading
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

from askcases.config import parse_url
from askcases.errors import IndexStateError
from askcases.types import Chunk, Filters, ScoredChunk, date_number

STAMP_SUFFIX = ".stamp"
RETIRE_AFTER_S = 60.0  # a replaced client is stopped this long after, once searches are done

_held: dict[Path, tuple[Any, str]] = {}  # folder -> (its client in this process, stamp seen)
_held_lock = threading.Lock()


def _stamp_file(path: Path) -> Path:
    return path.with_name(path.name + STAMP_SUFFIX)


def _read_stamp(path: Path) -> str:
    try:
        return _stamp_file(path).read_text(encoding="utf-8")
    except OSError:
        return ""


def _open_local(path: Path) -> Any:
    import chromadb

    return chromadb.PersistentClient(
        path=str(path), settings=chromadb.config.Settings(anonymized_telemetry=False)
    )


def _retire(client: Any) -> None:
    """Take a client's Chroma system out of chromadb's per-folder cache, so the next client
    reads the folder from disk, and stop it once searches begun on it have finished."""
    from chromadb.api.shared_system_client import SharedSystemClient

    with SharedSystemClient._refcount_lock:
        system = SharedSystemClient._identifier_to_system.pop(client._identifier, None)
        SharedSystemClient._identifier_to_refcount.pop(client._identifier, None)
    if system is not None:
        timer = threading.Timer(RETIRE_AFTER_S, system.stop)
        timer.daemon = True
        timer.start()


def local_client(path: Path) -> Any:
    """This process's chromadb.PersistentClient for a chroma folder, opened afresh when another
    process has changed the folder since this one last opened or changed it."""
    path = path.absolute()
    with _held_lock:  # mark_changed writes the stamp under the same lock
        stamp = _read_stamp(path)
        held = _held.get(path)
        if held is not None and held[1] == stamp:
            return held[0]
        if held is not None:
            _retire(held[0])
        client = _open_local(path)
        _held[path] = (client, stamp)
        return client


def mark_changed(path: Path) -> None:
    """A new stamp for a chroma folder this process is changing: other processes open it
    afresh on their next search, this one keeps its client."""
    path = path.absolute()
    stamp = uuid.uuid4().hex
    path.parent.mkdir(parents=True, exist_ok=True)
    with _held_lock:
        written = _stamp_file(path).with_suffix(f".{stamp}.tmp")
        written.write_text(stamp, encoding="utf-8")
        os.replace(written, _stamp_file(path))
        held = _held.get(path)
        if held is not None:
            _held[path] = (held[0], stamp)


def http_client(url: str) -> Any:
    """A chromadb.HttpClient for `url`; IndexStateError when the server does not answer."""
    import chromadb

    host, port, ssl = parse_url(url)
    try:
        client = chromadb.HttpClient(
            host=host,
            port=port,
            ssl=ssl,
            settings=chromadb.config.Settings(anonymized_telemetry=False),
        )
        client.heartbeat()
    except Exception as exc:
        raise IndexStateError(
            f"cannot reach the Chroma server at {url} ({type(exc).__name__}); start it with "
            "`chroma run --path DIR --host HOST --port PORT` or fix --chroma-url"
        ) from None
    return client


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


def chunk_from_record(chunk_id: str, text: str, meta: dict[str, Any]) -> Chunk:
    return Chunk(
        chunk_id=chunk_id,
        doc_id=str(meta["doc_id"]),
        title=str(meta["title"]),
        date=str(meta["date"]) or None,
        text=text,
        start=int(meta["start"]),
        end=int(meta["end"]),
        n_tokens=int(meta["n_tokens"]),
    )


def chroma_where(filters: Filters | None) -> dict[str, Any] | None:
    """The Chroma metadata filter for `filters` (an undated article fails any date bound)."""
    if filters is None or not filters.active:
        return None
    clauses: list[dict[str, Any]] = []
    if filters.low is not None:
        clauses.append({"date_num": {"$gte": filters.low}})
    if filters.high is not None:
        clauses.append({"date_num": {"$lte": filters.high}})
        clauses.append({"date_num": {"$gt": 0}})
    if filters.doc_ids:
        clauses.append({"doc_id": {"$in": list(filters.doc_ids)}})
    return clauses[0] if len(clauses) == 1 else {"$and": clauses}


def _of_documents(doc_ids: list[str]) -> dict[str, Any]:
    return {"doc_id": {"$in": doc_ids}} if len(doc_ids) > 1 else {"doc_id": doc_ids[0]}


class DenseStore:
    """One Chroma collection of chunks, created on first use with cosine distance.

    `client` gives the Chroma client to use now (a local one may be replaced, see
    `local_client`); `changed`, where given, is called before and after every change."""

    def __init__(
        self, client: Callable[[], Any], name: str, changed: Callable[[], None] | None = None
    ) -> None:
        self._client = client
        self.name = name
        self._changed = changed or (lambda: None)
        self._collection: tuple[Any, Any] | None = None  # (client, its collection)

    @property
    def client(self) -> Any:
        return self._client()

    @property
    def collection(self) -> Any:
        client = self.client
        if self._collection is None or self._collection[0] is not client:
            collection = client.get_or_create_collection(
                name=self.name,
                embedding_function=None,
                configuration={"hnsw": {"space": "cosine"}},
            )
            self._collection = (client, collection)
        return self._collection[1]

    def count(self) -> int:
        """Chunks stored."""
        return int(self.collection.count())

    def exists(self) -> bool:
        return self.name in {c.name for c in self.client.list_collections()}

    def drop(self) -> None:
        if self.exists():
            self._changed()
            self.client.delete_collection(self.name)
            self._changed()
        self._collection = None

    def upsert(self, rows: list[tuple[Chunk, str, list[float]]]) -> None:
        """(chunk, its document's content hash, its vector) each, in Chroma's largest batches."""
        if not rows:
            return
        step = self.client.get_max_batch_size()
        self._changed()
        for first in range(0, len(rows), step):
            part = rows[first : first + step]
            self.collection.upsert(
                ids=[c.chunk_id for c, _, _ in part],
                embeddings=[v for _, _, v in part],
                documents=[c.text for c, _, _ in part],
                metadatas=[chunk_metadata(c, h) for c, h, _ in part],
            )
        self._changed()

    def delete_ids(self, chunk_ids: list[str]) -> None:
        if chunk_ids:
            self._changed()
            self.collection.delete(ids=chunk_ids)
            self._changed()

    def delete_documents(self, doc_ids: list[str]) -> None:
        """Every chunk of these documents, found by metadata (sure to find chunks no manifest
        lists, but slower than by id in a large index)."""
        if doc_ids:
            self._changed()
            self.collection.delete(where=_of_documents(doc_ids))
            self._changed()

    def chunk_ids(self) -> dict[str, set[str]]:
        """doc_id -> ids of its chunks."""
        got = self.collection.get(include=["metadatas"])
        ids: dict[str, set[str]] = {}
        for chunk_id, meta in zip(got["ids"], got["metadatas"], strict=True):
            ids.setdefault(str(meta["doc_id"]), set()).add(chunk_id)
        return ids

    def chunks_of(self, doc_ids: list[str]) -> dict[str, list[Chunk]]:
        """The chunks of these documents as stored, in text order."""
        got = self.collection.get(where=_of_documents(doc_ids), include=["documents", "metadatas"])
        by_doc: dict[str, list[Chunk]] = {}
        for chunk_id, text, meta in zip(
            got["ids"], got["documents"], got["metadatas"], strict=True
        ):
            chunk = chunk_from_record(chunk_id, text, meta)
            by_doc.setdefault(chunk.doc_id, []).append(chunk)
        for chunks in by_doc.values():
            chunks.sort(key=lambda c: c.start)
        return by_doc

    def search(
        self,
        vector: list[float],
        k: int,
        filters: Filters | None = None,
        containing: str | None = None,
    ) -> list[ScoredChunk]:
        """Top-k chunks by cosine similarity to `vector`, best first; with `containing`, only
        chunks whose text holds that string (as written, or in lower case)."""
        where_document = None
        if containing:
            forms = sorted({containing, containing.lower()})
            clauses = [{"$contains": form} for form in forms]
            where_document = clauses[0] if len(clauses) == 1 else {"$or": clauses}
        found = self.collection.query(
            query_embeddings=[vector],
            n_results=k,
            where=chroma_where(filters),
            where_document=where_document,
            include=["documents", "metadatas", "distances"],
        )
        return [
            ScoredChunk(
                chunk_id,
                str(meta["doc_id"]),
                str(meta.get("title", "")),
                str(meta.get("date") or "") or None,
                text,
                int(meta["start"]),
                int(meta["end"]),
                1.0 - float(distance),
            )
            for chunk_id, text, meta, distance in zip(
                found["ids"][0],
                found["documents"][0],
                found["metadatas"][0],
                found["distances"][0],
                strict=True,
            )
        ]

    def vectors_of(self, doc_id: str) -> list[list[float]]:
        """The stored vectors of a document's chunks, in text order."""
        got = self.collection.get(where={"doc_id": doc_id}, include=["embeddings", "metadatas"])
        pairs = sorted(
            zip(got["metadatas"], got["embeddings"], strict=True), key=lambda p: int(p[0]["start"])
        )
        return [[float(x) for x in vector] for _, vector in pairs]

    def similarities(self, chunk_ids: list[str], vector: list[float]) -> dict[str, float]:
        """Cosine similarity of stored chunks to a (normalised) query vector."""
        if not chunk_ids:
            return {}
        got = self.collection.get(ids=chunk_ids, include=["embeddings"])
        return {
            chunk_id: float(sum(a * b for a, b in zip(emb, vector, strict=True)))
            for chunk_id, emb in zip(got["ids"], got["embeddings"], strict=True)
        }
