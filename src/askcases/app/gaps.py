"""What the library is missing: refused questions and thumbs-down answers, grouped by meaning.

Each question is embedded with the library's own model and joins the first group whose centre
it is as close to as SIMILAR (cosine), else starts a group. A group reports its most central
question as the representative, how often and when it was asked, the nearest article (the best
passage for the representative, when one is close enough to name) and whether it is resolved: a
group is resolved once a question like its own (as close to its centre) was answered, not
refused and not marked wrong, after the last time it was refused or marked wrong.
Leaves out: naming a topic in words; the representative question stands for it.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from langchain_core.embeddings import Embeddings

from askcases.files import spreadsheet_safe
from askcases.store.index_store import IndexStore

SIMILAR = 0.6  # cosine to a group's centre at which a question joins it
NEAREST_MIN = 0.3  # a passage less similar than this to the representative names no article
COLUMNS = [
    "representative",
    "count",
    "refused",
    "thumbs_down",
    "first_asked",
    "last_asked",
    "nearest_article",
    "nearest_doc_id",
    "nearest_similarity",
    "status",
    "resolved_by",
    "questions",
]


@dataclass
class Gap:
    questions: list[dict[str, Any]]  # {question, at, why: refused | thumbs down}
    centre: list[float]
    representative: str = ""
    nearest_title: str = ""
    nearest_doc_id: str = ""
    nearest_similarity: float | None = None
    resolved_by: str = ""
    vectors: list[list[float]] = field(default_factory=list)

    @property
    def first_asked(self) -> str:
        return str(min(q["at"] for q in self.questions))

    @property
    def last_asked(self) -> str:
        return str(max(q["at"] for q in self.questions))

    @property
    def resolved(self) -> bool:
        return bool(self.resolved_by)

    def to_json(self) -> dict[str, Any]:
        return {
            "representative": self.representative,
            "count": len(self.questions),
            "refused": sum(q["why"] == "refused" for q in self.questions),
            "thumbs_down": sum(q["why"] == "thumbs down" for q in self.questions),
            "first_asked": self.first_asked,
            "last_asked": self.last_asked,
            "nearest_article": self.nearest_title,
            "nearest_doc_id": self.nearest_doc_id,
            "nearest_similarity": self.nearest_similarity,
            "status": "resolved" if self.resolved else "open",
            "resolved_by": self.resolved_by,
            "questions": [q["question"] for q in self.questions],
        }


def _dot(a: list[float], b: list[float]) -> float:
    return sum(x * y for x, y in zip(a, b, strict=True))


def _unit(v: list[float]) -> list[float]:
    norm = sum(x * x for x in v) ** 0.5 or 1.0
    return [x / norm for x in v]


def _mean(vectors: list[list[float]]) -> list[float]:
    return _unit([sum(col) / len(vectors) for col in zip(*vectors, strict=True)])


def find_gaps(
    traces: list[dict[str, Any]],
    feedback: list[dict[str, Any]],
    embeddings: Embeddings,
    store: IndexStore | None = None,
) -> list[Gap]:
    """Groups of refused and thumbs-down questions, the most asked first."""
    by_id = {t["trace_id"]: t for t in traces}
    misses = [
        {"question": t["resolved_question"], "at": t["created_at"], "why": "refused"}
        for t in traces
        if t["refused"]
    ] + [
        # a thumbs-down counts once, in the words the question was read in where it was traced
        {
            "question": by_id[f["trace_id"]]["resolved_question"]
            if f.get("trace_id") in by_id
            else f["question"],
            "at": f["created_at"],
            "why": "thumbs down",
        }
        for f in feedback
        if f["rating"] < 0 and not by_id.get(f.get("trace_id") or "", {}).get("refused")
    ]
    wrong = {f["trace_id"] for f in feedback if f["rating"] < 0 and f.get("trace_id")}
    answered = [
        {"question": t["resolved_question"], "at": t["created_at"]}
        for t in traces
        if not t["refused"] and t["trace_id"] not in wrong
    ]
    if not misses:
        return []
    misses.sort(key=lambda q: q["at"])
    vectors = [_unit(v) for v in embeddings.embed_documents([q["question"] for q in misses])]
    gaps: list[Gap] = []
    for miss, vector in zip(misses, vectors, strict=True):
        best = max(gaps, key=lambda g: _dot(g.centre, vector), default=None)
        if best is not None and _dot(best.centre, vector) >= SIMILAR:
            best.questions.append(miss)
            best.vectors.append(vector)
            best.centre = _mean(best.vectors)
        else:
            gaps.append(Gap([miss], vector, vectors=[vector]))
    for gap in gaps:
        central = max(range(len(gap.questions)), key=lambda i: _dot(gap.vectors[i], gap.centre))
        gap.representative = gap.questions[central]["question"]
    _resolve(gaps, answered, embeddings)
    if store is not None:
        _nearest(gaps, store, embeddings)
    gaps.sort(key=lambda g: (g.resolved, -len(g.questions), g.last_asked))
    return gaps


def _resolve(gaps: list[Gap], answered: list[dict[str, Any]], embeddings: Embeddings) -> None:
    later = [a for a in answered if a["at"] >= min(g.last_asked for g in gaps)]
    if not later:
        return
    vectors = [_unit(v) for v in embeddings.embed_documents([a["question"] for a in later])]
    for gap in gaps:
        for item, vector in zip(later, vectors, strict=True):
            if item["at"] >= gap.last_asked and _dot(gap.centre, vector) >= SIMILAR:
                gap.resolved_by = item["question"]


def _nearest(gaps: list[Gap], store: IndexStore, embeddings: Embeddings) -> None:
    for gap in gaps:
        hits = store.search(embeddings.embed_query(gap.representative), 1)
        if hits and hits[0].score >= NEAREST_MIN:
            gap.nearest_title = hits[0].title
            gap.nearest_doc_id = hits[0].doc_id
            gap.nearest_similarity = round(hits[0].score, 3)


def write_csv(gaps: list[Gap], out: Path) -> int:
    with out.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=COLUMNS)
        writer.writeheader()
        for gap in gaps:
            row = gap.to_json()
            row["questions"] = " | ".join(row["questions"])
            writer.writerow({k: spreadsheet_safe(v) for k, v in row.items()})
    return len(gaps)
