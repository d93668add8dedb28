"""The question path, built once and shared: retriever -> passages -> extractive answer."""

from __future__ import annotations

import time
from typing import Any

from askcases.answer import REFUSAL, Answer, ExtractiveAnswerer
from askcases.embeddings import MiniLMEmbeddings
from askcases.errors import UsageError
from askcases.filters import Filters
from askcases.index import IndexStore
from askcases.retrieve import HybridRetriever, Passage, to_passages
from askcases.settings import Settings

MAX_QUESTION_CHARS = 2000


class Assistant:
    """Answers questions from one index; safe to share between threads of a server."""

    def __init__(self, settings: Settings, embeddings: MiniLMEmbeddings | None = None) -> None:
        self.settings = settings
        self.embeddings = embeddings or MiniLMEmbeddings(settings.precision, settings.batch_size)
        self.store = IndexStore(settings, self.embeddings)
        self.answerer = ExtractiveAnswerer(self.embeddings, settings)

    def check(self) -> None:
        """Raise IndexStateError now, not at the first question, if the index is unusable."""
        self.store.manifest()

    def retriever(self, k: int, filters: Filters | None = None, **fields: Any) -> HybridRetriever:
        s = self.settings
        return HybridRetriever(
            store=self.store, k=k, fetch_k=s.fetch_k, dense_weight=s.dense_weight,
            keyword_weight=s.keyword_weight, rrf_k=s.rrf_k, filters=filters, **fields,
        )  # fmt: skip

    def ask(self, question: str, k: int | None = None, filters: Filters | None = None) -> Answer:
        question = " ".join((question or "").split())
        if not question:
            raise UsageError("the question is empty; type a question about the case studies")
        if len(question) > MAX_QUESTION_CHARS:
            raise UsageError(
                f"the question is {len(question)} characters long; keep it under "
                f"{MAX_QUESTION_CHARS}"
            )
        started = time.perf_counter()
        k = k or self.settings.k
        fetch = max(k, self.settings.fetch_k)
        candidates = to_passages(self.retriever(fetch, filters).invoke(question))
        if not candidates and filters is not None and filters.active:
            answer = Answer(
                question, f"{REFUSAL} No article matches the filters ({filters.describe()}).",
                True, [], [], reason="nothing within the filters",
            )  # fmt: skip
        else:

            def passages_naming(name: str) -> list[Passage]:
                retriever = self.retriever(k, filters, containing=name, mode="dense")
                return to_passages(retriever.invoke(question), first_rank=fetch + 1)

            answer = self.answerer.answer(question, candidates, k, lookup=passages_naming)
        answer.extra["elapsed_ms"] = round((time.perf_counter() - started) * 1000, 1)
        return answer
