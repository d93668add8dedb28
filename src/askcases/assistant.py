"""The question path, built once and shared: retriever -> passages -> extractive answer."""

from __future__ import annotations

import dataclasses
import re
import time
from collections.abc import Iterator
from typing import Any

from askcases.answer import REFUSAL, Answer, Citation, ExtractiveAnswerer
from askcases.backends import NOT_COVERED, stream_answer
from askcases.calibration import load_refusal_model
from askcases.embeddings import MiniLMEmbeddings
from askcases.errors import UsageError
from askcases.filters import Filters, date_number
from askcases.followups import resolve_followup
from askcases.grounding import GroundingVerifier
from askcases.index import IndexStore
from askcases.outcomes import describe_change, filter_outcomes, outcome_measures
from askcases.retrieve import HybridRetriever, Passage, to_passages
from askcases.settings import Settings

MAX_QUESTION_CHARS = 2000


class Assistant:
    """Answers questions from one index; safe to share between threads of a server."""

    def __init__(self, settings: Settings, embeddings: MiniLMEmbeddings | None = None) -> None:
        self.settings = settings
        self.embeddings = embeddings or MiniLMEmbeddings(settings.precision, settings.batch_size)
        self.store = IndexStore(settings, self.embeddings)
        self.verifier = GroundingVerifier(self.embeddings)
        self.answerer = ExtractiveAnswerer(
            self.embeddings, settings, load_refusal_model(settings.refusal_model)
        )

    def check(self) -> None:
        """Raise IndexStateError now, not at the first question, if the index is unusable."""
        self.store.manifest()

    def warm(self) -> None:
        """Load the model, the vector index and the keyword index now, so that the first
        question is as quick as the rest (a server calls this before it reports ready)."""
        for _ in self.ask_stream("How much did the service save a year?", backend="extractive"):
            pass
        self.embeddings.clear_cache()

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
        for part in self.ask_stream(question, k, filters, history):
            if isinstance(part, Answer):
                return part
        raise AssertionError("ask_stream ended without an answer")

    def ask_stream(
        self,
        question: str,
        k: int | None = None,
        filters: Filters | None = None,
        history: list[str] | None = None,
        backend: str | None = None,
    ) -> Iterator[str | Answer]:
        """The generated answer's text as it is written (nothing for the extractive back-end),
        then the whole Answer, verified against its citations. `backend` "extractive" skips the
        configured language model for this question."""
        llm = self.settings.llm if backend != "extractive" else "extractive"
        asked = " ".join((question or "").split())
        if len(asked) > MAX_QUESTION_CHARS:
            raise UsageError(
                f"the question is {len(asked):,} characters long; keep it under "
                f"{MAX_QUESTION_CHARS:,}"
            )
        asked = "".join(ch for ch in asked if ch.isprintable())
        question = resolve_followup(asked, history or [])
        if not question:
            raise UsageError("the question is empty; type a question about the case studies")
        started = time.perf_counter()
        from_table = self._from_outcomes(question, filters)
        extractive = from_table or self._extractive(question, k or self.settings.k, filters)
        answer = extractive
        if llm != "extractive" and not extractive.refused and from_table is None:
            text = ""
            for token in stream_answer(self.settings, question, extractive.passages):
                text += token
                yield token
            answer = self._generated(question, text, extractive)
        else:
            answer = self._with_grounding(answer, {c.n: c.quote for c in answer.citations})
        answer.extra["backend"] = llm if answer is not extractive else "extractive"
        answer.extra["resolved_question"] = question
        answer.extra["elapsed_ms"] = round((time.perf_counter() - started) * 1000, 1)
        if asked != question:
            answer = dataclasses.replace(answer, question=asked)
        yield answer

    def _extractive(self, question: str, k: int, filters: Filters | None) -> Answer:
        fetch = max(k, self.settings.fetch_k)
        candidates = to_passages(self.retriever(fetch, filters).invoke(question))
        if not candidates and filters is not None and filters.active:
            return Answer(
                question,
                f"{REFUSAL} No article matches the filters ({filters.describe()}).",
                True,
                [],
                [],
                reason="nothing within the filters",
            )

        def passages_naming(name: str) -> list[Passage]:
            retriever = self.retriever(k, filters, containing=name, mode="dense")
            return to_passages(retriever.invoke(question), first_rank=fetch + 1)

        answer = self.answerer.answer(
            question, candidates, k, lookup=passages_naming, glossary=self.store.glossary()
        )
        if answer.refused and filters is not None and filters.active:
            scope = f" (Only articles {filters.describe()} were searched.)"
            answer = dataclasses.replace(answer, answer=answer.answer + scope)
        return answer

    def _from_outcomes(self, question: str, filters: Filters | None) -> Answer | None:
        """A "which initiatives reduced ...?" question answered from the outcomes table: each
        matching outcome, with the sentence that reports it; None when it is no such question
        or the table has no such outcome."""
        measures = outcome_measures(question)
        if not measures:
            return None
        rows = filter_outcomes(
            self.store.outcomes(), measures=measures, doc_ids=filters.doc_ids if filters else ()
        )
        if filters is not None and (filters.since or filters.until):
            low = date_number(filters.since) if filters.since else 0
            high = date_number(filters.until) if filters.until else 99999999
            rows = [r for r in rows if r["date"] and low <= date_number(r["date"]) <= high]
        if not rows:
            return None
        by_sentence: dict[tuple[str, int], list[dict[str, Any]]] = {}
        for row in rows:
            by_sentence.setdefault((row["doc_id"], row["start"]), []).append(row)
        citations, passages, lines = [], [], []
        for n, group in enumerate(by_sentence.values(), start=1):
            first = group[0]
            changes = "; ".join(
                f"{r['measure']} {describe_change(r)}{' ' + r['period'] if r['period'] else ''}"
                for r in group
            )
            lines.append(f"{first['place']} ({changes}): {first['sentence']} [{n}]")
            citations.append(
                Citation(
                    n,
                    first["doc_id"],
                    first["title"],
                    first["date"],
                    first["sentence"],
                    first["start"],
                    first["end"],
                    n,
                )
            )
            passages.append(
                Passage(
                    n,
                    f"{first['doc_id']}@{first['start']}",
                    first["doc_id"],
                    first["title"],
                    first["date"],
                    first["sentence"],
                    first["start"],
                    first["end"],
                    1.0,
                )
            )
        answer = Answer(
            question,
            "\n".join(lines),
            False,
            citations,
            passages,
            extra={"answer_type": "outcomes", "measures": measures},
        )
        return answer

    def _with_grounding(self, answer: Answer, cited: dict[int, str]) -> Answer:
        if answer.refused:
            answer.extra["grounding"] = {
                "sentences": [],
                "grounded_rate": 1.0,
                "unsupported_numbers": [],
            }
        else:
            answer.extra["grounding"] = self.verifier.verify(answer.answer, cited).to_json()
        return answer

    def _generated(self, question: str, text: str, extractive: Answer) -> Answer:
        """The generated text as an Answer: its markers become citations of whole passages."""
        passages = extractive.passages
        text = text.strip()
        markers = sorted({int(n) for n in re.findall(r"\[(\d+)\]", text)})
        refused = not markers and (text.startswith(NOT_COVERED) or not text)
        citations = [
            Citation(n, p.doc_id, p.title, p.date, p.text, p.start, p.end, p.rank)
            for n in markers
            if 1 <= n <= len(passages)
            for p in [passages[n - 1]]
        ]
        answer = Answer(
            question,
            text or NOT_COVERED,
            refused,
            citations,
            passages,
            reason="the back-end found no answer" if refused else "",
        )
        answer = self._with_grounding(answer, {c.n: c.quote for c in citations})
        grounding = answer.extra["grounding"]
        failed = grounding["unsupported_numbers"] or any(
            not s["supported"] for s in grounding["sentences"]
        )
        if self.settings.guard and failed and not refused:
            answer.extra["guard"] = {
                "note": "The generated answer failed verification against its citations; "
                "the extractive answer, quoted from the articles, is shown beside it.",
                "extractive": {
                    "answer": extractive.answer,
                    "citations": [dataclasses.asdict(c) for c in extractive.citations],
                },
            }
        return answer
