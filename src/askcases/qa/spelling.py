"""A spelling pass over a question: a word that is neither an English word (one of the embedding
model's whole-word tokens) nor a word of the library is replaced by the library's word one or two
letters away ("wigna" -> "Wigan", "phlebotmy" -> "phlebotomy"), so a typo neither misses the
passage nor passes for a place the library does not cover.

Leaves out: correcting real words used wrongly ("leeds" stays "leeds"), words shorter than four
letters, and words holding a digit (codes and numbered names: "Bexton49" is not "Bexton4").
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Mapping

from askcases.embedding.model import model_path
from askcases.text.lexicon import GENERIC_NAMES, STOPWORDS, common_terms, stem
from askcases.text.synonyms import group_of

_WORD = re.compile(r"[A-Za-z][A-Za-z0-9'’]*")
_WORDS_AND_NUMBERS = re.compile(r"[A-Za-z][A-Za-z0-9'’]*|\d[\d/.,:%]*")
MIN_LENGTH = 4


@functools.cache
def english_words() -> frozenset[str]:
    """The whole words of the embedding model's vocabulary (packaged, about 20,000)."""
    with open(model_path() / "vocab.txt", encoding="utf-8") as vocab:
        return frozenset(w.strip() for w in vocab if w.strip().isalpha())


def edit_distance(a: str, b: str, limit: int) -> int:
    """Optimal string alignment distance (a swap of neighbours counts once), or limit + 1."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        current = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                current[j] = min(current[j], previous2[j - 2] + 1)
        if min(current) > limit:
            return limit + 1
        previous2, previous = previous, current
    return previous[-1]


def closest_term(term: str, vocabulary: Mapping[str, int]) -> str | None:
    """The library's stem nearest a stem it lacks (the commonest among the nearest): one letter
    away, or two for a stem of nine letters or more ("complication" is not "complex")."""
    limit = 1 if len(term) < 9 else 2
    best: tuple[int, int, str] | None = None
    for known, chunks in vocabulary.items():
        if known[:1] != term[:1] or abs(len(known) - len(term)) > limit or known.isdigit():
            continue
        distance = edit_distance(term, known, limit)
        if distance <= limit and (best is None or (distance, -chunks, known) < best):
            best = (distance, -chunks, known)
    return best[2] if best else None


_LETTERS = "abcdefghijklmnopqrstuvwxyz"


def closest_by_word(word: str, vocabulary: Mapping[str, int]) -> str | None:
    """The word one edit from a misspelt word of six letters or more whose stem the library
    has, for where the stems are further apart than the words ("hosptial" -> "hospital", whose
    stem is "hospit"; "refferals" -> "referrals"): an English word first, then the commonest."""
    if len(word) < 6:
        return None
    splits = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    variants = {a + b[1:] for a, b in splits if b}
    variants |= {a + b[1] + b[0] + b[2:] for a, b in splits if len(b) > 1}
    variants |= {a + c + b[1:] for a, b in splits if b for c in _LETTERS}
    variants |= {a + c + b for a, b in splits for c in _LETTERS}
    english = english_words()
    found = [v for v in sorted(variants) if v[:1] == word[:1] and stem(v) in vocabulary]
    if not found:
        return None
    return max(found, key=lambda v: (v in english, vocabulary[stem(v)]))


@functools.cache
def _english_stems() -> dict[str, str]:
    """The stems of the common and English words, each with a word of that stem."""
    stems: dict[str, str] = {}
    for known in sorted(english_words()) + sorted(STOPWORDS):
        stems.setdefault(stem(known), known)
    return stems


def _english_word(word: str) -> str | None:
    """The common or English word one letter away from a word of five letters or more, by its
    stem ("thier" -> "their", "chemsits" -> "chemist"), the nearest as written where several
    are."""
    if len(word) < MIN_LENGTH + 1:
        return None
    term = stem(word)
    if term in _english_stems():  # a form of an English word ("complication")
        return None
    near = [
        written
        for known, written in _english_stems().items()
        if known[:1] == term[:1]
        and abs(len(known) - len(term)) <= 1
        and edit_distance(term, known, 1) <= 1
    ]
    # of several, the word written nearest ("sucess" is "success", not "secession")
    return min(near, key=lambda w: (edit_distance(word, w, 3), w), default=None)


# Counties as staff shorten them ("South Glos", "north lancs"); those that are also English words
# ("beds", "bucks") only when written capitalised.
_COUNTIES = {
    "glos": "Gloucestershire",
    "gloucs": "Gloucestershire",
    "lancs": "Lancashire",
    "yorks": "Yorkshire",
    "wilts": "Wiltshire",
    "herts": "Hertfordshire",
    "cambs": "Cambridgeshire",
    "northants": "Northamptonshire",
    "notts": "Nottinghamshire",
    "leics": "Leicestershire",
    "lincs": "Lincolnshire",
    "staffs": "Staffordshire",
    "worcs": "Worcestershire",
    "warks": "Warwickshire",
    "oxon": "Oxfordshire",
    "derbys": "Derbyshire",
    "shrops": "Shropshire",
    "northumb": "Northumberland",
}
_COUNTY_WORDS = {"Beds": "Bedfordshire", "Bucks": "Buckinghamshire", "Hants": "Hampshire"}
_COUNTY_WORDS |= {"Berks": "Berkshire", "Cumb": "Cumbria", "Som": "Somerset"}
_SHORT_COUNTY = re.compile(
    rf"\b(?:(?i:{'|'.join(_COUNTIES)})|{'|'.join(_COUNTY_WORDS)})\b(?!['’]|\.\w)"
)


def spell_out_counties(question: str, vocabulary: Mapping[str, int]) -> str:
    """The question with each county's short form ("Glos") written out where the library
    writes the county out ("South Gloucestershire") and never its short form."""

    def full(match: re.Match[str]) -> str:
        word = match.group(0)
        county = _COUNTY_WORDS.get(word) or _COUNTIES[word.lower()]
        known = stem(county.lower()) in vocabulary and stem(word.lower()) not in vocabulary
        return county if known else word

    return _SHORT_COUNTY.sub(full, question)


def correct_spelling(
    question: str, vocabulary: Mapping[str, int], surface: Callable[[str], str | None]
) -> str:
    """The question with each misspelt word replaced by the library's nearest word; `surface`
    gives the library's written form of a stem."""
    english = english_words()

    def fix(match: re.Match[str]) -> str:
        word = match.group(0)
        low = word.lower()
        if len(low) < MIN_LENGTH or low in STOPWORDS or low in english:
            return word
        if any(ch.isdigit() for ch in low):  # a code or numbered name ("Ward4B"), never a typo
            return word
        if "'" in low or "’" in low:  # "we're", "they've": a contraction, never a typo
            return word
        term = stem(low)
        if term in vocabulary or group_of(term):
            return word
        if low.endswith("s") and (
            low[:-1] in english or low.endswith("es") and low[:-2] in english
        ):
            return word  # the plural of an English word ("dads"), never a typo of "days"
        near = closest_term(term, vocabulary)
        variant = closest_by_word(low, vocabulary)
        # an English word one letter away ("sucess" -> "success") comes before a library word
        # written further from it ("secession") or a form no one writes ("secess")
        common = _english_word(low) if word.islower() else None
        if near is not None and variant is not None:
            # a stem one letter away whose word is further ("propot" of "propotion" is one
            # letter from "propos" of "proposal"): the word one edit away is meant ("proportion")
            written_near = (surface(near) or near).lower()
            near = near if edit_distance(low, written_near, 1) <= 1 else None
        if near is not None:
            variant = None
            if common is not None and edit_distance(low, (surface(near) or near).lower(), 1) > 1:
                return common
        if variant is not None:
            if common is not None and variant not in english:
                return common
            return variant[:1].upper() + variant[1:] if word[:1].isupper() else variant
        if near is None:
            # "thier", "chemsits": a common or English word the library does not use
            return (_english_word(low) if word.islower() else None) or word
        if near in STOPWORDS:
            return near if word.islower() else word
        written = surface(near)
        # a word of four letters or more is no typo of a shorter one ("Glos" is not "go")
        if not written or len(written) < min(len(low), MIN_LENGTH):
            return word
        return written[:1].upper() + written[1:] if word[:1].isupper() else written

    return _WORD.sub(fix, question)


_PLACE_LEAD = {"in", "at", "around", "across", "near", "from", "for", "of"}
# Words that follow "in", "of" or "for" in common phrases ("in touch", "in total"), never a place.
_NOT_PLACES = set(
    """touch total place time general particular practice person future addition turn return
    charge line hand fact short part order need use mind favour response detail advance full
    work common public private principle theory reality terms view case cases average hospital
    community profit example instance money funding store shop branch clinic clinics surgery
    pharmacy school schools house home hub centre absolute real relative cash actual numerical
    percentage""".split()
)


# Endings of common nouns and verbs, never of a place ("in residents", "for copying").
# Words for a place or its people that name the place after "of" ("the borough of bolton").
_OF_PLACE = set(
    """city cities county counties borough boroughs town towns village villages area areas
    people residents patients population hospitals hospital practices surgeries gps trust trusts
    council councils university isle part parts north south east west centre outskirts""".split()
)
# Everyday phrases whose last word the library may write in a name ("Open Door Quarleston").
_PHRASES = {"next door", "front door", "front line", "on board", "in line", "on line"}
_COMMON_NOUN_ENDINGS = ("ing", "ents", "ions", "ness", "ment", "ments", "ities", "ers")
# Endings of describing words ("therapeutic", "clinical", "intensive"), which no place name has
# when another word follows.
_DESCRIBING = ("ic", "al", "ive", "ous", "ary", "ful", "less", "able", "ible", "ed", "ward")


def names_in_lower_case(
    question: str,
    vocabulary: Mapping[str, int],
    written_capitalised: Callable[[str, str], bool],
) -> list[str]:
    """Names a question writes in lower case: words the library writes with a capital ("wigan"),
    and unknown words after a place word ("clinics in leeds"), which no article names."""
    names: list[str] = []
    # numbers stay in as words, so that "in 23/24 actually" puts no place word before "actually"
    words = _WORDS_AND_NUMBERS.findall(question)
    for i, written in enumerate(words):
        if not written[:1].isalpha():
            continue
        word = written.removesuffix("'s").removesuffix("’s")
        low = word.lower()
        if word[:1].isupper() or len(low) < 3 or low in STOPWORDS or low in GENERIC_NAMES:
            continue
        if i + 1 < len(words) and words[i + 1].lower() == "of":
            continue  # "type of scan": a kind, not a place
        if i > 0 and f"{words[i - 1].lower()} {low}" in _PHRASES:
            continue  # "the area next door": an everyday phrase, whatever the library names
        if i > 0 and words[i - 1].lower() == "how":
            continue  # "how long", where the library writes "Long COVID": a question, no name
        term = stem(low)
        if term in vocabulary:
            # "putting a paper together" beside the library's "Wyckenham Together": a word most
            # service articles use is a name in lower case only where a place word leads it
            everyday = term in common_terms() and not (
                i > 0 and words[i - 1].lower() in _PLACE_LEAD
            )
            if not everyday and written_capitalised(term, low):
                names.append(word)
        elif i > 0 and words[i - 1].lower() in _PLACE_LEAD and not group_of(term):
            following = words[i + 1].lower() if i + 1 < len(words) else ""
            describes = (
                low.endswith(_DESCRIBING) and following.isalpha() and (following not in STOPWORDS)
            )  # "time in therapeutic range"
            # "a sense of scale": after "of", a word of everyday English is no place, unless a
            # word for a place or its people comes first ("the hospitals of leicester")
            common = (
                words[i - 1].lower() == "of"
                and low in english_words()
                and not (i > 1 and words[i - 2].lower() in _OF_PLACE)
            )
            # "sent in labelled as COPD": a verb's participle is no place
            participle = low.endswith("ed") and low in english_words()
            if (
                low not in _NOT_PLACES
                and not low.endswith(_COMMON_NOUN_ENDINGS)
                and not common
                and not participle
            ):
                if not describes:
                    names.append(word)  # "for copying", "in touch": no place
    return names
