"""Other words for the same thing, and definitions learned from articles."""

from askcases.qa.questions import read_question
from askcases.text.lexicon import stem
from askcases.text.synonyms import defined_terms, find_definitions, group_of


def test_staff_words_and_clinical_words_are_one_group() -> None:
    assert stem("centres") in group_of(stem("sites"))
    assert stem("phlebotomy") in group_of(stem("bloods"))
    assert stem("thrombosis") in group_of(stem("clots"))
    assert group_of(stem("helicopter")) == frozenset()


def test_a_cost_is_not_a_saving() -> None:
    assert stem("saving") not in group_of(stem("cost"))
    assert stem("increase") not in group_of(stem("reduced"))


def test_everyday_words_for_services_reach_the_clinical_words() -> None:
    assert stem("dementia") in group_of(stem("memory"))
    assert stem("continence") in group_of(stem("bladder"))
    assert stem("musculoskeletal") in group_of(stem("physio"))


def test_a_word_for_a_person_is_not_the_word_for_their_field() -> None:
    # "how many audiologists" counts staff, not hearing tests
    assert stem("hearing") not in group_of(stem("audiologists"))
    assert stem("dental") not in group_of(stem("dentist"))


def test_a_definition_in_an_article_ties_a_lay_word_to_its_term() -> None:
    text = "DVT is a blood clot that develops within a deep vein, usually in the leg."
    definitions = find_definitions(text)
    assert definitions == {"DVT": "clot"}
    assert defined_terms("how common are leg clots?", definitions) == ["DVT"]
    assert defined_terms("how common are strokes?", definitions) == []


def test_a_common_noun_an_article_defines_is_said_by_the_lay_word_of_its_definition() -> None:
    text = "Here is what happens.\nA frenotomy is a quick snip of the tight skin under the tongue."
    definitions = find_definitions(text)
    assert definitions == {"frenotomy": "snip"}
    question = read_question("what share of babies had the snip", {}, definitions)
    assert stem("frenotomy") in question.related[stem("snip")]
