"""A "which initiatives reduced ...?" question answered from the outcomes table: one line per
outcome, each quoting and citing the sentence that reports it.

Leaves out: extraction (askcases.outcomes.extract); the answer is verified like any other.
"""

from __future__ import annotations

import re

from askcases.outcomes.queries import describe_change, filter_outcomes, outcome_measures
from askcases.text.markers import defuse_markers
from askcases.types import Answer, Citation, Filters, Outcome, Passage


def asks_for_outcomes(question: str) -> list[str]:
    """The measures the question asks about; none when it is no outcomes question."""
    return outcome_measures(question)


def _names_row(row: Outcome, names: tuple[str, ...]) -> bool:
    """Whether the outcome's place, article or sentence names one of these names."""
    where = f"{row.place} {row.title} {row.doc_id.replace('-', ' ')} {row.sentence}"
    return any(re.search(rf"\b{re.escape(name)}\b", where, re.I) for name in names)


def outcomes_answer(
    question: str,
    measures: list[str],
    outcomes: list[Outcome],
    filters: Filters | None,
    names: tuple[str, ...] = (),
) -> Answer | None:
    """Every outcome of those measures inside the filters, grouped by the sentence that reports
    them; None when the table has none. A question that names places or bodies ("what savings
    did Cressingham make") is answered by their outcomes only, and by none from the table when
    it has none of theirs."""
    rows = filter_outcomes(outcomes, measures=measures)
    if filters is not None:
        rows = [r for r in rows if filters.admits(r.doc_id, r.date)]
    named = tuple(n for n in names if not n.isdigit())
    if named:
        rows = [r for r in rows if _names_row(r, named)]
    if not rows:
        return None
    by_sentence: dict[tuple[str, int], list[Outcome]] = {}
    for row in rows:
        by_sentence.setdefault((row.doc_id, row.start), []).append(row)
    citations, passages, lines = [], [], []
    for n, group in enumerate(by_sentence.values(), start=1):
        first = group[0]
        changes = "; ".join(
            f"{r.measure} {describe_change(r)}{' ' + r.period if r.period else ''}"
            f"{' (projected)' if r.status == 'projected' else ''}"
            for r in group
        )
        lines.append(f"{first.place} ({changes}): {defuse_markers(first.sentence)} [{n}]")
        citation = Citation(
            n,
            first.doc_id,
            first.title,
            first.date,
            first.sentence,
            first.start,
            first.end,
            n,
            first.status,
            first.qualifier,
            first.reported_by,
        )
        citations.append(citation)
        # the sentence is its own passage, so that grounding checks the line against it
        c = citation
        passages.append(
            Passage(
                n, f"{c.doc_id}@{c.start}", c.doc_id, c.title, c.date, c.quote, c.start, c.end, 1.0
            )
        )
    return Answer(
        question,
        "\n".join(lines),
        False,
        citations,
        passages,
        answer_type="outcomes",
        measures=tuple(measures),
    )
