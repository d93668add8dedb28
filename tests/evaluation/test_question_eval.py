import json
import shutil
from pathlib import Path

import pytest
from conftest import WIGAN_QUESTION

from askcases.config import Settings
from askcases.errors import EvalGateError, UsageError
from askcases.evaluation.questions import (
    check_thresholds,
    cited_sentences,
    evidence_hits,
    facts_hold,
    load_questions,
    percentile,
    run_eval,
)
from askcases.qa.assistant import Assistant

REPO = Path(__file__).resolve().parents[2]


def test_evidence_hits_fold_case_and_whitespace_and_rank_the_first_hit() -> None:
    passages = ["nothing here", "It saved  £700,000\nper YEAR.", "also 56 days to 12 days"]
    recall, rr = evidence_hits(
        ["saved £700,000 per year", "56 days to 12 days", "absent"], passages
    )
    assert recall == pytest.approx(2 / 3)
    assert rr == pytest.approx(1 / 2)
    assert evidence_hits(["absent"], passages) == (0.0, 0.0)


def test_only_the_top_five_passages_count_for_recall() -> None:
    passages = ["a"] * 5 + ["the evidence"]
    assert evidence_hits(["the evidence"], passages) == (0.0, 0.0)


def test_facts_need_every_fact_by_any_alternative() -> None:
    assert facts_hold(["70 per cent|70%", "Newcastle"], "Newcastle cut admissions by 70%. [1]")
    assert not facts_hold(["70 per cent|70%", "Newcastle"], "Admissions fell by 70%. [1]")
    assert facts_hold([], "anything")


def test_citation_coverage_counts_sentences_with_markers() -> None:
    assert cited_sentences("One fact. [1] Another fact. [2]") == (2, 2)
    assert cited_sentences("One fact. [1] An uncited claim. A third. [2]") == (2, 3)


def test_percentile_interpolates() -> None:
    assert percentile([10, 20, 30, 40], 50) == 25
    assert percentile([5], 95) == 5
    assert percentile([], 50) == 0.0


def test_malformed_question_files_name_the_line(tmp_path: Path) -> None:
    path = tmp_path / "q.jsonl"
    path.write_text('{"id": "a", "question": "ok?"}\n{not json}\n', encoding="utf-8")
    with pytest.raises(UsageError, match=r"q.jsonl:2: not valid JSON"):
        load_questions(path)
    path.write_text('{"id": "a", "question": "ok?", "facts": "70%"}\n', encoding="utf-8")
    with pytest.raises(UsageError, match='"facts" must be a list'):
        load_questions(path)


def test_project_question_set_has_the_promised_shape() -> None:
    questions = load_questions(REPO / "eval" / "questions.jsonl")
    assert len(questions) >= 40
    assert sum(not q["answerable"] for q in questions) >= 8
    sources = {s for q in questions for s in q["sources"]}
    assert sources == {p.stem for p in (REPO / "corpus").glob("*.txt")}
    assert any(len(q["sources"]) > 1 for q in questions)
    assert len({q["id"] for q in questions}) == len(questions)


def test_eval_runs_any_question_file_and_gates_on_thresholds(
    assistant: Assistant, tmp_path: Path
) -> None:
    path = tmp_path / "mine.jsonl"
    rows = [
        WIGAN_QUESTION,
        {
            "id": "u",
            "question": "What is the capital of France?",
            "answerable": False,
            "sources": [],
            "evidence": [],
            "facts": [],
        },
    ]
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8")
    report = run_eval(assistant, load_questions(path), progress=False)
    assert report["n_questions"] == 2
    assert report["evidence_recall_at_5"] == 1.0
    assert report["fact_accuracy"] == 1.0 and report["refusal_accuracy"] == 1.0
    assert report["citation_coverage"] == 1.0
    assert [r["id"] for r in report["questions"]] == ["w", "u"]
    limits = tmp_path / "limits.json"
    limits.write_text(json.dumps({"mrr": {"min": 0.5}, "false_refusal_rate": {"max": 0.0}}))
    check_thresholds(report, limits)
    limits.write_text(json.dumps({"mrr": {"min": 1.01}}))
    with pytest.raises(EvalGateError, match="mrr 1.000 < 1.01"):
        check_thresholds(report, limits)


def test_calibration_saves_the_fitted_model_in_the_index_never_in_the_package(
    built_settings: Settings, tmp_path: Path
) -> None:
    from click.testing import CliRunner

    from askcases.app.cli import main
    from askcases.config import PACKAGE_DIR, REFUSAL_MODEL_FILE

    packaged = PACKAGE_DIR / "qa" / REFUSAL_MODEL_FILE
    before = packaged.read_bytes()
    index = tmp_path / "index"
    shutil.copytree(built_settings.index_dir, index)
    where = ["--index", str(index), "--corpus", str(built_settings.corpus_dir)]
    result = CliRunner().invoke(main, ["eval", "calibrate", *where])  # eval/questions.jsonl
    assert result.exit_code == 0, result.output
    fitted = json.loads((index / REFUSAL_MODEL_FILE).read_text(encoding="utf-8"))
    from askcases.qa.calibration import FEATURES

    assert fitted["format"] == "askcases-refusal/5" and fitted["features"] == FEATURES
    assert "tuning questions of 77" in fitted["fitted_on"]
    assert 0.2 <= fitted["threshold"] <= 0.7  # the least costly, each third held out in turn
    assert packaged.read_bytes() == before
    assert built_settings.replace(index_dir=index).refusal_model_file == index / REFUSAL_MODEL_FILE
