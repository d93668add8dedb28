"""The index's bookkeeping with a FAKE embedding model (tests.conftest.FakeEmbeddings): which
chunks, manifest entries and lock holders there are, not how well anything matches."""

from __future__ import annotations

import json
import shutil
import threading
import time
from pathlib import Path

import pytest
from conftest import CORPUS, FakeEmbeddings, make_settings

from askcases.config import Settings
from askcases.errors import IndexBusyError, IndexStateError
from askcases.store.index_store import IndexStore
from askcases.store.lock import HOLDER_FILE, index_lock
from askcases.store.manifest import MANIFEST, RUN_MARK, read_manifest
from askcases.store.sync import sync_index


@pytest.fixture
def fake_index(tmp_path: Path) -> Settings:
    shutil.copytree(CORPUS, tmp_path / "corpus")
    settings = make_settings(tmp_path)
    sync_index(settings, FakeEmbeddings(), quiet=True)
    return settings


def test_manifest_lists_every_article_with_its_hash_and_chunk_count(fake_index: Settings) -> None:
    manifest = read_manifest(fake_index.index_dir)
    assert manifest is not None and manifest["format"] == "askcases-index/3"
    stems = {p.stem for p in CORPUS.glob("*.txt")}
    assert set(manifest["documents"]) == stems
    store = IndexStore(fake_index, FakeEmbeddings())
    stored = store.chunk_ids()
    for doc_id, entry in manifest["documents"].items():
        assert len(entry["hash"]) == 64
        assert stored[doc_id] == {f"{doc_id}#{n}" for n in range(entry["chunks"])}


def test_an_index_built_by_another_chunker_is_refused_with_what_to_do(
    fake_index: Settings,
) -> None:
    other = fake_index.replace(chunk_tokens=64)
    with pytest.raises(IndexStateError, match="chunk_tokens.*askcases index --rebuild"):
        IndexStore(other, FakeEmbeddings()).manifest()


def test_an_unreadable_manifest_says_to_rebuild(fake_index: Settings) -> None:
    (fake_index.index_dir / MANIFEST).write_text("{not json", encoding="utf-8")
    with pytest.raises(IndexStateError, match="unreadable.*--rebuild"):
        IndexStore(fake_index, FakeEmbeddings()).manifest()


def test_the_manifest_is_replaced_whole_never_left_half_written(fake_index: Settings) -> None:
    sync_index(fake_index, FakeEmbeddings(), rebuild=True, quiet=True)
    leftovers = [p.name for p in fake_index.index_dir.iterdir() if p.name.endswith(".tmp")]
    assert leftovers == []
    assert json.loads((fake_index.index_dir / MANIFEST).read_text(encoding="utf-8"))["documents"]


def test_a_second_run_waits_for_the_lock_and_names_its_holder(tmp_path: Path) -> None:
    held = threading.Event()
    release = threading.Event()

    def hold() -> None:
        with index_lock(tmp_path):
            held.set()
            release.wait(10)

    holder = threading.Thread(target=hold)
    holder.start()
    held.wait(10)
    messages: list[str] = []
    try:
        with pytest.raises(IndexBusyError, match=r"pid \d+"):
            with index_lock(tmp_path, wait_s=0.5, on_wait=messages.append):
                pass
    finally:
        release.set()
        holder.join()
    assert len(messages) == 1 and "waiting for another askcases index" in messages[0]
    assert (tmp_path / HOLDER_FILE).read_text().strip().isdigit()
    started = time.monotonic()
    with index_lock(tmp_path, wait_s=5):
        assert time.monotonic() - started < 2  # free again once the holder is done


def test_an_interrupted_run_is_repaired_so_both_sides_match_the_manifest(
    fake_index: Settings,
) -> None:
    store = IndexStore(fake_index, FakeEmbeddings())
    manifest = read_manifest(fake_index.index_dir)
    assert manifest is not None
    # As if killed mid-run: a document's chunks stored but never recorded, and the run's mark left.
    del manifest["documents"]["bnssg-community-dvt-service-2020"]
    (fake_index.index_dir / MANIFEST).write_text(json.dumps(manifest), encoding="utf-8")
    (fake_index.index_dir / RUN_MARK).write_text("{}", encoding="utf-8")
    report = sync_index(fake_index, FakeEmbeddings(), quiet=True)
    assert report.added == 1 and not (fake_index.index_dir / RUN_MARK).exists()
    repaired = read_manifest(fake_index.index_dir)
    assert repaired is not None
    expected = {
        d: {f"{d}#{n}" for n in range(e["chunks"])} for d, e in repaired["documents"].items()
    }
    assert store.chunk_ids() == expected
    assert store.keywords.chunk_ids() == expected
