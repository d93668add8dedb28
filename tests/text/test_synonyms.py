"""Other words for the same thing, and definitions learned from articles."""

from askcases.text.lexicon import stem
from askcases.text.synonyms import defined_terms, find_definitions, group_of


def test_staff_words_and_clinical_words_are_one_group() -> None:
    assert stem("centres") in group_of(stem("sites"))
    assert stem("phlebotomy") in group_of(stem("bloods"))
    assert stem("thrombosis") in group_of(stem("clots"))
    assert group_of(stem("helicopter")) == frozenset()


def test_a_cost_is_not_a_saving() -> None:
    assert stem("saving") not in group_of(stem("cost"))


def test_a_definition_in_an_article_ties_a_lay_word_to_its_term() -> None:
    text = "DVT is a blood clot that develops within a deep vein, usually in the leg."
    definitions = find_definitions(text)
    assert definitions == {"DVT": "clot"}
    assert defined_terms("how common are leg clots?", definitions) == ["DVT"]
    assert defined_terms("how common are strokes?", definitions) == []
