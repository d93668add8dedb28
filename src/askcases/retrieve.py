"""Hybrid retrieval as a LangChain retriever: dense (Chroma) and BM25 (FTS5), fused by RRF.

The question is first expanded with the acronyms the corpus spells out, so "DVT" also finds
"deep vein thrombosis". Both sides apply the same filters. Each Document carries its chunk's
offsets, its cosine similarity to the question, and its fused score.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any, Literal

from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document
from langchain_core.retrievers import BaseRetriever
from pydantic import ConfigDict

from askcases.acronyms import expand_query
from askcases.filters import Filters
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


def reciprocal_rank_fusion(
    rankings: list[tuple[list[str], float]], rrf_k: int
) -> list[tuple[str, float]]:
    """Fuse ranked id lists, each with a weight: score = sum of weight / (rrf_k + rank)."""
    scores: dict[str, float] = {}
    for ids, weight in rankings:
        for rank, chunk_id in enumerate(ids, start=1):
            scores[chunk_id] = scores.get(chunk_id, 0.0) + weight / (rrf_k + rank)
    return sorted(scores.items(), key=lambda item: (-item[1], item[0]))


class HybridRetriever(BaseRetriever):
    """askcases' retriever; `mode` "dense" or "keyword" keeps one side only (for comparison)."""

    model_config = ConfigDict(arbitrary_types_allowed=True)
    store: IndexStore
    k: int = 5
    fetch_k: int = 20  # candidates taken from each side before fusion
    dense_weight: float = 1.0
    keyword_weight: float = 1.0
    rrf_k: int = 60
    filters: Filters | None = None
    mode: Literal["hybrid", "dense", "keyword"] = "hybrid"
    containing: str | None = None  # dense side only: chunks whose text holds this string

    def _get_relevant_documents(
        self,
        query: str,
        *,
        run_manager: CallbackManagerForRetrieverRun,
        k: int | None = None,
        filters: Filters | None = None,
    ) -> list[Document]:
        k = k or self.k
        filters = filters or self.filters
        expanded = expand_query(query, self.store.glossary())
        vector = self.store.embeddings.embed_query(expanded)
        fetch = max(k, self.fetch_k)
        found: dict[str, tuple[dict[str, Any], str]] = {}
        cosine: dict[str, float] = {}
        rankings: list[tuple[list[str], float]] = []
        if self.mode != "keyword":
            dense = self.store.search(
                expanded, fetch, containing=self.containing, filters=filters, vector=vector
            )
            for meta, text, score in dense:
                found[meta["chunk_id"]] = (meta, text)
                cosine[meta["chunk_id"]] = score
            rankings.append(([m["chunk_id"] for m, _, _ in dense], self.dense_weight))
        if self.mode != "dense" and self.containing is None:
            keyword = self.store.keyword_search(expanded, fetch, filters=filters)
            for meta, text, _ in keyword:
                found.setdefault(meta["chunk_id"], (meta, text))
            rankings.append(([m["chunk_id"] for m, _, _ in keyword], self.keyword_weight))
        missing = [chunk_id for chunk_id in found if chunk_id not in cosine]
        cosine.update(self.store.similarities(missing, vector))
        documents = []
        for chunk_id, fused in reciprocal_rank_fusion(rankings, self.rrf_k)[:k]:
            meta, text = found[chunk_id]
            documents.append(
                Document(
                    page_content=text,
                    id=chunk_id,
                    metadata={
                        "chunk_id": chunk_id,
                        "doc_id": meta["doc_id"],
                        "title": meta["title"],
                        "date": meta.get("date") or None,
                        "start": int(meta["start"]),
                        "end": int(meta["end"]),
                        "score": round(cosine.get(chunk_id, 0.0), 4),
                        "fused": round(fused, 6),
                    },
                )
            )
        return documents


def to_passages(documents: list[Document], first_rank: int = 1) -> list[Passage]:
    return [
        Passage(
            rank=rank,
            chunk_id=str(doc.metadata["chunk_id"]),
            doc_id=str(doc.metadata["doc_id"]),
            title=str(doc.metadata.get("title", "")),
            date=doc.metadata.get("date") or None,
            text=doc.page_content,
            start=int(doc.metadata["start"]),
            end=int(doc.metadata["end"]),
            score=float(doc.metadata.get("score", 0.0)),
        )
        for rank, doc in enumerate(documents, start=first_rank)
    ]
