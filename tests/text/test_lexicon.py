"""The stemmer and content terms: askcases' own words agree with the keyword index's."""

import re
import sqlite3

from conftest import CORPUS

from askcases.text.lexicon import content_terms, matched_terms, named_terms, same_family, stem


def _fts5_porter_vocabulary(text: str) -> set[str]:
    db = sqlite3.connect(":memory:")
    db.execute("CREATE VIRTUAL TABLE t USING fts5(x, tokenize = 'porter unicode61')")
    db.execute("CREATE VIRTUAL TABLE v USING fts5vocab(t, 'row')")
    db.execute("INSERT INTO t VALUES (?)", (text,))
    return {row[0] for row in db.execute("SELECT term FROM v")}


def test_stems_agree_with_the_keyword_index_on_the_corpus_words() -> None:
    text = "\n".join(p.read_text(encoding="utf-8") for p in sorted(CORPUS.glob("*.txt")))
    vocabulary = _fts5_porter_vocabulary(text)
    words = {w.lower() for w in re.findall(r"[^\W_]+", text) if len(w) > 2}
    agree = [w for w in words if stem(w) in vocabulary]
    assert len(words) > 500
    assert len(agree) / len(words) >= 0.99


def test_word_forms_share_a_stem() -> None:
    assert stem("reduced") == stem("reduce") == "reduc"
    assert stem("GPs") == stem("GP") == "gp"
    assert stem("patients") == stem("patient")
    assert stem("commissioning") == stem("commission")
    # an irregular past form is its verb's: "who led it" speaks of its leads, "paid" of pay
    assert stem("led") == stem("lead") and stem("paid") == stem("pays") and stem("ran") == "run"
    # but "fell" (a fall in a figure) is no form of "falls" (people falling)
    assert stem("fell") != stem("falls")


def test_distinct_names_with_a_long_common_prefix_stay_apart() -> None:
    assert stem("Bexbexbexton49") != stem("Bexbexbexton61")
    assert not same_family(stem("Bexbexbexton49"), stem("Bexbexbexton61"))
    assert same_family(stem("gynaecology"), stem("gynaecologist"))
    assert not same_family(stem("care"), stem("career"))


def test_a_hyphenated_compound_counts_as_its_parts() -> None:
    terms = content_terms("a community-based social enterprise")
    assert stem("community") in terms and stem("based") in terms
    wanted = [stem("community"), stem("gynaecology")]
    assert matched_terms(wanted, set(content_terms("the community gynaecologist"))) == set(wanted)


def test_an_acronym_is_spelled_out_by_the_initials_of_words_written_together() -> None:
    from askcases.text.acronyms import spelled_out

    texts = [
        "Bath and North East Somerset Clinical Commissioning Group has developed a blood test.",
        "The mean length of stay on the virtual ward was 6.4 days; the virtual ward has 40 beds.",
        "Length of stay fell by a day. Reduced unplanned hospital admissions followed.",
    ]
    assert spelled_out("B&NES", texts) == "Bath and North East Somerset"
    assert spelled_out("VW", texts) == "virtual ward"
    assert spelled_out("LOS", texts) == "length of stay"
    assert spelled_out("XYZ", texts) is None
    assert spelled_out("DNA", ["2% did not attend their appointment"]) == "did not attend"
    # two words in lower case used once, or words run across a sentence's end, spell nothing
    assert (
        spelled_out("FD", texts) is None
    )  # "fell by a day": "fell" and "day" are not side by side
    assert spelled_out("UH", texts) is None  # "unplanned hospital", used once
    assert spelled_out("DL", texts) is None  # "day. Length"
    # two capitals stand for lower-case words only: "Blood Test" would be too loose a match
    assert spelled_out("BT", ["a Blood Test", "a Blood Test"]) is None
    # but a name with a joiner inside spells two: "the DH round-up" is the Department of Health's
    assert spelled_out("DH", ["Via the Department of Health"]) == "Department of Health"


def test_a_joined_word_gives_each_of_its_initials_and_a_list_line_defines_an_acronym() -> None:
    from askcases.text.acronyms import find_acronyms, spelled_out

    texts = ["Team of 4.2 whole-time equivalent TDAs, led by a specialist midwife."]
    assert spelled_out("WTE", texts) == "whole time equivalent"
    glossary = find_acronyms(
        "A post of 1.0 whole-time equivalent (WTE).\n"
        "- TDA: tobacco dependence adviser\n"
        "ACT = alcohol care team, Eskerby General Hospital | Apr 23 - Mar 24\n"
        "CO: carbon monoxide\n"
        "Notes: see below\n"
    )
    assert glossary == {
        "WTE": "whole-time equivalent",
        "TDA": "tobacco dependence adviser",
        "ACT": "alcohol care team",
    }


def test_a_place_that_begins_like_a_month_is_a_name() -> None:
    assert named_terms("for our QI group and Marbeck reports shorter stays") == ["QI", "Marbeck"]
    assert named_terms("referrals in Jul-Sep and in March") == []


def test_a_number_word_and_its_digits_are_the_same_word() -> None:
    from askcases.text.synonyms import group_of

    assert "4" in group_of(stem("four")) and "four" in group_of("4")


def test_an_acronym_inside_a_name_gives_all_its_letters() -> None:
    from askcases.text.acronyms import spelled_out

    text = "supported by national primary care bodies, such as the Royal College of GPs’ Centre."
    assert spelled_out("RCGP", [text]) == "Royal College of GPs"


def test_an_acronym_is_named_inside_a_longer_one_with_a_small_prefix() -> None:
    from askcases.text.lexicon import mentions

    assert mentions("BNP", "GPs can order an NT-proBNP test")
    assert mentions("BNP", "a BNP blood test")
    assert not mentions("AF", "a leaf on the path")
