"""Answers and articles for people, from one view of an answer: plain text for the terminal,
Markdown for the chat and business cases, HTML for an article with its cited span marked.

Every text an answer or article holds is escaped in the chat's Markdown and in HTML, so an
article containing <script> shows those characters and runs nothing; the business-case Markdown
is plain text for a document, and is shown in a text box, never rendered.
Leaves out: deciding anything about the answer.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from typing import Any

from askcases.types import Answer, Citation, Grounding, Guard, SentenceVerdict

_MARKDOWN_SPECIALS = re.compile(r"([\\`*_{}\[\]()#+!|~-])")
# askcases.text.markers.MARKER as it stands after as_text has escaped the brackets.
_ESCAPED_MARKER = re.compile(r"\\\[(\d+(?:\s*,\s*\d+)*)\\\]")


def _clickable(found: re.Match[str]) -> str:
    return " ".join(f"`[{n.strip()}]`" for n in found.group(1).split(","))


@dataclass(frozen=True)
class AnswerView:
    """What a person is shown of an answer."""

    question: str
    resolved_question: str
    answer: str
    refused: bool
    citations: list[Citation]
    unsupported: list[SentenceVerdict]  # sentences their citations do not support
    guard: Guard | None
    backend: str
    elapsed_ms: float
    nearest: list[Citation]  # a refusal's closest passages, none of them an answer

    @property
    def sources(self) -> list[Citation]:
        """What the answer's [n] markers point at: its citations, or a refusal's nearest."""
        return self.citations or self.nearest

    @property
    def read_differently(self) -> bool:
        return bool(self.resolved_question) and self.resolved_question != self.question

    @classmethod
    def of(cls, answer: Answer) -> AnswerView:
        return cls.from_json(answer.to_json())

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> AnswerView:
        """The view of the JSON of `askcases ask --json` (as the chat keeps it)."""
        grounding = Grounding.from_json(data.get("grounding") or {})
        guard = data.get("guard")
        return cls(
            question=str(data.get("question", "")),
            resolved_question=str(data.get("resolved_question") or ""),
            answer=str(data.get("answer", "")),
            refused=bool(data.get("refused", False)),
            citations=[Citation.from_json(c) for c in data.get("citations", [])],
            unsupported=[s for s in grounding.sentences if not s.supported],
            guard=Guard.from_json(guard) if guard else None,
            backend=str(data.get("backend") or "extractive"),
            elapsed_ms=float(data.get("elapsed_ms") or 0.0),
            nearest=[Citation.from_json(c) for c in data.get("nearest", [])],
        )


def as_text(text: str) -> str:
    """Text that Markdown and HTML render literally, whatever characters it holds."""
    html_safe = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _MARKDOWN_SPECIALS.sub(r"\\\1", html_safe)


def _why_unsupported(verdict: SentenceVerdict) -> str:
    numbers = verdict.unsupported_numbers
    return f" (numbers not in the cited passages: {', '.join(numbers)})" if numbers else ""


def _when(citation: Citation) -> str:
    return f", {citation.date}" if citation.date else ""


def answer_text(view: AnswerView, show_text: bool = True) -> str:
    """The answer, its verification marks, then its numbered sources, as plain text."""
    lines = []
    if view.read_differently:
        lines += [f"(read as: {view.resolved_question})", ""]
    if show_text:
        lines.append(view.answer)
    for verdict in view.unsupported:
        lines.append(f"⚠ not supported by its citations{_why_unsupported(verdict)}: {verdict.text}")
    if view.guard is not None:
        lines += ["", f"⚠ {view.guard.note}", view.guard.answer]
    if view.citations:
        lines += ["", "Sources:"]
    elif view.nearest:
        lines += ["", "Closest passages (not an answer):"]
    for c in view.sources:
        lines.append(f"[{c.n}] {c.title}{_when(c)} ({c.doc_id})")
        lines.append(f"    “{c.quote}”")
    return "\n".join(lines)


def answer_markdown(view: AnswerView) -> str:
    """The answer with its markers, verification marks and guard, then each cited source."""
    parts = []
    if view.read_differently:
        parts.append(f"*Read as: {as_text(view.resolved_question)}*")
    # Each [n] marker (and each number of [n, m]) becomes a small code element that the page
    # makes clickable.
    parts.append(_ESCAPED_MARKER.sub(_clickable, as_text(view.answer)))
    for verdict in view.unsupported:
        parts.append(
            f"⚠ **Not supported by its citations**{as_text(_why_unsupported(verdict))}: "
            f"{as_text(verdict.text)}"
        )
    if view.guard is not None:
        parts.append(f"⚠ {as_text(view.guard.note)}\n\n{as_text(view.guard.answer)}")
    if view.citations:
        parts.append("**Sources**")
    elif view.nearest:
        parts.append("**Closest passages** (none of them answers the question)")
    for c in view.sources:
        parts.append(
            f"**\\[{c.n}\\]** {as_text(c.title)}{as_text(_when(c))} · "
            f"`{c.doc_id}` (characters {c.start}–{c.end})\n\n> {as_text(c.quote)}"
        )
    return "\n\n".join(parts)


def business_case_markdown(view: AnswerView) -> str:
    """The answer and its numbered references, ready to paste into a business case."""
    lines = [f"**Question:** {view.question}", "", view.answer]
    if view.citations:
        lines += ["", "**References**", ""]
        for c in view.citations:
            lines.append(f"{c.n}. {c.title}{_when(c)} (document `{c.doc_id}`): “{c.quote}”")
    return "\n".join(lines) + "\n"


def status_line(view: AnswerView) -> str:
    """One line on how the answer was made, for the chat."""
    sources = len(view.citations)
    return (
        f"“{as_text(view.question)}”: {'refused' if view.refused else 'answered'} "
        f"by the {view.backend} back-end in {view.elapsed_ms:.0f} ms, "
        f"{sources} source{'s' if sources != 1 else ''}"
    )


def source_label(citation: Citation, answer: bool = True) -> str:
    mark = "" if answer else " · not an answer"
    return f"[{citation.n}] {citation.title}{_when(citation)} · {citation.doc_id}{mark}"


def source_labels(view: AnswerView) -> list[tuple[str, Citation]]:
    """(label, citation) of each source a person may open: citations, or a refusal's nearest."""
    return [(source_label(c, answer=bool(view.citations)), c) for c in view.sources]


def article_html(
    title: str, date: str | None, doc_id: str, text: str, start: int, end: int, note: str = ""
) -> str:
    """The whole cleaned article as HTML paragraphs, the span [start, end) marked."""
    marked = (
        html.escape(text[:start])
        + '<mark id="cited-span">'
        + html.escape(text[start:end])
        + "</mark>"
        + html.escape(text[end:])
    )
    body = "".join(f"<p>{line}</p>" for line in marked.split("\n") if line)
    meta = " · ".join(html.escape(x) for x in (date or "no date stated", doc_id))
    warning = f'<p class="note">{html.escape(note)}</p>' if note else ""
    return (
        f'<div class="article"><h3>{html.escape(title)}</h3><p class="meta">{meta}</p>'
        f"{warning}{body}</div>"
    )
