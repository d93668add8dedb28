"""The Gradio web chat: a thin wrapper over Assistant.ask, plus the `ask` HTTP API endpoint.

Everything an article or answer says is shown as text (Markdown and HTML characters escaped).
Leaves out: sign-in, library management and feedback.
"""

from __future__ import annotations

import os
import re
import sys
import traceback
from typing import Any

from askcases.assistant import Assistant
from askcases.errors import AskcasesError

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
    parts = [as_text(answer["answer"])]
    if answer["citations"]:
        parts.append("**Sources**")
        for c in answer["citations"]:
            when = f", {c['date']}" if c["date"] else ""
            parts.append(
                f"**\\[{c['n']}\\]** {as_text(c['title'])}{as_text(when)} · "
                f"`{c['doc_id']}` (characters {c['start']}–{c['end']})\n\n> {as_text(c['quote'])}"
            )
    return "\n\n".join(parts)


def build_app(assistant: Assistant) -> Any:
    os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
    import gradio as gr

    def ask(question: str) -> dict[str, Any]:
        """Answer a question from the case studies: the JSON of `askcases ask --json`."""
        try:
            return assistant.ask(question).to_json()
        except AskcasesError as exc:
            return {
                "answer": "",
                "refused": True,
                "citations": [],
                "passages": [],
                "error": str(exc),
            }

    def respond(question: str, history: list[dict[str, Any]]) -> tuple[str, list[dict[str, Any]]]:
        question = (question or "").strip()
        if not question:
            return "", history
        try:
            reply = render_markdown(assistant.ask(question).to_json())
        except AskcasesError as exc:
            reply = f"⚠ {as_text(str(exc))}"
        except Exception as exc:  # one bad question must not take the chat down
            traceback.print_exc(file=sys.stderr)
            reply = f"⚠ Something went wrong answering that ({type(exc).__name__}); it was logged."
        return "", [
            *history,
            {"role": "user", "content": as_text(question)},
            {"role": "assistant", "content": reply},
        ]

    with gr.Blocks(title="askcases") as app:
        gr.Markdown(
            "## askcases\nAsk about the NHS service-redesign case studies. Every sentence of an "
            "answer is quoted from an article and cited; when the case studies don't say, askcases "
            "says so."
        )
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
            clear = gr.Button("New conversation", scale=1)
        gr.Examples(EXAMPLES, inputs=box)
        box.submit(respond, [box, chat], [box, chat], api_visibility="private")
        send.click(respond, [box, chat], [box, chat], api_visibility="private")
        clear.click(lambda: ("", []), None, [box, chat], api_visibility="private")
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
