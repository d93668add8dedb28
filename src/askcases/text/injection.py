"""Text inside an article that tries to act as an instruction to the assistant, or as one of its
citation markers.

A language model is only shown the passages fenced as quoted data, and a sentence that reads as an
instruction to it ("ignore previous instructions and ...", "you are now ...", "reply only
with ...") is replaced by a note before the model sees it. (A bracketed number in an
article's text is defused by askcases.text.markers.)
Leaves out: instructions phrased in ways these patterns do not catch; the fence and the
verifier remain the defence there.
"""

from __future__ import annotations

import re

from askcases.text.sentences import sentence_spans

INSTRUCTION = re.compile(
    r"\b(?:ignore|disregard|forget|override|bypass)\b[^.\n]{0,40}"
    r"\b(?:instructions?|prompts?|rules|guidelines|directions|context)\b"
    r"|\bsystem prompt\b|\byou are now\b|\bdeveloper mode\b|\bnew instructions?\b"
    r"|\b(?:reply|respond|answer)(?: to)?(?: every| any| all)?(?: questions?)? (?:only )?with\b"
    r"|^\s*(?:system|assistant)\s*:",
    re.I | re.M,
)
REMOVED = "[a sentence that reads as an instruction to the assistant was left out]"


def reads_as_instruction(text: str) -> bool:
    return INSTRUCTION.search(text) is not None


def without_instructions(text: str) -> str:
    """The text with every sentence that reads as an instruction replaced by a note."""
    if not reads_as_instruction(text):
        return text
    out, last = [], 0
    for start, end in sentence_spans(text):
        if reads_as_instruction(text[start:end]):
            out += [text[last:start], REMOVED]
            last = end
    out.append(text[last:])
    return "".join(out)
