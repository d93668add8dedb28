"""LangChain's own standard suites for retrievers and embeddings, run on askcases' classes."""

from __future__ import annotations

import shutil
import tempfile
from functools import cache
from pathlib import Path
from typing import Any

from conftest import CORPUS, make_settings
from langchain_tests.integration_tests import (
    EmbeddingsIntegrationTests,
    RetrieversIntegrationTests,
)

from askcases.embedding.minilm import MiniLMEmbeddings
from askcases.qa.retrieval import HybridRetriever
from askcases.store.index_store import IndexStore
from askcases.store.sync import sync_index


@cache
def _store() -> IndexStore:
    tmp = Path(tempfile.mkdtemp(prefix="askcases-standard-"))
    shutil.copytree(CORPUS, tmp / "corpus")
    settings = make_settings(tmp)
    embeddings = MiniLMEmbeddings()
    sync_index(settings, embeddings, quiet=True)
    return IndexStore(settings, embeddings)


class TestHybridRetrieverStandard(RetrieversIntegrationTests):
    @property
    def retriever_constructor(self) -> type[HybridRetriever]:
        return HybridRetriever

    @property
    def retriever_constructor_params(self) -> dict[str, Any]:
        return {"store": _store()}

    @property
    def retriever_query_example(self) -> str:
        return "How much did Wigan save?"


class TestMiniLMEmbeddingsStandard(EmbeddingsIntegrationTests):
    @property
    def embeddings_class(self) -> type[MiniLMEmbeddings]:
        return MiniLMEmbeddings

    @property
    def embedding_model_params(self) -> dict[str, Any]:
        return {"precision": "auto"}
