"""Articles in the corpus: reading one file into an Article, which files of a corpus directory
are articles, and the one check every new article passes, whether it comes from
`askcases index PATH` or an upload in the web chat (same size limit, same name sanitising).

Leaves out: scanned PDFs (no OCR), language detection, and any network look-up.
"""

from __future__ import annotations

import dataclasses
import hashlib
import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

from askcases.errors import ArticleError, UsageError
from askcases.ingest.cleaning import clean_article_text
from askcases.ingest.loaders import (
    decode_text,
    html_lines,
    html_published,
    markdown_lines,
    pdf_lines,
    unwrapped_lines,
)
from askcases.types import Article

SUPPORTED_SUFFIXES = (".txt", ".md", ".html", ".htm", ".pdf")
# the loaders, the cleaner, the sentence splitter and the chunker: a change re-chunks every article
CLEANER_VERSION = "15"
MAX_ARTICLE_MB = 20  # a case study is tens of kB; a bigger file is most likely not one


def load_article(path: Path, name: str | None = None) -> Article:
    """Read one article file; raise ArticleError, with the file's name, when it cannot be used.
    `name` is the file name it will have in the corpus, when that differs from `path`'s."""
    shown = Path(name or path.name)
    suffix = shown.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        raise ArticleError(
            f"{shown.name}: unsupported file type {suffix or '(none)'}; "
            f"use one of {', '.join(SUPPORTED_SUFFIXES)}"
        )
    try:
        size = path.stat().st_size
        if size > MAX_ARTICLE_MB * 2**20:
            raise ArticleError(
                f"{shown.name}: too large ({size / 2**20:.1f} MB; an article may be at most "
                f"{MAX_ARTICLE_MB} MB); split it into articles"
            )
        data = path.read_bytes()
    except OSError as exc:
        raise ArticleError(f"{shown.name}: cannot be read ({exc.strerror or exc})") from None
    published = None
    try:
        if suffix == ".pdf":
            if not data.strip():
                raise ArticleError("is empty")
            lines = pdf_lines(data)
        elif suffix in (".html", ".htm"):
            raw = decode_text(data)
            lines, _ = html_lines(raw)
            published = html_published(raw)
        elif suffix == ".md":
            lines = markdown_lines(decode_text(data))
        else:
            lines = unwrapped_lines(decode_text(data))
        cleaned = clean_article_text(lines)
        if cleaned.date is None and published is not None:
            cleaned = dataclasses.replace(cleaned, date=published)
    except ArticleError as exc:
        raise ArticleError(f"{shown.name}: {exc}") from None
    digest = hashlib.sha256(
        "\x1f".join([CLEANER_VERSION, cleaned.title, cleaned.date or "", cleaned.text]).encode()
    ).hexdigest()
    return Article(
        doc_id=shown.stem,
        title=cleaned.title,
        date=cleaned.date,
        text=cleaned.text,
        content_hash=digest,
        source=shown.name,
    )


def corpus_files(corpus_dir: Path) -> list[Path]:
    """Every file (or link) in a corpus directory, sorted; see `corpus_problem` for which of
    them are not articles."""
    if not corpus_dir.is_dir():
        return []
    with os.scandir(corpus_dir) as entries:
        names = sorted(
            e.name
            for e in entries
            if e.is_symlink()
            or e.is_file()
            or (e.is_dir() and Path(e.name).suffix.lower() in SUPPORTED_SUFFIXES)
        )
    return [corpus_dir / name for name in names]


def corpus_problem(path: Path, corpus_dir: Path) -> str | None:
    """Why a corpus entry is not an article, as a skip message; None when it may be one."""
    if path.name.startswith("."):
        return f"{path.name}: hidden file (its name starts with a dot); rename it to index it"
    if path.name.startswith("~"):
        return f"{path.name}: an editor's temporary file; ignored"
    if path.is_dir() and not path.is_symlink():
        return f"{path.name}: a folder, not an article; articles go directly in the corpus"
    if path.is_symlink():
        try:
            target = path.resolve(strict=True)
        except (OSError, RuntimeError):  # a loop of links, or a link to nothing
            return f"{path.name}: a link to nothing readable; remove it or copy the file in"
        if not target.is_file():
            return f"{path.name}: a link to nothing readable; remove it or copy the file in"
        if not target.is_relative_to(corpus_dir.resolve()):
            return (
                f"{path.name}: a link to a file outside the corpus ({target}); "
                "copy the file into the corpus instead"
            )
    return None


def iter_corpus(corpus_dir: Path) -> Iterator[tuple[Path, Article | ArticleError]]:
    """Each file of the corpus with its Article, or the ArticleError that says why it is skipped."""
    for path in corpus_files(corpus_dir):
        problem = corpus_problem(path, corpus_dir)
        if problem is not None:
            yield path, ArticleError(problem)
            continue
        try:
            yield path, load_article(path)
        except ArticleError as exc:
            yield path, exc


_UNSAFE = re.compile(r"[^A-Za-z0-9._ -]+")


MAX_STEM = 120  # characters of a new article's name kept (file systems allow 255 bytes)


def safe_name(name: str) -> str:
    """A corpus file name from a given one: no folders, no leading dot, plain characters."""
    base = Path(name.replace("\\", "/")).name
    stem, suffix = Path(base).stem, Path(base).suffix.lower()
    clean = _UNSAFE.sub("-", stem).strip(" .-")[:MAX_STEM].rstrip(" .-")
    if not clean:
        raise UsageError(f"{name!r} is not a usable file name")
    return f"{clean}{suffix}"


def check_new_article(original: str, path: Path, corpus_dir: Path, max_mb: int) -> Path:
    """Where a new article goes in the corpus, after the checks every new article passes (from
    the command line or an upload): a plain name of a supported type, inside the corpus, within
    the size limit, and readable as an article. UsageError or ArticleError says why not."""
    name = safe_name(original)
    if Path(name).suffix not in SUPPORTED_SUFFIXES:
        raise UsageError(f"only {', '.join(SUPPORTED_SUFFIXES)} files can be added")
    if not path.is_file():
        raise UsageError("no such file")
    if path.stat().st_size > max_mb * 2**20:
        raise UsageError(f"larger than the {max_mb} MB limit")
    target = (corpus_dir / name).resolve()
    if target.parent != corpus_dir.resolve():
        raise UsageError("the name leaves the corpus folder")
    load_article(path, name)
    return target


def import_articles(
    sources: list[tuple[str, Path]], corpus_dir: Path, max_mb: int
) -> tuple[list[Path], list[str]]:
    """Copy each (given name, file) that passes `check_new_article` into the corpus, replacing
    an article of the same name; return (the corpus files written, one skip message each)."""
    corpus_dir.mkdir(parents=True, exist_ok=True)
    copied: list[Path] = []
    skipped: list[str] = []
    for original, path in sources:
        try:
            target = check_new_article(original, path, corpus_dir, max_mb)
        except (UsageError, ArticleError) as exc:
            message = str(exc)
            prefix = f"{Path(original).name}: "
            skipped.append(message if message.startswith(prefix) else prefix + message)
            continue
        if target != path.resolve():
            # Copied beside the target, then renamed: an index run never reads half a file.
            partial = target.with_name(f".{target.name}.part")
            try:
                shutil.copyfile(path, partial)
                os.replace(partial, target)
            except OSError as exc:
                partial.unlink(missing_ok=True)
                skipped.append(f"{Path(original).name}: cannot be copied ({exc.strerror or exc})")
                continue
        copied.append(target)
    return copied, skipped
