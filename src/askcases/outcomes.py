"""Every quantified outcome in the corpus, as rows: place, service, measure, direction, value,
before and after, period, and the span of the sentence that reports it.

Rules over the articles' own forms, no LLM: "decreased by 70 per cent", "from 56 days to 12
days", "nearly a 40% reduction", "save ... up to £60,000 a year", "400 patients every month",
"from up to nine months to as little as three weeks". A sentence gives one row per measure it
reports. Leaves out: figures in headlines, and figures that describe no service (dates, ages).
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from askcases.chunking import sentence_spans
from askcases.documents import Article
from askcases.errors import UsageError
from askcases.jsonl import read_jsonl
from askcases.questions import NUMBER_VALUES

# Outcome rows stored by an index are extracted again when these rules change.
RULES_VERSION = hashlib.sha256(Path(__file__).read_bytes()).hexdigest()[:16]
_NUMBER_WORDS = {word: value for word, value in NUMBER_VALUES.items() if value <= 12}
_NUM = r"(?:\d[\d,]*(?:\.\d+)?(?:\s(?:million|billion))?|" + "|".join(_NUMBER_WORDS) + r")"
_TIME_UNIT = r"(?:hours?|days?|weeks?|months?|years?)"
FROM_TO = re.compile(
    rf"from (?:up to |around |about )?(?P<before>{_NUM}) ?(?P<bunit>{_TIME_UNIT})? to "
    rf"(?:as little as |just |around |about )?(?P<after>{_NUM}) ?(?P<aunit>{_TIME_UNIT})",
    re.I,
)
PERCENT = re.compile(rf"(?P<v>{_NUM})(?:%| per cent)", re.I)
MONEY = re.compile(r"£(?P<v>\d[\d,]*(?:\.\d+)?)(?: (?P<scale>million|billion))?", re.I)
WITHIN = re.compile(rf"within (?P<v>{_NUM}) (?P<unit>{_TIME_UNIT})", re.I)
PERIOD = re.compile(
    r"\b(?:a|per|every|each) (?:year|month|week)\b|\bover (?:a six month period|the last year|"
    r"four years)\b",
    re.I,
)


def _count(pattern: str) -> re.Pattern[str]:
    return re.compile(rf"(?<![£\d.,])(?:over |around |nearly )?(?P<v>{_NUM}) {pattern}", re.I)


# (measure, words that name it, how its value is written, its direction when fixed)
MEASURES: list[tuple[str, re.Pattern[str], str | re.Pattern[str], str | None]] = [
    ("hospital stay", re.compile(r"\bhospital stays?\b", re.I), "from_to", "decrease"),
    ("waiting time", re.compile(r"\bwaiting times?\b", re.I), "from_to", "decrease"),
    ("cost saving", re.compile(r"\bsav(?:e|es|ed|ing)\b", re.I), "money", "decrease"),
    ("funding", re.compile(r"\bfunding\b", re.I), "money", "increase"),
    (
        "emergency admissions",
        re.compile(r"\bemergency\b.*\badmi|\badmitted\b.*\bemergency\b", re.I),
        "percent",
        None,
    ),
    ("hospital admissions", re.compile(r"\battendances and admissions\b", re.I), "percent", None),
    ("hospital visits", re.compile(r"\bhospital visits\b", re.I), "percent", None),
    ("referrals", re.compile(r"\breferrals by\b", re.I), "percent", None),
    ("weight loss", re.compile(r"\bbody weight\b", re.I), "percent", "decrease"),
    ("population covered", re.compile(r"\bof the population\b", re.I), "percent", ""),
    ("response time", re.compile(r"\bget back to patients\b", re.I), "within", ""),
    (
        "referrals avoided",
        re.compile(r"\bavoided referrals\b", re.I),
        _count(r"avoided referrals"),
        "decrease",
    ),
    ("referrals", re.compile(r"\bnew referrals\b", re.I), _count(r"new referrals"), ""),
    (
        "patients seen",
        re.compile(r"\b(?:a|every) month\b", re.I),
        _count(r"(?:women|patients) (?:a|every) month"),
        "",
    ),
    (
        "patients benefiting",
        re.compile(r"\bat every practice\b", re.I),
        _count(r"patients at every practice"),
        "",
    ),
    ("people reached", re.compile(r"\bmillion people\b", re.I), _count(r"people"), ""),
    (
        "GP pathfinder groups",
        re.compile(r"\bgroups of GP practices\b", re.I),
        _count(r"groups of GP practices"),
        "",
    ),
    (
        "treatment centres",
        re.compile(r"\btreatment centres\b", re.I),
        _count(r"specialist treatment centres"),
        "",
    ),
    ("bloods taken", re.compile(r"\bbloods taken\b", re.I), _count(r"bloods taken"), ""),
    (
        "patients",
        re.compile(r"\bdiabetics\b|\bpatients with diabetes\b", re.I),
        _count(r"(?:patients with diabetes|diabetics)"),
        "",
    ),
    ("new patients", re.compile(r"\bnew patients\b", re.I), _count(r"new patients"), ""),
]
SERVICES: list[tuple[str, re.Pattern[str]]] = [
    ("stroke", re.compile(r"\bstroke\b", re.I)),
    ("respiratory", re.compile(r"\brespiratory\b", re.I)),
    ("DVT", re.compile(r"\bDVT\b|\bdeep vein thrombosis\b", re.I)),
    ("diabetes", re.compile(r"\bdiabet", re.I)),
    ("heart disease", re.compile(r"\bheart\b|\bcoronary\b", re.I)),
    ("phlebotomy", re.compile(r"\bbloods?\b|\bphlebotomy\b", re.I)),
    ("gynaecology", re.compile(r"\bgynaecolog", re.I)),
    ("care homes", re.compile(r"\bcare home", re.I)),
    ("weight management", re.compile(r"\bweight\b|\bfitness\b", re.I)),
    ("outpatients", re.compile(r"\boutpatient", re.I)),
    ("community services", re.compile(r"\bcommunity services\b|\brapid response\b", re.I)),
    ("commissioning", re.compile(r"\bcommission|\bpathfinder|\bGP practices\b", re.I)),
    ("NHS funding", re.compile(r"\bfunding\b", re.I)),
]
_FIGURE = re.compile(r"£?\d[\d,.]*")
_DECREASE = re.compile(r"\b(?:reduc|decreas|cut|fall|fell|lower|avoid|declin|down|los)", re.I)
_INCREASE = re.compile(r"\b(?:increas|rose|rise|more|extra|grow)", re.I)
_PLACE = re.compile(
    r"\b(?:[Ii]n|[Aa]cross) (?P<a>(?:[A-Z][a-z]+(?:,? (?:and |& )?|&| )?){1,6})"
    r"|(?P<b>(?:[A-Z][a-z]+(?:,? | and | & )){0,5}[A-Z][a-z]+) Clinical Commissioning Group"
    r"|(?:North |South |East |West )?(?P<c>[A-Z][a-z]+) (?:Hospitals? |University )*(?:NHS )?"
    r"(?:Trust|Hospital)\b"
)
_NOT_PLACES = {"May", "Commissioning", "Clinical", "England", "The", "General", "Weston"}


@dataclass(frozen=True)
class Outcome:
    doc_id: str
    place: str
    service: str
    measure: str
    direction: str  # decrease | increase | "" (a level, not a change)
    value: str  # the headline figure as the article writes it, normalised ("70%", "£700,000")
    before: str
    after: str
    period: str
    start: int  # the reporting sentence, as offsets into the article's cleaned text
    end: int
    sentence: str
    title: str
    date: str | None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def normalise_value(text: str) -> str:
    """One written form per value: "70 per cent" -> "70%", "eight" -> "8", "nine months" ->
    "9 months", "£700,000" stays."""
    text = " ".join(text.split()).strip(" .,")
    text = re.sub(r"\s?per cent$", "%", text, flags=re.I)
    words = text.split(" ")
    if words[0].lower() in _NUMBER_WORDS:
        words[0] = str(_NUMBER_WORDS[words[0].lower()])
    return " ".join(words)


def find_place(sentence: str, paragraph: str, article: Article) -> str:
    """The place a sentence reports on: named in it, else earlier in its paragraph, else in the
    article's title or opening, else England."""
    for text in (sentence, paragraph, article.title, article.text[:1200]):
        for found in _PLACE.finditer(text):
            raw = found.group("a") or found.group("b") or found.group("c") or ""
            words = raw.strip(" ,").split(" ")
            while words and words[0] == "The":
                words.pop(0)
            while words and words[-1] in ("and", "&", "the"):
                words.pop()
            place = " ".join(words).strip(" ,")
            if place and place.split(" ")[0] not in _NOT_PLACES:
                return place
    return "England"


def _service(sentence: str, article: Article) -> str:
    for text in (sentence, article.title + " " + article.text[:600]):
        for name, pattern in SERVICES:
            if pattern.search(text):
                return name
    return ""


def _value(how: str | re.Pattern[str], sentence: str) -> tuple[str, str, str, int] | None:
    """(value, before, after, where it starts) of the first figure written that way."""
    if isinstance(how, re.Pattern):
        m = how.search(sentence)
        return (normalise_value(m.group("v")), "", "", m.start("v")) if m else None
    if how == "from_to" and (m := FROM_TO.search(sentence)):
        bunit = m.group("bunit") or m.group("aunit")
        before = normalise_value(f"{m.group('before')} {bunit}")
        after = normalise_value(f"{m.group('after')} {m.group('aunit')}")
        return after, before, after, m.start("after")
    if how == "percent" and (m := PERCENT.search(sentence)):
        return normalise_value(m.group(0)), "", "", m.start()
    if how == "money" and (m := MONEY.search(sentence)):
        return normalise_value(m.group(0)), "", "", m.start()
    if how == "within" and (m := WITHIN.search(sentence)):
        return normalise_value(f"{m.group('v')} {m.group('unit')}"), "", "", m.start()
    return None


def extract_outcomes(article: Article) -> list[Outcome]:
    """The quantified outcomes an article reports, in text order."""
    rows: list[Outcome] = []
    text = article.text
    for start, end in sentence_spans(text):
        if start == 0:
            continue  # the headline restates the body
        sentence = text[start:end]
        paragraph = text[text.rfind("\n", 0, start) + 1 : start]
        used: set[str] = set()
        for measure, names, how, fixed in MEASURES:
            if not names.search(sentence):
                continue
            found = _value(how, sentence)
            if found is None or f"{measure}|{found[0]}" in used or found[0] in used:
                continue
            value, before, after, value_start = found
            used.update({value, f"{measure}|{value}"})
            if fixed is not None:
                direction = fixed
            elif _DECREASE.search(sentence):
                direction = "decrease"
            else:
                direction = "increase" if _INCREASE.search(sentence) else ""
            # A period belongs to the figure before it: look up to the next figure.
            later = _FIGURE.search(sentence, value_start + len(value) + 1)
            period = PERIOD.search(sentence, value_start, later.start() if later else len(sentence))
            rows.append(
                Outcome(
                    doc_id=article.doc_id,
                    place=find_place(sentence, paragraph, article),
                    service=_service(sentence, article),
                    measure=measure,
                    direction=direction,
                    value=value,
                    before=before,
                    after=after,
                    period=period.group(0).lower() if period else "",
                    start=start,
                    end=end,
                    sentence=sentence,
                    title=article.title,
                    date=article.date,
                )
            )
    return rows


ROW_KEY = ("doc_id", "place", "measure", "value")
FIELDS = ("place", "service", "measure", "direction", "value", "before", "after", "period")


def _fold(value: Any) -> str:
    return " ".join(str(value or "").lower().split())


def score_outcomes(predicted: list[dict[str, Any]], gold: list[dict[str, Any]]) -> dict[str, Any]:
    """Precision and recall of extracted rows against labelled ones.

    A whole row matches when document, place, measure and value match (each gold row once). For
    each field, an extracted row is paired with the gold row whose evidence lies in its sentence
    (and, among several, the one agreeing on most fields); the field counts as right when equal.
    """
    unmatched = list(range(len(gold)))
    rows_right = 0
    for row in predicted:
        key = tuple(_fold(row[f]) for f in ROW_KEY)
        hit = next((i for i in unmatched if tuple(_fold(gold[i][f]) for f in ROW_KEY) == key), None)
        if hit is not None:
            unmatched.remove(hit)
            rows_right += 1
    fields_right = dict.fromkeys(FIELDS, 0)
    free = list(range(len(gold)))
    for row in predicted:
        sentence = _fold(row["sentence"])
        pairs = [
            i
            for i in free
            if gold[i]["doc_id"] == row["doc_id"] and _fold(gold[i]["evidence"]) in sentence
        ]
        if not pairs:
            continue
        best = max(pairs, key=lambda i: sum(_fold(gold[i][f]) == _fold(row[f]) for f in FIELDS))
        free.remove(best)
        for f in FIELDS:
            fields_right[f] += _fold(gold[best][f]) == _fold(row[f])
    n_pred, n_gold = len(predicted), len(gold)
    return {
        "rows": {
            "precision": rows_right / n_pred if n_pred else 0.0,
            "recall": rows_right / n_gold if n_gold else 0.0,
            "extracted": n_pred,
            "labelled": n_gold,
            "matched": rows_right,
        },
        "fields": {
            f: {"precision": c / n_pred if n_pred else 0.0, "recall": c / n_gold if n_gold else 0.0}
            for f, c in fields_right.items()
        },
    }


_OUTCOME_QUESTION = re.compile(
    r"^(?:which|what)\s+(?:\w+\s+)?(?:initiatives|schemes|services|areas|places|ccgs|groups|"
    r"savings|outcomes|results|reductions|improvements)\b|\bwhat savings\b|\blist (?:the )?"
    r"(?:outcomes|savings|results)\b",
    re.I,
)
# words in a question -> the measures they ask about
QUESTION_MEASURES: list[tuple[re.Pattern[str], tuple[str, ...]]] = [
    (re.compile(r"\bstays?\b|\blength of stay\b", re.I), ("hospital stay",)),
    (re.compile(r"\badmissions?\b", re.I), ("emergency admissions", "hospital admissions")),
    (re.compile(r"\bvisits?\b|\battendances?\b", re.I), ("hospital visits", "hospital admissions")),
    (re.compile(r"\bsav(?:e|ed|ing|ings)\b|\bcosts?\b|\bmoney\b", re.I), ("cost saving",)),
    (re.compile(r"\bwait", re.I), ("waiting time",)),
    (re.compile(r"\breferrals?\b", re.I), ("referrals", "referrals avoided")),
    (re.compile(r"\bweight\b", re.I), ("weight loss",)),
    (re.compile(r"\bfunding\b", re.I), ("funding",)),
]


def outcome_measures(question: str) -> list[str]:
    """The measures a "which initiatives ..." question asks about (none: not such a question)."""
    if not _OUTCOME_QUESTION.search(question.strip()):
        return []
    found: list[str] = []
    for pattern, measures in QUESTION_MEASURES:
        if pattern.search(question):
            found += [m for m in measures if m not in found]
    return found


def describe_change(row: dict[str, Any]) -> str:
    if row["before"] and row["after"]:
        return f"{row['before']} to {row['after']}"
    return row["value"]


def filter_outcomes(
    rows: list[dict[str, Any]],
    measure: str | None = None,
    place: str | None = None,
    doc_ids: tuple[str, ...] | list[str] = (),
    measures: list[str] | None = None,
) -> list[dict[str, Any]]:
    """Rows of that measure (or measures), in a place whose name holds `place`, in those docs."""
    wanted = {m.lower() for m in (measures or [])} | ({measure.lower()} if measure else set())
    return [
        r
        for r in rows
        if (not wanted or r["measure"].lower() in wanted)
        and (not place or place.lower() in r["place"].lower())
        and (not doc_ids or r["doc_id"] in doc_ids)
    ]


def load_gold(path: Path) -> list[dict[str, Any]]:
    """Labelled outcomes, one JSON object a line (see eval/outcomes.jsonl)."""
    rows = []
    for number, row in read_jsonl(path):
        missing = {"doc_id", "evidence", *FIELDS} - row.keys()
        if missing:
            raise UsageError(f"{path}:{number}: missing {', '.join(sorted(missing))}")
        rows.append(row)
    return rows


def format_scores(scores: dict[str, Any]) -> str:
    rows = scores["rows"]
    lines = [
        f"rows: precision {rows['precision']:.3f}, recall {rows['recall']:.3f} "
        f"({rows['matched']} matched; {rows['extracted']} extracted, {rows['labelled']} labelled)",
        f"{'field':<10} {'precision':>9} {'recall':>7}",
    ]
    for name, f in scores["fields"].items():
        lines.append(f"{name:<10} {f['precision']:>9.3f} {f['recall']:>7.3f}")
    return "\n".join(lines)


# Measures whose percentage is a change in the measure itself ("weight loss" is a share of people).
_CHANGES = {"emergency admissions", "hospital admissions", "hospital visits", "referrals"}
_DAYS = {"hour": 1 / 24, "day": 1, "week": 7, "month": 30, "year": 365}


def _days(text: str) -> float | None:
    found = re.fullmatch(r"([\d.,]+) (hour|day|week|month|year)s?", text)
    return float(found.group(1).replace(",", "")) * _DAYS[found.group(2)] if found else None


def change_percent(row: dict[str, Any]) -> float | None:
    """The reported change as a percentage (a reduction is negative), where one can be read."""
    if row["before"] and row["after"]:
        before, after = _days(row["before"]), _days(row["after"])
        if before and after is not None:
            return round((after - before) / before * 100, 1)
        return None
    if row["value"].endswith("%") and row["measure"] in _CHANGES and row["direction"]:
        size = float(row["value"].rstrip("%"))
        return -size if row["direction"] == "decrease" else size
    return None
