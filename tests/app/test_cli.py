import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import WIGAN_QUESTION

from askcases.app.cli import main
from askcases.config import Settings


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ASKCASES_")}
    return subprocess.run(
        [sys.executable, "-m", "askcases", *args],
        capture_output=True,
        text=True,
        timeout=300,
        env=env,
    )


@pytest.mark.slow  # two askcases processes
def test_index_then_ask_json_from_a_fresh_process(fresh_corpus: Settings) -> None:
    where = ["--corpus", str(fresh_corpus.corpus_dir), "--index", str(fresh_corpus.index_dir)]
    indexed = _run("index", *where)
    assert indexed.returncode == 0, indexed.stderr
    assert indexed.stdout.strip().startswith(
        "added 5, updated 0, removed 0, unchanged 0 documents; "
    )
    assert indexed.stdout.strip().endswith(" chunks")
    assert "embedding" in indexed.stderr  # the progress bar

    asked = _run("ask", "How much did Wigan save a year?", "--json", "--k", "3", *where)
    assert asked.returncode == 0, asked.stderr
    answer = json.loads(asked.stdout)
    assert {"answer", "refused", "citations", "passages"} <= answer.keys()
    assert answer["refused"] is False and "£700,000" in answer["answer"]
    assert len(answer["passages"]) == 3
    assert set(answer["citations"][0]) >= {"n", "doc_id", "title", "date", "quote", "start", "end"}


def test_ask_without_an_index_is_one_line_saying_what_to_do(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["ask", "anything?", "--index", str(tmp_path / "none")])
    assert result.exit_code == 1
    assert result.output.strip().count("\n") == 0
    assert "run `askcases index`" in result.output
    assert "Traceback" not in result.output


def test_index_paths_copy_articles_into_the_corpus(fresh_corpus: Settings, tmp_path: Path) -> None:
    article = tmp_path / "torbay-falls.md"
    article.write_text(
        "# Torbay falls service\n\nThe falls team visited 210 people at home.\n", "utf-8"
    )
    empty = tmp_path / "empty.txt"
    empty.write_text("", "utf-8")
    where = ["--corpus", str(fresh_corpus.corpus_dir), "--index", str(fresh_corpus.index_dir)]
    result = CliRunner().invoke(main, ["index", "-q", str(article), str(empty), *where])
    assert result.exit_code == 0, result.output
    assert (fresh_corpus.corpus_dir / "torbay-falls.md").exists()
    assert "skipped empty.txt: is empty" in result.output
    assert "added 6, updated 0, removed 0, unchanged 0 documents;" in result.output


def test_environment_chooses_the_directories(fresh_corpus: Settings) -> None:
    env = {
        "ASKCASES_CORPUS": str(fresh_corpus.corpus_dir),
        "ASKCASES_INDEX": str(fresh_corpus.index_dir),
    }
    result = CliRunner().invoke(main, ["index", "-q"], env=env)
    assert result.exit_code == 0, result.output
    assert (fresh_corpus.index_dir / "manifest.json").exists()


def test_ask_prints_answer_and_numbered_sources(built_settings: Settings) -> None:
    result = CliRunner().invoke(
        main,
        ["ask", "Who runs the DVT clinics in BNSSG?", "--index", str(built_settings.index_dir)],
    )
    assert result.exit_code == 0, result.output
    assert "GP Care" in result.output
    assert "Sources:" in result.output
    assert "[1] Community DVT service" in result.output
    assert "(bnssg-community-dvt-service-2020)" in result.output


def test_eval_with_a_bad_questions_file_exits_2(built_settings: Settings, tmp_path: Path) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text("[1, 2]\n", "utf-8")
    result = CliRunner().invoke(
        main, ["eval", "--questions", str(bad), "--index", str(built_settings.index_dir)]
    )
    assert result.exit_code == 2
    assert "bad.jsonl:1" in result.output


@pytest.mark.slow  # a subprocess
def test_help_does_not_load_the_heavy_libraries() -> None:
    code = (
        "import sys; from click.testing import CliRunner; from askcases.app.cli import main; "
        "r = CliRunner().invoke(main, ['--help']); assert r.exit_code == 0; "
        "print(sorted(m for m in ('torch', 'gradio', 'chromadb', 'sentence_transformers') "
        "if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"


@pytest.mark.parametrize("form", [["compare"], ["--compare"]], ids=["subcommand", "old-flag"])
def test_eval_compare_prints_one_row_per_retriever(
    built_settings: Settings, tmp_path: Path, form: list[str]
) -> None:
    questions = tmp_path / "q.jsonl"
    questions.write_text(
        json.dumps(WIGAN_QUESTION) + "\n",
        "utf-8",
    )
    result = CliRunner().invoke(
        main,
        [
            "eval",
            *form,
            "--questions",
            str(questions),
            "--index",
            str(built_settings.index_dir),
            "--corpus",
            str(built_settings.corpus_dir),
        ],
    )
    assert result.exit_code == 0, result.output
    rows = [line.split()[0] for line in result.stdout.strip().splitlines()[1:]]
    assert rows == ["tutorial", "dense", "bm25", "hybrid", "askcases"]
    assert "evidence_recall_at_3" in result.stdout.splitlines()[0]
    deprecated = "use `askcases eval compare`" in result.stderr
    assert deprecated == (form == ["--compare"])


def test_ask_filters_are_checked(built_settings: Settings) -> None:
    result = CliRunner().invoke(
        main,
        [
            "ask",
            "Wigan?",
            "--since",
            "2021",
            "--until",
            "2020",
            "--index",
            str(built_settings.index_dir),
        ],
    )
    assert result.exit_code == 2
    assert "is after --until" in result.output


def test_eval_compare_ablation_turns_each_way_of_matching_off(
    built_settings: Settings, tmp_path: Path
) -> None:
    questions = tmp_path / "q.jsonl"
    row = {**WIGAN_QUESTION, "question": "how much did wigna save"}
    questions.write_text(json.dumps(row) + "\n", "utf-8")
    where = ["--index", str(built_settings.index_dir), "--corpus", str(built_settings.corpus_dir)]
    result = CliRunner().invoke(
        main, ["eval", "compare", "--ablation", "--questions", str(questions), *where]
    )
    assert result.exit_code == 0, result.output
    rows = {
        line.split("  ")[0].strip(): line.split()[-3:] for line in result.stdout.splitlines()[1:]
    }
    assert set(rows) == {
        "all on",
        "no synonyms",
        "no definitions",
        "no spelling",
        "no acronyms",
        "no names",
        "no measures",
        "no forms",
        "no standing",
        "no places",
        "no topics",
        "no comparators",
        "no context",
        "no situation",
        "no asks",
        "all off",
    }
    fact = {name: float(values[0]) for name, values in rows.items()}
    assert fact["all on"] == 1.0 and fact["no spelling"] == 0.0  # the typo is what is read


def test_eval_options_before_the_subcommand_are_refused_with_the_right_form(
    built_settings: Settings,
) -> None:
    result = CliRunner().invoke(
        main, ["eval", "--index", str(built_settings.index_dir), "questions"]
    )
    assert result.exit_code == 2
    assert "options go after the subcommand: `askcases eval questions --index" in result.output
