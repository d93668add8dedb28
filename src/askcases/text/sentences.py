"""The one sentence splitter: chunking, answer selection, grounding, outcome extraction and the
evaluation's citation count all cut text into the same sentences.

Every span is a (start, end) pair of character offsets into the text it was given.
Leaves out: language-specific sentence models; a line (paragraph or list item) never shares a
sentence with the next.
"""

from __future__ import annotations

import re

_ABBREVIATIONS = {
    "dr",
    "mr",
    "mrs",
    "ms",
    "prof",
    "st",
    "no",
    "nos",
    "vs",
    "etc",
    "e.g",
    "i.e",
    "approx",
    "dept",
    "inc",
    "ltd",
    "co",
    "jan",
    "feb",
    "mar",
    "apr",
    "jun",
    "jul",
    "aug",
    "sep",
    "sept",
    "oct",
    "nov",
    "dec",
    "fig",
    "cf",
    "al",
}
# A sentence ends at . ! ? (and any closing quote or bracket) followed by space and a capital,
# a digit, an opening quote or a pound sign; a list marker run into the line ("... 2022. - Emergency
# admissions fell") starts a sentence too.
_BOUNDARY = re.compile(r"(?P<end>[.!?][\"'”’)\]]*)\s+(?:[-–•]\s+)?(?=[\"'“‘(\[]?[A-Z0-9£])")
_LEAD = re.compile(r"^(?:•\s*|[-–]\s+)")


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence; a line (paragraph or list item) never shares a sentence."""
    spans: list[tuple[int, int]] = []
    offset = 0
    for line in text.split("\n"):
        lead = _LEAD.match(line)
        pos = lead.end() if lead else 0
        start = pos
        for found in _BOUNDARY.finditer(line, pos):
            before = line[start : found.start() + 1]
            last_word = re.split(r"\s", before.rstrip(".!?"))[-1].lower()
            if line[found.start()] == "." and (last_word in _ABBREVIATIONS or len(last_word) == 1):
                continue
            end = found.end("end")
            if line[start:end].strip():
                spans.append((offset + start, offset + end))
            start = found.end()
        tail = line[start:].rstrip()
        if tail.strip():
            spans.append((offset + start, offset + start + len(tail)))
        offset += len(line) + 1
    return spans


_BULLET = re.compile(r"^\s*(?:[-*•>|+]|\d+\))")
# A line that opens with a figure ("6,840 appointments") or holds a result's figure ("DNA rate
# 4.8%") is a result, though short; a section number ("2. Results") or a year is not one.
_OPENING_FIGURE = re.compile(
    r"(?!\d+\.\s)£?\d[\d,]*(?:\.\d+)?%?\s|.*(?:\d\.\d|\d,\d{3}|\d\s?%|£\d)"
)


_PART_NUMBER = re.compile(r"^\d+(?:\.\d+)+\.?\s+(?=[A-Z])")


def is_section_heading(line: str) -> bool:
    """A line that heads a section: short, no sentence ("RAVELSTOKE", "2. Results", "Slide 3:
    The model"), not a bullet, table row or sentence tail."""
    text = line.strip()
    if not text or _BULLET.match(text) or "|" in text:
        return False
    # a numbered part's number ("4.3.1 Adult podiatry") is no figure
    if not (text[0].isupper() or text[0].isdigit()) or _OPENING_FIGURE.match(
        _PART_NUMBER.sub("", text, count=1)
    ):
        return False
    return len(text.split()) <= 8 and len(text) <= 80 and text[-1] not in ".!?:;,\"”)'’"
