"""LangChain's RAG tutorial pipeline over the raw corpus files, the baseline every askcases
figure is shown beside: each file one document, RecursiveCharacterTextSplitter(1000, 200), a
langchain_chroma store (in memory, or on disk), similarity search.

It uses Chroma through LangChain as the tutorial does, and so is the one place outside
askcases.store that does. Leaves out: everything askcases adds (cleaning, hybrid search,
sentence selection, refusal).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from langchain_core.embeddings import Embeddings

from askcases.ingest.articles import SUPPORTED_SUFFIXES, corpus_files, corpus_problem

COLLECTION = "tutorial"


@dataclass
class TutorialPipeline:
    """The tutorial's vector store and the Chroma client behind it."""

    store: Any  # langchain_chroma.Chroma
    client: Any  # chromadb client

    def add(self, files: list[Path]) -> int:
        """Split these files as the tutorial does and add them, in Chroma's largest batches."""
        from langchain_core.documents import Document
        from langchain_text_splitters import RecursiveCharacterTextSplitter

        docs = [
            Document(
                page_content=p.read_text(encoding="utf-8", errors="replace"),
                metadata={"source": p.name},
            )
            for p in files
        ]
        splitter = RecursiveCharacterTextSplitter(chunk_size=1000, chunk_overlap=200)
        splits = splitter.split_documents(docs)
        first_id = self.client.get_collection(COLLECTION).count()
        step = self.client.get_max_batch_size()
        for first in range(0, len(splits), step):
            part = splits[first : first + step]
            ids = [f"t{first_id + i}" for i in range(first, first + len(part))]
            self.store.add_documents(part, ids=ids)
        return len(splits)

    def search(self, text: str, k: int = 5) -> list[str]:
        """The texts of the k nearest splits."""
        return [d.page_content for d in self.store.similarity_search(text, k=k)]


def tutorial_pipeline(
    corpus_dir: Path, embeddings: Embeddings, path: Path | None = None
) -> TutorialPipeline:
    """The pipeline over every article file of `corpus_dir`, in memory or on disk under `path`."""
    import chromadb
    from langchain_chroma import Chroma

    settings = chromadb.config.Settings(anonymized_telemetry=False)
    client = (
        chromadb.PersistentClient(path=str(path), settings=settings)
        if path is not None
        else chromadb.EphemeralClient(settings=settings)
    )
    store = Chroma(collection_name=COLLECTION, embedding_function=embeddings, client=client)
    pipeline = TutorialPipeline(store, client)
    pipeline.add(
        [
            p
            for p in corpus_files(corpus_dir)
            if p.suffix.lower() in SUPPORTED_SUFFIXES and corpus_problem(p, corpus_dir) is None
        ]
    )
    return pipeline
