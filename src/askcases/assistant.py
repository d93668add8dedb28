"""The question path, built once and shared: retriever -> passages -> extractive answer."""

from __future__ import annotations

import time

from askcases.answer import Answer, ExtractiveAnswerer
from askcases.embeddings import MiniLMEmbeddings
from askcases.errors import UsageError
from askcases.index import IndexStore
from askcases.retrieve import Passage, PassageRetriever, to_passages
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

    def ask(self, question: str, k: int | None = None) -> Answer:
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
        candidates = to_passages(PassageRetriever(store=self.store, k=fetch).invoke(question))

        def passages_naming(name: str) -> list[Passage]:
            retriever = PassageRetriever(store=self.store, k=k, containing=name)
            return to_passages(retriever.invoke(question), first_rank=fetch + 1)

        answer = self.answerer.answer(question, candidates, k, lookup=passages_naming)
        answer.extra["elapsed_ms"] = round((time.perf_counter() - started) * 1000, 1)
        return answer
