"""The extractive answer: the best-supported sentences of the retrieved passages, each cited.

No language model: every sentence of an answer is a verbatim span of an article, so a number in
an answer is always a number the article states. Each candidate sentence is scored against the
question (meaning, weighted shared words, the kind of value asked for, the names it uses; the
weights are in askcases.qa.weights); the passages are re-ranked by their best sentence; the
answer quotes the best sentence, and the best of each other article that answers about as well.
The question is refused when no passage gives the kind of value it asks for, or when the
calibrated refusal model (askcases.qa.calibration) judges the evidence too weak.
Leaves out: retrieval (the passages come in) and generated answers.
"""

from __future__ import annotations

import dataclasses
import math
import re
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from cachetools import LRUCache
from langchain_core.embeddings import Embeddings

from askcases.outcomes.extract import named_figures
from askcases.outcomes.forms import COUNT, count_noun, find_figures, is_time, overlaps, table_row
from askcases.qa.calibration import FEATURES, AnyRefusalModel
from askcases.qa.questions import (
    GENERIC_STAFF,
    NAMES_BODY,
    NAMES_COMMISSIONER,
    PATIENTS,
    PEOPLE,
    STAFF,
    Question,
    asked_form,
    asked_head,
    asks_members,
    counts_focus,
    gives_form,
    holds_focus,
    holds_type,
    names_doers,
    question_form,
    says_counted_verb,
    situation_and_request,
)
from askcases.qa.tracing import NO_RECORDER, RUNNERS_UP, Recorder
from askcases.qa.weights import EXTRACTIVE, ExtractiveWeights
from askcases.text.acronyms import spelled_out
from askcases.text.claims import (
    PROJECTION_LEADS,
    Claim,
    claim_of,
    dated_lead,
    in_plan_column,
    table_header,
    under_expecting_lead,
)
from askcases.text.lexicon import MONTH_NAMES, content_terms, mentions, stem
from askcases.text.markers import defuse_markers
from askcases.text.sentences import is_section_heading, sentence_spans
from askcases.types import REFUSAL, Answer, Citation, Evidence, Passage

# Words of a question that ask for a value rather than name a measure ("how many ... are there").
# What a service does for people, counted instead of the people themselves.
PATIENT_EVENTS = frozenset(
    stem(w)
    for w in "referrals appointments attendances admissions consultations visits contacts "
    "assessments episodes treatments tests checks".split()
)
# Words for a service's start, the event a "when" question most often asks the date of.
START_EVENTS = frozenset(
    stem(w)
    for w in "start started began begin opened open launched launch live introduced rolled "
    "commenced established".split()
)
QUESTION_WORDS = frozenset(
    stem(w) for w in "many much long number quick quickly soon often".split()
)
# words that restate "how many" or "how much" ("the number of", "roughly"): no measure
FRAME_WORDS = frozenset(
    stem(w) for w in "number amount figure roughly approximately approx".split()
)
# "total number of diabetics registered" restates "how many" for a count; a total cost or time
# is what a cost per visit or a wait per patient does not give
COUNT_FRAME_WORDS = frozenset({stem("total")})
# Words that restate "when" in a question for a date ("start date month yr")
DATE_FRAME_WORDS = frozenset(stem(w) for w in "date dates day month yr exact".split())
# "how common", "how often": the question's way of asking for a rate, no measure of its own
_HOW_COMMON = re.compile(
    r"\bhow (common|often|frequent|frequently|prevalent|likely|widespread)\b", re.I
)
LEAD_CHARS = 700  # an article's lead: its headline, dateline and first lines
SENTENCE_CACHE = 20_000  # sentence vectors kept (1.5 kB each)
MEASURE_CACHE = 20_000  # sentences whose figures' measures are kept
_MEASURE_CACHE: LRUCache[str, tuple[tuple[str, str], ...]] = LRUCache(maxsize=MEASURE_CACHE)
_MEASURE_LOCK = threading.Lock()
_FORM_CACHE: LRUCache[str, tuple[bool, frozenset[str]]] = LRUCache(maxsize=MEASURE_CACHE)
_NOUN_CACHE: LRUCache[str, tuple[tuple[str, ...] | None, ...]] = LRUCache(maxsize=MEASURE_CACHE)


# The kinds of value a question asks for that a figure of the sentence can give.
def _fits(kind: str | None, value: str) -> bool:
    if kind == "money":
        return value.startswith("£")
    if kind == "percent":
        return value.endswith("%")
    if kind == "duration":
        return is_time(value)
    return kind in ("number", "rate")


def measured(sentence: str) -> tuple[tuple[str, str], ...]:
    """(value, the words that name its measure) for each figure of a sentence."""
    with _MEASURE_LOCK:
        known = _MEASURE_CACHE.get(sentence)
    if known is None:
        known = tuple(
            (n.figure.value, f"{n.measure} {n.figure.noun}")
            for n in named_figures(sentence, results=False)
        )
        with _MEASURE_LOCK:
            _MEASURE_CACHE[sentence] = known
    return known


def read_forms(sentence: str) -> tuple[bool, frozenset[str]]:
    """Whether the sentence reports a result (a before and after, a change, a share, a row of a
    results table), and the words of what its numbers count ("16 opticians": optician)."""
    with _MEASURE_LOCK:
        known = _FORM_CACHE.get(sentence)
    if known is None:
        figures = find_figures(sentence)
        result = table_row(sentence.strip()) is not None or any(
            f.kind in ("pair", "change", "share") for f in figures
        )
        counted = frozenset(t for f in figures if f.kind == "count" for t in content_terms(f.noun))
        known = (result, counted)
        with _MEASURE_LOCK:
            _FORM_CACHE[sentence] = known
    return known


# Who does something, by form: "run by GP Care", "funded jointly by NHS Saltmere CCG", and a named
# speaker ("Dr David Peel, Clinical Lead ..., said:").
_AGENT = re.compile(
    r"\b(?:run|provided|led|funded|commissioned|delivered|operated|managed|paid for|set up|"
    r"developed|hosted|employed|staffed|organised|chaired|coordinated|co-ordinated|overseen|"
    r"administered|supervised|directed|facilitated)\s+(?:jointly\s+|together\s+|entirely\s+)?"
    r"by\s+(?:the\s+)?(?:[A-Z]|(?:[a-z-]+\s){0,4}?(?:team|service|department|unit|staff)\s"
    r"(?:at|of|from|in)\s+(?:the\s+)?[A-Z])"  # "run by the community respiratory team at X"
    # "awarded a five-year contract to Halsterby Community Health Partnership"
    r"|\b(?:awarded|given|let)\s+(?:a|the)\s+(?:[\w-]+\s){0,3}?contract\s+to\s+(?:the\s+)?[A-Z]"
    r"|\b(?:sub)?contracted\s+(?:out\s+)?to\s+(?:the\s+)?[A-Z]"
)
_SAID = re.compile(r"\b(?:said|says|explained|added)\b|:\s*$")
_NAMED_PERSON = re.compile(
    r"\b(?:Dr|Mr|Mrs|Ms|Miss|Mx|Professor|Prof)\.? [A-Z]|\b[A-Z][a-z]+ [A-Z][a-z]+,"
)


# "GP Care runs the centres", "Tennick Respiratory Partnership provides ...": an organisation
# named before a verb of running a service.
_RUNS = re.compile(
    r"(?:^|[^.;:]\s)(?:the\s)?(?:[A-Z][\w&'’-]*\s){1,6}(?:runs|operates|provides|delivers|"
    r"manages|hosts|employs|has run|has provided)\b"
)


def names_provider(sentence: str) -> bool:
    """Whether the sentence names who runs something: "run by GP Care", "GP Care runs ..."."""
    if _AGENT.search(sentence):
        return True
    found = _RUNS.search(sentence)
    if found is None:
        return False
    words = found.group(0).split()
    # a capitalised word other than the sentence's first ("The team provides" names no one)
    return any(w[0].isupper() for w in words[1:-1]) or (
        found.start() > 0 and any(w[0].isupper() for w in words[:-1])
    )


def names_agent(sentence: str) -> tuple[bool, bool]:
    """Whether the sentence names who does something ("run by ..."), and whether it names a
    person speaking ("Dr ..., said:")."""
    speaker = bool(_SAID.search(sentence) and _NAMED_PERSON.search(sentence))
    return _AGENT.search(sentence) is not None, speaker


def _bare_count(sentence: str) -> bool:
    """Whether the sentence gives a count that names nothing it counts, as one going on from the
    sentence before does ("In April to September 2024 there were 861, a reduction of 16%")."""
    return any(
        not _YEAR.fullmatch(m.group("v"))
        and not re.match(r"\s?(?:%|per ?cent)", sentence[m.end() :])
        and not count_noun(sentence, m.end())
        for m in COUNT.finditer(sentence)
    )


def counts_asked(question: Question, sentence: str) -> bool:
    """Whether a number of the sentence counts the very thing a "how many" question asks for
    ("how many opticians" -> "at 16 opticians", not "3,240 patients ... at a local optician")."""
    if question.focus is None:
        return False
    counted = read_forms(sentence)[1]
    if holds_focus(question.focus, counted) or question.focus_related & counted:
        return True
    # a before and after of the thing counted: "Heart failure admissions in this group fell from
    # 167 in the 12 months before joining to 98 in the 12 months after"
    if any(
        f.kind == "pair"
        and not f.value.endswith("%")
        and not f.value.startswith("£")
        and holds_focus(question.focus, set(content_terms(sentence[: f.start])))
        for f in find_figures(sentence)
    ):
        return True
    if question.focus in GENERIC_STAFF:  # "how many staff" -> "42 call handlers"
        return bool(STAFF & counted)
    # "how many diabetic patients" -> "the 4,000 diabetics": a word of what is counted, for people
    return question.focus in PATIENTS and bool(
        PATIENTS & counted & set(content_terms(question.counted))
    )


# A question that asks how things were before as well as now, and a sentence that says how they
# were before ("Before the clinic opened, women waited 38 weeks").
_ASKS_BEFORE = re.compile(
    r"\b(?:before|used to|previously|prior|originally|beforehand|baseline|compared? (?:with|to)"
    r"|compares?|vs\.?|versus|then and now)\b",
    re.I,
)
_SAYS_BEFORE = re.compile(
    r"\b(?:before|previously|used to|prior to|until|originally|baseline|formerly|had been)\b", re.I
)


# ... or how they are now: "now", or a result after the start ("In the 12 months after MECS
# launched, attendances fell to 10,650")
_SAYS_NOW = re.compile(
    r"\b(?:now|currently|today|these days|at present)\b|\b(?:fell|dropped|rose|increased|"
    r"decreased|reduced|came down|went up|improved) to\b|\bafter (?:the )?(?:\w+ ){0,3}?"
    r"(?:launched|began|started|opened|went live)\b",
    re.I,
)


def _then_or_now(sentence: str) -> str | None:
    """Whether a sentence says how things were before, how they are now, or neither."""
    if _SAYS_BEFORE.search(sentence):
        return "before"
    return "now" if _SAYS_NOW.search(sentence) else None


def _between(a: Candidate, b: Candidate) -> str:
    """What stands between a sentence and the next one, where one passage holds both."""
    for p in (a.passage, b.passage):
        if p.start <= a.end and b.start <= p.end:
            return p.text[a.end - p.start : b.start - p.start]
    return ""


def _holds_pair(sentence: str) -> bool:
    """Whether the sentence gives a before and an after ("fell from 22 weeks to 9 weeks")."""
    return any(f.kind == "pair" for f in find_figures(sentence))


def counts_other(question: Question, sentence: str) -> bool:
    """Whether every number of the sentence counts something other than what a "how many"
    question asks for ("how many patients" -> "eight specialist treatment centres")."""
    if question.focus is None or question.kind != "number":
        return False
    if says_counted_verb(question.focus, set(content_terms(sentence))):
        return False  # "1,065 women were referred": the women counted are the referrals
    nouns = counted_nouns(sentence)
    if not nouns or None in nouns:
        return False
    wanted = {question.focus, *question.focus_related}
    events: frozenset[str] = frozenset()
    if question.focus in GENERIC_STAFF:
        wanted |= STAFF
    if wanted & PATIENTS:  # people, or what happens to them ("66 new referrals")
        wanted |= PATIENTS
        events = PATIENT_EVENTS
    return not any(
        wanted.intersection(noun)
        or (noun and noun[-1] in events)  # the head: "referrals"
        or holds_focus(question.focus, set(noun))  # "call-outs": ("call", "out")
        for noun in nouns
        if noun is not None
    )


_YEAR_NUMBER = re.compile(r"(?:19|20)\d{2}")


def counted_nouns(sentence: str) -> tuple[tuple[str, ...] | None, ...]:
    """The stemmed words of what each figure of a sentence counts ("eight specialist treatment
    centres": specialist, treatment, centr), None for a figure of another form that may count
    something (a before and after); a sum of money or a share counts nothing and is left out."""
    with _MEASURE_LOCK:
        known = _NOUN_CACHE.get(sentence)
    if known is None:
        figures = find_figures(sentence)
        found = [
            tuple(content_terms(f.noun)) if f.kind == "count" else None
            for f in figures
            if f.kind not in ("money", "share")
        ]
        # counts that report no result still say what they count: "the nine practices in
        # Crestonby", "Two GPs ... at three surgeries"
        spans = [(f.start, f.end) for f in figures]
        for m in COUNT.finditer(sentence):
            if overlaps(spans, m.start(), m.end()) or _YEAR_NUMBER.fullmatch(m.group("v")):
                continue
            opens = not sentence[: m.start()].strip()
            if not (opens or re.search(r"\bthe\s$", sentence[max(0, m.start() - 4) : m.start()])):
                continue
            noun = count_noun(sentence, m.end())
            first = noun.split(" ")[0] if noun else ""
            if first and (first[0].islower() or first.removesuffix("s").isupper()):
                found.append(tuple(content_terms(noun)))
        known = tuple(found)
        with _MEASURE_LOCK:
            _NOUN_CACHE[sentence] = known
    return known


def measure_words(question: Question) -> list[str]:
    """The question's own words that may name a measure (not "how many"); a follow-up that
    names none ("and how many are there") takes its carried-over subject's."""
    body, _, context = question.text.partition(" (")
    for text in (body, context):
        words = [t for t in dict.fromkeys(content_terms(text)) if t not in QUESTION_WORDS]
        if words:
            return words
    return []


def gives_measure(question: Question, wanted: list[str], sentence: str) -> bool:
    """Whether a figure of the sentence is of the kind asked for and reports a measure the
    question names ("how many audiologists" -> "a team of five audiologists": staff)."""
    if not wanted:
        return False
    if question.kind == "date":
        # "when did it go live": a date with the event asked about ("was launched on 5 September")
        events = [
            t for t in wanted if t in START_EVENTS or question.related.get(t, set()) & START_EVENTS
        ]
        # (a start still to come does not say when it started, unless a plan is asked about);
        # any word for a start says when it started ("start date": "Live 3 Apr 23")
        terms = set(content_terms(sentence))
        return (
            bool(events)
            and bool(question.matched(events, terms) or START_EVENTS & terms)
            and (question.planned or claim_of(sentence).status != "projected")
        )
    people = PEOPLE & set(wanted)
    for value, words in measured(sentence):
        terms = set(content_terms(words))
        if _fits(question.kind, value) and (
            question.matched(wanted, terms) or people and PEOPLE & terms
        ):
            return True
    return False


@dataclass(frozen=True)
class Candidate:
    passage: Passage
    start: int  # offsets in the article's text
    end: int
    text: str
    score: float = 0.0
    semantic: float = 0.0
    lexical: float = 0.0
    why: tuple[str, ...] = ()  # in words, what raised or lowered the score (for the trace)
    # What the sentence's form added to its score (a result, a count of what is asked, who does
    # it) that the refusal model does not read as evidence: all of it when the sentence names
    # none of the places the question asks about.
    form_bonus: float = 0.0
    # The sentence before, when this one goes on about its subject ("In Bexley, GPs have put in
    # place a new service ... The service uses a clinic in Harley Street ...").
    context: str = ""
    # The sentences before that one where it too goes on from them ("Barking & Dagenham ...
    # identified ophthalmology ... Working together ..., they have developed a community based
    # ophthalmology service ... This will allow GPs and optometrists to refer"): their names
    # hold for this one.
    earlier: str = ""
    # The ranking features, in RANK_FEATURES' order; the score is their weighted sum.
    features: tuple[float, ...] = ()
    # The weighted share of what the question asks beyond its names that the sentence says,
    # read with the one it goes on from and its article's title and section heading: "declined
    # a bed" is not said by a sentence about Harwick's readmissions, however much of Harwick's
    # virtual ward it names.
    asked: float = 1.0
    # The question's words beyond its names that it says (what `asked` weighs), and the weight
    # of each word asked beyond names (the same for every sentence of a question).
    said: frozenset[str] = frozenset()
    asked_weights: tuple[tuple[str, float], ...] = ()


def asked_together(sentences: list[Candidate]) -> float:
    """The weighted share of what is asked beyond names that the sentences say between them."""
    if not sentences or not sentences[0].asked_weights:
        return 1.0
    weights = dict(sentences[0].asked_weights)
    said = frozenset().union(*(c.said for c in sentences))
    return sum(v for t, v in weights.items() if t in said) / sum(weights.values())


@dataclass(frozen=True)
class Section:
    """A part of an article from its heading on: the names asked about that the heading names,
    and whether the heading is another name's ("FENNIMOOR" when Ravelstoke is asked about)."""

    start: int  # offset of the heading in the article's text
    names: frozenset[str]
    other: bool
    # the heading's content terms, which count for the lines below it as a title's words do
    # ("Service 2: Community Heart Failure Service" over "Service started: 1 November 2021.")
    terms: frozenset[str] = frozenset()
    # a heading over the state before the service ("Slide 2: Why we changed", "Background")
    background: bool = False
    # a numbered part beside the one asked about ("4.3.2 Continence" when podiatry is asked
    # about under "4.3.1 Adult podiatry"), or a part within it
    other_part: bool = False


# Headings over the state before a service: its lines give the before, not the result.
BACKGROUND_HEADING = re.compile(
    r"\b(?:background|why we (?:did it|changed|acted|started|needed)|why change|the problem|"
    r"the challenge|the case for change|baseline|starting point|before the (?:service|scheme|"
    r"pilot|change|hub|clinic)|how (?:it|things) (?:was|were|used to))\b",
    re.I,
)


def _first_article(passages: list[Passage]) -> str:
    """The article of the passage retrieval ranked first."""
    return min(passages, key=lambda p: p.rank).doc_id


def _in_context(c: Candidate) -> str:
    """The sentence as it is embedded: after its article's title."""
    return f"{c.passage.title}: {c.text}" if c.passage.title else c.text


# an article's tables: the offsets of each one's first line and of its end, and its header
Tables = tuple[tuple[int, int, str], ...]


def header_of(tables: dict[str, Tables], c: Candidate) -> str:
    """The header of the table whose row the sentence is, "" for no table row."""
    for first, end, header in tables.get(c.passage.doc_id, ()):
        if first < c.start <= end:
            return header
    return ""


def section_at(sections: list[Section], offset: int) -> Section | None:
    """The section an offset of the article falls in (None before the first heading)."""
    found = None
    for section in sections:
        if section.start > offset:
            break
        found = section
    return found


# What a candidate sentence's score is made of: each feature times the weight of that name in
# ExtractiveWeights. Penalties are -1 when they apply, so every weight is positive.
RANK_FEATURES = (
    "semantic",  # cosine of the sentence to the question
    "lexical",  # weighted share of the question's words in the sentence
    "passage",  # cosine of its passage to the question
    "type_match",  # +1 when it gives the kind of value asked for, -1 when it does not
    "measure_match",
    "result_form",
    "result_for_change",
    "direct_count",
    "agent",
    "speaker",
    "baseline",
    "national",
    "missing_name",
    "lead_in",
    "asked",  # share of what the question asks beyond its names that it says (Candidate.asked)
)
# The features of a sentence's form, which the refusal model does not read as evidence.
FORM_FEATURES = ("result_form", "result_for_change", "direct_count", "agent", "speaker")


# A sentence that opens by referring back to the one before ("The service", "It", "They").
_REFERS_BACK = re.compile(
    r"^\W*(?:the|this|these|that|those|it|its|they|their|such|both|each|he|she|his|her)\b", re.I
)


# A sentence that goes on from the figure before it: "That is below the aim of 2,400".
_GOES_ON = re.compile(
    r"^\W*(?:that|this|these|those)\s+(?:is|was|are|were|means|meant|represents|compares)\b"
    r"|^\W*of (?:these|those|them|whom)\b",
    re.I,
)


_PARAGRAPH_NUMBER = re.compile(r"\s*\d{1,2}(?:\.\d{1,2})+\.?\s+(?=[A-Z])")
# A numbered item's title: a number, words and no full stop or figure ("2. Falls service - update")
_ITEM_TITLE = re.compile(r"\s*\d{1,2}(?:\.\d{1,2})*\.?\s+[A-Z][^.!?:;|\d]*$")


# A pronoun inside a sentence that names nothing itself ("Working with their local provider
# they are providing ..."): it goes on about the subject of the sentence before.
_PRONOUN = re.compile(
    r"\b(?:they|their|it|its|this|these"
    # "In the first year the figure was 36%": the figure, rate or share of the sentence before
    r"|(?:the|that) (?:figure|rate|proportion|share|percentage)(?! of\b))\b",
    re.I,
)
# a capital inside a sentence: a name it gives itself ("In June" names a month, not a subject)
_NAME_INSIDE = re.compile(r"(?<=\s)(?!(?i:" + MONTH_NAMES + r")\b)[A-Z]")


def _spells(name: str, text: str) -> bool:
    """Whether the text writes out an acronym the question names ("first contact
    physiotherapy" for FCP)."""
    return name.removesuffix("s").isupper() and spelled_out(name, [text]) is not None


def refers_back(text: str) -> bool:
    """Whether a sentence goes on about the subject of the one before ("It now visits ...")."""
    if _REFERS_BACK.match(text):
        return True
    return _PRONOUN.search(text) is not None and _NAME_INSIDE.search(text.strip()) is None


def _short_value_alone(text: str, min_terms: int) -> bool:
    """A short sentence that gives a value and names nothing ("Our target is 8 weeks."): it
    goes on about what the sentence before measures."""
    return (
        len(content_terms(text)) <= min_terms
        and _SHORT_VALUE.search(text) is not None
        and _NAME_INSIDE.search(text.strip()) is None
    )


def candidate_sentences(passages: list[Passage], min_terms: int) -> list[Candidate]:
    """Every sentence of the passages once, except the headline and fragments."""
    seen: set[tuple[str, int]] = set()
    out = []
    for passage in passages:
        previous: tuple[int, int] | None = None
        # what each sentence that goes on from the ones before it goes on from
        carried: dict[tuple[int, int], tuple[str, str]] = {}
        for s, e in sentence_spans(passage.text):
            s0 = s
            numbered = _PARAGRAPH_NUMBER.match(passage.text, s, e)
            if numbered:  # "6.1 The Board is asked to ...": the number is no figure
                s = numbered.end()
            text = passage.text[s:e]
            before, previous = previous, (s, e)
            key = (passage.doc_id, passage.start + s)
            # The headline (offset 0) summarises, and a heading or caption names a part; the
            # evidence is in the body.
            if key in seen or passage.start + s == 0:
                continue
            heading = ""
            if len(content_terms(text)) < min_terms:
                # a short line with a figure ("6,840 appointments" on a slide) is read with the
                # heading above it ("Slide 4: Activity - Year 1"); a short sentence with a value
                # ("The wait is now under a fortnight.") with the one before it
                heading = _heading_above(passage.text, s) if _SHORT_RESULT.match(text) else ""
                if not heading and _SHORT_VALUE.search(text):
                    if before is None:
                        heading = _last_sentence_before(passages, passage)
                    elif "\n\n" not in passage.text[before[1] : s]:
                        heading = passage.text[before[0] : before[1]]
                if not heading:
                    continue
            if is_heading(text) or _asks(text) or _header_row(passage.text, e):
                continue
            if _ITEM_TITLE.match(passage.text, s0, e):
                continue  # "2. Community falls service - update from Kwame Asante": a title
            seen.add(key)
            context = heading
            earlier = ""
            if not heading and (refers_back(text) or _short_value_alone(text, min_terms)):
                if before is not None:
                    if "\n\n" not in passage.text[before[1] : s]:  # the same paragraph
                        context = passage.text[before[0] : before[1]]
                        earlier = " ".join(x for x in carried.get(before, ("", "")) if x)
                else:  # the first sentence of a passage: the last of the passage before it
                    context, earlier = _sentences_before(passages, passage)
                carried[previous] = (earlier, context)
            out.append(
                Candidate(
                    passage,
                    passage.start + s,
                    passage.start + e,
                    text,
                    context=context,
                    earlier=earlier,
                )
            )
    return out


def _asks(text: str) -> bool:
    """A sentence that asks ("What is the service?", an FAQ's question) answers nothing."""
    return text.rstrip(" \"'”’*").endswith("?")


_SEPARATOR_ROW = re.compile(r"\n\s*\|[\s:|-]*-[\s:|-]*\|?\s*(?:\n|$)")


def _header_row(text: str, end: int) -> bool:
    """A table's header row ("| Indicator | Target | Q2 actual |" over "|---|---|") names the
    columns and answers nothing."""
    if not text[:end].rstrip().endswith("|"):
        return False
    if _SEPARATOR_ROW.match(text, end):
        return True
    # one whose separator is cut off (a passage's last line), or a table with none (from a
    # web page): every cell a word or a period ("| Measure | 2022/23 | 2023/24 |"), no figure
    start = text.rfind("\n", 0, end) + 1
    row = text[start:end].strip()
    cells = [_PERIOD_LABEL.sub("", c).strip() for c in row.strip("|").split("|")]
    if any(re.match(r"[-+£$]?\s?\d", c) for c in cells if c):
        return False
    # of two columns, the first row of a table over another row ("| Key question | Rating |")
    before = text[text.rfind("\n", 0, max(0, start - 1)) + 1 : start].strip()
    first = start > 0 and not before.startswith("|") and text[end:].lstrip(" ").startswith("\n|")
    return len(cells) >= 3 or (len(cells) == 2 and first)


# a column's period: "2022/23", "Q2 2024/25", "2023"
_PERIOD_LABEL = re.compile(r"\b(?:Q[1-4]\s)?(?:19|20)\d\d(?:[/-]\d\d)?\b", re.I)


# A line of its own that gives a figure and what it counts ("6,840 appointments", "DNA rate 4.8%").
_SHORT_RESULT = re.compile(r"^(?=.*\d)(?=.*[A-Za-z]{3})[^.!?]{3,60}$")
# A short sentence that gives a value ("It fell to 27.", "The wait is now under a fortnight.").
_SHORT_VALUE = re.compile(
    r"\d|\b(?:fortnight|weeks?|months?|days?|hours?|half|third|quarter)\b", re.I
)


def _heading_above(text: str, offset: int) -> str:
    """The nearest section heading above a line of the passage, if the passage holds one."""
    if offset > 0 and text[offset - 1] != "\n":
        return ""
    for line in reversed(text[:offset].split("\n")):
        if is_section_heading(line):
            return line.strip()
    return ""


def _last_sentence_before(passages: list[Passage], passage: Passage) -> str:
    """The last sentence of the same paragraph that a retrieved passage of the same article
    holds just before `passage` starts, else ""."""
    return _sentences_before(passages, passage)[0]


def _sentences_before(passages: list[Passage], passage: Passage) -> tuple[str, str]:
    """The last sentence of the same paragraph that a retrieved passage of the same article
    holds just before `passage` starts, and the one before that where the last goes on from it
    ("", "" for none)."""
    for other in passages:
        if other.doc_id != passage.doc_id or not other.start < passage.start <= other.end + 2:
            continue
        upto = passage.start - other.start
        spans = [(s, e) for s, e in sentence_spans(other.text) if e <= upto]
        if spans and "\n\n" not in other.text[spans[-1][1] : upto]:
            last = other.text[spans[-1][0] : spans[-1][1]]
            if (
                len(spans) > 1
                and refers_back(last)
                and "\n\n" not in other.text[spans[-2][1] : spans[-1][0]]
            ):
                return last, other.text[spans[-2][0] : spans[-2][1]]
            return last, ""
    return "", ""


# A national figure beside the local one ("Nationally, around 59% of patients ... finish it").
_NATIONAL = re.compile(
    r"\b(?:nationally|national (?:average|figure|rate|data)|(?:england|uk|national) average"
    r"|(?:for|by|in) comparison|across england|for context|office for national statistics"
    r"|in the uk)\b",
    re.I,
)
# The state before a service began ("Before the service opened, patients waited 17 weeks").
BEFORE_SERVICE = "the state before the service"
_BASELINE = re.compile(
    r"\b(?:before the (?:\w+ )?(?:service|scheme|pilot|clinics?|team|hubs?|centres?|programme)s? "
    r"(?:opened|started|began|launched|was set up)|previously|used to|in the year before)\b"
    r"|^\W*(?:[AQ]: )?(?:Before|Prior to|Until)\b(?![^.;]*\b(?:now|today|currently)\b)",
    re.I,
)
# a sentence of the state before the service alone ("Before MECS began, ... had 14,200
# attendances"), with no now beside it
_OPENS_BEFORE = re.compile(
    r"^\W*(?:[AQ]: )?(?:Before|Prior to|Until)\b(?![^.;]*\b(?:now|today|currently|since)\b)"
)
_NATIONAL_ASKED = re.compile(
    r"\b(?:national\w*|england|uk|country|britain|benchmarks?|neighbour\w*|next door|"
    r"nearby|elsewhere)\b",
    re.I,
)
# A year or financial year: "2021", "2021/22", "2021-22", "23/24".
_YEAR = re.compile(
    r"(?<![\d/£.,])(?:(?P<y>(?:19|20)\d\d)(?:\s?[/–-]\s?(?P<next>(?:20)?\d\d))?|"
    r"\b(?:in|for|during|FY) (?P<short>[0-4]\d)/(?P<short_next>[0-4]\d)|"
    # staff's bare "savings 23/24" (a year from 2015 on, so not a score such as "12/13 seen")
    r"\b(?P<bare>[1-3]\d)/(?P<bare_next>[1-3]\d))(?![\d/%])"
)
# A year the question sets against its answer's ("since 2021", "before 2020") is no year asked.
_YEAR_RELATIVE = re.compile(
    r"\b(?:since|from|after|before|until|till|by|to|between|and|than|ago|prior to)\s+"
    r"(?:(?:the )?(?:end|start|spring|summer|autumn|winter|[a-z]+ of) )?(?:[A-Za-z]+ )?$",
    re.I,
)


# A number after a comparison is a level, not a year ("over 2000", "above 2000 ng/L").
_THRESHOLD = re.compile(
    r"(?:\b(?:over|above|under|below|exceeding|(?:more|less|fewer) than)|[<>≥≤])\s*$", re.I
)


# why a sentence of other years than those a question asks about gives none of what it asks
OTHER_YEAR = "names another year"
# A sentence under a heading that names another place than the one asked about
OTHER_SECTION = "under another place's heading"
# A sentence under a numbered part beside the one the question asks about
OTHER_PART = "under another numbered part"


def financial_years(text: str, asked: bool = False) -> frozenset[int]:
    """The financial years a text names, by their first year ("2021/22", "22/23": 2021, 2022);
    with `asked`, only those a question asks about."""
    return frozenset(first for first, financial in _years(text, asked) if financial)


# A quarter of a year: "Q2", "quarter 3", "the third quarter".
_QUARTER = re.compile(
    # "the last quarter of 2024" is the fourth; a "Last quarter" column is the one before
    r"\bQ([1-4])\b|\bquarter ([1-4])\b|\b(first|second|third|fourth|final|last(?= quarter of))"
    r" quarter\b",
    re.I,
)
# "compared with the quarter before", "and the previous quarter": the quarter before the one asked
_QUARTER_BEFORE = re.compile(
    r"\b(?:the )?(?:quarter before|previous quarter|preceding quarter|prior quarter|last quarter)"
    r"(?! of)\b",
    re.I,
)
_QUARTER_WORDS = {"first": 1, "second": 2, "third": 3, "fourth": 4, "final": 4, "last": 4}


# A year of a service's life: "in year one", "its second year", "yr 2", "the first 12 months".
_SERVICE_YEAR = re.compile(
    r"\b(?:year|yr)\s?(one|two|three|four|[1-4])\b(?![.,]\d|\s?%)"
    r"|\b(first|second|third|fourth|1st|2nd|3rd|4th) (?:full |whole |complete )?(?:year|yr)\b"
    r"|\bfirst (?:12|twelve) months\b",
    re.I,
)
_SERVICE_YEAR_WORDS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "first": 1, "second": 2, "third": 3, "fourth": 4,
    "1st": 1, "2nd": 2, "3rd": 3, "4th": 4,
}  # fmt: skip


def service_years(text: str) -> frozenset[int]:
    """The years of a service's life a text names ("year one", "in its second year": 1, 2)."""
    found = set()
    for m in _SERVICE_YEAR.finditer(text):
        word = (m.group(1) or m.group(2) or "first").lower()
        found.add(int(word) if word.isdigit() else _SERVICE_YEAR_WORDS[word])
    return frozenset(found)


def quarters_named(text: str, asked: bool = False) -> frozenset[int]:
    """The quarters of a year a text names ("Q2 2024/25", "in the third quarter"); of a
    question (`asked`), with the quarter before one it names where it asks for that too ("in Q2,
    compared with the quarter before")."""
    named = frozenset(
        int(m.group(1) or m.group(2)) if not m.group(3) else _QUARTER_WORDS[m.group(3).lower()]
        for m in _QUARTER.finditer(text)
    )
    if asked and named and _QUARTER_BEFORE.search(text):
        named |= {(q - 2) % 4 + 1 for q in named}
    return named


# A span a measure is counted over: "30-day readmissions", "90 day readmission rate", "within
# 14 days", "a 4-week quit", as hours (a week is a week however it is written).
_SPAN = re.compile(
    r"\b(\d+)[- ](hour|day|week|month)\b(?!s)|\bwithin (\d+) (hour|day|week|month)s?\b", re.I
)
_SPAN_HOURS = {"hour": 1, "day": 24, "week": 24 * 7, "month": 24 * 30}
OTHER_SPAN = "counts over another span of time"
NATIONAL_FIGURE = "a national comparison"


def spans_named(text: str) -> frozenset[int]:
    """The spans of time a text counts a measure over, in hours ("30-day readmissions": 720)."""
    return frozenset(
        int(m.group(1) or m.group(3)) * _SPAN_HOURS[(m.group(2) or m.group(4)).lower()]
        for m in _SPAN.finditer(text)
    )


# A financial year told by its months: "between April 2023 and the end of March 2024", "from
# April 2023 to March 2024", "Apr 23 - Mar 24"
_MONTHS_OF_FINANCIAL_YEAR = re.compile(
    r"\bapr(?:il)?\.? (?P<first>(?:20)?\d{2})\b[^.;|]{0,25}?\bmar(?:ch)?\.? "
    r"(?P<second>(?:20)?\d{2})\b",
    re.I,
)


def _years(text: str, asked: bool) -> list[tuple[int, bool]]:
    """Each year or financial year a text names, as its first year and whether it is a financial
    year; with `asked`, not those a question counts from ("since 2021")."""
    found = []
    spans = []
    for m in _MONTHS_OF_FINANCIAL_YEAR.finditer(text):
        first, second = (int(m.group(g)[-2:]) for g in ("first", "second"))
        if second == first + 1:
            found.append((2000 + first, True))
            spans.append((m.start(), m.end()))
    for m in _YEAR.finditer(text):
        if any(start <= m.start() < end for start, end in spans):
            continue
        if asked and _YEAR_RELATIVE.search(text, max(0, m.start() - 30), m.start()):
            continue
        if _THRESHOLD.search(text, max(0, m.start() - 20), m.start()):
            continue  # "NT-proBNP over 2000": a level, no year
        if m.group("y"):
            first = int(m.group("y"))
            following = m.group("next")
            found.append((first, bool(following) and int(following[-2:]) == (first + 1) % 100))
        elif m.group("short") and int(m.group("short_next")) == int(m.group("short")) + 1:
            found.append((2000 + int(m.group("short")), True))
        elif (
            asked
            and m.group("bare")
            and 15 <= int(m.group("bare")) == int(m.group("bare_next")) - 1
        ):
            found.append((2000 + int(m.group("bare")), True))
    if asked and found and _YEAR_BEFORE.search(text):
        # "in 2023/24, and what was it the yr before?" asks of 2022/23 too
        found += [(first - 1, financial) for first, financial in found]
    return found


_YEAR_BEFORE = re.compile(
    r"\b(?:the|a) (?:year|yr) (?:before|earlier)\b|\b(?:previous|prior|preceding) (?:year|yr)\b",
    re.I,
)


def years_named(text: str, asked: bool = False) -> frozenset[int]:
    """The years a text names, a financial year as both of its years ("2021/22": 2021 and 2022);
    with `asked`, only those a question asks about (not "since 2021")."""
    return frozenset(
        year
        for first, financial in _years(text, asked)
        for year in ((first, first + 1) if financial else (first,))
    )


# The title of a numbered part of a paper, on a line of its own.
_PART_TITLE = re.compile(r"(?:section|part|item|service|appendix|annex|chapter)\s+\d+[.:]\s", re.I)
_CAPTION = re.compile(r"^(?:table|figure|chart|box)\s+\d+[.:]", re.I)


def is_heading(text: str) -> bool:
    """A section heading in capitals, a caption ("Table 1: ...") or a numbered part's title
    ("Item 7: Community Anticoagulation Service"): it names a part of an article and answers
    nothing."""
    text = text.strip()
    if _PART_TITLE.match(text) and not text.endswith("."):
        return True  # "Service 1: Community IV Therapy Service, Dunmere", "Item 7: ..."
    return bool(_CAPTION.match(text)) or (text.isupper() and len(text) > 3)


def _overlap(a: str, b: str) -> float:
    ta, tb = set(content_terms(a)), set(content_terms(b))
    if not ta or not tb:
        return 0.0
    return len(ta & tb) / min(len(ta), len(tb))


_FIGURE = re.compile(r"\d[\d,.]*%?")


def _says_the_same(a: str, b: str, limit: float) -> bool:
    """Whether two sentences of different articles say the same: most words shared and the same
    figures ("readmissions within 30 days dropped by 41%" and "... from 24% to 15%" do not)."""
    return _overlap(a, b) > limit and set(_FIGURE.findall(a)) == set(_FIGURE.findall(b))


def _as_sentence(quote: str) -> str:
    """A quote ready to stand in an answer: unmatched quotation marks dropped."""
    text = quote.strip()
    for open_mark, close_mark in (("“", "”"), ('"', '"')):
        count = text.count(open_mark) + (text.count(close_mark) if open_mark != close_mark else 0)
        if count == 1:
            text = text.replace(open_mark, "").replace(close_mark, "")
    return text


def refusal(
    question: str,
    passages: list[Passage],
    why: str,
    reason: str,
    evidence: Evidence | None = None,
    answer_type: str | None = None,
) -> Answer:
    """The refusal text, why, and the passages that were looked at."""
    return Answer(
        question,
        f"{REFUSAL} {why}",
        True,
        [],
        passages,
        reason=reason,
        evidence=evidence,
        answer_type=answer_type,
    )


NEAREST = 3  # closest passages a refusal offers
FIGURES = frozenset({"money", "percent", "rate", "duration", "number"})  # kinds that are figures


def places_not_named(question: Question, best: Candidate, passages: list[Passage]) -> list[str]:
    """The places and bodies the question names (not acronyms or years) that the best
    sentence's article never mentions in its title or retrieved passages: "hearing test waits
    in Tennick" is not answered from the Fernleigh hearing clinic's article."""
    names = [
        n
        for n in question.names
        if not n.removesuffix("s").isupper()  # an acronym ("DNAs")
        and not any(c.isdigit() for c in n)
    ]
    if not names:
        return []
    article = " ".join(f"{p.title} {p.text}" for p in passages if p.doc_id == best.passage.doc_id)
    terms = set(content_terms(article))
    missing = [
        n
        for n in names
        if not mentions(n, article)
        and not question.related.get(stem(n.lower()), frozenset()) & terms  # in other words
    ]
    if len(missing) < len(names):
        # "I'm new to the South West ... the diabetes set-up in Plymouth - which trust ...": a
        # name told only in the asker's situation, beside one the article gives, sets the scene
        _, request = situation_and_request(question.text.partition(" (")[0])
        missing = [n for n in missing if mentions(n, request)]
    return missing


# "in Newcastle", not "in September" or "on Mondays"
_IN_PLACE = re.compile(
    r"\b(?:[Ii]n|[Aa]cross|[Aa]round)\s+(?:the\s+)?(?!(?:January|February|March|April|May|June|"
    r"July|August|September|October|November|December|Monday|Tuesday|Wednesday|Thursday|Friday|"
    r"Saturday|Sunday)s?\b)([A-Z][a-z]+)"
)


def _names_another_place(sentence: str, question: Question) -> bool:
    """Whether the sentence names a place ("in Newcastle") the question does not."""
    asked = {n.lower() for n in question.names}
    return any(m.group(1).lower() not in asked for m in _IN_PLACE.finditer(sentence))


# a local body named by its place: "The Dartford, Gravesham & Swanley Clinical Commissioning
# Group's focus ..."
_PLACES_BODY = re.compile(
    r"\b((?:[A-Z][\w'’-]+,?\s(?:&\s|and\s)?){1,5})(?:Clinical Commissioning Group|CCG|ICB|"
    r"Integrated Care Board|Council|Primary Care Network|PCN)\b"
)


def names_its_own_place(sentence: str, question: Question) -> bool:
    """Whether the sentence names a body by a place the question does not ask about: the
    sentence before it then says nothing of where it is (but "a clinic in Harley Street" is
    still where the place of the sentence before has its scans)."""
    asked = [n for n in question.names if not n.isupper()]
    return any(
        not any(mentions(n, m.group(1)) for n in asked) for m in _PLACES_BODY.finditer(sentence)
    )


_TODAY = re.compile(r"\btoday\b", re.I)
# A question for the one who spoke: "the spokesperson", "who gave the quote", "job title".
_ASKS_SPEAKER = re.compile(
    r"\bspokes(?:person|man|woman|people)\b|\bquote[ds]?\b|\bjob title\b|\bthank\w*"
    r"|\bwho (?:said|spoke|announced)\b",
    re.I,
)
# Words for what a commissioner does, which a sentence naming one says.
_COMMISSIONING = frozenset(
    stem(w)
    for w in "commission commissions commissioned commissioning pay pays paid paying fund funds "
    "funded funding buy buys bought".split()
)


def says_today(c: Candidate) -> bool:
    """A sentence of a dated article that says "today" ("has today announced"): the article's
    date is its day."""
    return bool(c.passage.date) and _TODAY.search(c.text) is not None


# A sentence that says a figure is still to come gives none ("the effect will be reported in
# Q4", "results are awaited", "it is too early to say").
_NOT_YET = re.compile(
    r"\b(?:will|is to|are to|has yet to|have yet to) be (?:reported|published|known|available|"
    r"evaluated|measured|confirmed|assessed|analysed)\b|\bnot yet (?:available|known|reported|"
    r"published|been (?:reported|published|measured|evaluated))\b|\btoo early to (?:say|tell)\b|"
    r"\b(?:results?|figures?|data|findings) (?:are|is) (?:still )?awaited\b",
    re.I,
)


# A question about a wait ("how long did patients wait") is answered by a length of time that
# is a wait, not by any length of time ("journeys of six hours or more").
_WAIT_ASKED = re.compile(r"\bwait(?:s|ed|ing)?\b|\bwaiting times?\b", re.I)
_SAYS_WAIT = re.compile(
    r"\b(?:wait\w*|within|delay\w*|queue\w*|seen (?:in|on|the)|time (?:to|from|between|taken)|"
    r"turn ?(?:a)?round|respon(?:se|d\w*)|(?:from|after) (?:referral|diagnosis)|same[- ]day|"
    r"lead time|backlog)\b",
    re.I,
)


def other_length_of_time(question: Question, c: Candidate) -> bool:
    """For a question about a wait, a sentence whose length of time is no wait (nor goes on
    from one about a wait: "Patients waited 22 weeks. In year one this fell to 9 weeks.")."""
    return (
        question.kind == "duration"
        and _WAIT_ASKED.search(question.text) is not None
        and _SAYS_WAIT.search(c.text) is None
        and not (c.context and _SAYS_WAIT.search(c.context))
    )


# "what does it cost to run", "annual running cost": asks what a service costs in all, which a
# saving, or what one visit costs, does not say
_RUNNING_COST_ASKED = re.compile(
    r"\brunning costs?\b|\bcosts? to run\b|\b(?:annual|yearly|total) (?:running )?cost\b|"
    r"\bcost (?:a|per|each) (?:year|yr)\b"
    # "annual budget or contract value", "how much does the ICB pay per year for it"
    r"|\b(?:annual|yearly|total|overall) (?:running )?(?:budget|spend|contract(?: value)?)\b"
    r"|\bcontract value\b|\bbudget\b|\b(?:pay|pays|paid)\b(?![^?.]*\b(?:drop|fell|fall|sav|"
    r"reduc|cut|less|lower|down)\w*)[^?.]{0,40}?\b(?:a|per|each) (?:year|yr|annum)\b",
    re.I,
)
_SAYS_COST = re.compile(
    r"\bcost(?:s|ing)?\b|\bspen[dt]\w*|\bbudget\w*|\bexpenditure\b|"
    r"\bcontract\b|\bfund(?:s|ed|ing)?\b|\bpaid\b|\binvest\w*",
    re.I,
)
_AVOIDED = re.compile(r"\bavoided costs?\b|\bcosts? (?:avoided|saved|savings?)\b", re.I)
_UNIT_COST = re.compile(
    r"^\W*(?:\d{1,2}[.)]\s+)?(?:each|a|an|one)\s+(?:[\w-]+\s+){1,4}costs?\b|\bcosts? per\b"
    r"|\bper (?!year|yr\b|annum)[a-z-]+\b|\bcost of (?:a|an|each|one) (?!year\b)[a-z-]+"
    # "cost about £277 for each person who started a course", "£40 a head"
    r"|£[\d,.]+\s+(?:for (?:each|every) (?!year\b)[a-z-]+|a head)\b"
    # shorthand: "Teledermatology episode £74 vs face-to-face new £168"
    r"|\b(?:episode|visit|appointment|appt|session|test|scan|contact|attendance|consultation|"
    r"assessment|check)s?:?\s+£[\d,.]+(?!\s?(?:m|bn|k|million|billion)\b)",
    re.I,
)
# what one visit, patient or test costs ("cost of a single home visit", "cost per patient")
_UNIT_COST_ASKED = re.compile(
    r"\bcosts? (?:of )?(?:a single|one|each|an individual)\b|\bcosts? per (?!year|yr\b|annum)"
    r"|\bunit cost|\b(?:a single|each|one|per) (?:[\w-]+ ){0,3}(?:visit|appointment|session|"
    r"test|scan|contact|attendance|episode|consultation|referral|patient)s? cost\b"
    r"|\bdoes (?:a single|each) (?:[\w-]+ ){1,3}cost\b",
    re.I,
)
_TOTAL = re.compile(
    r"\b(?:a|per|each) year\b|\bannual\w*|\byearly\b|\bmillion\b|£[\d.,]+\s?m\b", re.I
)


# "what did it cost to set up", "one-off start-up money": asks what starting it cost, which what
# it costs a year to run does not say
_SETUP_COST_ASKED = re.compile(
    r"\b(?:set[- ]?up|start[- ]?up|one[- ]off|initial|capital|launch)\b[\w\s-]{0,20}?\b"
    r"(?:costs?|money|funding|spend|investment)\b|"
    r"\b(?:costs?|money|funding)\b[\w\s]{0,12}?\b(?:to|of|for) (?:set(?:ting)? (?:it |them )?up|"
    r"start(?:ing)? (?:it |them )?up|launch\w*)",
    re.I,
)
_SAYS_SETUP = re.compile(
    r"\bset[- ]?up\b|\bstart[- ]?up\b|\bone[- ]off\b|\binitial\b|\bcapital\b|"
    r"\bnon[- ]recurrent\b|\bpump[- ]prim\w*|\blaunch\w*|\bestablish\w*|\btransformation\b",
    re.I,
)


def other_cost(question: Question, c: Candidate) -> bool:
    """For a question about what a service costs to run, a sentence that gives no cost of it:
    a saving, or what one visit costs; for one about what one visit or patient costs, a sentence
    that gives no such cost; for one about what it cost to set up, a sentence that says nothing
    of setting it up."""
    if _SETUP_COST_ASKED.search(question.text) is not None:
        return _SAYS_SETUP.search(c.text) is None
    if question.kind == "money" and _UNIT_COST_ASKED.search(question.text) is not None:
        return _UNIT_COST.search(c.text) is None  # "cost of a single visit": not a year's cost
    if _RUNNING_COST_ASKED.search(question.text) is None:
        return False
    if _SAYS_COST.search(_AVOIDED.sub("", c.text)) is None:
        return True
    return _UNIT_COST.search(c.text) is not None and _TOTAL.search(c.text) is None


# "did it win the award": a sentence saying it was shortlisted does not say whether it won
_WON_ASKED = re.compile(r"\b(?:did|has|have|had)\b(?:\s+[\w'-]+){0,10}?\s+(?:win|won)\b", re.I)
_SHORTLISTED = re.compile(
    r"\bshort[- ]?listed\b|\bnominat\w*|\bfinalists?\b|\bwill be announced\b|\bin the running\b",
    re.I,
)
_WON = re.compile(r"\b(?:won|wins|winners? of|scooped|awarded|took home|picked up)\b", re.I)


def only_shortlisted(question: Question, chosen: list[Candidate]) -> bool:
    """For "did it win", sentences that say it was shortlisted and none that it won."""
    return (
        _WON_ASKED.search(question.text) is not None
        and any(_SHORTLISTED.search(c.text) for c in chosen)
        and not any(_WON.search(c.text) for c in chosen)
    )


# "when did it start", "when was it launched": asks when something happened, which a date a
# plan looks ahead to does not say
# "when did it open", not "when was it due to open"
_WHEN_DONE = re.compile(
    r"\bwhen (?:did|was|were|has|have)\b(?!(?:\s+[\w&-]+){0,14}\s+(?:due|expected|planned|"
    r"scheduled|set|meant|supposed|going|intended|hoped|aiming)\b)",
    re.I,
)


def still_to_come(question: Question, c: Candidate) -> bool:
    """For a question about what was done, a sentence that says the figure is still to come."""
    return question.achieved and _NOT_YET.search(c.text) is not None


# a row of an action log ("| 09/24-3 | Share the results with all practices | P Ramsden | Nov
# 2024 | Open |"): its date is when an action is due, not when anything was done
_ACTION_ROW = re.compile(
    r"\|\s*(?:open|closed|complete|completed|done|in progress|on track|overdue|ongoing)\s*\|\s*$",
    re.I,
)


NAMES_MEASURE = "names the measure asked about"


# kinds of answer given by a sentence's form rather than by the question's words
_SAID_IN_OWN_WORDS = frozenset({"eligibility", "referral", "payment"})


def gives_kind(question: Question, c: Candidate) -> bool:
    """Whether the sentence gives a value of the kind asked for; a date in "today", where its
    article is dated."""
    return holds_type(question.kind, c.text, question.expanded) or (
        question.kind == "date" and says_today(c)
    )


def _names_elsewhere(c: Candidate) -> bool:
    return any(why.startswith("does not name") for why in c.why)


def _claim(c: Candidate) -> Claim:
    """The standing of a sentence's figure; a table row's in a column of targets is projected."""
    claim = claim_of(c.text)
    at = c.start - c.passage.start
    header = table_header(c.passage.text, at)
    if claim.status == "achieved" and (
        in_plan_column(header, c.text) or under_expecting_lead(c.text, c.passage.text[:at])
    ):
        return dataclasses.replace(claim, status="projected")
    return claim


def _citations(sentences: list[Candidate]) -> list[Citation]:
    """The sentences as citations [1], [2], ... in the order given."""
    citations = []
    for n, c in enumerate(sentences, start=1):
        claim = _claim(c)
        citations.append(
            Citation(
                n,
                c.passage.doc_id,
                c.passage.title,
                c.passage.date,
                c.text,
                c.start,
                c.end,
                c.passage.rank,
                claim.status,
                claim.qualifier,
                claim.reported_by,
            )
        )
    return citations


def with_nearest(answer: Answer, nearest: list[Candidate]) -> Answer:
    """A refusal that says what it did find: the closest passages, each cited, none an answer."""
    if not answer.refused or not nearest:
        return answer
    citations = _citations(nearest)
    about = "; ".join(f"{c.title} [{c.n}]" for c in citations)
    text = f"{answer.answer} The closest passages, none of which answers it, are about: {about}."
    return dataclasses.replace(answer, answer=text, nearest=citations)


class ExtractiveAnswerer:
    """Scores each retrieved sentence against the question and quotes the best ones."""

    def __init__(
        self,
        embeddings: Embeddings,
        refusal_model: AnyRefusalModel | None = None,
        weights: ExtractiveWeights = EXTRACTIVE,
    ) -> None:
        self.embeddings = embeddings
        self.refusal = refusal_model
        self.weights = weights
        # The vectors of recently scored sentences, float32, the least recently used dropped
        # first, so that a server's memory stays flat however many questions it answers.
        self._sentence_vectors: LRUCache[str, Any] = LRUCache(maxsize=SENTENCE_CACHE)
        self._cache_lock = threading.Lock()

    def _vectors(self, texts: list[str]) -> list[Any]:
        import numpy as np

        known: dict[str, Any] = {}
        with self._cache_lock:
            for text in dict.fromkeys(texts):
                vector = self._sentence_vectors.get(text)
                if vector is not None:
                    known[text] = vector
        missing = [t for t in dict.fromkeys(texts) if t not in known]
        found = self.embeddings.embed_documents(missing) if missing else []
        fresh = {t: np.asarray(v, dtype=np.float32) for t, v in zip(missing, found, strict=True)}
        with self._cache_lock:
            self._sentence_vectors.update(fresh)
        return [known.get(t, fresh.get(t)) for t in texts]

    def score(
        self,
        question: Question,
        candidates: list[Candidate],
        sections: dict[str, list[Section]] | None = None,
        tables: dict[str, Tables] | None = None,
        own_names: dict[str, frozenset[str]] | None = None,
    ) -> list[Candidate]:
        """Candidates with an evidence score (about 0 to 1), best first. `sections` holds the
        sections of the articles with headings (Assistant.sections), `tables` the tables of the
        articles with their headers (KeywordIndex.table_headers), `own_names` the names asked about
        that an article names throughout (Assistant.own_names)."""
        if not candidates:
            return []
        import numpy as np

        w = self.weights
        text = question.text
        # A follow-up's carried-over subject, "(...)" at the end, helps find the article but
        # says less about which sentence answers than the question's own words.
        body, _, carried_over = text.partition(" (")
        # So does the asker's situation before the request ("I'm writing up the first year of
        # the frailty unit for our locality meeting - how many patients ...").
        situation, body = situation_and_request(body) if w.situation else ("", body)
        context = f"{situation} {carried_over}".strip()
        form = asked_form(body) if question.kind is None else None
        named = {stem(n) for n in question.names}
        # a place or body named in the situation is still the one asked about
        own = set(content_terms(body)) | (set(content_terms(situation)) & named)
        carried_terms = set(content_terms(carried_over))
        own_terms = measure_words(question)
        asking = {stem(m.group(1).lower()) for m in _HOW_COMMON.finditer(text)}
        q_terms = [
            t
            for t in dict.fromkeys(content_terms(text))
            if t in named
            or not (
                (question.kind in FIGURES and t in FRAME_WORDS)
                or (question.kind == "number" and t in COUNT_FRAME_WORDS)
                or (question.kind == "date" and t in DATE_FRAME_WORDS)
                or t in asking
            )
        ]
        sentence_terms = [question.matched(q_terms, set(content_terms(c.text))) for c in candidates]
        # A question word that few candidate sentences share says more about which one answers.
        n = len(candidates)
        weights = {
            t: math.log(1 + n / (1 + sum(t in terms for terms in sentence_terms)))
            * (w.named_term if t in named else 1.0)
            * (
                1.0
                if t in own or not context
                else (w.carried_term if t in carried_terms else w.situation_term)
            )
            for t in q_terms
        }
        total = sum(weights.values()) or 1.0
        # what is asked beyond names, but for the head noun of "which specialty" or "what app":
        # an answer names a specialty, not the word
        head = asked_head(body)
        category = stem(head) if head else None
        # and for "which ICB pays for it", the paying: a sentence that names the commissioner
        # says it ("commissioned by NHS Wrenmarsh and Easterby Integrated Care Board")
        paying = _COMMISSIONING if question.commissioner else frozenset()
        unnamed = {
            t: v
            for t, v in weights.items()
            if t not in named and t in own and t != category and t not in paying
        }
        asked_total = sum(unnamed.values())
        askeds = []
        saids: list[frozenset[str]] = []
        shares = tuple(unnamed.items())
        lexicals = []
        for cand, s_terms in zip(candidates, sentence_terms, strict=True):
            # A name in the article's title holds for all of its sentences ("the Bristol DVT
            # service"); a name that is not must be in the sentence itself ("in Bedfordshire").
            # Other question words in the title count in part ("saved around £1.3 million" in
            # "Specialist nurses help heart failure patients ...").
            title_terms = set(content_terms(cand.passage.title))
            # a section's heading names the place of the sentences below it (Section)
            parts = (sections or {}).get(cand.passage.doc_id, [])
            section = section_at(parts, cand.start)
            if section is not None and section.other:
                matched = set(s_terms)
            else:
                headed = {stem(n) for n in section.names} if section is not None else set()
                matched = s_terms | (title_terms & named) | (headed & named)
            if section is not None:
                title_terms = title_terms | section.terms
            titled = question.matched(q_terms, title_terms) - matched
            # Words of the sentence it goes on from count in part, as title words do.
            carried = (
                question.matched(q_terms, set(content_terms(cand.context))) - matched - titled
                if cand.context
                else set()
            )
            said = s_terms | carried | titled
            saids.append(frozenset(t for t in unnamed if t in said))
            askeds.append(
                sum(v for t, v in unnamed.items() if t in said) / asked_total
                if asked_total
                else 1.0
            )
            lexicals.append(
                (
                    sum(v for t, v in weights.items() if t in matched)
                    + w.title_term * sum(v for t, v in weights.items() if t in titled)
                    + w.context_term * sum(v for t, v in weights.items() if t in carried)
                )
                / total
            )
        # Embedding is the dear part of scoring: only the sentences with the best score from
        # words and passage rank are embedded and scored in full.
        order = sorted(
            range(n),
            key=lambda i: (
                -(w.lexical * lexicals[i] + w.passage * max(0.0, candidates[i].passage.score))
            ),
        )
        keep = order[: w.max_embedded]
        # and the best few of the rest that give the form of answer asked for ("The pilot had
        # no control group." for "why ..."): they may share few words with the question
        if form:
            keep += [i for i in order[w.max_embedded :] if gives_form(form, candidates[i].text)][
                : w.max_embedded // 3
            ]
        # ... or the kind of answer that few sentences give and that is said in words of its
        # own ("Who can use it: adults aged 50 and over ..." for "dexa eligibility")
        elif question.kind in _SAID_IN_OWN_WORDS:
            keep += [
                i
                for i in order[w.max_embedded :]
                if holds_type(question.kind, candidates[i].text, question.expanded)
            ][: w.max_embedded // 3]
        keep = sorted(keep)
        q_arr = np.asarray(self.embeddings.embed_query(text), dtype=np.float32)
        national_words = _NATIONAL_ASKED.search(text)
        # the years a question asks about: a sentence of other years is about another time
        asked_years = years_named(text, asked=True) if question.kind != "date" else frozenset()
        asked_quarters = (
            quarters_named(text, asked=True) if question.kind != "date" else frozenset()
        )
        # "90 day readmission rate" is not answered by a 30-day one
        asked_spans = spans_named(text) if question.kind != "duration" else frozenset()
        asked_service = service_years(text) if question.kind != "date" else frozenset()
        asked_financial = (
            financial_years(text, asked=True) if question.kind != "date" else frozenset()
        )
        # A name in an article's lead (its headline, dateline and first lines) is the article's
        # own, as a name in its title is ("RAVENSHOLT, 4 June 2024 - ...").
        leads: dict[str, set[str]] = {}
        # ... and the one financial year a lead names is the article's, as its title's is
        # ("Year one at a glance: April 2023 to March 2024")
        lead_years: dict[str, frozenset[int]] = {}
        for c in candidates:
            if c.passage.start == 0 and c.passage.doc_id not in leads:
                opening = c.passage.text[:LEAD_CHARS]
                leads[c.passage.doc_id] = {n for n in question.names if mentions(n, opening)}
                if len(named_years := financial_years(opening)) == 1:
                    lead_years[c.passage.doc_id] = named_years
        # each sentence is embedded after its article's title, which says what it is about
        # ("Community Phlebotomy successfully rolled out: The ... service was fully launched
        # on 31 October" for "when did hospital bloods in the community go fully live")
        vectors = self._vectors([_in_context(candidates[i]) for i in keep])
        scored = []
        for i, vec in zip(keep, vectors, strict=True):
            cand, lexical = candidates[i], lexicals[i]
            title_terms = set(content_terms(cand.passage.title))
            # the lead's places hold for a sentence that names no other place ("in Newcastle")
            lead_names: set[str] = (
                set()
                if _names_another_place(cand.text, question)
                else leads.get(cand.passage.doc_id, set())
                | (own_names or {}).get(cand.passage.doc_id, set())
            )
            # the year an article is dated holds for a sentence that names no other year ("the
            # 2011 announcement" of an article of April 2011)
            dated = (
                cand.passage.date[:4] if cand.passage.date and not _YEAR.search(cand.text) else None
            )
            local = [
                n
                for n in question.names
                if stem(n) not in title_terms
                and n not in lead_names
                and n != dated
                and not _spells(n, cand.passage.title)
            ]
            # a section's heading names its place: "RAVELSTOKE" for the bullets below it; under
            # another place's heading, the names of the article's title hold no more
            parts = (sections or {}).get(cand.passage.doc_id, [])
            section = section_at(parts, cand.start)
            if section is not None and section.other:
                headed = {n for part in parts for n in part.names}
                local = [n for n in question.names if n in local or n in headed]
            elif section is not None:
                local = [n for n in local if n not in section.names]
            semantic = max(0.0, float(q_arr @ vec))
            f = dict.fromkeys(RANK_FEATURES, 0.0)
            f["semantic"], f["lexical"], f["asked"] = semantic, lexical, askeds[i]
            f["passage"] = max(0.0, cand.passage.score)
            why: list[str] = []
            if question.kind is not None:
                typed = gives_kind(question, cand)
                f["type_match"] = 1.0 if typed else -1.0
                article = ("an" if question.kind[0] in "aeiou" else "a") if typed else "no"
                why.append(f"gives {article} {question.kind} value")
                # "In June 2024 it was 7 weeks.": "it" is the measure of the sentence before
                goes_on = bool(cand.context) and _PRONOUN.search(cand.text) is not None
                if typed and (
                    gives_measure(question, own_terms, cand.text)
                    or goes_on
                    and gives_measure(question, own_terms, cand.context)
                ):
                    f["measure_match"] = 1.0
                    why.append(NAMES_MEASURE)
            elif form and gives_form(form, cand.text):
                # "why ..." is answered by a reason or a caveat, not by the result it is about
                f["type_match"] = 1.0
                why.append(f"gives {'an' if form[0] in 'aeiou' else 'a'} {form}")
            result, _ = read_forms(cand.text)
            if (
                result
                and form != "reason"
                and (not question.achieved or _claim(cand).status == "achieved")
            ):
                f["result_form"] = 1.0
                f["result_for_change"] = 1.0 if question.change else 0.0
                why.append("reports a result")
            if counts_asked(question, cand.text):
                f["direct_count"] = 1.0
                why.append("counts what is asked")
            if question.kind in ("who", "person"):
                agent, speaker = names_agent(cand.text)
                if question.kind == "who" and asks_members(question.text):
                    # the staff a team is made of, not the body that runs it nor one who speaks
                    agent, speaker = names_doers(question.text, cand.text), False
                f["agent"], f["speaker"] = float(agent), float(speaker)
                if agent or speaker:
                    why.append("names who does it")
            # what a sentence of another time says is none of what is asked
            in_background = section is not None and section.background
            about_now = question.latest or question.since_start
            another_time = not question.before and (
                # "fell by 41% compared with the year before the clinic opened" gives the change
                # since, not the state before
                (
                    about_now
                    and (_BASELINE.search(cand.text) is not None or in_background)
                    and not (question.change and read_forms(cand.text)[0] and not in_background)
                )
                or (question.change and in_background)
            )
            if another_time:
                f["baseline"] = -1.0
                why.append(BEFORE_SERVICE)
            if national_words is None and _NATIONAL.search(cand.text):
                f["national"] = -1.0
                why.append(NATIONAL_FIGURE)
            absent = [
                n
                for n in local
                if not mentions(n, cand.text)
                and not _spells(n, cand.text)
                and not (
                    w.context_term
                    and (mentions(n, cand.context) or mentions(n, cand.earlier))
                    and not names_its_own_place(cand.text, question)
                )
            ]
            elsewhere = bool(local) and len(absent) == len(local)
            if elsewhere:
                f["missing_name"] = -1.0
                # it may say all that is asked, of another place: that ranks it no higher
                f["asked"] = 0.0
                why.append(f"does not name {', '.join(absent)}")
                if section is not None and section.other:
                    why.append(OTHER_SECTION)
            # a table row is of its header's years ("| Baseline 2021/22 | Achieved 2023/24 |")
            timed = cand.text
            if asked_years or asked_quarters or asked_financial or asked_service:
                header = header_of(tables or {}, cand)
                timed = f"{header} {cand.text}" if header else cand.text
            said_years = years_named(timed) if asked_years and not elsewhere else None
            said_quarters = quarters_named(timed) if asked_quarters else None
            # "2022/23" is not answered by "from 19 in 2021/22 to 11 in 2023/24", though each
            # financial year shares a calendar year with it
            # a sentence that names no year is of the year its article's title names ("OPAT
            # Quarterly Performance Report | Q2 2025/26"), not of 2024/25
            said_financial = (
                (
                    financial_years(timed)
                    or financial_years(cand.passage.title)
                    or lead_years.get(cand.passage.doc_id, frozenset())
                )
                if asked_financial
                else None
            )
            # "year two" is not answered by a sentence of year one, nor by one under the title
            # "evaluation summary, year one"
            said_service = (
                (service_years(timed) or service_years(cand.passage.title))
                if asked_service and not elsewhere
                else None
            )
            if (
                (said_years and not said_years & asked_years)
                or (said_quarters and not said_quarters & asked_quarters)
                or (said_financial and not said_financial & asked_financial)
                or (said_service and not said_service & asked_service)
            ):
                another_time = True
                f["missing_name"] = -1.0
                f["asked"] = 0.0
                elsewhere = True
                why.append(OTHER_YEAR)
            said_spans = spans_named(cand.text) if asked_spans else None
            if said_spans and not said_spans & asked_spans and OTHER_YEAR not in why:
                another_time = True
                f["missing_name"] = -1.0
                f["asked"] = 0.0
                elsewhere = True
                why.append(OTHER_SPAN)
            if section is not None and section.other_part:
                f["missing_name"] = -1.0
                f["asked"] = 0.0
                elsewhere = True
                why.append(OTHER_PART)
            if cand.text.rstrip().endswith(":") and question.kind not in ("who", "person"):
                f["lead_in"] = -1.0  # a lead-in ("X said:") names a speaker and says nothing else
                why.append("a lead-in")
            features = tuple(f[name] for name in RANK_FEATURES)
            value = sum(getattr(w, name) * f[name] for name in RANK_FEATURES)
            bonus = sum(getattr(w, name) * f[name] for name in FORM_FEATURES)
            scored.append(
                dataclasses.replace(
                    cand,
                    score=value,
                    semantic=semantic,
                    lexical=lexical,
                    asked=0.0 if another_time else askeds[i],
                    said=saids[i],
                    asked_weights=shares,
                    why=tuple(why),
                    # a sentence that names none of the places asked about may be the right
                    # form about the wrong place: its form is no evidence of an answer
                    form_bonus=bonus if elsewhere else 0.0,
                    features=features,
                )
            )
        scored.sort(key=lambda c: (-c.score, c.passage.rank, c.start))
        return scored

    def nearest(self, question: Question, passages: list[Passage]) -> list[Candidate]:
        """The best sentence of each of the closest passages, one passage per article first."""
        chosen: list[Passage] = []
        for passage in passages:
            if len(chosen) < NEAREST and passage.doc_id not in {p.doc_id for p in chosen}:
                chosen.append(passage)
        for passage in passages:
            if len(chosen) < NEAREST and passage not in chosen:
                chosen.append(passage)
        best: dict[str, Candidate] = {}
        for cand in self.score(question, candidate_sentences(chosen, self.weights.min_terms)):
            best.setdefault(cand.passage.chunk_id, cand)
        return [best[p.chunk_id] for p in chosen if p.chunk_id in best]

    def _record(
        self,
        recorder: Recorder,
        question: Question,
        ranked: list[Candidate],
        chosen: list[Candidate],
        best_by_chunk: dict[str, float],
        top: list[Passage],
    ) -> None:
        """The passages' final ranks and best-sentence scores, and the chosen sentences beside
        their runners-up."""
        if not recorder.enabled:
            return
        for chunk_id, value in best_by_chunk.items():
            recorder.candidate(chunk_id, best_sentence_score=round(value, 4))
        for passage in top:
            recorder.candidate(passage.chunk_id, final_rank=passage.rank)
        runners = [c for c in ranked if c not in chosen][:RUNNERS_UP]
        recorder.sentences = [
            {
                "chosen": c in chosen,
                "text": c.text,
                "doc_id": c.passage.doc_id,
                "chunk_id": c.passage.chunk_id,
                "start": c.start,
                "end": c.end,
                "score": round(c.score, 4),
                "semantic": round(c.semantic, 4),
                "lexical": round(c.lexical, 4),
                "why": list(c.why),
            }
            for c in [*chosen, *runners]
        ]

    def answer(
        self,
        question: Question,
        passages: list[Passage],
        k: int,
        recorder: Recorder = NO_RECORDER,
        boost: dict[str, float] | None = None,
        required: list[dict[str, frozenset[str]]] | None = None,
        sections: dict[str, list[Section]] | None = None,
        tables: dict[str, Tables] | None = None,
        own_names: dict[str, frozenset[str]] | None = None,
    ) -> Answer:
        """Rank `passages` by their best sentence, keep k, and answer from them or refuse.
        `boost` (document id -> score) is added to the sentences of those articles: it ranks,
        but is no evidence to the refusal model. `required` holds groups of words of the
        question, each word with the articles that mention it (the library's topics it asks
        about, the thing it asks for): an answer's article must mention a word of each group, and
        when only other articles give the kind of value asked for, the question is refused."""
        w = self.weights
        asked = question.text
        boost = boost or {}
        ranked = self.score(
            question, candidate_sentences(passages, w.min_terms), sections, tables, own_names
        )
        if boost:
            ranked = sorted(
                (
                    dataclasses.replace(c, score=c.score + b, form_bonus=c.form_bonus + b)
                    if (b := boost.get(c.passage.doc_id, 0.0))
                    else c
                    for c in ranked
                ),
                key=lambda c: (-c.score, c.passage.rank, c.start),
            )

        def answers(c: Candidate, counting: bool = True) -> bool:
            """Whether it gives a value of the kind asked for; with `counting`, of the thing a
            "how many" question counts (a sentence going on from another names nothing)."""
            return (
                gives_kind(question, c)
                and (not question.commissioner or NAMES_COMMISSIONER.search(c.text) is not None)
                and (question.body is None or NAMES_BODY[question.body].search(c.text) is not None)
                and not still_to_come(question, c)
                and not other_length_of_time(question, c)
                and not other_cost(question, c)
                and (
                    not counting
                    or counts_focus(
                        question.focus, set(content_terms(c.text)), question.focus_related
                    )
                )
                and not (w.other_count and counts_other(question, c.text))
                and OTHER_YEAR not in c.why  # "in its first year (2021/22)": not 2023/24's
                and OTHER_SPAN not in c.why  # "30-day readmissions": not 90-day ones
                and OTHER_SECTION not in c.why  # under "3. Penmarrow", not Drayholt's
                and OTHER_PART not in c.why  # under "4.3.2 Continence", not podiatry's
                and not (
                    question.kind == "date"
                    and _WHEN_DONE.search(question.text) is not None
                    and (_claim(c).status == "projected" or _ACTION_ROW.search(c.text) is not None)
                )
            )

        groups = (required or []) if w.other_topic else []

        def unmentioned(c: Candidate) -> list[str]:
            doc = c.passage.doc_id
            return [
                word
                for group in groups
                if not any(doc in docs for docs in group.values())
                for word in group
            ]

        def on_topic(c: Candidate) -> bool:
            return not groups or not unmentioned(c)

        # A passage ranks by its best sentence; one that gives no value of the kind asked for,
        # or is from an article that does not mention what is asked about, ranks below the rest.
        best_by_chunk: dict[str, float] = {}
        for cand in ranked:
            fits = answers(cand) and on_topic(cand)
            value = cand.score if fits else cand.score - w.untyped_passage
            if value > best_by_chunk.get(cand.passage.chunk_id, -1.0):
                best_by_chunk[cand.passage.chunk_id] = value
        order = sorted(
            passages,
            key=lambda p: (-best_by_chunk.get(p.chunk_id, p.score * w.passage), p.rank),
        )
        top = [
            dataclasses.replace(p, rank=i, boost=round(boost.get(p.doc_id, 0.0), 4))
            for i, p in enumerate(order[:k], start=1)
        ]
        new_rank = {p.chunk_id: p for p in top}
        ranked = [
            dataclasses.replace(c, passage=new_rank[c.passage.chunk_id])
            for c in ranked
            if c.passage.chunk_id in new_rank
        ]
        if not ranked:
            recorder.refusal = {"refused": True, "reason": "no sentences"}
            return refusal(asked, top, "No passage answers this question.", "no sentences")
        if question.published:
            found = next((c for c in ranked if on_topic(c)), ranked[0])
            return self._dated(question, found, top, passages, recorder)
        typed = [c for c in ranked if answers(c) and on_topic(c)]
        off_topic = not typed and any(answers(c) for c in ranked)
        best = typed[0] if typed else next((c for c in ranked if on_topic(c)), ranked[0])
        evidence_score = best.score - best.form_bonus
        # The sentences that would be quoted, and how far the best stands above the rest (not
        # counting those that say the same as a quoted one, as an older article may): an answer
        # stands out; a question the library does not answer finds several near misses.
        first = best
        if (
            typed
            and (question.kind in FIGURES or question.kind is None and question.planned)
            and (question.achieved or question.planned)
        ):
            first = self._standing_first(typed, best, question.achieved)
        if question.provider and typed and not names_provider(best.text):
            # "who runs it": a sentence naming who runs it, close to the best, answers first
            first = next(
                (
                    c
                    for c in typed
                    if c.score >= best.score - w.achieved_margin and names_provider(c.text)
                ),
                best,
            )
        results = [c for c in ranked if answers(c, counting=False) and read_forms(c.text)[0]]
        quoted = self._select(question, first, typed, results) if typed else [best]
        # a sentence that goes straight on from the first with a value of the kind asked is
        # part of its answer ("... 52 times a month. That has now fallen to 27 a month."),
        # though it names nothing it counts
        follow = next(
            (
                c
                for c in ranked
                if c.context == first.text
                and c.passage.doc_id == first.passage.doc_id
                and c.start > first.start
                and c not in quoted
                and answers(c, counting=False)
            ),
            None,
        )
        if typed and follow is not None:
            quoted.insert(quoted.index(first) + 1, follow)
        # for "which ICB", "which trust" or "who was the spokesperson", the other sentences that
        # name one are the rivals
        rivals = (
            typed
            if question.commissioner
            or question.body is not None
            or (question.kind == "person" and _ASKS_SPEAKER.search(question.text) is not None)
            else ranked
        )
        # nor a sentence that gives the same figure as the answer in other words ("220 groups of
        # GP practices have come forward" and "bringing the number of pathfinders to 220")
        given = (
            {v for q in quoted for v, _ in measured(q.text) if _fits(question.kind, v)}
            if typed and question.kind in FIGURES
            else set()
        )
        rest = [
            c.score
            for c in rivals
            if c not in quoted
            and not any(_overlap(c.text, q.text) > w.duplicate_overlap for q in quoted)
            and not (given and given & {v for v, _ in measured(c.text)})
        ]
        margin = first.score - (max(rest) if rest else 0.0)
        scores = (
            round(evidence_score, 4),
            round(best.semantic, 4),
            round(best.lexical, 4),
            round(margin, 4),
            round(best.asked, 4),
            round(asked_together(quoted), 4),
            1.0 if question.kind in FIGURES else 0.0,
            1.0 if question.kind in ("who", "person", "place") else 0.0,
            1.0 if passages and best.passage.doc_id == _first_article(passages) else 0.0,
            *question_form(question.text),
        )
        if self.refusal is not None:
            p_answerable: float | None = self.refusal.probability(list(scores))
            weak = p_answerable is not None and p_answerable < self.refusal.threshold
        else:
            p_answerable = None
            weak = evidence_score < w.min_evidence
        evidence = Evidence(*scores, p_answerable=p_answerable)
        elsewhere: list[str] = []
        if off_topic:  # only articles that do not mention what is asked about give such a value
            weak = False
            elsewhere = unmentioned(next(c for c in ranked if answers(c)))
        elif not weak and w.other_place:
            elsewhere = places_not_named(question, best, passages)
        # the refusal model judged the best sentence; an achieved one close to it answers first
        chosen = quoted if typed and not weak and not elsewhere else []
        # "how many has it carried out so far": what is expected says none of what was done
        only_expected = (
            bool(chosen)
            and question.done
            and question.kind in FIGURES
            and all(_claim(c).status == "projected" for c in chosen)
        )
        if only_expected:
            chosen = []
        # "how many a week since the full launch", or "now vs before": the state before the
        # service says none of it, or only its first half
        only_before = (
            bool(chosen)
            and (question.latest or question.since_start)
            and all(
                BEFORE_SERVICE in c.why
                or question.before
                and _OPENS_BEFORE.search(c.text) is not None
                and not read_forms(c.text)[0]
                for c in chosen
            )
        )
        if only_before:
            chosen = []
        # "how many people in Gullinford live with long COVID": a figure for the whole country,
        # given for context, is none of a place's (but "by comparison, ... in neighbouring
        # Castlebury" is Castlebury's)
        places = [n for n in question.names if not n.isupper() and not any(d.isdigit() for d in n)]
        only_national = (
            bool(chosen)
            and bool(places)
            and _NATIONAL_ASKED.search(question.text) is None
            and all(
                NATIONAL_FIGURE in c.why and not any(mentions(n, c.text) for n in places)
                for c in chosen
            )
        )
        if only_national:
            chosen = []
        shortlisted = bool(chosen) and only_shortlisted(question, chosen)
        if shortlisted:
            chosen = []
        self._record(recorder, question, ranked, chosen, best_by_chunk, top)
        recorder.refusal = {
            "p_answerable": None if p_answerable is None else round(p_answerable, 4),
            "threshold": self.refusal.threshold if self.refusal is not None else None,
            "min_evidence": None if self.refusal is not None else w.min_evidence,
            "features": dict(zip(FEATURES, scores, strict=True)),
            "model": self.refusal.fitted_on if self.refusal is not None else "score cut-off",
            "typed_sentences": len(typed),
            "kind": question.kind,
            "refused": weak
            or bool(elsewhere)
            or not typed
            or only_expected
            or shortlisted
            or only_before
            or only_national,
            "reason": (
                "evidence too weak"
                if weak
                else (
                    f"its article does not mention {', '.join(elsewhere)}"
                    if elsewhere
                    else (
                        "no sentence gives the kind of value asked for"
                        if not typed
                        else (
                            "only what is expected, not what was done"
                            if only_expected
                            else (
                                "shortlisted, not said to have won"
                                if shortlisted
                                else (
                                    "only how things were before"
                                    if only_before
                                    else ("only a national figure" if only_national else "")
                                )
                            )
                        )
                    )
                )
            ),
        }
        if weak:
            return refusal(
                asked,
                top,
                "No passage answers this question closely enough.",
                f"weak evidence {best.score:.2f}",
                evidence,
                question.kind,
            )
        if elsewhere:
            return refusal(
                asked,
                top,
                f"The closest answer is from an article that does not mention "
                f"{', '.join(elsewhere)}.",
                f"its article does not mention {', '.join(elsewhere)}",
                evidence,
                question.kind,
            )
        if only_expected:
            return refusal(
                asked,
                top,
                "The passages give only what is expected, not what has been done.",
                "only a projection",
                evidence,
                question.kind,
            )
        if only_before:
            return refusal(
                asked,
                top,
                "The passages give only how things were before the service, not now.",
                "only the state before",
                evidence,
                question.kind,
            )
        if only_national:
            return refusal(
                asked,
                top,
                "The passages give only a national figure, not one for the place asked about.",
                "only a national figure",
                evidence,
                question.kind,
            )
        if shortlisted:
            return refusal(
                asked,
                top,
                "The passages say it was shortlisted, not whether it won.",
                "only a shortlisting",
                evidence,
                question.kind,
            )
        if not typed:
            kind = question.kind
            what = (
                f"count of {question.counted}"
                if question.focus
                else "route of referral"
                if kind == "referral"
                else "way of payment"
                if kind == "payment"
                else "rule for who may use it"
                if kind == "eligibility"
                else (kind or "answer")
            )
            return refusal(
                asked,
                top,
                f"The passages that match give no {what}.",
                f"no {what} in the passages",
                evidence,
                kind,
            )
        chosen.sort(key=lambda c: (c.passage.rank, c.start))
        citations = _citations(chosen)
        text = " ".join(f"{_as_sentence(defuse_markers(c.quote))} [{c.n}]" for c in citations)
        projections = all(c.status == "projected" for c in citations)
        if question.achieved and question.kind in FIGURES and projections:
            docs = {c.doc_id for c in citations}
            lead = PROJECTION_LEADS[0] if len(docs) == 1 else PROJECTION_LEADS[1]
            text = f"{lead} {text}"
        elif question.kind == "date" and not any(
            holds_type("date", c.text, question.expanded) for c in chosen
        ):  # the date is the day the article's "today" means
            today = next(c for c in chosen if says_today(c))
            text = f"{dated_lead(str(today.passage.date))} {text}"
        return Answer(
            asked, text, False, citations, top, evidence=evidence, answer_type=question.kind
        )

    def _dated(
        self,
        question: Question,
        best: Candidate,
        top: list[Passage],
        passages: list[Passage],
        recorder: Recorder,
    ) -> Answer:
        """For a question about when the article itself was published: the date of the article
        of the best sentence, before that sentence; a refusal where the article states no date
        or does not mention a place or body asked about."""
        elsewhere = places_not_named(question, best, passages)
        reason = (
            f"its article does not mention {', '.join(elsewhere)}"
            if elsewhere
            else ("its article states no date" if not best.passage.date else "")
        )
        self._record(recorder, question, [best], [] if reason else [best], {}, top)
        recorder.refusal = {"refused": bool(reason), "reason": reason or "the article's date"}
        if elsewhere:
            return refusal(
                question.text,
                top,
                f"The closest article does not mention {', '.join(elsewhere)}.",
                reason,
            )
        if not best.passage.date:
            return refusal(
                question.text,
                top,
                f"The closest article ({best.passage.title}) states no date.",
                reason,
            )
        citations = _citations([best])
        quote = _as_sentence(defuse_markers(best.text))
        text = f"{dated_lead(best.passage.date)} {quote} [1]"
        return Answer(question.text, text, False, citations, top, answer_type="date")

    def _standing_first(self, typed: list[Candidate], best: Candidate, achieved: bool) -> Candidate:
        """For a question about what was achieved, an achieved result close to the best answers
        before a projection (which may still follow as a second sentence); for one about what is
        planned or expected ("how many pharmacies is it aiming to have"), a projection close to
        the best answers before what was done."""
        wanted = "achieved" if achieved else "projected"
        margin = self.weights.achieved_margin if achieved else self.weights.expected_margin
        if margin <= 0 or _claim(best).status == wanted:
            return best
        for cand in typed:
            if cand.score < best.score - margin:
                break
            if _claim(cand).status == wanted:
                return cand
        return best

    def _select(
        self,
        question: Question,
        best: Candidate,
        typed: list[Candidate],
        results: Sequence[Candidate] = (),
    ) -> list[Candidate]:
        """The best sentence, the best of each other article about as good, then close seconds;
        `results` are the sentences that report a result of the kind asked for, whatever they
        count."""
        w = self.weights
        margin = w.second_sentence_margin * (w.list_margin_factor if question.listing else 1)
        limit = w.max_answer_sentences + (w.list_extra_sentences if question.listing else 0)
        # a second sentence is as close as it is but for what is asked that it says: the other
        # half of "what was it before and what is it now" says fewer of the question's words
        asked = RANK_FEATURES.index("asked")

        def unasked(c: Candidate) -> float:
            return c.score - w.asked * c.features[asked] if c.features else c.score

        top = unasked(best)
        close = sorted(
            (c for c in typed if c is not best and unasked(c) >= top - margin),
            key=lambda c: -unasked(c),
        )
        chosen = [best]
        docs = {best.passage.doc_id}
        # "That is below the first-year aim of 2,400 visits" goes on from "... recorded 1,926
        # visits": the sentence it goes on from is quoted with it where it gives what is asked
        if best.context and _GOES_ON.match(best.text):
            best_chunk = best.passage.chunk_id
            before = next(
                (
                    c
                    for c in sorted(typed, key=lambda c: c.passage.chunk_id != best_chunk)
                    if c.passage.doc_id == best.passage.doc_id
                    and c.end <= best.start
                    and c.text == best.context
                ),
                None,
            )
            if before is not None:
                chosen.append(before)
        # a sentence that names none of the places asked about does not join one that does
        if not _names_elsewhere(best):
            close = [c for c in close if not _names_elsewhere(c)]
        for cand in close:  # one from each other article first
            if len(chosen) < limit and cand.passage.doc_id not in docs:
                if not any(_says_the_same(cand.text, c.text, w.duplicate_overlap) for c in chosen):
                    chosen.append(cand)
                    docs.add(cand.passage.doc_id)
        for cand in close:  # then the nearest seconds, half the margin away at most
            if len(chosen) >= limit or unasked(cand) < top - margin / 2:
                break
            duplicate = any(_overlap(cand.text, c.text) > w.duplicate_overlap for c in chosen)
            if cand not in chosen and not duplicate:
                chosen.append(cand)
        if (
            len(chosen) < limit
            and _ASKS_BEFORE.search(question.text)
            and not any(_holds_pair(c.text) for c in chosen)
        ):
            # "what is the wait now, and how does that compare with before": the other half,
            # from the same article, where no quoted sentence gives both; or a sentence that
            # gives both ("fell from 17 days in 2021/22 to 3 days") beside one that gives the
            # state before alone
            said = {_then_or_now(c.text) for c in chosen}
            # the other half need not name again the place its article's first half names
            missing = RANK_FEATURES.index("missing_name")

            def named(c: Candidate) -> float:
                return unasked(c) - w.missing_name * c.features[missing] if c.features else c.score

            # "Before the team started, there were 1,020 ... admissions. In April to September
            # 2024 there were 861, a reduction of 16%.": the result that goes on from the state
            # before is its other half, though it names again none of what it counts
            goes_on = next(
                (
                    c
                    for c in results
                    if said == {"before"}
                    and c.passage.chunk_id == best.passage.chunk_id
                    and 0 <= c.start - best.end <= 1  # the next sentence of its paragraph
                    and _bare_count(c.text)
                ),
                None,
            )
            # "The average wait was six days. Before the practitioners started, patients waited
            # about nine weeks.": the sentence just before the state before, of the kind asked,
            # is the state since
            beside = next(
                (
                    c
                    for c in typed
                    if said == {"before"}
                    and c not in chosen
                    and 0 <= best.start - c.end <= 1  # the sentence before, in its paragraph
                    and c.passage.doc_id == best.passage.doc_id
                    and "\n" not in _between(c, best)
                    and NAMES_MEASURE in c.why
                    and _then_or_now(c.text) is None
                ),
                None,
            )
            if goes_on is None and beside is not None:
                goes_on = beside
            if goes_on is not None:
                chosen.append(goes_on)
                return chosen
            for cand in sorted(typed, key=lambda c: -named(c)):
                if named(cand) < top - w.then_and_now_margin:
                    break
                if (
                    cand not in chosen
                    and cand.passage.doc_id == best.passage.doc_id
                    and (_holds_pair(cand.text) or _then_or_now(cand.text) not in said | {None})
                    and not any(
                        _says_the_same(cand.text, c.text, w.duplicate_overlap) for c in chosen
                    )
                ):
                    chosen.append(cand)
                    break
        return chosen
