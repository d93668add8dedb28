"""The Gradio web chat: a thin wrapper over Assistant, the library and the feedback store.

Tabs: Ask (chat, filters, sources that open the cited article with the span highlighted,
feedback, Markdown for a business case) and Library (articles, upload, remove, recent feedback).
Named HTTP endpoints: `ask`, `add_articles`, `remove_article`. With a users file, everything
needs sign-in (the page and the API alike) and only admins may change the library. Everything an
article or answer says is shown as text. Holds no answering logic of its own.
"""

import os
import sys
import tempfile
import traceback
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from askcases.assistant import Assistant
from askcases.errors import AskcasesError, UsageError
from askcases.feedback import FeedbackStore
from askcases.filters import make_filters
from askcases.library import add_uploads, list_articles, read_article, remove_article
from askcases.outcomes import change_percent, describe_change, filter_outcomes
from askcases.render import (
    answer_markdown,
    article_html,
    as_text,
    business_case_markdown,
    source_label,
)
from askcases.users import authenticate, read_users

EXAMPLES = [
    "How much does the Wigan stroke redesign save a year?",
    "Who runs the community DVT clinics in BNSSG?",
    "How many people in Plymouth have diabetes?",
    "When did community phlebotomy fully launch?",
]
CSS = """
#article { max-height: 600px; overflow-y: auto !important; }
#article mark { background: #ffe066; padding: 0 2px; }
#article .meta, #article .note { color: #555; font-size: 0.9em; }
"""
SCROLL_TO_SPAN = (
    "() => { setTimeout(() => { const m = document.querySelector('#article mark');"
    " if (m) m.scrollIntoView({block: 'center'}); }, 50); }"
)
# A click on a citation marker in the chat opens that source (the n-th of the Sources list).
OPEN_MARKER = """
() => {
  document.addEventListener('click', (event) => {
    const marker = event.target.closest('#chat code');
    const found = marker && marker.innerText.trim().match(/^\\[(\\d+)\\]$/);
    if (!found) return;
    const inputs = document.querySelectorAll('#sources input');
    const choice = inputs[Number(found[1]) - 1];
    if (choice) choice.click();
  });
}
"""
OUTCOME_COLUMNS = [
    "place",
    "service",
    "measure",
    "direction",
    "change",
    "period",
    "doc_id",
    "start",
    "end",
]
LIBRARY_COLUMNS = ["title", "date", "doc_id", "chunks", "indexed_at"]
# A page holds at most this many rows of a table, bars of the chart and articles in a list, so a
# library of tens of thousands of articles still loads at once; a typed document id is accepted.
PAGE_ROWS = 500
FEEDBACK_COLUMNS = ["created_at", "rating", "comment", "question", "username"]


class WebApp:
    """The handlers behind the page and the API; each turns errors into a message."""

    def __init__(self, assistant: Assistant) -> None:
        self.assistant = assistant
        self.settings = assistant.settings
        self.feedback = FeedbackStore(self.settings.index_dir)
        self.users = read_users(self.settings.users_file) if self.settings.users_file else None

    # -- who may do what -------------------------------------------------------------------
    def check_login(self, username: str, password: str) -> bool:
        return self.users is not None and authenticate(self.users, username, password)

    def may_change_library(self, username: str | None) -> bool:
        if self.users is None:
            return True  # no sign-in configured: a single local user
        entry = self.users.get(username or "")
        return entry is not None and entry[0] == "admin"

    # -- asking ----------------------------------------------------------------------------
    def ask_json(
        self,
        question: str,
        since: str = "",
        until: str = "",
        doc_ids: list[str] | None = None,
        history: list[str] | None = None,
    ) -> dict[str, Any]:
        try:
            filters = make_filters(since or None, until or None, doc_ids or [])
            return self.assistant.ask(
                question, filters=filters, history=list(history or [])
            ).to_json()
        except AskcasesError as exc:
            return {
                "answer": "",
                "refused": True,
                "citations": [],
                "passages": [],
                "error": str(exc),
            }
        except Exception as exc:  # one bad question must not take the server down
            traceback.print_exc(file=sys.stderr)
            return {
                "answer": "",
                "refused": True,
                "citations": [],
                "passages": [],
                "error": f"something went wrong answering that ({type(exc).__name__}); "
                "it was logged",
            }

    def respond(
        self,
        question: str,
        chat: list[dict[str, Any]],
        asked: list[str],
        since: str,
        until: str,
        doc_ids: list[str] | None,
        backend: str | None = None,
    ) -> Iterator[tuple[str, list[dict[str, Any]], list[str], dict[str, Any]]]:
        question = (question or "").strip()
        if not question:
            yield "", chat, asked, {}
            return
        user = {"role": "user", "content": as_text(question)}
        written = ""
        answer: dict[str, Any] = {}
        try:
            filters = make_filters(since or None, until or None, doc_ids or [])
            parts = self.assistant.ask_stream(
                question, filters=filters, history=asked, backend=backend
            )
            for part in parts:
                if isinstance(part, str):
                    written += part
                    partial = {"role": "assistant", "content": as_text(written)}
                    yield "", [*chat, user, partial], asked, {}
                else:
                    answer = part.to_json()
            reply = answer_markdown(answer)
            asked = [*asked, answer["resolved_question"]]
        except AskcasesError as exc:
            reply = f"⚠ {as_text(str(exc))}"
        except Exception as exc:  # one bad question must not take the chat down
            traceback.print_exc(file=sys.stderr)
            reply = f"⚠ Something went wrong answering that ({type(exc).__name__}); it was logged."
        yield "", [*chat, user, {"role": "assistant", "content": reply}], asked, answer

    def open_source(self, answer: dict[str, Any], label: str | None) -> str:
        """The cited article, whole, with the cited span marked."""
        citation = next(
            (c for c in (answer or {}).get("citations", []) if source_label(c) == label), None
        )
        if citation is None:
            return "<p>Choose a source of the answer to read it in its article.</p>"
        try:
            article, current = read_article(self.settings, self.assistant.store, citation["doc_id"])
        except AskcasesError as exc:
            return f"<p>{as_text(str(exc))}</p>"
        note = "" if current else "This article changed after it was indexed; run askcases index."
        return article_html(
            article.title,
            article.date,
            article.doc_id,
            article.text,
            citation["start"],
            citation["end"],
            note,
        )

    def export_markdown(self, answer: dict[str, Any]) -> tuple[str, str | None, str]:
        """The answer as Markdown for a business case, a file of it, and a status line."""
        if not answer or not answer.get("answer"):
            return "", None, ""
        text = business_case_markdown(answer)
        folder = Path(tempfile.mkdtemp(prefix="askcases-"))
        path = folder / "askcases-answer.md"
        path.write_text(text, encoding="utf-8")
        sources = len(answer.get("citations", []))
        status = (
            f"“{as_text(answer['question'])}”: {'refused' if answer['refused'] else 'answered'} "
            f"by the {answer.get('backend', 'extractive')} back-end in "
            f"{answer.get('elapsed_ms', 0):.0f} ms, {sources} source{'s' if sources != 1 else ''}"
        )
        return text, str(path), status

    def give_feedback(
        self, answer: dict[str, Any], rating: int, comment: str, username: str | None
    ) -> str:
        try:
            self.feedback.record(answer or {}, rating, comment, username or "")
        except AskcasesError as exc:
            return f"⚠ {as_text(str(exc))}"
        verdict = "helpful" if rating > 0 else "wrong or unhelpful"
        return f"Thank you: your feedback ({verdict}) was saved."

    # -- the library -----------------------------------------------------------------------
    def library_rows(self) -> list[list[Any]]:
        try:
            articles = list_articles(self.assistant.store)
        except AskcasesError:
            return []
        return [[a[c] for c in LIBRARY_COLUMNS] for a in articles[:PAGE_ROWS]]

    def feedback_rows(self) -> list[list[Any]]:
        return [[r[c] for c in FEEDBACK_COLUMNS] for r in self.feedback.recent(20)]

    def add_articles(self, files: list[str] | None, username: str | None) -> str:
        if not self.may_change_library(username):
            return "⚠ Only an admin can add articles."
        if not files:
            return "⚠ Choose one or more .txt, .md, .html or .pdf files first."
        uploads = [(Path(f).name, Path(f)) for f in files]
        try:
            result = add_uploads(self.settings, self.assistant.embeddings, uploads)
        except AskcasesError as exc:
            return f"⚠ {as_text(str(exc))}"
        lines = [f"Added {as_text(name)}" for name in result.added]
        lines += [f"⚠ Rejected {as_text(message)}" for message in result.rejected]
        if result.report is not None:
            lines.append(as_text(result.report.summary()))
        return "\n\n".join(lines)

    def remove(self, doc_id: str | None, username: str | None) -> str:
        if not self.may_change_library(username):
            return "⚠ Only an admin can remove articles."
        if not doc_id:
            return "⚠ Choose an article to remove."
        try:
            report = remove_article(
                self.settings, self.assistant.embeddings, self.assistant.store, doc_id
            )
        except AskcasesError as exc:
            return f"⚠ {as_text(str(exc))}"
        return f"Removed {as_text(doc_id)}. {as_text(report.summary())}"

    def outcome_rows(self, measure: str | None = None, place: str | None = None) -> list[list[Any]]:
        try:
            rows = filter_outcomes(
                self.assistant.store.outcomes(), measure=measure or None, place=place or None
            )
        except AskcasesError:
            return []
        return [
            [r[c] if c != "change" else describe_change(r) for c in OUTCOME_COLUMNS]
            for r in rows[:PAGE_ROWS]
        ]

    def measure_choices(self) -> list[str]:
        try:
            return sorted({r["measure"] for r in self.assistant.store.outcomes()})
        except AskcasesError:
            return []

    def outcome_chart(self) -> list[dict[str, Any]]:
        """One bar per outcome whose change reads as a percentage, named by place and source."""
        try:
            rows = self.assistant.store.outcomes()
        except AskcasesError:
            return []
        bars = []
        for r in rows:
            change = change_percent(r)
            if change is not None:
                label = f"{r['place']} · {r['doc_id']} · {r['start']}"
                bars.append({"initiative": label, "change %": change, "measure": r["measure"]})
            if len(bars) >= PAGE_ROWS:
                break
        return bars

    def open_outcome(self, table: Any, selected: int | None) -> str:
        """The article of the chosen outcome row, its sentence marked."""
        try:
            rows = table.values.tolist() if hasattr(table, "values") else list(table or [])
            row = dict(zip(OUTCOME_COLUMNS, rows[int(selected or 0)], strict=True))
            article, current = read_article(self.settings, self.assistant.store, row["doc_id"])
        except (AskcasesError, IndexError, ValueError, TypeError):
            return "<p>Choose an outcome row to read it in its article.</p>"
        note = "" if current else "This article changed after it was indexed; run askcases index."
        return article_html(
            article.title,
            article.date,
            article.doc_id,
            article.text,
            int(row["start"]),
            int(row["end"]),
            note,
        )

    def article_choices(self) -> list[tuple[str, str]]:
        return [(f"{r[0]} ({r[2]})", r[2]) for r in self.library_rows()]


def _table(rows: list[list[Any]], headers: list[str], elem_id: str) -> Any:
    """A read-only table (sortable by its headers in the page)."""
    import gradio as gr

    return gr.Dataframe(value=rows, headers=headers, interactive=False, elem_id=elem_id)


def _frame(bars: list[dict[str, Any]]) -> Any:
    import pandas as pd

    return pd.DataFrame(bars, columns=["initiative", "change %", "measure"])


def build_app(assistant: Assistant) -> Any:
    os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
    import gradio as gr

    web = WebApp(assistant)

    def username(request: gr.Request | None) -> str | None:
        return getattr(request, "username", None) if request is not None else None

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
        return web.ask_json(question, since, until, doc_ids, history)

    def add_articles(
        files: list[str],
        request: gr.Request,
        progress: gr.Progress = gr.Progress(track_tqdm=True),  # noqa: B008 (Gradio injects it)
    ) -> str:
        """Add or replace articles (.txt, .md, .html, .pdf); admins only when sign-in is on."""
        return web.add_articles(files, username(request))

    def remove_article_api(doc_id: str, request: gr.Request) -> str:
        """Remove an article by document id; admins only when sign-in is on."""
        return web.remove(doc_id, username(request))

    def refresh_library() -> tuple[Any, ...]:
        choices = web.article_choices()
        return (
            web.library_rows(),
            gr.update(choices=choices, value=None),
            gr.update(choices=choices),
            web.feedback_rows(),
            web.outcome_rows(),
            _frame(web.outcome_chart()),
        )

    def new_sources(answer: dict[str, Any]) -> tuple[Any, str]:
        labels = [source_label(c) for c in (answer or {}).get("citations", [])]
        first = labels[0] if labels else None
        return gr.update(choices=labels, value=first), web.open_source(answer, first)

    with gr.Blocks(title="askcases") as app:
        gr.Markdown(
            "## askcases\nAsk about the NHS service-redesign case studies. Every sentence of an "
            "answer is quoted from an article and cited; when the case studies don't say, askcases "
            'says so. Follow-up questions ("and how much did it save?") carry the subject on.'
        )
        asked = gr.State([])
        last = gr.State({})
        with gr.Tabs():
            with gr.Tab("Ask", id="ask-tab"):
                with gr.Row():
                    with gr.Column(scale=3):
                        chat = gr.Chatbot(
                            label="askcases", height=480, sanitize_html=True, elem_id="chat"
                        )
                        with gr.Row():
                            box = gr.Textbox(
                                placeholder="e.g. How much did Wigan save?",
                                show_label=False,
                                scale=8,
                                elem_id="question",
                                submit_btn=False,
                            )
                            send = gr.Button("Ask", variant="primary", scale=1, elem_id="ask")
                            clear = gr.Button(
                                "New conversation", scale=1, elem_id="new-conversation"
                            )
                        with gr.Accordion("Filters", open=False):
                            with gr.Row():
                                since = gr.Textbox(
                                    label="Published from (YYYY[-MM[-DD]])", elem_id="since"
                                )
                                until = gr.Textbox(label="Published until", elem_id="until")
                            docs = gr.Dropdown(
                                choices=web.article_choices(),
                                allow_custom_value=True,
                                multiselect=True,
                                label="Only these articles",
                                elem_id="articles",
                            )
                        backends = ["extractive"]
                        if web.settings.llm != "extractive":
                            backends.append(web.settings.llm)
                        backend = gr.Radio(
                            backends,
                            value=backends[-1],
                            label="Answer written by",
                            visible=len(backends) > 1,
                            elem_id="backend",
                        )
                        gr.Examples(EXAMPLES, inputs=box)
                        with gr.Row():
                            up = gr.Button("Helpful", elem_id="thumbs-up", scale=1)
                            down = gr.Button("Wrong or unhelpful", elem_id="thumbs-down", scale=1)
                            comment = gr.Textbox(
                                placeholder="What was wrong? (optional)",
                                show_label=False,
                                scale=4,
                                elem_id="comment",
                            )
                        answered = gr.Markdown(elem_id="answer-status")
                        thanks = gr.Markdown(elem_id="feedback-status")
                        with gr.Accordion("Copy for a business case", open=False):
                            markdown = gr.Textbox(
                                label="Answer with references (Markdown)",
                                lines=6,
                                buttons=["copy"],
                                elem_id="markdown",
                            )
                            download = gr.DownloadButton("Download .md", elem_id="download")
                    with gr.Column(scale=2):
                        sources = gr.Radio(
                            label="Sources: choose one to read it in its article",
                            choices=[],
                            elem_id="sources",
                        )
                        article = gr.HTML(
                            "<p>The cited article opens here, with the quoted span marked.</p>",
                            elem_id="article",
                        )
            with gr.Tab("Outcomes", id="outcomes-tab"):
                gr.Markdown(
                    "Every measured result the case studies report. Sort by a column's header; "
                    "choose a row to read it in its article."
                )
                with gr.Row():
                    measure_filter = gr.Dropdown(
                        choices=web.measure_choices(),
                        value=None,
                        label="Measure",
                        elem_id="outcome-measure",
                    )
                    place_filter = gr.Textbox(label="Place", elem_id="outcome-place")
                outcome_table = _table(web.outcome_rows(), OUTCOME_COLUMNS, "outcomes")
                with gr.Row():
                    chart = gr.BarPlot(
                        value=_frame(web.outcome_chart()),
                        x="initiative",
                        y="change %",
                        color="measure",
                        title="Reported changes (%), by initiative and source",
                        elem_id="outcome-chart",
                        x_label_angle=-30,
                        height=420,
                    )
                    outcome_article = gr.HTML(
                        "<p>Choose an outcome row to read it in its article.</p>",
                        elem_id="outcome-article",
                    )
            with gr.Tab("Library", id="library-tab"):
                table = _table(web.library_rows(), LIBRARY_COLUMNS, "library")
                with gr.Row():
                    upload = gr.File(
                        label="Add or replace articles (.txt, .md, .html, .pdf)",
                        file_count="multiple",
                        file_types=[".txt", ".md", ".html", ".htm", ".pdf"],
                        elem_id="upload",
                    )
                    add = gr.Button("Add to the library", variant="primary", elem_id="add")
                with gr.Row():
                    to_remove = gr.Dropdown(
                        choices=web.article_choices(),
                        allow_custom_value=True,
                        label="Article",
                        elem_id="remove-choice",
                    )
                    remove = gr.Button("Remove from the library", variant="stop", elem_id="remove")
                status = gr.Markdown(elem_id="library-status")
                gr.Markdown("### Recent feedback")
                feedback_table = _table(web.feedback_rows(), FEEDBACK_COLUMNS, "feedback")

        inputs = [box, chat, asked, since, until, docs, backend]
        outputs = [box, chat, asked, last]
        for trigger in (box.submit, send.click):
            trigger(web.respond, inputs, outputs, api_visibility="private").then(
                new_sources, [last], [sources, article], api_visibility="private"
            ).then(None, None, None, js=SCROLL_TO_SPAN).then(
                web.export_markdown,
                [last],
                [markdown, download, answered],
                api_visibility="private",
            )
        clear.click(
            lambda: ("", [], [], {}, gr.update(choices=[], value=None), "", "", None, ""),
            None,
            [box, chat, asked, last, sources, article, markdown, download, answered],
            api_visibility="private",
        )
        sources.change(web.open_source, [last, sources], [article], api_visibility="private").then(
            None, None, None, js=SCROLL_TO_SPAN
        )

        def rate(value: int) -> Any:
            def handler(
                answer: dict[str, Any], text: str, request: gr.Request
            ) -> tuple[str, Any, str]:
                return (
                    web.give_feedback(answer, value, text, username(request)),
                    web.feedback_rows(),
                    "",
                )

            return handler

        up.click(
            rate(1), [last, comment], [thanks, feedback_table, comment], api_visibility="private"
        )
        down.click(
            rate(-1), [last, comment], [thanks, feedback_table, comment], api_visibility="private"
        )
        add.click(add_articles, [upload], [status], api_name="add_articles").then(
            refresh_library,
            None,
            [table, to_remove, docs, feedback_table, outcome_table, chart],
            api_visibility="private",
        )
        remove.click(remove_article_api, [to_remove], [status], api_name="remove_article").then(
            refresh_library,
            None,
            [table, to_remove, docs, feedback_table, outcome_table, chart],
            api_visibility="private",
        )
        for control in (measure_filter, place_filter):
            control.change(
                web.outcome_rows,
                [measure_filter, place_filter],
                [outcome_table],
                api_visibility="private",
            )

        def chosen(table: Any, event: gr.SelectData) -> str:
            index = event.index[0] if isinstance(event.index, (list, tuple)) else event.index
            return web.open_outcome(table, index)

        outcome_table.select(chosen, [outcome_table], [outcome_article], api_visibility="private")
        gr.api(ask, api_name="ask")
    app.askcases = web  # for serve(): the sign-in check
    return app


def serve(assistant: Assistant) -> None:
    """Start the web chat on the configured host and port; returns when the server stops."""
    app = build_app(assistant)
    settings = assistant.settings
    web: WebApp = app.askcases
    if settings.host not in ("127.0.0.1", "localhost", "::1") and web.users is None:
        print(
            f"askcases: warning: listening on {settings.host} without sign-in; anyone who can "
            "reach it can add and remove articles (set ASKCASES_USERS)",
            file=sys.stderr,
        )
    if settings.users_file is not None and not web.users:
        raise UsageError(
            f"the users file {settings.users_file} has no users; add one with askcases adduser"
        )
    print(f"askcases web chat on http://{settings.host}:{settings.port}", file=sys.stderr)
    app.queue(default_concurrency_limit=4).launch(
        server_name=settings.host,
        server_port=settings.port,
        show_error=False,
        quiet=True,
        css=CSS,
        js=OPEN_MARKER,
        auth=web.check_login if web.users is not None else None,
        auth_message="Sign in with your askcases user name and password.",
    )
