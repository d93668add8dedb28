"""Run an evaluation question set through the assistant and compute the figures CI gates on.

Question file format (one JSON object a line): id, question, answerable, sources, evidence
(exact substrings of a source that hold the answer), facts ("alt1|alt2" strings, every one of
which a correct answer contains by any alternative), and an optional `follows`. Optional too:
`notes` (what the answer must show: "projected", a citation tagged as a projection; "qualified",
a citation whose figure carries its hedge; "stale", the note that every source is old) and
`superseded` (older articles that a newer one revises: a citation of one that does not say a
newer article covers it is a stale citation).
"""

from __future__ import annotations

import json
import math
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from askcases.config import project_root
from askcases.errors import EvalGateError, UsageError
from askcases.evaluation.splits import split_of
from askcases.files import read_jsonl
from askcases.qa.assistant import Assistant
from askcases.text.markers import split_answer
from askcases.types import Answer, Filters

RECALL_DEPTH = 5
FIGURES = (
    "evidence_recall_at_3",
    "evidence_recall_at_5",
    "mrr",
    "fact_accuracy",
    "refusal_accuracy",
    "false_refusal_rate",
    "citation_coverage",
    "grounded_rate",
    "unsupported_numbers",
    "refused_with_answer_nearby",
    "notes_shown",
    "projections_unmarked",
    "stale_citation_rate",
    "latency_p50_ms",
    "latency_p95_ms",
)


def default_questions_file() -> Path:
    return project_root() / "eval" / "questions.jsonl"


def fold(text: str) -> str:
    """Whitespace- and case-folded text, for substring matching; a table's cell bars aside
    (a PDF's table row is labelled as it prints, "Referrals received 640 1,105")."""
    text = (
        text.replace("|", " ")
        .replace("’", "'")
        .replace("‘", "'")
        .replace("“", '"')
        .replace("”", '"')
    )
    return " ".join(text.split()).lower()


def load_questions(path: Path) -> list[dict[str, Any]]:
    """Questions from a JSONL file; a malformed line is an error naming the line."""
    questions = []
    for number, row in read_jsonl(path):
        if not isinstance(row.get("question"), str):
            raise UsageError(f'{path}:{number}: each line needs at least a "question" string')
        row.setdefault("id", f"line{number}")
        row.setdefault("answerable", True)
        for key in ("sources", "evidence", "facts", "notes", "superseded"):
            value = row.setdefault(key, [])
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                raise UsageError(f'{path}:{number}: "{key}" must be a list of strings')
        questions.append(row)
    if not questions:
        raise UsageError(f"{path} holds no questions")
    return questions


def evidence_hits(evidence: list[str], passages: list[str]) -> tuple[float, float]:
    """(share of evidence strings in any passage, 1/rank of the first passage holding one)."""
    if not evidence:
        return 1.0, 1.0
    folded = [fold(p) for p in passages[:RECALL_DEPTH]]
    wanted = [fold(e) for e in evidence]
    recall = sum(any(w in p for p in folded) for w in wanted) / len(wanted)
    rank = next((i for i, p in enumerate(folded, 1) if any(w in p for w in wanted)), None)
    return recall, (1.0 / rank if rank else 0.0)


def facts_hold(facts: list[str], answer: str) -> bool:
    """Every fact appears in the answer, each by any of its |-separated alternatives."""
    text = fold(answer)
    return all(any(fold(alt) in text for alt in fact.split("|") if alt.strip()) for fact in facts)


NOTES = ("projected", "qualified", "stale")


def notes_missing(notes: list[str], answer: Answer) -> list[str]:
    """Those of the notes a correct answer must carry that this answer does not show."""
    shown = {
        "projected": any(c.status == "projected" for c in answer.citations),
        "qualified": any(c.qualifier for c in answer.citations),
        "stale": bool(answer.stale_note),
    }
    return [n for n in notes if not shown.get(n, False)]


def stale_citations(superseded: list[str], answer: Answer) -> int:
    """Citations of an article a newer one revises that do not say a newer article covers it."""
    return sum(1 for c in answer.citations if c.doc_id in superseded and not c.superseded_by)


def cited_sentences(answer: str) -> tuple[int, int]:
    """(sentences carrying a [n] citation, sentences) in an answer, cut as the product cuts
    them (askcases.text.markers.split_answer)."""
    sentences = split_answer(answer)
    return sum(1 for _, cites in sentences if cites), len(sentences)


def percentile(values: list[float], q: float) -> float:
    """The q-th percentile (0-100) by linear interpolation; 0.0 for no values."""
    if not values:
        return 0.0
    ordered = sorted(values)
    pos = (len(ordered) - 1) * q / 100
    low, high = math.floor(pos), math.ceil(pos)
    return ordered[low] + (ordered[high] - ordered[low]) * (pos - low)


def mean(values: list[float]) -> float:
    return sum(values) / len(values) if values else 0.0


def figures(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """The gated figures over a set of per-question rows."""
    answerable = [r for r in rows if r["answerable"]]
    unanswerable = [r for r in rows if not r["answerable"]]
    sentences = sum(r["sentences"] for r in rows)
    latencies = [r["latency_ms"] for r in rows]
    noted = [r for r in rows if r.get("notes") and not r["refused"]]
    revised = [r for r in rows if r.get("superseded") and not r["refused"]]
    return {
        "n_questions": len(rows),
        "evidence_recall_at_3": mean([r["evidence_recall_at_3"] for r in answerable]),
        "evidence_recall_at_5": mean([r["evidence_recall"] for r in answerable]),
        "mrr": mean([r["reciprocal_rank"] for r in answerable]),
        "fact_accuracy": mean([1.0 if r["facts_ok"] else 0.0 for r in answerable]),
        "refusal_accuracy": mean([1.0 if r["refused"] else 0.0 for r in unanswerable]),
        "false_refusal_rate": mean([1.0 if r["refused"] else 0.0 for r in answerable]),
        "citation_coverage": (
            sum(r["cited_sentences"] for r in rows) / sentences if sentences else 1.0
        ),
        "grounded_rate": mean([r["grounded_rate"] for r in rows if not r["refused"]]),
        "unsupported_numbers": sum(len(r["unsupported_numbers"]) for r in rows),
        # False refusals whose closest passages, offered with the refusal, held the answer.
        "refused_with_answer_nearby": sum(1 for r in answerable if r["answer_nearby"]),
        # Answered questions that must carry a note (projected, qualified, stale) and do.
        "notes_shown": mean([0.0 if r["notes_missing"] else 1.0 for r in noted]) if noted else 1.0,
        # Answered questions whose only answer is a projection, shown without saying so.
        "projections_unmarked": sum(1 for r in noted if "projected" in r["notes_missing"]),
        # Answers citing an article a newer one revises, without saying so.
        "stale_citation_rate": mean([1.0 if r["stale_citations"] else 0.0 for r in revised]),
        "latency_p50_ms": percentile(latencies, 50),
        "latency_p95_ms": percentile(latencies, 95),
    }


def _answer_nearby(answer: Answer, evidence: list[str]) -> bool:
    """Whether a refusal's closest passages hold any of the evidence."""
    if not answer.refused or not answer.nearest or not evidence:
        return False
    ranks = {c.passage for c in answer.nearest}
    texts = [fold(p.text) for p in answer.passages if p.rank in ranks]
    return any(fold(e) in t for e in evidence for t in texts)


def run_eval(
    assistant: Assistant,
    questions: list[dict[str, Any]],
    progress: bool = True,
    filters: Filters | None = None,
) -> dict[str, Any]:
    """Answer every question and compute the figures, overall and per split.

    A question with `follows` is asked as a follow-up of that earlier question (resolved in
    turn), the way the chat would ask it.
    """
    from tqdm import tqdm

    rows = []
    resolved: dict[str, str] = {}
    bar = tqdm(questions, desc="evaluating", unit="question", disable=not progress, file=sys.stderr)
    for q in bar:
        history = [resolved[q["follows"]]] if q.get("follows") in resolved else []
        answer = assistant.ask(q["question"], filters=filters, history=history)
        resolved[q["id"]] = answer.resolved_question or q["question"]
        texts = [p.text for p in answer.passages]
        recall, rr = evidence_hits(q["evidence"], texts)
        recall_3, _ = evidence_hits(q["evidence"], texts[:3])
        cited, n_sentences = cited_sentences(answer.answer) if not answer.refused else (0, 0)
        rows.append(
            {
                "id": q["id"],
                "split": split_of(q["id"]),
                "question": q["question"],
                "resolved_question": resolved[q["id"]],
                "answerable": bool(q["answerable"]),
                "answer": answer.answer,
                "refused": answer.refused,
                "evidence_recall": recall,
                "evidence_recall_at_3": recall_3,
                "reciprocal_rank": rr,
                "facts_ok": (not answer.refused) and facts_hold(q["facts"], answer.answer),
                "cited_sentences": cited,
                "sentences": n_sentences,
                "evidence": answer.evidence.score if answer.evidence else 0.0,
                "features": answer.evidence.features if answer.evidence else None,
                "grounded_rate": answer.grounding.grounded_rate,
                "unsupported_numbers": list(answer.grounding.unsupported_numbers),
                "top_docs": [p.doc_id for p in answer.passages[:RECALL_DEPTH]],
                "answer_nearby": bool(q["answerable"]) and _answer_nearby(answer, q["evidence"]),
                "notes": q["notes"],
                "notes_missing": notes_missing(q["notes"], answer),
                "superseded": q["superseded"],
                "stale_citations": stale_citations(q["superseded"], answer),
                "latency_ms": answer.elapsed_ms,
            }
        )
    report = figures(rows)
    report["backend"] = assistant.settings.llm
    report["splits"] = {
        name: figures([r for r in rows if r["split"] == name]) for name in ("tuning", "held_out")
    }
    report["questions"] = rows
    return report


def format_report(report: dict[str, Any]) -> str:
    """The figures as a table (all questions, tuning part, held-out part), then the misses."""
    splits = report.get("splits", {})
    header = f"{'figure':<22} {'all':>9}" + "".join(f" {name:>9}" for name in splits)
    lines = [header, "-" * len(header)]
    counts = [report["n_questions"], *(s["n_questions"] for s in splits.values())]
    lines.append(f"{'n_questions':<22}" + "".join(f" {c:>9}" for c in counts))
    for name in FIGURES:
        values = [report[name], *(s[name] for s in splits.values())]
        shown = [
            f"{v:.1f}"
            if name.startswith("latency")
            else str(v)
            if isinstance(v, int)
            else f"{v:.3f}"
            for v in values
        ]
        lines.append(f"{name:<22}" + "".join(f" {v:>9}" for v in shown))
    misses = [
        r
        for r in report["questions"]
        if (r["answerable"] and (not r["facts_ok"] or r["evidence_recall"] < 1.0))
        or (not r["answerable"] and not r["refused"])
        or (r.get("notes_missing") and not r["refused"])
        or r.get("stale_citations")
    ]
    if misses:
        lines += ["", "questions that missed:"]
        for r in misses:
            what = "answered" if not r["answerable"] else ("refused" if r["refused"] else "facts")
            if r["answerable"] and r["evidence_recall"] < 1.0:
                what += f", evidence {r['evidence_recall']:.2f}"
            if r.get("notes_missing") and not r["refused"]:
                what += f", no {' or '.join(r['notes_missing'])} note"
            if r.get("stale_citations"):
                what += ", cites an older article without saying a newer one covers it"
            lines.append(f"  {r['id']} ({r['split']}): {what}: {r['resolved_question']}")
    return "\n".join(lines)


def check_bounds(
    thresholds_file: Path, value_of: Callable[[str], Any], what: str = "evaluation"
) -> None:
    """Raise EvalGateError naming every figure outside its {"min": x} or {"max": x} bound in the
    thresholds file; `value_of` gives a figure by name, None for an unknown one."""
    try:
        thresholds = json.loads(thresholds_file.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise UsageError(f"cannot read thresholds file {thresholds_file}: {exc}") from None
    failures = []
    for name, bound in sorted(thresholds.items()):
        if name.startswith("_"):
            continue
        value = value_of(name)
        if value is None:
            raise UsageError(f"{thresholds_file}: unknown figure {name!r}")
        if "min" in bound and value < bound["min"]:
            failures.append(f"{name} {value:.3f} < {bound['min']}")
        if "max" in bound and value > bound["max"]:
            failures.append(f"{name} {value:.3f} > {bound['max']}")
    if failures:
        raise EvalGateError(f"{what} below thresholds: " + "; ".join(failures))


def check_thresholds(report: dict[str, Any], thresholds_file: Path) -> None:
    """Raise EvalGateError naming every figure of the report outside its bound; "held_out.x"
    names a figure of a split."""

    def value_of(name: str) -> Any:
        scope, _, figure = name.rpartition(".")
        source = report["splits"].get(scope) if scope else report
        return source.get(figure) if source is not None else None

    check_bounds(thresholds_file, value_of)
