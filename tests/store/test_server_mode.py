"""Server mode against a real `chroma run` server on 127.0.0.1: index, ask and eval through it,
and two askcases processes with their own index directories agreeing after one re-indexes."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import CORPUS, REPO, free_port, start_server, stop

from askcases.config import Settings, load_settings
from askcases.embedding.minilm import MiniLMEmbeddings
from askcases.errors import IndexStateError
from askcases.qa.assistant import Assistant
from askcases.store.index_store import REFRESH_S, IndexStore

pytestmark = pytest.mark.slow  # a real chroma run server

CHROMA = Path(sys.executable).with_name("chroma")
NEW_ARTICLE = """Tamworth eye clinics move out of hospital

14 March 2022

Optometrists in Tamworth now run glaucoma follow-up clinics in six high street practices.
The Tamworth service cut its waiting times from 30 weeks to 4 weeks.
"""
NEW_QUESTION = "How far did Tamworth cut waiting times for glaucoma follow-up?"


@pytest.fixture
def chroma_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A real Chroma server process of its own, on a free loopback port, storing in a temp dir."""
    data = tmp_path_factory.mktemp("chroma-server")
    port = free_port()
    proc = start_server(
        [str(CHROMA), "run", "--path", str(data), "--host", "127.0.0.1", "--port", str(port)],
        port,
        seconds=60,
    )
    yield f"http://127.0.0.1:{port}"
    stop(proc)


def _cli(*args: str, url: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "askcases", *args, "--chroma-url", url],
        capture_output=True,
        text=True,
        timeout=600,
        env={**os.environ, "HF_HUB_OFFLINE": "1"},
    )


def _replica(root: Path, url: str, collection: str, corpus: Path) -> Settings:
    return load_settings(
        environ={}, corpus_dir=corpus, index_dir=root, chroma_url=url, collection=collection
    )


def test_index_ask_and_eval_through_the_server(chroma_url: str, tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    shutil.copytree(CORPUS, corpus)
    indexed = _cli(
        "index", "--quiet", "--corpus", str(corpus), "--index", str(tmp_path / "a"), url=chroma_url
    )
    assert indexed.returncode == 0, indexed.stderr
    assert "added 5" in indexed.stdout
    assert not (tmp_path / "a" / "chroma").exists()  # the vectors live on the server

    # A second process with an empty index directory answers from the server.
    asked = _cli(
        "ask",
        "How much did Wigan save a year?",
        "--json",
        "--index",
        str(tmp_path / "b"),
        "--corpus",
        str(corpus),
        url=chroma_url,
    )
    assert asked.returncode == 0, asked.stderr
    answer = json.loads(asked.stdout)
    assert "£700,000" in answer["answer"]
    assert answer["citations"][0]["doc_id"] == "gp-led-health-services-benefits"

    evaluated = _cli(
        "eval",
        "--index",
        str(tmp_path / "c"),
        "--corpus",
        str(corpus),
        "--check",
        str(REPO / "eval" / "thresholds.json"),
        url=chroma_url,
    )
    assert evaluated.returncode == 0, evaluated.stdout + evaluated.stderr
    assert "evidence_recall_at_5" in evaluated.stdout


def test_two_replicas_agree_after_one_indexes_a_new_article(
    chroma_url: str, tmp_path: Path, embeddings: MiniLMEmbeddings
) -> None:
    corpus = tmp_path / "corpus"
    shutil.copytree(CORPUS, corpus)
    indexed = _cli(
        "index",
        "--quiet",
        "--corpus",
        str(corpus),
        "--index",
        str(tmp_path / "a"),
        url=chroma_url,
    )
    assert indexed.returncode == 0, indexed.stderr

    # Replica B: a long-lived process of its own (this one), with its own index directory.
    settings_b = _replica(tmp_path / "b", chroma_url, "askcases", corpus)
    replica_b = Assistant(settings_b, embeddings)
    assert replica_b.ask(NEW_QUESTION).refused
    outcomes_before = replica_b.store.outcomes()

    # Replica A (another process) indexes a new article into the shared server.
    (corpus / "tamworth-eye-clinics.txt").write_text(NEW_ARTICLE, encoding="utf-8")
    added = _cli(
        "index", "--quiet", "--corpus", str(corpus), "--index", str(tmp_path / "a"), url=chroma_url
    )
    assert added.returncode == 0, added.stderr
    assert "added 1" in added.stdout
    time.sleep(REFRESH_S + 0.5)

    answer_b = replica_b.ask(NEW_QUESTION)
    assert not answer_b.refused
    assert "30 weeks to 4 weeks" in answer_b.answer
    assert answer_b.citations[0].doc_id == "tamworth-eye-clinics"
    keyword_hits = replica_b.store.keyword_search("Tamworth glaucoma", 3)
    assert keyword_hits and keyword_hits[0].doc_id == "tamworth-eye-clinics"
    new_rows = [r for r in replica_b.store.outcomes() if r.doc_id == "tamworth-eye-clinics"]
    assert [(r.measure, r.value, r.before, r.after) for r in new_rows] == [
        ("practices", "6", "", ""),
        ("waiting time", "4 weeks", "30 weeks", "4 weeks"),
    ]
    assert len(replica_b.store.outcomes()) == len(outcomes_before) + 2

    asked_a = _cli(
        "ask",
        NEW_QUESTION,
        "--json",
        "--index",
        str(tmp_path / "a"),
        "--corpus",
        str(corpus),
        url=chroma_url,
    )
    answer_a = json.loads(asked_a.stdout)
    assert answer_a["answer"] == answer_b.answer
    assert [(c["doc_id"], c["start"], c["end"]) for c in answer_a["citations"]] == [
        (c.doc_id, c.start, c.end) for c in answer_b.citations
    ]

    # Removing it on A removes it from B's answers and tables too.
    (corpus / "tamworth-eye-clinics.txt").unlink()
    removed = _cli(
        "index", "--quiet", "--corpus", str(corpus), "--index", str(tmp_path / "a"), url=chroma_url
    )
    assert "removed 1" in removed.stdout, removed.stderr
    time.sleep(REFRESH_S + 0.5)
    assert replica_b.ask(NEW_QUESTION).refused
    hits = replica_b.store.keyword_search("Tamworth glaucoma", 3)
    assert all(hit.doc_id != "tamworth-eye-clinics" for hit in hits)
    assert len(replica_b.store.outcomes()) == len(outcomes_before)


def test_an_unreachable_server_is_one_line_saying_what_to_do(tmp_path: Path) -> None:
    asked = _cli(
        "ask",
        "How much did Wigan save?",
        "--index",
        str(tmp_path / "x"),
        url=f"http://127.0.0.1:{free_port()}",
    )
    assert asked.returncode != 0
    lines = asked.stderr.strip().splitlines()
    assert len(lines) == 1
    assert "cannot reach the Chroma server" in lines[0] and "chroma run" in lines[0]


def test_a_server_cache_directory_is_not_mistaken_for_a_local_index(
    chroma_url: str, tmp_path: Path, embeddings: MiniLMEmbeddings
) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(CORPUS / "gp-led-health-services-benefits.txt", corpus)
    settings = _replica(tmp_path / "index", chroma_url, "cache-check", corpus)
    from askcases.store.sync import sync_index

    sync_index(settings, embeddings, quiet=True)
    local = load_settings(environ={}, corpus_dir=corpus, index_dir=tmp_path / "index")
    with pytest.raises(IndexStateError, match="--chroma-url"):
        IndexStore(local, embeddings).manifest()
