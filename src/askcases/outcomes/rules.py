"""The outcome rules, read from rules.json beside this file: what names each measure, how its
value is written, which way it goes, which service a sentence is about, and which questions ask
for outcomes.

The rules are data, so that a new measure is a new entry, not new code; `RULES_VERSION` is a hash
of that file and of the code that reads value forms, and an index whose outcomes table was
made by other rules extracts it again.
Leaves out: the forms of values themselves ("from X to Y", "N%", "£N"), which are in
askcases.outcomes.forms.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

RULES_FILE = Path(__file__).with_name("rules.json")
_RAW = RULES_FILE.read_bytes()
# The forms of values and the naming of measures are code (askcases.outcomes.forms and .extract):
# their source is hashed with the rules, so that a stored table made by other code is extracted
# again.
_SOURCES = (
    Path(__file__).with_name("forms.py"),
    Path(__file__).with_name("extract.py"),
    Path(__file__).parents[1] / "text" / "sentences.py",
    Path(__file__).parents[1] / "text" / "lexicon.py",
    Path(__file__).parents[1] / "text" / "claims.py",
    Path(__file__).parents[1] / "store" / "supersession.py",
)
# A package installed without its sources hashes their names: its table is extracted again only
# when the rules change.
_CODE = b"".join(p.read_bytes() if p.exists() else p.name.encode() for p in _SOURCES)
RULES_VERSION = hashlib.sha256(_CODE + b"\0" + _RAW).hexdigest()[:16]

ValueForm = Literal["from_to", "percent", "money", "within", "count"]


@dataclass(frozen=True)
class MeasureRule:
    measure: str
    named_by: re.Pattern[str]  # words in a sentence that say it reports this measure
    value: ValueForm
    direction: str | None  # fixed by the measure; None: read from the sentence's verbs
    counted: str = ""  # for "count": what follows the number ("avoided referrals")


@dataclass(frozen=True)
class MeaningRule:
    """A measure named by the words around a figure found by its form alone."""

    measure: str  # "{1}" stands for the first group of named_by ("cost per {1}")
    named_by: re.Pattern[str] | None  # cue words near the figure
    kinds: frozenset[str]  # the forms of figure it names (askcases.outcomes.forms.Kind)
    direction: str | None  # fixed by the measure; None: read from the figure and its verbs
    noun: re.Pattern[str] | None = None  # for a count: the noun phrase that names it
    values: str = ""  # "time": its figure is a length of time; "not_time": it cannot be one


@dataclass(frozen=True)
class Rules:
    decrease_words: re.Pattern[str]
    increase_words: re.Pattern[str]
    periods: re.Pattern[str]
    not_places: frozenset[str]
    measures: tuple[MeasureRule, ...]
    by_meaning: tuple[MeaningRule, ...]
    avoid_words: re.Pattern[str]
    services: tuple[tuple[str, re.Pattern[str]], ...]
    outcome_question: re.Pattern[str]
    question_measures: tuple[tuple[re.Pattern[str], tuple[str, ...]], ...]


def _pattern(text: str) -> re.Pattern[str]:
    return re.compile(text, re.I)


def _load() -> Rules:
    data = json.loads(_RAW.decode("utf-8"))
    return Rules(
        decrease_words=_pattern(data["decrease_words"]),
        increase_words=_pattern(data["increase_words"]),
        periods=_pattern(data["periods"]),
        not_places=frozenset(data["not_places"]),
        measures=tuple(
            MeasureRule(
                m["measure"],
                _pattern(m["named_by"]),
                m["value"],
                m["direction"],
                m.get("counted", ""),
            )
            for m in data["measures"]
        ),
        by_meaning=tuple(
            MeaningRule(
                m["measure"],
                _pattern(m["named_by"]) if m["named_by"] else None,
                frozenset(m["kinds"]),
                m["direction"],
                _pattern(m["noun"]) if m.get("noun") else None,
                m.get("values", ""),
            )
            for m in data["by_meaning"]
        ),
        avoid_words=_pattern(data["avoid_words"]),
        services=tuple((s["service"], _pattern(s["named_by"])) for s in data["services"]),
        outcome_question=_pattern(data["question"]["asks_for_outcomes"]),
        question_measures=tuple(
            (_pattern(q["asked_by"]), tuple(q["measures"])) for q in data["question"]["measures"]
        ),
    )


RULES = _load()
