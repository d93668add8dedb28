"""The Gradio page of the web chat: tabs Ask, Outcomes, Library and Gaps, and the named API
endpoints, each wired to a handler of askcases.app.web.WebApp.

Gradio is imported here and nowhere else. Leaves out: any handling of its own; every event calls
a WebApp method.
"""

import os
import sys
from typing import Any

from askcases.app.render import AnswerView, source_labels
from askcases.app.web import (
    AUDIT_SHOWN,
    FEEDBACK_COLUMNS,
    GAPS_SHOWN,
    LIBRARY_COLUMNS,
    OUTCOME_COLUMNS,
    WebApp,
)
from askcases.errors import UsageError
from askcases.qa.assistant import Assistant

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


def _table(rows: list[list[Any]], headers: list[str], elem_id: str) -> Any:
    """A read-only table (sortable by its headers in the page)."""
    import gradio as gr

    return gr.Dataframe(value=rows, headers=headers, interactive=False, elem_id=elem_id)


def _report_tab(title: str, name: str, intro: str, shown: list[str]) -> tuple[Any, ...]:
    """An admin tab that shows a report on Refresh and offers it as CSV: (refresh button,
    download button, status line, table); their element ids start with `name`."""
    import gradio as gr

    with gr.Tab(title, id=f"{name}-tab"):
        gr.Markdown(intro)
        with gr.Row():
            refresh = gr.Button("Refresh", variant="primary", elem_id=f"{name}-refresh")
            csv = gr.DownloadButton("Download .csv", elem_id=f"{name}-csv")
        status = gr.Markdown(elem_id=f"{name}-status")
        table = _table([], shown, name)
    return refresh, csv, status, table


def _frame(bars: list[dict[str, Any]]) -> Any:
    import pandas as pd

    return pd.DataFrame(bars, columns=["initiative", "change %", "measure"])


def build_app(web: WebApp) -> Any:
    """The page over these handlers (not yet launched)."""
    os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
    import gradio as gr

    def username(request: gr.Request | None) -> str | None:
        return getattr(request, "username", None) if request is not None else None

    def ask(
        question: str,
        since: str = "",
        until: str = "",
        doc_ids: list[str] | None = None,
        history: list[str] | None = None,
        as_of: str = "",
        request: gr.Request = None,  # type: ignore[assignment]
    ) -> dict[str, Any]:
        """Answer a question from the case studies: the JSON of `askcases ask --json`.

        since/until: publication date bounds (YYYY, YYYY-MM or YYYY-MM-DD); doc_ids: answer only
        from these articles; history: the earlier questions of the conversation, for follow-ups;
        as_of: answer from the library as it stood on that date.
        """
        return web.ask_json(question, since, until, doc_ids, history, username(request), as_of)

    def respond(
        question: str,
        chat: list[dict[str, Any]],
        asked_before: list[str],
        since: str,
        until: str,
        doc_ids: list[str] | None,
        backend: str | None,
        as_of: str,
        request: gr.Request,
    ) -> Any:
        yield from web.respond(
            question, chat, asked_before, since, until, doc_ids, backend, username(request), as_of
        )

    def explain(answer: dict[str, Any], request: gr.Request) -> str:
        return web.explain(answer, username(request))

    def export(answer: dict[str, Any], request: gr.Request) -> Any:
        return web.export_markdown(answer, username(request))

    def audit(request: gr.Request) -> Any:
        return web.audit_rows(username(request))

    def retrieval_test(question: str, request: gr.Request) -> str:
        return web.retrieval_test(question, username(request))

    def gaps(request: gr.Request) -> tuple[Any, str, str | None]:
        return web.gaps(username(request))

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
        labels = [label for label, _ in source_labels(AnswerView.from_json(answer or {}))]
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
                                as_of = gr.Textbox(
                                    label="As the library stood on (YYYY[-MM[-DD]])",
                                    elem_id="as-of",
                                )
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
                        with gr.Accordion("Why this answer?", open=False, elem_id="why-box"):
                            why = gr.Markdown(
                                "Ask a question to see how its answer was found.", elem_id="why"
                            )
                            with gr.Row():
                                probe = gr.Textbox(
                                    label="Retrieval test: try a question against the library "
                                    "(it joins no conversation and is not kept)",
                                    scale=4,
                                    elem_id="retrieval-question",
                                )
                                probe_go = gr.Button("Test", scale=1, elem_id="retrieval-test")
                            probe_out = gr.Markdown(elem_id="retrieval-result")
                        with gr.Accordion("Copy for a business case", open=False):
                            markdown = gr.Textbox(
                                label="Answer with references (Markdown)",
                                lines=6,
                                buttons=["copy"],
                                elem_id="markdown",
                            )
                            with gr.Row():
                                download = gr.DownloadButton("Download .md", elem_id="download")
                                download_docx = gr.DownloadButton(
                                    "Download Word (.docx)", elem_id="download-docx"
                                )
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
            gaps_refresh, gaps_csv, gaps_status, gaps_table = _report_tab(
                "Gaps",
                "gaps",
                "What the library is missing: questions it refused and answers marked wrong, "
                "grouped by meaning, with the nearest article. A group is resolved once "
                "questions like it get answers. Admins only.",
                GAPS_SHOWN,
            )
            audit_refresh, audit_csv, audit_status, audit_table = _report_tab(
                "Audit",
                "audit",
                "Who signed in or failed to, who added, replaced or removed which article "
                "(with its content hash before and after), re-indexing, role changes and "
                "exports. The log can only grow. Admins only.",
                AUDIT_SHOWN,
            )

        inputs = [box, chat, asked, since, until, docs, backend, as_of]
        outputs = [box, chat, asked, last]
        for trigger in (box.submit, send.click):
            trigger(respond, inputs, outputs, api_visibility="private").then(
                new_sources, [last], [sources, article], api_visibility="private"
            ).then(explain, [last], [why], api_visibility="private").then(
                None, None, None, js=SCROLL_TO_SPAN
            ).then(
                export,
                [last],
                [markdown, download, download_docx, answered],
                api_visibility="private",
            )
        clear.click(
            lambda: (
                "",
                [],
                [],
                {},
                gr.update(choices=[], value=None),
                "",
                "",
                None,
                None,
                "",
                "",
            ),
            None,
            [
                box,
                chat,
                asked,
                last,
                sources,
                article,
                markdown,
                download,
                download_docx,
                answered,
                why,
            ],
            api_visibility="private",
        )
        for trigger in (probe.submit, probe_go.click):
            trigger(retrieval_test, [probe], [probe_out], api_visibility="private")
        gaps_refresh.click(
            gaps, None, [gaps_table, gaps_status, gaps_csv], api_visibility="private"
        )
        audit_refresh.click(
            audit, None, [audit_table, audit_status, audit_csv], api_visibility="private"
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
        gr.api(ask, api_name="ask")  # type: ignore[attr-defined]
    return app


def serve(assistant: Assistant) -> None:
    """Start the web chat on the configured host and port; returns when the server stops."""
    from starlette.middleware import Middleware

    from askcases.app.signin import SessionGuard

    web = WebApp(assistant)
    app = build_app(web)
    settings = assistant.settings
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
        auth=web.check_login if web.signin is not None else None,
        auth_message="Sign in with your askcases user name and password.",
        app_kwargs=(
            {"middleware": [Middleware(SessionGuard, signin=web.signin)]}
            if web.signin is not None
            else None
        ),
    )
