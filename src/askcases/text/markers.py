"""Citation markers: the one pattern for `[n]` and `[n, m]`, an answer cut into its sentences
with the markers each carries, and article text made unable to pass for a marker.

Leaves out: any other citation style; askcases writes and reads only `[n]`.
"""

from __future__ import annotations

import re

from askcases.text.sentences import sentence_spans

MARKER = re.compile(r"\[(\d+(?:\s*,\s*\d+)*)\]")
_LEADING_MARKERS = re.compile(r"^(?:\s*\[\d+(?:\s*,\s*\d+)*\])+")


def marker_numbers(text: str) -> list[int]:
    """Every number cited in the text, in order, repeats kept."""
    return [int(n) for found in MARKER.findall(text) for n in found.split(",")]


def defuse_markers(text: str) -> str:
    """Bracketed numbers in quoted article text, written as (n)."""
    return MARKER.sub(lambda m: f"({m.group(1)})", text)


def split_answer(answer: str) -> list[tuple[str, list[int]]]:
    """(sentence without markers, cited numbers) for each sentence of an answer; a marker that
    opens a sentence ("… end. [2] Next") belongs to the sentence before it."""
    pieces: list[tuple[str, list[int]]] = []
    for start, end in sentence_spans(answer):
        text = answer[start:end]
        lead = _LEADING_MARKERS.match(text)
        if lead and pieces:
            prev_text, prev_cites = pieces[-1]
            pieces[-1] = (prev_text, prev_cites + marker_numbers(lead.group(0)))
            text = text[lead.end() :]
        plain = " ".join(MARKER.sub(" ", text).split()).replace(" .", ".")
        if plain:
            pieces.append((plain, marker_numbers(text)))
    return pieces
