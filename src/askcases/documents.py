"""Load an article file, clean the site chrome from it, and find its title, date and hash.

Leaves out: scanned PDFs (no OCR), language detection, and any network look-up.
"""

from __future__ import annotations

import codecs
import hashlib
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from askcases.errors import ArticleError

SUPPORTED_SUFFIXES = (".txt", ".md", ".html", ".htm", ".pdf")
CLEANER_VERSION = "1"
MAX_ARTICLE_MB = 20  # a case study is tens of kB; a bigger file is most likely not one


@dataclass(frozen=True)
class Article:
    doc_id: str  # the file's stem
    title: str
    date: str | None  # ISO yyyy-mm-dd, where the article states a publication date
    text: str  # cleaned article text; every offset in askcases points into this
    content_hash: str  # sha256 of title, date and text
    source: str  # file name inside the corpus


MONTHS = {
    m: i + 1
    for i, m in enumerate(
        "january february march april may june july august september october november "
        "december".split()
    )
}
MONTHS.update({m[:3]: n for m, n in list(MONTHS.items())})
MONTHS["sept"] = 9
_MONTH = r"(?P<month>" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\.?"
_WEEKDAY = r"(?:(?:mon|tues|wednes|thurs|fri|satur|sun)day,?\s+)?"
_DAY = r"(?P<day>\d{1,2})(?:st|nd|rd|th)?"
_YEAR = r"(?P<year>(?:19|20)\d{2})"
_DATE_FORMS = [
    re.compile(_WEEKDAY + _DAY + r"\s+(?:of\s+)?" + _MONTH + r",?\s+" + _YEAR, re.I),
    re.compile(_WEEKDAY + _MONTH + r"\s+" + _DAY + r",?\s+" + _YEAR, re.I),
    re.compile(_YEAR + r"-(?P<m>\d{2})-(?P<day>\d{2})"),
    re.compile(r"(?P<day>\d{1,2})/(?P<m>\d{1,2})/" + _YEAR),
]
_DATE_PREFIX = re.compile(
    r"^(?:published|posted|updated|date|first published)(?:\s+on)?:?\s*", re.I
)
_BULLET = re.compile(r"^[•·▪●◦\-*–]\s*")

_CHROME_LINES = re.compile(
    r"^(?:log ?in|log ?out|sign ?in|sign ?up|register|menu|search|home|skip to (?:main )?content|"
    r"print(?: this page)?|email|share|tweet|back to top|accept(?: all)? cookies|"
    r"leave a (?:reply|comment)|post your comment|your email address:?|"
    r"share this (?:page|article|story)|comments?|reply)$",
    re.I,
)
# Markers that open the comment form or page footer: the article ends before them.
_FOOTER_MARKERS = re.compile(
    r"^(?:share this (?:page|article|story)|leave a (?:reply|comment)|there are no comments|"
    r"post your comment|only registered users can comment|comments \(\d+\)|related articles)"
    r"|\|\s*tagged\b",
    re.I,
)
_FOOTER_LINES = re.compile(r"^(?:©|copyright\b|\(c\)\s|all rights reserved)", re.I)


def parse_date(line: str) -> date | None:
    """The date a line states when the whole line is one ("03 March 2020", "November 16, 2021")."""
    body = _DATE_PREFIX.sub("", _BULLET.sub("", line.strip())).strip(" .")
    for form in _DATE_FORMS:
        found = form.fullmatch(body)
        if not found:
            continue
        groups = found.groupdict()
        month = MONTHS[groups["month"].lower()] if groups.get("month") else int(groups["m"])
        try:
            return date(int(groups["year"]), month, int(groups["day"]))
        except ValueError:
            return None
    return None


def _plain_lines(raw: str) -> list[str]:
    text = (
        raw.replace("\r\n", "\n").replace("\r", "\n").replace("\u00a0", " ").replace("\ufeff", "")
    )
    return [re.sub(r"[ \t]+", " ", line).strip() for line in text.split("\n")]


def _markdown_to_lines(raw: str) -> list[str]:
    lines = []
    for line in _plain_lines(raw):
        line = re.sub(r"^#{1,6}\s+", "", line)
        line = re.sub(r"!\[[^\]]*\]\([^)]*\)", "", line)
        line = re.sub(r"\[([^\]]+)\]\([^)]*\)", r"\1", line)
        line = re.sub(r"(\*\*|__)(.+?)\1", r"\2", line)
        lines.append(line)
    return lines


def _pdf_to_lines(data: bytes) -> list[str]:
    import io

    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            raise ArticleError("is an encrypted PDF; save it without a password and add it again")
        text = "\n".join(page.extract_text() or "" for page in reader.pages)
    except ArticleError:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, OSError) as exc:
        raise ArticleError(f"is not a readable PDF ({type(exc).__name__})") from None
    # PDF text breaks lines inside paragraphs; a blank line or a short line ends a paragraph.
    paragraphs: list[str] = []
    current: list[str] = []
    for line in _plain_lines(text):
        if not line:
            if current:
                paragraphs.append(" ".join(current))
                current = []
            continue
        current.append(line)
        if len(line) < 60 or line.endswith((".", ":", "?", "!")) and len(line) < 80:
            paragraphs.append(" ".join(current))
            current = []
    if current:
        paragraphs.append(" ".join(current))
    return paragraphs


def _html_to_lines(raw: str) -> tuple[list[str], str | None]:
    import trafilatura

    extracted = trafilatura.extract(
        raw, include_comments=False, include_tables=True, output_format="txt", favor_recall=True
    )
    meta = trafilatura.extract_metadata(raw)
    title = meta.title if meta is not None and meta.title else None
    lines = _plain_lines(extracted or "")
    if title and not any(line == title for line in lines[:3]):
        lines.insert(0, title)
    return lines, title


@dataclass(frozen=True)
class CleanedText:
    title: str
    date: str | None
    text: str


def clean_article_text(lines: list[str]) -> CleanedText:
    """Drop site chrome, repeated lines and footers; return title, publication date and body.

    The body keeps one paragraph (or list item, as "• item") per line, starting with the title.
    """
    # The article ends where a comment form or footer begins (only looked for in the back half).
    content_lines = [line for line in lines if line]
    cut = len(lines)
    seen_content = 0
    for i, line in enumerate(lines):
        if not line:
            continue
        seen_content += 1
        if seen_content > len(content_lines) // 2 and _FOOTER_MARKERS.search(line):
            cut = i
            break

    kept: list[str] = []
    seen: set[str] = set()
    dates: list[date] = []
    after_chrome = False
    for line in lines[:cut]:
        if not line:
            continue
        if _CHROME_LINES.match(line) or _FOOTER_LINES.match(line):
            after_chrome = True
            continue
        stated = parse_date(line)
        if stated is not None:
            # A date straight after a navigation bar, before any article text, is the site's
            # "today", not the article's publication date.
            if not (after_chrome and not kept):
                dates.append(stated)
            continue
        after_chrome = False
        bullet = _BULLET.match(line) is not None and len(line) > 2
        body = _BULLET.sub("", line).strip() if bullet else line
        key = re.sub(r"\W+", " ", body).strip().lower()
        if not key or key in seen:
            continue
        seen.add(key)
        kept.append(f"• {body}" if bullet else body)

    if not kept:
        raise ArticleError("has no article text after cleaning (empty, or only page chrome)")
    title = kept[0].removeprefix("• ")
    published = dates[0].isoformat() if dates else None
    return CleanedText(title=title, date=published, text="\n".join(kept))


def _decode(data: bytes) -> str:
    if not data.strip():
        raise ArticleError("is empty")
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            raise ArticleError("is not valid UTF-16 text") from None
    if b"\x00" in data[:8192]:
        raise ArticleError("is not a text file (it holds binary data)")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError:
        raise ArticleError("is not text in UTF-8 or Windows-1252") from None
    controls = sum(1 for ch in text if ord(ch) < 32 and ch not in "\t\n\r\f")
    if controls > len(text) // 100:
        raise ArticleError("is not a text file (too many control characters)")
    return text


def load_article(path: Path) -> Article:
    """Read one article file; raise ArticleError, with the file's name, when it cannot be used."""
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        raise ArticleError(
            f"{path.name}: unsupported file type {suffix or '(none)'}; "
            f"use one of {', '.join(SUPPORTED_SUFFIXES)}"
        )
    try:
        size = path.stat().st_size
        if size > MAX_ARTICLE_MB * 2**20:
            raise ArticleError(
                f"{path.name}: too large ({size / 2**20:.1f} MB; an article may be at most "
                f"{MAX_ARTICLE_MB} MB); split it into articles"
            )
        data = path.read_bytes()
    except OSError as exc:
        raise ArticleError(f"{path.name}: cannot be read ({exc.strerror or exc})") from None
    try:
        if suffix == ".pdf":
            if not data.strip():
                raise ArticleError("is empty")
            lines = _pdf_to_lines(data)
        elif suffix in (".html", ".htm"):
            lines, _ = _html_to_lines(_decode(data))
        elif suffix == ".md":
            lines = _markdown_to_lines(_decode(data))
        else:
            lines = _plain_lines(_decode(data))
        cleaned = clean_article_text(lines)
    except ArticleError as exc:
        raise ArticleError(f"{path.name}: {exc}") from None
    digest = hashlib.sha256(
        "\x1f".join([CLEANER_VERSION, cleaned.title, cleaned.date or "", cleaned.text]).encode()
    ).hexdigest()
    return Article(
        doc_id=path.stem,
        title=cleaned.title,
        date=cleaned.date,
        text=cleaned.text,
        content_hash=digest,
        source=path.name,
    )


def corpus_files(corpus_dir: Path) -> list[Path]:
    """Every file (or link) in a corpus directory, sorted; see `corpus_problem` for which of
    them are not articles."""
    if not corpus_dir.is_dir():
        return []
    with os.scandir(corpus_dir) as entries:
        names = sorted(e.name for e in entries if e.is_symlink() or e.is_file())
    return [corpus_dir / name for name in names]


def corpus_problem(path: Path, corpus_dir: Path) -> str | None:
    """Why a corpus entry is not an article, as a skip message; None when it may be one."""
    if path.name.startswith("."):
        return f"{path.name}: hidden file (its name starts with a dot); rename it to index it"
    if path.name.startswith("~"):
        return f"{path.name}: an editor's temporary file; ignored"
    if path.is_symlink():
        target = path.resolve()
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
