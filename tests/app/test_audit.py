"""The audit trail: every sign-in, upload, replacement, removal, re-index, role change and export
is recorded with who, when and the content hash before and after; the log only grows."""

from __future__ import annotations

import csv
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from askcases.app.audit import FILENAME, AuditLog
from askcases.app.cli import main
from askcases.config import Settings
from askcases.qa.assistant import Assistant
from askcases.store.sync import sync_index

NEW = "Exeter leg ulcer clinics\n\n12 January 2023\n\nExeter's clinics treated 350 patients.\n"


def _where(settings: Settings) -> list[str]:
    return ["--corpus", str(settings.corpus_dir), "--index", str(settings.index_dir)]


def _events(settings: Settings, event: str) -> list[dict[str, Any]]:
    return [r for r in AuditLog(settings.index_dir).rows() if r["event"] == event]


def test_each_re_index_records_what_changed_with_its_hashes(
    fresh_corpus: Settings, tmp_path: Path
) -> None:
    settings = fresh_corpus
    assert CliRunner().invoke(main, ["index", "-q", *_where(settings)]).exit_code == 0
    added = [r for r in _events(settings, "re-index") if r["detail"] == "added"]
    assert len(added) == 5 and all(r["hash_after"] and not r["hash_before"] for r in added)
    wigan = settings.corpus_dir / "gp-led-health-services-benefits.txt"
    wigan.write_text(wigan.read_text("utf-8") + "\nA new closing line.\n", encoding="utf-8")
    (settings.corpus_dir / "one-care-community-phlebotomy-2021.txt").unlink()
    assert CliRunner().invoke(main, ["index", "-q", *_where(settings)]).exit_code == 0
    newest_first = [r for r in _events(settings, "re-index") if r["doc_id"]]
    rows = {r["doc_id"]: r for r in reversed(newest_first)}  # the latest event of each
    replaced = rows["gp-led-health-services-benefits"]
    assert replaced["detail"] == "replaced" and replaced["hash_before"] != replaced["hash_after"]
    assert rows["one-care-community-phlebotomy-2021"]["detail"] == "removed"
    assert rows["one-care-community-phlebotomy-2021"]["hash_after"] == ""
    summaries = [r for r in _events(settings, "re-index") if not r["doc_id"]]
    assert "updated 1, removed 1" in summaries[0]["detail"]  # newest first

    out = tmp_path / "audit.csv"
    result = CliRunner().invoke(
        main, ["audit", "--csv", str(out), "--index", str(settings.index_dir)]
    )
    assert result.exit_code == 0, result.output
    written = list(csv.DictReader(out.open(encoding="utf-8")))
    assert len(written) >= 9 and written[0]["event"] == "re-index"  # oldest first
    assert "audit: " in _events(settings, "export")[0]["detail"]  # the export itself is recorded
    later = CliRunner().invoke(
        main, ["audit", "--since", "2999", "--index", str(settings.index_dir)]
    )
    assert later.stdout.strip().endswith("0 events")


def test_the_log_refuses_to_be_changed_or_emptied(tmp_path: Path) -> None:
    log = AuditLog(tmp_path)
    log.record("sign-in", "ada", client="10.0.0.1", ok=False)
    with sqlite3.connect(tmp_path / FILENAME) as db:
        with pytest.raises(sqlite3.IntegrityError, match="append-only"):
            db.execute("UPDATE events SET ok = 1")
        with pytest.raises(sqlite3.IntegrityError, match="append-only"):
            db.execute("DELETE FROM events")
    assert [r["ok"] for r in log.rows()] == [0]


def test_uploads_removals_sign_ins_role_changes_and_exports_say_who(
    admin_library: Settings, embeddings: Any, tmp_path: Path
) -> None:
    from askcases.app.web import WebApp

    settings = admin_library
    sync_index(settings, embeddings, quiet=True)
    web = WebApp(Assistant(settings, embeddings))
    upload = tmp_path / "exeter-leg-ulcers.txt"
    upload.write_text(NEW, encoding="utf-8")
    web.add_articles([str(upload)], "ada")
    web.remove("exeter-leg-ulcers", "ada")
    assert web.signin is not None and not web.signin.check("ada", "wrong")
    web.export_markdown(web.ask_json("How much did Wigan save a year?"), "ada")
    rows = AuditLog(settings.index_dir).rows()
    (added,) = [r for r in rows if r["event"] == "upload"]
    assert added["user"] == "ada" and added["doc_id"] == "exeter-leg-ulcers"
    (removed,) = [r for r in rows if r["event"] == "remove"]
    assert removed["hash_before"] == added["hash_after"] and removed["hash_after"] == ""
    assert [(r["user"], r["ok"]) for r in rows if r["event"] == "sign-in"] == [("ada", 0)]
    assert any(r["event"] == "export" and r["user"] == "ada" for r in rows)
    shown, status, csv_file = web.audit_rows("ada")
    assert shown and csv_file and "events" in status
    assert web.audit_rows("someone-else")[0] == []  # admins only

    result = CliRunner().invoke(
        main,
        [
            "adduser",
            "ada",
            "--role",
            "editor",
            "--password",
            "long-enough",
            "--users",
            str(settings.users_file),
        ],
        env={"ASKCASES_INDEX": str(settings.index_dir)},
    )
    assert result.exit_code == 0, result.output
    change = _events(settings, "user")[0]
    assert "ada: admin -> editor" in change["detail"]
    out = tmp_path / "feedback.csv"
    exported = CliRunner().invoke(
        main, ["feedback", "--csv", str(out), "--index", str(settings.index_dir)]
    )
    assert exported.exit_code == 0
    assert any(r["detail"].startswith("feedback: ") for r in _events(settings, "export"))
