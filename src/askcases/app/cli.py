"""The askcases command line: thin commands over the same functions the web chat uses.

`askcases index|ask|serve|outcomes|feedback|traces|gaps|adduser` here, `askcases eval ...` in
askcases.app.cli_eval. Heavy libraries are imported inside the commands, so `askcases --help` is
instant.
"""

from __future__ import annotations

import csv
import json
import sqlite3
from pathlib import Path
from typing import Any

import click

from askcases.app.audit import os_user
from askcases.app.cli_options import (
    AskcasesGroup,
    chroma_option,
    filter_options,
    index_option,
    llm_options,
    path_option,
    settings_from,
    where_options,
)
from askcases.types import ROLES


@click.group(cls=AskcasesGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="askcases")
def main() -> None:
    """Answers questions about NHS service-redesign case studies, citing the passages."""


@main.command("index")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--rebuild", is_flag=True, help="Drop the index and build it again from the corpus.")
@click.option("--quiet", "-q", is_flag=True, help="No progress bar.")
@where_options
def index_command(paths: tuple[Path, ...], rebuild: bool, quiet: bool, **flags: Any) -> None:
    """Sync the index with the corpus; PATHS are articles to copy into the corpus first."""
    from askcases.embedding.minilm import MiniLMEmbeddings
    from askcases.ingest.articles import import_articles
    from askcases.store.sync import sync_index

    settings = settings_from(**flags)
    if paths:
        sources = [(p.name, p) for p in paths]
        copied, skipped = import_articles(sources, settings.corpus_dir, settings.max_upload_mb)
        for message in skipped:
            click.echo(f"skipped {message}", err=True)
        for path in copied:
            click.echo(f"copied {path.name} into {settings.corpus_dir}", err=True)
    before = _indexed_documents(settings)
    report = sync_index(
        settings,
        MiniLMEmbeddings.from_settings(settings),
        rebuild=rebuild,
        quiet=quiet,
        report_skip=lambda m: click.echo(m, err=True),
    )
    audit = _audit(settings)
    if audit is not None:
        audit.changes("re-index", os_user(), before, _indexed_documents(settings))
        audit.record("re-index", os_user(), detail=report.summary())
    click.echo(report.summary())


@main.command("ask")
@click.argument("question")
@click.option("--k", type=int, default=None, help="How many passages to retrieve (default 5).")
@click.option(
    "--json", "as_json", is_flag=True, help="Print the answer as JSON (its trace under 'trace')."
)
@click.option(
    "--explain",
    is_flag=True,
    help="Also print why: the candidate passages with their dense and keyword ranks, the "
    "chosen sentences beside the runners-up, the refusal reasoning, the prompt and the timings.",
)
@click.option(
    "--history",
    "history_file",
    type=click.Path(path_type=Path),
    default=None,
    help="A conversation file (JSON lines): earlier turns are read from it to resolve a "
    "follow-up, and this turn is appended to it.",
)
@click.option(
    "--docx",
    "docx_out",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    help="Also write the answer and its references as a Word document for a business case.",
)
@filter_options
@llm_options
@where_options
def ask_command(
    question: str,
    as_json: bool,
    explain: bool,
    history_file: Path | None,
    docx_out: Path | None,
    since: str | None,
    until: str | None,
    doc_ids: tuple[str, ...],
    as_of: str | None = None,
    **flags: Any,
) -> None:
    """Answer QUESTION from the case studies, citing the passages."""
    from askcases.app.render import AnswerView, answer_text, explain_text
    from askcases.errors import AskcasesError
    from askcases.filters import make_filters
    from askcases.qa.assistant import Assistant
    from askcases.qa.followups import append_history, load_history, resolved_questions
    from askcases.types import Answer

    settings = settings_from(**flags)
    filters = make_filters(since, until, doc_ids, as_of)
    history = resolved_questions(load_history(history_file)) if history_file else []
    assistant = Assistant(settings)
    assistant.check()
    streamed = False
    final: Answer | None = None
    traces = trace_store(settings)
    parts = assistant.ask_stream(
        question, filters=filters, history=history, trace=True if explain else None
    )
    try:
        for part in parts:
            if isinstance(part, str):
                if not as_json:
                    click.echo(part, nl=False)
                    streamed = True
            else:
                final = part
    except AskcasesError as exc:
        if exc.answer is not None:
            keep_trace(traces, exc.answer)
        raise
    if final is None:
        raise click.ClickException("no answer was produced")
    keep_trace(traces, final)
    if streamed:
        click.echo("\n")
    if history_file is not None:
        append_history(
            history_file,
            {
                "question": final.question,  # patient identifiers masked
                "answer": final.answer,
                "resolved_question": final.resolved_question,
            },
        )
    if as_json:
        click.echo(json.dumps(final.to_json(), ensure_ascii=False, indent=2))
    else:
        click.echo(answer_text(AnswerView.of(final), show_text=not streamed))
        if explain and final.trace is not None:
            click.echo(explain_text(final.trace))
    if docx_out is not None:
        from askcases.app.export_docx import business_case_docx

        try:
            business_case_docx(AnswerView.of(final), docx_out)
        except OSError as exc:
            raise click.ClickException(
                f"cannot write {docx_out} ({exc.strerror or exc}); choose another path"
            ) from None
        click.echo(f"wrote {docx_out}", err=True)


@main.command("serve")
@click.option("--host", default=None, help="Address to listen on (default 127.0.0.1).")
@click.option("--port", type=int, default=None, help="Port (default 7860).")
@click.option("--no-sync", is_flag=True, help="Do not bring the index up to date first.")
@llm_options
@where_options
def serve_command(no_sync: bool, **flags: Any) -> None:
    """Start the web chat (indexing the corpus first if the index is missing or stale)."""
    from askcases.app.web_page import serve
    from askcases.qa.assistant import Assistant
    from askcases.store.sync import sync_index

    if flags.get("guard") is None:
        flags["guard"] = True  # the chat guards generated answers unless told not to
    settings = settings_from(**flags)
    assistant = Assistant(settings)
    if not no_sync:
        report = sync_index(
            settings, assistant.embeddings, report_skip=lambda m: click.echo(m, err=True)
        )
        click.echo(report.summary(), err=True)
    assistant.check()
    assistant.warm()
    serve(assistant)


@main.command("feedback")
@click.option(
    "--csv",
    "csv_out",
    type=click.Path(path_type=Path),
    required=True,
    help="Write every piece of feedback to this CSV file.",
)
@index_option
def feedback_command(csv_out: Path, index_dir: Path | None) -> None:
    """Export the thumbs up/down given in the web chat."""
    from askcases.app.feedback import FeedbackStore

    settings = settings_from(index_dir=index_dir)
    count = FeedbackStore(settings.index_dir).export_csv(csv_out)
    _audit_export(settings, "feedback", csv_out, count)
    click.echo(f"wrote {count} feedback rows to {csv_out}")


@main.command("traces")
@click.option("--refused", is_flag=True, help="Only questions that were refused.")
@click.option("--since", default=None, help="Only traces from this date on (YYYY[-MM[-DD]]).")
@click.option("--json", "as_json", is_flag=True, help="Print the traces as JSON, whole.")
@path_option("--csv", "csv_out", "Write one line per trace to this CSV file.")
@index_option
def traces_command(
    refused: bool, since: str | None, as_json: bool, csv_out: Path | None, index_dir: Path | None
) -> None:
    """How each question was answered: kept for ASKCASES_TRACE_DAYS days (default 30)."""
    from askcases.app.feedback import FeedbackStore
    from askcases.app.traces import with_feedback, write_csv
    from askcases.filters import make_filters

    settings = settings_from(index_dir=index_dir)
    after = make_filters(since, None, ()).since if since else None
    rows = with_feedback(
        trace_store(settings).rows(refused=refused, since=after),
        FeedbackStore(settings.index_dir).recent(limit=-1),
    )
    if csv_out is not None:
        count = write_csv(rows, csv_out)
        _audit_export(settings, "traces", csv_out, count)
        click.echo(f"wrote {count} traces to {csv_out}")
    elif as_json:
        click.echo(json.dumps(rows, ensure_ascii=False, indent=1))
    else:
        for r in rows:
            verdict = f"refused ({r['reason']})" if r["refused"] else "answered"
            click.echo(
                f"{r['created_at']}  {r['trace_id'][:12]}  {r['username'] or '-'}  "
                f"{r['source']}  {verdict}  {r['elapsed_ms']:.0f} ms  {r['question']}"
            )
        click.echo(f"{len(rows)} traces (kept {settings.trace_days} days)")


@main.command("gaps")
@path_option("--csv", "csv_out", "Write the groups to this CSV file.")
@click.option("--json", "as_json", is_flag=True, help="Print the groups as JSON.")
@where_options
def gaps_command(csv_out: Path | None, as_json: bool, **flags: Any) -> None:
    """What the library is missing: refused and thumbs-down questions grouped by meaning."""
    from askcases.app.feedback import FeedbackStore
    from askcases.app.gaps import find_gaps, write_csv
    from askcases.embedding.minilm import MiniLMEmbeddings
    from askcases.store.index_store import IndexStore

    settings = settings_from(**flags)
    embeddings = MiniLMEmbeddings.from_settings(settings)
    store = IndexStore(settings, embeddings)
    gaps = find_gaps(
        trace_store(settings).rows(),
        FeedbackStore(settings.index_dir).recent(limit=-1),
        embeddings,
        store if store.count() else None,
    )
    if csv_out is not None:
        count = write_csv(gaps, csv_out)
        _audit_export(settings, "gaps", csv_out, count)
        click.echo(f"wrote {count} groups to {csv_out}")
    elif as_json:
        click.echo(json.dumps([g.to_json() for g in gaps], ensure_ascii=False, indent=1))
    else:
        for g in gaps:
            row = g.to_json()
            nearest = (
                f"nearest: {row['nearest_article']} ({row['nearest_doc_id']})"
                if row["nearest_doc_id"]
                else "no article near"
            )
            click.echo(
                f"[{row['status']}] {row['count']}x “{row['representative']}” "
                f"({row['first_asked']} to {row['last_asked']}); {nearest}"
            )
        click.echo(f"{len(gaps)} groups of refused or thumbs-down questions")


def _audit(settings: Any) -> Any:
    """The audit log of the index directory; None (with a warning) when it cannot be opened."""
    from askcases.app.audit import AuditLog

    try:
        settings.index_dir.mkdir(parents=True, exist_ok=True)
        return AuditLog(settings.index_dir)
    except OSError as exc:
        click.echo(f"askcases: warning: no audit log in {settings.index_dir} ({exc})", err=True)
        return None


def _audited(settings: Any, event: str, detail: str) -> None:
    """Record what the person at this terminal did in the audit log (when it can be opened)."""
    audit = _audit(settings)
    if audit is not None:
        audit.record(event, os_user(), detail=detail)


def _audit_export(settings: Any, what: str, out: Path, count: int) -> None:
    _audited(settings, "export", f"{what}: {count} rows to {out}")


def _indexed_documents(settings: Any) -> dict[str, Any]:
    """The documents the local manifest lists now ({} for none or an unreadable one)."""
    from askcases.errors import IndexStateError
    from askcases.store.manifest import read_manifest

    try:
        manifest = read_manifest(settings.index_dir)
    except IndexStateError:
        return {}
    return dict((manifest or {}).get("documents", {}))


@main.command("backup")
@click.argument("out", type=click.Path(path_type=Path, file_okay=False))
@where_options
def backup_command(out: Path, **flags: Any) -> None:
    """Copy the corpus, index, feedback, traces, audit log and users file into OUT, with
    checksums, while holding the index lock."""
    from askcases.app.backup import backup

    settings = settings_from(**flags)
    manifest = backup(settings, out, progress=lambda m: click.echo(m, err=True))
    _audited(settings, "backup", f"{len(manifest['files'])} files to {out}")
    click.echo(f"backed up {len(manifest['files'])} files to {out}")


@main.command("restore")
@click.argument("source", type=click.Path(path_type=Path, file_okay=False, exists=True))
@where_options
def restore_command(source: Path, **flags: Any) -> None:
    """Check a backup's checksums, then restore it into empty --index and --corpus
    directories."""
    from askcases.app.backup import restore

    settings = settings_from(**flags)
    count = restore(settings, source, progress=lambda m: click.echo(m, err=True))
    _audited(settings, "restore", f"{count} files from {source}")
    click.echo(f"restored {count} files into {settings.index_dir} and {settings.corpus_dir}")


@main.command("audit")
@click.option("--since", default=None, help="Only events from this date on (YYYY[-MM[-DD]]).")
@path_option("--csv", "csv_out", "Write the events to this CSV file.")
@click.option("--json", "as_json", is_flag=True, help="Print the events as JSON.")
@index_option
def audit_command(
    since: str | None, csv_out: Path | None, as_json: bool, index_dir: Path | None
) -> None:
    """Who signed in, changed the library, changed a role or exported what, and when."""
    from askcases.app.audit import AuditLog, write_csv
    from askcases.filters import make_filters

    settings = settings_from(index_dir=index_dir)
    after = make_filters(since, None, ()).since if since else None
    log = AuditLog(settings.index_dir)
    rows = log.rows(since=after)
    if csv_out is not None:
        count = write_csv(rows, csv_out)
        log.record("export", os_user(), detail=f"audit: {count} rows to {csv_out}")
        click.echo(f"wrote {count} events to {csv_out}")
    elif as_json:
        click.echo(json.dumps(rows, ensure_ascii=False, indent=1))
    else:
        for r in rows:
            what = " ".join(x for x in (r["doc_id"], r["detail"]) if x)
            verdict = "" if r["ok"] else " FAILED"
            who = r["user"] or "-"
            client = f" from {r['client']}" if r["client"] else ""
            click.echo(f"{r['at']}  {r['event']}{verdict}  {who}{client}  {what}")
        click.echo(f"{len(rows)} events")


def keep_trace(traces: Any, answer: Any) -> None:
    """Keep the answer's trace; a store that cannot be written costs a warning, not the answer."""
    from askcases.errors import AskcasesError

    try:
        traces.record(answer, source="cli", wait=True)
    except (OSError, sqlite3.Error, AskcasesError) as exc:
        click.echo(
            f"askcases: warning: the trace of this question was not kept ({exc}); check that "
            f"{traces.path.parent} is writable",
            err=True,
        )


def trace_store(settings: Any) -> Any:
    """The index directory's trace store, past-retention traces deleted, exporting over OTLP
    when an endpoint is configured."""
    from askcases.app.telemetry import telemetry_from_env
    from askcases.app.traces import TraceStore

    return TraceStore(settings.index_dir, settings.trace_days, telemetry_from_env())


@main.command("adduser")
@click.argument("name")
@click.option("--role", type=click.Choice(ROLES), required=True)
@click.option("--password", default=None, help="Asked for when not given.")
@click.option(
    "--users",
    "users_file",
    type=click.Path(path_type=Path),
    default=None,
    help="The users file (default ASKCASES_USERS).",
)
def adduser_command(name: str, role: str, password: str | None, users_file: Path | None) -> None:
    """Add a user who may sign in to the web chat (admins may also add and remove articles)."""
    from askcases.app.users import add_user, read_users
    from askcases.errors import UsageError

    settings = settings_from(users_file=users_file)
    if settings.users_file is None:
        raise UsageError("say where the users file is: --users FILE or ASKCASES_USERS")
    was = read_users(settings.users_file).get(name) if settings.users_file.exists() else None
    add_user(settings.users_file, name, role, password)
    change = f"{name}: {was[0] if was else 'new user'} -> {role}"
    _audited(settings, "user", f"{change} ({settings.users_file})")
    click.echo(f"{name} ({role}) can now sign in; users file: {settings.users_file}")


@main.command("outcomes")
@click.option("--measure", default=None, help="Only this measure (e.g. 'hospital stay').")
@click.option("--place", default=None, help="Only outcomes in this place (a part of its name).")
@click.option("--doc", "doc_ids", multiple=True, help="Only this document id (repeatable).")
@path_option("--csv", "csv_out", "Write the rows to this CSV file.")
@click.option("--json", "as_json", is_flag=True, help="Print the rows as JSON.")
@index_option
@chroma_option
def outcomes_command(
    measure: str | None,
    place: str | None,
    doc_ids: tuple[str, ...],
    csv_out: Path | None,
    as_json: bool,
    **flags: Any,
) -> None:
    """Every quantified outcome in the case studies, with the sentence that reports it."""
    from askcases.embedding.minilm import MiniLMEmbeddings
    from askcases.files import spreadsheet_safe
    from askcases.outcomes.queries import FIELDS, describe_change, filter_outcomes
    from askcases.store.index_store import IndexStore

    settings = settings_from(**flags)
    store = IndexStore(settings, MiniLMEmbeddings.from_settings(settings))
    rows = filter_outcomes(store.outcomes(), measure=measure, place=place, doc_ids=doc_ids)
    # the qualifier beside the value it hedges, and the claim's standing after the period
    at = FIELDS.index("value") + 1
    columns = [
        "doc_id",
        *FIELDS[:at],
        "qualifier",
        *FIELDS[at:],
        "status",
        "reported_by",
        "start",
        "end",
        "sentence",
    ]
    if csv_out is not None:
        with csv_out.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.DictWriter(handle, fieldnames=columns, extrasaction="ignore")
            writer.writeheader()
            writer.writerows({k: spreadsheet_safe(v) for k, v in r.to_json().items()} for r in rows)
        _audit_export(settings, "outcomes", csv_out, len(rows))
        click.echo(f"wrote {len(rows)} outcomes to {csv_out}")
    elif as_json:
        click.echo(json.dumps([r.to_json() for r in rows], ensure_ascii=False, indent=1))
    else:
        for r in rows:
            period = f" {r.period}" if r.period else ""
            standing = f" [{r.status}]" if r.status != "achieved" else ""
            click.echo(
                f"{r.place} · {r.service} · {r.measure}: {r.direction or 'level'} "
                f"{describe_change(r)}{period}{standing} ({r.doc_id} {r.start}-{r.end})"
            )
        click.echo(f"{len(rows)} outcomes")


def _register_eval() -> None:
    from askcases.app.cli_eval import eval_group

    main.add_command(eval_group)


_register_eval()
