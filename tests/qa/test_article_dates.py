"""The article's own date as an answer: when a story was published, and the day its "today"
means (tuning examples: ta-hear-published, tp6-61 and the fourth wave's announcement date)."""

from pathlib import Path

from conftest import make_settings

from askcases.embedding.minilm import MiniLMEmbeddings
from askcases.qa.assistant import Assistant
from askcases.store.sync import sync_index


def test_when_a_story_was_published_is_answered_with_its_date(assistant: Assistant) -> None:
    answer = assistant.ask("When was the BNSSG DVT story published?")
    assert not answer.refused
    assert answer.answer.startswith("The article is dated 3 March 2020: ")
    assert [c.doc_id for c in answer.citations] == ["bnssg-community-dvt-service-2020"]
    assert not answer.grounding.failed  # the date is the cited article's own


def test_a_story_that_states_no_date_is_refused_and_says_so(assistant: Assistant) -> None:
    answer = assistant.ask("sentinel plymouth diabetes case study date written")
    assert answer.refused
    assert "states no date" in answer.answer
    assert answer.nearest  # the closest passages, each marked as not an answer


def test_a_story_about_a_place_the_library_lacks_is_refused(assistant: Assistant) -> None:
    answer = assistant.ask("When was the Leeds podiatry story published?")
    assert answer.refused and "Leeds" in answer.answer


_OPENING = (
    "Minister opens eye clinics in Dunford\n\n12 June 2023\n\n"
    "Health Minister Jo Marsh has today opened three community eye clinics in Dunford.\n\n"
    "The clinics expect to see 4,000 patients with glaucoma a year once they are running.\n"
)


def test_the_day_an_articles_today_means_answers_when(
    tmp_path: Path, embeddings: MiniLMEmbeddings
) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "dunford-eye-clinics.txt").write_text(_OPENING, encoding="utf-8")
    settings = make_settings(tmp_path)
    sync_index(settings, embeddings, quiet=True)
    answer = Assistant(settings, embeddings).ask(
        "When did the health minister open the Dunford eye clinics?"
    )
    assert not answer.refused
    assert answer.answer.startswith("The article is dated 12 June 2023: Health Minister Jo Marsh")
    assert not answer.grounding.failed
    undated = _OPENING.replace("12 June 2023\n\n", "")
    (corpus / "dunford-eye-clinics.txt").write_text(undated, encoding="utf-8")
    sync_index(settings, embeddings, quiet=True)
    answer = Assistant(settings, embeddings).ask(
        "When did the health minister open the Dunford eye clinics?"
    )
    assert "The article is dated" not in answer.answer
