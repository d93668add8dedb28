"""The Gradio web chat: a thin wrapper over Assistant.ask, plus the `ask` HTTP API endpoint.

Everything an article or answer says is shown as text (Markdown and HTML characters escaped).
Leaves out: sign-in, library management and feedback.
"""

from __future__ import annotations

import os
import re
import sys
import traceback
from collections.abc import Iterator
from typing import Any

from askcases.assistant import Assistant
from askcases.errors import AskcasesError
from askcases.filters import make_filters

EXAMPLES = [
    "How much does the Wigan stroke redesign save a year?",
    "Who runs the community DVT clinics in BNSSG?",
    "How many people in Plymouth have diabetes?",
    "When did community phlebotomy fully launch?",
]
_MARKDOWN_SPECIALS = re.compile(r"([\\`*_{}\[\]()#+!|~-])")


def as_text(text: str) -> str:
    """Text that Markdown and HTML render literally, whatever characters it holds."""
    html_safe = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _MARKDOWN_SPECIALS.sub(r"\\\1", html_safe)


def render_markdown(answer: dict[str, Any]) -> str:
    """The answer with its markers, then each cited source with its quoted span."""
    parts = []
    if answer.get("resolved_question") and answer["resolved_question"] != answer.get("question"):
        parts.append(f"*Read as: {as_text(answer['resolved_question'])}*")
    parts.append(as_text(answer["answer"]))
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


def article_choices(assistant: Assistant) -> list[tuple[str, str]]:
    """(label, document id) for every indexed article, for the articles filter."""
    documents = assistant.store.manifest()["documents"]
    return [
        (f"{entry['title']} ({doc_id})", doc_id)
        for doc_id, entry in sorted(documents.items(), key=lambda item: item[1]["title"].lower())
    ]


def build_app(assistant: Assistant) -> Any:
    os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
    import gradio as gr

    def ask(
        question: str,
        since: str = "",
        until: str = "",
        doc_ids: list[str] | None = None,
        history: list[str] | None = None,
    ) -> dict[str, Any]:
        """Answer a question from the case studies: the JSON of `askcases ask --json`.

        since/until: publication date bounds (YYYY, YYYY-MM or YYYY-MM-DD); doc_ids: answer only
        from these articles; history: the earlier questions of the conversation, for follow-ups.
        """
        try:
            filters = make_filters(since or None, until or None, doc_ids or [])
            return assistant.ask(question, filters=filters, history=list(history or [])).to_json()
        except AskcasesError as exc:
            return {
                "answer": "",
                "refused": True,
                "citations": [],
                "passages": [],
                "error": str(exc),
            }

    def respond(
        question: str,
        chat: list[dict[str, Any]],
        asked: list[str],
        since: str,
        until: str,
        doc_ids: list[str] | None,
    ) -> Iterator[tuple[str, list[dict[str, Any]], list[str]]]:
        question = (question or "").strip()
        if not question:
            yield "", chat, asked
            return
        user = {"role": "user", "content": as_text(question)}
        written = ""
        try:
            filters = make_filters(since or None, until or None, doc_ids or [])
            for part in assistant.ask_stream(question, filters=filters, history=asked):
                if isinstance(part, str):
                    written += part
                    yield (
                        "",
                        [*chat, user, {"role": "assistant", "content": as_text(written)}],
                        asked,
                    )
                else:
                    answer = part.to_json()
                    reply = render_markdown(answer)
                    asked = [*asked, answer["resolved_question"]]
        except AskcasesError as exc:
            reply = f"⚠ {as_text(str(exc))}"
        except Exception as exc:  # one bad question must not take the chat down
            traceback.print_exc(file=sys.stderr)
            reply = f"⚠ Something went wrong answering that ({type(exc).__name__}); it was logged."
        yield "", [*chat, user, {"role": "assistant", "content": reply}], asked

    with gr.Blocks(title="askcases") as app:
        gr.Markdown(
            "## askcases\nAsk about the NHS service-redesign case studies. Every sentence of an "
            "answer is quoted from an article and cited; when the case studies don't say, askcases "
            'says so. Follow-up questions ("and how much did it save?") carry the subject on.'
        )
        asked = gr.State([])
        chat = gr.Chatbot(label="askcases", height=520, sanitize_html=True, elem_id="chat")
        with gr.Row():
            box = gr.Textbox(
                placeholder="e.g. How much did Wigan save?",
                show_label=False,
                scale=8,
                elem_id="question",
                submit_btn=False,
            )
            send = gr.Button("Ask", variant="primary", scale=1, elem_id="ask")
            clear = gr.Button("New conversation", scale=1, elem_id="new-conversation")
        with gr.Accordion("Filters", open=False):
            with gr.Row():
                since = gr.Textbox(label="Published from (YYYY[-MM[-DD]])", elem_id="since")
                until = gr.Textbox(label="Published until", elem_id="until")
            docs = gr.Dropdown(
                choices=article_choices(assistant),
                multiselect=True,
                label="Only these articles",
                elem_id="articles",
            )
        gr.Examples(EXAMPLES, inputs=box)
        inputs = [box, chat, asked, since, until, docs]
        box.submit(respond, inputs, [box, chat, asked], api_visibility="private")
        send.click(respond, inputs, [box, chat, asked], api_visibility="private")
        clear.click(lambda: ("", [], []), None, [box, chat, asked], api_visibility="private")
        gr.api(ask, api_name="ask")
    return app


def serve(assistant: Assistant) -> None:
    """Start the web chat on the configured host and port; returns when the server stops."""
    app = build_app(assistant)
    settings = assistant.settings
    print(f"askcases web chat on http://{settings.host}:{settings.port}", file=sys.stderr)
    app.queue(default_concurrency_limit=4).launch(
        server_name=settings.host, server_port=settings.port, show_error=False, quiet=True
    )
