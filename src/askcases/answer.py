"""The extractive answer: the best-supported sentences of the retrieved passages, each cited.

No language model: every sentence of an answer is a verbatim span of an article, so a number in
an answer is always a number the article states. A question the passages do not support (too
weak a match, or a named place, body or year that no passage mentions) is refused instead.
Leaves out: generated answers, follow-up questions, keyword retrieval.
"""

from __future__ import annotations

import dataclasses
import math
import re
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any

from langchain_core.embeddings import Embeddings

from askcases.chunking import sentence_spans
from askcases.retrieve import Passage
from askcases.settings import Settings

REFUSAL = "The case studies don't say."

STOPWORDS = set(
    """a about above after again against all also am an and any are as at be because been before
    being below between both but by can could did do does doing down during each few for from
    further had has have having he her here hers him his how i if in into is it its itself just
    me more most my no nor not now of off on once only or other our ours out over own same she
    should so some such than that the their theirs them then there these they this those through
    to too under until up very was we were what when where which while who whom why will with
    would you your yours tell know say said give list many much did does get got any anything
    happen happened like kind sort there's what's whats thing things way ways please""".split()
)
# Capitalised words that name no particular place or body, so their absence proves nothing.
GENERIC_NAMES = {
    "nhs",
    "gp",
    "gps",
    "uk",
    "england",
    "a&e",
    "ccg",
    "ccgs",
    "dr",
    "the",
    "what",
    "which",
    "how",
    "who",
    "when",
    "where",
    "why",
    "is",
    "are",
    "did",
    "does",
    "do",
    "was",
    "were",
    "can",
    "could",
    "i",
    "in",
    "on",
    "for",
    "and",
    "of",
    "any",
    "tell",
    "give",
    "list",
}
NUMBER_WORDS = (
    "one two three four five six seven eight nine ten eleven twelve twenty thirty forty fifty "
    "hundred thousand million billion dozen half quarter"
).split()
_NUMBER = re.compile(r"\d|£|\bper cent\b|%|\b(?:" + "|".join(NUMBER_WORDS) + r")\b", re.I)
_DATE = re.compile(
    r"\b(?:19|20)\d{2}\b|\b(?:january|february|march|april|may|june|july|august|september|"
    r"october|november|december)\b",
    re.I,
)


def stem(word: str) -> str:
    """A crude, deterministic stem: matches reduce/reduced/reduction, GP/GPs, patient/patients."""
    word = word.lower().strip(".,'’").removesuffix("'s").removesuffix("’s")
    if word.isdigit():
        return word
    if len(word) >= 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        word = word[:-1]
    return word[:5]


# What kind of value a question asks for, and what a sentence must hold to give one.
ANSWER_TYPES: list[tuple[str, re.Pattern[str], re.Pattern[str]]] = [
    (
        "money",
        re.compile(
            r"\b(?:cost|costs|save|saved|saves|saving|savings|spend|spent|budget|funding|"
            r"money|pounds|price|worth)\b|£",
            re.I,
        ),
        re.compile(r"£|\bpounds?\b|\b(?:million|billion)\b", re.I),
    ),
    (
        "percent",
        re.compile(
            r"\bper ?cent|\bpercentage\b|%|\bproportion\b|\bshare of\b|\bwhat share\b", re.I
        ),
        re.compile(r"%|\bper ?cent\b|\bin every\b|\bout of\b|\bhalf\b|\bquarter\b|\bthird\b", re.I),
    ),
    (
        "date",
        re.compile(r"\bwhen\b|\bwhat (?:date|year|month|day)\b|\bwhich (?:year|month)\b", re.I),
        _DATE,
    ),
    (
        "rate",
        re.compile(r"\bhow (?:common|often|frequent|prevalent)\b|\bwhat rate\b", re.I),
        re.compile(
            r"\bin every\b|\bper\b|\beach (?:year|month|week|day)\b|"
            r"\ba (?:year|month|week|day)\b|%|\bper ?cent\b",
            re.I,
        ),
    ),
    (
        "number",
        re.compile(
            r"\bhow (?:many|much|long|far|big|large|quickly|fast|soon)\b|"
            r"\bwhat (?:number|amount|figure)\b|\bnumber of\b",
            re.I,
        ),
        _NUMBER,
    ),
]
_ASKS_WHO = re.compile(r"\bwho\b|\bwhich (?:organisation|company|body|trust|person|group)\b", re.I)
_NAME = re.compile(r"(?<!^)(?<![.!?] )\b[A-Z][a-z]+(?:\s+[A-Z][a-zA-Z]+)+")
_HOW_MANY = re.compile(
    r"\bhow many ((?:[a-z-]+\s+){0,3}?[a-z-]+?)\s+(?:do|does|did|are|is|were|was|have|has|had|"
    r"will|would|can|could|in|of|at|per|a|each|every)\b",
    re.I,
)


def expected_type(question: str) -> str | None:
    """The kind of value the question asks for: money, percent, date, number, or None."""
    for name, asks, _ in ANSWER_TYPES:
        if asks.search(question):
            return name
    return None


def holds_type(kind: str | None, text: str) -> bool:
    if kind is None:
        return True
    return next(holds for name, _, holds in ANSWER_TYPES if name == kind).search(text) is not None


# Words a count of people may use for the same people.
_PEOPLE = {stem(w) for w in "people patients population residents individuals persons".split()}
_LIST_QUESTION = re.compile(
    r"^(?:which|what) (?:[a-z]+ )?[a-z]+s\b(?! (?:is|was|does|did|has)\b)|\blist\b|\bexamples\b|"
    r"\bwhere else\b",
    re.I,
)


def focus_noun(question: str) -> str | None:
    """The thing a "how many" question counts ("nurses" in "how many nurses does ...")."""
    found = _HOW_MANY.search(question)
    return stem(found.group(1).split()[-1]) if found else None


def focus_noun_text(question: str) -> str:
    found = _HOW_MANY.search(question)
    return found.group(1) if found else ""


def counts_focus(focus: str | None, terms: set[str]) -> bool:
    """Whether a sentence with these terms speaks of the counted thing (people ~ patients)."""
    if focus is None or focus in terms:
        return True
    return focus in _PEOPLE and bool(_PEOPLE & terms)


_WORD = re.compile(r"[A-Za-z0-9£%&][A-Za-z0-9£%&'’.,-]*[A-Za-z0-9%]|[A-Za-z0-9%]")


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


def content_terms(text: str) -> list[str]:
    """Question or sentence words that carry meaning, lower-cased and stemmed, in order."""
    terms = []
    for match in _WORD.finditer(text):
        word = match.group(0).strip(".,")
        low = word.lower().removesuffix("'s").removesuffix("’s")
        if low in STOPWORDS or not low:
            continue
        terms.append(stem(low))
    return terms


def named_terms(question: str) -> list[str]:
    """Places, bodies, acronyms and years the question names (capitalised or numeric words)."""
    names = []
    for i, match in enumerate(_WORD.finditer(question)):
        word = match.group(0).strip(".,").removesuffix("'s").removesuffix("’s")
        low = word.lower()
        if low in GENERIC_NAMES or low in STOPWORDS:
            continue
        is_year = re.fullmatch(r"(?:19|20)\d{2}", word) is not None
        is_name = word[:1].isupper() and (i > 0 or word.isupper())
        if is_year or is_name:
            names.append(word)
    return names


def _mentions(name: str, text: str) -> bool:
    return re.search(r"\b" + re.escape(name), text, re.I) is not None


@dataclass(frozen=True)
class Candidate:
    passage: Passage
    start: int  # offsets in the article's text
    end: int
    text: str
    score: float = 0.0


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


def _cosine(a: list[float], b: list[float]) -> float:
    return sum(x * y for x, y in zip(a, b, strict=True))


def _overlap(a: str, b: str) -> float:
    ta, tb = set(content_terms(a)), set(content_terms(b))
    if not ta or not tb:
        return 0.0
    return len(ta & tb) / min(len(ta), len(tb))


class ExtractiveAnswerer:
    """Scores each retrieved sentence against the question and quotes the best one to three."""

    def __init__(self, embeddings: Embeddings, settings: Settings) -> None:
        self.embeddings = embeddings
        self.settings = settings
        self._sentence_vectors: dict[str, list[float]] = {}

    def _vectors(self, texts: list[str]) -> list[list[float]]:
        missing = [t for t in dict.fromkeys(texts) if t not in self._sentence_vectors]
        if missing:
            for text, vector in zip(missing, self.embeddings.embed_documents(missing), strict=True):
                self._sentence_vectors[text] = vector
        return [self._sentence_vectors[t] for t in texts]

    def score(self, question: str, candidates: list[Candidate]) -> list[Candidate]:
        """Candidates with an evidence score (about 0 to 1), best first."""
        if not candidates:
            return []
        q_vec = self.embeddings.embed_query(question)
        vectors = self._vectors([c.text for c in candidates])
        q_terms = content_terms(question)
        named = {stem(n) for n in named_terms(question)}
        sentence_terms = [set(content_terms(c.text)) for c in candidates]
        # A question word that few candidate sentences share says more about which one answers.
        n = len(candidates)
        weights = {
            t: math.log(1 + n / (1 + sum(t in terms for terms in sentence_terms)))
            * (2.0 if t in named else 1.0)
            for t in q_terms
        }
        total = sum(weights.values()) or 1.0
        kind = expected_type(question)
        asks_who = _ASKS_WHO.search(question) is not None
        scored = []
        for cand, vec, s_terms in zip(candidates, vectors, sentence_terms, strict=True):
            lexical = sum(w for t, w in weights.items() if t in s_terms) / total
            semantic = max(0.0, _cosine(q_vec, vec))
            value = 0.5 * semantic + 0.35 * lexical + 0.15 * max(0.0, cand.passage.score)
            if kind is not None:
                value += 0.06 if holds_type(kind, cand.text) else -0.06
            if asks_who:
                value += 0.04 if _NAME.search(cand.text) else -0.04
            if cand.text.rstrip().endswith(":") and not asks_who:
                value -= 0.05  # a lead-in ("X said:") names a speaker and says nothing else
            if cand.start == 0:
                value -= 0.05  # the headline: a summary, rarely the evidence itself
            scored.append(Candidate(cand.passage, cand.start, cand.end, cand.text, value))
        scored.sort(key=lambda c: (-c.score, c.passage.rank, c.start))
        return scored

    def answer(
        self,
        question: str,
        candidates: list[Passage],
        k: int,
        lookup: Callable[[str], list[Passage]] | None = None,
    ) -> Answer:
        """Rank `candidates` by their best sentence, keep k, and answer from them or refuse.

        `lookup(name)` finds passages that contain a name the question uses, for names that no
        candidate mentions; a name found nowhere means the case studies do not cover it.
        """
        question = question.strip()
        passages = list(candidates)
        missing = []
        for name in named_terms(question):
            if any(_mentions(name, p.text + " " + p.title) for p in passages):
                continue
            extra = lookup(name) if lookup is not None else []
            known = {p.chunk_id for p in passages}
            passages += [p for p in extra if p.chunk_id not in known]
            if not any(_mentions(name, p.text + " " + p.title) for p in extra):
                missing.append(name)
        if missing:
            return self._refuse(
                question,
                passages[:k],
                f"None of the case studies mentions {', '.join(missing)}.",
                f"not mentioned: {', '.join(missing)}",
            )
        ranked = self.score(question, candidate_sentences(passages))
        best_by_chunk: dict[str, float] = {}
        for cand in ranked:
            best_by_chunk.setdefault(cand.passage.chunk_id, cand.score)
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
        kind = expected_type(question)
        focus = focus_noun(question)
        typed = [
            c
            for c in ranked
            if holds_type(kind, c.text) and counts_focus(focus, set(content_terms(c.text)))
        ]
        best = typed[0] if typed else ranked[0]
        if best.score < self.settings.min_evidence:
            return self._refuse(
                question,
                top,
                "No passage answers this question closely enough.",
                f"best evidence {best.score:.2f}",
                best.score,
            )
        if not typed:
            what = f"count of {focus_noun_text(question)}" if focus else (kind or "answer")
            return self._refuse(
                question,
                top,
                f"The passages that match give no {what}.",
                f"no {what} in the passages",
                best.score,
            )
        margin = self.settings.second_sentence_margin
        if _LIST_QUESTION.search(question):
            margin *= 2
        chosen = [best]
        for cand in typed[1:]:
            if len(chosen) >= self.settings.max_answer_sentences:
                break
            if cand.score < best.score - margin:
                break
            if any(_overlap(cand.text, c.text) > 0.6 for c in chosen):
                continue
            chosen.append(cand)
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
        text = " ".join(f"{_as_sentence(c.quote)} [{c.n}]" for c in citations)
        return Answer(
            question,
            text,
            False,
            citations,
            top,
            extra={"evidence": round(best.score, 4), "answer_type": kind},
        )

    @staticmethod
    def _refuse(
        question: str, passages: list[Passage], why: str, reason: str, evidence: float = 0.0
    ) -> Answer:
        return Answer(
            question,
            f"{REFUSAL} {why}",
            True,
            [],
            passages,
            reason=reason,
            extra={"evidence": round(evidence, 4)},
        )


def _as_sentence(quote: str) -> str:
    """A quote ready to stand in an answer: unmatched opening quotation marks dropped."""
    text = quote.strip()
    for open_mark, close_mark in (("“", "”"), ('"', '"')):
        if text.count(open_mark) + (text.count(close_mark) if open_mark != close_mark else 0) == 1:
            text = text.replace(open_mark, "").replace(close_mark, "")
    return text
