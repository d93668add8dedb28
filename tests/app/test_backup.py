"""Backup and restore: a restored copy answers exactly as the original, a damaged backup is
refused before anything is written, and neither command overwrites anything."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

from click.testing import CliRunner

from askcases.app.audit import AuditLog
from askcases.app.cli import main
from askcases.app.feedback import FeedbackStore
from askcases.app.users import read_users
from askcases.config import Settings
from askcases.evaluation.questions import default_questions_file, load_questions, run_eval
from askcases.qa.assistant import Assistant
from askcases.store.sync import sync_index

FIGURES = ("evidence_recall_at_5", "mrr", "fact_accuracy", "refusal_accuracy", "false_refusal_rate")


def _figures(settings: Settings, embeddings: Any) -> dict[str, Any]:
    report = run_eval(
        Assistant(settings, embeddings), load_questions(default_questions_file()), progress=False
    )
    return {f: report[f] for f in FIGURES} | {"answers": [q["answer"] for q in report["questions"]]}


def test_a_restored_backup_answers_as_the_original_and_keeps_every_store(
    admin_library: Settings, embeddings: Any, tmp_path: Path
) -> None:
    settings = admin_library
    sync_index(settings, embeddings, quiet=True)
    answer = Assistant(settings, embeddings).ask("How much did Wigan save a year?")
    FeedbackStore(settings.index_dir).record(answer.to_json(), 1, "useful", "ada")
    AuditLog(settings.index_dir).record("sign-in", "ada")
    out = tmp_path / "backup"
    env = {"ASKCASES_USERS": str(settings.users_file)}
    where = ["--corpus", str(settings.corpus_dir), "--index", str(settings.index_dir)]
    made = CliRunner().invoke(main, ["backup", str(out), *where], env=env)
    assert made.exit_code == 0, made.output
    listed = json.loads((out / "backup.json").read_text("utf-8"))["files"]
    for part in (
        "index/manifest.json",
        "index/keywords.sqlite3",
        "index/feedback.sqlite3",
        "index/audit.sqlite3",
        "index/chroma/chroma.sqlite3",
        "users.txt",
        "corpus/gp-led-health-services-benefits.txt",
    ):
        assert part in listed, part
    again = CliRunner().invoke(main, ["backup", str(out), *where], env=env)
    assert again.exit_code != 0 and "not empty" in again.output

    damaged = tmp_path / "damaged"
    shutil.copytree(out, damaged)
    keywords = damaged / "index" / "keywords.sqlite3"
    keywords.write_bytes(keywords.read_bytes()[:-1] + b"\x01")
    target = tmp_path / "elsewhere"
    new_users = target / "users.txt"
    there = ["--corpus", str(target / "corpus"), "--index", str(target / "index")]
    refused = CliRunner().invoke(
        main, ["restore", str(damaged), *there], env={"ASKCASES_USERS": str(new_users)}
    )
    assert refused.exit_code != 0 and "index/keywords.sqlite3 differs" in refused.output
    assert not (target / "index").exists() and not (target / "corpus").exists()

    restored = CliRunner().invoke(
        main, ["restore", str(out), *there], env={"ASKCASES_USERS": str(new_users)}
    )
    assert restored.exit_code == 0, restored.output
    copy = settings.replace(
        corpus_dir=target / "corpus", index_dir=target / "index", users_file=new_users
    )
    assert _figures(copy, embeddings) == _figures(settings, embeddings)
    assert FeedbackStore(copy.index_dir).recent()[0]["comment"] == "useful"
    assert [r["event"] for r in AuditLog(copy.index_dir).rows()][:2] == ["restore", "sign-in"]
    assert set(read_users(new_users)) == {"ada"}
    over = CliRunner().invoke(main, ["restore", str(out), *there])
    assert over.exit_code != 0 and "is not empty" in over.output
