"""Shared fixtures: the real model, a real Chroma index of the five real articles."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from askcases.assistant import Assistant
from askcases.embeddings import MiniLMEmbeddings
from askcases.index import sync_index
from askcases.settings import Settings, load_settings

REPO = Path(__file__).resolve().parents[1]
CORPUS = REPO / "corpus"


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
