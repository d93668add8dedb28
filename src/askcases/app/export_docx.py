"""The business-case export as a Word document (python-docx), beside the Markdown one.

The document holds the question, any stale-evidence warning, the answer one sentence per
paragraph with its claim status ("achieved", "projected, up to"), and numbered references: title,
date and age, document id, the quoted sentence, and what a reader must know before quoting it
(a newer article covers it; the article qualifies its own currency).
Leaves out: styles beyond python-docx's default template.
"""

from __future__ import annotations

import re
from pathlib import Path

from askcases.app.render import AnswerView, published_when, standing_notes
from askcases.types import Citation

_SENTENCE = re.compile(r".+?\[(\d+(?:\s*,\s*\d+)*)\]|.+$", re.S)
# Characters a Word document cannot hold (XML 1.0 allows tab, newline and carriage return).
_NOT_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _xml(text: str) -> str:
    return _NOT_XML.sub("", text)


def sentence_status(citations: list[Citation]) -> str:
    """ "achieved", or "projected, up to": the standing of the sources a sentence cites ("" when
    none was read, as for a generated answer's whole passages)."""
    if not any(c.status for c in citations):
        return ""
    status = "projected" if any(c.status == "projected" for c in citations) else "achieved"
    hedges = sorted({c.qualifier for c in citations if c.qualifier})
    return ", ".join([status, *hedges])


def answer_sentences(view: AnswerView) -> list[tuple[str, str]]:
    """(sentence with its [n] marker, its status) for each sentence of the answer."""
    by_n = {c.n: c for c in view.citations}
    out = []
    for found in _SENTENCE.finditer(view.answer):
        text = found.group(0).strip()
        if not text:
            continue
        numbers = [int(n) for n in (found.group(1) or "").split(",") if n.strip()]
        cited = [by_n[n] for n in numbers if n in by_n]
        out.append((text, sentence_status(cited) if not view.refused else ""))
    return out


def business_case_docx(view: AnswerView, path: Path) -> Path:
    """Write the answer and its references to a .docx file at `path`."""
    from docx import Document
    from docx.shared import Pt, RGBColor

    warn = RGBColor(0x9A, 0x3A, 0x00)
    doc = Document()
    doc.core_properties.title = _xml(view.question[:200])
    doc.core_properties.author = "askcases"
    doc.add_heading("Evidence from the case studies", level=1)
    asked = doc.add_paragraph()
    asked.add_run(_xml("Question: ")).bold = True
    asked.add_run(_xml(view.question))
    if view.stale_note:
        note = doc.add_paragraph().add_run(_xml(f"⚠ {view.stale_note}"))
        note.italic = True
        note.font.color.rgb = warn
    doc.add_heading("Answer", level=2)
    for sentence, status in answer_sentences(view):
        para = doc.add_paragraph()
        para.add_run(_xml(sentence))
        if status:
            tag = para.add_run(_xml(f"  [{status}]"))
            tag.italic = True
            tag.font.size = Pt(9)
    if view.citations:
        doc.add_heading("References", level=2)
        for c in view.citations:
            ref = doc.add_paragraph()
            ref.add_run(_xml(f"[{c.n}] ")).bold = True
            ref.add_run(_xml(f"{c.title}{published_when(c) or ', no date stated'}. "))
            ref.add_run(_xml(f"Document {c.doc_id}, characters {c.start}–{c.end}."))
            quote = doc.add_paragraph(style="Quote")
            quote.add_run(_xml(f"“{c.quote}”"))
            tags = sentence_status([c])
            if tags:
                quote.add_run(_xml(f"  [{tags}]")).italic = True
            for text in standing_notes(c, view.citations):
                run = doc.add_paragraph().add_run(_xml(f"⚠ {text[0].upper()}{text[1:]}."))
                run.italic = True
                run.font.color.rgb = warn
    footer = doc.add_paragraph()
    footer.add_run(
        "Each sentence of the answer is quoted from the article it cites; check the article "
        "before quoting a figure."
    ).font.size = Pt(8)
    path.parent.mkdir(parents=True, exist_ok=True)
    doc.save(str(path))
    return path
