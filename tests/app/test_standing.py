"""A newer article about the same service and place supersedes the older one; an article that
warns of its own currency says so beside the answer; a question about what was achieved is told
when the articles give only a projection; --as-of answers from the library as it stood then."""

from __future__ import annotations

import json
import shutil
from typing import Any

import pytest
from click.testing import CliRunner
from conftest import CORPUS, make_settings

from askcases.app.cli import main
from askcases.config import Settings
from askcases.qa.assistant import Assistant
from askcases.store.sync import sync_index

OLDER = "bnssg-community-dvt-service-2020"
NEWER = "bnssg-dvt-service-update-2024"
UPDATE = """Community DVT service expands to twelve centres

14 March 2024

The community deep vein thrombosis (DVT) service in Bristol, North Somerset and South \
Gloucestershire (BNSSG) now runs from 12 specialist treatment centres, up from eight when it \
opened in 2019.

The centres are run by GP Care on behalf of the BNSSG Integrated Care Board. Patients are seen \
within 24 hours of referral by their GP.
"""
CENTRES = "How many treatment centres does the BNSSG DVT service have?"


@pytest.fixture(scope="module")
def updated(tmp_path_factory: pytest.TempPathFactory, embeddings: Any) -> Settings:
    """The five articles and a 2024 update of the 2020 BNSSG DVT article, indexed."""
    tmp = tmp_path_factory.mktemp("updated")
    shutil.copytree(CORPUS, tmp / "corpus")
    (tmp / "corpus" / f"{NEWER}.txt").write_text(UPDATE, encoding="utf-8")
    settings = make_settings(tmp)
    sync_index(settings, embeddings, quiet=True)
    return settings


def _where(settings: Settings) -> list[str]:
    return ["--index", str(settings.index_dir), "--corpus", str(settings.corpus_dir)]


def test_an_older_citation_is_marked_superseded_and_the_newer_one_comes_first(
    updated: Settings, embeddings: Any
) -> None:
    result = CliRunner().invoke(main, ["ask", CENTRES, "--json", *_where(updated)])
    assert result.exit_code == 0, result.output
    answer = json.loads(result.stdout)
    docs = [c["doc_id"] for c in answer["citations"]]
    assert docs[:2] == [NEWER, OLDER], docs
    assert answer["citations"][0]["superseded_by"] is None
    assert answer["citations"][1]["superseded_by"] == {
        "doc_id": NEWER,
        "title": "Community DVT service expands to twelve centres",
        "date": "2024-03-14",
    }
    older_passages = [p for p in answer["passages"] if p["doc_id"] == OLDER]
    assert older_passages and all(p["superseded_by"] == NEWER for p in older_passages)
    assert next(p for p in answer["passages"] if p["doc_id"] == NEWER)["boost"] > 0

    shown = CliRunner().invoke(main, ["ask", CENTRES, *_where(updated)]).stdout
    older_source = shown[shown.index(f"({OLDER})") :]
    assert "a newer article covers this: [1]" in older_source

    from askcases.app.web import WebApp

    web = WebApp(Assistant(updated, embeddings))
    *_, (_, chat, _, _) = web.respond(CENTRES, [], [], "", "", None)
    shown_in_chat = "\n".join(str(m["content"]) for m in chat)
    assert "a newer article covers this: \\[1\\]" in shown_in_chat
    library = {row[4]: row for row in web.library_rows()}
    assert library[OLDER][3] == NEWER and library[NEWER][3] == ""
    assert library[OLDER][2] >= 6  # its age in years


def test_as_of_a_date_answers_from_the_library_as_it_stood_then(
    updated: Settings, embeddings: Any
) -> None:
    result = CliRunner().invoke(
        main, ["ask", CENTRES, "--json", "--as-of", "2022-12-31", *_where(updated)]
    )
    assert result.exit_code == 0, result.output
    answer = json.loads(result.stdout)
    assert {c["doc_id"] for c in answer["citations"]} == {OLDER}
    assert answer["citations"][0]["superseded_by"] is None  # nothing newer existed then
    assert "eight specialist treatment centres" in answer["answer"]
    bad = CliRunner().invoke(main, ["ask", CENTRES, "--as-of", "last spring", *_where(updated)])
    assert bad.exit_code != 0 and "not a year or date" in bad.output

    from askcases.app.web import WebApp

    web = WebApp(Assistant(updated, embeddings))
    *_, (_, chat, _, shown) = web.respond(CENTRES, [], [], "", "", None, None, None, "2022-12-31")
    assert {c["doc_id"] for c in shown["citations"]} == {OLDER}
    assert "a newer article covers this" not in "\n".join(str(m["content"]) for m in chat)


def test_an_article_that_warns_of_its_own_currency_says_so_beside_the_answer(
    built_settings: Settings,
) -> None:
    question = "How many patients with diabetes are there in Plymouth?"
    result = CliRunner().invoke(main, ["ask", question, "--json", *_where(built_settings)])
    answer = json.loads(result.stdout)
    plymouth = [c for c in answer["citations"] if c["doc_id"].startswith("sentinel-plymouth")]
    assert plymouth and any(
        "may not reflect the current policy" in n for n in plymouth[0]["currency"]
    )
    shown = CliRunner().invoke(main, ["ask", question, *_where(built_settings)]).stdout
    assert "the article says of itself: “The outcomes of this exercise" in shown


def test_an_achieved_question_answered_by_a_projection_says_so(built_settings: Settings) -> None:
    question = "How much did the Bath heart failure blood test save?"
    result = CliRunner().invoke(main, ["ask", question, "--json", *_where(built_settings)])
    answer = json.loads(result.stdout)
    assert answer["answer"].startswith("The article gives only a projection: ")
    assert "£60,000" in answer["answer"] and answer["answer"].rstrip().endswith("[1]")
    assert answer["citations"][0]["status"] == "projected"
    assert answer["citations"][0]["qualifier"] == "up to"
    assert not answer["grounding"]["unsupported_numbers"]
    assert all(s["supported"] for s in answer["grounding"]["sentences"])
    expected = CliRunner().invoke(
        main, ["ask", "How much will the Bath blood test save?", "--json", *_where(built_settings)]
    )
    assert "only a projection" not in json.loads(expected.stdout)["answer"]


def test_the_projection_lead_leaves_a_short_quote_verbatim(embeddings: Any) -> None:
    from askcases.qa.grounding import GroundingVerifier

    verifier = GroundingVerifier(embeddings, 0.675)
    passage = "It will save £9,000. The clinic opened in May."
    assert (
        verifier.support("The article gives only a projection: It will save £9,000.", passage)
        == 1.0
    )
    assert verifier.support("The article gives only a projection: It saved £9,000.", passage) < 1.0


def test_a_word_export_survives_control_characters_and_tags_nothing_it_did_not_read(
    tmp_path: Any,
) -> None:
    from docx import Document

    from askcases.app.export_docx import business_case_docx
    from askcases.app.render import AnswerView
    from askcases.types import Citation

    quote = "It will\x02 save £9,000."
    view = AnswerView(
        "How much? \x07",
        "",
        f"{quote} [1]",
        False,
        [Citation(1, "d", "T\x01", "2020-01-02", quote, 0, 10, 1)],
        [],
        None,
        "llamacpp",
        1.0,
        [],
    )
    out = business_case_docx(view, tmp_path / "a.docx")
    text = [p.text for p in Document(str(out)).paragraphs]
    assert "Question: How much? " in text
    assert not any("[achieved]" in p or "[projected" in p for p in text)  # status never read
