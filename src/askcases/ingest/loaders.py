"""Article files to lines of text: plain text in UTF-8, UTF-16 or Windows-1252, Markdown, HTML
(trafilatura) and PDF (pypdf). Each returns one paragraph or list item a line: a paragraph
that a text, Markdown or PDF file wraps at a fixed width is joined up again, and a table laid out
in columns of spaces becomes table lines.

Leaves out: scanned PDFs (no OCR) and language detection.
"""

from __future__ import annotations

import codecs
import re
from datetime import date

from askcases.errors import ArticleError


def plain_lines(raw: str) -> list[str]:
    text = (
        raw.replace("\r\n", "\n").replace("\r", "\n").replace("\u00a0", " ").replace("\ufeff", "")
    )
    return [re.sub(r"[ \t]+", " ", line).strip() for line in text.split("\n")]


# A line that starts a part of a text file, not the next line of a paragraph: a bullet or a
# numbered item, a Markdown heading, quote or table row, or a label ("Q:", "Cllr Ames:").
_STARTS_LINE = re.compile(
    r"(?:[-*+•▪●◦‣∙–]\s|\d+(?:\.\d+)+\.?\s+[A-Z]|\d+[.)]\s|#|>|\|"
    r"|[A-Z][\w.'’-]*(?: [\w.'’-]+){0,3}:\s)"
)
# A line only of rules: "-----", "=====", "---   -------".
_RULE_LINE = re.compile(r"[-=_~*+|: ]+")
_FEW_WRAPPED = 6  # too few lines to tell a wrapped paragraph from short lines
_WRAPPED_MAX = 100  # a file whose full lines run longer was not wrapped by hand
_WRAPPED_SHARE = 0.25  # of its lines that go on to the next line of the same paragraph


def unwrapped_lines(raw: str) -> list[str]:
    """The lines of a text or Markdown file, one paragraph a line where the file breaks its
    paragraphs into lines of a set width (an annual report's text, an email, a newsletter):
    a paragraph ends at a blank line, at a line much shorter than a full one, or where the next
    line starts a part (a bullet, a numbered item, a heading, a label such as "Q:"). A table laid
    out in columns of spaces becomes table lines ("| Patients admitted | 321 | 2,118 |")."""
    layout = raw.replace("\r\n", "\n").replace("\r", "\n").replace("\t", "    ")
    rows = _table_rows(layout)
    lines = [rows.get(line, line) for line in plain_lines(raw)]
    lengths = sorted(len(line) for line in lines if line and not line.startswith("| "))
    if len(lengths) < _FEW_WRAPPED:
        return lines
    width = lengths[int(0.9 * (len(lengths) - 1))]
    short = 0.7 * width

    def goes_on(line: str, following: str) -> bool:
        # a full line goes on to the next; so does a short one that the next goes on from in
        # lower case ("... an average of £410 per / person seen.")
        return (
            bool(following)
            and (
                len(line) >= short
                or (following[0].islower() and not line.endswith((".", ":", "?", "!")))
            )
            and not line.startswith("| ")
            and not following.startswith("| ")
            and not _STARTS_LINE.match(following)
            and not _RULE_LINE.fullmatch(following)
        )

    joins = sum(goes_on(a, b) for a, b in zip(lines, lines[1:], strict=False))
    if width > _WRAPPED_MAX or joins < _WRAPPED_SHARE * len(lengths):
        return lines
    paragraphs: list[str] = []
    current: list[str] = []
    for line, following in zip(lines, [*lines[1:], ""], strict=True):
        if not line:
            continue
        current.append(line)
        if not goes_on(line, following):
            paragraphs.append(" ".join(current))
            current = []
    return paragraphs


def markdown_lines(raw: str) -> list[str]:
    lines = []
    for line in unwrapped_lines(raw):
        line = re.sub(r"^#{1,6}\s+", "", line)
        line = re.sub(r"!\[[^\]]*\]\([^)]*\)", "", line)
        line = re.sub(r"\[([^\]]+)\]\([^)]*\)", r"\1", line)
        line = re.sub(r"(\*\*|__)(.+?)\1", r"\2", line)
        # emphasis in one star or underscore ("*Podiatry Service*"); a "* " list item stays
        line = re.sub(r"(?<![\w*])([*_])(?![\s*_])(.+?)(?<![\s*_])\1(?![\w*])", r"\2", line)
        lines.append(line)
    return lines


# A line that starts a part of a PDF: a numbered heading or paragraph, or a bullet.
_STARTS_PART = re.compile(r"\d+\.(?:\d+\.?)*\s+[A-Z]|[•▪●◦‣∙]\s|[-–]\s+[A-Z0-9£]")
# A page number on a line of its own: "12", "Page 3", "Page 1 of 2".
_PAGE_NUMBER = re.compile(r"(?:page\s+)?\d+(?:\s+of\s+\d+)?", re.I)
# A short line that heads what follows: capitalised, a few words, no closing mark or figure.
_HEADING_LINE = re.compile(r"[A-Z][A-Za-z'’&-]*(?: [A-Za-z'’&/-]+){0,5}")
_FEW_LINES = 10  # too few lines to tell how long a full one runs
_EDGE_LINES = 2  # a running header or footer is among the first or last lines of a page


def _shape(line: str) -> str:
    return re.sub(r"\d+", "#", " ".join(line.split())).lower()


def _without_running_lines(pages: list[list[str]]) -> list[str]:
    """The pages' lines without what repeats at the top or foot of two or more pages (a running
    header, "Trust name | OFFICIAL Page 1 of 2") or numbers a page; a running header stays where
    it opens the first page, where it says what the title is about ("Stellbridge ICB - Business
    Case Summary")."""
    seen: dict[str, int] = {}
    for lines in pages:
        filled = [line for line in lines if line]
        for shape in {_shape(line) for line in filled[:_EDGE_LINES] + filled[-_EDGE_LINES:]}:
            seen[shape] = seen.get(shape, 0) + 1
    running = {shape for shape, count in seen.items() if count >= 2 and len(pages) >= 2}
    kept: list[str] = []
    for number, lines in enumerate(pages):
        opening = [line for line in lines if line][:_EDGE_LINES] if number == 0 else []
        for line in lines:
            if line and _PAGE_NUMBER.fullmatch(line.strip()):
                continue
            if line and _shape(line) in running and line not in opening:
                continue
            kept.append(line)
    return kept


# A PDF table's cells, as the layout of its page spaces them: three spaces or more apart.
_CELL_GAP = re.compile(r"\s{3,}")
# A cell that holds a value: short, with a figure, or a mark for none ("-", "n/a").
_VALUE_CELL = re.compile(r"(?=.{1,30}$)(?:.*\d.*|[-–—]|n/?a|nil|none)", re.I)
# A short cell of words beside them: a rating ("High", "Amber", "Met", "Yes").
_WORD_CELL = re.compile(r"[A-Za-z][\w/()+-]*(?: [\w/()+-]+){0,2}")


def _data_row(cells: list[str]) -> bool:
    """Three cells or more, a value in each but the label, or a value in some and a short rating
    in the rest."""
    values = cells[1:]
    return (
        len(cells) >= 3
        and any(_VALUE_CELL.fullmatch(c) for c in values)
        and all(_VALUE_CELL.fullmatch(c) or _WORD_CELL.fullmatch(c) for c in values)
    )


_TABLE_ROWS = 3  # a table has a header and two rows at least, or three rows


def _table_rows(layout: str) -> dict[str, str]:
    """The rows of the tables on a page laid out as printed, each as the plain text of its line
    ("Referrals received 1,012 1,268") to its cells as a table line ("| Referrals received |
    1,012 | 1,268 |"). A table is a run of lines of the same number of cells, three or more,
    each after the first with a value in a cell but its label and a value or a short rating
    ("High", "Met") in the others; a page printed in two columns of prose has no such run."""
    rows: dict[str, str] = {}
    run: list[list[str]] = []

    def flush() -> None:
        body = run[1:] if run and not _data_row(run[0]) else run
        if len(run) >= _TABLE_ROWS and len(body) >= 2:
            for cells in run:
                rows[" ".join(" ".join(cells).split())] = "| " + " | ".join(cells) + " |"
        run.clear()

    for line in layout.splitlines():
        # a table's rows may be laid out a blank line apart, or ruled off ("-----   ----")
        if not line.strip() or (run and _RULE_LINE.fullmatch(line.strip())):
            continue
        cells = [" ".join(c.split()) for c in _CELL_GAP.split(line.strip())]
        if run and len(cells) == len(run[0]) and _data_row(cells):
            run.append(cells)
            continue
        flush()
        if len(cells) >= 3 and not _VALUE_CELL.fullmatch(cells[0]):
            run.append(cells)  # a header, or a table's first row
    flush()
    return rows


def _page_lines(page: object) -> list[str]:
    """A PDF page's lines of text, a table's rows as table lines."""
    lines = plain_lines(page.extract_text() or "")  # type: ignore[attr-defined]
    try:
        layout = page.extract_text(extraction_mode="layout") or ""  # type: ignore[attr-defined]
    except Exception:  # noqa: BLE001 - a page pypdf cannot lay out keeps its plain lines
        return lines
    rows = _table_rows(layout)
    return [rows.get(line, line) for line in lines] if rows else lines


def pdf_lines(data: bytes) -> list[str]:
    import io
    import logging

    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    # A broken PDF is reported once, as a skip with its reason; pypdf's own log lines say less.
    logging.getLogger("pypdf").setLevel(logging.CRITICAL)
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            raise ArticleError("is an encrypted PDF; save it without a password and add it again")
        pages = [_page_lines(page) for page in reader.pages]
    except ArticleError:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, OSError) as exc:
        raise ArticleError(f"is not a readable PDF ({type(exc).__name__})") from None
    # PDF text breaks lines inside paragraphs; a blank line or a short line ends a paragraph, and
    # a numbered heading ("2. Background", "3.1 ...") or a bullet starts one.
    paragraphs: list[str] = []
    current: list[str] = []
    lines = _without_running_lines(pages)
    # how long a full line of the file's text runs: a shorter line ends its paragraph
    lengths = sorted(len(line) for line in lines if line)
    width = lengths[int(0.9 * (len(lengths) - 1))] if len(lengths) >= _FEW_LINES else 0
    short, stop = (0.7 * width, 0.9 * width) if width else (60, 80)
    for line in lines:
        if not line:
            if current:
                paragraphs.append(" ".join(current))
                current = []
            continue
        if line.startswith("| "):  # a table's row is a line of its own
            if current:
                paragraphs.append(" ".join(current))
                current = []
            paragraphs.append(line)
            continue
        if (
            not current
            and paragraphs
            and line[0].islower()
            and not paragraphs[-1].endswith((".", ":", "?", "!", "|"))
        ):  # a line that goes on in lower case: a short line wrapped ("...: first / year of")
            current = [paragraphs.pop()]
        if current and current[-1].endswith(".") and _HEADING_LINE.fullmatch(line):
            paragraphs.append(" ".join(current))  # a heading after a paragraph's last sentence
            current = []
        if current and _STARTS_PART.match(line):
            paragraphs.append(" ".join(current))
            current = []
        current.append(line)
        if len(line) < short or line.endswith((".", ":", "?", "!")) and len(line) < stop:
            paragraphs.append(" ".join(current))
            current = []
    if current:
        paragraphs.append(" ".join(current))
    return paragraphs


_ISO_DAY = re.compile(r"((?:19|20)\d{2})-(\d{2})-(\d{2})")
# where a page states when its article was published, in the order trusted
_PUBLISHED_META = (
    "//meta[@property='article:published_time' or @name='article:published_time' or "
    "@itemprop='datePublished' or @name='DC.date.issued' or @name='dcterms.created']/@content",
)


def _iso_day(value: str) -> str | None:
    found = _ISO_DAY.match(value.strip())
    if found is None:
        return None
    try:
        return date(*(int(part) for part in found.groups())).isoformat()
    except ValueError:
        return None


def html_published(raw: str) -> str | None:
    """The publication date a page states for its article (ISO), where the article text as
    extracted lost it: a published-time meta tag, a <time datetime> inside the article, or a
    line of the article that is "Published: 9 October 2024" and nothing else."""
    import lxml.html
    from lxml.etree import ParserError

    from askcases.ingest.cleaning import parse_date

    try:
        page = lxml.html.fromstring(raw)
    except (ParserError, ValueError):
        return None
    for path in _PUBLISHED_META:
        for value in page.xpath(path):
            if (day := _iso_day(str(value))) is not None:
                return day
    scopes = page.xpath("//article") or page.xpath("//main")
    if not scopes:
        return None
    for stamp in scopes[0].xpath(".//time/@datetime"):
        if (day := _iso_day(str(stamp))) is not None:
            return day
    for element in scopes[0].xpath(".//p|.//div|.//span"):
        line = " ".join(element.text_content().split())
        if len(line) <= 60 and line.lower().startswith(("published", "date")):
            stated = parse_date(line)
            if stated is not None:
                return stated.isoformat()
    return None


# "By Rachel Adeyemi, Consultant Physiotherapist and Clinical Lead": who wrote it, and their role
_BYLINE = re.compile(r"^[Bb]y\s+[A-Z][\w'’.-]+(?:\s+[A-Z][\w'’.-]+)+,\s+\S.{3,160}$")


def html_byline(raw: str) -> str | None:
    """The byline of a page's article with its author's role ("By Rachel Adeyemi, Consultant
    Physiotherapist and Clinical Lead, ..."), which the text extraction leaves out."""
    import lxml.html
    from lxml.etree import ParserError

    try:
        page = lxml.html.fromstring(raw)
    except (ParserError, ValueError):
        return None
    scopes = page.xpath("//article") or page.xpath("//main")
    if not scopes:
        return None
    for element in scopes[0].xpath(".//p|.//div|.//span"):
        line = " ".join(element.text_content().split())
        if _BYLINE.match(line):
            return line
    return None


def html_lines(raw: str) -> tuple[list[str], str | None]:
    import trafilatura

    extracted = trafilatura.extract(
        raw, include_comments=False, include_tables=True, output_format="txt", favor_recall=True
    )
    meta = trafilatura.extract_metadata(raw)
    title = meta.title if meta is not None and meta.title else None
    lines = plain_lines(extracted or "")
    if title and not any(line == title for line in lines[:3]):
        lines.insert(0, title)
    byline = html_byline(raw)
    if byline and byline not in lines:  # after the title, which stays first
        lines.insert(lines.index(title) + 1 if title in lines[:3] else 0, byline)
    return lines, title


def decode_text(data: bytes) -> str:
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
