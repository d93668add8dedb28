"""The question path, built once and shared: retriever -> passages -> extractive answer."""

from __future__ import annotations

import dataclasses
import time
from typing import Any

from askcases.answer import REFUSAL, Answer, ExtractiveAnswerer
from askcases.calibration import load_refusal_model
from askcases.embeddings import MiniLMEmbeddings
from askcases.errors import UsageError
from askcases.filters import Filters
from askcases.followups import resolve_followup
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
        self.answerer = ExtractiveAnswerer(
            self.embeddings, settings, load_refusal_model(settings.refusal_model)
        )

    def check(self) -> None:
        """Raise IndexStateError now, not at the first question, if the index is unusable."""
        self.store.manifest()

    def retriever(self, k: int, filters: Filters | None = None, **fields: Any) -> HybridRetriever:
        s = self.settings
        return HybridRetriever(
            store=self.store,
            k=k,
            fetch_k=s.fetch_k,
            dense_weight=s.dense_weight,
            keyword_weight=s.keyword_weight,
            rrf_k=s.rrf_k,
            filters=filters,
            **fields,
        )

    def ask(
        self,
        question: str,
        k: int | None = None,
        filters: Filters | None = None,
        history: list[str] | None = None,
    ) -> Answer:
        """Answer a question; `history` holds the earlier questions of the conversation, each
        already resolved, so that a follow-up is read against them."""
        asked = " ".join((question or "").split())
        question = resolve_followup(asked, history or [])
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
                question,
                f"{REFUSAL} No article matches the filters ({filters.describe()}).",
                True,
                [],
                [],
                reason="nothing within the filters",
            )
        else:

            def passages_naming(name: str) -> list[Passage]:
                retriever = self.retriever(k, filters, containing=name, mode="dense")
                return to_passages(retriever.invoke(question), first_rank=fetch + 1)

            answer = self.answerer.answer(
                question, candidates, k, lookup=passages_naming, glossary=self.store.glossary()
            )
        if answer.refused and filters is not None and filters.active and answer.citations == []:
            scope = f" (Only articles {filters.describe()} were searched.)"
            if scope not in answer.answer:
                answer = dataclasses.replace(answer, answer=answer.answer + scope)
        answer.extra["resolved_question"] = question
        answer.extra["elapsed_ms"] = round((time.perf_counter() - started) * 1000, 1)
        if asked != question:
            answer = dataclasses.replace(answer, question=asked)
        return answer
