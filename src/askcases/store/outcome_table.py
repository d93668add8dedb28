"""The outcomes table of an index (index/outcomes.json): every quantified outcome of the indexed
articles, with the version of the rules that extracted them.

Rows are stored as JSON objects (the Outcome fields); a table made by other rules is extracted
again at the next index run. Leaves out: extraction itself (askcases.outcomes).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from askcases.files import atomic_write_text
from askcases.outcomes.extract import extract_outcomes
from askcases.outcomes.rules import RULES_VERSION
from askcases.types import Article

OUTCOMES = "outcomes.json"
FORMAT = "askcases-outcomes/1"

OutcomeRow = dict[str, Any]  # an Outcome as stored


def article_rows(article: Article) -> list[OutcomeRow]:
    """The outcome rows of one article, in text order."""
    rows = [o.to_json() for o in extract_outcomes(article)]
    rows.sort(key=lambda r: (r["start"], r["measure"]))
    return rows


def read_rows(index_dir: Path, current_rules: bool = False) -> dict[str, list[OutcomeRow]] | None:
    """doc_id -> outcome rows; None when there is no table (or, with `current_rules`, when it was
    made by other extraction rules)."""
    path = index_dir / OUTCOMES
    try:
        table = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if table.get("format") != FORMAT:
        return None
    if current_rules and table.get("rules") != RULES_VERSION:
        return None
    rows: dict[str, list[OutcomeRow]] = {}
    for row in table.get("rows", []):
        rows.setdefault(row["doc_id"], []).append(row)
    return rows


def write_rows(index_dir: Path, rows: list[OutcomeRow]) -> None:
    """Replace the table atomically with these rows (in document order)."""
    table = {"format": FORMAT, "rules": RULES_VERSION, "rows": rows}
    atomic_write_text(
        index_dir / OUTCOMES, json.dumps(table, ensure_ascii=False, separators=(",", ":"))
    )
