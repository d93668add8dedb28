"""Hybrid retrieval: a dense searcher (Chroma) and a keyword searcher (BM25 in FTS5), fused by
reciprocal rank fusion, as plain functions and as a LangChain retriever.

Both sides apply the same filters. The question path calls `HybridRetriever.passages` with the
question already expanded by its acronyms (askcases.qa.questions.read_question), so expansion
happens once; the LangChain entry point (`invoke`) expands the query itself. A name the question
uses that no passage mentions is looked for on the dense side alone (`passages_naming`).
Leaves out: query rewriting and re-ranking by sentence (askcases.qa.extractive).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document
from langchain_core.retrievers import BaseRetriever
from pydantic import ConfigDict

from askcases.qa.tracing import NO_RECORDER, Recorder
from askcases.store.index_store import IndexStore
from askcases.text.acronyms import expand_query
from askcases.text.lexicon import mentions, name_forms
from askcases.types import Filters, Passage, ScoredChunk

Mode = Literal["hybrid", "dense", "keyword"]


@dataclass(frozen=True)
class DenseSearcher:
    """Chunks by cosine similarity of their vectors to the question's."""

    store: IndexStore

    def search(
        self,
        vector: list[float],
        k: int,
        filters: Filters | None,
        containing: str | None = None,
    ) -> list[ScoredChunk]:
        return self.store.search(vector, k, containing=containing, filters=filters)


@dataclass(frozen=True)
class KeywordSearcher:
    """Chunks by BM25 over the question's words."""

    store: IndexStore

    def search(self, query: str, k: int, filters: Filters | None) -> list[ScoredChunk]:
        return self.store.keyword_search(query, k, filters=filters)


def reciprocal_rank_fusion(
    rankings: list[tuple[list[str], float]], rrf_k: int
) -> list[tuple[str, float]]:
    """Fuse ranked id lists, each with a weight: score = sum of weight / (rrf_k + rank)."""
    scores: dict[str, float] = {}
    for ids, weight in rankings:
        for rank, chunk_id in enumerate(ids, start=1):
            scores[chunk_id] = scores.get(chunk_id, 0.0) + weight / (rrf_k + rank)
    return sorted(scores.items(), key=lambda item: (-item[1], item[0]))


def _passage(rank: int, found: ScoredChunk, cosine: float) -> Passage:
    return Passage(
        rank=rank,
        chunk_id=found.chunk_id,
        doc_id=found.doc_id,
        title=found.title,
        date=found.date,
        text=found.text,
        start=found.start,
        end=found.end,
        score=round(cosine, 4),
    )


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
    mode: Mode = "hybrid"

    def passages(
        self,
        query: str,
        k: int | None = None,
        first_rank: int = 1,
        containing: str | None = None,
        filters: Filters | None = None,
        recorder: Recorder = NO_RECORDER,
    ) -> list[Passage]:
        """The top passages for an (already expanded) query, best first; `containing` keeps
        the dense side only, and only chunks whose text holds that string; `filters` replace
        the retriever's own. `recorder` notes each side's ranks and scores and each step's time."""
        k = k or self.k
        filters = filters or self.filters
        dense, keyword = DenseSearcher(self.store), KeywordSearcher(self.store)
        with recorder.stage("question embedding" if containing is None else "name search"):
            vector = self.store.embeddings.embed_query(query)
        fetch = max(k, self.fetch_k)
        found: dict[str, ScoredChunk] = {}
        cosine: dict[str, float] = {}
        rankings: list[tuple[list[str], float]] = []
        if self.mode != "keyword":
            with recorder.stage("dense search" if containing is None else "name search"):
                hits = dense.search(vector, fetch, filters, containing)
            for rank, hit in enumerate(hits, start=first_rank):
                found[hit.chunk_id] = hit
                cosine[hit.chunk_id] = hit.score
                if containing is None:
                    recorder.candidate(
                        hit.chunk_id, dense_rank=rank, dense_score=round(hit.score, 4)
                    )
            rankings.append(([h.chunk_id for h in hits], self.dense_weight))
        if self.mode != "dense" and containing is None:
            with recorder.stage("keyword search"):
                hits = keyword.search(query, fetch, filters)
            for rank, hit in enumerate(hits, start=1):
                found.setdefault(hit.chunk_id, hit)
                recorder.candidate(
                    hit.chunk_id, keyword_rank=rank, keyword_score=round(hit.score, 4)
                )
            rankings.append(([h.chunk_id for h in hits], self.keyword_weight))
        with recorder.stage("fusion" if containing is None else "name search"):
            missing = [chunk_id for chunk_id in found if chunk_id not in cosine]
            cosine.update(self.store.similarities(missing, vector))
            fused = reciprocal_rank_fusion(rankings, self.rrf_k)[:k]
        passages = [
            _passage(rank, found[chunk_id], cosine.get(chunk_id, 0.0))
            for rank, (chunk_id, _) in enumerate(fused, start=first_rank)
        ]
        for passage, (_, score) in zip(passages, fused, strict=True):
            fields: dict[str, object] = {
                "doc_id": passage.doc_id,
                "title": passage.title,
                "fused_rank": passage.rank,
                "fused_score": round(score, 5),
                "cosine": passage.score,
            }
            if containing is not None:
                if "fused_rank" in recorder.candidates.get(passage.chunk_id, {}):
                    continue  # already found by the question itself
                fields["found_by_name"] = containing
            recorder.candidate(passage.chunk_id, **fields)
        return passages

    def passages_naming(
        self,
        query: str,
        names: tuple[str, ...],
        passages: list[Passage],
        k: int,
        recorder: Recorder = NO_RECORDER,
    ) -> tuple[list[Passage], list[str]]:
        """`passages`, with passages that mention each name no passage mentions yet added; and
        the names that no chunk of the library mentions."""
        out = list(passages)
        missing = []
        for name in names:
            if any(mentions(name, p.text + " " + p.title) for p in out):
                continue
            extra = []
            for form in name_forms(name):
                extra = self.passages(
                    query,
                    k,
                    first_rank=max(k, self.fetch_k) + 1,
                    containing=form,
                    recorder=recorder,
                )
                if extra:
                    break
            known = {p.chunk_id for p in out}
            out += [p for p in extra if p.chunk_id not in known]
            if not any(mentions(name, p.text + " " + p.title) for p in extra):
                missing.append(name)
        return out, missing

    def _get_relevant_documents(
        self,
        query: str,
        *,
        run_manager: CallbackManagerForRetrieverRun,
        k: int | None = None,
        filters: Filters | None = None,
    ) -> list[Document]:
        expanded = expand_query(query, self.store.glossary())
        return [
            Document(
                page_content=p.text,
                id=p.chunk_id,
                metadata={
                    "chunk_id": p.chunk_id,
                    "doc_id": p.doc_id,
                    "title": p.title,
                    "date": p.date,
                    "start": p.start,
                    "end": p.end,
                    "score": p.score,
                },
            )
            for p in self.passages(expanded, k, filters=filters)
        ]


def to_passages(documents: list[Document], first_rank: int = 1) -> list[Passage]:
    """Documents from `HybridRetriever.invoke` as Passages."""
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
