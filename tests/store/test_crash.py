"""`askcases index` killed with SIGKILL after each phase and at random moments: the next run
repairs the index, the index lock keeps two runs apart, and the feedback database survives a
kill mid-write. Every kill is a real SIGKILL of a real `askcases index` process."""

from __future__ import annotations

import json
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import CORPUS, make_settings

from askcases.app.servers import kill_while_indexing
from askcases.config import Settings
from askcases.embedding.minilm import MiniLMEmbeddings
from askcases.evaluation.questions import default_questions_file, load_questions, run_eval
from askcases.ingest.articles import load_article
from askcases.outcomes.extract import extract_outcomes
from askcases.qa.assistant import Assistant
from askcases.store.index_store import IndexStore
from askcases.store.keywords import FILENAME as KEYWORDS
from askcases.store.lock import FAULT_ENV, index_lock
from askcases.store.manifest import MANIFEST, RUN_MARK
from askcases.store.sync import sync_index

pytestmark = pytest.mark.slow  # real askcases index processes, killed

RANDOM_KILLS = 50
PHASES = ("started", "removed", "stored", "recorded", "outcomes")
EXTRA = "Exeter leg ulcer clinics\n\n12 January 2023\n\nExeter's clinics treated 350 patients.\n"


def _index_command(settings: Settings) -> list[str]:
    return [
        sys.executable,
        "-m",
        "askcases",
        "index",
        "--quiet",
        "--corpus",
        str(settings.corpus_dir),
        "--index",
        str(settings.index_dir),
    ]


def _set_variant(corpus: Path, variant: int) -> None:
    """0: the real articles; 1: each revised, plus one more; 2: revised again, one deleted."""
    for path in CORPUS.iterdir():
        text = path.read_text(encoding="utf-8")
        if variant:
            text += f"\nRevision {variant}: this case study was updated with local figures.\n"
        (corpus / path.name).write_text(text, encoding="utf-8")
    extra = corpus / "exeter-leg-ulcers.txt"
    if variant == 1:
        extra.write_text(EXTRA, encoding="utf-8")
    else:
        extra.unlink(missing_ok=True)
    if variant == 2:
        (corpus / "one-care-community-phlebotomy-2021.txt").unlink()


def assert_consistent(settings: Settings, embeddings: MiniLMEmbeddings) -> None:
    """Every document of the corpus is in the manifest with exactly its chunks on both sides,
    no chunk is duplicated or orphaned, and the outcomes table is the corpus's."""
    manifest = json.loads((settings.index_dir / MANIFEST).read_text(encoding="utf-8"))
    assert not (settings.index_dir / RUN_MARK).exists()
    documents = manifest["documents"]
    assert set(documents) == {p.stem for p in settings.corpus_dir.iterdir()}
    store = IndexStore(settings, embeddings)
    dense, keyword = store.chunk_ids(), store.keywords.chunk_ids()
    assert set(dense) == set(keyword) == set(documents)
    for doc_id, entry in documents.items():
        expected = {f"{doc_id}#{n}" for n in range(entry["chunks"])}
        assert dense[doc_id] == expected == keyword[doc_id], doc_id
        article = load_article(settings.corpus_dir / entry["source"])
        assert entry["hash"] == article.content_hash
    total = sum(e["chunks"] for e in documents.values())
    assert store.dense.count() == total
    with sqlite3.connect(settings.index_dir / KEYWORDS) as db:
        rows, distinct = db.execute(
            "SELECT count(*), count(DISTINCT chunk_id) FROM chunk_text"
        ).fetchone()
    assert rows == distinct == total
    expected_rows = [
        o.to_json()
        for doc_id in sorted(documents)
        for o in extract_outcomes(load_article(settings.corpus_dir / documents[doc_id]["source"]))
    ]
    key = lambda r: (r["doc_id"], r["start"], r["measure"])  # noqa: E731
    stored = [o.to_json() for o in store.outcomes()]
    assert sorted(stored, key=key) == sorted(expected_rows, key=key)


def _figures(assistant: Assistant) -> dict[str, float]:
    report = run_eval(assistant, load_questions(default_questions_file()), progress=False)
    names = ("evidence_recall_at_5", "mrr", "fact_accuracy", "refusal_accuracy")
    return {name: report[name] for name in names}


@pytest.fixture
def crash_settings(tmp_path: Path) -> Settings:
    (tmp_path / "corpus").mkdir()
    _set_variant(tmp_path / "corpus", 0)
    return make_settings(tmp_path)


def test_killed_after_each_phase_the_next_run_repairs(
    crash_settings: Settings, embeddings: MiniLMEmbeddings
) -> None:
    settings = crash_settings
    sync_index(settings, embeddings, quiet=True)
    for n, phase in enumerate(PHASES):
        _set_variant(settings.corpus_dir, 1 + n % 2)
        killed = subprocess.run(
            _index_command(settings),
            env={**os.environ, FAULT_ENV: phase},
            capture_output=True,
            timeout=300,
        )
        assert killed.returncode == -signal.SIGKILL, (phase, killed.stderr[-500:])
        sync_index(settings, embeddings, quiet=True)
        assert_consistent(settings, embeddings)


def test_fifty_random_kills_leave_an_index_the_next_run_repairs(
    crash_settings: Settings, embeddings: MiniLMEmbeddings, assistant: Assistant
) -> None:
    settings = crash_settings
    rng = random.Random(2026)
    subprocess.run(_index_command(settings), check=True, capture_output=True, timeout=300)
    working = 2.0  # seconds a run spends changing the index; learnt from runs that finish
    landed = sent = 0
    while landed < RANDOM_KILLS and sent < 2 * RANDOM_KILLS:
        _set_variant(settings.corpus_dir, 1 + sent % 2)
        sent += 1
        hit, seconds = kill_while_indexing(
            _index_command(settings), settings.index_dir, rng, working
        )
        if not hit:
            working = max(0.2, 0.8 * seconds)  # the run finished first: kill sooner
            continue
        landed += 1
        working *= 1.05
        if landed % 5 == 0:
            continue  # sometimes the next run is killed too before anything repairs it
        sync_index(settings, embeddings, quiet=True)
        assert_consistent(settings, embeddings)
    print(f"{landed} kills landed while askcases index changed the index ({sent} sent)")
    assert landed == RANDOM_KILLS
    _set_variant(settings.corpus_dir, 0)
    sync_index(settings, embeddings, quiet=True)
    assert_consistent(settings, embeddings)
    assert _figures(Assistant(settings, embeddings)) == _figures(assistant)


def test_a_second_index_run_waits_for_the_lock_or_refuses(crash_settings: Settings) -> None:
    settings = crash_settings
    env = {**os.environ, "ASKCASES_LOCK_WAIT": "1"}
    with index_lock(settings.index_dir):
        refused = subprocess.run(
            _index_command(settings), env=env, capture_output=True, text=True, timeout=300
        )
    assert refused.returncode == 75
    last = refused.stderr.strip().splitlines()[-1]
    assert f"another askcases index (pid {os.getpid()}) is still changing" in last
    assert "wait for it to finish" in last
    assert not (settings.index_dir / MANIFEST).exists()  # it changed nothing

    env["ASKCASES_LOCK_WAIT"] = "120"
    with index_lock(settings.index_dir):
        waiting = subprocess.Popen(
            _index_command(settings),
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        time.sleep(8)
        assert waiting.poll() is None  # still waiting while the lock is held
    out, err = waiting.communicate(timeout=300)
    assert waiting.returncode == 0, err
    assert "waiting for another askcases index" in err
    assert "added 5" in out


def test_feedback_database_survives_a_kill_mid_write(tmp_path: Path) -> None:
    writer = (
        "import sys\n"
        "from pathlib import Path\n"
        "from askcases.app.feedback import FeedbackStore\n"
        "store = FeedbackStore(Path(sys.argv[1]))\n"
        "answer = {'question': 'q', 'answer': 'a' * 5000, 'citations': [], 'backend': 'x'}\n"
        "print('ready', flush=True)\n"
        "while True:\n"
        "    store.record(answer, 1, 'c' * 1000)\n"
    )
    from askcases.app.feedback import FILENAME, FeedbackStore

    rng = random.Random(5)
    counts = []
    for _ in range(5):
        proc = subprocess.Popen(
            [sys.executable, "-c", writer, str(tmp_path)], stdout=subprocess.PIPE, text=True
        )
        assert proc.stdout is not None and proc.stdout.readline().strip() == "ready"
        time.sleep(rng.uniform(0.3, 1.0))
        proc.send_signal(signal.SIGKILL)
        assert proc.wait(timeout=30) == -signal.SIGKILL
        with sqlite3.connect(tmp_path / FILENAME) as db:
            assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
            counts.append(db.execute("SELECT count(*) FROM feedback").fetchone()[0])
    assert counts == sorted(counts) and counts[0] > 0  # nothing written before a kill is lost
    FeedbackStore(tmp_path).record({"question": "q", "answer": "a", "citations": []}, -1)
    with sqlite3.connect(tmp_path / FILENAME) as db:
        assert db.execute("SELECT count(*) FROM feedback").fetchone()[0] == counts[-1] + 1


def test_repair_removes_chunks_of_a_document_the_manifest_never_listed(
    crash_settings: Settings, embeddings: MiniLMEmbeddings
) -> None:
    settings = crash_settings
    sync_index(settings, embeddings, quiet=True)
    _set_variant(settings.corpus_dir, 1)
    killed = subprocess.run(
        _index_command(settings), env={**os.environ, FAULT_ENV: "stored"}, timeout=300
    )
    assert killed.returncode == -signal.SIGKILL
    (settings.corpus_dir / "exeter-leg-ulcers.txt").unlink()  # its chunks may be in Chroma
    sync_index(settings, embeddings, quiet=True)
    assert_consistent(settings, embeddings)
    shutil.rmtree(settings.index_dir)
