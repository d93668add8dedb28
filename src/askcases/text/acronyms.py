"""Acronyms and their expansions, learned from the articles themselves.

"deep vein thrombosis (DVT)" teaches DVT = deep vein thrombosis: the letters of the bracketed
acronym must be the initials of the words before it (small joining words may be skipped). A
question using either form is expanded with the other. Leaves out: acronyms never spelled out.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable

_BRACKETED = re.compile(r"\(([A-Z][A-Za-z&]{1,9})\)")
_JOINERS = {"and", "of", "the", "for", "in", "&", "on", "at", "to"}
_WORD = re.compile(r"[A-Za-z][A-Za-z'’]*|&")  # "whole-time equivalent (WTE)": two words, then one
# A line of a list of abbreviations: "TDA: tobacco dependence adviser", "- ACT = alcohol care team"
_DEFINED = re.compile(
    r"^[ \t]*(?:[-*•][ \t]*)?\**(?P<acronym>[A-Z][A-Za-z&]{1,9})\**[ \t]*(?::|=|–|—| - )[ \t]*"
    r"\**(?P<words>[A-Za-z][A-Za-z'’& -]*?)[ \t]*(?=$|[,;.(|])",
    re.M,
)


def _expansion(words: list[str], letters: str) -> int | None:
    """How many trailing words spell `letters` by their initials (joiners allowed), or None."""
    letters = letters.lower()
    i = len(words) - 1
    j = len(letters) - 1
    while i >= 0 and j >= 0:
        low = words[i].lower()
        if low[0] == letters[j] and low not in _JOINERS:
            j -= 1
        elif not (low in _JOINERS and j < len(letters) - 1):
            return None
        i -= 1
    return len(words) - 1 - i if j < 0 else None


def find_acronyms(text: str) -> dict[str, str]:
    """{acronym: expansion} for every "expansion (ACRONYM)" the text spells out."""
    found: dict[str, str] = {}
    for match in _BRACKETED.finditer(text):
        acronym = match.group(1)
        letters = "".join(ch for ch in acronym if ch.isalpha())
        if sum(ch.isupper() for ch in letters) < 2 or acronym in found:
            continue
        if letters.endswith("s") and letters[:-1].isupper():
            letters = letters[:-1]  # a plural: "GPs"
        window_start = max(0, match.start() - 200)
        words = list(_WORD.finditer(text[window_start : match.start()]))
        count = _expansion([w.group(0) for w in words], letters)
        if count:
            start = window_start + words[len(words) - count].start()
            found[acronym] = " ".join(text[start : match.start()].split())
    for match in _DEFINED.finditer(text):
        acronym = match.group("acronym")
        letters = "".join(ch for ch in acronym if ch.isalpha())
        if sum(ch.isupper() for ch in letters) < 2 or acronym in found:
            continue
        defining = [w.group(0) for w in _WORD.finditer(match.group("words"))]
        if defining and _expansion(defining, letters) == len(defining):
            found[acronym] = " ".join(match.group("words").split())
    return found


def expand_query(question: str, glossary: dict[str, str]) -> str:
    """The question with the other form of each acronym or expansion it uses appended."""
    extra = []
    low = question.lower()
    for acronym, expansion in sorted(glossary.items()):
        # "FCP" asks of what the library writes "FCPs", and "FCPs" of "FCP"
        single = acronym[:-1] if acronym.endswith("s") and acronym[:-1].isupper() else acronym
        has_acronym = re.search(rf"\b{re.escape(single)}s?\b", question) is not None
        has_expansion = expansion.lower() in low
        if has_acronym and not has_expansion:
            extra.append(expansion)
        elif has_expansion and not has_acronym:
            extra.append(acronym)
    return question if not extra else f"{question} ({'; '.join(extra)})"


# An acronym as a question writes it: capitals, perhaps with "&" or dots ("B&NES", "VW", "U.C.R.").
# An acronym as a question writes it: capitals ("NHS", "B&NES", "N.E.L."), or three or more
# with a lower-case letter between two of them ("BaNES": "Bath and North East Somerset").
ASKED_ACRONYM = re.compile(
    r"(?<![\w&.])(?:[A-Z](?:[&.]?[A-Z]){1,5}|(?=(?:[a-z]?[A-Z]){3})[A-Z](?:[a-z]?[A-Z]){2,5})"
    r"\.?(?![\w&])"
)
# Words, "&", and the punctuation that ends a run of words ("virtual ward. The team": no "WT").
_TOKEN = re.compile(r"[A-Z]{2,}(?:s['’]?|['’]s)?(?![a-z])|[A-Za-z][a-z'’-]*|&|[.,;:!?()\[\]|/\"“”]")
_FILLERS = {"a", "an", "with", "by", "from", "as", "or", "is", "are", "was", "be", "it", "this"}
MIN_LOWER_USES = 2  # two words in lower case spell an acronym only where used this often


def _runs(text: str, letters: str) -> list[list[str]]:
    """The runs of words of the text whose initials spell `letters`, joiners allowed inside."""
    # each part of a joined word gives its initial ("whole-time equivalent": WTE)
    words = [part for m in _TOKEN.finditer(text) for part in m.group(0).split("-") if part]
    found = []
    for i, first in enumerate(words):
        low = first.lower()
        if len(first) < 2 or low[0] != letters[0] or low in _JOINERS | _FILLERS:
            continue
        j, used = 1, [first]
        for word in words[i + 1 : i + 1 + 2 * len(letters)]:
            if j == len(letters):
                break
            low = word.lower()
            if low in _FILLERS or not low[0].isalpha() and low != "&":
                break  # a filler word or punctuation ends the run
            if low in _JOINERS and low[0] != letters[j]:
                used.append(word)
                continue
            # an acronym among the words gives all its letters ("Royal College of GPs": RCGP)
            caps = re.match(r"([A-Z]{2,5})s?(?:['’]s?)?$", word)
            if caps and letters[j : j + len(caps.group(1))] == caps.group(1).lower():
                used.append(word)
                j += len(caps.group(1))
                continue
            if low[0] != letters[j] or len(low) < 2:
                break
            used.append(word)
            j += 1
        if j == len(letters) and used[-1].lower() not in _JOINERS:
            found.append(used)
    return found


def spelled_out(acronym: str, texts: Iterable[str]) -> str | None:
    """The words of `texts` whose initials spell the acronym, joiners allowed inside ("B&NES":
    "Bath and North East Somerset"); None where none do. Words written as a name (each one
    capitalised) spell an acronym of three letters or more, or of two with a joiner inside
    ("Department of Health": DH); words in lower case spell one of three letters or more ("did
    not attend"), and of two ("virtual ward") only where the
    passages use them at least MIN_LOWER_USES times. The phrase used most wins, as it is most
    often written."""
    letters = "".join(ch for ch in acronym.lower() if ch.isalpha())
    if not 2 <= len(letters) <= 6:
        return None
    uses: Counter[str] = Counter()
    written: dict[str, Counter[str]] = {}
    for text in texts:
        for run in _runs(text, letters):
            phrase = " ".join(run)
            key = phrase.lower()
            uses[key] += 1
            written.setdefault(key, Counter())[phrase] += 1
    candidates = []
    for key, count in uses.items():
        form = written[key].most_common(1)[0][0]
        words = [w for w in form.split() if w.lower() not in _JOINERS]
        as_name = all(w[0].isupper() for w in words)
        # a name of two words spells two letters only with a joiner inside ("Department of
        # Health": DH), as names of two capitalised words are many
        joined = len(form.split()) > len(words)
        if len(letters) > 2 or joined if as_name else len(letters) > 2 or count >= MIN_LOWER_USES:
            candidates.append((count, form))
    if not candidates:
        return None
    return max(candidates, key=lambda c: c[0])[1].rstrip("'’")
