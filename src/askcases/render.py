"""Answers and articles as Markdown or HTML for people: every text they hold is escaped, so an
article containing <script> shows those characters and runs nothing."""

from __future__ import annotations

import html
import re
from typing import Any

_MARKDOWN_SPECIALS = re.compile(r"([\\`*_{}\[\]()#+!|~-])")


def as_text(text: str) -> str:
    """Text that Markdown and HTML render literally, whatever characters it holds."""
    html_safe = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _MARKDOWN_SPECIALS.sub(r"\\\1", html_safe)


def answer_markdown(answer: dict[str, Any]) -> str:
    """The answer with its markers, verification marks and guard, then each cited source."""
    parts = []
    if answer.get("resolved_question") and answer["resolved_question"] != answer.get("question"):
        parts.append(f"*Read as: {as_text(answer['resolved_question'])}*")
    # Each [n] marker becomes a small code element that the page makes clickable.
    parts.append(re.sub(r"\\\[(\d+)\\\]", r"`[\1]`", as_text(answer["answer"])))
    for verdict in (answer.get("grounding") or {}).get("sentences", []):
        if not verdict["supported"]:
            numbers = verdict["unsupported_numbers"]
            why = f" (numbers not in the cited passages: {', '.join(numbers)})" if numbers else ""
            parts.append(
                f"⚠ **Not supported by its citations**{as_text(why)}: {as_text(verdict['text'])}"
            )
    guard = answer.get("guard")
    if guard:
        parts.append(f"⚠ {as_text(guard['note'])}\n\n{as_text(guard['extractive']['answer'])}")
    if answer["citations"]:
        parts.append("**Sources**")
        for c in answer["citations"]:
            when = f", {c['date']}" if c["date"] else ""
            parts.append(
                f"**\\[{c['n']}\\]** {as_text(c['title'])}{as_text(when)} · "
                f"`{c['doc_id']}` (characters {c['start']}–{c['end']})\n\n> {as_text(c['quote'])}"
            )
    return "\n\n".join(parts)


def business_case_markdown(answer: dict[str, Any]) -> str:
    """The answer and its numbered references, ready to paste into a business case."""
    lines = [f"**Question:** {answer.get('question', '')}", "", answer["answer"]]
    if answer["citations"]:
        lines += ["", "**References**", ""]
        for c in answer["citations"]:
            when = f", {c['date']}" if c["date"] else ""
            lines.append(f"{c['n']}. {c['title']}{when} (document `{c['doc_id']}`): “{c['quote']}”")
    return "\n".join(lines) + "\n"


def source_label(citation: dict[str, Any]) -> str:
    when = f", {citation['date']}" if citation["date"] else ""
    return f"[{citation['n']}] {citation['title']}{when} · {citation['doc_id']}"


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
