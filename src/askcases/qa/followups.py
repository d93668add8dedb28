"""Resolve a follow-up question against the earlier turns, without a language model.

"and how many are there?" after "DVT clinics — who runs them?" becomes "and how many are there
(DVT clinics)?"; "What about Bedfordshire?" after "By how much did Newcastle cut admissions?"
becomes "By how much did Bedfordshire cut admissions?". A question that names its own subject is
left as it is. Leaves out: resolving across more than the previous turn's subject.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from askcases.errors import UsageError
from askcases.files import read_jsonl
from askcases.text.lexicon import STOPWORDS, WORD, named_terms

_STARTS_FOLLOWUP = re.compile(
    r"^(?:and|but|also|so|then|what about|how about|and what about)\b", re.I
)
_SWITCH = re.compile(r"^(?:and\s+)?(?:what|how) about\s+(?P<subject>.+?)\s*\??$", re.I)
_QUESTION_WORDS = {"who", "what", "when", "where", "which", "why", "how", "whom", "whose"}


def subject_of(question: str) -> str:
    """The words of a question that say what it is about (no question or function words)."""
    base = question.split(" (", 1)[0] if question.endswith(")") else question
    words = []
    after_question_word = False
    for match in WORD.finditer(base):
        word = match.group(0).strip(".,")
        low = word.lower()
        # "who runs them": the verb after a question word says what was asked, not about what.
        skip_verb = after_question_word and word.islower() and low not in STOPWORDS
        after_question_word = low == "who"
        if low in _QUESTION_WORDS or skip_verb or low in STOPWORDS or low in {"did", "does", "do"}:
            continue
        words.append(word)
    context = question[len(base) :].strip(" ()")
    return " ".join(words + ([context] if context else []))


def is_followup(question: str) -> bool:
    """A question that leans on the previous turn: it starts with "and" or "what about", or it
    names no place, body or year of its own."""
    return bool(_STARTS_FOLLOWUP.search(question)) or not named_terms(question)


def resolve_followup(question: str, history: list[str]) -> str:
    """The question made to stand alone, given the earlier (already resolved) questions."""
    question = " ".join(question.split())
    if not history or not is_followup(question):
        return question
    previous = history[-1]
    switch = _SWITCH.match(question)
    if switch:
        new_subject = switch.group("subject")
        old_names = [n for n in named_terms(previous) if not n.isdigit()]
        if old_names and named_terms(f"about {new_subject}"):
            first = old_names[0]
            return re.sub(
                rf"\b{re.escape(first)}\b", new_subject, previous.split(" (", 1)[0], count=1
            )
    subject = subject_of(previous)
    if not subject:
        return question
    body = question.rstrip("?").rstrip()
    return f"{body} ({subject})?" if question.endswith("?") else f"{body} ({subject})"


def load_history(path: Path) -> list[dict[str, str]]:
    """Earlier turns from a history file: JSON lines (or one JSON array) of objects with a
    "question" (and, once askcases has answered it, "resolved_question" and "answer")."""
    if not path.exists():
        return []
    try:
        stripped = path.read_text(encoding="utf-8").strip()
        rows = json.loads(stripped) if stripped.startswith("[") else None
    except (OSError, ValueError) as exc:
        raise UsageError(f"cannot read history file {path}: {exc}") from None
    if not isinstance(rows, list):
        rows = [row for _, row in read_jsonl(path)]
    turns = []
    for row in rows:
        if isinstance(row, str):
            row = {"question": row}
        if not isinstance(row, dict) or not isinstance(row.get("question"), str):
            raise UsageError(f'{path}: each turn needs a "question" string')
        turns.append({k: str(v) for k, v in row.items() if isinstance(v, str)})
    return turns


def resolved_questions(turns: list[dict[str, str]]) -> list[str]:
    """Each earlier turn's question as it was understood, resolving any that were not saved so."""
    resolved: list[str] = []
    for turn in turns:
        resolved.append(
            turn.get("resolved_question") or resolve_followup(turn["question"], resolved)
        )
    return resolved


def append_history(path: Path, turn: dict[str, str]) -> None:
    """Add one turn to a history file (JSON lines)."""
    with path.open("a", encoding="utf-8") as out:
        out.write(json.dumps(turn, ensure_ascii=False) + "\n")
