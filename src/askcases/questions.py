"""Reading a question without a language model: its words, the names it uses, and the kind of
value it asks for (money, percentage, date, rate, duration, count, person or body, place).

Leaves out: parsing. Every rule here is a pattern over words, so it can be read and tested.
"""

from __future__ import annotations

import functools
import re

STOPWORDS = set(
    """a about above after again against all also am an and any are as at be because been before
    being below between both but by can could did do does doing down during each few for from
    further had has have having he her here hers him his how i if in into is it its itself just
    me more most my no nor not now of off on once only or other our ours out over own same she
    should so some such than that the their theirs them then there these they this those through
    to too under until up very was we were what when where which while who whom why will with
    would you your yours tell know say said give list many much did does get got any anything
    happen happened like kind sort there's what's whats thing things way ways please""".split()
)
# Capitalised words that name no particular place or body, so their absence proves nothing.
GENERIC_NAMES = {
    "nhs",
    "gp",
    "gps",
    "uk",
    "england",
    "a&e",
    "ccg",
    "ccgs",
    "dr",
    "the",
    "what",
    "which",
    "how",
    "who",
    "when",
    "where",
    "why",
    "is",
    "are",
    "did",
    "does",
    "do",
    "was",
    "were",
    "can",
    "could",
    "i",
    "in",
    "on",
    "for",
    "and",
    "of",
    "any",
    "tell",
    "give",
    "list",
    "covid",
}
NUMBER_VALUES = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "twenty": 20, "thirty": 30, "forty": 40,
    "fifty": 50, "hundred": 100, "thousand": 1000, "dozen": 12,
}  # fmt: skip
NUMBER_WORDS = (
    "one two three four five six seven eight nine ten eleven twelve twenty thirty forty fifty "
    "hundred thousand million billion dozen half quarter"
).split()
_NUMBER_WORD = r"(?:" + "|".join(NUMBER_WORDS) + r")"
_MONTH = (
    r"(?:january|february|march|april|may|june|july|august|september|october|november|december)"
)
_WORD = re.compile(r"[A-Za-z0-9£%&][A-Za-z0-9£%&'’.,-]*[A-Za-z0-9%]|[A-Za-z0-9%]")
# Words that stand in for the thing counted, not name it ("how many new ones").
_PRONOUN_FOCUS = {"one", "ones", "them", "they", "it", "those", "these", "there"}


def stem(word: str) -> str:
    """A crude, deterministic stem: matches reduce/reduced/reduction, GP/GPs, patient/patients."""
    word = word.lower().strip(".,'’").removesuffix("'s").removesuffix("’s")
    if word.isdigit():
        return word
    if len(word) >= 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        word = word[:-1]
    return word[:5]


def content_terms(text: str) -> list[str]:
    """Words that carry meaning, lower-cased and stemmed, in order."""
    return list(_content_terms(text))


@functools.lru_cache(maxsize=65536)
def _content_terms(text: str) -> tuple[str, ...]:
    terms = []
    for match in _WORD.finditer(text):
        word = match.group(0).strip(".,")
        low = word.lower().removesuffix("'s").removesuffix("’s")
        if low and low not in STOPWORDS:
            terms.append(stem(low))
    return tuple(terms)


def named_terms(question: str) -> list[str]:
    """Places, bodies, acronyms and years the question names (capitalised or numeric words)."""
    names = []
    for i, match in enumerate(_WORD.finditer(question)):
        word = match.group(0).strip(".,").removesuffix("'s").removesuffix("’s")
        low = word.lower()
        if low in GENERIC_NAMES or low in STOPWORDS:
            continue
        is_year = re.fullmatch(r"(?:19|20)\d{2}", word) is not None
        is_name = word[:1].isupper() and (i > 0 or word.isupper())
        if is_year or is_name:
            names.append(word)
    return names


def mentions(name: str, text: str) -> bool:
    return re.search(r"\b" + re.escape(name), text, re.I) is not None


_ORG_WORDS = (
    "Group|Groups|Trust|Care|Council|Network|Service|Services|Company|Board|Hospital|Hospitals|"
    "Health|Forum|Centre|Commissioning|Clinical|Department|Journal|Consortium|Practice|Award"
)
# kind: (what in a question asks for it, what in a sentence gives one)
_VALUE = r"(?:\d[\d,.]*|" + _NUMBER_WORD + r")"
ANSWER_TYPES: dict[str, tuple[re.Pattern[str], re.Pattern[str]]] = {
    "money": (
        re.compile(
            r"\b(?:cost|costs|save|saved|saves|saving|savings|spend|spent|budget|funding|"
            r"money|pounds|price|worth)\b|£",
            re.I,
        ),
        re.compile(r"£\s?\d[\d,.]*(?:\s?(?:million|billion|m|bn|k)\b)?|\d[\d,.]*\s?pounds\b", re.I),
    ),
    "percent": (
        re.compile(
            r"\bper ?cent|\bpercentage\b|%|\bproportion\b|\bshare of\b|\bwhat share\b", re.I
        ),
        re.compile(
            r"\d[\d,.]*\s?(?:%|per ?cent\b)|\b" + _VALUE + r" (?:out of|in) (?:every )?\d[\d,]*\b"
            r"|\b(?:half|a quarter|a third)\b",
            re.I,
        ),
    ),
    "date": (
        re.compile(r"\bwhen\b|\bwhat (?:date|year|month|day)\b|\bwhich (?:year|month)\b", re.I),
        re.compile(
            r"\b\d{1,2}(?:st|nd|rd|th)? "
            + _MONTH
            + r"(?: (?:19|20)\d{2})?\b|\b"
            + _MONTH
            + r"(?: \d{1,2})?,? (?:19|20)\d{2}\b|\b(?:19|20)\d{2}\b|\b"
            + _MONTH
            + r"\b",
            re.I,
        ),
    ),
    "rate": (
        re.compile(r"\bhow (?:common|often|frequent|prevalent)\b|\bwhat rate\b", re.I),
        re.compile(
            _VALUE + r"\b[^.]{0,40}?\b(?:in every|per|each|a) (?:[\d,]+|year|month|week|day)\b"
            r"|\d[\d,.]*\s?(?:%|per ?cent\b)",
            re.I,
        ),
    ),
    "duration": (
        re.compile(r"\bhow (?:long|quickly|fast|soon)\b|\bwithin how\b", re.I),
        re.compile(
            r"\b(?:"
            + _VALUE
            + r"|a few|several|a)\s+(?:hours?|days?|weeks?|months?|years?|minutes?)\b",
            re.I,
        ),
    ),
    "number": (
        re.compile(
            r"\bhow (?:many|much|far|big|large)\b|\bwhat (?:number|amount|figure)\b|"
            r"\bnumber of\b",
            re.I,
        ),
        re.compile(r"\b" + _VALUE + r"\b|£\d", re.I),
    ),
    "person": (
        re.compile(
            r"\bwhich (?:\w+ )?(?:lead|leader|manager|director|officer|clinician|doctor|minister|"
            r"secretary|coordinator|chair|person)s?\b|\bwho (?:said|announced|spoke|leads|is the)\b"
            r"|\bwhat (?:is the name|was the name)\b",
            re.I,
        ),
        re.compile(
            r"\b(?:Dr|Mr|Mrs|Ms|Prof|Sir|Dame)\.? [A-Z][a-z]+(?: [A-Z][a-z]+)?"
            r"|\b[A-Z][a-z]+ (?!(?:"
            + _ORG_WORDS
            + r")\b)[A-Z][a-zA-Z]+(?=,| said| \(| has| announced)"
        ),
    ),
    "who": (
        re.compile(
            r"\bwho\b|\bwhose\b|\bwhich (?:\w+ )?(?:organisation|company|body|trust|person|group|"
            r"lead|leader|manager|director|officer|clinician|doctor|minister|secretary|provider|"
            r"enterprise|charity)s?\b|\bwhat (?:organisation|company|body|enterprise)\b",
            re.I,
        ),
        re.compile(
            r"\b(?:Dr|Mr|Mrs|Ms|Prof)\.? [A-Z][a-z]+|\b[A-Z][a-zA-Z]+(?: (?:[A-Z][a-zA-Z]+|&))+"
        ),
    ),
    "place": (
        re.compile(r"\bwhere\b(?! else)|\bwhich (?:area|region|town|city|place|county)\b", re.I),
        re.compile(r"\b(?:in|at|across|based at|near|within|from)\s+(?:the\s+)?[A-Z][a-zA-Z&]+"),
    ),
}


def expected_type(question: str) -> str | None:
    """The kind of value the question asks for, or None for an open question."""
    for name, (asks, _) in ANSWER_TYPES.items():
        if asks.search(question):
            return name
    return None


def new_values(kind: str | None, sentence: str, question: str) -> list[str]:
    """Values of that kind in the sentence that the question does not already contain."""
    if kind is None:
        return []
    asked = set(content_terms(question)) | {w.lower() for w in _WORD.findall(question)}
    values = []
    for found in ANSWER_TYPES[kind][1].finditer(sentence):
        words = [w.lower() for w in _WORD.findall(found.group(0))]
        meaningful = [w for w in words if w not in STOPWORDS and w not in {"in", "at", "from"}]
        if any(w not in asked and stem(w) not in asked for w in meaningful):
            values.append(found.group(0))
    return values


def holds_type(kind: str | None, sentence: str, question: str) -> bool:
    """Whether the sentence gives a value of the kind asked for, beyond what the question says."""
    return kind is None or bool(new_values(kind, sentence, question))


_HOW_MANY = re.compile(
    r"\bhow many ((?:[a-z-]+\s+){0,3}?[a-z-]+?)\s+(?:do|does|did|are|is|were|was|have|has|had|"
    r"will|would|can|could|in|of|at|per|a|each|every)\b",
    re.I,
)
# Words a count of people may use for the same people.
_PEOPLE = {stem(w) for w in "people patients population residents individuals persons".split()}
_LIST_QUESTION = re.compile(
    r"^(?:which|what) (?:[a-z]+ )?[a-z]+s\b(?! (?:is|was|does|did|has)\b)|\blist\b|\bexamples\b|"
    r"\bwhere else\b|\bwhich (?:areas|initiatives|schemes|services|places|groups|ccgs)\b",
    re.I,
)


def focus_noun(question: str) -> str | None:
    """The thing a "how many" question counts ("nurses" in "how many nurses does ...")."""
    found = _HOW_MANY.search(question)
    if not found:
        return None
    word = found.group(1).split()[-1].lower()
    return None if word in _PRONOUN_FOCUS else stem(word)


def focus_text(question: str) -> str:
    found = _HOW_MANY.search(question)
    return found.group(1) if found else ""


def counts_focus(focus: str | None, terms: set[str]) -> bool:
    """Whether a sentence with these terms speaks of the counted thing (people ~ patients)."""
    if focus is None or focus in terms:
        return True
    return focus in _PEOPLE and bool(_PEOPLE & terms)


def is_list_question(question: str) -> bool:
    """A question that asks for several things ("which areas ...", "list ...")."""
    return _LIST_QUESTION.search(question) is not None
