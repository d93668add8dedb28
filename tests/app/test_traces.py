"""Traces, "why this answer", the gaps report and the patient-data guard, on the real model and
a real index of the five articles."""

from __future__ import annotations

import csv
import json
import re
import shutil
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from click.testing import CliRunner

from askcases.app.cli import main
from askcases.app.feedback import FeedbackStore
from askcases.app.gaps import find_gaps
from askcases.app.traces import TraceStore, with_feedback, write_csv
from askcases.config import Settings
from askcases.qa.assistant import Assistant

NHS = "943 476 5919"


def _holds_nhs(text: str) -> bool:
    """Whether the test's NHS number is in the text, however it was spaced (JSON included)."""
    return re.search(r"943(?:\s|\\t|-)*476(?:\s|\\t|-)*5919", text) is not None


STAGES = {
    "reading",
    "question embedding",
    "dense search",
    "keyword search",
    "fusion",
    "sentence scoring",
    "verification",
}


def test_a_trace_shows_each_retrievers_ranks_and_why_the_sentence_was_chosen(
    assistant: Assistant,
) -> None:
    answer = assistant.ask("Who runs the community DVT clinics in BNSSG?")
    trace = answer.trace
    assert trace is not None and not answer.refused
    assert STAGES <= {s["name"] for s in trace["stages"]}
    assert all(s["ms"] >= 0 for s in trace["stages"])
    cited = answer.citations[0]
    passage = next(c for c in trace["candidates"] if c.get("final_rank") == cited.passage)
    assert passage["doc_id"] == cited.doc_id
    assert passage["dense_rank"] >= 1 and passage["keyword_rank"] >= 1
    assert passage["best_sentence_score"] > 0
    chosen = [s for s in trace["sentences"] if s["chosen"]]
    runners = [s for s in trace["sentences"] if not s["chosen"]]
    assert chosen[0]["text"] == cited.quote and runners
    assert chosen[0]["score"] >= max(r["score"] for r in runners) - 0.1
    assert "names who does it" in chosen[0]["why"]
    assert trace["refusal"]["p_answerable"] >= trace["refusal"]["threshold"]


def test_a_refusal_says_why_in_its_trace(assistant: Assistant) -> None:
    answer = assistant.ask("Who runs the podiatry clinics in Leeds?")
    assert answer.refused and answer.trace is not None
    assert answer.trace["refused"] and "Leeds" in answer.trace["reason"]


def test_traces_are_kept_filtered_exported_and_linked_to_feedback(
    assistant: Assistant, tmp_path: Path
) -> None:
    store = TraceStore(tmp_path, days=30)
    answered = assistant.ask("How much did Wigan save a year?")
    refused = assistant.ask("How many toenails were cut in Leeds?")
    store.record(answered, "sam", "web")
    store.record(refused, "", "api")
    feedback = FeedbackStore(tmp_path)
    feedback.record(answered.to_json(), -1, "=HYPERLINK(1) wrong year")
    rows = with_feedback(store.rows(), feedback.recent(limit=-1))
    assert [r["question"] for r in rows] == [refused.question, answered.question]
    assert [r["trace_id"] for r in store.rows(refused=True)] == [refused.trace_id]
    linked = next(r for r in rows if r["trace_id"] == answered.trace_id)
    assert linked["username"] == "sam" and linked["feedback"][0]["rating"] == -1
    assert linked["trace"]["candidates"][0]["fused_rank"] == 1
    out = tmp_path / "traces.csv"
    assert write_csv(rows, out) == 2
    lines = list(csv.DictReader(out.open(encoding="utf-8")))
    assert lines[1]["feedback"].startswith("'-1 =HYPERLINK")  # no cell a spreadsheet would run
    assert "dense search" in lines[1]["stage_ms"]
    tomorrow = (datetime.now(UTC) + timedelta(days=1)).date()
    assert store.rows(since=tomorrow) == []


def test_old_traces_are_gone_after_the_next_start(
    built_settings: Settings, assistant: Assistant, tmp_path: Path
) -> None:
    index = tmp_path / "index"
    store = TraceStore(index, days=30)
    store.record(assistant.ask("How much did Wigan save a year?"), wait=True)
    old = (datetime.now(UTC) - timedelta(days=31)).isoformat(timespec="seconds")
    with sqlite3.connect(index / "traces.sqlite3") as db:
        db.execute("UPDATE traces SET created_at = ?", (old,))
    store.record(assistant.ask("How many people in Plymouth have diabetes?"), wait=True)
    result = CliRunner().invoke(main, ["traces", "--json", "--index", str(index)])
    assert result.exit_code == 0, result.output
    kept = json.loads(result.stdout)
    assert [r["question"] for r in kept] == ["How many people in Plymouth have diabetes?"]
    result = CliRunner().invoke(
        main, ["traces", "--index", str(index)], env={"ASKCASES_TRACE_DAYS": "0"}
    )
    assert "0 traces (kept 0 days)" in result.stdout


def test_ask_explain_prints_the_candidates_and_json_carries_the_trace(
    built_settings: Settings,
) -> None:
    where = ["--index", str(built_settings.index_dir), "--corpus", str(built_settings.corpus_dir)]
    question = "Who runs the community DVT clinics in BNSSG?"
    result = CliRunner().invoke(main, ["ask", question, "--explain", *where])
    assert result.exit_code == 0, result.output
    assert "Why this answer" in result.stdout
    assert "dense (cosine)" in result.stdout and "keyword (bm25)" in result.stdout
    assert "dense + keyword" in result.stdout and "chosen" in result.stdout
    assert "Refusal: Answered." in result.stdout and "dense search" in result.stdout
    result = CliRunner().invoke(main, ["ask", question, "--json", *where])
    data = json.loads(result.stdout)
    assert data["trace"]["trace_id"] == data["trace_id"]
    assert data["trace"]["candidates"][0]["dense_rank"] >= 1


def test_refused_questions_about_one_missing_topic_form_one_gap(
    assistant: Assistant, embeddings: object, tmp_path: Path
) -> None:
    store = TraceStore(tmp_path, days=30)
    for question in (
        "How many toenails did the Leeds nail clinic cut?",
        "how many patients had their toenails cut at the nail clinic in Leeds",
        "What did the Doncaster fracture clinic cost?",
    ):
        answer = assistant.ask(question)
        assert answer.refused
        store.record(answer)
    gaps = find_gaps(store.rows(), [], assistant.embeddings, assistant.store)
    sizes = sorted(len(g.questions) for g in gaps)
    assert sizes == [1, 2]
    toenails = next(g for g in gaps if len(g.questions) == 2)
    assert "toenails" in toenails.representative and not toenails.resolved
    assert toenails.first_asked <= toenails.last_asked


def test_a_gap_is_resolved_once_questions_like_it_get_answers(
    assistant: Assistant, tmp_path: Path
) -> None:
    store = TraceStore(tmp_path, days=30)
    refused = assistant.ask("how much did the stroke redesign in wigna save")
    store.record(refused)
    rows = store.rows()
    rows[0]["refused"] = True  # as the library stood before the article was added
    assert find_gaps(rows, [], assistant.embeddings)[0].resolved is False
    store.record(assistant.ask("How much did the Wigan stroke redesign save a year?"))
    later = store.rows()
    later[-1]["refused"] = True
    gap = find_gaps(later, [], assistant.embeddings)[0]
    assert gap.resolved and "Wigan" in gap.resolved_by


def test_a_question_with_an_nhs_number_is_answered_and_the_number_kept_nowhere(
    assistant: Assistant, tmp_path: Path
) -> None:
    answer = assistant.ask(f"My patient {NHS} had a stroke: how much did Wigan save a year?")
    assert not answer.refused and "£700,000" in answer.answer
    assert answer.question.startswith("My patient [NHS number] had a stroke")
    assert "NHS number you typed was not kept" in answer.privacy_note
    TraceStore(tmp_path, days=30).record(answer, "sam", "web", wait=True)
    FeedbackStore(tmp_path).record(answer.to_json(), 1, f"thanks, re {NHS}")
    digits = NHS.replace(" ", "")
    assert NHS not in json.dumps(answer.to_json()) and digits not in json.dumps(answer.to_json())
    for path in tmp_path.iterdir():
        data = path.read_bytes()
        assert NHS.encode() not in data and digits.encode() not in data, path.name


def _copy(built_settings: Settings, tmp_path: Path) -> Settings:
    shutil.copytree(built_settings.index_dir, tmp_path / "index")
    return built_settings.replace(index_dir=tmp_path / "index")


def test_identifiers_in_earlier_questions_are_masked_before_a_follow_up_carries_them(
    assistant: Assistant,
) -> None:
    answer = assistant.ask(
        "and how many clinics are there?",
        history=["DVT clinics for patient 943 476 5919 at BS1 3NX, who runs them?"],
    )
    assert answer.resolved_question != answer.question  # read as a follow-up
    assert not _holds_nhs(json.dumps(answer.to_json())) and "3NX" not in answer.resolved_question
    assert answer.privacy == ("nhs_number", "postcode")


def test_the_chat_and_the_conversation_file_show_the_question_as_kept(
    built_settings: Settings, embeddings: Any, tmp_path: Path
) -> None:
    from askcases.app.web import WebApp

    web = WebApp(Assistant(_copy(built_settings, tmp_path), embeddings))
    *_, (_, chat, asked, answer) = web.respond(
        "patient 943  476\t5919: how much did Wigan save?", [], [], "", "", None
    )
    assert chat[0]["content"].startswith("patient \\[NHS number\\]")
    assert not _holds_nhs(json.dumps([chat, asked, answer]))
    talk = tmp_path / "talk.jsonl"
    where = ["--index", str(tmp_path / "index"), "--corpus", str(built_settings.corpus_dir)]
    result = CliRunner().invoke(
        main, ["ask", f"patient {NHS}: how much did Wigan save?", "--history", str(talk), *where]
    )
    assert result.exit_code == 0, result.output
    assert not _holds_nhs(talk.read_text("utf-8")) and "[NHS number]" in talk.read_text("utf-8")


def test_an_unwritable_trace_store_costs_a_warning_not_the_answer(
    built_settings: Settings, tmp_path: Path
) -> None:
    settings = _copy(built_settings, tmp_path)
    kept = settings.index_dir / "traces.sqlite3"
    kept.unlink(missing_ok=True)
    kept.mkdir()  # a directory where the database goes
    where = ["--index", str(settings.index_dir), "--corpus", str(settings.corpus_dir)]
    result = CliRunner().invoke(main, ["ask", "How much did Wigan save a year?", *where])
    assert result.exit_code == 0, result.output
    assert "£700,000" in result.stdout
    assert "warning: the trace of this question was not kept" in result.stderr


def test_a_question_the_back_end_fails_on_is_traced_with_the_error(
    built_settings: Settings, embeddings: Any, tmp_path: Path
) -> None:
    from askcases.app.servers import free_port
    from askcases.app.web import WebApp

    settings = _copy(built_settings, tmp_path).replace(
        llm="openai", model="m", base_url=f"http://127.0.0.1:{free_port()}/v1"
    )
    web = WebApp(Assistant(settings, embeddings))
    reply = web.ask_json("Who runs the community DVT clinics in BNSSG?", username="sam")
    assert "the openai back-end failed" in reply["error"]
    kept = web.traces.rows()[0]
    assert kept["refused"] and kept["reason"].startswith("error: the openai back-end failed")
    assert "dense search" in {s["name"] for s in kept["trace"]["stages"]}
    assert kept["username"] == "sam" and kept["source"] == "api"


def test_a_thumbs_down_on_a_refusal_counts_once_in_its_gap(
    assistant: Assistant, tmp_path: Path
) -> None:
    store = TraceStore(tmp_path, days=30)
    refused = assistant.ask("How many toenails did the Leeds nail clinic cut?")
    store.record(refused)
    feedback = FeedbackStore(tmp_path)
    feedback.record(refused.to_json(), -1, "we need this")
    gaps = find_gaps(store.rows(), feedback.recent(limit=-1), assistant.embeddings)
    assert [len(g.questions) for g in gaps] == [1]
