"""A "which initiatives reduced ...?" question answered from the outcomes table: one line per
outcome, each quoting and citing the sentence that reports it.

Leaves out: extraction (askcases.outcomes.extract); the answer is verified like any other.
"""

from __future__ import annotations

from askcases.outcomes.queries import describe_change, filter_outcomes, outcome_measures
from askcases.text.markers import defuse_markers
from askcases.types import Answer, Citation, Filters, Outcome, Passage


def asks_for_outcomes(question: str) -> list[str]:
    """The measures the question asks about; none when it is no outcomes question."""
    return outcome_measures(question)


def outcomes_answer(
    question: str, measures: list[str], outcomes: list[Outcome], filters: Filters | None
) -> Answer | None:
    """Every outcome of those measures inside the filters, grouped by the sentence that reports
    them; None when the table has none."""
    rows = filter_outcomes(outcomes, measures=measures)
    if filters is not None:
        rows = [r for r in rows if filters.admits(r.doc_id, r.date)]
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
