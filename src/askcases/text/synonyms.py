"""Other words for what a question asks about: staff's everyday words beside the clinical ones
(lay_terms.json: "clots" and "thrombosis", "bloods" and "phlebotomy", "sites" and "centres"), and
definitions an article states ("DVT is a blood clot ..." ties "clot" to DVT).

A sentence that uses another word of a question word's group counts as using that word, in
sentence scoring and in what a "how many" question counts.
Groups are general usage: some written from the tuning questions' failures, the rest general NHS
and care vocabulary written without sight of any article or question; never from an article under
test. Leaves out: a general thesaurus; a word belongs to the groups listed here.
"""

from __future__ import annotations

import functools
import json
import re
from pathlib import Path

from askcases.text.lexicon import STOPWORDS, content_terms, stem

LAY_TERMS_FILE = Path(__file__).with_name("lay_terms.json")
_DEFINITION = re.compile(
    r"\b(?P<term>[A-Z][A-Za-z]{1,9})\s+(?:is|are)\s+(?:an?|the)\s+(?P<phrase>[a-z][a-z -]{2,60}?)"
    r"(?=\s+(?:that|which|who|where|when|in|of|with|for|caused)\b|[,.;])"
)
# a sentence that opens by defining a common noun: "A frenotomy is a quick snip of the tight skin"
_NOUN_DEFINITION = re.compile(
    r"(?:^|(?<=[.!?]\s)|(?<=\n))(?:A|An) (?P<term>[a-z][a-z-]{3,19}) (?:is|are) (?:an?|the) "
    r"(?P<phrase>[a-z][a-z -]{2,60}?)"
    r"(?=\s+(?:that|which|who|where|when|in|of|with|for|caused|using)\b|[,.;])"
)


@functools.cache
def _groups() -> dict[str, frozenset[str]]:
    """stem -> the stems of every word grouped with it."""
    data = json.loads(LAY_TERMS_FILE.read_text(encoding="utf-8"))
    groups: dict[str, set[str]] = {}
    for group in data["groups"]:
        stems = {stem(w) for w in group}
        for s in stems:
            groups.setdefault(s, set()).update(stems)
    return {s: frozenset(g - {s}) for s, g in groups.items()}


@functools.cache
def _listed() -> frozenset[str]:
    data = json.loads(LAY_TERMS_FILE.read_text(encoding="utf-8"))
    return frozenset(w for group in data["groups"] for w in group)


def said_alone(word: str) -> bool:
    """Whether staff say the word's plural alone for a thing it names ("bloods" for blood
    tests): the plural is a word of the groups."""
    return f"{word.lower()}s" in _listed()


def group_of(term: str) -> frozenset[str]:
    """The stems grouped with a stem (not itself); empty for a word in no group."""
    return _groups().get(term, frozenset())


def find_definitions(text: str) -> dict[str, str]:
    """{term: the head word of its definition} for "TERM is a <phrase>" in an article
    ("DVT is a blood clot that develops ..." -> {"DVT": "clot"}; "A frenotomy is a quick snip
    of the tight skin" -> {"frenotomy": "snip"})."""
    found: dict[str, str] = {}
    for match in (*_DEFINITION.finditer(text), *_NOUN_DEFINITION.finditer(text)):
        words = [w for w in match.group("phrase").split() if w not in STOPWORDS]
        if words and match.group("term").lower() not in STOPWORDS:
            found.setdefault(match.group("term"), words[-1])
    return found


def defined_terms(question: str, definitions: dict[str, str]) -> list[str]:
    """The terms whose definition's head word the question uses ("clots" -> DVT)."""
    asked = set(content_terms(question))
    return [term for term, head in sorted(definitions.items()) if stem(head) in asked]
