"""Shared fixtures: the real model, a real Chroma index of the five real articles."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from askcases.assistant import Assistant
from askcases.embeddings import MiniLMEmbeddings
from askcases.index import sync_index
from askcases.settings import Settings, load_settings

REPO = Path(__file__).resolve().parents[1]
CORPUS = REPO / "corpus"


# One evaluation question in the eval/questions.jsonl format, for tests that run eval.
WIGAN_QUESTION = {
    "id": "w",
    "question": "How much did Wigan save a year?",
    "answerable": True,
    "sources": ["gp-led-health-services-benefits"],
    "evidence": ["saving £700,000 per year"],
    "facts": ["£700,000"],
}


class CountingEmbeddings(MiniLMEmbeddings):
    """The real model, counting every text it is asked to embed."""

    def __init__(self) -> None:
        super().__init__()
        self.texts_embedded = 0

    def embed_batch(self, texts: list[str]) -> list[list[float]]:
        self.texts_embedded += len(texts)
        return super().embed_batch(texts)


@pytest.fixture(scope="session")
def embeddings() -> MiniLMEmbeddings:
    return MiniLMEmbeddings()


def make_settings(tmp: Path, corpus: Path | None = None) -> Settings:
    return load_settings(environ={}, corpus_dir=corpus or tmp / "corpus", index_dir=tmp / "index")


@pytest.fixture(scope="session")
def built_settings(
    tmp_path_factory: pytest.TempPathFactory, embeddings: MiniLMEmbeddings
) -> Settings:
    """Settings of an index built once, from a copy of the five real articles."""
    tmp = tmp_path_factory.mktemp("built")
    shutil.copytree(CORPUS, tmp / "corpus")
    settings = make_settings(tmp)
    sync_index(settings, embeddings, quiet=True)
    return settings


@pytest.fixture(scope="session")
def assistant(built_settings: Settings, embeddings: MiniLMEmbeddings) -> Assistant:
    return Assistant(built_settings, embeddings)


@pytest.fixture
def fresh_corpus(tmp_path: Path) -> Settings:
    """Settings over a private copy of the corpus and an empty index directory."""
    shutil.copytree(CORPUS, tmp_path / "corpus")
    return make_settings(tmp_path)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_server(
    command: list[str],
    port: int,
    env: dict[str, str] | None = None,
    seconds: float = 180,
    log: Path | None = None,
) -> subprocess.Popen[str]:
    """A real server process, returned once it accepts connections on 127.0.0.1:port; its
    output goes to `log` when given."""
    out = log.open("w") if log is not None else subprocess.DEVNULL
    proc = subprocess.Popen(
        command,
        env={**os.environ, "GRADIO_ANALYTICS_ENABLED": "False", **(env or {})},
        stdout=out,
        stderr=subprocess.STDOUT if log is not None else subprocess.DEVNULL,
        text=True,
    )
    if log is not None:
        out.close()  # type: ignore[union-attr]
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError(f"{' '.join(command[:4])} exited with {proc.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return proc
        except OSError:
            time.sleep(0.5)
    proc.kill()
    raise AssertionError(f"{' '.join(command[:4])} did not start within {seconds} s")


def serve_askcases(
    corpus: Path,
    index: Path,
    *args: str,
    env: dict[str, str] | None = None,
    log: Path | None = None,
) -> tuple[subprocess.Popen[str], str]:
    """`askcases serve` over these directories on a free port; (process, URL)."""
    port = free_port()
    command = [
        sys.executable,
        "-m",
        "askcases",
        "serve",
        "--port",
        str(port),
        "--corpus",
        str(corpus),
        "--index",
        str(index),
        *args,
    ]
    return start_server(command, port, env, log=log), f"http://127.0.0.1:{port}/"


def stop(proc: subprocess.Popen[str]) -> None:
    proc.terminate()
    proc.wait(timeout=30)
