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
_WORD = re.compile(r"[A-Za-z][A-Za-z'’-]*|&")


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
    return found


def expand_query(question: str, glossary: dict[str, str]) -> str:
    """The question with the other form of each acronym or expansion it uses appended."""
    extra = []
    low = question.lower()
    for acronym, expansion in sorted(glossary.items()):
        has_acronym = re.search(rf"\b{re.escape(acronym)}\b", question) is not None
        has_expansion = expansion.lower() in low
        if has_acronym and not has_expansion:
            extra.append(expansion)
        elif has_expansion and not has_acronym:
            extra.append(acronym)
    return question if not extra else f"{question} ({'; '.join(extra)})"


# An acronym as a question writes it: capitals, perhaps with "&" or dots ("B&NES", "VW", "U.C.R.").
ASKED_ACRONYM = re.compile(r"(?<![\w&.])[A-Z](?:[&.]?[A-Z]){1,5}\.?(?![\w&])")
_PLAIN_WORD = re.compile(r"[A-Za-z][a-z'’-]*|[A-Z]+|&")
_FILLERS = {"a", "an", "with", "by", "from", "as", "or", "is", "are", "was", "be", "it", "this"}


def spelled_out(acronym: str, texts: Iterable[str]) -> str | None:
    """The words of `texts` whose initials spell the acronym, joiners allowed inside ("B&NES":
    "Bath and North East Somerset"), the most used first; None where none do."""
    letters = "".join(ch for ch in acronym.lower() if ch.isalpha())
    if not 2 <= len(letters) <= 6:
        return None
    found: Counter[str] = Counter()
    for text in texts:
        words = [m.group(0) for m in _PLAIN_WORD.finditer(text)]
        for i, first in enumerate(words):
            if first[0].lower() != letters[0] or first.lower() in _JOINERS | _FILLERS:
                continue
            j, used = 1, [first]
            for word in words[i + 1 : i + 1 + 2 * len(letters)]:
                if j == len(letters):
                    break
                low = word.lower()
                if low in _FILLERS:
                    break
                if low in _JOINERS and low[0] != letters[j]:
                    used.append(word)
                    continue
                if low[0] != letters[j] or len(low) < 2:
                    break
                used.append(word)
                j += 1
            if j == len(letters) and used[-1].lower() not in _JOINERS:
                phrase = " ".join(used)
                if len(letters) > 2 or " " in phrase and all(w.islower() for w in used):
                    found[phrase] += 1
    if not found:
        return None
    # the same words in any case are one phrase; the form used most wins
    return found.most_common(1)[0][0]
