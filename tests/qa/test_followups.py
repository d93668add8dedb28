import json
from pathlib import Path

from click.testing import CliRunner

from askcases.app.cli import main
from askcases.config import Settings
from askcases.qa.assistant import Assistant
from askcases.qa.followups import is_followup, load_history, resolve_followup, resolved_questions


def test_a_follow_up_carries_the_subject_forward() -> None:
    resolved = resolve_followup("and how many are there?", ["DVT clinics — who runs them?"])
    assert resolved == "and how many are there (DVT clinics)?"


def test_what_about_swaps_the_place() -> None:
    previous = "By how much did Newcastle cut emergency respiratory admissions?"
    assert resolve_followup("What about Bedfordshire?", [previous]) == (
        "By how much did Bedfordshire cut emergency respiratory admissions?"
    )


def test_a_question_with_its_own_subject_stands_alone() -> None:
    assert not is_followup("How much did Wigan save?")
    assert resolve_followup("How much did Wigan save?", ["Who runs the DVT clinics?"]) == (
        "How much did Wigan save?"
    )
    assert resolve_followup("and how many are there?", []) == "and how many are there?"


def test_resolved_follow_up_is_answered_about_the_earlier_subject(assistant: Assistant) -> None:
    first = assistant.ask("DVT clinics — who runs them?")
    assert "GP Care" in first.answer
    follow = assistant.ask("and how many are there?", history=[str(first.resolved_question)])
    assert follow.question == "and how many are there?"
    assert "DVT" in str(follow.resolved_question)
    assert not follow.refused and "eight" in follow.answer


def test_cli_history_file_resolves_and_records_turns(
    built_settings: Settings, tmp_path: Path
) -> None:
    history = tmp_path / "conversation.jsonl"
    where = ["--index", str(built_settings.index_dir), "--history", str(history)]
    first = CliRunner().invoke(
        main, ["ask", "How much does the Wigan stroke redesign save?", *where]
    )
    assert first.exit_code == 0, first.output
    second = CliRunner().invoke(main, ["ask", "and how long is the hospital stay now?", *where])
    assert second.exit_code == 0, second.output
    assert "(read as: and how long is the hospital stay now (Wigan" in second.output
    assert "12 days" in second.output
    turns = load_history(history)
    assert [t["question"] for t in turns] == [
        "How much does the Wigan stroke redesign save?",
        "and how long is the hospital stay now?",
    ]
    assert resolved_questions(turns)[1].startswith("and how long is the hospital stay now (Wigan")


def test_history_may_be_a_json_array_of_questions(tmp_path: Path) -> None:
    path = tmp_path / "h.json"
    path.write_text(json.dumps(["Who runs the DVT clinics?", "and how many are there?"]))
    assert resolved_questions(load_history(path))[1] == ("and how many are there (DVT clinics)?")


def test_a_sentence_two_asks_quote_is_quoted_once_in_their_answer() -> None:
    from askcases.qa.assistant import _together
    from askcases.types import Answer, Citation, Passage

    passage = Passage(1, "faq#1", "faq", "Constipation clinic", None, "", 0, 400, 0.7)
    other = Passage(2, "audit#3", "audit", "Liver audit", None, "", 0, 400, 0.5)
    wait = "During 2024 the average wait for a first appointment was four and a half weeks."
    before = "Before the clinic opened, families waited an average of 31 weeks."

    def cite(n: int, quote: str, start: int, rank: int, doc: str) -> Citation:
        return Citation(n, doc, doc, None, quote, start, start + len(quote), rank)

    first = Answer("q1", f"{wait} [1]", False, [cite(1, wait, 10, 1, "faq")], [passage])
    second = Answer(
        "q2",
        f"{wait} [1] {before} [2]",
        False,
        [cite(1, wait, 10, 1, "faq"), cite(2, before, 200, 2, "audit")],
        [passage, other],
    )
    whole = Answer("q1 and q2", "", False, [], [passage])
    together = _together(whole, [first, second])
    assert together.answer == f"{wait} [1] {before} [2]"
    assert [c.n for c in together.citations] == [1, 2]


def test_the_date_a_later_ask_reads_from_today_is_kept_with_the_sentence_quoted_once() -> None:
    from askcases.qa.assistant import _together
    from askcases.types import Answer, Citation, Passage

    passage = Passage(1, "wave#1", "wave", "Fourth wave", None, "", 0, 400, 0.7)
    said = "The Health Secretary has today announced a fourth wave of pathfinders."
    cite = Citation(1, "wave", "wave", None, said, 10, 10 + len(said), 1)
    who = Answer("who", f"{said} [1]", False, [cite], [passage])
    when = Answer(
        "when", f"The article is dated 4 April 2011: {said} [1]", False, [cite], [passage]
    )
    whole = Answer("who and when", "", False, [], [passage])
    together = _together(whole, [who, when])
    assert together.answer == f"The article is dated 4 April 2011: {said} [1]"
    assert [c.n for c in together.citations] == [1]
