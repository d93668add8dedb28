"""The keyword side of the index: BM25 over the same chunks, in SQLite FTS5 (keywords.sqlite3).

Rows are added and deleted per document by `askcases index`, in one transaction each, beside the
Chroma collection (and, in server mode, by the refresh from the server); a question only
queries it. FTS5's porter tokenizer stems English words, and
its bm25() ranks. Beside the chunks, each article's distinct words are one row of
document_words, so that how many articles mention a word is counted without reading every
chunk that does. Leaves out: phrase and proximity queries.
"""

from __future__ import annotations

import re
import sqlite3
import threading
from collections.abc import Callable, Collection, Mapping
from pathlib import Path
from types import MappingProxyType
from typing import Any, TypeVar

from cachetools import LRUCache

from askcases.text.claims import table_cells
from askcases.text.lexicon import STOPWORDS, stem
from askcases.text.sentences import is_section_heading
from askcases.types import Chunk, Filters, ScoredChunk, date_number

T = TypeVar("T")

FILENAME = "keywords.sqlite3"
_SCHEMA = """
CREATE TABLE IF NOT EXISTS chunks (
    chunk_id TEXT PRIMARY KEY, doc_id TEXT NOT NULL, title TEXT NOT NULL, date TEXT NOT NULL,
    date_num INTEGER NOT NULL, start INTEGER NOT NULL, end INTEGER NOT NULL, text TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS chunks_doc ON chunks(doc_id);
CREATE VIRTUAL TABLE IF NOT EXISTS chunk_text USING fts5(
    chunk_id UNINDEXED, text, tokenize = 'porter unicode61 remove_diacritics 2'
);
CREATE VIRTUAL TABLE IF NOT EXISTS chunk_terms USING fts5vocab(chunk_text, 'row');
CREATE TABLE IF NOT EXISTS documents (id INTEGER PRIMARY KEY, doc_id TEXT NOT NULL UNIQUE);
CREATE VIRTUAL TABLE IF NOT EXISTS document_words USING fts5(
    words, tokenize = 'porter unicode61 remove_diacritics 2', detail = none
);
"""
# PRAGMA user_version of a database whose document_words rows are filled: a database made before
# that table existed is filled from its chunks when first opened.
DOCUMENT_WORDS = 1
_TOKEN = re.compile(r"[^\W_]+", re.UNICODE)


HEADINGS_CACHE = 4096  # articles whose headings, tables and chunk texts are kept, per thread


def query_words(text: str) -> list[str]:
    """The words of `text` to search for: stop words left out, unless nothing else is left."""
    words = dict.fromkeys(w.lower() for w in _TOKEN.findall(text) if len(w) > 1 or w.isdigit())
    return [w for w in words if w not in STOPWORDS] or list(words)


def fts_query(text: str | list[str]) -> str:
    """Any of the words, each quoted so that no character acts as FTS5 syntax. Stop words match
    nearly every chunk: BM25 would score them all for almost nothing."""
    words = query_words(text) if isinstance(text, str) else text
    return " OR ".join(f'"{w}"' for w in words)


# A word found in more chunks than this share of the index (and at least COMMON_MIN) is left out
# of a query when rarer words remain: it adds little to BM25 and makes it score nearly every chunk.
COMMON_SHARE = 0.08
COMMON_MIN = 2000
COMMON_CACHE = 50_000  # query words whose commonness a connection remembers


def sql_where(filters: Filters | None) -> tuple[str, list[Any]] | None:
    """`filters` as an SQL condition over the chunks table (an undated article fails any date
    bound), with its parameters."""
    if filters is None or not filters.active:
        return None
    conditions: list[str] = []
    params: list[Any] = []
    if filters.low is not None:
        conditions.append("c.date_num >= ?")
        params.append(filters.low)
    if filters.high is not None:
        conditions.append("c.date_num <= ? AND c.date_num > 0")
        params.append(filters.high)
    if filters.doc_ids:
        conditions.append(f"c.doc_id IN ({', '.join('?' for _ in filters.doc_ids)})")
        params.extend(filters.doc_ids)
    return " AND ".join(conditions), params


class KeywordIndex:
    """One SQLite database; a connection per thread, since a server asks from many threads."""

    def __init__(self, index_dir: Path) -> None:
        self.path = index_dir / FILENAME
        self._local = threading.local()

    def _db(self) -> sqlite3.Connection:
        db: sqlite3.Connection | None = getattr(self._local, "db", None)
        if db is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            db = sqlite3.connect(self.path, timeout=30)
            db.execute("PRAGMA journal_mode=WAL")
            db.executescript(_SCHEMA)
            if db.execute("PRAGMA user_version").fetchone()[0] < DOCUMENT_WORDS:
                self._fill_document_words(db)
            self._local.db = db
            self._local.version = None
            self._local.common = LRUCache(maxsize=COMMON_CACHE)
        return db

    @staticmethod
    def _fill_document_words(db: sqlite3.Connection) -> None:
        """Every article's words, one row each, from its chunks (once, for a database made
        before they were kept)."""
        with db:
            db.execute("BEGIN IMMEDIATE")
            if db.execute("PRAGMA user_version").fetchone()[0] >= DOCUMENT_WORDS:
                return  # another process filled them first
            db.execute("DELETE FROM document_words")
            db.execute("DELETE FROM documents")
            doc_ids = [r[0] for r in db.execute("SELECT DISTINCT doc_id FROM chunks")]
            for doc_id in doc_ids:
                rows = db.execute(
                    "SELECT title, text FROM chunks WHERE doc_id = ?", (doc_id,)
                ).fetchall()
                KeywordIndex._add_words(db, doc_id, rows[0][0], [r[1] for r in rows])
            db.execute(f"PRAGMA user_version = {DOCUMENT_WORDS}")

    @staticmethod
    def _add_words(db: sqlite3.Connection, doc_id: str, title: str, texts: list[str]) -> None:
        """One article's distinct words, as one row of document_words."""
        words = dict.fromkeys(w.lower() for t in [title, *texts] for w in _TOKEN.findall(t))
        row = db.execute("INSERT INTO documents (doc_id) VALUES (?)", (doc_id,)).lastrowid
        db.execute(
            "INSERT INTO document_words (rowid, words) VALUES (?, ?)", (row, " ".join(words))
        )

    def _common_words(self, db: sqlite3.Connection, words: list[str]) -> set[str]:
        """Those of `words` found in more chunks than the common-word limit (cached until the
        index changes)."""
        version = db.execute("PRAGMA data_version").fetchone()[0]
        if version != self._local.version:
            self._local.version = version
            total = db.execute("SELECT count(*) FROM chunks").fetchone()[0]
            self._local.limit = max(COMMON_MIN, int(total * COMMON_SHARE))
            self._local.common = LRUCache(maxsize=COMMON_CACHE)
        limit, known = self._local.limit, self._local.common
        for word in words:
            if word not in known:
                found = db.execute(
                    "SELECT count(*) FROM (SELECT rowid FROM chunk_text WHERE chunk_text MATCH ? "
                    "LIMIT ?)",
                    (f'"{word}"', limit + 1),
                ).fetchone()[0]
                known[word] = found > limit
        return {w for w in words if known[w]}

    def exists(self) -> bool:
        return self.path.exists()

    def replace_documents(self, documents: list[tuple[str, list[Chunk]]]) -> None:
        """Several documents' rows replaced in one transaction."""
        db = self._db()
        with db:
            for doc_id, chunks in documents:
                self._replace(db, doc_id, chunks)
        self._local.version = None  # this connection's own writes do not change data_version

    @staticmethod
    def _replace(db: sqlite3.Connection, doc_id: str, chunks: list[Chunk]) -> None:
        ids = [r[0] for r in db.execute("SELECT chunk_id FROM chunks WHERE doc_id = ?", (doc_id,))]
        db.executemany("DELETE FROM chunk_text WHERE chunk_id = ?", [(i,) for i in ids])
        db.execute("DELETE FROM chunks WHERE doc_id = ?", (doc_id,))
        row = db.execute("SELECT id FROM documents WHERE doc_id = ?", (doc_id,)).fetchone()
        if row is not None:
            db.execute("DELETE FROM document_words WHERE rowid = ?", (row[0],))
            db.execute("DELETE FROM documents WHERE id = ?", (row[0],))
        if chunks:
            KeywordIndex._add_words(db, doc_id, chunks[0].title, [c.text for c in chunks])
        db.executemany(
            "INSERT INTO chunks VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [
                (
                    c.chunk_id,
                    c.doc_id,
                    c.title,
                    c.date or "",
                    date_number(c.date),
                    c.start,
                    c.end,
                    c.text,
                )
                for c in chunks
            ],
        )
        db.executemany(
            "INSERT INTO chunk_text (chunk_id, text) VALUES (?, ?)",
            [(c.chunk_id, f"{c.title}\n{c.text}") for c in chunks],
        )

    def chunk_ids(self) -> dict[str, set[str]]:
        ids: dict[str, set[str]] = {}
        for chunk_id, doc_id in self._db().execute("SELECT chunk_id, doc_id FROM chunks"):
            ids.setdefault(doc_id, set()).add(chunk_id)
        return ids

    def search(
        self, text: str, k: int, where: tuple[str, list[Any]] | None = None
    ) -> list[ScoredChunk]:
        """Top-k chunks by BM25: (metadata, text, score where higher is better), best first.

        `where` is an SQL condition over the chunks table's columns, with its parameters.
        """
        words = query_words(text)
        if not words or not self.path.exists():
            return []
        db = self._db()
        common = self._common_words(db, words)
        query = fts_query([w for w in words if w not in common] or words)
        if where is None:
            # FTS5 ranks by its own `rank` alone fastest; the top rows are then looked up.
            rows = db.execute(
                """SELECT c.chunk_id, c.doc_id, c.title, c.date, c.start, c.end, c.text, t.rank
                FROM (SELECT chunk_id, rank FROM chunk_text WHERE chunk_text MATCH ?
                      ORDER BY rank LIMIT ?) t
                JOIN chunks c ON c.chunk_id = t.chunk_id ORDER BY t.rank, c.chunk_id""",
                [query, k],
            ).fetchall()
        else:
            condition, params = where
            rows = db.execute(
                f"""SELECT c.chunk_id, c.doc_id, c.title, c.date, c.start, c.end, c.text,
                       bm25(chunk_text) AS rank
                FROM chunk_text JOIN chunks c ON c.chunk_id = chunk_text.chunk_id
                WHERE chunk_text MATCH ? AND {condition}
                ORDER BY rank, c.chunk_id LIMIT ?""",
                [query, *params, k],
            ).fetchall()
        return [
            ScoredChunk(r[0], r[1], r[2], r[3] or None, r[6], int(r[4]), int(r[5]), -float(r[7]))
            for r in rows
        ]

    def vocabulary(self) -> Mapping[str, int]:
        """Every stem in the index -> how many chunks hold it (cached until the index changes)."""
        db = self._db()
        version = db.execute("PRAGMA data_version").fetchone()[0]
        cached = getattr(self._local, "vocabulary", None)
        if cached is None or cached[0] != version or self._local.version is None:
            terms = {t: int(n) for t, n in db.execute("SELECT term, doc FROM chunk_terms")}
            cached = (version, terms)
            self._local.vocabulary = cached
        return MappingProxyType(cached[1])

    def surface_word(self, term: str) -> str | None:
        """A word of the indexed text whose stem is `term`, as written there."""
        db = self._db()
        row = db.execute(
            "SELECT text FROM chunk_text WHERE chunk_text MATCH ? LIMIT 1", (f'"{term}"',)
        ).fetchone()
        if row is None:
            return None
        for word in _TOKEN.findall(row[0]):
            if stem(word) == term:
                return str(word)
        return None

    def written_capitalised(self, term: str, word: str | None = None) -> bool:
        """Whether the indexed text writes words of this stem with a capital inside a sentence,
        as it writes names ("Wigan", "BNSSG"), in the chunks that hold it (a sample of twenty; a
        title or heading repeated in each chunk counts once).
        With `word`, that very word must also be written there, always with a capital: "read"
        is not "Reading", though both stem to "read"; "planned" is no name for "Planned Care"
        when "plan" and "plans" are written in lower case."""
        db = self._db()
        rows = db.execute(
            "SELECT text FROM chunk_text WHERE chunk_text MATCH ? LIMIT 20", (f'"{term}"',)
        ).fetchall()
        seen = capitalised = seen_word = capitalised_word = 0
        places: set[str] = set()
        for (text,) in rows:
            for found in re.finditer(r"(?<=[a-z,] )([A-Za-z][A-Za-z'’-]*)", text):
                written = found.group(1)
                if stem(written.lower()) != term:
                    continue
                # a title or heading repeated in each chunk is one place where it is written
                place = text[max(0, found.start() - 30) : found.end()]
                if place in places:
                    continue
                places.add(place)
                seen += 1
                capitalised += written[:1].isupper()
                # "St Aldric's" writes the name "Aldric"
                if word is not None and written.lower().removesuffix("'s").removesuffix(
                    "\u2019s"
                ) == word.lower().removesuffix("'s").removesuffix("\u2019s"):
                    seen_word += 1
                    capitalised_word += written[:1].isupper()
        if word is not None and not (seen_word > 0 and capitalised_word == seen_word):
            return False
        return seen > 0 and capitalised == seen

    def _per_article(self, name: str, doc_id: str, compute: Callable[[sqlite3.Connection], T]) -> T:
        """What `compute` reads of an indexed article, kept per thread (in the cache of this
        name) until the index changes."""
        db = self._db()
        version = db.execute("PRAGMA data_version").fetchone()[0]
        cache: LRUCache[tuple[str, int], T] | None = getattr(self._local, name, None)
        if cache is None:
            cache = LRUCache(maxsize=HEADINGS_CACHE)
            setattr(self._local, name, cache)
        found = cache.get((doc_id, version))
        if found is None:
            found = cache[(doc_id, version)] = compute(db)
        return found

    def headings(self, doc_id: str) -> tuple[tuple[int, str], ...]:
        """The section headings of an indexed article ("RAVELSTOKE", "2. Results", "Slide 3:
        The model"), each with its offset in the article's text, first to last."""

        def compute(db: sqlite3.Connection) -> tuple[tuple[int, str], ...]:
            return tuple(
                (offset, line.strip())
                for offset, line in self._article_lines(db, doc_id)
                if is_section_heading(line)
            )

        return self._per_article("headings", doc_id, compute)

    def chunk_texts(self, doc_id: str) -> tuple[str, ...]:
        """The texts of an indexed article's chunks, first to last."""

        def compute(db: sqlite3.Connection) -> tuple[str, ...]:
            rows = db.execute(
                "SELECT text FROM chunks WHERE doc_id = ? ORDER BY start", (doc_id,)
            ).fetchall()
            return tuple(str(row[0]) for row in rows)

        return self._per_article("chunk_texts", doc_id, compute)

    def section_bodies(self, doc_id: str) -> tuple[str, ...]:
        """The text under each of an indexed article's headings (KeywordIndex.headings), up to
        the next heading."""

        def compute(db: sqlite3.Connection) -> tuple[str, ...]:
            bodies: list[list[str]] = []
            for _, line in self._article_lines(db, doc_id):
                if is_section_heading(line):
                    bodies.append([])
                elif bodies:
                    bodies[-1].append(line)
            return tuple("\n".join(lines) for lines in bodies)

        return self._per_article("bodies", doc_id, compute)

    @staticmethod
    def _article_lines(db: sqlite3.Connection, doc_id: str) -> list[tuple[int, str]]:
        """The lines of an indexed article's chunks, each with its offset in the article's
        text, first to last; where chunks overlap, the longest reading of a line (a chunk may
        end inside it)."""
        rows = db.execute(
            "SELECT start, text FROM chunks WHERE doc_id = ? ORDER BY start", (doc_id,)
        ).fetchall()
        lines: dict[int, str] = {}
        for start, text in rows:
            offset = int(start)
            for line in text.split("\n"):
                if len(line) > len(lines.get(offset, "")):
                    lines[offset] = line
                offset += len(line) + 1
        return sorted(lines.items())

    def table_headers(self, doc_id: str) -> tuple[tuple[int, int, str], ...]:
        """The tables of an indexed article ("| Measure | Baseline 2021/22 | ... |" and the rows
        below it), each as the offsets of its first line and of the end of its last in the
        article's text, and its first line, the header: a row a chunk cuts from its header is
        read with it."""

        def compute(db: sqlite3.Connection) -> tuple[tuple[int, int, str], ...]:
            tables: list[tuple[int, int, str]] = []
            next_line = -1  # where the line after the last table row starts
            for offset, line in self._article_lines(db, doc_id):
                if table_cells(line.strip()) is None:
                    continue
                if tables and offset == next_line:
                    first, _, header = tables[-1]
                    tables[-1] = (first, offset + len(line), header)
                else:
                    tables.append((offset, offset + len(line), line.strip()))
                next_line = offset + len(line) + 1
            return tuple(tables)

        return self._per_article("tables", doc_id, compute)

    def document_count(self, words: list[str], limit: int) -> int:
        """How many documents' chunks or titles hold any of `words` (stemmed as the text is),
        counted up to limit + 1."""
        words = [w for w in dict.fromkeys(words) if _TOKEN.fullmatch(w)]
        if not words or not self.path.exists():
            return 0
        row = (
            self._db()
            .execute(
                "SELECT count(*) FROM (SELECT rowid FROM document_words "
                "WHERE document_words MATCH ? LIMIT ?)",
                (fts_query(words), limit + 1),
            )
            .fetchone()
        )
        return int(row[0])

    def documents_with(self, words: list[str], among: Collection[str] | None = None) -> set[str]:
        """The documents whose chunks or titles hold any of `words` (stemmed as the text is), of
        those `among` when given."""
        words = [w for w in dict.fromkeys(words) if _TOKEN.fullmatch(w)]
        if not words or not self.path.exists() or (among is not None and not among):
            return set()
        db = self._db()
        if among is None:
            rows = db.execute(
                "SELECT d.doc_id FROM document_words w JOIN documents d ON d.id = w.rowid "
                "WHERE document_words MATCH ?",
                (fts_query(words),),
            ).fetchall()
        else:
            chosen = sorted(set(among))
            rows = db.execute(
                f"SELECT d.doc_id FROM documents d WHERE d.doc_id IN "
                f"({', '.join('?' for _ in chosen)}) AND d.id IN "
                "(SELECT rowid FROM document_words WHERE document_words MATCH ?)",
                (*chosen, fts_query(words)),
            ).fetchall()
        return {str(r[0]) for r in rows}

    def clear(self) -> None:
        db = self._db()
        with db:
            db.execute("DELETE FROM chunk_text")
            db.execute("DELETE FROM chunks")
            db.execute("DELETE FROM document_words")
            db.execute("DELETE FROM documents")
        self._local.version = None
