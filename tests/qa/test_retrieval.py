import pytest

from askcases.config import Settings
from askcases.filters import make_filters
from askcases.qa.assistant import Assistant
from askcases.qa.retrieval import reciprocal_rank_fusion, to_passages
from askcases.store.keywords import fts_query
from askcases.text.acronyms import expand_query, find_acronyms


def test_acronyms_are_learned_from_their_spelled_out_form() -> None:
    text = (
        "A service for deep vein thrombosis (DVT) in Bristol, North Somerset and South "
        "Gloucestershire (BNSSG). BNSSG Clinical Commissioning Group (CCG) said so. "
        "The results (see above) and a note (NB) were ignored."
    )
    assert find_acronyms(text) == {
        "DVT": "deep vein thrombosis",
        "BNSSG": "Bristol, North Somerset and South Gloucestershire",
        "CCG": "Clinical Commissioning Group",
    }


def test_either_form_of_an_acronym_finds_the_other() -> None:
    glossary = {"DVT": "deep vein thrombosis", "CCG": "Clinical Commissioning Group"}
    assert expand_query("Who runs DVT clinics?", glossary) == (
        "Who runs DVT clinics? (deep vein thrombosis)"
    )
    assert expand_query("what did the clinical commissioning group do", glossary).endswith("(CCG)")
    assert expand_query("nothing to expand", glossary) == "nothing to expand"
    # one acronym, however many: the library's "FCPs" are the question's "FCP"
    plural = {"FCPs": "first contact physiotherapists"}
    assert expand_query("the Tindlebury FCP pilot", plural).endswith(
        "(first contact physiotherapists)"
    )


def test_corpus_glossary_is_stored_with_the_index(assistant: Assistant) -> None:
    glossary = assistant.store.glossary()
    assert glossary["DVT"] == "deep vein thrombosis"
    assert glossary["PHNT"] == "Plymouth Hospitals NHS Trust"
    assert glossary["NBT"] == "North Bristol Trust"


def test_fts_query_quotes_every_word_so_no_syntax_leaks() -> None:
    assert fts_query('NEAR("a" OR b*) -- DROP; £700,000') == '"near" OR "drop" OR "700" OR "000"'
    assert fts_query("") == ""


def test_fts_query_leaves_out_stop_words_unless_nothing_else_is_left() -> None:
    assert fts_query("How much did the Wigan service save?") == '"wigan" OR "service" OR "save"'
    assert fts_query("Who are they?") == '"who" OR "are" OR "they"'


def test_rrf_adds_weighted_reciprocal_ranks() -> None:
    fused = reciprocal_rank_fusion([(["a", "b"], 1.0), (["b", "c"], 1.0)], rrf_k=60)
    assert [cid for cid, _ in fused] == ["b", "a", "c"]
    assert fused[0][1] == pytest.approx(1 / 62 + 1 / 61)


def test_keyword_side_finds_exact_figures_and_names(assistant: Assistant) -> None:
    hits = assistant.store.keyword_search("Harley Street", 3)
    assert hits and "Harley Street" in hits[0].text
    assert hits[0].doc_id == "gp-pathfinders-fourth-wave-2011"


@pytest.mark.parametrize("mode", ["hybrid", "dense", "keyword"])
def test_each_retriever_mode_returns_k_passages_with_offsets(
    assistant: Assistant, mode: str
) -> None:
    docs = assistant.retriever(4, mode=mode).invoke("Wigan stroke services £700,000")
    passages = to_passages(docs)
    assert len(passages) == 4
    assert passages[0].doc_id == "gp-led-health-services-benefits"
    assert all(p.end > p.start and 0.0 < p.score <= 1.0 for p in passages)


def test_filters_apply_on_both_sides(assistant: Assistant) -> None:
    only_2021 = make_filters(since="2021", until="2021")
    for mode in ("dense", "keyword"):
        docs = assistant.retriever(5, only_2021, mode=mode).invoke("blood tests in the community")
        assert docs and {d.metadata["doc_id"] for d in docs} == {
            "one-care-community-phlebotomy-2021"
        }
    by_doc = make_filters(doc_ids=["sentinel-plymouth-diabetes-case-study"])
    docs = assistant.retriever(5, by_doc).invoke("Wigan stroke")
    assert {d.metadata["doc_id"] for d in docs} == {"sentinel-plymouth-diabetes-case-study"}


def test_a_filter_that_excludes_everything_says_so(assistant: Assistant) -> None:
    answer = assistant.ask("How much did Wigan save?", filters=make_filters(since="2030"))
    assert answer.refused and answer.citations == []
    assert "No article matches the filters (published on or after 2030-01-01)" in answer.answer


def test_undated_articles_fall_outside_any_date_range(
    built_settings: Settings, assistant: Assistant
) -> None:
    undated = {"gp-led-health-services-benefits", "sentinel-plymouth-diabetes-case-study"}
    docs = assistant.retriever(10, make_filters(until="2030")).invoke("Wigan stroke £700,000")
    assert docs and not {d.metadata["doc_id"] for d in docs} & undated
    answer = assistant.ask("How much did Wigan save a year?", filters=make_filters(until="2030"))
    assert "£700,000" not in answer.answer
    assert not {c.doc_id for c in answer.citations} & undated
