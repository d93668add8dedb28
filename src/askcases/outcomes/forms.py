"""The figures of a sentence read by their form, not by an article's phrases: a before/after
pair ("from 19 days to 9 days", "from 38 in 2021/22 to 24 in 2023/24", "rose to 326 from 291",
"72%, up from 68%", "16 days -> 3 days", "£14, compared with £39", a results table's row), a
change ("fell by 18%", "a 33% reduction", "halved"), a share ("88% of patients"), a sum of money
("£1.1 million", "six hundred thousand pounds"), a time limit ("within two hours"), an average
length of time ("the mean stay was 6.4 days", "waited an average of 3 days") and a count ("34
community pharmacies", "1,240 of the referrals"). Numbers may be written in words ("twenty-four",
"two thousand three hundred"). A results table's target or plan column gives figures to come of
their own.

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

from askcases.text.claims import table_cells
from askcases.text.lexicon import MONTH_NAMES, NUMBER_VALUES, STOPWORDS

Kind = Literal["pair", "change", "share", "money", "within", "level", "count"]

_WORDS = {word: value for word, value in NUMBER_VALUES.items() if value <= 12}
_TEENS = {
    word: 13 + i
    for i, word in enumerate(
        "thirteen fourteen fifteen sixteen seventeen eighteen nineteen".split()
    )
}
_TENS = {
    word: 20 + 10 * i
    for i, word in enumerate("twenty thirty forty fifty sixty seventy eighty ninety".split())
}
_ONES = "|".join(w for w, v in _WORDS.items() if v < 10)
# "sixteen", "twenty-four", "eleven": a number in words up to 99
_SMALL = rf"(?:(?:{'|'.join(_TENS)})(?:[- ](?:{_ONES})\b)?|{'|'.join(_TEENS)}|{'|'.join(_WORDS)})\b"
_HUNDREDS = rf"{_SMALL}(?: hundred\b(?: and {_SMALL})?)?"
# ... with hundreds and thousands: "four hundred and forty", "two thousand three hundred"
_WORD_NUMBER = rf"{_HUNDREDS}(?: thousand\b(?:,? (?:and )?{_HUNDREDS})?)?"
NUMBER = rf"(?:\d[\d,]*(?:\.\d+)?|{_WORD_NUMBER})"


def _word_value(words: str) -> int | None:
    """The value of a number in words: "twenty-four" -> 24, "eleven hundred" -> 1100, "two
    thousand three hundred" -> 2300; None when a word is no number."""
    total = current = 0
    for word in re.split(r"[\s,-]+", words.lower()):
        if word == "and":
            continue
        if word == "hundred":
            current *= 100
        elif word == "thousand":
            total, current = total + current * 1000, 0
        elif word in _WORDS or word in _TEENS or word in _TENS:
            current += _WORDS.get(word) or _TEENS.get(word) or _TENS[word]
        else:
            return None
    return total + current


_SCALE = r"(?:\s?(?:million|billion|m|bn|k)\b)?"
_UNIT = r"(?:hours?|hrs?|days?|weeks?|wks?|months?|mths?|years?|yrs?|minutes?|mins?)"
_DISTANCE = r"(?:miles?|km|kilometres?)"
# One amount: £1.1 million, 49%, 19 days, 8 days, 540, "the same day".
_AMOUNT = (
    rf"(?:£{NUMBER}{_SCALE}|{NUMBER}(?:%|\s?per ?cent)|{NUMBER}(?:\s(?:{_UNIT}|{_DISTANCE}))?|"
    r"the same day)"
)
_HEDGE = r"(?:(?:up to|around|about|nearly|almost|over|more than|less than|under|just|only|"
_HEDGE += r"as little as|an estimated|an average of|on average) )*"
# When a figure held: "in 2021", "in 2020/21", "in September 2022", "in Q1", "in Q4 2023/24".
_PERIOD = (
    rf"(?:(?:Q[1-4]|{MONTH_NAMES})(?: (?:19|20)\d\d(?:[/-]\d\d)?)?|(?:19|20)\d\d(?:[/-]\d\d)?)"
)
_YEAR = rf"(?:\s(?:in|during) {_PERIOD})?"
PERIOD_TAIL = re.compile(rf"\s(?:in|during|for|by) {_PERIOD}\s*$", re.I)

_RATE = r"(?:\s(?:a|an|per|each) (?:day|week|month|year|quarter))?"  # "from 88 a month to 26"
# When the first figure held ("from 18% in our first three months to 7%", "from 2,214 in the
# twelve months before they joined us to 1,018", "from 167 in the 12 months before joining to 98").
_WHEN = (
    r"(?:\s(?:in|during|over|at|before|after) (?:the |our |its |their )?(?:(?:[a-z]+|\d+) ){0,2}"
    r"[a-z]+){0,2}"
)
# what a share is of ("from 5.9% of births in the baseline year to 8.6%")
_SHARE_OF = r"(?:(?<=%) of (?:all )?[a-z]+)?"
PAIR = re.compile(
    rf"\bfrom {_HEDGE}(?P<before>{_AMOUNT}){_SHARE_OF}{_RATE}{_YEAR}{_WHEN}"
    rf"(?:, [a-z][^,.;\d]{{0,40}},)? "
    rf"to {_HEDGE}(?P<after>{_AMOUNT})"
    rf"(?:{_YEAR})",
    re.I,
)
# "rose to 326 patients from 291 in Q1", "improved to 57% from 52%": a pair, after first.
TO_FROM = re.compile(
    rf"\b(?:rose|fell|grew|dropped|climbed|increased|decreased|improved|reduced|came down|went up|"
    rf"went down|cut|up|down) to {_HEDGE}(?P<after>{_AMOUNT})(?: [a-z]+){{0,2}}? from {_HEDGE}"
    rf"(?P<before>{_AMOUNT}){_YEAR}",
    re.I,
)
# "stands at 72%, up from 68%", "16 days -> 3 days": a pair, after first or with an arrow.
UP_FROM = re.compile(
    rf"(?<![£\d.,/-])(?P<after>{_AMOUNT}),? (?:up|down) from {_HEDGE}(?P<before>{_AMOUNT})"
    rf"|(?<![£\d.,/-])(?P<before2>{_AMOUNT})\s?(?:->|→|=>)\s?(?P<after2>{_AMOUNT})",
    re.I,
)
# "The mean length of stay on the ward in 2023/24 was 6.4 days", "waited an average of 3 days":
# an average length of time, its measure named between the average and the verb.
LEVEL = re.compile(
    rf"\b(?:average|mean|median)\b(?P<noun>[^.;:()\d]{{0,70}}?(?: (?:in|during) {_PERIOD})?)"
    rf"\s(?:was|were|is|is now|stood at|stands at|came to|lasts|lasted|took|of)\s{_HEDGE}"
    rf"(?P<v>{NUMBER}(?: working| calendar)? {_UNIT}(?: (?:and )?{NUMBER} minutes?)?)\b",
    re.I,
)
# "the current wait for a first appointment is 11 weeks", "waited more than four hours",
# "stayed in hospital for an average of 6 days": a length of time waited or stayed.
WAIT_LEVEL = re.compile(
    rf"\b(?P<noun>(?:wait(?:s|ed|ing times?)?|stay(?:s|ed)?)\b[^.;:()\d]{{0,50}}?)"
    rf"(?:\s(?:is|was|are|were|is now|are now|now|stands at|of|for))?\s{_HEDGE}"
    rf"(?P<v>{NUMBER}(?: working| calendar)? {_UNIT}(?: (?:and )?{NUMBER} minutes?)?)\b",
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
# "the wait had been fourteen weeks at one point, but was now six weeks"
NOW_PAIR = re.compile(
    rf"\b(?:had been|used to be|was|were) {_HEDGE}(?P<before>{NUMBER} {_UNIT})\b[^.;]{{0,60}}?"
    rf"\b(?:is|was|are|were) now {_HEDGE}(?P<after>{NUMBER} {_UNIT})",
    re.I,
)
_AUXILIARY = {"has", "have", "had", "now", "since", "also", "then", "further", "steadily"}
_NOT_A_MEASURE = set(
    "the our its their this that these those it they which who there here and or but has have had"
    " at in of for to from on by with across among between"
    " now then since also further steadily sharply when while as so had been is was were".split()
)
# "ENT wax referrals dropped to 412", "the DNA rate has fallen to 6%": what a measure moved to,
# its measure named before the verb
MOVED_TO = re.compile(
    rf"(?P<noun>\b[A-Za-z][\w&'’-]*(?: [A-Za-z][\w&'’-]*){{0,3}}) (?:has |have |had )?"
    rf"(?:now |since |also |then |further |steadily |sharply )?"
    rf"(?P<verb>fell|fallen|dropped|rose|risen|increased|decreased|went down|went up|came down|"
    rf"climbed|grew|grown|reduced) to {_HEDGE}(?P<v>{_AMOUNT})\b(?! from)",
    re.I,
)
# "bring emergency admissions below 250 a year", "reducing the overdue list to under 500": a
# level to reach, its measure named between the verb and the level.
TARGET = re.compile(
    rf"\b(?:bring|bringing|reduce|reducing|cut|cutting|get|getting|keep|keeping|lower|lowering)\b"
    rf"(?P<noun>[^.;:\d]{{0,60}}?)\s(?:down )?(?:to|below|under)\s"
    rf"(?:under |below |fewer than |less than )?(?P<v>{_AMOUNT})",
    re.I,
)
CHANGE = re.compile(
    rf"\bby {_HEDGE}(?P<v>{NUMBER}(?:%|\s?per ?cent))"
    rf"|\b(?:a|an) {_HEDGE}(?P<w>{NUMBER}(?:%|\s?per ?cent)) (?:reduction|fall|drop|decrease|cut|"
    rf"increase|rise|improvement)"
    rf"|\b(?P<half>halved)\b|\b(?P<double>doubled)\b"
    rf"|\bby {_HEDGE}(?:a|one) (?P<part>half|third|quarter|fifth)\b"
    rf"|\b(?P<verb>fell|rose|dropped|increased|decreased|reduced|cut|grew|went up|went down|came "
    rf"down) by {_HEDGE}(?P<c>{NUMBER}(?:\s{_UNIT})?)\b"
    r"(?![%.,]?\d|\s?%|\s?per ?cent|\s(?:thirds?|quarters?|fifths?|tenths?|times|percentage))",
    re.I,
)
_PARTS = {"half": "50%", "third": "33%", "quarter": "25%", "fifth": "20%"}
SHARE = re.compile(
    rf"(?<![£\d.,-])(?P<v>{NUMBER}(?:%|\s?per ?cent))"
    rf"|(?<![£\d.,])\b(?P<n>{NUMBER}) in (?!(?:19|20)\d\d\b)(?P<m>{NUMBER})\b(?! every)"
    r"|\b(?:roughly|about|around|nearly|almost|just over|just under|more than) (?:a|one) "
    r"(?P<part>half|third|quarter|fifth)\b|\b(?:a|one) (?P<partof>third|quarter|fifth) of\b"
    r"|\b(?P<parts>(?:two|three|four)[ -](?:thirds|quarters|fifths))\b(?= of\b)",
    re.I,
)
# "more than three quarters of them (371)", "two-thirds of patients"
_MANY_PARTS = {
    "two thirds": "67%",
    "three quarters": "75%",
    "two fifths": "40%",
    "three fifths": "60%",
    "four fifths": "80%",
}
MONEY = re.compile(
    rf"£(?P<v>\d[\d,]*(?:\.\d+)?{_SCALE})|(?P<w>{NUMBER}(?: million| billion)?) pounds\b", re.I
)
WITHIN = re.compile(rf"\bwithin (?P<v>{NUMBER}) (?P<unit>(?:working |calendar )?{_UNIT})", re.I)
COUNT = re.compile(
    rf"(?<![£\d.,:/^-])\b(?P<v>{NUMBER}(?: million| billion)?)\b(?![%.,]?\d|-|\s?per ?cent|:\d)",
    re.I,
)
# "Referrals received: 2,318", "- Ears treated: 3,760 (both ears in 1,656)": a figure whose line
# is its label and the figure alone.
LABELLED = re.compile(
    rf"^\s*(?:[-*•]\s*)?(?P<noun>[A-Za-z][A-Za-z&'/ -]{{2,60}}?)\s*:\s*"
    rf"(?P<v>{NUMBER}(?: million)?(?:\s?%|\s?per ?cent|\s{_UNIT})?)\s*(?:\([^()]*\))?\s*\.?\s*$",
    re.I,
)
# labels of a line that gives no result: an identifier, a date, a page, an age
_NOT_A_RESULT_LABEL = re.compile(
    r"\b(?:date|year|phone|tel|telephone|fax|version|page|ref|reference|issue|item|slide|section|"
    r"part|ward|room|ext|extension|postcode|code|id|no|number|age|aged|base|n|sample|"
    r"respondents|time|deadline|review|minute|minutes|paper|agenda|appendix|annex|table|figure|"
    r"chapter|step|stage|phase|level|grade|band|priority|rank|score)$",
    re.I,
)
# "take the total number of GP pathfinders to 220": a count whose noun comes first.
TOTAL = re.compile(
    rf"\b(?:total|number) of (?P<noun>(?:[\w&'-]+ ){{0,3}}[\w&'-]+) (?:to|is|was|is now|stands at|"
    rf"reached|rose to|grew to) (?:around |about |nearly |over )?(?P<v>{NUMBER}(?: million)?)\b"
    r"(?![%.,]?\d|\s?per ?cent)",
    re.I,
)

_NOT_A_COUNT = re.compile(
    rf"^\s?(?:{_UNIT}|{_DISTANCE}|times?|metres?|thirds|quarters|fifths|tenths|halves|am|pm|"
    rf"o'clock|noon|midday|midnight|per|in|of|out|or|and|to|years? old|"
    rf"{MONTH_NAMES}|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)\b",
    re.I,
)
_BEFORE_NOT_A_COUNT = re.compile(
    r"(?:\baged?|\bages|\bNHS|\bnumber|\bno\.|\bstage|\bstep|\bphase|\bband|\bround|\bpage|\btier|"
    r"\bgrade|\blevel|\bwave|"
    r"\bversion|\bpriority|\btype|\bitem|\bsection|\bward|\bsince|\bevery|\btable|\bfigure|"
    r"\bchart|\bappendix|\bparagraph|\bannex|\bbox|\b(?:\d+|one|two|three|four|five|six|seven|"
    r"eight|nine|ten) in|"
    r"\bout of|\bsurvey of|\bsample of|\bthe new|\bthe|\bunder|"
    r"\baged? (?:\d+|one|two|three|four|five|six|seven|eight|nine|ten) (?:to|and))\s$",
    re.I,
)
_YEARS = re.compile(r"^(?:19|20)\d\d$")
_BASELINE = re.compile(r"\b(?:compared (?:with|to)|(?:up|down) from|before|against)\s(?:an? )?$")
_OF_THEM = re.compile(r"\s+of (?:them|those|these)\b", re.I)
_PART_OF = re.compile(r"\sof (?:the |all |our |its |their |these |those )?(?:\d[\d,]*(?:\.\d+)? )?")
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
    | frozenset(_TEENS)
    | frozenset(_TENS)
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
    planned: bool = False  # a figure to come: a results table's target or plan column


def normalise_value(text: str) -> str:
    """One written form per value: "70 per cent" -> "70%", "eight" -> "8", "nine months" ->
    "9 months", "£1.1m" -> "£1.1 million", "£700,000" stays."""
    text = " ".join(text.split()).strip(" .,")
    text = re.sub(r"\s?per ?cent$", "%", text, flags=re.I)
    text = re.sub(r"(\d)\s?m$", r"\1 million", text)
    text = re.sub(r"(\d)\s?bn$", r"\1 billion", text)
    if thousands := re.fullmatch(r"(£?)(\d[\d,]*(?:\.\d+)?)\s?k", text):
        text = f"{thousands.group(1)}{float(thousands.group(2).replace(',', '')) * 1000:,.0f}"
    if spelled := re.match(rf"{_WORD_NUMBER}", text, re.I):
        value = _word_value(spelled.group(0))
        if value is not None:
            text = f"{value:,}{text[spelled.end() :]}"
    words = text.split(" ")
    if words[0].lower() == "the" and text.lower() == "the same day":
        return "same day"
    return " ".join(words)


def number_of(value: str) -> float | None:
    """The number in a normalised value, in one unit for comparison (days for times)."""
    found = re.search(
        r"(\d[\d,]*(?:\.\d+)?)\s?(million|billion)?\s?(?:working |calendar )?"
        r"(minute|hour|day|week|month|year)?",
        value,
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
    return value == "same day" or bool(
        re.fullmatch(rf"[\d,.]+ (?:working |calendar )?{_UNIT}", value)
    )


def is_distance(value: str) -> bool:
    return bool(re.fullmatch(rf"[\d,.]+ {_DISTANCE}", value))


def _pair_values(before: str, after: str) -> tuple[str, str]:
    """A pair shares its unit: "from 19 to 12 days" gives "19 days" and "12 days", "from 19 days
    to 6" "6 days"."""
    before, after = normalise_value(before), normalise_value(after)
    unit = re.search(r"\s(\w+)$", after)
    if unit and re.fullmatch(r"[\d,.]+", before) and not after.startswith("£"):
        before = f"{before} {unit.group(1)}"
    # "from 19 days to 6": the after takes the before's unit of time
    unit = re.search(rf"\s({_UNIT}|{_DISTANCE})$", before)
    if unit and re.fullmatch(r"[\d,.]+", after):
        after = f"{after} {unit.group(1)}"
    if after.startswith("£") and not before.startswith("£"):
        before = "£" + before
    return before, after


def with_unit(before: str, after: str, named_by: str) -> tuple[str, str]:
    """Bare numbers take the time unit the words before them name: "bed days ... 14 | 11"."""
    near = named_by[-90:]
    if not re.search(r"\b(?:average|mean|median|per|length|wait\w*|time)\b", near, re.I):
        return before, after  # "school days lost | 1,480 | 1,080" counts days
    if re.search(r"\bper [\d,]+ ", near):
        return before, after  # "infections per 1,000 catheter days" is a rate
    unit = re.search(r"(?<!\d )\b(minutes|hours|days|weeks|months)\b(?!.*\d)", near, re.I)
    if unit and re.fullmatch(r"[\d,.]+", before) and re.fullmatch(r"[\d,.]+", after):
        return f"{before} {unit.group(1).lower()}", f"{after} {unit.group(1).lower()}"
    return before, after


def _direction(before: str, after: str) -> str:
    b, a = number_of(before), number_of(after)
    if b is None or a is None or a == b:
        return ""
    return "decrease" if a < b else "increase"


_DEFINED_ACRONYM = re.compile(r" \((?:[A-Z][A-Za-z&]{1,7}|[^()\d]{0,12}\d[^()]{0,20})\) ")


def count_noun(sentence: str, end: int) -> str:
    """The noun phrase after a count: "34 community pharmacies across" -> "community pharmacies"."""
    words: list[str] = []

    def counted() -> int:
        """The words of the phrase so far, but "and", a letter ("hepatitis C") and a joined
        word before the rest ("four full-time alcohol liaison workers")."""
        return sum(
            1
            for i, w in enumerate(words)
            if w.lower() != "and" and len(w) > 1 and not (i == 0 and "-" in w)
        )

    # an acronym defined within the phrase, or a bracketed limit, does not end it ("11.4
    # whole-time equivalent (WTE) nurses", "1,020 short-stay (under 24 hours) emergency admissions")
    sentence = _DEFINED_ACRONYM.sub(lambda m: " " * len(m.group(0)), sentence)
    for found in _NOUN_WORD.finditer(sentence, end):
        gap = sentence[end : found.start()]
        if gap.strip(" "):  # punctuation ends the phrase
            break
        word = found.group(0)
        if word.lower() == "and" and words and counted() < _HEAD_LIMIT:
            following = _NOUN_WORD.match(sentence, found.end() + 1)
            if (
                following
                and following.group(0).lower() not in _PHRASE_STOP
                and not following.group(0).endswith("ed")
            ):
                words.append(word)
                end = found.end()
                continue
        if word.lower() in _PHRASE_STOP or counted() >= _HEAD_LIMIT:
            break
        words.append(word)
        end = found.end()
    while words and words[-1].lower() == "and":
        words.pop()
    return " ".join(words)


def overlaps(spans: Sequence[tuple[int, int]], start: int, end: int) -> bool:
    """Whether start..end overlaps any of the spans."""
    return any(start < e and s < end for s, e in spans)


def _kind_of(value: str) -> Kind:
    """The kind of figure a value alone gives: money, a share, a length of time or a count."""
    if value.startswith("£"):
        return "money"
    if "%" in value:
        return "share"
    return "level" if is_time(value) else "count"


def find_figures(sentence: str) -> list[Figure]:
    """Every figure of a sentence that may report a result, in text order."""
    figures: list[Figure] = []
    spans: list[tuple[int, int]] = []

    def add(figure: Figure) -> None:
        figures.append(figure)
        spans.append((figure.start, figure.end))

    for pattern in (PAIR, TO_FROM, UP_FROM, COMPARED, WAITED_NOW, NOW_PAIR):
        for m in pattern.finditer(sentence):
            if overlaps(spans, m.start(), m.end()):
                continue
            parts = m.groupdict()
            before = (parts["before"] or parts.get("before2") or "").rstrip(", ")
            after = (parts["after"] or parts.get("after2") or "").rstrip(", ")
            if _YEARS.match(before) or _YEARS.match(after):
                continue  # "ran from 2019 to 2021", "at the end of March 2024, up from 960"
            if ("%" in before) != ("%" in after) and pattern is UP_FROM:
                continue  # "58% healed within 12 weeks, up from 32%": not one measure
            if _NOT_A_RESULT_PAIR.search(sentence[max(0, m.start() - 20) : m.start()]):
                continue  # "adults aged from 18 to 65", "open from 9 to 5"
            before, after = _pair_values(before, after)
            add(Figure("pair", after, before, after, m.start(), m.end(), _direction(before, after)))
    for m in CHANGE.finditer(sentence):
        if overlaps(spans, m.start(), m.end()):
            continue
        if (m.group("half") or m.group("double")) and overlaps(spans, m.end(), m.end() + 8):
            continue  # "halved, from 22% to 11%": the pair gives the figures
        if m.group("part"):
            value, direction = _PARTS[m.group("part").lower()], ""
        elif m.group("c"):  # "referrals fell by 1,930"
            value = normalise_value(m.group("c"))
            falls = re.match(r"fell|dropped|decreased|reduced|cut|went down|came down", m["verb"])
            direction = "decrease" if falls else "increase"
        elif m.group("half") or m.group("double"):
            value, direction = ("50%", "decrease") if m.group("half") else ("100%", "increase")
        else:
            value, direction = normalise_value(m.group("v") or m.group("w")), ""
        add(Figure("change", value, "", "", m.start(), m.end(), direction))
    for m in MONEY.finditer(sentence):
        if not overlaps(spans, m.start(), m.end()):
            value = (
                normalise_value(m.group(0)) if m.group("v") else "£" + normalise_value(m.group("w"))
            )
            add(Figure("money", value, "", "", m.start(), m.end(), ""))
    for m in SHARE.finditer(sentence):
        if overlaps(spans, m.start(), m.end()):
            continue
        if m.group("v"):
            value = normalise_value(m.group("v"))
        elif part := m.group("part") or m.group("partof"):  # "roughly a third of them"
            value = _PARTS[part.lower()]
        elif m.group("parts"):
            value = _MANY_PARTS.get(m.group("parts").lower().replace("-", " "), "")
            if not value:
                continue  # "two quarters": no share staff write
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
        if re.match(r"(?:month|year)", m.group("unit"), re.I):
            continue  # "refer yourself back within 12 months": a window, not a time to act
        if not changes and not overlaps(spans, m.start(), m.end()):
            value = normalise_value(f"{m.group('v')} {m.group('unit')}")
            add(Figure("within", value, "", "", m.start(), m.end(), ""))
    for m in [*WAIT_LEVEL.finditer(sentence), *LEVEL.finditer(sentence)]:
        if _BASELINE.search(sentence, 0, m.start()):
            continue  # "compared with a wait of six weeks": the other figure's baseline
        if not overlaps(spans, m.start("v"), m.end("v")):
            noun = re.sub(rf"\s(?:in|during) {_PERIOD}$", "", m.group("noun"), flags=re.I).strip()
            if re.search(r"\bage\b", noun, re.I):
                continue  # "median age was 81 years" describes the patients
            value = normalise_value(m.group("v"))
            add(Figure("level", value, "", "", m.start("v"), m.end("v"), "", noun))
    for m in MOVED_TO.finditer(sentence):
        if overlaps(spans, m.start("v"), m.end("v")) or _YEARS.match(m.group("v")):
            continue
        value = normalise_value(m.group("v"))
        # the words that name the measure: "ENT wax referrals", not "That has" nor "which"
        named: list[str] = []
        words = m.group("noun").split()
        while words and words[-1].lower() in _AUXILIARY:
            words.pop()
        for word in reversed(words):
            if word.lower() in _NOT_A_MEASURE:
                break
            named.insert(0, word)
        noun = " ".join(named)
        # "... at Kelvercote General Hospital fell to 210": a name before the verb is where, not
        # what is counted
        first_word = m.start("noun") == len(sentence) - len(sentence.lstrip(" -*•"))
        if not noun or named[-1][:1].isupper() and (len(named) > 1 or not first_word):
            continue
        falls = re.match(
            r"fell|fallen|dropped|decreased|went down|came down|reduced", m["verb"], re.I
        )
        add(
            Figure(
                _kind_of(value),
                value,
                "",
                "",
                m.start("v"),
                m.end("v"),
                "decrease" if falls else "increase",
                noun,
            )
        )
    for m in TARGET.finditer(sentence):
        if not overlaps(spans, m.start("v"), m.end("v")):
            value = normalise_value(m.group("v"))
            noun = re.sub(r"^\s*(?:the|our|its|their|this|that)\s", "", m.group("noun").strip())
            # "get to 250 patients": the noun after a count names it before the words before
            noun = count_noun(sentence, m.end("v")) or noun
            if not noun:
                continue
            add(Figure(_kind_of(value), value, "", "", m.start("v"), m.end("v"), "", noun))
    labelled = LABELLED.match(sentence)
    if labelled and not _NOT_A_RESULT_LABEL.search(labelled.group("noun").strip()):
        raw = labelled.group("v")
        if not _YEARS.match(raw) and not overlaps(spans, labelled.start("v"), labelled.end("v")):
            value = normalise_value(raw)
            noun = labelled.group("noun").strip()
            add(Figure("level", value, "", "", labelled.start("v"), labelled.end("v"), "", noun))
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
        part = _PART_OF.match(sentence, m.end())
        before_count = sentence[max(0, m.start() - 14) : m.start()]
        if part and not _YEARS.match(raw) and not _BEFORE_NOT_A_COUNT.search(before_count):
            # "212 of the 1,862 patients", "1,240 of the referrals"
            noun = count_noun(sentence, part.end())
            if not noun and _OF_THEM.match(sentence, m.end()):
                # "identified 1,340 people ... and assessed 1,065 of them": of the people
                counted = [
                    f for f in figures if f.kind == "count" and f.noun and f.end <= m.start()
                ]
                noun = counted[-1].noun if counted else ""
            if noun and noun[0].islower() and not re.search(rf"\b{_UNIT}$", noun, re.I):
                add(Figure("count", normalise_value(raw), "", "", m.start(), m.end(), "", noun))
            continue
        if _YEARS.match(raw) or _NOT_A_COUNT.match(after):
            continue
        if re.fullmatch(r"\d+\.\d+", raw) and re.match(r"\s*$", sentence[: m.start()]):
            continue  # "7.9 DECISION: The Committee ...": a paragraph's number
        if _BEFORE_NOT_A_COUNT.search(sentence[max(0, m.start() - 14) : m.start()]):
            continue
        noun = count_noun(sentence, m.end())
        if re.search(rf"\b{_UNIT}$", noun, re.I) and not re.search(r"\bbed\b", noun, re.I):
            continue  # "two school years": a length of time; "4,300 bed days" is a count
        if not noun or noun[0].isupper() and not noun.split(" ")[0].split("-")[0].isupper():
            continue  # "Ward 7", "Sept 2019 Leeds": a name, not a count ("three GP-led hubs" is)
        add(Figure("count", normalise_value(raw), "", "", m.start(), m.end(), "", noun))
    return sorted(figures, key=lambda f: f.start)


def result_figures(sentence: str) -> list[Figure]:
    """The figures of a sentence that report a result of its own (find_figures less those
    `results_only` leaves out)."""
    return results_only(sentence, find_figures(sentence))


# What a figure is set against: "58% healed within 12 weeks, up from 32%", "11.6% versus 21.7%",
# "£64, against £97 in the hospital", "92%, against our target of 90%", "compared with a national
# average of 34%".
_COMPARISON = re.compile(
    r"\b(?:(?:up|down) from|compared (?:with|to)|against|versus|vs\.?)\b[^.;:£\d]{0,45}$", re.I
)
# Words that may name what a figure is set against: any other word names a measure of its own
# ("saved £412,000, against an annual service cost of £286,000").
_COMPARATOR_WORDS = frozenset(
    "target targets ambition standard standards average national nationally england benchmark "
    "median mean rate level length stay figure expected plan planned aim goal agreed contract "
    "local regional similar equivalent reported quoted commonly".split()
)
_HEDGE_WORDS = frozenset(
    "around about nearly almost over some roughly approximately just only".split()
)
# A sentence about the time before the service ("Before FCP, ...", "Until April 2020, ...").
_BEFORE_IT = re.compile(r"\s*(?:[AQ]: )?(?:Before|Until|Prior to|Previously)\b")
_NOW = re.compile(r"\b(?:now|today|currently|these days)\b", re.I)
_CORRECTION = re.compile(
    r"\b(?:the )?(?:correct|corrected|right|actual|true) (?:figure|number|total|value|rate)s? "
    r"(?:is|was|are|were|should (?:be|have been))\b",
    re.I,
)
_INTERVAL = re.compile(r"\s?(?:CI|confidence interval|(?:[A-Z][a-z]+ )?intervals?)\b")
# the bounds of an interval: "(95% CI 57% to 65%)", "(confidence interval 7.1 to 9.7)"
_BOUNDS = re.compile(r"\b(?:CI|confidence interval)\b[^()]*\)")
# a change in percentage points, which the pair beside it gives ("83%, up from 48% (+35
# percentage points)")
_POINTS = re.compile(r"\bpercentage points?\b", re.I)
# the two counts a share is made of: "312 of 4,318 referrals (7.2%)", "58 of 71 GPs who
# responded (82%)"; the share is the result
_SHARE_PARTS = re.compile(rf"\b{NUMBER} of {NUMBER}\b[^().;]{{0,60}}\(\s?{NUMBER}\s?%")


def _unit_kind(value: str) -> str:
    if "%" in value:
        return "%"
    if value.startswith("£"):
        return "£"
    return "time" if is_time(value) else "count"


def results_only(sentence: str, figures: list[Figure]) -> list[Figure]:
    """The figures less those a result is only set against (a figure before, a comparison, a
    target), those of a sentence about the time before the service, those a correction
    replaces, and the level of a confidence interval ("95% CI")."""
    kept: list[Figure] = []
    corrected = _CORRECTION.search(sentence)
    before_it = _BEFORE_IT.match(sentence) is not None and _NOW.search(sentence) is None
    replaced: Figure | None = None
    for figure in figures:
        if before_it and figure.kind != "pair":
            continue  # "Before the clinic opened, people waited an average of 16 weeks"
        if corrected is not None and figure.end <= corrected.start():
            replaced = figure  # "we reported 1,200 patients, but the correct figure is 1,020"
            continue
        if figure.kind == "share" and _INTERVAL.match(sentence, figure.end):
            continue
        if any(b.start() < figure.start < b.end() for b in _BOUNDS.finditer(sentence)):
            continue
        if figure.kind == "count" and any(
            p.start() <= figure.start and figure.end <= p.end() - 1
            for p in _SHARE_PARTS.finditer(sentence)
        ):
            continue
        if (
            figure.kind == "share"
            and _POINTS.search(sentence, figure.start, figure.end + 16)
            and any(other.kind == "pair" for other in figures)
        ):
            continue
        if figure.kind != "pair" and any(
            _unit_kind(other.value) == _unit_kind(figure.value)
            and figure.start - other.end <= 80
            and (cue := _COMPARISON.search(sentence, other.end, figure.start)) is not None
            and all(
                word in _COMPARATOR_WORDS or word in STOPWORDS or word in _HEDGE_WORDS
                for word in re.findall(r"[a-z']+", cue.group(0).lower())[1:]
            )
            for other in kept
        ):
            continue
        kept.append(figure)
    if corrected is not None and replaced is not None and replaced.kind in ("count", "share"):
        # the correction's own figure counts what the figure it replaces counted
        right = re.match(rf"\s{_HEDGE}(?P<v>{NUMBER}%?)", sentence[corrected.end() :])
        at = corrected.end() + (right.start("v") if right is not None else 0)
        if right is not None and not overlaps([(f.start, f.end) for f in kept], at, at + 1):
            value = normalise_value(right.group("v"))
            if ("%" in value) == ("%" in replaced.value):
                figure = Figure(
                    replaced.kind, value, "", "", at, at + len(right.group("v")), "", replaced.noun
                )
                kept = sorted([*kept, figure], key=lambda f: f.start)
    return kept


def table_row(line: str) -> list[str] | None:
    """The cells of a results-table line ("| Wait | 31 days | 6 days |", "Wait | 31 days | 6
    days"), else None."""
    cells = table_cells(line)
    return cells if cells is not None and len(cells) >= 2 else None


_CELL_NOTE = re.compile(r"\s*(?:\([^()]*\)|[*†‡§¶]+)$")


def _bare_cell(cell: str) -> str:
    """A cell's figure without its note: "11 weeks (ENT)" -> "11 weeks", "388*" -> "388"."""
    return _CELL_NOTE.sub("", cell)


_SIGNED_PERCENT = re.compile(r"[-+−–]\s?(\d[\d.]*)\s?%")


def table_figure(line: str, cells: list[str], columns: bool = True) -> list[Figure]:
    """A table row "label | before | after" as a pair, or "label | value" as a level; its span
    is the whole line. With `columns`, a row of three figures or more also gives the earlier
    ones as levels (_earlier_columns)."""
    if _YEARS.match(cells[0]):
        return []  # a row of years is a header, not a result
    values = [
        c
        for c in map(_bare_cell, cells[1:])
        if re.fullmatch(rf"{_HEDGE}{_AMOUNT}|same day", c, re.I) and not _YEARS.match(c)
    ]
    if len(values) >= 2:
        before, after = with_unit(*_pair_values(values[-2], values[-1]), cells[0])
        direction = _direction(before, after)
        change = _SIGNED_PERCENT.fullmatch(cells[-1])
        if change and "%" not in before:  # "| Admissions | 1,136 | 874 | -23% |": the change
            return [Figure("change", f"{change.group(1)}%", before, after, 0, len(line), direction)]
        pair = Figure("pair", after, before, after, 0, len(line), direction)
        return [*(_earlier_columns(values, line, cells[0]) if columns else []), pair]
    if len(values) == 1 and len(cells) == 2:
        value = normalise_value(values[0])
        kind: Kind = "money" if value.startswith("£") else "share" if "%" in value else "count"
        return [Figure(kind, value, "", "", 0, len(line), "", cells[0].lower())]
    return []


# A target cell: "95%", "80% or more", "less than 1.0", "Below 10%", "450 by Q4 2025/26".
_TARGET_CELL = re.compile(
    rf"(?:(?:below|above|at least|at most|less than|more than|under|over|up to|around|about) )?"
    rf"(?P<v>£{NUMBER}{_SCALE}|{NUMBER}(?:%|\s?per ?cent)|{NUMBER}(?:\s{_UNIT})?)"
    rf"(?: or (?:more|less|fewer|above|below|higher|lower|better))?(?: by \S+(?: \S+)?)?",
    re.I,
)


def _level(value: str, line: str, label: str, planned: bool = False) -> Figure:
    kind: Kind = "money" if value.startswith("£") else "share" if "%" in value else "count"
    return Figure(kind, value, "", "", 0, len(line), "", label.lower(), planned)


def table_figures(
    line: str, cells: list[str], plan_columns: set[int], columns: bool = True
) -> list[Figure]:
    """The figures of a results-table row. Where the header names target or plan columns
    ("| Indicator | Target | Q2 actual |"), each target is a figure to come of its own and the
    result is read from the other columns (a pair of the last two, else a level); elsewhere the
    row is read by table_figure. Without `columns` (a table with a baseline column), the earlier
    figures of a long row are not levels of their own."""
    if not plan_columns or not any(i in plan_columns for i in range(1, len(cells))):
        return table_figure(line, cells, columns)
    if _YEARS.match(cells[0]):
        return []
    targets: list[str] = []
    results: list[str] = []
    for i, cell in enumerate(map(_bare_cell, cells[1:]), start=1):
        found = _TARGET_CELL.fullmatch(cell)
        if found is None or _YEARS.match(cell):
            continue
        (targets if i in plan_columns else results).append(found.group("v"))
    figures = []
    if len(results) >= 2:
        before, after = with_unit(*_pair_values(results[-2], results[-1]), cells[0])
        figures += _earlier_columns(results, line, cells[0]) if columns else []
        figures.append(
            Figure("pair", after, before, after, 0, len(line), _direction(before, after))
        )
    elif results:
        figures.append(_level(_labelled_unit(results[0], cells[0]), line, cells[0]))
    figures += [_level(_labelled_unit(t, cells[0]), line, cells[0], planned=True) for t in targets]
    return figures


def _earlier_columns(values: list[str], line: str, label: str) -> list[Figure]:
    """A row of three results or more ("| Referrals | 1,912 | 2,047 | 2,231 |", a quarter each):
    each but the last is also a level of its own column (the last two make the row's pair)."""
    if len(values) < 3:
        return []
    return [_level(_labelled_unit(v, label), line, label) for v in values[:-1]]


def _labelled_unit(value: str, label: str) -> str:
    """A bare number takes the time unit its row's label names ("Average stay (days) | 8.5")."""
    return with_unit(normalise_value(value), normalise_value(value), label)[0]
