"""Questions over the outcomes table: which measures a question asks about, a row's change in
words or as a percentage, and rows by measure, place and document.

Leaves out: extraction (askcases.outcomes.extract) and scoring against labels
(askcases.evaluation.outcomes).
"""

from __future__ import annotations

from askcases.outcomes.forms import days_of
from askcases.outcomes.rules import RULES
from askcases.types import Outcome

FIELDS = ("place", "service", "measure", "direction", "value", "before", "after", "period")


def outcome_measures(question: str) -> list[str]:
    """The measures a "which initiatives ..." question asks about (none: not such a question)."""
    if not RULES.outcome_question.search(question.strip()):
        return []
    found: list[str] = []
    for pattern, measures in RULES.question_measures:
        if pattern.search(question):
            found += [m for m in measures if m not in found]
    return found


def describe_change(row: Outcome) -> str:
    """The value as a person reads it: "56 days to 12 days", "up to £60,000"."""
    if row.before and row.after:
        return f"{row.before} to {row.after}"
    return f"{row.qualifier} {row.value}" if row.qualifier else row.value


def filter_outcomes(
    rows: list[Outcome],
    measure: str | None = None,
    place: str | None = None,
    doc_ids: tuple[str, ...] | list[str] = (),
    measures: list[str] | None = None,
) -> list[Outcome]:
    """Rows of that measure (or measures), in a place whose name holds `place`, in those docs."""
    wanted = {m.lower() for m in (measures or [])} | ({measure.lower()} if measure else set())
    return [
        r
        for r in rows
        if (not wanted or r.measure.lower() in wanted)
        and (not place or place.lower() in r.place.lower())
        and (not doc_ids or r.doc_id in doc_ids)
    ]


# Measures whose percentage is a change in the measure itself ("weight loss" is a share of people).
_CHANGES = {"emergency admissions", "hospital admissions", "hospital visits", "referrals"}


def change_percent(row: Outcome) -> float | None:
    """The reported change as a percentage (a reduction is negative), where one can be read."""
    if row.before and row.after:
        before, after = days_of(row.before), days_of(row.after)
        if before and after is not None:
            return round((after - before) / before * 100, 1)
        return None
    if row.value.endswith("%") and row.measure in _CHANGES and row.direction:
        size = float(row.value.rstrip("%").replace(",", ""))
        return -size if row.direction == "decrease" else size
    return None
