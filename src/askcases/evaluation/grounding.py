"""The grounding verifier checked on labelled (sentence, passage, supported) pairs
(eval/grounding_pairs.jsonl), and its threshold fitted on their tuning part.

Leaves out: the verifier itself (askcases.qa.grounding).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from askcases.config import project_root
from askcases.errors import UsageError
from askcases.evaluation.splits import split_of
from askcases.files import read_jsonl, write_json
from askcases.qa.grounding import FORMAT, GroundingVerifier, unsupported_amounts
from askcases.qa.weights import GROUNDING


def load_pairs(path: Path) -> list[dict[str, Any]]:
    """Labelled (sentence, passage, supported) pairs, one JSON object a line."""
    rows = []
    for number, row in read_jsonl(path):
        if not {"id", "sentence", "passage", "supported"} <= row.keys():
            raise UsageError(f"{path}:{number}: a pair needs id, sentence, passage and supported")
        rows.append(row)
    return rows


def pair_verdicts(
    verifier: GroundingVerifier, pairs: list[dict[str, Any]]
) -> list[tuple[float, bool]]:
    """(support score, numbers all found) for each pair."""
    return [
        (
            verifier.support(p["sentence"], p["passage"]),
            not unsupported_amounts(p["sentence"], [p["passage"]]),
        )
        for p in pairs
    ]


def pair_accuracy(
    verdicts: list[tuple[float, bool]], labels: list[bool], threshold: float
) -> float:
    hits = [
        ((score >= threshold) and numbers_ok) == label
        for (score, numbers_ok), label in zip(verdicts, labels, strict=True)
    ]
    return sum(hits) / len(hits) if hits else 0.0


def fit_threshold(verdicts: list[tuple[float, bool]], labels: list[bool]) -> float:
    """The cut-off that classifies the pairs best (the middle of the best run of cut-offs)."""
    scores = sorted({round(s, 4) for s, _ in verdicts})
    cuts = [(a + b) / 2 for a, b in zip(scores, scores[1:], strict=False)] or [
        GROUNDING.default_threshold
    ]
    results = [(pair_accuracy(verdicts, labels, c), c) for c in cuts]
    best = max(acc for acc, _ in results)
    winners = [c for acc, c in results if acc == best]
    return round(winners[len(winners) // 2], 4)


def save_threshold(threshold: float, fitted_on: str, path: Path) -> None:
    data = {"format": FORMAT, "threshold": threshold, "fitted_on": fitted_on}
    write_json(path, data)


def default_pairs_file() -> Path:
    return project_root() / "eval" / "grounding_pairs.jsonl"


def grounding_check(
    verifier: GroundingVerifier, pairs_file: Path, save_to: Path | None = None
) -> dict[str, Any]:
    """Accuracy of the grounding verifier on labelled pairs, tuning and held-out parts apart;
    with `save_to`, the threshold is first refitted on the tuning part and saved there."""
    pairs = load_pairs(pairs_file)
    verdicts = pair_verdicts(verifier, pairs)
    labels = [bool(p["supported"]) for p in pairs]
    parts = {
        name: [i for i, p in enumerate(pairs) if split_of(p["id"]) == name]
        for name in ("tuning", "held_out")
    }
    if save_to is not None:
        tuning = parts["tuning"]
        verifier.threshold = fit_threshold(
            [verdicts[i] for i in tuning], [labels[i] for i in tuning]
        )
        save_threshold(verifier.threshold, f"{len(tuning)} tuning pairs of {len(pairs)}", save_to)
    result: dict[str, Any] = {"threshold": verifier.threshold, "n_pairs": len(pairs)}
    for name, idx in parts.items():
        result[f"{name}_accuracy"] = pair_accuracy(
            [verdicts[i] for i in idx], [labels[i] for i in idx], verifier.threshold
        )
        result[f"{name}_pairs"] = len(idx)
    result["accuracy"] = pair_accuracy(verdicts, labels, verifier.threshold)
    return result
