import json
import shutil
from pathlib import Path

import pytest
from conftest import CountingEmbeddings, make_settings

from askcases.config import Settings
from askcases.errors import IndexStateError, UsageError
from askcases.ingest.articles import import_articles
from askcases.store.index_store import IndexStore
from askcases.store.manifest import MANIFEST
from askcases.store.sync import sync_index

NEW_ARTICLE = """Leg ulcer clinics move into the community

12 January 2023

A community leg ulcer service in Exeter treated 350 patients in its first six months.
The clinics are run by practice nurses in four health centres.
"""


def _chunk_ids(settings: Settings, embeddings: CountingEmbeddings) -> dict[str, set[str]]:
    return IndexStore(settings, embeddings).chunk_ids()


def test_incremental_reindex_embeds_only_what_changed(fresh_corpus: Settings) -> None:
    settings = fresh_corpus
    spy = CountingEmbeddings()
    first = sync_index(settings, spy, quiet=True)
    assert (first.added, first.updated, first.removed, first.unchanged) == (5, 0, 0, 0)
    assert first.chunks == spy.texts_embedded > 0
    before = _chunk_ids(settings, spy)

    # Nothing changed: nothing embedded.
    spy.texts_embedded = 0
    again = sync_index(settings, spy, quiet=True)
    assert (
        again.summary()
        == f"added 0, updated 0, removed 0, unchanged 5 documents; {first.chunks} chunks"
    )
    assert spy.texts_embedded == 0

    # One added, one changed, one deleted: only the added and changed are embedded.
    corpus = settings.corpus_dir
    (corpus / "exeter-leg-ulcers.txt").write_text(NEW_ARTICLE, encoding="utf-8")
    changed = corpus / "sentinel-plymouth-diabetes-case-study.txt"
    changed.write_text(
        changed.read_text(encoding="utf-8").replace("54 avoided", "57 avoided"), "utf-8"
    )
    (corpus / "one-care-community-phlebotomy-2021.txt").unlink()
    spy.texts_embedded = 0
    report = sync_index(settings, spy, quiet=True)
    assert (report.added, report.updated, report.removed, report.unchanged) == (1, 1, 1, 3)
    after = _chunk_ids(settings, spy)
    expected = len(after["exeter-leg-ulcers"]) + len(after["sentinel-plymouth-diabetes-case-study"])
    assert spy.texts_embedded == expected
    assert "one-care-community-phlebotomy-2021" not in after
    assert report.chunks == sum(len(v) for v in after.values())
    for unchanged in ("bnssg-community-dvt-service-2020", "gp-led-health-services-benefits"):
        assert after[unchanged] == before[unchanged]


def test_deleted_article_chunks_leave_the_index(fresh_corpus: Settings) -> None:
    spy = CountingEmbeddings()
    sync_index(fresh_corpus, spy, quiet=True)
    (fresh_corpus.corpus_dir / "gp-led-health-services-benefits.txt").unlink()
    sync_index(fresh_corpus, spy, quiet=True)
    hits = IndexStore(fresh_corpus, spy).search(spy.embed_query("Wigan stroke services"), 40)
    assert hits
    assert all(hit.doc_id != "gp-led-health-services-benefits" for hit in hits)
    manifest = json.loads((fresh_corpus.index_dir / MANIFEST).read_text())
    assert "gp-led-health-services-benefits" not in manifest["documents"]


def test_bad_files_are_reported_and_skipped_while_the_rest_index(fresh_corpus: Settings) -> None:
    corpus = fresh_corpus.corpus_dir
    (corpus / "empty.txt").write_bytes(b"")
    (corpus / "photo.txt").write_bytes(b"\xff\xd8\xff\xe0\x00\x10JFIF\x00")
    (corpus / "slides.pptx").write_bytes(b"PK\x03\x04")
    messages: list[str] = []
    report = sync_index(fresh_corpus, CountingEmbeddings(), quiet=True, report_skip=messages.append)
    assert report.added == 5
    assert len(messages) == 3
    assert any(m.startswith("skipped empty.txt: is empty") for m in messages)
    assert any(m.startswith("skipped photo.txt:") and "not a text file" in m for m in messages)
    assert any(m.startswith("skipped slides.pptx: unsupported file type") for m in messages)
    assert report.skipped and all("\n" not in m for m in report.skipped)


def test_an_article_that_turns_unreadable_keeps_its_indexed_version(fresh_corpus: Settings) -> None:
    spy = CountingEmbeddings()
    sync_index(fresh_corpus, spy, quiet=True)
    (fresh_corpus.corpus_dir / "gp-led-health-services-benefits.txt").write_bytes(b"\x00\x01\x02")
    report = sync_index(fresh_corpus, spy, quiet=True)
    assert report.removed == 0 and len(report.skipped) == 1
    assert report.unchanged == 4
    hits = IndexStore(fresh_corpus, spy).search(spy.embed_query("Wigan stroke"), 3)
    assert hits[0].doc_id == "gp-led-health-services-benefits"


def test_rebuild_starts_over_and_embeds_everything(fresh_corpus: Settings) -> None:
    spy = CountingEmbeddings()
    first = sync_index(fresh_corpus, spy, quiet=True)
    spy.texts_embedded = 0
    again = sync_index(fresh_corpus, spy, rebuild=True, quiet=True)
    assert again.added == 5 and spy.texts_embedded == first.chunks == again.chunks


def test_an_index_read_by_an_earlier_cleaner_is_indexed_again_without_asking(
    fresh_corpus: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    spy = CountingEmbeddings()
    first = sync_index(fresh_corpus, spy, quiet=True)
    path = fresh_corpus.index_dir / MANIFEST
    manifest = json.loads(path.read_text(encoding="utf-8"))
    manifest["cleaner"] = "0"
    path.write_text(json.dumps(manifest), encoding="utf-8")
    with pytest.raises(IndexStateError, match="cleaner='0'.*askcases index"):
        IndexStore(fresh_corpus, spy).manifest()
    spy.texts_embedded = 0
    again = sync_index(fresh_corpus, spy)
    assert again.added == 5 and spy.texts_embedded == first.chunks
    assert "article reader changed" in capsys.readouterr().err
    assert IndexStore(fresh_corpus, spy).manifest()["cleaner"] != "0"


def test_index_built_with_other_chunk_settings_must_be_rebuilt(fresh_corpus: Settings) -> None:
    spy = CountingEmbeddings()
    sync_index(fresh_corpus, spy, quiet=True)
    other = fresh_corpus.replace(chunk_tokens=64)
    with pytest.raises(IndexStateError, match="rebuild"):
        sync_index(other, spy, quiet=True)
    with pytest.raises(IndexStateError, match="chunk_tokens"):
        IndexStore(other, spy).manifest()
    assert sync_index(other, spy, rebuild=True, quiet=True).added == 5


def test_missing_index_says_how_to_build_it(tmp_path: Path) -> None:
    settings = make_settings(tmp_path)
    with pytest.raises(IndexStateError, match="run `askcases index`"):
        IndexStore(settings, CountingEmbeddings()).manifest()


def test_missing_corpus_directory_is_a_usage_error(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="does not exist"):
        sync_index(make_settings(tmp_path), CountingEmbeddings(), quiet=True)


def test_import_copies_good_articles_and_skips_bad_ones(tmp_path: Path) -> None:
    outside = tmp_path / "downloads"
    outside.mkdir()
    good = outside / "exeter-leg-ulcers.txt"
    good.write_text(NEW_ARTICLE, encoding="utf-8")
    bad = outside / "blank.md"
    bad.write_text("\n\n", encoding="utf-8")
    corpus = tmp_path / "corpus"
    sources = [(p.name, p) for p in (good, bad, outside / "missing.txt")]
    copied, skipped = import_articles(sources, corpus, max_mb=20)
    assert copied == [corpus / "exeter-leg-ulcers.txt"]
    assert (corpus / "exeter-leg-ulcers.txt").read_text(encoding="utf-8") == NEW_ARTICLE
    assert [s.split(":")[0] for s in skipped] == ["blank.md", "missing.txt"]
    assert not (corpus / "blank.md").exists()


def test_interrupted_sync_is_finished_by_the_next_one(fresh_corpus: Settings) -> None:
    """A crash after Chroma changed but before the manifest did leaves no duplicates behind."""
    spy = CountingEmbeddings()
    first = sync_index(fresh_corpus, spy, quiet=True)
    manifest_path = fresh_corpus.index_dir / MANIFEST
    manifest = json.loads(manifest_path.read_text())
    del manifest["documents"]["gp-led-health-services-benefits"]
    manifest_path.write_text(json.dumps(manifest))
    report = sync_index(fresh_corpus, spy, quiet=True)
    assert report.added == 1 and report.chunks == first.chunks
    assert IndexStore(fresh_corpus, spy).dense.count() == first.chunks
    shutil.rmtree(fresh_corpus.index_dir)


def test_files_with_unchanged_size_and_time_are_not_read_again(
    fresh_corpus: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    import askcases.store.sync as index_module

    spy = CountingEmbeddings()
    sync_index(fresh_corpus, spy, quiet=True)
    read: list[str] = []
    real_load = index_module.load_article

    def counting_load(path: Path) -> object:
        read.append(path.name)
        return real_load(path)

    monkeypatch.setattr(index_module, "load_article", counting_load)
    (fresh_corpus.corpus_dir / "exeter-leg-ulcers.txt").write_text(NEW_ARTICLE, encoding="utf-8")
    touched = fresh_corpus.corpus_dir / "sentinel-plymouth-diabetes-case-study.txt"
    touched.write_bytes(touched.read_bytes())  # same text, new modification time
    spy.texts_embedded = 0
    report = sync_index(fresh_corpus, spy, quiet=True)
    assert sorted(read) == ["exeter-leg-ulcers.txt", touched.name]
    assert (report.added, report.updated, report.unchanged) == (1, 0, 5)
    assert spy.texts_embedded == report.chunks - _total_chunks_before_exeter(fresh_corpus)

    read.clear()
    sync_index(fresh_corpus, spy, quiet=True)
    assert read == []  # the touched file's new time was recorded


def _total_chunks_before_exeter(settings: Settings) -> int:
    manifest = json.loads((settings.index_dir / MANIFEST).read_text(encoding="utf-8"))
    return sum(e["chunks"] for d, e in manifest["documents"].items() if d != "exeter-leg-ulcers")


def test_outcomes_table_after_adding_an_article_equals_a_full_rebuild(
    fresh_corpus: Settings, tmp_path: Path
) -> None:
    spy = CountingEmbeddings()
    sync_index(fresh_corpus, spy, quiet=True)
    before = IndexStore(fresh_corpus, spy).outcomes()
    (fresh_corpus.corpus_dir / "exeter-leg-ulcers.txt").write_text(
        NEW_ARTICLE + "The Exeter service cut waiting times from 12 weeks to 2 weeks.\n",
        encoding="utf-8",
    )
    sync_index(fresh_corpus, spy, quiet=True)
    incremental = IndexStore(fresh_corpus, spy).outcomes()
    assert [r for r in incremental if r.doc_id == "exeter-leg-ulcers"]
    assert [r for r in incremental if r.doc_id != "exeter-leg-ulcers"] == before

    rebuilt = make_settings(tmp_path / "rebuilt", corpus=fresh_corpus.corpus_dir)
    sync_index(rebuilt, spy, quiet=True)
    assert IndexStore(rebuilt, spy).outcomes() == incremental
