"""Evidence a business case can stand on: a projection is marked as one, and an old source says
how old it is."""

from __future__ import annotations

import csv
import json
from pathlib import Path

from click.testing import CliRunner

from askcases.app.cli import main
from askcases.config import Settings


def _where(settings: Settings) -> list[str]:
    return ["--index", str(settings.index_dir), "--corpus", str(settings.corpus_dir)]


def test_the_outcomes_csv_marks_a_projection_and_its_hedge(
    built_settings: Settings, tmp_path: Path
) -> None:
    out = tmp_path / "outcomes.csv"
    result = CliRunner().invoke(
        main, ["outcomes", "--csv", str(out), "--index", str(built_settings.index_dir)]
    )
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    header = list(rows[0])
    assert header.index("qualifier") == header.index("value") + 1 and "status" in header
    banes = [r for r in rows if "Bath" in r["place"] and r["value"] == "£60,000"]
    assert banes and banes[0]["status"] == "projected" and banes[0]["qualifier"] == "up to"
    wigan = [r for r in rows if r["place"] == "Wigan" and r["value"] == "£700,000"]
    assert wigan and wigan[0]["status"] == "achieved" and wigan[0]["qualifier"] == ""


def test_an_answer_from_a_fifteen_year_old_article_says_how_old_it_is(
    built_settings: Settings,
) -> None:
    question = "How many people will the GP pathfinders cover?"
    result = CliRunner().invoke(main, ["ask", question, "--json", *_where(built_settings)])
    assert result.exit_code == 0, result.output
    answer = json.loads(result.stdout)
    cited = [c for c in answer["citations"] if c["doc_id"] == "gp-pathfinders-fourth-wave-2011"]
    assert cited and cited[0]["date"].startswith("2011-04") and cited[0]["age_years"] >= 15
    assert "over 5 years old" in answer["stale_note"]
    shown = CliRunner().invoke(main, ["ask", question, *_where(built_settings)]).stdout
    assert "April 2011, 15 years ago" in shown or "April 2011, 16 years ago" in shown
    assert shown.index("over 5 years old") < shown.index("Sources:")
