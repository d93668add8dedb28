"""Answers and articles for people, from one view of an answer: plain text for the terminal,
Markdown for the chat and business cases, HTML for an article with its cited span marked.

Every text an answer or article holds is escaped in the chat's Markdown and in HTML, so an
article containing <script> shows those characters and runs nothing; the business-case Markdown
is plain text for a document, and is shown in a text box, never rendered.
Leaves out: deciding anything about the answer.
"""

from __future__ import annotations

import datetime
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
    privacy_note: str = ""  # patient identifiers were typed, masked and not kept
    stale_note: str = ""  # every source is older than the staleness limit

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
            privacy_note=str(data.get("privacy_note") or ""),
            stale_note=str(data.get("stale_note") or ""),
        )


def as_text(text: str) -> str:
    """Text that Markdown and HTML render literally, whatever characters it holds."""
    html_safe = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _MARKDOWN_SPECIALS.sub(r"\\\1", html_safe)


def _why_unsupported(verdict: SentenceVerdict) -> str:
    numbers = verdict.unsupported_numbers
    return f" (numbers not in the cited passages: {', '.join(numbers)})" if numbers else ""


def published_when(citation: Citation) -> str:
    """ ", April 2011, 15 years ago" (or "", for an article that states no date)."""
    if not citation.date:
        return ""
    try:
        shown = datetime.date.fromisoformat(citation.date[:10]).strftime("%-d %B %Y")
    except ValueError:
        shown = citation.date
    age = citation.age_years
    ago = (
        ""
        if age is None
        else (", this year" if age == 0 else f", {age} year{'s' * (age != 1)} ago")
    )
    return f", {shown}{ago}"


def claim_tags(citation: Citation) -> str:
    """ " (projected, up to)": the quote's standing, where it is not a plain achieved result."""
    tags = ["projected"] if citation.status == "projected" else []
    if citation.qualifier:
        tags.append(citation.qualifier)
    if citation.reported_by:
        tags.append(f"per {citation.reported_by}")
    return f" ({', '.join(tags)})" if tags else ""


def standing_notes(citation: Citation, sources: list[Citation]) -> list[str]:
    """What a reader must know before quoting a source: a newer article about the same service
    and place ("a newer article covers this: [2]"), and what the article says of its own
    currency (once per article, at its first citation)."""
    notes = []
    if citation.superseded_by:
        same = next((s.n for s in sources if s.doc_id == citation.superseded_by), None)
        if same is not None:
            where = f"[{same}]"
        else:
            newer = Citation(
                0, citation.superseded_by, "", citation.superseded_date or None, "", 0, 0, 0
            )
            title = citation.superseded_title or citation.superseded_by
            where = f"{title}{published_when(newer)} ({citation.superseded_by})"
        notes.append(f"a newer article covers this: {where}")
    first = next(s for s in sources if s.doc_id == citation.doc_id) if sources else citation
    if first.n == citation.n:
        notes += [f"the article says of itself: “{sentence}”" for sentence in citation.currency]
    return notes


def answer_text(view: AnswerView, show_text: bool = True) -> str:
    """The answer, its verification marks, then its numbered sources, as plain text."""
    lines = []
    if view.privacy_note:
        lines += [f"🔒 {view.privacy_note}", ""]
    if view.stale_note:
        lines += [f"⚠ {view.stale_note}", ""]
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
        lines.append(f"[{c.n}] {c.title}{published_when(c)} ({c.doc_id})")
        lines.append(f"    “{c.quote}”{claim_tags(c)}")
        lines += [f"    ⚠ {note}" for note in standing_notes(c, view.sources)]
    return "\n".join(lines)


def answer_markdown(view: AnswerView) -> str:
    """The answer with its markers, verification marks and guard, then each cited source."""
    parts = []
    if view.privacy_note:
        parts.append(f"🔒 **{as_text(view.privacy_note)}**")
    if view.stale_note:
        parts.append(f"⚠ **{as_text(view.stale_note)}**")
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
            f"**\\[{c.n}\\]** {as_text(c.title)}{as_text(published_when(c))} · "
            f"`{c.doc_id}` (characters {c.start}–{c.end})\n\n> {as_text(c.quote)}"
            f"{as_text(claim_tags(c))}"
            + "".join(f"\n\n⚠ *{as_text(note)}*" for note in standing_notes(c, view.sources))
        )
    return "\n\n".join(parts)


def business_case_markdown(view: AnswerView) -> str:
    """The answer and its numbered references, ready to paste into a business case."""
    lines = [f"**Question:** {view.question}", ""]
    if view.stale_note:
        lines += [f"*{view.stale_note}*", ""]
    lines.append(view.answer)
    if view.citations:
        lines += ["", "**References**", ""]
        for c in view.citations:
            notes = "".join(f" ⚠ {n[0].upper()}{n[1:]}." for n in standing_notes(c, view.citations))
            source = f"{c.n}. {c.title}{published_when(c)} (document `{c.doc_id}`)"
            lines.append(f"{source}: “{c.quote}”{claim_tags(c)}{notes}")
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
    return f"[{citation.n}] {citation.title}{published_when(citation)} · {citation.doc_id}{mark}"


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


def _rank(c: dict[str, Any], side: str) -> str:
    rank = c.get(f"{side}_rank")
    if rank is None:
        return "–"
    return f"{rank} ({c[f'{side}_score']:.3f})" if c.get(f"{side}_score") is not None else str(rank)


def _found_by(c: dict[str, Any]) -> str:
    sides = [s for s in ("dense", "keyword") if c.get(f"{s}_rank") is not None]
    if c.get("found_by_name"):
        sides.append(f"name search ({c['found_by_name']})")
    return " + ".join(sides) or "–"


def _standing(c: dict[str, Any]) -> str:
    """A passage's boost in ranking and the article that supersedes it, if any."""
    parts = [f"+{c['boost']:.3f}"] if c.get("boost") else []
    if c.get("superseded_by"):
        parts.append(f"newer: {c['superseded_by']}")
    return "; ".join(parts) or "–"


def _explain_rows(trace: dict[str, Any]) -> dict[str, list[list[str]]]:
    """The parts of a trace as rows of text, shared by the terminal and the chat."""
    candidates = [
        [
            str(c.get("final_rank", "–")),
            str(c.get("fused_rank", "–")),
            _found_by(c),
            _rank(c, "dense"),
            _rank(c, "keyword"),
            f"{c['best_sentence_score']:.3f}" if c.get("best_sentence_score") is not None else "–",
            _standing(c),
            str(c["chunk_id"]),
        ]
        for c in trace.get("candidates", [])
        if c.get("fused_rank") is not None
    ]
    sentences = [
        [
            "chosen" if s["chosen"] else "runner-up",
            f"{s['score']:.3f}",
            f"{s['semantic']:.3f}",
            f"{s['lexical']:.3f}",
            "; ".join(s.get("why", [])),
            s["text"],
        ]
        for s in trace.get("sentences", [])
    ]
    stages = [[s["name"], f"{s['ms']:.1f}"] for s in trace.get("stages", [])]
    return {"candidates": candidates, "sentences": sentences, "stages": stages}


CANDIDATE_HEADERS = [
    "rank",
    "fused",
    "found by",
    "dense (cosine)",
    "keyword (bm25)",
    "best sentence",
    "boost; newer article",
    "passage",
]
SENTENCE_HEADERS = ["", "score", "meaning", "words", "why", "sentence"]


def refusal_reasoning(trace: dict[str, Any]) -> str:
    """One line on why the question was answered or refused."""
    refusal = trace.get("refusal") or {}
    parts = []
    if trace.get("from_outcomes_table"):
        return "Answered from the outcomes table (no refusal model)."
    if refusal.get("p_answerable") is not None:
        parts.append(
            f"chance that the best sentence answers: {refusal['p_answerable']:.2f} "
            f"(refused under {refusal.get('threshold', 0.5):.2f})"
        )
    elif refusal.get("min_evidence") is not None:
        score = (refusal.get("features") or {}).get("score", 0.0)
        parts.append(
            f"best sentence score {score:.2f} (refused under {refusal['min_evidence']:.2f})"
        )
    if refusal.get("typed_sentences") is not None and refusal.get("kind"):
        kind = str(refusal["kind"])
        article = "an" if kind[0] in "aeiou" else "a"
        parts.append(
            f"{refusal['typed_sentences']} sentence(s) give {article} {kind} value as asked"
        )
    verdict = f"refused: {trace.get('reason')}" if trace.get("refused") else "answered"
    return f"{verdict.capitalize()}. " + ("; ".join(parts) + "." if parts else "")


def _prompt_text(trace: dict[str, Any]) -> str:
    gen = trace.get("generation") or {}
    if not gen.get("prompt"):
        return ""
    messages = "\n\n".join(f"[{m['role']}]\n{m['content']}" for m in gen["prompt"])
    counts = ""
    if gen.get("prompt_tokens") is not None:
        counts = (
            f"{gen['prompt_tokens']} prompt tokens, {gen.get('completion_tokens', 0)} completion "
            f"tokens ({gen.get('tokens_counted_by', '')})"
        )
    return f"{counts}\n\n{messages}".strip()


def explain_text(trace: dict[str, Any]) -> str:
    """Why this answer, for the terminal: candidates, sentences, refusal, prompt, timings."""
    rows = _explain_rows(trace)
    lines = ["", "Why this answer", "===============", ""]
    lines.append(f"Question as read: {trace.get('resolved_question', '')}")
    if trace.get("filters"):
        lines.append(f"Filters: {trace['filters']}")
    lines += ["", "Candidate passages (rank after sentence scoring; – = not found by that side):"]
    widths = [max(len(r[i]) for r in [CANDIDATE_HEADERS, *rows["candidates"]]) for i in range(7)]
    for r in [CANDIDATE_HEADERS, *rows["candidates"]]:
        lines.append(
            "  " + "  ".join(v.ljust(w) for v, w in zip(r[:7], widths, strict=True)) + "  " + r[7]
        )
    lines += ["", "Sentences (chosen, then the runners-up):"]
    for r in rows["sentences"]:
        lines.append(f"  {r[0]:<9} score {r[1]}  meaning {r[2]}  words {r[3]}  ({r[4]})")
        lines.append(f"            “{r[5]}”")
    lines += ["", f"Refusal: {refusal_reasoning(trace)}"]
    prompt = _prompt_text(trace)
    if prompt:
        lines += ["", "Prompt as sent:", prompt]
    lines += ["", "Stage timings (ms): " + ", ".join(f"{n} {ms}" for n, ms in rows["stages"])]
    return "\n".join(lines)


def _md_table(headers: list[str], rows: list[list[str]]) -> str:
    out = ["| " + " | ".join(as_text(h) for h in headers) + " |"]
    out.append("|" + "---|" * len(headers))
    out += ["| " + " | ".join(as_text(v) for v in row) + " |" for row in rows]
    return "\n".join(out)


def explain_markdown(trace: dict[str, Any] | None) -> str:
    """Why this answer, for the chat: the same parts as Markdown tables, every text escaped."""
    if not trace:
        return "Ask a question to see how its answer was found."
    rows = _explain_rows(trace)
    parts = [f"**Question as read:** {as_text(str(trace.get('resolved_question', '')))}"]
    if trace.get("filters"):
        parts.append(f"**Filters:** {as_text(str(trace['filters']))}")
    parts.append("**Candidate passages** (rank after sentence scoring; – = not found by that side)")
    parts.append(_md_table(CANDIDATE_HEADERS, rows["candidates"]))
    if rows["sentences"]:
        parts.append("**Sentences**: the chosen ones, then the runners-up")
        parts.append(_md_table(SENTENCE_HEADERS, rows["sentences"]))
    parts.append(f"**Refusal reasoning:** {as_text(refusal_reasoning(trace))}")
    prompt = _prompt_text(trace)
    if prompt:
        parts.append(
            "**Prompt as sent**\n\n" + "\n".join("    " + line for line in prompt.splitlines())
        )
    parts.append("**Stage timings (ms)**")
    parts.append(_md_table(["stage", "ms"], rows["stages"]))
    return "\n\n".join(parts)
