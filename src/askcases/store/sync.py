"""Keep an index in step with the corpus directory, through its manifest.

`sync_index` compares the corpus with the manifest: new articles are embedded and added, changed
ones re-embedded, deleted ones removed, unchanged ones left untouched. A file whose size and
modification time match its manifest entry is not read again. The manifest is rewritten every
few seconds while a run embeds, and index/index.run marks the run until it finishes; a run that
is killed leaves the mark, and the next one first makes both sides agree with the manifest (see
`_repair`), then finishes the work. One run at a time holds the index lock (askcases.store.lock).
Leaves out: copying new files into the corpus (askcases.ingest.articles.import_articles).
"""

from __future__ import annotations

import json
import os
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from langchain_core.embeddings import Embeddings

from askcases.config import Settings
from askcases.errors import ArticleError, UsageError
from askcases.ingest.articles import CLEANER_VERSION, corpus_files, corpus_problem, load_article
from askcases.ingest.chunking import chunk_article
from askcases.store import outcome_table
from askcases.store.index_store import CHROMA_DIR, IndexStore
from askcases.store.lock import fault_point, index_lock
from askcases.store.manifest import (
    RUN_MARK,
    Entry,
    Manifest,
    build_settings,
    check_compatible,
    read_manifest,
    write_manifest,
)
from askcases.store.supersession import PASSAGES_COMPARED, lead_names, similar_documents
from askcases.text.acronyms import find_acronyms
from askcases.text.claims import currency_notes
from askcases.text.synonyms import find_definitions
from askcases.types import Article, Chunk

EMBED_GROUP = 256  # chunks embedded together
MANIFEST_EVERY_S = 10.0  # while embedding, the manifest is written at most this often


@dataclass
class SyncReport:
    added: int = 0
    updated: int = 0
    removed: int = 0
    unchanged: int = 0
    chunks: int = 0
    skipped: list[str] = field(default_factory=list)

    def summary(self) -> str:
        return (
            f"added {self.added}, updated {self.updated}, removed {self.removed}, "
            f"unchanged {self.unchanged} documents; {self.chunks} chunks"
        )


def _progress(total: int, quiet: bool) -> Any:
    from tqdm import tqdm

    return tqdm(
        total=total, desc="embedding", unit="chunk", disable=quiet or total == 0, file=sys.stderr
    )


def sync_index(
    settings: Settings,
    embeddings: Embeddings,
    *,
    rebuild: bool = False,
    quiet: bool = False,
    report_skip: Callable[[str], None] | None = None,
) -> SyncReport:
    """Bring the index in `settings.index_dir` (and on the Chroma server, in server mode) in
    step with `settings.corpus_dir`, holding the index lock throughout."""
    if not settings.corpus_dir.is_dir():
        raise UsageError(
            f"corpus directory {settings.corpus_dir} does not exist; "
            "create it or pass --corpus / set ASKCASES_CORPUS"
        )
    with index_lock(settings.index_dir, settings.lock_wait_s, report_skip):
        return _sync_locked(settings, embeddings, rebuild, quiet, report_skip)


def _sync_locked(
    settings: Settings,
    embeddings: Embeddings,
    rebuild: bool,
    quiet: bool,
    report_skip: Callable[[str], None] | None,
) -> SyncReport:
    store = IndexStore(settings, embeddings)
    if store.remote is None and not rebuild:
        found = read_manifest(settings.index_dir)
        if found is not None and _only_reader_changed(found, settings):
            # the articles are read and chunked anew; nothing else about the index changed
            if not quiet:
                print(
                    f"the article reader changed since this index was built (cleaner "
                    f"{found.get('cleaner')!r}, now {CLEANER_VERSION!r}): indexing every "
                    "article again",
                    file=sys.stderr,
                )
            rebuild = True
    if store.remote is not None:
        if rebuild:
            store.clear()
        else:
            store.refresh()
        manifest = read_manifest(settings.index_dir)
    else:
        manifest = read_manifest(settings.index_dir)
        chroma_exists = (settings.index_dir / CHROMA_DIR).exists()
        if rebuild or (manifest is None and chroma_exists):
            store.clear()
            manifest = None
    if manifest is not None:
        check_compatible(manifest, settings)
        if manifest.get("server") != store.server_key:
            store.manifest()  # says which index the directory holds
    else:
        manifest = {**build_settings(settings), "documents": {}}
    indexed: dict[str, Entry] = manifest["documents"]
    # The mark says the index is being changed until this run finishes; a run killed before
    # then leaves it, and the next one checks every document on both sides (see _repair).
    run_mark = settings.index_dir / RUN_MARK
    interrupted = run_mark.exists()
    if interrupted:
        _repair(store, indexed)
    settings.index_dir.mkdir(parents=True, exist_ok=True)
    run_mark.write_text(
        json.dumps({"pid": os.getpid(), "started": datetime.now(UTC).isoformat()}) + "\n",
        encoding="utf-8",
    )
    fault_point("started", settings.fault_point)
    outcome_rows = outcome_table.read_rows(settings.index_dir, current_rules=True)
    reuse_outcomes = outcome_rows is not None and not interrupted
    outcome_rows = {d: rows for d, rows in (outcome_rows or {}).items() if d in indexed}

    report = SyncReport()
    to_embed: list[tuple[Article, list[Chunk]]] = []
    present: dict[str, str] = {}  # doc_id -> file name, readable or not
    signatures: dict[str, list[Any]] = {}  # doc_id -> [file name, size, mtime], read before it
    refreshed: list[str] = []  # unchanged documents whose entries new rules rewrote
    for path in corpus_files(settings.corpus_dir):
        problem = corpus_problem(path, settings.corpus_dir)
        if problem is not None:
            report.skipped.append(problem)
            continue
        doc_id = path.stem
        if doc_id in present:
            report.skipped.append(f"{path.name}: same document id as {present[doc_id]}; rename one")
            continue
        present[doc_id] = path.name
        entry = indexed.get(doc_id)
        signatures[doc_id] = signature = [path.name, *_file_stat(path)]
        if reuse_outcomes and entry is not None and entry.get("file") == signature:
            report.unchanged += 1  # same name, size and modification time: not read again
            continue
        try:
            article = load_article(path)
        except ArticleError as exc:
            report.skipped.append(str(exc))
            continue
        if entry is not None and entry["hash"] == article.content_hash:
            report.unchanged += 1
            entry["file"] = signature
            if not reuse_outcomes:
                outcome_rows[doc_id] = outcome_table.article_rows(article)
                entry["currency"] = currency_notes(article.text)
                entry["names"] = lead_names(article.title, article.text)
                entry["similar"] = similar_documents(
                    store.dense,
                    doc_id,
                    store.dense.vectors_of(doc_id)[:PASSAGES_COMPARED],
                    int(entry["chunks"]),
                )
                refreshed.append(doc_id)  # read again under new rules: the server's copy too
            continue
        to_embed.append((article, chunk_article(article, settings.chunk_tokens, settings.encoding)))
    if report_skip is not None:
        for message in report.skipped:
            report_skip(f"skipped {message}")

    # An article whose file is now unreadable keeps its last good version in the index.
    to_remove = sorted(d for d in indexed if d not in present)
    for doc_id in to_remove:
        store.replace_document(doc_id, [], "", stored=int(indexed[doc_id]["chunks"]))
        del indexed[doc_id]
        outcome_rows.pop(doc_id, None)
        report.removed += 1
    if to_remove:
        fault_point("removed", settings.fault_point)
        store.save_manifest(manifest, removed=to_remove)

    pending: list[str] = []  # documents stored since the manifest was last written
    written_at = time.monotonic()
    with _progress(sum(len(c) for _, c in to_embed), quiet) as bar:
        for group in _embedding_groups(to_embed):
            # One embedding call for many documents' chunks: the model batches them by length.
            flat = [c.text for _, chunks in group for c in chunks]
            vectors = embeddings.embed_documents(flat) if flat else []
            offset = 0
            batch = []
            for article, chunks in group:
                batch.append(
                    (
                        article.doc_id,
                        chunks,
                        article.content_hash,
                        vectors[offset : offset + len(chunks)],
                    )
                )
                offset += len(chunks)
            # Chunks are deleted by id: after an interrupted run, _repair has already removed
            # any chunk the manifest does not list.
            stored = {
                a.doc_id: int(indexed[a.doc_id]["chunks"]) for a, _ in group if a.doc_id in indexed
            }
            store.replace_documents(batch, stored)
            fault_point("stored", settings.fault_point)
            for (article, chunks), (_, _, _, doc_vectors) in zip(group, batch, strict=True):
                similar = similar_documents(store.dense, article.doc_id, doc_vectors, len(chunks))
                _record_document(
                    indexed, report, article, len(chunks), signatures[article.doc_id], similar
                )
                outcome_rows[article.doc_id] = outcome_table.article_rows(article)
                bar.update(len(chunks))
            # Once per group: a crash before this leaves chunks the manifest does not list,
            # which the next sync replaces (it deletes a document's chunks before adding them).
            pending += [a.doc_id for a, _ in group]
            # The manifest is written every MANIFEST_EVERY_S, not per group: a large index
            # would spend its time rewriting it. A run killed in between leaves chunks the
            # manifest does not list; the next run's _repair removes them and indexes afresh.
            if time.monotonic() - written_at >= MANIFEST_EVERY_S:
                store.save_manifest(manifest, pending, [], outcome_rows)
                pending, written_at = [], time.monotonic()
    store.save_manifest(manifest, pending + refreshed, [], outcome_rows, write_local=False)
    fault_point("recorded", settings.fault_point)
    outcome_table.write_rows(
        settings.index_dir, [r for d in sorted(indexed) for r in outcome_rows.get(d, [])]
    )
    fault_point("outcomes", settings.fault_point)
    write_manifest(settings.index_dir, manifest)
    run_mark.unlink(missing_ok=True)
    changed = bool(report.added or report.updated or report.removed or refreshed)
    store.finish(manifest, changed=changed)
    report.chunks = sum(int(e["chunks"]) for e in indexed.values())
    return report


def _only_reader_changed(manifest: Manifest, settings: Settings) -> bool:
    """Whether the index was built with the current settings but for the cleaner version."""
    return [k for k, v in build_settings(settings).items() if manifest.get(k) != v] == ["cleaner"]


def _repair(store: IndexStore, indexed: dict[str, Entry]) -> None:
    """After an interrupted run: make Chroma, the keyword index and the manifest agree. A
    document whose chunks differ from its manifest entry on either side, or that the manifest
    does not list, loses its chunks on both sides and its entry, so it is indexed afresh."""
    dense = store.chunk_ids()
    keyword = store.keywords.chunk_ids()
    broken = []
    for doc_id in sorted(set(dense) | set(keyword) | set(indexed)):
        entry = indexed.get(doc_id)
        expected = {f"{doc_id}#{n}" for n in range(int(entry["chunks"]))} if entry else set()
        if dense.get(doc_id, set()) != expected or keyword.get(doc_id, set()) != expected:
            broken.append(doc_id)
    for doc_id in broken:
        store.replace_document(doc_id, [], "")
        indexed.pop(doc_id, None)
    if store.remote is not None and broken:
        store.remote.save_documents({}, {}, broken)


def _file_stat(path: Path) -> list[int]:
    try:
        stat = path.stat()
    except OSError:
        return [-1, -1]
    return [stat.st_size, stat.st_mtime_ns]


def _embedding_groups(
    to_embed: list[tuple[Article, list[Chunk]]],
) -> list[list[tuple[Article, list[Chunk]]]]:
    """Consecutive documents gathered until a group holds about EMBED_GROUP chunks."""
    groups: list[list[tuple[Article, list[Chunk]]]] = [[]]
    size = 0
    for item in to_embed:
        if size and size + len(item[1]) > EMBED_GROUP:
            groups.append([])
            size = 0
        groups[-1].append(item)
        size += len(item[1])
    return [g for g in groups if g]


def _record_document(
    indexed: dict[str, Entry],
    report: SyncReport,
    article: Article,
    n_chunks: int,
    signature: list[Any],
    similar: dict[str, float],
) -> None:
    """The manifest entry of a document just stored, and the count it adds to the report."""
    if article.doc_id in indexed:
        report.updated += 1
    else:
        report.added += 1
    indexed[article.doc_id] = {
        "source": article.source,
        "file": signature,
        "title": article.title,
        "date": article.date,
        "hash": article.content_hash,
        "chunks": n_chunks,
        "acronyms": find_acronyms(article.text),
        "definitions": find_definitions(article.text),
        "currency": currency_notes(article.text),
        "similar": similar,
        "names": lead_names(article.title, article.text),
        "indexed_at": datetime.now(UTC).isoformat(timespec="seconds"),
    }
