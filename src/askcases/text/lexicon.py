"""The words of English that askcases knows without a model: stop words, number words, month
names, a stemmer, and the content terms and names of a text.

`stem` is the Porter stemmer's cut of a word, the same one the keyword index's FTS5 `porter`
tokenizer applies, so the two sides of retrieval agree on what counts as the same word.
Leaves out: lemmatisation and spelling correction.
"""

from __future__ import annotations

import functools
import json
import re
import threading
from pathlib import Path

import snowballstemmer

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
    "britain",
    "british",
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
    "i'm",
    "i’m",
    "i've",
    "i'd",
    "hi",
    "hello",
    "thanks",
    "icb",
    "icbs",
    "ics",
    "pcn",
    "pcns",
    "trust",
    "council",
    # offices of state ("Which Secretary of State announced ..."): no place or body of a service
    "secretary",
    "state",
    "minister",
    "government",
}
NUMBER_VALUES = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "twenty": 20, "thirty": 30, "forty": 40,
    "fifty": 50, "hundred": 100, "thousand": 1000, "dozen": 12,
}  # fmt: skip
NUMBER_WORDS = (
    "one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen "
    "sixteen seventeen eighteen nineteen twenty thirty forty fifty sixty seventy eighty ninety "
    "hundred thousand million billion dozen half quarter"
).split()
NUMBER_WORD_PATTERN = r"(?:" + "|".join(NUMBER_WORDS) + r")"
WORD = re.compile(r"[A-Za-z0-9£%&][A-Za-z0-9£%&'’.,-]*[A-Za-z0-9%]|[A-Za-z0-9%]")


_PORTER = snowballstemmer.stemmer("porter")
_PORTER_LOCK = threading.Lock()
FAMILY_MIN = 6  # a stem this long or longer that starts another stem is of its family


# Irregular past forms, which Porter leaves apart from their verbs ("who led it": "leadership";
# "how much are practices paid": "pay").
IRREGULAR = {
    "led": "lead",
    "ran": "run",
    "paid": "pay",
    "took": "take",
    "gave": "give",
    "given": "give",
    "began": "begin",
    "begun": "begin",
    "bought": "buy",
    "brought": "bring",
    "chose": "choose",
    "chosen": "choose",
    "spent": "spend",
    "built": "build",
    "taught": "teach",
    "grew": "grow",
    "grown": "grow",
    "sold": "sell",
    "kept": "keep",
}


@functools.lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """The Porter stem of a word, lower-cased, possessive dropped; numbers stay as they are;
    an irregular past form is its verb's ("led": "lead")."""
    word = word.lower().strip(".,'’").removesuffix("'s").removesuffix("’s")
    if word.isdigit():
        return word
    word = IRREGULAR.get(word, word)
    with _PORTER_LOCK:
        return str(_PORTER.stemWord(word))


def same_family(a: str, b: str) -> bool:
    """Whether two stems are one word's family: equal, or one starts the other and is at least
    FAMILY_MIN letters ("gynaecologi" and "gynaecologist"), which Porter leaves apart."""
    if a == b:
        return True
    short, long = (a, b) if len(a) <= len(b) else (b, a)
    if any(ch.isdigit() for ch in long):  # "bexton4" and "bexton49" are two names
        return False
    return len(short) >= FAMILY_MIN and long.startswith(short)


def matched_terms(wanted: list[str] | set[str], terms: set[str]) -> set[str]:
    """Those of `wanted` that `terms` holds, or holds one of the family of."""
    return {t for t in wanted if t in terms or any(same_family(t, s) for s in terms)}


COMMON_TERMS_FILE = Path(__file__).with_name("common_terms.json")


@functools.cache
def common_terms() -> frozenset[str]:
    """Content terms that many service articles use ("staff", "together", "estimate"), fitted on
    the tuning articles (eval/fit_common_terms.py): none of them names a topic of the library."""
    if not COMMON_TERMS_FILE.exists():
        return frozenset()
    return frozenset(json.loads(COMMON_TERMS_FILE.read_text(encoding="utf-8"))["terms"])


def content_terms(text: str) -> list[str]:
    """Words that carry meaning, lower-cased and stemmed, in order."""
    return list(_content_terms(text))


@functools.lru_cache(maxsize=65536)
def _content_terms(text: str) -> tuple[str, ...]:
    return tuple(term for _, term in content_words(text))


def content_words(text: str) -> list[tuple[str, str]]:
    """(word lower-cased, its stem) for each word that carries meaning, in order."""
    found = []
    for match in WORD.finditer(text):
        word = match.group(0).strip(".,")
        low = word.lower().removesuffix("'s").removesuffix("’s")
        # A hyphenated compound counts as its parts ("community-based"), as FTS5 reads it.
        for part in low.split("-") if "-" in low.strip("-") else [low]:
            if part and part not in STOPWORDS:
                found.append((part, stem(part)))
    return found


# the end of a clause or sentence ("... hospital. Roughly how many"); "Dr." and "St." end none
_CLAUSE_END = re.compile(r"(?:[:;?!]|\s[-–—]|\b[a-z]{3,}\.|\d\.)\s*$")


# a month as written in full or short ("Jul-Sep", "March"), not a name it begins ("Marbeck")
_MONTH_WORD = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
    r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)"
)
_MONTHS_ONLY = re.compile(rf"{_MONTH_WORD}(?:[-–/]{_MONTH_WORD})*")


def named_terms(question: str) -> list[str]:
    """Places, bodies, acronyms and years the question names (capitalised or numeric words)."""
    names = []
    for i, match in enumerate(WORD.finditer(question)):
        word = match.group(0).strip(".,").removesuffix("'s").removesuffix("’s")
        # "GP-led", "Bexley-based": a word made a describing word by a lower-case ending names
        # only what is before it
        parts = word.split("-")
        while len(parts) > 1 and parts[-1].islower():
            parts.pop()
        if len(parts[0]) > 1:  # "X-ray" stays whole: one letter names nothing
            word = "-".join(parts)
        low = word.lower()
        if low in GENERIC_NAMES or low in STOPWORDS:
            continue
        if _MONTHS_ONLY.fullmatch(low):  # "Jul-Sep": a period, no name
            continue
        is_year = re.fullmatch(r"(?:19|20)\d{2}", word) is not None
        # A word that opens the question or a clause of it ("Wigan stroke: Savings per year?")
        # is capitalised for its place, not as a name, unless it is all capitals (see
        # clause_openers for those the library writes as names).
        opens = i == 0 or _CLAUSE_END.search(question[: match.start()]) is not None
        is_name = word[:1].isupper() and (not opens or word.isupper())
        if is_year or is_name:
            names.append(word)
    return names


def clause_openers(question: str) -> list[str]:
    """Capitalised words that open a clause after the first ("Stroke: Wigan savings"): names
    only where the library writes them so."""
    out = []
    for i, match in enumerate(WORD.finditer(question)):
        word = match.group(0).strip(".,").removesuffix("'s").removesuffix("’s")
        if i == 0 or not word[:1].isupper() or word.isupper():
            continue
        if word.lower() in STOPWORDS or word.lower() in GENERIC_NAMES:
            continue
        if _CLAUSE_END.search(question[: match.start()]) is not None:
            out.append(word)
    return out


def name_forms(name: str) -> list[str]:
    """The ways an article may write a name: as asked, and a hyphenated one with a space or run
    together ("GP-led": "GP led", "GPled"); a number of thousands with its comma ("2000":
    "2,000")."""
    if name.isdigit() and 4 <= len(name) <= 6:
        return [name, f"{name[:-3]},{name[-3:]}"]
    if "-" not in name.strip("-"):
        return [name]
    return [name, name.replace("-", " "), name.replace("-", "")]


def _name_pattern(name: str) -> str:
    if name.isdigit() and 4 <= len(name) <= 6:
        return rf"(?<![\d,.]){name[:-3]},?{name[-3:]}(?!,?\d)"
    pattern = r"\b" + re.escape(name).replace(r"\-", r"[\s-]?")
    if len(name) >= 3 and name.isalpha() and name.isupper():
        # an acronym is named inside a longer one written with a small prefix: "BNP" in
        # "NT-proBNP", "proBNP"
        pattern = rf"(?:{pattern}|\b(?-i:[a-z]{{2,5}}{re.escape(name)}))"
    return pattern


def mentions(name: str, text: str) -> bool:
    """Whether the text names this name, in any of its forms (name_forms), in any case."""
    return re.search(_name_pattern(name), text, re.I) is not None


def times_named(name: str, text: str) -> int:
    """How many times the text names this name (as `mentions` finds it)."""
    return sum(1 for _ in re.finditer(_name_pattern(name), text, re.I))


MONTHS = {
    m: i + 1
    for i, m in enumerate(
        "january february march april may june july august september october november "
        "december".split()
    )
}
MONTHS.update({m[:3]: n for m, n in list(MONTHS.items())})
MONTHS["sept"] = 9
MONTH_NAMES = (
    r"(?:january|february|march|april|may|june|july|august|september|october|november|december)"
)
