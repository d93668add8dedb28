"""Filters from what a person types: a year, year-month or date for each bound, and document ids.

The Filters value itself, and what it admits, is in askcases.types; the dense and keyword stores
translate it into their own query languages from its `low`, `high` and `doc_ids`.
"""

from __future__ import annotations

import calendar
import re
from datetime import date

from askcases.errors import UsageError
from askcases.types import Filters


def parse_bound(text: str | None, *, end: bool) -> date | None:
    """A year, year-month or full date; as the first day (or, with end=True, the last) it covers."""
    if text is None or not text.strip():
        return None
    raw = text.strip()
    found = re.fullmatch(r"(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?", raw)
    if not found:
        raise UsageError(f"{raw!r} is not a year or date; use YYYY, YYYY-MM or YYYY-MM-DD")
    year, month, day = found.groups()
    try:
        if day:
            return date(int(year), int(month), int(day))
        if month:
            last = calendar.monthrange(int(year), int(month))[1]
            return date(int(year), int(month), last if end else 1)
        return date(int(year), 12, 31) if end else date(int(year), 1, 1)
    except ValueError:
        raise UsageError(f"{raw!r} is not a valid date") from None


def make_filters(
    since: str | None = None,
    until: str | None = None,
    doc_ids: list[str] | tuple[str, ...] = (),
    as_of: str | None = None,
) -> Filters:
    filters = Filters(
        parse_bound(since, end=False),
        parse_bound(until, end=True),
        tuple(sorted({d.strip() for d in doc_ids if d and d.strip()})),
        parse_bound(as_of, end=True),
    )
    if filters.as_of and filters.since and filters.since > filters.as_of:
        raise UsageError(f"--since {since} is after --as-of {as_of}")
    if filters.since and filters.until and filters.since > filters.until:
        raise UsageError(f"--since {since} is after --until {until}")
    return filters
