"""Every quantified outcome in an article, as rows: place, service, measure, direction, value,
before and after, period, and the span of the sentence that reports it.

The measures, their trigger words and directions are data (askcases.outcomes.rules); this module
holds the forms a value is written in: "decreased by 70 per cent", "from 56 days to 12 days",
"save ... up to £60,000 a year", "400 patients every month", "within 24 hours". A sentence gives
one row per measure it reports. No LLM. Leaves out: figures in headlines, and figures that
describe no service (dates, ages).
"""

from __future__ import annotations

import re

from askcases.outcomes.rules import RULES, MeasureRule
from askcases.text.lexicon import NUMBER_VALUES
from askcases.text.sentences import sentence_spans
from askcases.types import Article, Outcome

_NUMBER_WORDS = {word: value for word, value in NUMBER_VALUES.items() if value <= 12}
_NUM = r"(?:\d[\d,]*(?:\.\d+)?(?:\s(?:million|billion))?|" + "|".join(_NUMBER_WORDS) + r")"
_TIME_UNIT = RULES.time_units

FROM_TO = re.compile(
    rf"from (?:up to |around |about )?(?P<before>{_NUM}) ?(?P<bunit>{_TIME_UNIT})? to "
    rf"(?:as little as |just |around |about )?(?P<after>{_NUM}) ?(?P<aunit>{_TIME_UNIT})",
    re.I,
)
PERCENT = re.compile(rf"(?P<v>{_NUM})(?:%| per cent)", re.I)
MONEY = re.compile(r"£(?P<v>\d[\d,]*(?:\.\d+)?)(?: (?P<scale>million|billion))?", re.I)
WITHIN = re.compile(rf"within (?P<v>{_NUM}) (?P<unit>{_TIME_UNIT})", re.I)


def _count(pattern: str) -> re.Pattern[str]:
    return re.compile(rf"(?<![£\d.,])(?:over |around |nearly )?(?P<v>{_NUM}) {pattern}", re.I)


_FIGURE = re.compile(r"£?\d[\d,.]*")
_PLACE = re.compile(
    r"\b(?:[Ii]n|[Aa]cross) (?P<a>(?:[A-Z][a-z]+(?:,? (?:and |& )?|&| )?){1,6})"
    r"|(?P<b>(?:[A-Z][a-z]+(?:,? | and | & )){0,5}[A-Z][a-z]+) Clinical Commissioning Group"
    r"|(?:North |South |East |West )?(?P<c>[A-Z][a-z]+) (?:Hospitals? |University )*(?:NHS )?"
    r"(?:Trust|Hospital)\b"
)


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
            if place and place.split(" ")[0] not in RULES.not_places:
                return place
    return "England"


def _service(sentence: str, article: Article) -> str:
    for text in (sentence, article.title + " " + article.text[:600]):
        for name, pattern in RULES.services:
            if pattern.search(text):
                return name
    return ""


def _value(rule: MeasureRule, sentence: str) -> tuple[str, str, str, int] | None:
    """(value, before, after, where it starts) of the first figure written that way."""
    how = rule.value
    if how == "count":
        m = _count(rule.counted).search(sentence)
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
        for rule in RULES.measures:
            measure = rule.measure
            if not rule.named_by.search(sentence):
                continue
            found = _value(rule, sentence)
            if found is None or f"{measure}|{found[0]}" in used or found[0] in used:
                continue
            value, before, after, value_start = found
            used.update({value, f"{measure}|{value}"})
            if rule.direction is not None:
                direction = rule.direction
            elif RULES.decrease_words.search(sentence):
                direction = "decrease"
            else:
                direction = "increase" if RULES.increase_words.search(sentence) else ""
            # A period belongs to the figure before it: look up to the next figure.
            later = _FIGURE.search(sentence, value_start + len(value) + 1)
            period = RULES.periods.search(
                sentence, value_start, later.start() if later else len(sentence)
            )
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
