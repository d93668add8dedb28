"""Run an evaluation question set through the assistant and compute the figures CI gates on.

Question file format (one JSON object a line): id, question, answerable, sources, evidence
(exact substrings of a source that hold the answer), facts ("alt1|alt2" strings, every one of
which a correct answer contains by any alternative), and an optional `follows`.
"""

from __future__ import annotations

import json
import math
import re
import sys
from pathlib import Path
from typing import Any, Protocol

from askcases.answer import Answer
from askcases.errors import EvalGateError, UsageError
from askcases.settings import project_root

RECALL_DEPTH = 5
FIGURES = (
    "evidence_recall_at_5",
    "mrr",
    "fact_accuracy",
    "refusal_accuracy",
    "false_refusal_rate",
    "citation_coverage",
    "latency_p50_ms",
    "latency_p95_ms",
)


class Asks(Protocol):
    def ask(self, question: str, k: int | None = None) -> Answer: ...


def default_questions_file() -> Path:
    return project_root() / "eval" / "questions.jsonl"


def fold(text: str) -> str:
    """Whitespace- and case-folded text, for substring matching."""
    text = text.replace("’", "'").replace("‘", "'").replace("“", '"').replace("”", '"')
    return " ".join(text.split()).lower()


def load_questions(path: Path) -> list[dict[str, Any]]:
    """Questions from a JSONL file; a malformed line is an error naming the line."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise UsageError(f"cannot read questions file {path}: {exc.strerror or exc}") from None
    questions = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            raise UsageError(f"{path}:{number}: not valid JSON ({exc.msg})") from None
        if not isinstance(row, dict) or not isinstance(row.get("question"), str):
            raise UsageError(f'{path}:{number}: each line needs at least a "question" string')
        row.setdefault("id", f"line{number}")
        row.setdefault("answerable", True)
        for key in ("sources", "evidence", "facts"):
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


_SENTENCE_END = re.compile(r"(?<=[.!?\]])\s+(?=[A-Z0-9“\"£])")


def cited_sentences(answer: str) -> tuple[int, int]:
    """(sentences carrying a [n] citation, sentences) in an answer."""
    sentences = [s for s in _SENTENCE_END.split(answer.strip()) if s.strip()]
    cited = sum(1 for s in sentences if re.search(r"\[\d+\]", s))
    return cited, len(sentences)


def percentile(values: list[float], q: float) -> float:
    """The q-th percentile (0-100) by linear interpolation; 0.0 for no values."""
    if not values:
        return 0.0
    ordered = sorted(values)
    pos = (len(ordered) - 1) * q / 100
    low, high = math.floor(pos), math.ceil(pos)
    return ordered[low] + (ordered[high] - ordered[low]) * (pos - low)


def _mean(values: list[float]) -> float:
    return sum(values) / len(values) if values else 0.0


def run_eval(
    assistant: Asks, questions: list[dict[str, Any]], progress: bool = True
) -> dict[str, Any]:
    """Answer every question and compute the figures; a row per question is kept."""
    from tqdm import tqdm

    rows = []
    for q in tqdm(
        questions, desc="evaluating", unit="question", disable=not progress, file=sys.stderr
    ):
        answer = assistant.ask(q["question"])
        texts = [p.text for p in answer.passages]
        recall, rr = evidence_hits(q["evidence"], texts)
        cited, n_sentences = cited_sentences(answer.answer) if not answer.refused else (0, 0)
        rows.append(
            {
                "id": q["id"],
                "question": q["question"],
                "answerable": bool(q["answerable"]),
                "answer": answer.answer,
                "refused": answer.refused,
                "evidence_recall": recall,
                "reciprocal_rank": rr,
                "facts_ok": (not answer.refused) and facts_hold(q["facts"], answer.answer),
                "cited_sentences": cited,
                "sentences": n_sentences,
                "top_docs": [p.doc_id for p in answer.passages[:RECALL_DEPTH]],
                "latency_ms": float(answer.extra.get("elapsed_ms", 0.0)),
            }
        )
    answerable = [r for r in rows if r["answerable"]]
    unanswerable = [r for r in rows if not r["answerable"]]
    sentences = sum(r["sentences"] for r in rows)
    latencies = [r["latency_ms"] for r in rows]
    return {
        "n_questions": len(rows),
        "evidence_recall_at_5": _mean([r["evidence_recall"] for r in answerable]),
        "mrr": _mean([r["reciprocal_rank"] for r in answerable]),
        "fact_accuracy": _mean([1.0 if r["facts_ok"] else 0.0 for r in answerable]),
        "refusal_accuracy": _mean([1.0 if r["refused"] else 0.0 for r in unanswerable]),
        "false_refusal_rate": _mean([1.0 if r["refused"] else 0.0 for r in answerable]),
        "citation_coverage": (sum(r["cited_sentences"] for r in rows) / sentences)
        if sentences
        else 1.0,
        "latency_p50_ms": percentile(latencies, 50),
        "latency_p95_ms": percentile(latencies, 95),
        "questions": rows,
    }


def format_report(report: dict[str, Any]) -> str:
    """The figures as a table, then a line per question that missed."""
    lines = [f"{'figure':<22} {'value':>9}", f"{'-' * 22} {'-' * 9}"]
    lines.append(f"{'n_questions':<22} {report['n_questions']:>9}")
    for name in FIGURES:
        value = report[name]
        shown = f"{value:.1f}" if name.startswith("latency") else f"{value:.3f}"
        lines.append(f"{name:<22} {shown:>9}")
    misses = [
        r
        for r in report["questions"]
        if (r["answerable"] and (not r["facts_ok"] or r["evidence_recall"] < 1.0))
        or (not r["answerable"] and not r["refused"])
    ]
    if misses:
        lines += ["", "questions that missed:"]
        for r in misses:
            what = "answered" if not r["answerable"] else ("refused" if r["refused"] else "facts")
            if r["answerable"] and r["evidence_recall"] < 1.0:
                what += f", evidence {r['evidence_recall']:.2f}"
            lines.append(f"  {r['id']}: {what}: {r['question']}")
    return "\n".join(lines)


def check_thresholds(report: dict[str, Any], thresholds_file: Path) -> None:
    """Raise EvalGateError naming every figure outside its {"min": x} or {"max": x} bound."""
    try:
        thresholds = json.loads(thresholds_file.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise UsageError(f"cannot read thresholds file {thresholds_file}: {exc}") from None
    failures = []
    for name, bound in sorted(thresholds.items()):
        if name.startswith("_"):
            continue
        if name not in report:
            raise UsageError(f"{thresholds_file}: unknown figure {name!r}")
        value = report[name]
        if "min" in bound and value < bound["min"]:
            failures.append(f"{name} {value:.3f} < {bound['min']}")
        if "max" in bound and value > bound["max"]:
            failures.append(f"{name} {value:.3f} > {bound['max']}")
    if failures:
        raise EvalGateError("evaluation below thresholds: " + "; ".join(failures))
