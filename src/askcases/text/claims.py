"""What standing a claim has: achieved or only projected, hedged by a qualifier, and who says so.

A figure is `projected` when a word of expectation governs it (will, expected, estimated, could,
aims, target, forecast, plans, ...) in the words before it in its sentence, else `achieved`. Its
`qualifier` is the hedge written just before it ("up to £60,000", "around 1,100", "at least 40").
`reported_by` is who the sentence says makes the claim ("..., said Dr Jane Smith", "according to
the CCG", "The trust estimates ..."). For a whole sentence (an answer's quote), the first figure
decides, and a sentence without figures is projected when it holds a word of expectation at all.
`currency_notes` finds the sentences in which an article qualifies its own currency ("may not
reflect the current policy position", "at the time of writing", "interim figures").
Leaves out: negation and conditionals ("would have cost"); they read as projected.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass

from askcases.text.sentences import sentence_spans

_PROJECTED = re.compile(
    r"\b(?:will|would|shall|could|may|might|should|expects?|expected|expecting|estimates?|"
    r"estimated|aims?|aiming|aimed|targets?|targeted|forecasts?|forecasted|projected|"
    r"projections?|plans?\s+to|planned|planning|set\s+to|intends?\s+to|hopes?\s+to|"
    r"potential(?:ly)?|anticipated?|predicted|likely\s+to|is\s+to|are\s+to|promise[sd]?|"
    r"pledge[sd]?|ambitions?|approve|recommend(?:s|ed|ations?)?\s+that|(?:is|are)\s+asked\s+to|proposed?|proposals?|agreed\s+to|due\s+to\s+(?:start|open|"
    r"begin|launch))\b",
    re.I,
)
# A whole sentence is an estimate when it opens as one ("The trust estimates that ...", "The
# business case assumed that ...").
_ESTIMATE_CLAUSE = re.compile(
    r"\b(?:estimates?|estimated|forecasts?|predicts?|projects|calculates?|assumed?|assumes)"
    r"\s+that\b",
    re.I,
)
# A line labelled as a plan ("Target: 8,000 appointments"), or an objective that opens with its
# verb ("Achieve a healing rate of 65% in 2024/25", "Recruit 6.4 WTE staff"): what is to come.
_PLAN_LINE = re.compile(
    r"^\W*(?:\d+[.)]\s*)?(?:(?:targets?|plans?|planned|forecasts?|aims?|goals?|ambitions?|"
    r"objectives?|trajector(?:y|ies)|expected|projected)\s*:|(?:achieve|increase|reduce|recruit|deliver|"
    r"expand|extend|double|halve|improve|reach|grow|hire|train|secure|establish|introduce|"
    r"launch|roll\s+out|lower|raise|add|maintain|sustain)\s)",
    re.I,
)
# What a team or service was made for ("designed a rapid response team to get back to patients
# within two hours") is its purpose, not a result.
_PURPOSE = re.compile(
    r"\b(?:designed|set\s+up|created|established|formed)\b[^.;:]{0,60}?\bto\s+[a-z]+\b[^.;:,]*$",
    re.I,
)
# The figure's own verb after it: "45.7 million people will now receive ..."
_EXPECTED_AFTER = re.compile(
    r"^[^,;:.()]{0,40}?\b(?:will|shall|(?:is|are)\s+(?:expected|set|due|likely)\s+to)\b", re.I
)
# A figure named as a target after it ("the 30% reduction the Partnership set as its target").
_TARGET_AFTER = re.compile(
    r"^[^,;:.()]{0,40}?\b(?:set\s+as\s+(?:its|a|the|their)\s+)?(?:target|goal|ambition)\b", re.I
)
# Money a decision commits ("approved ... its extension to four further pharmacies from October
# 2024, at a cost of £132,000"): a cost to come, not a result.
_COMMITTED = re.compile(
    r"\b(?:approv\w*|agreed|extend\w*|extension|continu\w*|expan\w*|recurrent)\b[^.;]*"
    r"\bat\s+an?\s+(?:additional\s+|extra\s+|further\s+|total\s+)?cost\s+of\s+$",
    re.I,
)
# A list of figures to come after a colon ("endorse the following targets for 2024/25: a median
# wait of 8 weeks, 60% of people ..."): the colon does not end what governs them.
# ("Results against target: 412 seen" is a result.)
_PLAN_LIST = re.compile(
    r"(?<!against )(?<!against the )(?<!against its )(?<!against our )(?<!versus )(?<!vs )"
    r"(?<!compared with )\b(?:targets?|goals?|ambitions?|objectives?|trajector(?:y|ies)|"
    r"milestones?)\b[^:;.]{0,30}:[^:;]*$",
    re.I,
)
# A relative clause or a second verb between the figure and "will" is another clause's future.
_RELATIVE = re.compile(r"\b(?:which|that|who|when|where|and|but|or|then|so)\b", re.I)
_NAME_WORD = re.compile(r"\s+[A-Z]")
_MONTH_AFTER = re.compile(r"\s+(?:\d|$)")  # a day or year next, or the figure itself
_MONTH_BEFORE = re.compile(r"\d(?:st|nd|rd|th)?\s+$")
# Reported speech in a survey ("97% said they would recommend it") is no expectation.
_REPORTED_SPEECH = re.compile(r"\b(?:said|say|says|reported)\s+(?:\w+\s+){0,2}$", re.I)
_QUALIFIER = re.compile(
    r"\b(up\s+to|around|about|approximately|approx\.?|roughly|nearly|almost|as\s+many\s+as|"
    r"as\s+much\s+as|at\s+least|more\s+than|over|some|an\s+estimated|under|less\s+than|"
    r"fewer\s+than|just\s+under|just\s+over|in\s+excess\s+of|close\s+to)\s*$",
    re.I,
)
_NAME = (
    r"(?:Dr\.?\s|Professor\s|Prof\.?\s|Mr\.?\s|Mrs\.?\s|Ms\.?\s)?"
    r"[A-Z][\w&'.-]*(?:\s(?:of\s|and\s|for\s)?[A-Z][\w&'.-]*){0,7}"
)
_REPORTED = (
    re.compile(rf"\b[Aa]ccording\s+to\s+(?P<who>(?:the\s+)?{_NAME})"),
    re.compile(
        rf"(?P<who>(?:The\s+)?{_NAME}),?(?:\s+[a-z][\w-]*){{0,2}}\s+"
        r"(?:said|says|estimates|claims|reported|reports|believes|predicts|expects)\b"
    ),
    re.compile(rf"\b(?:said|says)\s+(?P<who>{_NAME})"),
)
_NUMBER = re.compile(r"£?\d[\d,.]*%?|\b(?:half|a\s+third|a\s+quarter|a\s+fifth)\b", re.I)
# How an answer says that its quotes are projections only (a question about what was achieved).
PROJECTION_LEADS = ("The article gives only a projection:", "The articles give only projections:")
# How an answer gives the date of the article a quote comes from: the answer to "when was the
# story published", and the day its "today" means ("has today announced a fourth group").
DATED_LEAD = re.compile(r"^The article is dated (?:\d{1,2} )?(?:[A-Z][a-z]+ )?\d{4}:\s*")


def article_date(date: str) -> str:
    """An ISO date in words: "2011-04-04" -> "4 April 2011", "2011-04" -> "April 2011"."""
    for form, shown in (("%Y-%m-%d", "%-d %B %Y"), ("%Y-%m", "%B %Y"), ("%Y", "%Y")):
        try:
            return datetime.datetime.strptime(date[:10], form).strftime(shown)
        except ValueError:
            continue
    return date


def dated_lead(date: str) -> str:
    """'The article is dated 4 April 2011:' for an article's ISO date."""
    return f"The article is dated {article_date(date)}:"


WINDOW = 110  # characters before a figure in which a word of expectation governs it


@dataclass(frozen=True)
class Claim:
    status: str  # achieved | projected
    qualifier: str  # "up to", "around", ... or ""
    reported_by: str  # who the sentence says makes the claim, or ""

    def tags(self) -> list[str]:
        """The claim's standing as short tags for people: "projected", "up to", "per the CCG"."""
        out = ["projected"] if self.status == "projected" else []
        if self.qualifier:
            out.append(self.qualifier)
        if self.reported_by:
            out.append(f"per {self.reported_by}")
        return out


def reported_by(sentence: str) -> str:
    for pattern in _REPORTED:
        found = pattern.search(sentence)
        if found:
            who = " ".join(found.group("who").split())
            return "the " + who[4:] if who.startswith("The ") else who
    return ""


def _is_month(text: str, found: re.Match[str]) -> bool:
    """Whether a "May" is the month: written with a capital beside a day or a year ("in May
    2019", "1 May")."""
    return found.group(0) == "May" and (
        _MONTH_AFTER.match(text, found.end()) is not None
        or _MONTH_BEFORE.search(text[: found.start()]) is not None
    )


# A result measured against a plan is no plan: "later than planned", "as expected".
_AGAINST_PLAN = re.compile(r"\b(?:than|as)\s+$", re.I)


def _expects(text: str) -> bool:
    """Whether a word of expectation is in the text; a capitalised one followed by another
    capitalised word is part of a name ("Clinical Lead for Planned Care"), and "May" beside a
    day or a year is the month."""
    return any(
        not (found.group(0)[0].isupper() and _NAME_WORD.match(text, found.end()))
        and not _is_month(text, found)
        and not _AGAINST_PLAN.search(text, max(0, found.start() - 5), found.start())
        and not (
            found.group(0).lower() in ("would", "could")
            and _REPORTED_SPEECH.search(text[: found.start()])
        )
        for found in _PROJECTED.finditer(text)
    )


# A table column of figures to come, named so at its head ("| KPI | Target |", "| Planned
# (business case) |", "| 2024/25 forecast |"), not "Spend against budget" or "Care plan reviews".
_PLAN_COLUMN = re.compile(
    r"^(?:\W*\d{4}(?:/\d{2,4})?\W*)?(?:targets?|planned|plan|forecasts?|expected|ambitions?|"
    r"trajector(?:y|ies)|projected|business\s+case|budget(?:ed)?)\b",
    re.I,
)
_CELL_FIGURE = re.compile(r"\d")


def table_cells(line: str) -> list[str] | None:
    """The cells of a table line: "| Wait | 31 days | 6 days |", or a plain-text table's "Wait |
    31 days | 6 days" (two bars or more, no cell empty); None for any other line."""
    stripped = line.strip()
    if stripped.startswith("|") and stripped.endswith("|") and len(stripped) > 1:
        return [c.strip() for c in stripped.strip("|").split("|")]
    if stripped.count("|") < 2 or stripped.startswith("|"):
        return None
    cells = [c.strip() for c in stripped.split("|")]
    return cells if all(cells) else None


def _cells(line: str) -> list[str]:
    return table_cells(line) or []


def table_header(text: str, offset: int) -> str:
    """The first line of the table whose row starts at `offset` of the text; "" when the line
    there is no table row or is the first itself."""
    end = text.find("\n", offset)
    if table_cells(text[offset : len(text) if end < 0 else end]) is None:
        return ""
    header = ""
    end = offset - 1  # the newline before the row
    while end > 0:
        start = text.rfind("\n", 0, end) + 1
        line = text[start:end].strip()
        if table_cells(line) is None:
            break
        header = line
        end = start - 1
    return header


def plan_columns(header: str) -> set[int]:
    """The columns of a table's header line that hold figures to come ("Target", "Plan
    2023/24", "Planned (business case)")."""
    return {i for i, name in enumerate(_cells(header)) if i > 0 and _PLAN_COLUMN.search(name)}


_BASELINE_COLUMN = re.compile(r"^(?:baseline|before|pre-?\w*|previous|last year)\b", re.I)


def baseline_column(header: str) -> bool:
    """Whether a table's header line names a column of the state before ("| Measure | Baseline
    (2020/21) | Year 1 | Year 2 |")."""
    return any(i > 0 and _BASELINE_COLUMN.search(name) for i, name in enumerate(_cells(header)))


def in_plan_column(header: str, row: str) -> bool:
    """Whether every figure of a table row stands in a column of figures to come ("| KPI |
    Target |" over "| Seen within 2 hours | 95% |"); a row with a result beside its target
    ("| Target | Q2 actual |") is a result."""
    if not header:
        return False
    names, cells = _cells(header), _cells(row)
    columns = [i for i, c in enumerate(cells) if i > 0 and _CELL_FIGURE.search(c)]
    if not columns or any(i >= len(names) for i in columns):
        return False
    return all(_PLAN_COLUMN.search(names[i]) for i in columns)


def _first_figure(sentence: str) -> re.Match[str] | None:
    """The sentence's first figure, passing over years ("From spring 2025 we expect around 900
    more"; "in 2022/23"); its first number where all are years."""
    numbers = list(_NUMBER.finditer(sentence))
    for m in numbers:
        year = re.fullmatch(r"(?:19|20)\d\d", m.group().rstrip(".,"))
        if not year and sentence[max(0, m.start() - 1) : m.start()] != "/":
            return m
    return numbers[0] if numbers else None


# An item of a list ("(ii) about 5,100 bed days saved each year", "- 95% seen in 2 hours").
_LIST_ITEM = re.compile(r"^\s*(?:\(?(?:[ivx]+|[a-z])\)|[-*•▪●◦‣∙–]|\d+[.)])\s", re.I)


def under_expecting_lead(sentence: str, text_before: str) -> bool:
    """Whether a list item stands under a line that introduces what is expected ("Expected
    benefits once the service is fully running are:"), so that its figures are to come;
    `text_before` is the article's text before it."""
    if not _LIST_ITEM.match(sentence):
        return False
    for line in reversed(text_before.splitlines()):
        if not line.strip() or _LIST_ITEM.match(line):
            continue
        line = line.strip()
        return line.endswith(":") and _expects(line)
    return False


def claim_of(sentence: str, start: int | None = None) -> Claim:
    """The standing of the figure at `start` in the sentence (its first figure when None)."""
    if start is None:
        first = _first_figure(sentence)
        if first is None:
            planned = _expects(sentence) or _PLAN_LINE.match(sentence) is not None
            status = "projected" if planned else "achieved"
            return Claim(status, "", reported_by(sentence))
        start = first.start()
    if start == 0 and table_cells(sentence) is not None:  # a table row: its label, then figures
        bar = sentence.find("|")
        label_end = sentence.find("|", bar + 1) if sentence.lstrip().startswith("|") else bar
        start = label_end if label_end > 0 else 0
    before = sentence[max(0, start - WINDOW) : start]
    # only the words of the figure's own clause count ("... was launched in 2019, and it will
    # expand" does not make a figure before "will" projected)
    before = re.split(r"[;:]|\.\s", before)[-1]
    figure = _NUMBER.match(sentence, start)
    after = sentence[figure.end() if figure else start :]
    verb_after = _EXPECTED_AFTER.search(after)
    projected = (
        _expects(before)
        or _PURPOSE.search(before) is not None
        or _ESTIMATE_CLAUSE.search(sentence[:start]) is not None
        or (verb_after is not None and not _RELATIVE.search(verb_after.group(0)))
        or _TARGET_AFTER.search(after) is not None
        or _COMMITTED.search(sentence[:start]) is not None
        or _PLAN_LINE.match(sentence) is not None
        or _PLAN_LIST.search(sentence[:start]) is not None
    )
    status = "projected" if projected else "achieved"
    hedge = _QUALIFIER.search(before)
    qualifier = " ".join(hedge.group(1).lower().split()) if hedge else ""
    return Claim(status, qualifier, reported_by(sentence))


_SELF = (
    r"\b(?:this|the)\s+(?:case\s+study|article|report|page|document|guidance|information|"
    r"publication|story|evaluation|briefing)\b[^.!?]{0,60}?"
)
_CURRENCY = re.compile(
    r"\b(?:may|might)\s+not\s+(?:reflect|represent)\s+(?:the\s+)?current|"
    r"\bat\s+the\s+time\s+of\s+(?:writing|publication|going\s+to\s+press)|"
    r"\b(?:correct|accurate)\s+(?:at|as\s+of)\s+the\s+time|"
    r"\binterim\s+(?:figures|results|findings|data|report|evaluation|position)|"
    r"\b(?:figures|results|data)\s+(?:are|were)\s+(?:provisional|interim|preliminary)|"
    r"\b(?:provisional|preliminary)\s+(?:figures|results|findings|data)|"
    rf"{_SELF}\b(?:was|were)\s+(?:written|developed|prepared|published)\s+(?:before|prior\s+to)\b|"
    r"\bmay\s+(?:now\s+)?be\s+out\s+of\s+date|"
    rf"{_SELF}\bno\s+longer\s+(?:reflects?|current)|"
    rf"{_SELF}\b(?:has|have)\s+(?:since\s+)?been\s+(?:superseded|replaced|withdrawn|archived)",
    re.I,
)
CURRENCY_NOTES = 3  # sentences kept per article


def currency_notes(text: str) -> list[str]:
    """The sentences in which an article qualifies its own currency, in text order."""
    found: list[str] = []
    for start, end in sentence_spans(text):
        sentence = " ".join(text[start:end].split())
        if _CURRENCY.search(sentence) and sentence not in found:
            found.append(sentence)
            if len(found) == CURRENCY_NOTES:
                break
    return found
