"""Dense retrieval over the index as a LangChain retriever, returning plain Passages.

Leaves out: keyword search, fusion and filters (see the hybrid retriever's issue).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document
from langchain_core.retrievers import BaseRetriever
from pydantic import ConfigDict

from askcases.index import IndexStore


@dataclass(frozen=True)
class Passage:
    rank: int  # 1 = best
    chunk_id: str
    doc_id: str
    title: str
    date: str | None
    text: str  # == article.text[start:end]
    start: int
    end: int
    score: float  # cosine similarity of the passage to the question

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


class PassageRetriever(BaseRetriever):
    """Chroma similarity search over askcases chunks; each Document carries its offsets."""

    model_config = ConfigDict(arbitrary_types_allowed=True)
    store: IndexStore
    k: int = 5
    containing: str | None = None  # only chunks whose text holds this string

    def _get_relevant_documents(
        self, query: str, *, run_manager: CallbackManagerForRetrieverRun
    ) -> list[Document]:
        found = self.store.search(query, self.k, containing=self.containing)
        return [
            Document(page_content=text, metadata={**meta, "score": score}, id=None)
            for meta, text, score in found
        ]


def to_passages(documents: list[Document], first_rank: int = 1) -> list[Passage]:
    passages = []
    for rank, doc in enumerate(documents, start=first_rank):
        meta = doc.metadata
        passages.append(
            Passage(
                rank=rank,
                chunk_id=doc.id or f"{meta['doc_id']}@{meta['start']}",
                doc_id=str(meta["doc_id"]),
                title=str(meta.get("title", "")),
                date=str(meta["date"]) if meta.get("date") else None,
                text=doc.page_content,
                start=int(meta["start"]),
                end=int(meta["end"]),
                score=round(float(meta.get("score", 0.0)), 4),
            )
        )
    return passages
