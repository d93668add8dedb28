"""Filters on what a question may be answered from: publication date range and document ids."""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass, field
from datetime import date

from askcases.errors import UsageError


@dataclass(frozen=True)
class Filters:
    since: date | None = None  # published on or after
    until: date | None = None  # published on or before
    doc_ids: tuple[str, ...] = field(default_factory=tuple)

    @property
    def active(self) -> bool:
        return bool(self.since or self.until or self.doc_ids)

    def describe(self) -> str:
        parts = []
        if self.since and self.until:
            parts.append(f"published {self.since.isoformat()} to {self.until.isoformat()}")
        elif self.since:
            parts.append(f"published on or after {self.since.isoformat()}")
        elif self.until:
            parts.append(f"published on or before {self.until.isoformat()}")
        if self.doc_ids:
            parts.append("in " + ", ".join(self.doc_ids))
        return "; ".join(parts)


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
    since: str | None = None, until: str | None = None, doc_ids: list[str] | tuple[str, ...] = ()
) -> Filters:
    filters = Filters(
        parse_bound(since, end=False),
        parse_bound(until, end=True),
        tuple(sorted({d.strip() for d in doc_ids if d and d.strip()})),
    )
    if filters.since and filters.until and filters.since > filters.until:
        raise UsageError(f"--since {since} is after --until {until}")
    return filters


def date_number(value: date | str | None) -> int:
    """A date as the integer yyyymmdd (0 for none), the form the index filters on."""
    if value is None or value == "":
        return 0
    text = value.isoformat() if isinstance(value, date) else value
    return int(text.replace("-", ""))
