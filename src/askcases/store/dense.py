"""The dense side of the index: chunk vectors, text and metadata in one Chroma collection.

Chroma is imported here (and by the tutorial baseline it is compared with), and used only
through chromadb's public client API: on local disk under index/chroma, or on a Chroma server
(server mode).
Vectors are stored as computed by askcases (the collection has no embedding function of its
own); distances are cosine, so similarity = 1 - distance.
Leaves out: Chroma's own embedding functions and its full-text search.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from askcases.config import parse_url
from askcases.errors import IndexStateError
from askcases.types import Chunk, Filters, ScoredChunk, date_number


def local_client(path: Path) -> Any:
    """A chromadb.PersistentClient for an index directory's chroma folder."""
    import chromadb

    return chromadb.PersistentClient(
        path=str(path), settings=chromadb.config.Settings(anonymized_telemetry=False)
    )


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
    """One Chroma collection of chunks, created on first use with cosine distance."""

    def __init__(self, client: Any, name: str) -> None:
        self.client = client
        self.name = name
        self._collection: Any = None

    @property
    def collection(self) -> Any:
        if self._collection is None:
            self._collection = self.client.get_or_create_collection(
                name=self.name,
                embedding_function=None,
                configuration={"hnsw": {"space": "cosine"}},
            )
        return self._collection

    def count(self) -> int:
        """Chunks stored."""
        return int(self.collection.count())

    def exists(self) -> bool:
        return self.name in {c.name for c in self.client.list_collections()}

    def drop(self) -> None:
        if self.exists():
            self.client.delete_collection(self.name)
        self._collection = None

    def upsert(self, rows: list[tuple[Chunk, str, list[float]]]) -> None:
        """(chunk, its document's content hash, its vector) each, in Chroma's largest batches."""
        step = self.client.get_max_batch_size()
        for first in range(0, len(rows), step):
            part = rows[first : first + step]
            self.collection.upsert(
                ids=[c.chunk_id for c, _, _ in part],
                embeddings=[v for _, _, v in part],
                documents=[c.text for c, _, _ in part],
                metadatas=[chunk_metadata(c, h) for c, h, _ in part],
            )

    def delete_ids(self, chunk_ids: list[str]) -> None:
        if chunk_ids:
            self.collection.delete(ids=chunk_ids)

    def delete_documents(self, doc_ids: list[str]) -> None:
        """Every chunk of these documents, found by metadata (sure to find chunks no manifest
        lists, but slower than by id in a large index)."""
        if doc_ids:
            self.collection.delete(where=_of_documents(doc_ids))

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

    def similarities(self, chunk_ids: list[str], vector: list[float]) -> dict[str, float]:
        """Cosine similarity of stored chunks to a (normalised) query vector."""
        if not chunk_ids:
            return {}
        got = self.collection.get(ids=chunk_ids, include=["embeddings"])
        return {
            chunk_id: float(sum(a * b for a, b in zip(emb, vector, strict=True)))
            for chunk_id, emb in zip(got["ids"], got["embeddings"], strict=True)
        }
