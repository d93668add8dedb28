"""The plain data that moves forward through the pipeline: frozen dataclasses and Literal names.

Article -> Chunk (ingest) -> Passage (retrieval) -> Citation and Answer (qa); Outcome (outcomes)
and Filters travel beside them. Each stage takes these and returns these; JSON is made only at
the edges, by `to_json` / `from_json`.
Leaves out: behaviour. The only methods here convert to and from JSON or answer questions about
the value itself.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any, Literal

Backend = Literal["extractive", "llamacpp", "openai"]
BACKENDS: tuple[Backend, ...] = ("extractive", "llamacpp", "openai")
Precision = Literal["auto", "fp32", "bf16", "onnx", "onnx-int8"]
Role = Literal["admin", "editor"]
ROLES: tuple[Role, ...] = ("admin", "editor")

# The one refusal text: the extractive answerer, the language-model prompt and the generated
# answer's check all use it.
REFUSAL = "The case studies don't say."


@dataclass(frozen=True)
class Article:
    doc_id: str  # the file's stem
    title: str
    date: str | None  # ISO yyyy-mm-dd, where the article states a publication date
    text: str  # cleaned article text; every offset in askcases points into this
    content_hash: str  # sha256 of cleaner version, title, date and text
    source: str  # file name inside the corpus


@dataclass(frozen=True)
class Chunk:
    chunk_id: str  # "<doc_id>#<n>", n counting from 0 in text order
    doc_id: str
    title: str
    date: str | None
    text: str  # == article.text[start:end]
    start: int
    end: int
    n_tokens: int


@dataclass(frozen=True)
class ScoredChunk:
    """A stored chunk found by a search, with that search's score (higher is better)."""

    chunk_id: str
    doc_id: str
    title: str
    date: str | None
    text: str
    start: int
    end: int
    score: float


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
    boost: float = 0.0  # added to its sentences' scores: recency, or a newer article's edge
    superseded_by: str = ""  # a newer article about the same service and place

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


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
    # The quote's standing (askcases.text.claims): achieved or projected, its hedge, who says so.
    status: str = ""
    qualifier: str = ""
    reported_by: str = ""
    # Sentences in which the article qualifies its own currency ("may not reflect the current
    # policy position"), found at index time.
    currency: tuple[str, ...] = ()
    # A newer article about the same service and place: its document id, title and date.
    superseded_by: str = ""
    superseded_title: str = ""
    superseded_date: str = ""

    @property
    def age_years(self) -> int | None:
        """Whole years from the article's date to today; None when it states no date."""
        return age_in_years(self.date)

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        for key in ("superseded_by", "superseded_title", "superseded_date"):
            del data[key]
        data["currency"] = list(self.currency)
        data["superseded_by"] = (
            {
                "doc_id": self.superseded_by,
                "title": self.superseded_title,
                "date": self.superseded_date or None,
            }
            if self.superseded_by
            else None
        )
        return {**data, "age_years": self.age_years}

    @classmethod
    def from_json(cls, row: dict[str, Any]) -> Citation:
        newer = row.get("superseded_by") or {}
        return cls(
            int(row["n"]),
            str(row["doc_id"]),
            str(row.get("title", "")),
            row.get("date") or None,
            str(row.get("quote", "")),
            int(row.get("start", 0)),
            int(row.get("end", 0)),
            int(row.get("passage", 0)),
            str(row.get("status") or ""),
            str(row.get("qualifier") or ""),
            str(row.get("reported_by") or ""),
            tuple(str(n) for n in row.get("currency") or ()),
            str(newer.get("doc_id") or ""),
            str(newer.get("title") or ""),
            str(newer.get("date") or ""),
        )


def age_in_years(published: str | None, today: date | None = None) -> int | None:
    """Whole years between an ISO date and today (None for no date)."""
    if not published:
        return None
    try:
        then = date.fromisoformat(published[:10])
    except ValueError:
        return None
    now = today or date.today()
    return now.year - then.year - ((now.month, now.day) < (then.month, then.day))


@dataclass(frozen=True)
class SentenceVerdict:
    text: str
    citations: list[int]
    supported: bool
    score: float
    unsupported_numbers: list[str]


@dataclass(frozen=True)
class Grounding:
    sentences: list[SentenceVerdict]
    grounded_rate: float  # share of sentences supported by a passage they cite
    unsupported_numbers: list[str]

    @property
    def failed(self) -> bool:
        return bool(self.unsupported_numbers) or any(not s.supported for s in self.sentences)

    def to_json(self) -> dict[str, Any]:
        return {
            "sentences": [asdict(s) for s in self.sentences],
            "grounded_rate": self.grounded_rate,
            "unsupported_numbers": self.unsupported_numbers,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Grounding:
        return cls(
            [
                SentenceVerdict(
                    str(s["text"]),
                    [int(n) for n in s.get("citations", [])],
                    bool(s["supported"]),
                    float(s.get("score", 0.0)),
                    [str(n) for n in s.get("unsupported_numbers", [])],
                )
                for s in data.get("sentences", [])
            ],
            float(data.get("grounded_rate", 1.0)),
            [str(n) for n in data.get("unsupported_numbers", [])],
        )


NO_CLAIMS = Grounding([], 1.0, [])  # the grounding of a refusal: nothing claimed


@dataclass(frozen=True)
class Guard:
    """A generated answer that failed verification, with the extractive answer shown beside it."""

    note: str
    answer: str
    citations: list[Citation]

    def to_json(self) -> dict[str, Any]:
        return {
            "note": self.note,
            "extractive": {
                "answer": self.answer,
                "citations": [c.to_json() for c in self.citations],
            },
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Guard:
        extractive = data.get("extractive") or {}
        return cls(
            str(data.get("note", "")),
            str(extractive.get("answer", "")),
            [Citation.from_json(c) for c in extractive.get("citations", [])],
        )


@dataclass(frozen=True)
class Evidence:
    """What the refusal model saw: the best candidate sentence's scores."""

    score: float
    semantic: float
    lexical: float
    margin: float = 0.0  # how far it scores above the best sentence that would not be quoted
    asked: float = 1.0  # the share of what is asked beyond names that it says (Candidate.asked)
    # ... that the sentences quoted say together ("who runs it and when did it start" answered
    # by two sentences, each saying half)
    asked_quoted: float = 1.0
    # 1 when the question asks for a figure (an amount, share, rate, length of time or count)
    figure: float = 0.0
    # 1 when it asks who or where (a body, a person, a place)
    names_who: float = 0.0
    # 1 when the best sentence is of the article whose passage retrieval ranked first
    first_article: float = 0.0
    # how the question is put (askcases.qa.questions.question_form): its length in twenties of
    # words, and 1 when it tells the asker's situation first, or is keywords alone
    words: float = 0.0
    situation: float = 0.0
    keywords: float = 0.0
    p_answerable: float | None = None

    @property
    def features(self) -> list[float]:
        return [
            self.score,
            self.semantic,
            self.lexical,
            self.margin,
            self.asked,
            self.asked_quoted,
            self.figure,
            self.names_who,
            self.first_article,
            self.words,
            self.situation,
            self.keywords,
        ]


@dataclass(frozen=True)
class Answer:
    question: str  # as asked
    answer: str
    refused: bool
    citations: list[Citation]
    passages: list[Passage]
    reason: str = ""
    resolved_question: str = ""  # as read, a follow-up made to stand alone
    backend: Backend = "extractive"
    model: str | None = None
    answer_type: str | None = None  # the kind of value asked for, or "outcomes"
    evidence: Evidence | None = None
    measures: tuple[str, ...] = ()  # outcome answers: the measures asked about
    grounding: Grounding = NO_CLAIMS
    guard: Guard | None = None
    elapsed_ms: float = 0.0
    timings: dict[str, float] = field(default_factory=dict)  # stage -> milliseconds
    # A refusal's closest passages (at most three), offered to read, never as an answer; the
    # refusal's [n] markers point at them.
    nearest: list[Citation] = field(default_factory=list)
    # Kinds of patient identifier the question held, masked before anything kept or sent it.
    privacy: tuple[str, ...] = ()
    privacy_note: str = ""
    # Said at the top when every source is older than the staleness limit (ASKCASES_STALE_YEARS).
    stale_note: str = ""
    # What happened while it was answered (askcases.qa.tracing), as JSON; None when not traced.
    trace: dict[str, Any] | None = None

    @property
    def trace_id(self) -> str:
        return str(self.trace.get("trace_id", "")) if self.trace else ""

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "question": self.question,
            "answer": self.answer,
            "refused": self.refused,
            "reason": self.reason,
            "citations": [c.to_json() for c in self.citations],
            "passages": [p.to_json() for p in self.passages],
            "resolved_question": self.resolved_question or self.question,
            "backend": self.backend,
            "model": self.model,
            "answer_type": self.answer_type,
            "evidence": self.evidence.score if self.evidence else 0.0,
            "features": self.evidence.features if self.evidence else None,
            "p_answerable": self.evidence.p_answerable if self.evidence else None,
            "grounding": self.grounding.to_json(),
            "elapsed_ms": self.elapsed_ms,
            "timings": dict(self.timings),
        }
        if self.measures:
            data["measures"] = list(self.measures)
        if self.guard is not None:
            data["guard"] = self.guard.to_json()
        data["nearest"] = [{**c.to_json(), "not_an_answer": True} for c in self.nearest]
        if self.stale_note:
            data["stale_note"] = self.stale_note
        if self.privacy:
            data["privacy"] = list(self.privacy)
            data["privacy_note"] = self.privacy_note
        if self.trace is not None:
            data["trace_id"] = self.trace_id
            data["trace"] = self.trace
        return data


@dataclass(frozen=True)
class Outcome:
    doc_id: str
    place: str
    service: str
    measure: str
    direction: str  # decrease | increase | "" (a level, not a change)
    value: str  # the headline figure as the article writes it, normalised ("70%", "£700,000")
    before: str
    after: str
    period: str
    start: int  # the reporting sentence, as offsets into the article's cleaned text
    end: int
    sentence: str
    title: str
    date: str | None
    # The claim's standing (askcases.text.claims): achieved or projected, the hedge written
    # before the value ("up to"), and who the sentence says makes it.
    status: str = "achieved"
    qualifier: str = ""
    reported_by: str = ""

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, row: dict[str, Any]) -> Outcome:
        return cls(
            doc_id=str(row["doc_id"]),
            place=str(row["place"]),
            service=str(row["service"]),
            measure=str(row["measure"]),
            direction=str(row["direction"]),
            value=str(row["value"]),
            before=str(row["before"]),
            after=str(row["after"]),
            period=str(row["period"]),
            start=int(row["start"]),
            end=int(row["end"]),
            sentence=str(row["sentence"]),
            title=str(row["title"]),
            date=row.get("date") or None,
            status=str(row.get("status") or "achieved"),
            qualifier=str(row.get("qualifier") or ""),
            reported_by=str(row.get("reported_by") or ""),
        )


def date_number(value: date | str | None) -> int:
    """A date as the integer yyyymmdd (0 for none), the form the index filters on."""
    if value is None or value == "":
        return 0
    text = value.isoformat() if isinstance(value, date) else value
    return int(text.replace("-", ""))


@dataclass(frozen=True)
class Filters:
    """What a question may be answered from: a publication date range and document ids. An
    article that states no date is outside any date range."""

    since: date | None = None  # published on or after
    until: date | None = None  # published on or before
    doc_ids: tuple[str, ...] = field(default_factory=tuple)
    # The library as it stood on this date: only articles published by then, and supersession
    # judged as of then.
    as_of: date | None = None

    @property
    def active(self) -> bool:
        return bool(self.since or self.until or self.doc_ids or self.as_of)

    @property
    def low(self) -> int | None:
        """The lower date bound as yyyymmdd, or None."""
        return date_number(self.since) if self.since else None

    @property
    def high(self) -> int | None:
        """The upper date bound as yyyymmdd, or None."""
        bounds = [d for d in (self.until, self.as_of) if d is not None]
        return date_number(min(bounds)) if bounds else None

    def admits(self, doc_id: str, published: str | None) -> bool:
        """Whether an article with this id and publication date is inside the filters."""
        if self.doc_ids and doc_id not in self.doc_ids:
            return False
        number = date_number(published)
        if self.low is not None and number < self.low:
            return False
        return self.high is None or 0 < number <= self.high

    def describe(self) -> str:
        parts = []
        if self.since and self.until:
            parts.append(f"published {self.since.isoformat()} to {self.until.isoformat()}")
        elif self.since:
            parts.append(f"published on or after {self.since.isoformat()}")
        elif self.until:
            parts.append(f"published on or before {self.until.isoformat()}")
        if self.doc_ids:
            parts.append("in " + ", ".join(self.doc_ids))
        if self.as_of:
            parts.append(f"as the library stood on {self.as_of.isoformat()}")
        return "; ".join(parts)
