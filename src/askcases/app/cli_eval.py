"""`askcases eval`: the evaluation sets and the fitting of the refusal model and grounding
threshold, one subcommand each.

    askcases eval questions [--questions FILE] [--json OUT] [--check THRESHOLDS]
    askcases eval outcomes [--labels FILE] [--json OUT]
    askcases eval grounding [--pairs FILE] [--calibrate]
    askcases eval compare [--questions FILE] [--json OUT] [--ablation]
    askcases eval calibrate [--questions FILE]

`askcases eval` with no subcommand runs `eval questions`; its old mode flags (--compare,
--calibrate, --outcomes, --grounding) still work for this release and say what replaces them.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from askcases.app.cli_options import (
    filter_options,
    llm_options,
    path_option,
    settings_from,
    where_options,
    write_json_file,
)

_questions_option = path_option(
    "--questions",
    "questions_file",
    "Questions in the eval/questions.jsonl format (default: eval/questions.jsonl).",
)
_json_option = path_option(
    "--json", "json_out", "Write the figures (and per-question rows) to this file."
)
_check_option = path_option(
    "--check", "thresholds_file", "Fail (exit 1) when a figure misses a threshold in this file."
)
_k_option = click.option("--k", type=int, default=None, help="Passages to retrieve per question.")


def run_questions(
    questions_file: Path | None,
    json_out: Path | None,
    thresholds_file: Path | None,
    since: str | None,
    until: str | None,
    doc_ids: tuple[str, ...],
    calibrate_first: bool = False,
    as_of: str | None = None,
    **flags: Any,
) -> None:
    from askcases.evaluation import questions as evaluation
    from askcases.filters import make_filters
    from askcases.qa.assistant import Assistant

    settings = settings_from(**flags)
    filters = make_filters(since, until, doc_ids, as_of)
    questions = evaluation.load_questions(questions_file or evaluation.default_questions_file())
    assistant = Assistant(settings)
    assistant.check()
    if calibrate_first:
        _calibrate(assistant, questions)
    report = evaluation.run_eval(assistant, questions, filters=filters)
    click.echo(evaluation.format_report(report))
    if json_out is not None:
        write_json_file(json_out, report)
    if thresholds_file is not None:
        evaluation.check_thresholds(report, thresholds_file)
        click.echo(f"all figures meet {thresholds_file}")


def _calibrate(assistant: Any, questions: list[dict[str, Any]]) -> None:
    from askcases.config import REFUSAL_MODEL_FILE
    from askcases.evaluation.calibrate import calibrate

    target = assistant.settings.refusal_model or assistant.settings.index_dir / REFUSAL_MODEL_FILE
    fitted = calibrate(assistant, questions, target)
    click.echo(
        f"refusal model fitted on {fitted.fitted_on}, threshold {fitted.threshold}; "
        f"saved to {target}"
    )


def run_outcomes(
    labels_file: Path | None,
    json_out: Path | None,
    thresholds_file: Path | None = None,
    **flags: Any,
) -> None:
    from askcases.config import project_root
    from askcases.embedding.minilm import MiniLMEmbeddings
    from askcases.evaluation.outcomes import format_scores, load_gold, score_outcomes
    from askcases.store.index_store import IndexStore

    settings = settings_from(**flags)
    store = IndexStore(settings, MiniLMEmbeddings.from_settings(settings))
    gold_file = labels_file or project_root() / "eval" / "outcomes.jsonl"
    scores = score_outcomes(store.outcomes(), load_gold(gold_file))
    click.echo(format_scores(scores))
    if json_out is not None:
        write_json_file(json_out, scores)
    if thresholds_file is not None:
        from askcases.evaluation.outcomes import check_outcome_thresholds

        check_outcome_thresholds(scores, thresholds_file)
        click.echo(f"all figures meet {thresholds_file}")


def run_grounding(pairs_file: Path | None, calibrate: bool, **flags: Any) -> None:
    from askcases.config import GROUNDING_THRESHOLD_FILE
    from askcases.embedding.minilm import MiniLMEmbeddings
    from askcases.evaluation.grounding import default_pairs_file, grounding_check
    from askcases.qa.grounding import GroundingVerifier, load_threshold

    settings = settings_from(**flags)
    verifier = GroundingVerifier(
        MiniLMEmbeddings.from_settings(settings),
        load_threshold(settings.fitted_file(GROUNDING_THRESHOLD_FILE)),
    )
    target = settings.index_dir / GROUNDING_THRESHOLD_FILE if calibrate else None
    result = grounding_check(verifier, pairs_file or default_pairs_file(), target)
    for key, value in result.items():
        click.echo(f"{key:<20} {value:.3f}" if isinstance(value, float) else f"{key:<20} {value}")
    if target is not None:
        click.echo(f"threshold saved to {target}")


def run_compare(
    questions_file: Path | None,
    json_out: Path | None,
    since: str | None,
    until: str | None,
    doc_ids: tuple[str, ...],
    ablation: bool = False,
    as_of: str | None = None,
    **flags: Any,
) -> None:
    from askcases.evaluation.comparison import (
        ablation as run_ablation,
    )
    from askcases.evaluation.comparison import (
        compare_retrievers,
        format_ablation,
        format_comparison,
    )
    from askcases.evaluation.questions import default_questions_file, load_questions
    from askcases.filters import make_filters
    from askcases.qa.assistant import Assistant

    settings = settings_from(**flags)
    questions = load_questions(questions_file or default_questions_file())
    assistant = Assistant(settings)
    assistant.check()
    filters = make_filters(since, until, doc_ids, as_of)
    if ablation:
        table = run_ablation(assistant, questions, filters)
        click.echo(format_ablation(table))
    else:
        table = compare_retrievers(assistant, questions, filters)
        click.echo(format_comparison(table))
    if json_out is not None:
        write_json_file(json_out, table)


_DEPRECATED = {
    "compare": "askcases eval compare",
    "calibrate": "askcases eval calibrate",
    "outcomes_check": "askcases eval outcomes",
    "grounding": "askcases eval grounding",
}


@click.group("eval", invoke_without_command=True)
@_questions_option
@_json_option
@_check_option
@click.option("--compare", is_flag=True, hidden=True)
@click.option("--calibrate", is_flag=True, hidden=True)
@click.option("--outcomes", "outcomes_check", is_flag=True, hidden=True)
@click.option("--grounding", is_flag=True, hidden=True)
@_k_option
@filter_options
@llm_options
@where_options
@click.pass_context
def eval_group(
    ctx: click.Context,
    /,
    compare: bool,
    calibrate: bool,
    outcomes_check: bool,
    grounding: bool,
    **options: Any,
) -> None:
    """Evaluate askcases; without a subcommand, the same as `eval questions`."""
    if ctx.invoked_subcommand is not None:
        early = [k for k, v in options.items() if v not in (None, (), False)]
        if early or compare or calibrate or outcomes_check or grounding:
            raise click.UsageError(
                f"options go after the subcommand: `askcases eval {ctx.invoked_subcommand} "
                "--index ...`, not `askcases eval --index ... " + ctx.invoked_subcommand + "`"
            )
        return
    modes = {"compare": compare, "calibrate": calibrate, "outcomes_check": outcomes_check}
    modes["grounding"] = grounding
    for name, chosen in modes.items():
        if chosen:
            click.echo(
                f"askcases: this form is deprecated and goes in the next release; "
                f"use `{_DEPRECATED[name]}`",
                err=True,
            )
    if outcomes_check:
        run_outcomes(options["questions_file"], options["json_out"], **_where(options))
    elif grounding:
        run_grounding(None, calibrate, **_where(options))
    elif compare:
        run_compare(**_without(options, "thresholds_file"))
    else:
        run_questions(**options, calibrate_first=calibrate)


def _where(options: dict[str, Any]) -> dict[str, Any]:
    return {k: options[k] for k in ("index_dir", "chroma_url", "corpus_dir")}


def _without(options: dict[str, Any], *names: str) -> dict[str, Any]:
    return {k: v for k, v in options.items() if k not in names}


@eval_group.command("questions")
@_questions_option
@_json_option
@_check_option
@_k_option
@filter_options
@llm_options
@where_options
def questions_command(**options: Any) -> None:
    """Answer every question of a set and print the figures (all, tuning, held-out)."""
    run_questions(**options)


@eval_group.command("outcomes")
@path_option("--labels", "labels_file", "Labelled outcomes (default: eval/outcomes.jsonl).")
@_json_option
@_check_option
@where_options
def outcomes_command(
    labels_file: Path | None, json_out: Path | None, thresholds_file: Path | None, **flags: Any
) -> None:
    """Score the outcomes table against hand-labelled outcomes."""
    run_outcomes(labels_file, json_out, thresholds_file, **flags)


@eval_group.command("grounding")
@path_option(
    "--pairs",
    "pairs_file",
    "Labelled sentence/passage pairs (default: eval/grounding_pairs.jsonl).",
)
@click.option(
    "--calibrate",
    is_flag=True,
    help="Refit the threshold on the tuning pairs and save it in the index directory.",
)
@where_options
def grounding_command(pairs_file: Path | None, calibrate: bool, **flags: Any) -> None:
    """Check the grounding verifier on labelled pairs."""
    run_grounding(pairs_file, calibrate, **flags)


@eval_group.command("compare")
@_questions_option
@_json_option
@click.option(
    "--ablation",
    is_flag=True,
    help="Compare answer figures with each way of matching by meaning turned off instead.",
)
@_k_option
@filter_options
@where_options
def compare_command(**options: Any) -> None:
    """Retrievers side by side: tutorial pipeline, dense, BM25, hybrid and askcases; with
    --ablation, answer figures with each way of matching by meaning turned off."""
    run_compare(**options)


@eval_group.command("calibrate")
@_questions_option
@_json_option
@_check_option
@_k_option
@filter_options
@llm_options
@where_options
def calibrate_command(**options: Any) -> None:
    """Fit the refusal model on the tuning part of the questions (saved in the index
    directory), then run the questions with it."""
    run_questions(**options, calibrate_first=True)
