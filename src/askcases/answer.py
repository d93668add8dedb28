"""The extractive answer: the best-supported sentences of the retrieved passages, each cited.

No language model: every sentence of an answer is a verbatim span of an article, so a number in
an answer is always a number the article states. Each candidate sentence is scored against the
question (meaning, weighted shared words, the kind of value asked for, the names it uses); the
passages are re-ranked by their best sentence; the answer quotes the best sentence, and the best
of each other article that answers about as well. The question is refused when a name it uses is
in no article, when no passage gives the kind of value it asks for, or when the calibrated
refusal model (see `calibration`) judges the evidence too weak.
Leaves out: generated answers.
"""

from __future__ import annotations

import dataclasses
import math
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any

from langchain_core.embeddings import Embeddings

from askcases.acronyms import expand_query
from askcases.calibration import RefusalModel
from askcases.chunking import sentence_spans
from askcases.injection import defuse_markers
from askcases.questions import (
    content_terms,
    counts_focus,
    expected_type,
    focus_noun,
    focus_text,
    holds_type,
    is_list_question,
    mentions,
    named_terms,
    stem,
)
from askcases.retrieve import Passage
from askcases.settings import Settings

REFUSAL = "The case studies don't say."


@dataclass(frozen=True)
class Citation:
    n: int
    doc_id: str
    title: str
    date: str | None
    quote: str  # == article.text[start:end]
    start: int
    end: int
    passage: int  # rank of the passage the quote comes from


@dataclass(frozen=True)
class Answer:
    question: str
    answer: str
    refused: bool
    citations: list[Citation]
    passages: list[Passage]
    reason: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {
            "question": self.question,
            "answer": self.answer,
            "refused": self.refused,
            "reason": self.reason,
            "citations": [asdict(c) for c in self.citations],
            "passages": [p.to_dict() for p in self.passages],
            **self.extra,
        }


@dataclass(frozen=True)
class Candidate:
    passage: Passage
    start: int  # offsets in the article's text
    end: int
    text: str
    score: float = 0.0
    semantic: float = 0.0
    lexical: float = 0.0


def candidate_sentences(passages: list[Passage]) -> list[Candidate]:
    """Every sentence of the passages once, except the headline and fragments."""
    seen: set[tuple[str, int]] = set()
    out = []
    for passage in passages:
        for s, e in sentence_spans(passage.text):
            text = passage.text[s:e]
            key = (passage.doc_id, passage.start + s)
            # The headline (offset 0) summarises; the evidence is in the body.
            if key in seen or passage.start + s == 0 or len(content_terms(text)) < 3:
                continue
            seen.add(key)
            out.append(Candidate(passage, passage.start + s, passage.start + e, text))
    return out


def _overlap(a: str, b: str) -> float:
    ta, tb = set(content_terms(a)), set(content_terms(b))
    if not ta or not tb:
        return 0.0
    return len(ta & tb) / min(len(ta), len(tb))


def _as_sentence(quote: str) -> str:
    """A quote ready to stand in an answer: unmatched quotation marks dropped."""
    text = quote.strip()
    for open_mark, close_mark in (("“", "”"), ('"', '"')):
        count = text.count(open_mark) + (text.count(close_mark) if open_mark != close_mark else 0)
        if count == 1:
            text = text.replace(open_mark, "").replace(close_mark, "")
    return text


MAX_EMBEDDED = 24  # candidate sentences embedded per question (the best by words and rank)
SENTENCE_CACHE = 20_000  # sentence vectors kept (1.5 kB each)


class ExtractiveAnswerer:
    """Scores each retrieved sentence against the question and quotes the best ones."""

    def __init__(
        self, embeddings: Embeddings, settings: Settings, refusal: RefusalModel | None = None
    ) -> None:
        self.embeddings = embeddings
        self.settings = settings
        self.refusal = refusal
        # The vectors of recently scored sentences, float32, the least recently used dropped
        # first, so that a server's memory stays flat however many questions it answers.
        self._sentence_vectors: OrderedDict[str, Any] = OrderedDict()
        self._cache_lock = threading.Lock()

    def _vectors(self, texts: list[str]) -> list[Any]:
        import numpy as np

        cache = self._sentence_vectors
        with self._cache_lock:
            missing = [t for t in dict.fromkeys(texts) if t not in cache]
        found = self.embeddings.embed_documents(missing) if missing else []
        with self._cache_lock:
            for text, values in zip(missing, found, strict=True):
                cache[text] = np.asarray(values, dtype=np.float32)
            out = []
            for text in texts:
                vector = cache.get(text)
                if vector is None:  # dropped by another thread meanwhile
                    vector = np.asarray(self.embeddings.embed_documents([text])[0], np.float32)
                    cache[text] = vector
                cache.move_to_end(text)
                out.append(vector)
            while len(cache) > SENTENCE_CACHE:
                cache.popitem(last=False)
        return out

    def score(
        self, question: str, candidates: list[Candidate], expanded: str | None = None
    ) -> list[Candidate]:
        """Candidates with an evidence score (about 0 to 1), best first."""
        if not candidates:
            return []
        import numpy as np

        expanded = expanded or question
        # A follow-up's carried-over subject, "(...)" at the end, helps find the article but
        # says less about which sentence answers than the question's own words.
        body, _, context = question.partition(" (")
        own = set(content_terms(body))
        q_terms = list(dict.fromkeys(content_terms(question)))
        names = named_terms(question)
        named = {stem(n) for n in names}
        sentence_terms = [set(content_terms(c.text)) for c in candidates]
        # A question word that few candidate sentences share says more about which one answers.
        n = len(candidates)
        weights = {
            t: math.log(1 + n / (1 + sum(t in terms for terms in sentence_terms)))
            * (2.0 if t in named else 1.0)
            * (1.0 if t in own or not context else 0.5)
            for t in q_terms
        }
        total = sum(weights.values()) or 1.0
        kind = expected_type(question)
        lexicals = []
        for cand, s_terms in zip(candidates, sentence_terms, strict=True):
            # A name in the article's title holds for all of its sentences ("the Bristol DVT
            # service"); a name that is not must be in the sentence itself ("in Bedfordshire").
            title_terms = set(content_terms(cand.passage.title))
            matched = s_terms | (title_terms & named)
            lexicals.append(sum(w for t, w in weights.items() if t in matched) / total)
        # Embedding is the dear part of scoring: only the MAX_EMBEDDED sentences with the best
        # score from words and passage rank are embedded and scored in full.
        order = sorted(
            range(n),
            key=lambda i: -(0.35 * lexicals[i] + 0.15 * max(0.0, candidates[i].passage.score)),
        )
        keep = sorted(order[:MAX_EMBEDDED])
        q_arr = np.asarray(self.embeddings.embed_query(question), dtype=np.float32)
        vectors = self._vectors([candidates[i].text for i in keep])
        scored = []
        for i, vec in zip(keep, vectors, strict=True):
            cand, lexical = candidates[i], lexicals[i]
            title_terms = set(content_terms(cand.passage.title))
            local = [n for n in names if stem(n) not in title_terms]
            semantic = max(0.0, float(q_arr @ vec))
            value = 0.5 * semantic + 0.35 * lexical + 0.15 * max(0.0, cand.passage.score)
            if kind is not None:
                value += 0.06 if holds_type(kind, cand.text, expanded) else -0.06
            if local and not any(mentions(n, cand.text) for n in local):
                value -= 0.08
            if cand.text.rstrip().endswith(":") and kind not in ("who", "person"):
                value -= 0.05  # a lead-in ("X said:") names a speaker and says nothing else
            scored.append(
                dataclasses.replace(cand, score=value, semantic=semantic, lexical=lexical)
            )
        scored.sort(key=lambda c: (-c.score, c.passage.rank, c.start))
        return scored

    def answer(
        self,
        question: str,
        candidates: list[Passage],
        k: int,
        lookup: Callable[[str], list[Passage]] | None = None,
        glossary: dict[str, str] | None = None,
    ) -> Answer:
        """Rank `candidates` by their best sentence, keep k, and answer from them or refuse.

        `lookup(name)` finds passages that contain a name the question uses, for names that no
        candidate mentions; a name found nowhere means the case studies do not cover it.
        """
        question = question.strip()
        expanded = expand_query(question, glossary or {})
        passages = list(candidates)
        missing = []
        for name in named_terms(question):
            if any(mentions(name, p.text + " " + p.title) for p in passages):
                continue
            extra = lookup(name) if lookup is not None else []
            known = {p.chunk_id for p in passages}
            passages += [p for p in extra if p.chunk_id not in known]
            if not any(mentions(name, p.text + " " + p.title) for p in extra):
                missing.append(name)
        if missing:
            return self._refuse(
                question,
                passages[:k],
                f"None of the case studies mentions {', '.join(missing)}.",
                f"not mentioned: {', '.join(missing)}",
            )
        ranked = self.score(question, candidate_sentences(passages), expanded)
        kind = expected_type(question)
        focus = focus_noun(question)

        def answers(c: Candidate) -> bool:
            return holds_type(kind, c.text, expanded) and counts_focus(
                focus, set(content_terms(c.text))
            )

        # A passage ranks by its best sentence; one that gives no value of the kind asked for
        # ranks below those that do.
        best_by_chunk: dict[str, float] = {}
        for cand in ranked:
            value = cand.score if answers(cand) else cand.score - 0.2
            if value > best_by_chunk.get(cand.passage.chunk_id, -1.0):
                best_by_chunk[cand.passage.chunk_id] = value
        order = sorted(
            passages, key=lambda p: (-best_by_chunk.get(p.chunk_id, p.score * 0.15), p.rank)
        )
        top = [dataclasses.replace(p, rank=i) for i, p in enumerate(order[:k], start=1)]
        new_rank = {p.chunk_id: p for p in top}
        ranked = [
            dataclasses.replace(c, passage=new_rank[c.passage.chunk_id])
            for c in ranked
            if c.passage.chunk_id in new_rank
        ]
        if not ranked:
            return self._refuse(question, top, "No passage answers this question.", "no sentences")
        typed = [c for c in ranked if answers(c)]
        best = typed[0] if typed else ranked[0]
        features = [round(best.score, 4), round(best.semantic, 4), round(best.lexical, 4)]
        if self.refusal is not None:
            p_answerable = self.refusal.probability(features)
            weak = p_answerable < self.refusal.threshold
        else:
            p_answerable = None
            weak = best.score < self.settings.min_evidence
        info = {
            "evidence": features[0],
            "features": features,
            "p_answerable": p_answerable,
            "answer_type": kind,
        }
        if weak:
            return self._refuse(
                question,
                top,
                "No passage answers this question closely enough.",
                f"weak evidence {best.score:.2f}",
                info,
            )
        if not typed:
            what = f"count of {focus_text(question)}" if focus else (kind or "answer")
            return self._refuse(
                question,
                top,
                f"The passages that match give no {what}.",
                f"no {what} in the passages",
                info,
            )
        chosen = self._select(question, best, typed)
        chosen.sort(key=lambda c: (c.passage.rank, c.start))
        citations = [
            Citation(
                n,
                c.passage.doc_id,
                c.passage.title,
                c.passage.date,
                c.text,
                c.start,
                c.end,
                c.passage.rank,
            )
            for n, c in enumerate(chosen, start=1)
        ]
        text = " ".join(f"{_as_sentence(defuse_markers(c.quote))} [{c.n}]" for c in citations)
        return Answer(question, text, False, citations, top, extra=info)

    def _select(self, question: str, best: Candidate, typed: list[Candidate]) -> list[Candidate]:
        """The best sentence, the best of each other article about as good, then close seconds."""
        listing = is_list_question(question)
        margin = self.settings.second_sentence_margin * (2 if listing else 1)
        limit = self.settings.max_answer_sentences + (2 if listing else 0)
        close = [c for c in typed[1:] if c.score >= best.score - margin]
        chosen = [best]
        docs = {best.passage.doc_id}
        for cand in close:  # one from each other article first
            if len(chosen) < limit and cand.passage.doc_id not in docs:
                if not any(_overlap(cand.text, c.text) > 0.6 for c in chosen):
                    chosen.append(cand)
                    docs.add(cand.passage.doc_id)
        for cand in close:  # then the nearest seconds, half the margin away at most
            if len(chosen) >= limit or cand.score < best.score - margin / 2:
                break
            if cand not in chosen and not any(_overlap(cand.text, c.text) > 0.6 for c in chosen):
                chosen.append(cand)
        return chosen

    @staticmethod
    def _refuse(
        question: str,
        passages: list[Passage],
        why: str,
        reason: str,
        info: dict[str, Any] | None = None,
    ) -> Answer:
        return Answer(
            question,
            f"{REFUSAL} {why}",
            True,
            [],
            passages,
            reason=reason,
            extra=dict(info or {"evidence": 0.0}),
        )
