"""The outcomes table scored against hand-labelled outcomes (eval/outcomes.jsonl): precision and
recall of whole rows, of figures (the labelled value found in the labelled sentence, whatever its
place and measure are called) and of each field.

Leaves out: extraction itself (askcases.outcomes).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from askcases.errors import UsageError
from askcases.files import read_jsonl
from askcases.outcomes.forms import normalise_value
from askcases.outcomes.queries import FIELDS
from askcases.types import Outcome

ROW_KEY = ("doc_id", "place", "measure", "value")


_HEDGES = re.compile(
    r"^(?:(?:about|around|roughly|approximately|approx\.?|nearly|almost|just|over|under|below|"
    r"above|more than|less than|fewer than|up to|at least|at most|another|some|an estimated|"
    r"estimated|an average of|on average|c\.|~)\s*)+"
)
_TAILS = re.compile(
    r"(?:\s+(?:(?:a|an|per|each|every) (?:year|annum|month|week|day|quarter)|lower|higher|fewer|"
    r"more|less|or (?:less|more|fewer|lower|higher|above|below)|in total|overall|wte|"
    r"over (?:\S+ )?(?:years|months))+)+$"
)


# A change written as a fraction ("down by a quarter", "rose by a third") is that share.
_FRACTIONS = {
    "a quarter": "25%",
    "one quarter": "25%",
    "a third": "33%",
    "one third": "33%",
    "half": "50%",
    "a half": "50%",
    "one half": "50%",
    "two thirds": "67%",
    "three quarters": "75%",
}

_UNITS = (
    r"million|billion|minutes?|hours?|days?|weeks?|months?|years?|working|calendar|miles?|km|"
    r"per|in|of|%"
)


def value_key(value: Any) -> str:
    """One written form of a value for comparison, the way staff would read two values as the
    same figure: hedges and a per-period rate aside (the qualifier and period are scored on their
    own), numbers in words read ("about thirty percent" = "30%", "eleven" = "11", "six hundred
    thousand pounds" = "£600,000", "£87,000 a year" = "£87,000", "by a quarter" = "25%")."""
    text = _fold(value).replace("**", "")
    hedged = _HEDGES.sub("", text.removeprefix("by ")).strip()
    if hedged in _FRACTIONS:  # before the tails: "a quarter" alone is a share, not per quarter
        return _FRACTIONS[hedged]
    text = _TAILS.sub("", _HEDGES.sub("", text)).strip()
    if pounds := re.fullmatch(r"(.+?) pounds", text):
        return "£" + normalise_value(pounds.group(1))
    counted = re.fullmatch(r"(£?[\d,.]+(?: million| billion)?)((?: [a-z][\w'-]*)+)", text)
    if counted and not re.match(rf" (?:{_UNITS})\b", counted.group(2)):
        return normalise_value(counted.group(1))  # "380 journeys" = "380"
    if share := re.fullmatch(r"(\S+) in (?:every )?(\S+)", text):  # "one in five" = "1 in 5"
        return f"{normalise_value(share.group(1))} in {normalise_value(share.group(2))}"
    read = normalise_value(text)
    counted = re.fullmatch(r"([\d,.]+)((?: [a-z][\w'-]*)+)", read)
    if counted and not re.match(rf" (?:{_UNITS})\b", counted.group(2)):
        return counted.group(1)  # "six audiologists" = "6"
    return read


def _key(field: str, value: Any) -> str:
    return value_key(value) if field in ("value", "before", "after") else _fold(value)


def _evidence(text: Any) -> str:
    """A label's evidence as it is found in a sentence: list marks and bold marks aside."""
    return re.sub(r"^(?:[-*•]|\d+\.)\s+", "", _fold(text).replace("**", ""))


def _fold(value: Any) -> str:
    """Whitespace- and case-folded, a table's cell bars aside."""
    return " ".join(str(value or "").replace("|", " ").lower().split())


def score_outcomes(outcomes: list[Outcome], gold: list[dict[str, Any]]) -> dict[str, Any]:
    """Precision and recall of extracted rows against labelled ones.

    A whole row matches when document, place, measure and value match (each gold row once). A
    figure matches when an extracted row's sentence holds a gold row's evidence and their values
    are equal, whatever the row names its place and measure: the result was found, and the
    fields say how well it was described. For each field, an extracted row is paired with the
    gold row whose evidence lies in its sentence (and, among several, the one agreeing on most
    fields); the field counts as right when equal.
    """
    predicted = [o.to_json() for o in outcomes]
    unmatched = list(range(len(gold)))
    rows_right = 0
    for row in predicted:
        key = tuple(_key(f, row[f]) for f in ROW_KEY)
        hit = next(
            (i for i in unmatched if tuple(_key(f, gold[i][f]) for f in ROW_KEY) == key), None
        )
        if hit is not None:
            unmatched.remove(hit)
            rows_right += 1
    figures_right = 0
    open_gold = list(range(len(gold)))
    for row in predicted:
        sentence, value = _fold(row["sentence"]).replace("**", ""), value_key(row["value"])
        hit = next(
            (
                i
                for i in open_gold
                if gold[i]["doc_id"] == row["doc_id"]
                and value_key(gold[i]["value"]) == value
                and _evidence(gold[i]["evidence"]) in sentence
            ),
            None,
        )
        if hit is not None:
            open_gold.remove(hit)
            figures_right += 1
    standing = _standing(predicted, gold)
    fields_right = dict.fromkeys(FIELDS, 0)
    free = list(range(len(gold)))
    for row in predicted:
        sentence = _fold(row["sentence"]).replace("**", "")
        pairs = [
            i
            for i in free
            if gold[i]["doc_id"] == row["doc_id"] and _evidence(gold[i]["evidence"]) in sentence
        ]
        if not pairs:
            continue
        best = max(pairs, key=lambda i: sum(_key(f, gold[i][f]) == _key(f, row[f]) for f in FIELDS))
        free.remove(best)
        for f in FIELDS:
            fields_right[f] += _key(f, gold[best][f]) == _key(f, row[f])
    n_pred, n_gold = len(predicted), len(gold)
    return {
        "rows": {
            "precision": rows_right / n_pred if n_pred else 0.0,
            "recall": rows_right / n_gold if n_gold else 0.0,
            "extracted": n_pred,
            "labelled": n_gold,
            "matched": rows_right,
        },
        "figures": {
            "precision": figures_right / n_pred if n_pred else 0.0,
            "recall": figures_right / n_gold if n_gold else 0.0,
            "matched": figures_right,
        },
        "fields": {
            f: {"precision": c / n_pred if n_pred else 0.0, "recall": c / n_gold if n_gold else 0.0}
            for f, c in fields_right.items()
        },
        "standing": standing,
    }


def _standing(predicted: list[dict[str, Any]], gold: list[dict[str, Any]]) -> dict[str, Any]:
    """Claim status and qualifier of each extracted figure against its label (rows labelled
    with a status only): accuracy of each, and projections shown as achieved."""
    labelled = [g for g in gold if g.get("status")]
    pairs = []
    free = list(range(len(labelled)))
    for row in predicted:
        sentence, value = _fold(row["sentence"]).replace("**", ""), value_key(row["value"])
        hit = next(
            (
                i
                for i in free
                if labelled[i]["doc_id"] == row["doc_id"]
                and value_key(labelled[i]["value"]) == value
                and _evidence(labelled[i]["evidence"]) in sentence
            ),
            None,
        )
        if hit is not None:
            free.remove(hit)
            pairs.append((row, labelled[hit]))
    status_right = sum(r.get("status", "achieved") == g["status"] for r, g in pairs)
    qualifier_right = sum(_fold(r.get("qualifier")) == _fold(g.get("qualifier")) for r, g in pairs)
    shown_achieved = [
        g["evidence"]
        for r, g in pairs
        if g["status"] == "projected" and r.get("status") != "projected"
    ]
    return {
        "labelled": len(labelled),
        "compared": len(pairs),
        "status_accuracy": status_right / len(pairs) if pairs else 0.0,
        "qualifier_accuracy": qualifier_right / len(pairs) if pairs else 0.0,
        "projected_shown_as_achieved": len(shown_achieved),
        "projected_shown_as_achieved_evidence": shown_achieved,
    }


def load_gold(path: Path) -> list[dict[str, Any]]:
    """Labelled outcomes, one JSON object a line (see eval/outcomes.jsonl)."""
    rows = []
    for number, row in read_jsonl(path):
        missing = {"doc_id", "evidence", *FIELDS} - row.keys()
        if missing:
            raise UsageError(f"{path}:{number}: missing {', '.join(sorted(missing))}")
        if not str(row["evidence"]).strip():
            raise UsageError(f"{path}:{number}: evidence is empty; quote the words that report it")
        rows.append(row)
    return rows


def format_scores(scores: dict[str, Any]) -> str:
    rows = scores["rows"]
    lines = [
        f"rows: precision {rows['precision']:.3f}, recall {rows['recall']:.3f} "
        f"({rows['matched']} matched; {rows['extracted']} extracted, {rows['labelled']} labelled)",
        f"figures (right value from the right sentence): precision "
        f"{scores['figures']['precision']:.3f}, recall {scores['figures']['recall']:.3f} "
        f"({scores['figures']['matched']} matched)",
        f"{'field':<10} {'precision':>9} {'recall':>7}",
    ]
    for name, f in scores["fields"].items():
        lines.append(f"{name:<10} {f['precision']:>9.3f} {f['recall']:>7.3f}")
    standing = scores.get("standing") or {}
    if standing.get("compared"):
        lines.append(
            f"claim status accuracy {standing['status_accuracy']:.3f}, qualifier accuracy "
            f"{standing['qualifier_accuracy']:.3f} ({standing['compared']} figures of "
            f"{standing['labelled']} labelled); projections shown as achieved: "
            f"{standing['projected_shown_as_achieved']}"
        )
        for evidence in standing["projected_shown_as_achieved_evidence"]:
            lines.append(f"  shown as achieved: {evidence}")
    return "\n".join(lines)


def check_outcome_thresholds(scores: dict[str, Any], thresholds_file: Path) -> None:
    """EvalGateError naming every figure outside its bound; figures are dotted paths into the
    scores ("standing.status_accuracy": {"min": 0.95})."""
    from askcases.evaluation.questions import check_bounds

    def value_of(name: str) -> Any:
        value: Any = scores
        for part in name.split("."):
            if not isinstance(value, dict) or part not in value:
                return None
            value = value[part]
        return value

    check_bounds(thresholds_file, value_of, "outcomes")
