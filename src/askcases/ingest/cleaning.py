"""Cleaning an article's lines: site chrome (log-in bars, share links, comment forms, footers,
repeated lines) and press-release labels left out, the title and the publication date found.

A date straight after a navigation bar, before any article text, is the site's "today", not the
article's publication date. Leaves out: any rule that needs the network or a model.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from askcases.errors import ArticleError
from askcases.text.lexicon import MONTHS

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
# "Published on", "Last updated:", "Page last reviewed:": the date that follows is the article's
_DATE_PREFIX = re.compile(
    r"^(?:(?:page|article|this page was)\s+)?(?:last\s+)?"
    r"(?:published|posted|updated|reviewed|modified|issued|first published|"
    r"date(?:\s+of\s+(?:publication|issue|response|reply|release))?)(?:\s+on)?:?\s*",
    re.I,
)
# after such a prefix, a month and year alone ("Last updated: June 2024") dates the article
_MONTH_YEAR = re.compile(_MONTH + r",?\s+" + _YEAR, re.I)
# A press release's dateline ("RUDGEFORD, 14 May 2024 - A clinic ..."): the place in capitals,
# the date, then the story; the date is the release's.
_DATELINE = re.compile(
    r"^[A-Z][A-Z.'\- ]{1,40}(?:,\s*[A-Za-z.'\- ]{1,40})?,?\s+"
    r"(?P<date>.{6,30}?)\s*[-\u2013\u2014:]\s+\S"
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
# ("(c) 2024 Harbrook NHS Trust" is a copyright line; "(c) Option C: ..." after "(b) ..." is an
# item of a list.)
_FOOTER_LINES = re.compile(
    r"^(?:©|copyright\b|\(c\)\s(?=.{0,80}$)(?=.*\b(?:19|20)\d{2}\b)|all rights reserved)", re.I
)
_LIST_ITEM_B = re.compile(r"^\(?b\)\s", re.I)
# A press release's label ("For immediate release", "PRESS RELEASE - FOR IMMEDIATE RELEASE",
# "Embargoed until 00:01, 3 May"): it says what kind of text follows, not what it is about.
_LABEL = r"(?:(?:press|news|media)\s+(?:release|notice|statement)|for\s+immediate\s+release)"
_RELEASE_LABEL = re.compile(
    rf"^(?:{_LABEL}(?:\s*[-–—:|/]\s*{_LABEL})*|embargoed\b[^.]{{0,60}})[.:]?$", re.I
)


def parse_date(line: str) -> date | None:
    """The date a line states when the whole line is one ("03 March 2020", "November 16, 2021")."""
    line = _BULLET.sub("", line.strip())
    body = _DATE_PREFIX.sub("", line).strip(" .")
    forms = _DATE_FORMS + ([_MONTH_YEAR] if body != line.strip(" .") else [])
    for form in forms:
        found = form.fullmatch(body)
        if not found:
            continue
        groups = found.groupdict()
        month = MONTHS[groups["month"].lower()] if groups.get("month") else int(groups["m"])
        try:
            return date(int(groups["year"]), month, int(groups.get("day") or 1))
        except ValueError:
            return None
    return None


_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
MAX_TITLE = 200  # characters; an article whose first line is a whole page gets its opening words
# A cover sheet's title field ("Title: Long COVID Rehabilitation Service: twelve-month review"),
# among its opening lines, says what the article is about where its first line names only who
# wrote it ("Larchmere Community Health NHS Trust"); the title reads the two together.
_TITLE_FIELD = re.compile(r"(?:report |paper )?title\s*:\s*(?P<title>\S.{3,})", re.I)
_TITLE_FIELD_LINES = 8


def short_title(line: str) -> str:
    """The line as a title: whole when short, else its opening words up to MAX_TITLE and "…"."""
    if len(line) <= MAX_TITLE:
        return line
    cut = line[:MAX_TITLE].rsplit(" ", 1)[0] or line[:MAX_TITLE]
    return cut.rstrip(" ,;:-") + "…"


@dataclass(frozen=True)
class CleanedText:
    title: str
    date: str | None
    text: str


def clean_article_text(lines: list[str]) -> CleanedText:
    """Drop site chrome, repeated lines and footers; return title, publication date and body.

    The body keeps one paragraph (or list item, as "• item") per line, starting with the title.
    """
    # Control characters (an escape sequence that would restyle a terminal, a stray NUL) are
    # dropped before anything else reads the lines.
    lines = [_CONTROL.sub("", line.replace("\t", " ")).strip() for line in lines]
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
        if _CHROME_LINES.match(line) or (
            _FOOTER_LINES.match(line) and not (kept and _LIST_ITEM_B.match(kept[-1]))
        ):
            after_chrome = True
            continue
        if _RELEASE_LABEL.match(line):
            continue
        stated = parse_date(line)
        if stated is None and not dates and len(kept) <= 2:
            dateline = _DATELINE.match(line)
            if dateline is not None and (found := parse_date(dateline["date"])) is not None:
                dates.append(found)
        elif stated is not None:
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
    fields = (_TITLE_FIELD.fullmatch(line) for line in kept[:_TITLE_FIELD_LINES])
    field = next((found["title"] for found in fields if found is not None), None)
    first = kept[0].removeprefix("• ")
    title = short_title(f"{first} - {field}" if field and field not in first else first)
    published = dates[0].isoformat() if dates else None
    return CleanedText(title=title, date=published, text="\n".join(kept))
