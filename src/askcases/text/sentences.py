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
