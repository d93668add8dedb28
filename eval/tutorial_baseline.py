"""Retrieval figures of LangChain's RAG tutorial pipeline beside askcases', on the same questions.

The tutorial pipeline: each raw corpus file as one document, RecursiveCharacterTextSplitter
(chunk_size=1000, chunk_overlap=200), the same all-MiniLM-L6-v2 embeddings, an in-memory Chroma
collection, similarity search top-5. Run with `make baseline` (askcases' own index must exist).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import chromadb
from langchain_chroma import Chroma
from langchain_core.documents import Document
from langchain_text_splitters import RecursiveCharacterTextSplitter

from askcases.assistant import Assistant
from askcases.documents import corpus_files
from askcases.embeddings import MiniLMEmbeddings
from askcases.evaluate import RECALL_DEPTH, default_questions_file, evidence_hits, load_questions
from askcases.settings import load_settings


def tutorial_retriever(corpus: Path, embeddings: MiniLMEmbeddings) -> Chroma:
    docs = [
        Document(
            page_content=p.read_text(encoding="utf-8", errors="replace"),
            metadata={"source": p.name},
        )
        for p in corpus_files(corpus)
        if p.suffix in (".txt", ".md")
    ]
    splits = RecursiveCharacterTextSplitter(chunk_size=1000, chunk_overlap=200).split_documents(
        docs
    )
    client = chromadb.EphemeralClient(settings=chromadb.config.Settings(anonymized_telemetry=False))
    store = Chroma(collection_name="tutorial", embedding_function=embeddings, client=client)
    store.add_documents(splits)
    print(f"tutorial pipeline: {len(docs)} documents, {len(splits)} chunks", file=sys.stderr)
    return store


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--questions", type=Path, default=default_questions_file())
    args = parser.parse_args()
    settings = load_settings()
    embeddings = MiniLMEmbeddings(settings.precision, settings.batch_size)
    questions = [q for q in load_questions(args.questions) if q["answerable"]]
    store = tutorial_retriever(settings.corpus_dir, embeddings)
    assistant = Assistant(settings, embeddings)
    assistant.check()
    figures: dict[str, list[tuple[float, float]]] = {"askcases": [], "tutorial": []}
    lengths: dict[str, list[int]] = {"askcases": [], "tutorial": []}
    for q in questions:
        ours = [p.text for p in assistant.ask(q["question"], k=RECALL_DEPTH).passages]
        theirs = [d.page_content for d in store.similarity_search(q["question"], k=RECALL_DEPTH)]
        figures["askcases"].append(evidence_hits(q["evidence"], ours))
        figures["tutorial"].append(evidence_hits(q["evidence"], theirs))
        lengths["askcases"] += [len(t) for t in ours]
        lengths["tutorial"] += [len(t) for t in theirs]
    print(f"{len(questions)} answerable questions from {args.questions}")
    print(f"{'pipeline':<10} {'evidence_recall_at_5':>21} {'mrr':>7} {'mean passage chars':>19}")
    for name, rows in figures.items():
        recall = sum(r for r, _ in rows) / len(rows)
        mrr = sum(m for _, m in rows) / len(rows)
        chars = sum(lengths[name]) / len(lengths[name])
        print(f"{name:<10} {recall:>21.3f} {mrr:>7.3f} {chars:>19.0f}")


if __name__ == "__main__":
    main()
