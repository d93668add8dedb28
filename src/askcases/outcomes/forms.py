"""The figures of a sentence read by their form, not by an article's phrases: a before/after
pair ("from 19 days to 9 days", "£14, compared with £39", a results table's row), a change ("fell
by 18%", "a 33% reduction", "halved"), a share ("88% of patients"), a sum of money ("£1.1
million"), a time limit ("within two hours") and a count ("34 community pharmacies").

Each figure keeps its span, so that the measure it reports can be read from the words around it
(askcases.outcomes.extract). Leaves out, as no result: dates and years ("from 2019 to 2021",
"1,200 in 2021"), ages, clock times and opening hours, "24-hour", and counts of time or distance
("six days a week", "20 miles"); a distance is read only as a before/after pair.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from askcases.text.lexicon import MONTH_NAMES, NUMBER_VALUES, STOPWORDS

Kind = Literal["pair", "change", "share", "money", "within", "count"]

_WORDS = {word: value for word, value in NUMBER_VALUES.items() if value <= 12}
NUMBER = r"(?:\d[\d,]*(?:\.\d+)?|" + "|".join(_WORDS) + r")"
_SCALE = r"(?:\s?(?:million|billion|m|bn|k)\b)?"
_UNIT = r"(?:hours?|days?|weeks?|months?|years?|minutes?)"
_DISTANCE = r"(?:miles?|km|kilometres?)"
# One amount: £1.1 million, 49%, 19 days, 8 days, 540, "the same day".
_AMOUNT = (
    rf"(?:£{NUMBER}{_SCALE}|{NUMBER}(?:%|\s?per cent)|{NUMBER}(?:\s(?:{_UNIT}|{_DISTANCE}))?|"
    r"the same day)"
)
_HEDGE = r"(?:(?:up to|around|about|nearly|almost|over|more than|less than|under|just|only|"
_HEDGE += r"as little as|an estimated|an average of|on average) )*"
_YEAR = r"(?:\s(?:in|during) (?:19|20)\d\d(?:-\d\d)?)?"

_RATE = r"(?:\s(?:a|an|per|each) (?:day|week|month|year|quarter))?"  # "from 88 a month to 26"
# When the first figure held ("from 18% in our first three months to 7%").
_WHEN = r"(?:\s(?:in|during|over|at) (?:the |our |its |their )?(?:[a-z]+ ){0,2}[a-z]+)?"
PAIR = re.compile(
    rf"\bfrom {_HEDGE}(?P<before>{_AMOUNT}){_RATE}{_YEAR}{_WHEN} to {_HEDGE}(?P<after>{_AMOUNT})"
    rf"(?:{_YEAR})",
    re.I,
)
COMPARED = re.compile(
    rf"(?<![£\d.,])(?P<after>£{NUMBER}{_SCALE}|{NUMBER}%)[^.;]{{0,40}}?,? compared (?:with|to) "
    rf"{_HEDGE}"
    rf"(?P<before>£{NUMBER}{_SCALE}|{NUMBER}%)",
    re.I,
)
WAITED_NOW = re.compile(
    rf"\b(?:waited|waiting|wait(?:s|ed)?) (?:an average of |on average |up to )?"
    rf"(?P<before>{NUMBER} {_UNIT})\b[^.;]{{0,80}}?\bnow (?:seen |wait )?(?P<after>the same day|"
    rf"{NUMBER} {_UNIT})",
    re.I,
)
CHANGE = re.compile(
    rf"\bby {_HEDGE}(?P<v>{NUMBER}(?:%|\s?per cent))"
    rf"|\b(?:a|an) {_HEDGE}(?P<w>{NUMBER}(?:%|\s?per cent)) (?:reduction|fall|drop|decrease|cut|"
    rf"increase|rise|improvement)"
    rf"|\b(?P<half>halved)\b|\b(?P<double>doubled)\b"
    r"|\bby (?:a|one) (?P<part>half|third|quarter|fifth)\b",
    re.I,
)
_PARTS = {"half": "50%", "third": "33%", "quarter": "25%", "fifth": "20%"}
SHARE = re.compile(
    rf"(?<![£\d.,-])(?P<v>{NUMBER}(?:%|\s?per cent))"
    rf"|(?<![£\d.,])\b(?P<n>{NUMBER}) in (?!(?:19|20)\d\d\b)(?P<m>{NUMBER})\b(?! every)",
    re.I,
)
MONEY = re.compile(rf"£(?P<v>\d[\d,]*(?:\.\d+)?{_SCALE})", re.I)
WITHIN = re.compile(rf"\bwithin (?P<v>{NUMBER}) (?:working |calendar )?(?P<unit>{_UNIT})", re.I)
COUNT = re.compile(
    rf"(?<![£\d.,:/-])\b(?P<v>{NUMBER}(?: million| billion)?)\b(?![%.,]?\d|-|\s?per cent|:\d)",
    re.I,
)
# "take the total number of GP pathfinders to 220": a count whose noun comes first.
TOTAL = re.compile(
    rf"\b(?:total|number) of (?P<noun>(?:[\w&'-]+ ){{0,3}}[\w&'-]+) (?:to|is|was|is now|stands at|"
    rf"reached|rose to|grew to) (?:around |about |nearly |over )?(?P<v>{NUMBER}(?: million)?)\b"
    r"(?![%.,]?\d|\s?per cent)",
    re.I,
)

_NOT_A_COUNT = re.compile(
    rf"^\s?(?:{_UNIT}|{_DISTANCE}|times?|metres?|thirds|quarters|fifths|tenths|halves|am|pm|"
    rf"o'clock|per|in|of|out|or|and|to|years? old|"
    rf"{MONTH_NAMES}|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)\b",
    re.I,
)
_BEFORE_NOT_A_COUNT = re.compile(
    r"(?:\baged?|\bages|\bNHS|\bnumber|\bno\.|\bstage|\bstep|\bphase|\bband|\bround|\bpage|"
    r"\bversion|\bpriority|\btype|\bitem|\bsection|\bward|\bsince|\bevery|\btable|\bfigure|"
    r"\bchart|\bappendix|\bparagraph|\bannex|\bbox|\b(?:\d+|one|two|three|four|five|six|seven|"
    r"eight|nine|ten) in|"
    r"\bout of|\bsurvey of|\bsample of|\bthe new|\bthe|\bunder)\s$",
    re.I,
)
_YEARS = re.compile(r"^(?:19|20)\d\d$")
_NOT_A_RESULT_PAIR = re.compile(r"\b(?:aged?|ages|open|opens|opening|hours|numbered)\s$", re.I)
_NOUN_WORD = re.compile(r"[A-Za-z&][\w&'-]*")
# A count's noun phrase ends at a function word, a verb a count is often followed by, or a
# number word.
_PHRASE_STOP = (
    frozenset(STOPWORDS)
    | frozenset(
        "per every more most less fewer within across around said says say found carry carried "
        "provide provides run runs work works saw see seen made make took take given cover covers "
        "opened joined visited received needed attended completed treated supported enter enters "
        "receive receives get got use used start started".split()
    )
    | frozenset(_WORDS)
)
_HEAD_LIMIT = 3


@dataclass(frozen=True)
class Figure:
    kind: Kind
    value: str  # normalised: "70%", "£1.1 million", "9 days", "412"
    before: str
    after: str
    start: int  # span of the figure in the sentence
    end: int
    direction: str  # from the form itself ("halved", a pair's order); "" when it does not say
    noun: str = ""  # for a count: the noun phrase it counts ("community pharmacies")


def normalise_value(text: str) -> str:
    """One written form per value: "70 per cent" -> "70%", "eight" -> "8", "nine months" ->
    "9 months", "£1.1m" -> "£1.1 million", "£700,000" stays."""
    text = " ".join(text.split()).strip(" .,")
    text = re.sub(r"\s?per cent$", "%", text, flags=re.I)
    text = re.sub(r"(\d)\s?m$", r"\1 million", text)
    text = re.sub(r"(\d)\s?bn$", r"\1 billion", text)
    if thousands := re.fullmatch(r"(£?)(\d[\d,]*(?:\.\d+)?)\s?k", text):
        text = f"{thousands.group(1)}{float(thousands.group(2).replace(',', '')) * 1000:,.0f}"
    words = text.split(" ")
    if words[0].lower() in _WORDS:
        words[0] = str(_WORDS[words[0].lower()])
    if words[0].lower() == "the" and text.lower() == "the same day":
        return "same day"
    return " ".join(words)


def number_of(value: str) -> float | None:
    """The number in a normalised value, in one unit for comparison (days for times)."""
    found = re.search(
        r"(\d[\d,]*(?:\.\d+)?)\s?(million|billion)?\s?(minute|hour|day|week|month|year)?", value
    )
    if value == "same day":
        return 0.0
    if not found:
        return None
    number = float(found.group(1).replace(",", ""))
    number *= {"million": 1e6, "billion": 1e9}.get(found.group(2) or "", 1)
    days = {"minute": 1 / 1440, "hour": 1 / 24, "day": 1, "week": 7, "month": 30, "year": 365}
    return number * days.get(found.group(3) or "", 1)


def days_of(value: str) -> float | None:
    """A length of time in days ("2 hours" -> 0.083), else None."""
    return number_of(value) if is_time(value) else None


def is_time(value: str) -> bool:
    """Whether a normalised value is a length of time ("9 days", "2 hours", "same day")."""
    return value == "same day" or bool(re.fullmatch(rf"[\d,.]+ {_UNIT}", value))


def is_distance(value: str) -> bool:
    return bool(re.fullmatch(rf"[\d,.]+ {_DISTANCE}", value))


def _pair_values(before: str, after: str) -> tuple[str, str]:
    """A pair shares its unit: "from 19 to 12 days" gives "19 days" and "12 days"."""
    before, after = normalise_value(before), normalise_value(after)
    unit = re.search(r"\s(\w+)$", after)
    if unit and re.fullmatch(r"[\d,.]+", before) and not after.startswith("£"):
        before = f"{before} {unit.group(1)}"
    if after.startswith("£") and not before.startswith("£"):
        before = "£" + before
    return before, after


def with_unit(before: str, after: str, named_by: str) -> tuple[str, str]:
    """Bare numbers take the time unit the words before them name: "bed days ... 14 | 11"."""
    near = named_by[-90:]
    if not re.search(r"\b(?:average|mean|median|per|length|wait\w*|time)\b", near, re.I):
        return before, after  # "school days lost | 1,480 | 1,080" counts days
    unit = re.search(r"(?<!\d )\b(minutes|hours|days|weeks|months)\b(?!.*\d)", near, re.I)
    if unit and re.fullmatch(r"[\d,.]+", before) and re.fullmatch(r"[\d,.]+", after):
        return f"{before} {unit.group(1).lower()}", f"{after} {unit.group(1).lower()}"
    return before, after


def _direction(before: str, after: str) -> str:
    b, a = number_of(before), number_of(after)
    if b is None or a is None or a == b:
        return ""
    return "decrease" if a < b else "increase"


def count_noun(sentence: str, end: int) -> str:
    """The noun phrase after a count: "34 community pharmacies across" -> "community pharmacies"."""
    words: list[str] = []
    for found in _NOUN_WORD.finditer(sentence, end):
        gap = sentence[end : found.start()]
        if gap.strip(" "):  # punctuation ends the phrase
            break
        word = found.group(0)
        if word.lower() == "and" and words and len(words) - words.count("and") < _HEAD_LIMIT:
            following = _NOUN_WORD.match(sentence, found.end() + 1)
            if (
                following
                and following.group(0).lower() not in _PHRASE_STOP
                and not following.group(0).endswith("ed")
            ):
                words.append(word)
                end = found.end()
                continue
        if word.lower() in _PHRASE_STOP or len(words) - words.count("and") >= _HEAD_LIMIT:
            break
        words.append(word)
        end = found.end()
    while words and words[-1].lower() == "and":
        words.pop()
    return " ".join(words)


def overlaps(spans: Sequence[tuple[int, int]], start: int, end: int) -> bool:
    """Whether start..end overlaps any of the spans."""
    return any(start < e and s < end for s, e in spans)


def find_figures(sentence: str) -> list[Figure]:
    """Every figure of a sentence that may report a result, in text order."""
    figures: list[Figure] = []
    spans: list[tuple[int, int]] = []

    def add(figure: Figure) -> None:
        figures.append(figure)
        spans.append((figure.start, figure.end))

    for pattern in (PAIR, COMPARED, WAITED_NOW):
        for m in pattern.finditer(sentence):
            if overlaps(spans, m.start(), m.end()):
                continue
            if _YEARS.match(m.group("before")) and _YEARS.match(m.group("after")):
                continue  # "ran from 2019 to 2021"
            if _NOT_A_RESULT_PAIR.search(sentence[max(0, m.start() - 20) : m.start()]):
                continue  # "adults aged from 18 to 65", "open from 9 to 5"
            before, after = _pair_values(m.group("before"), m.group("after"))
            add(Figure("pair", after, before, after, m.start(), m.end(), _direction(before, after)))
    for m in CHANGE.finditer(sentence):
        if overlaps(spans, m.start(), m.end()):
            continue
        if (m.group("half") or m.group("double")) and overlaps(spans, m.end(), m.end() + 8):
            continue  # "halved, from 22% to 11%": the pair gives the figures
        if m.group("part"):
            value, direction = _PARTS[m.group("part").lower()], ""
        elif m.group("half") or m.group("double"):
            value, direction = ("50%", "decrease") if m.group("half") else ("100%", "increase")
        else:
            value, direction = normalise_value(m.group("v") or m.group("w")), ""
        add(Figure("change", value, "", "", m.start(), m.end(), direction))
    for m in MONEY.finditer(sentence):
        if not overlaps(spans, m.start(), m.end()):
            add(Figure("money", normalise_value(m.group(0)), "", "", m.start(), m.end(), ""))
    for m in SHARE.finditer(sentence):
        if overlaps(spans, m.start(), m.end()):
            continue
        if m.group("v"):
            value = normalise_value(m.group("v"))
        else:
            n, of = normalise_value(m.group("n")), normalise_value(m.group("m"))
            if (number_of(n) or 0) > (number_of(of) or 0):
                continue  # "1,200 in 2021" is no share
            if re.match(r"\s?\w*\s?\(\d[\d.]*%\)", sentence[m.end() : m.end() + 30]):
                continue  # "eight in ten callers (81%)": the percentage says it
            value = f"{n} in {of}"
        add(Figure("share", value, "", "", m.start(), m.end(), ""))
    changes = any(f.kind in ("pair", "change", "share") for f in figures)
    for m in WITHIN.finditer(sentence):
        # "readmissions within 30 days fell by 15%", "answered within 30 minutes in 96% of
        # cases": a time limit beside a change or a share qualifies it
        if not changes and not overlaps(spans, m.start(), m.end()):
            value = normalise_value(f"{m.group('v')} {m.group('unit')}")
            add(Figure("within", value, "", "", m.start(), m.end(), ""))
    for m in TOTAL.finditer(sentence):
        if not overlaps(spans, m.start("v"), m.end("v")):
            value = normalise_value(m.group("v"))
            add(Figure("count", value, "", "", m.start("v"), m.end("v"), "", m.group("noun")))
    for m in COUNT.finditer(sentence):
        if overlaps(spans, m.start(), m.end()):
            continue
        raw = m.group("v")
        if raw.lower() == "one":
            continue  # "one of", "one nurse": rarely a result
        after = sentence[m.end() : m.end() + 20]
        if _YEARS.match(raw) or _NOT_A_COUNT.match(after):
            continue
        if _BEFORE_NOT_A_COUNT.search(sentence[max(0, m.start() - 14) : m.start()]):
            continue
        noun = count_noun(sentence, m.end())
        if re.search(rf"\b{_UNIT}$", noun, re.I) and not re.search(r"\bbed\b", noun, re.I):
            continue  # "two school years": a length of time; "4,300 bed days" is a count
        if not noun or noun[0].isupper() and not noun.split(" ")[0].isupper():
            continue  # "Ward 7", "Sept 2019 Leeds": a name, not a count
        add(Figure("count", normalise_value(raw), "", "", m.start(), m.end(), "", noun))
    return sorted(figures, key=lambda f: f.start)


def table_row(line: str) -> list[str] | None:
    """The cells of a results-table line ("| Wait | 31 days | 6 days |"), else None."""
    if not (line.startswith("|") and line.rstrip().endswith("|")):
        return None
    cells = [c.strip() for c in line.strip().strip("|").split("|")]
    return cells if len(cells) >= 2 else None


_SIGNED_PERCENT = re.compile(r"[-+−–]\s?(\d[\d.]*)\s?%")


def table_figure(line: str, cells: list[str]) -> Figure | None:
    """A table row "label | before | after" as a pair, or "label | value" as a level; its span
    is the whole line."""
    if _YEARS.match(cells[0]):
        return None  # a row of years is a header, not a result
    values = [
        c
        for c in cells[1:]
        if re.fullmatch(rf"{_HEDGE}{_AMOUNT}|same day", c, re.I) and not _YEARS.match(c)
    ]
    if len(values) >= 2:
        before, after = with_unit(*_pair_values(values[-2], values[-1]), cells[0])
        direction = _direction(before, after)
        change = _SIGNED_PERCENT.fullmatch(cells[-1])
        if change and "%" not in before:  # "| Admissions | 1,136 | 874 | -23% |": the change
            return Figure("change", f"{change.group(1)}%", before, after, 0, len(line), direction)
        return Figure("pair", after, before, after, 0, len(line), direction)
    if len(values) == 1 and len(cells) == 2:
        value = normalise_value(values[0])
        kind: Kind = "money" if value.startswith("£") else "share" if "%" in value else "count"
        return Figure(kind, value, "", "", 0, len(line), "", cells[0].lower())
    return None
