"""The business-case export as a Word document: it opens, holds the question, the answer with
each sentence's claim status, and numbered references with their notes; rendered to PNG by
LibreOffice and pdftoppm so its look is checked (tests/artifacts/business-case.png)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from askcases.app.cli import main
from askcases.config import Settings

ARTIFACTS = Path(__file__).parent / "artifacts"


def _where(settings: Settings) -> list[str]:
    return ["--index", str(settings.index_dir), "--corpus", str(settings.corpus_dir)]


def _paragraphs(path: Path) -> list[str]:
    from docx import Document

    return [p.text for p in Document(str(path)).paragraphs]


def _exported(settings: Settings, question: str, out: Path) -> list[str]:
    """The paragraphs of the Word document `askcases ask --docx` writes for the question."""
    result = CliRunner().invoke(main, ["ask", question, "--docx", str(out), *_where(settings)])
    assert result.exit_code == 0, result.output
    return _paragraphs(out)


def test_the_word_export_holds_the_answer_its_status_and_its_references(
    built_settings: Settings, tmp_path: Path
) -> None:
    question = "How much did the Bath heart failure blood test save?"
    text = _exported(built_settings, question, tmp_path / "bath.docx")
    assert any(p == f"Question: {question}" for p in text)
    answer = [p for p in text if p.startswith("The article gives only a projection:")]
    assert answer and answer[0].endswith("[1]  [projected, up to]")
    refs = [p for p in text if p.startswith("[1] ")]
    assert refs and "gp-led-health-services-benefits" in refs[0]
    quotes = [p for p in text if p.startswith("“") and "£60,000" in p]
    assert quotes and quotes[0].endswith("[projected, up to]")


def test_an_old_answers_word_export_carries_the_stale_and_currency_notes(
    built_settings: Settings, tmp_path: Path
) -> None:
    question = "How many people will the GP pathfinders cover?"
    text = "\n".join(_exported(built_settings, question, tmp_path / "old.docx"))
    assert "⚠ Every source of this answer is over 5 years old" in text
    assert "4 April 2011, 15 years ago" in text or "4 April 2011, 16 years ago" in text
    unwritable = tmp_path / "missing" / "dir"
    unwritable.parent.write_text("a file where a folder should be", encoding="utf-8")
    bad = CliRunner().invoke(
        main, ["ask", question, "--docx", str(unwritable / "x.docx"), *_where(built_settings)]
    )
    assert bad.exit_code != 0 and "choose another path" in bad.output


@pytest.mark.slow  # LibreOffice and pdftoppm
@pytest.mark.skipif(
    not (shutil.which("soffice") and shutil.which("pdftoppm")),
    reason="LibreOffice and pdftoppm are not installed (make test installs them)",
)
def test_the_word_export_renders_as_a_page(built_settings: Settings, tmp_path: Path) -> None:
    from PIL import Image

    out = tmp_path / "wigan.docx"
    result = CliRunner().invoke(
        main,
        ["ask", "How much did Wigan save a year?", "--docx", str(out), *_where(built_settings)],
    )
    assert result.exit_code == 0, result.output
    profile = f"-env:UserInstallation=file://{tmp_path / 'lo-profile'}"
    subprocess.run(
        ["soffice", profile, "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path), out],
        check=True,
        capture_output=True,
        timeout=180,
    )
    pdf = tmp_path / "wigan.pdf"
    subprocess.run(
        ["pdftoppm", "-png", "-r", "80", "-f", "1", "-l", "1", "-singlefile", pdf, tmp_path / "p"],
        check=True,
        capture_output=True,
        timeout=60,
    )
    page = Image.open(tmp_path / "p.png").convert("L")
    width, height = page.size
    assert 0.6 < width / height < 0.85  # a portrait page
    ink = sum(page.histogram()[:128]) / (width * height)
    assert 0.005 < ink < 0.2, ink  # words on it, not a blank or black page
    top = page.crop((0, 0, width, height // 3))
    assert sum(top.histogram()[:128]) > 0  # the heading and question at the top
    ARTIFACTS.mkdir(exist_ok=True)
    shutil.copy(tmp_path / "p.png", ARTIFACTS / "business-case.png")
