"""Retrievers side by side on the same questions: LangChain's tutorial pipeline, dense only,
BM25 only, hybrid (RRF) and askcases' own (hybrid, re-ranked by sentence), each with
evidence_recall_at_3/5, mrr and latency (`askcases eval compare`)."""

from __future__ import annotations

import time
from typing import Any

from askcases.evaluation.questions import evidence_hits, mean, percentile, run_eval
from askcases.evaluation.tutorial import tutorial_pipeline
from askcases.qa.assistant import Assistant
from askcases.types import Filters


def compare_retrievers(
    assistant: Assistant, questions: list[dict[str, Any]], filters: Filters | None = None
) -> dict[str, dict[str, float]]:
    """evidence_recall_at_3/5, mrr and latency of each retriever on the answerable questions.

    Follow-ups are resolved once (as askcases reads them) and every retriever gets the same text.
    """
    report = run_eval(assistant, questions, progress=False, filters=filters)
    asked = [
        (r["resolved_question"], q)
        for r, q in zip(report["questions"], questions, strict=True)
        if q["answerable"]
    ]
    tutorial = tutorial_pipeline(assistant.settings.corpus_dir, assistant.embeddings)
    pipelines: dict[str, Any] = {
        "tutorial": lambda text: tutorial.search(text, k=5),
        "dense": lambda text: [
            d.page_content for d in assistant.retriever(5, filters, mode="dense").invoke(text)
        ],
        "bm25": lambda text: [
            d.page_content for d in assistant.retriever(5, filters, mode="keyword").invoke(text)
        ],
        "hybrid": lambda text: [
            d.page_content for d in assistant.retriever(5, filters).invoke(text)
        ],
        "askcases": lambda text: [
            p.text for p in assistant.ask(text, k=5, filters=filters).passages
        ],
    }
    table: dict[str, dict[str, float]] = {}
    for name, run in pipelines.items():
        rows, latencies = [], []
        for text, q in asked:
            started = time.perf_counter()
            passages = run(text)
            latencies.append((time.perf_counter() - started) * 1000)
            recall_5, rr = evidence_hits(q["evidence"], passages)
            recall_3, _ = evidence_hits(q["evidence"], passages[:3])
            rows.append((recall_3, recall_5, rr))
        table[name] = {
            "evidence_recall_at_3": mean([r[0] for r in rows]),
            "evidence_recall_at_5": mean([r[1] for r in rows]),
            "mrr": mean([r[2] for r in rows]),
            "latency_p50_ms": percentile(latencies, 50),
            "latency_p95_ms": percentile(latencies, 95),
        }
    return table


def format_comparison(table: dict[str, dict[str, float]]) -> str:
    columns = [
        "evidence_recall_at_3",
        "evidence_recall_at_5",
        "mrr",
        "latency_p50_ms",
        "latency_p95_ms",
    ]
    lines = [f"{'retriever':<10}" + "".join(f" {c:>21}" for c in columns)]
    for name, row in table.items():
        cells = [f"{row[c]:.1f}" if c.startswith("latency") else f"{row[c]:.3f}" for c in columns]
        lines.append(f"{name:<10}" + "".join(f" {v:>21}" for v in cells))
    return "\n".join(lines)


MATCHING = (
    "synonyms",
    "definitions",
    "spelling",
    "acronyms",
    "names",
    "measures",
    "forms",
    "standing",
    "places",
    "topics",
    "comparators",
    "context",
    "situation",
    "asks",
)
ABLATION_FIGURES = (
    "evidence_recall_at_5",
    "mrr",
    "fact_accuracy",
    "refusal_accuracy",
    "false_refusal_rate",
)


def ablation(
    assistant: Assistant, questions: list[dict[str, Any]], filters: Filters | None = None
) -> dict[str, dict[str, float]]:
    """The answer figures with every way of matching by meaning on, with each one off in turn,
    and with all of them off."""
    variants = {"all on": "", **{f"no {m}": m for m in MATCHING}, "all off": ",".join(MATCHING)}
    table: dict[str, dict[str, float]] = {}
    for name, off in variants.items():
        variant = Assistant(assistant.settings.replace(matching_off=off), assistant.embeddings)
        report = run_eval(variant, questions, progress=False, filters=filters)
        table[name] = {f: float(report[f]) for f in ABLATION_FIGURES}
    return table


def format_ablation(table: dict[str, dict[str, float]]) -> str:
    lines = [f"{'matching':<16}" + "".join(f" {c:>21}" for c in ABLATION_FIGURES)]
    for name, row in table.items():
        lines.append(f"{name:<16}" + "".join(f" {row[c]:>21.3f}" for c in ABLATION_FIGURES))
    return "\n".join(lines)
