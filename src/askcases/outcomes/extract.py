"""Every quantified outcome in an article, as rows: place, service, measure, direction, value,
before and after, period, and the span of the sentence that reports it.

Two passes over each sentence. The first reads the measures named by their own phrases
(askcases.outcomes.rules "measures": "hospital stay ... from 56 days to 12 days"). The second
reads every other figure by its form (askcases.outcomes.forms: a before/after pair, a change, a
share, money, a time limit, a count, a results table's row) and names its measure by meaning: the
cue nearest the figure ("saved" -> cost saving, "wait" -> waiting time, "nurses" -> staff), else
the noun phrase it counts or follows. No LLM. Leaves out: figures in headlines, and figures that
describe no service (dates, ages, clock times); figures in quoted speech are read like any other.
"""

from __future__ import annotations

import dataclasses
import re
from collections import Counter
from dataclasses import dataclass, replace

from askcases.outcomes.forms import (
    NUMBER,
    PERIOD_TAIL,
    Figure,
    count_noun,
    find_figures,
    is_distance,
    is_time,
    normalise_value,
    overlaps,
    result_figures,
    table_figures,
    table_row,
    with_unit,
)
from askcases.outcomes.rules import RULES, MeaningRule, MeasureRule
from askcases.text.claims import (
    baseline_column,
    claim_of,
    in_plan_column,
    plan_columns,
    table_header,
    under_expecting_lead,
)
from askcases.text.lexicon import MONTHS, STOPWORDS
from askcases.text.sentences import sentence_spans
from askcases.types import Article, Outcome

_FIGURE = re.compile(r"£?\d[\d,.]*")
_PLACE = re.compile(
    r"\b(?:[Ii]n|[Aa]cross) (?:the )?(?P<a>(?:[A-Z][a-z]+(?:,? (?:and |& )?|&| )?){1,6})"
    r"|^(?P<dateline>[A-Z]{3,}(?: [A-Z]{3,}){0,2}),? \d{1,2} [A-Z][a-z]+ (?:19|20)\d\d\b"
    r"|\b(?:boroughs|towns|villages|districts) of (?P<d>(?:[A-Z][a-z]+(?:, | and | & )){1,5}"
    r"[A-Z][a-z]+)"
    r"|(?:NHS )?(?P<e>(?:[A-Z][a-z]+(?: and | & | )){0,4}[A-Z][a-z]+) Integrated Care "
    r"(?:Board|System)"
    r"|(?P<b>(?:[A-Z][a-z]+(?:,? | and | & )){0,5}[A-Z][a-z]+) Clinical Commissioning Group"
    r"|(?:North |South |East |West )?(?P<c>[A-Z][a-z]+(?:(?: and| &)? [A-Z][a-z]+){0,5}) (?:NHS )?"
    r"(?:Foundation )?(?:Trust|Hospitals?|Council|Partnership)\b",
    re.M,
)
# Words of a body's name that are not its place: "Ashcombe Vale Community Care Partnership".
_BODY_WORDS = frozenset(
    "Community Health Care Healthcare Primary Partnership Partnerships Foundation University "
    "Royal General County District Hospital Hospitals Services Service Teaching Acute Mental "
    "Integrated Respiratory Clinical Commissioning Group Council Trust NHS Specialist "
    "Children Childrens Ambulance Social Medical Practice Practices".split()
)
# Capitalised words that open a body's name but are no place ("Our Partnership", "Dr Smith
# Hospital").
_NOT_PLACES = (
    RULES.not_places
    | {m.capitalize() for m in MONTHS}
    | {"Our", "Your", "Their", "Local", "New", "Dr", "St", "This", "That", "A", "An"}
)


def _places(text: str, bodies: bool = True) -> list[str]:
    """Places a text names: "in X", a dateline, "the boroughs of X, Y and Z", a commissioning
    group's or care board's area, and (with `bodies`) the place in a trust's or hospital's name."""
    found = []
    for match in _PLACE.finditer(text):
        if match.group("c") and not bodies:
            continue
        raw = next((match.group(g) for g in ("a", "b", "d", "e") if match.group(g)), "")
        if match.group("dateline"):
            raw = match.group("dateline").title()
        if match.group("c"):
            # "Royal Berkshire NHS Foundation Trust" -> Berkshire; "Ashcombe Vale Health and
            # Care Partnership" -> Ashcombe Vale: the name less its body words
            body = match.group("c").split(" ")
            while body and body[0] in _BODY_WORDS:
                body.pop(0)
            lead = next((i for i, w in enumerate(body) if w in _BODY_WORDS), len(body))
            raw = " ".join(body[:lead]).removesuffix(" and").removesuffix(" &")
        words = raw.strip(" ,").split(" ")
        while words and words[0] == "The":
            words.pop(0)
        while words and words[-1] in ("and", "&", "the", "Borough", "District", "County", "City"):
            words.pop()
        place = " ".join(words).strip(" ,")
        if place and place.split(" ")[0] not in _NOT_PLACES:
            found.append(place)
    return found


def find_place(sentence: str, paragraph: str, article: Article, by_id: str | None = None) -> str:
    """The place a sentence reports on: named in it, else earlier in its paragraph, else the
    place the article names most of those its document id names ("tennick-home-oxygen"; pass
    `by_id` when it is known), else the place its title or opening names, else England."""
    for text in (sentence, paragraph):
        places = _places(text, bodies=False)
        if places:
            return places[0]
    named = _article_place(article) if by_id is None else by_id
    return named or "England"


def _article_place(article: Article) -> str:
    """The place an article is about: its dateline's, else the one its document id names, else
    the one its title or opening names (a body's name last: "Ridgeway NHS Trust" may serve
    Kelston)."""
    opening = article.text[:1200]
    for match in _PLACE.finditer(opening):
        if match.group("dateline"):
            return match.group("dateline").title()
    named = _named_by_id(article)
    if named:
        return named
    for bodies in (False, True):
        for text in (article.title, opening):
            places = _places(text, bodies)
            if places:
                return places[0]
    return ""


def _named_by_id(article: Article) -> str:
    words = {w for w in article.doc_id.lower().split("-") if len(w) > 3 and w not in STOPWORDS}
    named = Counter(p for p in _places(article.text) if p.split(" ")[0].lower() in words)
    return named.most_common(1)[0][0] if named else ""


def _service(sentence: str, article: Article) -> str:
    for text in (sentence, article.title + " " + article.text[:600]):
        for name, pattern in RULES.services:
            if pattern.search(text):
                return name
    return ""


def _value(rule: MeasureRule, sentence: str, figures: list[Figure]) -> Figure | None:
    """The first figure of the sentence written the way the rule reads its value."""
    how = rule.value
    if how == "count":
        m = re.search(
            rf"(?<![£\d.,])(?:over |around |nearly )?({NUMBER}(?: million| billion)?) "
            + rule.counted,
            sentence,
            re.I,
        )
        if m is None:
            return None
        return Figure("count", normalise_value(m.group(1)), "", "", m.start(1), m.end(1), "")
    for figure in figures:
        if (
            (how == "from_to" and figure.kind == "pair" and re.search(r"[a-z]$", figure.after))
            or (how == "percent" and figure.value.endswith("%"))
            or (how == "money" and figure.value.startswith("£"))
            or (how == "within" and figure.kind == "within")
        ):
            return figure
    return None


_VERB_TAIL = re.compile(
    r"(?:\s+(?:fell|dropped|drops|falls|rose|rises|went|has|have|had|was|were|is|are|been|by|"
    r"from|down|up|reduced|decreased|increased|cut|improved|the|of|a|an|number|proportion|"
    r"average|and|to|only|around|about|nearly|almost|over|up|more|than|at|stands|stood|now|"
    r"below|above|under|will|be|being|for))+\s*$",
    re.I,
)


def _fallback_measure(figure: Figure, segment: str, at: int) -> str:
    """The noun phrase a figure counts, or the one before its verb: "1,100 visits" -> "visits",
    "Major amputations fell from 22 to 13" -> "major amputations"."""
    if at < 0:  # a table row: its label
        return re.sub(r"^(?:annual|average|mean|total|number of) ", "", segment.lower())
    tail = at + figure.end - figure.start
    if figure.kind == "share" and (of := re.match(r"\s?of (?:the |all |our )?", segment[tail:])):
        noun = count_noun(segment, tail + of.end())
        if noun:
            return noun.lower()
    if figure.kind == "share" and (noun := count_noun(segment, tail)):
        return noun.lower()  # "nine in ten parents"
    if figure.kind == "level" and figure.noun:  # "the mean length of stay on the ward"
        phrase = re.findall(r"[A-Za-z&][\w&'-]*", figure.noun)
        while phrase and phrase[0].lower() in _STOP:
            phrase.pop(0)
        phrase = phrase[:6]
        while phrase and phrase[-1].lower() in _STOP:
            phrase.pop()
        return " ".join(w if w.isupper() else w.lower() for w in phrase)
    if figure.noun:
        nouns = figure.noun.split(" ")
        head = nouns[-1]
        if len(nouns) > 1 and nouns[-2].isupper():
            head = f"{nouns[-2]} {head}"
        return head if head.isupper() else head.lower()
    before = _VERB_TAIL.sub("", segment[max(0, at - 200) : at].rstrip(" ,:("))
    before = _VERB_TAIL.sub("", PERIOD_TAIL.sub("", before))  # "... ward in 2023/24 was"
    before = before.rstrip(" ,:(")  # "..., measured on the scale, rose from"
    words: list[str] = []
    for word in reversed(re.findall(r"[A-Za-z&][\w&'-]*|[,;:()]", before)):
        if not word[0].isalpha() or word.lower() in _STOP or len(words) == 3:
            break
        words.insert(0, word if word.isupper() else word.lower())
    return " ".join(words)


_STOP = frozenset(STOPWORDS) | {"per", "among"}


def _name(figure: Figure, segment: str, at: int) -> tuple[str, str | None] | None:
    """(measure, direction the measure fixes or None) for a figure at `at` in `segment`: the
    by-meaning rule whose cue lies nearest the figure, else the fallback noun phrase."""
    best: tuple[int, int, MeaningRule, re.Match[str] | None] | None = None
    for order, rule in enumerate(RULES.by_meaning):
        if figure.kind not in rule.kinds:
            continue
        if rule.noun is not None and figure.kind == "count" and not rule.noun.search(figure.noun):
            continue
        if (rule.values == "distance") != is_distance(figure.value):
            continue
        # a change or a share ("waits were cut by 40%") is a percentage of any measure
        takes_value = figure.kind not in ("change", "share")
        time_rule = rule.values in ("time", "not_time")
        if takes_value and time_rule and (rule.values == "time") != is_time(figure.value):
            continue
        if rule.named_by is None:
            found: re.Match[str] | None = None
            distance = 10_000
        else:
            found = None
            distance = -1
            for cue in rule.named_by.finditer(segment):
                # a table row's label names its figure as a whole: the first rule wins
                gap = 0 if at < 0 else max(cue.start() - (at + 1), at - cue.end(), 0)
                if distance < 0 or gap < distance:
                    found, distance = cue, gap
            if found is None:
                continue
        if best is None or (distance, order) < (best[0], best[1]):
            best = (distance, order, rule, found)
    if best is not None:
        rule, found = best[2], best[3]
        measure = rule.measure
        if found is not None and "{1}" in measure:
            word = next((g for g in found.groups() if g), "")
            measure = measure.replace("{1}", word.lower())
        return measure, rule.direction
    fallback = _fallback_measure(figure, segment, at)
    return (fallback, None) if fallback else None


@dataclass(frozen=True)
class NamedFigure:
    figure: Figure
    measure: str
    fixed_direction: str | None  # the direction the measure fixes, else None
    segment: str  # the words around the figure that named it
    at: int  # where the figure starts in the segment; -1 for a table row's label


def named_figures(
    sentence: str, used: tuple[tuple[int, int], ...] = (), header: str = "", results: bool = True
) -> list[NamedFigure]:
    """The figures of a sentence read by their form, each with the measure it reports, leaving
    out those inside `used` spans; a table row is read with its table's `header` line. With
    `results` false, also the figures a result is set against (forms.results_only)."""
    cells = table_row(sentence)
    if cells is not None:
        found = table_figures(sentence, cells, plan_columns(header), not baseline_column(header))
        if not found or used:
            return []  # a row the first pass read is read once
        segments = [(figure, cells[0], -1) for figure in found]
    else:
        found = result_figures(sentence) if results else find_figures(sentence)
        figures = [f for f in found if not overlaps(used, f.start, f.end)]
        segments = []
        for i, figure in enumerate(figures):
            left = figures[i - 1].end if i else 0
            right = figures[i + 1].start if i + 1 < len(figures) else len(sentence)
            segments.append((figure, sentence[left:right], figure.start - left))
    out = []
    for figure, segment, at in segments:
        if figure.kind == "pair" and at >= 0:
            before, after = with_unit(figure.before, figure.after, segment[:at])
            figure = replace(figure, before=before, after=after, value=after)
        named = _name(figure, segment, at)
        if named is None:
            continue
        measure, fixed = named
        out.append(NamedFigure(figure, measure, fixed, segment, at))
    return out


def _generic_rows(
    article: Article, start: int, sentence: str, where: tuple[str, str], used: list[tuple[int, int]]
) -> list[Outcome]:
    """Rows for the figures of a sentence that the first pass did not read."""
    rows = []
    header = table_header(article.text, start)
    for named in named_figures(sentence, tuple(used), header):
        figure, measure, fixed = named.figure, named.measure, named.fixed_direction
        segment, at = named.segment, named.at
        if fixed is not None:
            direction = fixed
        elif figure.direction:
            direction = figure.direction
        elif figure.kind == "change":
            direction = _verb_direction(segment)
        else:
            direction = "decrease" if RULES.avoid_words.search(segment) else ""
        period = RULES.periods.search(segment, max(at, 0)) or RULES.periods.search(
            segment, 0, max(at, 0)
        )
        rows.append(_row(article, start, sentence, where, measure, direction, figure, period))
    return rows


def _row(
    article: Article,
    start: int,
    sentence: str,
    where: tuple[str, str],
    measure: str,
    direction: str,
    figure: Figure,
    period: re.Match[str] | None,
) -> Outcome:
    claim = claim_of(sentence, figure.start)
    if claim.status == "achieved" and (
        figure.planned
        or in_plan_column(table_header(article.text, start), sentence)
        or under_expecting_lead(sentence, article.text[:start])
    ):
        claim = dataclasses.replace(claim, status="projected")
    return Outcome(
        doc_id=article.doc_id,
        place=where[0],
        service=where[1],
        measure=measure,
        direction=direction,
        value=figure.value,
        before=figure.before,
        after=figure.after,
        period=period.group(0).lower() if period else "",
        start=start,
        end=start + len(sentence),
        sentence=sentence,
        title=article.title,
        date=article.date,
        status=claim.status,
        qualifier=claim.qualifier,
        reported_by=claim.reported_by,
    )


def _verb_direction(text: str) -> str:
    if RULES.decrease_words.search(text):
        return "decrease"
    return "increase" if RULES.increase_words.search(text) else ""


def extract_outcomes(article: Article) -> list[Outcome]:
    """The quantified outcomes an article reports, in text order."""
    rows: list[Outcome] = []
    text = article.text
    by_id = _article_place(article)
    for start, end in sentence_spans(text):
        if start == 0:
            continue  # the headline restates the body
        sentence = text[start:end]
        paragraph = text[text.rfind("\n", 0, start) + 1 : start]
        where = (find_place(sentence, paragraph, article, by_id), _service(sentence, article))
        used: set[str] = set()
        spans: list[tuple[int, int]] = []
        figures = result_figures(sentence)
        for rule in RULES.measures:
            measure = rule.measure
            if not rule.named_by.search(sentence):
                continue
            found = _value(rule, sentence, figures)
            if found is None or f"{measure}|{found.value}" in used or found.value in used:
                continue
            used.update({found.value, f"{measure}|{found.value}"})
            spans.append((found.start, found.end))
            direction = rule.direction
            if direction is None:
                direction = _verb_direction(sentence)
            # A period belongs to the figure before it: look up to the next figure.
            later = _FIGURE.search(sentence, found.start + len(found.value) + 1)
            period = RULES.periods.search(
                sentence, found.start, later.start() if later else len(sentence)
            )
            rows.append(_row(article, start, sentence, where, measure, direction, found, period))
        rows += _generic_rows(article, start, sentence, where, spans)
    return rows
