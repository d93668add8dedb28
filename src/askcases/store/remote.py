"""Server mode: the index lives on a Chroma server that several askcases processes share.

The server holds the chunk collection (vectors, text, metadata) and a second collection,
`<collection>-documents`, with one record per indexed document (its manifest entry and its
outcome rows) and one `build` record (the settings the index was built with, and a generation
token that every `askcases index` run changes when it finishes). Each process keeps the keyword
index, the manifest and the outcomes table in its own index directory as a cache of that state:
it compares generation tokens at most every few seconds and, when they differ, brings the cache in
step, fetching the chunks of changed documents only. Leaves out: two processes indexing into one
server at the same moment.
"""

from __future__ import annotations

import json
from typing import Any

DOCUMENTS_SUFFIX = "-documents"
BUILD_ID = "build"
_DOC_PREFIX = "doc:"
_UNIT = [1.0]  # the documents collection is read by id; its vectors carry nothing
PAGE = 2000  # records per request when reading a whole collection


class RemoteState:
    """The documents collection of an index on a Chroma server."""

    def __init__(self, client: Any, collection: str) -> None:
        self.client = client
        self.name = collection + DOCUMENTS_SUFFIX
        self._collection: Any = None

    @property
    def collection(self) -> Any:
        if self._collection is None:
            self._collection = self.client.get_or_create_collection(
                self.name, embedding_function=None
            )
        return self._collection

    def generation(self) -> str | None:
        """The token of the last finished index run; None when nothing was indexed."""
        got = self.collection.get(ids=[BUILD_ID], include=["metadatas"])
        if not got["ids"]:
            return None
        return str(got["metadatas"][0]["generation"])

    def load(
        self,
    ) -> tuple[dict[str, Any] | None, dict[str, dict[str, Any]], dict[str, list[Any]]]:
        """(build settings with their generation or None, doc_id -> manifest entry,
        doc_id -> outcome rows)."""
        build: dict[str, Any] | None = None
        entries: dict[str, dict[str, Any]] = {}
        outcomes: dict[str, list[Any]] = {}
        offset = 0
        while True:
            got = self.collection.get(include=["metadatas"], limit=PAGE, offset=offset)
            for record_id, meta in zip(got["ids"], got["metadatas"], strict=True):
                if record_id == BUILD_ID:
                    build = {**json.loads(meta["settings"]), "generation": meta["generation"]}
                elif record_id.startswith(_DOC_PREFIX):
                    doc_id = record_id[len(_DOC_PREFIX) :]
                    entries[doc_id] = json.loads(meta["entry"])
                    outcomes[doc_id] = json.loads(meta["outcomes"])
            if len(got["ids"]) < PAGE:
                break
            offset += PAGE
        return build, entries, outcomes

    def save_documents(
        self,
        entries: dict[str, dict[str, Any]],
        outcomes: dict[str, list[Any]],
        removed: list[str],
    ) -> None:
        """Upsert the records of `entries` (with their outcome rows); delete those of `removed`."""
        if removed:
            self.collection.delete(ids=[_DOC_PREFIX + d for d in removed])
        ids = sorted(entries)
        for first in range(0, len(ids), PAGE):
            part = ids[first : first + PAGE]
            self.collection.upsert(
                ids=[_DOC_PREFIX + d for d in part],
                embeddings=[_UNIT for _ in part],
                metadatas=[
                    {
                        "entry": json.dumps(entries[d], ensure_ascii=False),
                        "outcomes": json.dumps(outcomes.get(d, []), ensure_ascii=False),
                    }
                    for d in part
                ],
            )

    def save_build(self, settings: dict[str, Any], generation: str) -> None:
        self.collection.upsert(
            ids=[BUILD_ID],
            embeddings=[_UNIT],
            metadatas=[{"settings": json.dumps(settings), "generation": generation}],
        )

    def clear(self) -> None:
        if self.name in {c.name for c in self.client.list_collections()}:
            self.client.delete_collection(self.name)
        self._collection = None
