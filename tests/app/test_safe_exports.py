"""Every CSV askcases writes (feedback, outcomes, traces, gaps, audit) opens in a spreadsheet with
no cell run as a formula, whatever staff typed or an uploaded article held: each file is opened
by Debian's LibreOffice Calc (headless) and its cells read back."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from askcases.app.cli import main
from askcases.config import Settings
from askcases.qa.assistant import Assistant
from askcases.store.sync import sync_index

pytestmark = [
    pytest.mark.slow,  # LibreOffice
    pytest.mark.skipif(
        shutil.which("soffice") is None, reason="LibreOffice is not installed (make test does)"
    ),
]
HOSTILE = [
    '=HYPERLINK("http://example.invalid","click")',
    "+1+1",
    "-2+3",
    "@SUM(1,2)",
    "\t=1+1",
    "\r=1+1",
]
ARTICLE = (
    "Exeter leg ulcer clinics\n\n12 January 2023\n\n"
    "@SUM(1,2) The Exeter clinics treated 350 patients in their first year.\n"
)


def _cells(csv_file: Path, tmp: Path) -> tuple[list[str], list[str]]:
    """(formulas, value types) of the file as LibreOffice Calc opens it."""
    profile = f"-env:UserInstallation=file://{tmp / 'lo-profile'}"
    subprocess.run(
        [
            "soffice",
            profile,
            "--headless",
            "--infilter=CSV:44,34,76,1",
            "--convert-to",
            "fods",
            "--outdir",
            str(tmp / "opened"),
            str(csv_file),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    xml = (tmp / "opened" / f"{csv_file.stem}.fods").read_text(encoding="utf-8")
    return re.findall(r'table:formula="([^"]*)"', xml), re.findall(
        r'office:value-type="(\w+)"', xml
    )


def test_a_raw_formula_would_run_so_the_check_can_fail(tmp_path: Path) -> None:
    raw = tmp_path / "raw.csv"
    raw.write_text('a,b\n"=HYPERLINK(""http://x"",""y"")",5\n', encoding="utf-8")
    formulas, types = _cells(raw, tmp_path)
    assert formulas and "float" in types


def test_no_export_holds_a_formula_and_numbers_stay_numbers(
    admin_library: Settings, embeddings: Any, tmp_path: Path
) -> None:
    from askcases.app.web import WebApp

    settings = admin_library
    (settings.corpus_dir / "exeter-leg-ulcers.txt").write_text(ARTICLE, encoding="utf-8")
    sync_index(settings, embeddings, quiet=True)
    web = WebApp(Assistant(settings, embeddings))
    for text in HOSTILE:
        answer = web.ask_json(f"{text} How many toenails did the Leeds nail clinic cut?")
        web.give_feedback(answer, -1, f"{text} wrong", "ada")
        assert web.signin is not None and not web.signin.check(text.strip(), "guess")
    web.traces.flush()
    where = ["--index", str(settings.index_dir)]
    exports = {
        "feedback": ["feedback", "--csv"],
        "outcomes": ["outcomes", "--csv"],
        "traces": ["traces", "--csv"],
        "gaps": ["gaps", "--corpus", str(settings.corpus_dir), "--csv"],
        "audit": ["audit", "--csv"],
    }
    for name, command in exports.items():
        out = tmp_path / f"{name}.csv"
        result = CliRunner().invoke(main, [*command, str(out), *where])
        assert result.exit_code == 0, (name, result.output)
        text = out.read_text(encoding="utf-8")
        assert any(h.strip()[:5] in text for h in HOSTILE) or "@SUM" in text, name
        formulas, types = _cells(out, tmp_path)
        assert formulas == [], (name, formulas[:3])
        if name in ("feedback", "outcomes", "traces", "audit"):
            assert "float" in types, name  # ratings, offsets, times and flags stay numbers
