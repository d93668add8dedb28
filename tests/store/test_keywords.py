"""The keyword index's record of which articles mention a word, as articles are added, replaced
and removed, and in a database made before that record was kept."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from askcases.store.keywords import FILENAME, KeywordIndex
from askcases.types import Chunk


def _chunks(doc_id: str, title: str, *texts: str) -> list[Chunk]:
    chunks, start = [], 0
    for n, text in enumerate(texts):
        end = start + len(text)
        chunks.append(Chunk(f"{doc_id}#{n}", doc_id, title, None, text, start, end, 9))
        start += len(text) + 1
    return chunks


def _library(index_dir: Path) -> KeywordIndex:
    keywords = KeywordIndex(index_dir)
    keywords.replace_documents(
        [
            ("wigan", _chunks("wigan", "Wigan stroke unit", "Stays fell.", "Clots were treated.")),
            ("leeds", _chunks("leeds", "Leeds phlebotomy", "Blood tests at the surgery.")),
            ("bath", _chunks("bath", "Bath diabetes clinic", "Sugar levels were checked.")),
        ]
    )
    return keywords


def test_articles_that_mention_a_word_in_any_chunk_or_title_are_found(tmp_path: Path) -> None:
    keywords = _library(tmp_path)
    assert keywords.documents_with(["clot"]) == {"wigan"}  # stemmed as the text is
    assert keywords.documents_with(["stroke", "sugar"]) == {"wigan", "bath"}
    assert keywords.documents_with(["stroke", "sugar"], among=["bath", "leeds"]) == {"bath"}
    assert keywords.documents_with(["stroke"], among=[]) == set()
    assert keywords.document_count(["stroke", "sugar", "blood"], 1) == 2  # counted to limit + 1
    assert keywords.document_count(["dementia"], 5) == 0


def test_a_replaced_or_removed_article_is_no_longer_found(tmp_path: Path) -> None:
    keywords = _library(tmp_path)
    keywords.replace_documents([("wigan", _chunks("wigan", "Wigan falls service", "Falls fell."))])
    assert keywords.documents_with(["stroke"]) == set()
    assert keywords.documents_with(["falls"]) == {"wigan"}
    keywords.replace_documents([("leeds", [])])
    assert keywords.documents_with(["blood"]) == set()
    assert keywords.document_count(["wigan", "leeds", "bath"], 5) == 2
    keywords.clear()
    assert keywords.document_count(["wigan", "bath"], 5) == 0


def test_a_database_made_before_articles_words_were_kept_is_filled_when_opened(
    tmp_path: Path,
) -> None:
    _library(tmp_path)
    db = sqlite3.connect(tmp_path / FILENAME)
    with db:
        db.execute("DROP TABLE document_words")
        db.execute("DROP TABLE documents")
        db.execute("PRAGMA user_version = 0")
    db.close()
    keywords = KeywordIndex(tmp_path)
    assert keywords.documents_with(["clot", "sugar"]) == {"wigan", "bath"}
    assert keywords.document_count(["blood"], 5) == 1
