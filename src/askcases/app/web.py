"""The web chat's handlers: a thin wrapper over Assistant, the library and the feedback store.

Tabs: Ask (chat, filters, sources that open the cited article with the span highlighted,
feedback, Markdown for a business case, "Why this answer?" with a retrieval test), Library
(articles, upload, remove, recent feedback) and Gaps (what the library is missing). Named HTTP
endpoints: `ask`, `add_articles`, `remove_article`. With a users file, everything needs sign-in
(the page and the API alike) and only admins may change the library or see its gaps. Every
question asked in the chat or through the API leaves a trace (askcases.app.traces). Everything an
article or answer says is shown as text. Holds no answering logic of its own; the page's layout
is in askcases.app.web_page, and Gradio is imported only there.
"""

from __future__ import annotations

import shutil
import sys
import tempfile
import time
import traceback
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from askcases.app.audit import COLUMNS as AUDIT_COLUMNS
from askcases.app.audit import AuditLog
from askcases.app.audit import write_csv as write_audit_csv
from askcases.app.export_docx import business_case_docx
from askcases.app.feedback import FeedbackStore
from askcases.app.gaps import Gap, find_gaps
from askcases.app.gaps import write_csv as write_gaps_csv
from askcases.app.library import add_uploads, list_articles, read_article, remove_article
from askcases.app.render import (
    AnswerView,
    answer_markdown,
    article_html,
    as_text,
    business_case_markdown,
    explain_markdown,
    source_labels,
    status_line,
)
from askcases.app.signin import SignIn
from askcases.app.telemetry import telemetry_from_env
from askcases.app.traces import TraceStore
from askcases.app.users import Users
from askcases.errors import AskcasesError
from askcases.filters import make_filters
from askcases.outcomes.queries import change_percent, describe_change, filter_outcomes
from askcases.qa.assistant import Assistant, clean_question
from askcases.text.privacy import mask_identifiers
from askcases.types import Answer, Outcome, age_in_years

AUDIT_SHOWN = [c for c in AUDIT_COLUMNS if c != "id"]
EXPORTS_KEPT = 200  # answers whose business-case files stay downloadable
OUTCOME_COLUMNS = [
    "place",
    "service",
    "measure",
    "direction",
    "change",
    "status",
    "period",
    "doc_id",
    "start",
    "end",
]
LIBRARY_COLUMNS = [
    "title",
    "date",
    "age (years)",
    "superseded by",
    "doc_id",
    "chunks",
    "indexed_at",
]
# A page holds at most this many rows of a table, bars of the chart and articles in a list, so a
# library of tens of thousands of articles still loads at once; a typed document id is accepted.
PAGE_ROWS = 500
FEEDBACK_COLUMNS = ["created_at", "rating", "comment", "question", "username"]
GAPS_SHOWN = ["status", "count", "representative", "first_asked", "last_asked", "nearest_article"]


def _outcome_row(row: Outcome) -> list[Any]:
    values = row.to_json()
    values["change"] = describe_change(row)
    return [values[c] for c in OUTCOME_COLUMNS]


class WebApp:
    """The handlers behind the page and the API; each turns errors into a message."""

    def __init__(self, assistant: Assistant) -> None:
        self.assistant = assistant
        self.settings = assistant.settings
        self.feedback = FeedbackStore(self.settings.index_dir)
        # Opening the store deletes the traces past their retention: at every start.
        self.traces = TraceStore(
            self.settings.index_dir, self.settings.trace_days, telemetry_from_env()
        )
        # One folder for the downloads this server offers, each replacing the last.
        self._exports = Path(tempfile.mkdtemp(prefix="askcases-"))
        self.audit = AuditLog(self.settings.index_dir)
        self.signin: SignIn | None = (
            SignIn(self.settings.users_file, self.settings.session_hours, self._signed_in)
            if self.settings.users_file
            else None
        )

    def _signed_in(self, event: str, user: str, client: str, ok: bool) -> None:
        if event == "user":  # the users file changed: `user` says how
            self._audit(event, "", detail=f"{user} (users file changed)")
        else:
            self._audit(event, user, client=client, ok=ok)

    def _audit(self, event: str, user: str | None, **fields: Any) -> None:
        """Record an event; a log that cannot be written is said on stderr, never to the user."""
        try:
            self.audit.record(event, user or "", **fields)
        except Exception:
            traceback.print_exc(file=sys.stderr)

    def _documents(self) -> dict[str, Any]:
        try:
            return dict(self.assistant.store.manifest()["documents"])
        except AskcasesError:
            return {}

    # -- who may do what -------------------------------------------------------------------
    @property
    def users(self) -> Users | None:
        """The users file as it stands now (None: no sign-in)."""
        return self.signin.users() if self.signin is not None else None

    def check_login(self, username: str, password: str) -> bool:
        return self.signin is not None and self.signin.check(username, password)

    def may_change_library(self, username: str | None) -> bool:
        if self.users is None:
            return True  # no sign-in configured: a single local user
        entry = self.users.get(username or "")
        return entry is not None and entry[0] == "admin"

    def may_see_traces(self, username: str | None) -> bool:
        """ "Why this answer?" is for editors and admins, or everyone when sign-in is off."""
        if self.users is None:
            return True
        entry = self.users.get(username or "")
        return entry is not None and entry[0] in ("admin", "editor")

    def _keep(self, answer: Answer, username: str | None, source: str) -> None:
        try:
            self.traces.record(answer, username or "", source)
        except Exception:  # a full disk must not cost the person their answer
            traceback.print_exc(file=sys.stderr)

    # -- asking ----------------------------------------------------------------------------
    def ask_json(
        self,
        question: str,
        since: str = "",
        until: str = "",
        doc_ids: list[str] | None = None,
        history: list[str] | None = None,
        username: str | None = None,
        as_of: str = "",
    ) -> dict[str, Any]:
        try:
            filters = make_filters(since or None, until or None, doc_ids or [], as_of or None)
            answer = self.assistant.ask(question, filters=filters, history=list(history or []))
            self._keep(answer, username, "api")
            data = answer.to_json()
            if not self.may_see_traces(username):
                data.pop("trace", None)
            return data
        except AskcasesError as exc:
            if exc.answer is not None:
                self._keep(exc.answer, username, "api")
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
        username: str | None = None,
        as_of: str = "",
    ) -> Iterator[tuple[str, list[dict[str, Any]], list[str], dict[str, Any]]]:
        question = (question or "").strip()
        if not question:
            yield "", chat, asked, {}
            return
        # The chat shows the question as kept: patient identifiers masked.
        try:
            shown = mask_identifiers(clean_question(question))[0]
        except AskcasesError:
            shown = mask_identifiers(question[:200])[0] + " …"
        user = {"role": "user", "content": as_text(shown)}
        written = ""
        answer: dict[str, Any] = {}
        try:
            filters = make_filters(since or None, until or None, doc_ids or [], as_of or None)
            parts = self.assistant.ask_stream(
                question,
                filters=filters,
                history=asked,
                backend="extractive" if backend == "extractive" else None,
            )
            for part in parts:
                if isinstance(part, str):
                    written += part
                    partial = {"role": "assistant", "content": as_text(written)}
                    yield "", [*chat, user, partial], asked, {}
                else:
                    self._keep(part, username, "web")
                    answer = part.to_json()
            reply = answer_markdown(AnswerView.from_json(answer))
            asked = [*asked, answer["resolved_question"]]
        except AskcasesError as exc:
            if exc.answer is not None:
                self._keep(exc.answer, username, "web")
            reply = f"⚠ {as_text(str(exc))}"
        except Exception as exc:  # one bad question must not take the chat down
            traceback.print_exc(file=sys.stderr)
            reply = f"⚠ Something went wrong answering that ({type(exc).__name__}); it was logged."
        messages = [*chat, user, {"role": "assistant", "content": reply}]
        if answer.get("trace") and self.may_see_traces(username):
            # "Why this answer?" under the answer, closed until opened
            trace = answer["trace"]
            found = sum(1 for c in trace.get("candidates", []) if c.get("fused_rank"))
            messages.append(
                {
                    "role": "assistant",
                    "content": explain_markdown(trace),
                    "metadata": {
                        "title": "Why this answer?",
                        "status": "done",
                        "log": f"{found} passages, {trace.get('elapsed_ms', 0):.0f} ms",
                    },
                }
            )
        yield "", messages, asked, answer

    def explain(self, answer: dict[str, Any], username: str | None) -> str:
        """Why this answer: candidates, sentences, refusal reasoning, prompt and timings."""
        if not self.may_see_traces(username):
            return "Only editors and admins can see how an answer was found."
        return explain_markdown((answer or {}).get("trace"))

    def retrieval_test(self, question: str, username: str | None) -> str:
        """A question tried against the library, shown as "Why this answer?" would show it; it
        joins no conversation and leaves no trace."""
        if not self.may_see_traces(username):
            return "Only editors and admins can test retrieval."
        if not (question or "").strip():
            return "Type a question to see which passages the library would answer it from."
        try:
            answer = self.assistant.ask(question, trace=True, backend="extractive")
        except AskcasesError as exc:
            return f"⚠ {as_text(str(exc))}"
        except Exception as exc:
            traceback.print_exc(file=sys.stderr)
            return f"⚠ Something went wrong ({type(exc).__name__}); it was logged."
        verdict = "would be refused" if answer.refused else "would be answered"
        return f"**This question {verdict}.**\n\n" + explain_markdown(answer.trace)

    def audit_rows(self, username: str | None) -> tuple[list[list[Any]], str, str | None]:
        """The audit trail's latest events, a status line, and all of it as a CSV file."""
        if not self.may_change_library(username):
            return [], "Only admins can see the audit trail.", None
        rows = self.audit.rows()
        path = self._exports / "askcases-audit.csv"
        write_audit_csv(rows, path)
        self._audit("export", username, detail=f"audit: {len(rows)} rows (web)")
        shown = [[r[c] for c in AUDIT_SHOWN] for r in rows[:PAGE_ROWS]]
        return shown, f"{len(rows)} events; the newest first.", str(path)

    def gaps(self, username: str | None) -> tuple[list[list[Any]], str, str | None]:
        """The gaps report's rows, a status line, and the report as a CSV file to download."""
        if not self.may_change_library(username):
            return [], "Only admins can see the gaps report.", None
        try:
            gaps = self._gaps()
        except AskcasesError as exc:
            return [], f"⚠ {as_text(str(exc))}", None
        path = self._exports / "askcases-gaps.csv"
        write_gaps_csv(gaps, path)
        self._audit("export", username, detail=f"gaps: {len(gaps)} rows (web)")
        rows = [[g.to_json()[c] for c in GAPS_SHOWN] for g in gaps[:PAGE_ROWS]]
        open_ = sum(1 for g in gaps if not g.resolved)
        line = (
            f"{len(gaps)} groups of refused or thumbs-down questions, {open_} still open. "
            f"Traces are kept {self.settings.trace_days} days."
        )
        return rows, line, str(path)

    def _gaps(self) -> list[Gap]:
        store = self.assistant.store
        return find_gaps(
            self.traces.rows(),
            self.feedback.recent(limit=-1),
            self.assistant.embeddings,
            store if store.count() else None,
        )

    def open_source(self, answer: dict[str, Any], label: str | None) -> str:
        """The cited article, whole, with the cited span marked."""
        sources = source_labels(AnswerView.from_json(answer or {}))
        citation = next((c for shown, c in sources if shown == label), None)
        if citation is None:
            return "<p>Choose a source of the answer to read it in its article.</p>"
        try:
            return self._article_with_span(citation.doc_id, citation.start, citation.end)
        except AskcasesError as exc:
            return f"<p>{as_text(str(exc))}</p>"

    def _article_with_span(self, doc_id: str, start: int, end: int) -> str:
        """The indexed article as HTML, [start, end) marked, and a note if it changed since."""
        article, current = read_article(self.settings, self.assistant.store, doc_id)
        note = "" if current else "This article changed after it was indexed; run askcases index."
        return article_html(
            article.title, article.date, article.doc_id, article.text, start, end, note
        )

    def export_markdown(
        self, answer: dict[str, Any], username: str | None = None
    ) -> tuple[str, str | None, str | None, str]:
        """The answer as Markdown for a business case, a file of it, the same as a Word
        document, and a status line."""
        if not answer or not answer.get("answer"):
            return "", None, None, ""
        view = AnswerView.from_json(answer)
        text = business_case_markdown(view)
        folder = Path(tempfile.mkdtemp(prefix=f"answer-{time.time_ns():020d}-", dir=self._exports))
        # each answer's files stay downloadable for a while, in their own folder
        kept = sorted(self._exports.glob("answer-*"), key=lambda f: f.name)
        for old in kept[:-EXPORTS_KEPT]:
            shutil.rmtree(old, ignore_errors=True)
        path = folder / "askcases-answer.md"
        path.write_text(text, encoding="utf-8")
        try:
            docx: str | None = str(business_case_docx(view, folder / "askcases-answer.docx"))
        except (OSError, ValueError):  # the Markdown export still stands
            traceback.print_exc(file=sys.stderr)
            docx = None
        self._audit("export", username, detail=f"business case for “{view.question[:200]}”")
        return text, str(path), docx, status_line(view)

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
            newer = self.assistant.store.newer_articles()
        except AskcasesError:
            return []
        return [
            [
                a.title,
                a.date or "",
                "" if age_in_years(a.date) is None else age_in_years(a.date),
                ", ".join(newer.get(a.doc_id, [])),
                a.doc_id,
                a.chunks,
                a.indexed_at,
            ]
            for a in articles[:PAGE_ROWS]
        ]

    def feedback_rows(self) -> list[list[Any]]:
        return [[r[c] for c in FEEDBACK_COLUMNS] for r in self.feedback.recent(20)]

    def add_articles(self, files: list[str] | None, username: str | None) -> str:
        if not self.may_change_library(username):
            return "⚠ Only an admin can add articles."
        if not files:
            return "⚠ Choose one or more .txt, .md, .html or .pdf files first."
        uploads = [(Path(f).name, Path(f)) for f in files]
        before = self._documents()
        try:
            result = add_uploads(self.settings, self.assistant.embeddings, uploads)
        except AskcasesError as exc:
            return f"⚠ {as_text(str(exc))}"
        finally:
            try:
                self.audit.changes("upload", username or "", before, self._documents())
            except Exception:
                traceback.print_exc(file=sys.stderr)
        for message in result.rejected:
            self._audit("upload", username, ok=False, detail=f"rejected {message}")
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
        before = self._documents()
        try:
            report = remove_article(
                self.settings, self.assistant.embeddings, self.assistant.store, doc_id
            )
        except AskcasesError as exc:
            return f"⚠ {as_text(str(exc))}"
        finally:
            try:
                self.audit.changes("remove", username or "", before, self._documents())
            except Exception:
                traceback.print_exc(file=sys.stderr)
        return f"Removed {as_text(doc_id)}. {as_text(report.summary())}"

    def outcome_rows(self, measure: str | None = None, place: str | None = None) -> list[list[Any]]:
        try:
            rows = filter_outcomes(
                self.assistant.store.outcomes(), measure=measure or None, place=place or None
            )
        except AskcasesError:
            return []
        return [_outcome_row(r) for r in rows[:PAGE_ROWS]]

    def measure_choices(self) -> list[str]:
        try:
            return sorted({r.measure for r in self.assistant.store.outcomes()})
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
                label = f"{r.place} · {r.doc_id} · {r.start}"
                bars.append({"initiative": label, "change %": change, "measure": r.measure})
            if len(bars) >= PAGE_ROWS:
                break
        return bars

    def open_outcome(self, table: Any, selected: int | None) -> str:
        """The article of the chosen outcome row, its sentence marked."""
        try:
            rows = table.values.tolist() if hasattr(table, "values") else list(table or [])
            row = dict(zip(OUTCOME_COLUMNS, rows[int(selected or 0)], strict=True))
            return self._article_with_span(str(row["doc_id"]), int(row["start"]), int(row["end"]))
        except (AskcasesError, IndexError, ValueError, TypeError):
            return "<p>Choose an outcome row to read it in its article.</p>"

    def article_choices(self) -> list[tuple[str, str]]:
        at = LIBRARY_COLUMNS.index("doc_id")
        return [(f"{r[0]} ({r[at]})", r[at]) for r in self.library_rows()]
