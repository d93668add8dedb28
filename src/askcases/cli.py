"""The askcases command line: thin commands over the same functions the web chat uses."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import Any

import click

from askcases.errors import AskcasesError
from askcases.settings import Settings, load_settings

_corpus_option = click.option(
    "--corpus",
    "corpus_dir",
    type=click.Path(path_type=Path),
    default=None,
    help="Corpus directory (default: ASKCASES_CORPUS or the repo's corpus/).",
)
_index_option = click.option(
    "--index",
    "index_dir",
    type=click.Path(path_type=Path),
    default=None,
    help="Index directory (default: ASKCASES_INDEX or the repo's index/).",
)

_chroma_option = click.option(
    "--chroma-url",
    "chroma_url",
    default=None,
    metavar="URL",
    help="Keep the index on this Chroma server, e.g. http://127.0.0.1:8000 "
    "(default: ASKCASES_CHROMA_URL, else local disk under the index directory).",
)


def _reports_errors(command: Callable[..., Any]) -> Callable[..., Any]:
    """Turn askcases errors into one line on stderr and an exit code; never a stack trace."""

    @wraps(command)
    def run(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except AskcasesError as exc:
            click.echo(f"askcases: {exc}", err=True)
            sys.exit(exc.exit_code)
        except KeyboardInterrupt:
            click.echo("askcases: interrupted", err=True)
            sys.exit(130)
        except Exception as exc:  # the last line of defence: one line, never a stack trace
            click.echo(
                f"askcases: unexpected {type(exc).__name__}: {exc}; please report this", err=True
            )
            sys.exit(1)

    return run


def _settings(**flags: Any) -> Settings:
    """Settings from the environment, with the command's flags (None = not given) on top."""
    return load_settings(**flags)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="askcases")
def main() -> None:
    """Answers questions about NHS service-redesign case studies, citing the passages."""


@main.command("index")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--rebuild", is_flag=True, help="Drop the index and build it again from the corpus.")
@click.option("--quiet", "-q", is_flag=True, help="No progress bar.")
@_corpus_option
@_index_option
@_chroma_option
@_reports_errors
def index_command(
    paths: tuple[Path, ...],
    rebuild: bool,
    quiet: bool,
    corpus_dir: Path | None,
    index_dir: Path | None,
    chroma_url: str | None,
) -> None:
    """Sync the index with the corpus; PATHS are articles to copy into the corpus first."""
    from askcases.embeddings import MiniLMEmbeddings
    from askcases.index import import_articles, sync_index

    settings = _settings(corpus_dir=corpus_dir, index_dir=index_dir, chroma_url=chroma_url)
    if paths:
        copied, skipped = import_articles(list(paths), settings.corpus_dir)
        for message in skipped:
            click.echo(f"skipped {message}", err=True)
        for path in copied:
            click.echo(f"copied {path.name} into {settings.corpus_dir}", err=True)
    embeddings = MiniLMEmbeddings(settings.precision, settings.batch_size)
    report = sync_index(
        settings,
        embeddings,
        rebuild=rebuild,
        quiet=quiet,
        report_skip=lambda m: click.echo(m, err=True),
    )
    click.echo(report.summary())


def render_answer(answer: dict[str, Any], show_text: bool = True) -> str:
    """The answer, its verification marks, then its numbered sources, as plain text."""
    lines = []
    if answer.get("resolved_question") and answer["resolved_question"] != answer["question"]:
        lines += [f"(read as: {answer['resolved_question']})", ""]
    if show_text:
        lines.append(answer["answer"])
    grounding = answer.get("grounding") or {}
    for verdict in grounding.get("sentences", []):
        if not verdict["supported"]:
            numbers = verdict["unsupported_numbers"]
            why = f" (numbers not in the cited passages: {', '.join(numbers)})" if numbers else ""
            lines.append(f"⚠ not supported by its citations{why}: {verdict['text']}")
    guard = answer.get("guard")
    if guard:
        lines += ["", f"⚠ {guard['note']}", guard["extractive"]["answer"]]
    if answer["citations"]:
        lines += ["", "Sources:"]
        for c in answer["citations"]:
            when = f", {c['date']}" if c["date"] else ""
            lines.append(f"[{c['n']}] {c['title']}{when} ({c['doc_id']})")
            lines.append(f"    “{c['quote']}”")
    return "\n".join(lines)


def _llm_options(command: Callable[..., Any]) -> Callable[..., Any]:
    command = click.option(
        "--guard/--no-guard",
        default=None,
        help="Show the extractive answer beside a generated one that fails verification.",
    )(command)
    command = click.option(
        "--base-url", default=None, help="OpenAI-compatible endpoint (openai back-end)."
    )(command)
    command = click.option(
        "--model",
        default=None,
        help="GGUF file (llamacpp) or model name (openai); default ASKCASES_MODEL.",
    )(command)
    command = click.option(
        "--llm",
        type=click.Choice(["extractive", "llamacpp", "openai"]),
        default=None,
        help="Answer back-end (default ASKCASES_LLM, else extractive).",
    )(command)
    return command


def _filter_options(command: Callable[..., Any]) -> Callable[..., Any]:
    command = click.option(
        "--doc", "doc_ids", multiple=True, help="Answer only from this document id (repeatable)."
    )(command)
    command = click.option(
        "--until", default=None, help="Only articles published on or before (YYYY[-MM[-DD]])."
    )(command)
    command = click.option(
        "--since", default=None, help="Only articles published on or after (YYYY[-MM[-DD]])."
    )(command)
    return command


@main.command("ask")
@click.argument("question")
@click.option("--k", type=int, default=None, help="How many passages to retrieve (default 5).")
@click.option("--json", "as_json", is_flag=True, help="Print the answer as JSON.")
@click.option(
    "--history",
    "history_file",
    type=click.Path(path_type=Path),
    default=None,
    help="A conversation file (JSON lines): earlier turns are read from it to resolve a "
    "follow-up, and this turn is appended to it.",
)
@_filter_options
@_llm_options
@_corpus_option
@_index_option
@_chroma_option
@_reports_errors
def ask_command(
    question: str,
    as_json: bool,
    history_file: Path | None,
    since: str | None,
    until: str | None,
    doc_ids: tuple[str, ...],
    **settings_flags: Any,
) -> None:
    """Answer QUESTION from the case studies, citing the passages."""
    from askcases.assistant import Assistant
    from askcases.filters import make_filters
    from askcases.followups import append_history, load_history, resolved_questions

    settings = _settings(**settings_flags)
    filters = make_filters(since, until, doc_ids)
    history = resolved_questions(load_history(history_file)) if history_file else []
    assistant = Assistant(settings)
    assistant.check()
    streamed = False
    final = None
    for part in assistant.ask_stream(question, filters=filters, history=history):
        if isinstance(part, str):
            if not as_json:
                click.echo(part, nl=False)
                streamed = True
        else:
            final = part
    assert final is not None
    answer = final.to_json()
    if streamed:
        click.echo("\n")
    if history_file is not None:
        append_history(
            history_file,
            {
                "question": question,
                "answer": answer["answer"],
                "resolved_question": answer["resolved_question"],
            },
        )
    if as_json:
        click.echo(json.dumps(answer, ensure_ascii=False, indent=2))
    else:
        click.echo(render_answer(answer, show_text=not streamed))


@main.command("serve")
@click.option("--host", default=None, help="Address to listen on (default 127.0.0.1).")
@click.option("--port", type=int, default=None, help="Port (default 7860).")
@click.option("--no-sync", is_flag=True, help="Do not bring the index up to date first.")
@_llm_options
@_corpus_option
@_index_option
@_chroma_option
@_reports_errors
def serve_command(no_sync: bool, **settings_flags: Any) -> None:
    """Start the web chat (indexing the corpus first if the index is missing or stale)."""
    from askcases.assistant import Assistant
    from askcases.index import sync_index
    from askcases.web import serve

    if settings_flags.get("guard") is None:
        settings_flags["guard"] = True  # the chat guards generated answers unless told not to
    settings = _settings(**settings_flags)
    assistant = Assistant(settings)
    if not no_sync:
        report = sync_index(
            settings, assistant.embeddings, report_skip=lambda m: click.echo(m, err=True)
        )
        click.echo(report.summary(), err=True)
    assistant.check()
    assistant.warm()
    serve(assistant)


@main.command("eval")
@click.option(
    "--questions",
    "questions_file",
    type=click.Path(path_type=Path),
    default=None,
    help="Questions in the eval/questions.jsonl format (default: eval/questions.jsonl).",
)
@click.option(
    "--json",
    "json_out",
    type=click.Path(path_type=Path),
    default=None,
    help="Write the figures and per-question rows to this file.",
)
@click.option(
    "--check",
    "thresholds_file",
    type=click.Path(path_type=Path),
    default=None,
    help="Fail (exit 1) when a figure misses a threshold in this file.",
)
@click.option(
    "--compare",
    is_flag=True,
    help="Compare retrievers (tutorial pipeline, dense, BM25, hybrid, askcases) instead.",
)
@click.option(
    "--calibrate",
    is_flag=True,
    help="Fit the refusal model on the tuning part of the questions and save it first.",
)
@click.option(
    "--outcomes",
    "outcomes_check",
    is_flag=True,
    help="Score the outcomes table against eval/outcomes.jsonl instead.",
)
@click.option(
    "--grounding",
    is_flag=True,
    help="Check the grounding verifier on eval/grounding_pairs.jsonl instead.",
)
@click.option("--k", type=int, default=None, help="Passages to retrieve per question.")
@_filter_options
@_llm_options
@_corpus_option
@_index_option
@_chroma_option
@_reports_errors
def eval_command(
    questions_file: Path | None,
    json_out: Path | None,
    thresholds_file: Path | None,
    compare: bool,
    calibrate: bool,
    outcomes_check: bool,
    grounding: bool,
    since: str | None,
    until: str | None,
    doc_ids: tuple[str, ...],
    **settings_flags: Any,
) -> None:
    """Run the evaluation questions and print the figures."""
    from askcases import evaluate
    from askcases.assistant import Assistant
    from askcases.filters import make_filters

    settings = _settings(**settings_flags)
    if outcomes_check:
        from askcases.embeddings import MiniLMEmbeddings
        from askcases.index import IndexStore
        from askcases.outcomes import format_scores, load_gold, score_outcomes

        store = IndexStore(settings, MiniLMEmbeddings(settings.precision))
        gold_file = questions_file or evaluate.project_root() / "eval" / "outcomes.jsonl"
        scores = score_outcomes(store.outcomes(), load_gold(gold_file))
        click.echo(format_scores(scores))
        if json_out is not None:
            _write_json(json_out, scores)
        return
    if grounding:
        from askcases.embeddings import MiniLMEmbeddings
        from askcases.grounding import GroundingVerifier

        verifier = GroundingVerifier(MiniLMEmbeddings(settings.precision, settings.batch_size))
        result = evaluate.grounding_check(verifier, evaluate.default_pairs_file(), calibrate)
        for key, value in result.items():
            click.echo(
                f"{key:<20} {value:.3f}" if isinstance(value, float) else f"{key:<20} {value}"
            )
        return
    filters = make_filters(since, until, doc_ids)
    questions = evaluate.load_questions(questions_file or evaluate.default_questions_file())
    assistant = Assistant(settings)
    assistant.check()
    if compare:
        from askcases.comparison import compare_retrievers, format_comparison

        table = compare_retrievers(assistant, questions, filters)
        click.echo(format_comparison(table))
        if json_out is not None:
            _write_json(json_out, table)
        return
    if calibrate:
        fitted = evaluate.calibrate(assistant, questions, settings.refusal_model)
        click.echo(f"refusal model fitted on {fitted.fitted_on}; saved to {settings.refusal_model}")
    report = evaluate.run_eval(assistant, questions, filters=filters)
    click.echo(evaluate.format_report(report))
    if json_out is not None:
        _write_json(json_out, report)
    if thresholds_file is not None:
        evaluate.check_thresholds(report, thresholds_file)
        click.echo(f"all figures meet {thresholds_file}")


def _write_json(path: Path, data: Any) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", "utf-8")


@main.command("feedback")
@click.option(
    "--csv",
    "csv_out",
    type=click.Path(path_type=Path),
    required=True,
    help="Write every piece of feedback to this CSV file.",
)
@_index_option
@_reports_errors
def feedback_command(csv_out: Path, index_dir: Path | None) -> None:
    """Export the thumbs up/down given in the web chat."""
    from askcases.feedback import FeedbackStore

    settings = _settings(index_dir=index_dir)
    count = FeedbackStore(settings.index_dir).export_csv(csv_out)
    click.echo(f"wrote {count} feedback rows to {csv_out}")


@main.command("adduser")
@click.argument("name")
@click.option("--role", type=click.Choice(["admin", "editor"]), required=True)
@click.option("--password", default=None, help="Asked for when not given.")
@click.option(
    "--users",
    "users_file",
    type=click.Path(path_type=Path),
    default=None,
    help="The users file (default ASKCASES_USERS).",
)
@_reports_errors
def adduser_command(name: str, role: str, password: str | None, users_file: Path | None) -> None:
    """Add a user who may sign in to the web chat (admins may also add and remove articles)."""
    from askcases.errors import UsageError
    from askcases.users import add_user

    settings = _settings(users_file=users_file)
    if settings.users_file is None:
        raise UsageError("say where the users file is: --users FILE or ASKCASES_USERS")
    add_user(settings.users_file, name, role, password)
    click.echo(f"{name} ({role}) can now sign in; users file: {settings.users_file}")


@main.command("outcomes")
@click.option("--measure", default=None, help="Only this measure (e.g. 'hospital stay').")
@click.option("--place", default=None, help="Only outcomes in this place (a part of its name).")
@click.option("--doc", "doc_ids", multiple=True, help="Only this document id (repeatable).")
@click.option(
    "--csv",
    "csv_out",
    type=click.Path(path_type=Path),
    default=None,
    help="Write the rows to this CSV file.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the rows as JSON.")
@_index_option
@_chroma_option
@_reports_errors
def outcomes_command(
    measure: str | None,
    place: str | None,
    doc_ids: tuple[str, ...],
    csv_out: Path | None,
    as_json: bool,
    index_dir: Path | None,
    chroma_url: str | None,
) -> None:
    """Every quantified outcome in the case studies, with the sentence that reports it."""
    import csv

    from askcases.embeddings import MiniLMEmbeddings
    from askcases.index import IndexStore
    from askcases.outcomes import FIELDS, describe_change, filter_outcomes

    settings = _settings(index_dir=index_dir, chroma_url=chroma_url)
    store = IndexStore(settings, MiniLMEmbeddings(settings.precision))
    rows = filter_outcomes(store.outcomes(), measure=measure, place=place, doc_ids=doc_ids)
    columns = ["doc_id", *FIELDS, "start", "end", "sentence"]
    if csv_out is not None:
        with csv_out.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.DictWriter(handle, fieldnames=columns, extrasaction="ignore")
            writer.writeheader()
            writer.writerows(rows)
        click.echo(f"wrote {len(rows)} outcomes to {csv_out}")
    elif as_json:
        click.echo(json.dumps(rows, ensure_ascii=False, indent=1))
    else:
        for r in rows:
            period = f" {r['period']}" if r["period"] else ""
            click.echo(
                f"{r['place']} · {r['service']} · {r['measure']}: {r['direction'] or 'level'} "
                f"{describe_change(r)}{period} ({r['doc_id']} {r['start']}-{r['end']})"
            )
        click.echo(f"{len(rows)} outcomes")
