import pytest
from conftest import CORPUS

from askcases.errors import UsageError
from askcases.ingest.articles import load_article
from askcases.qa.assistant import Assistant
from askcases.qa.questions import counts_focus, focus_noun, holds_type
from askcases.text.lexicon import clause_openers, content_terms, named_terms, stem
from askcases.text.markers import marker_numbers
from askcases.types import REFUSAL


def test_named_terms_are_places_bodies_and_years_not_question_words() -> None:
    assert named_terms("What did Leeds CCG do in 2015 for the NHS?") == ["Leeds", "2015"]
    assert named_terms("How many DVT centres are there?") == ["DVT"]
    assert named_terms("how much did wigan save") == []
    # a word opening a clause is capitalised for its place, not as a name
    assert named_terms("Wigan stroke redesign: Savings per year?") == []
    assert named_terms("Plymouth diabetes - Newly diagnosed each year?") == []
    assert named_terms("clinics around Bristol - what did Leeds do?") == ["Bristol", "Leeds"]
    assert clause_openers("stroke: Wigan savings - Days in hospital?") == ["Wigan", "Days"]


def test_stems_match_word_forms() -> None:
    assert stem("reduced") == stem("reduces") == stem("reduce")
    assert stem("GPs") == stem("GP")
    assert content_terms("How many patients did the GPs see?") == ["patient", "gp", "see"]


def test_a_count_must_be_of_the_thing_asked_about() -> None:
    assert focus_noun("How many nurses does the team employ?") == stem("nurses")
    # plurals without an s are what is counted, not a word after them
    assert focus_noun("How many children with asthma were reviewed?") == stem("children")
    assert focus_noun("How many women went through the menopause clinic?") == stem("women")
    assert focus_noun("how many people with diabetes were seen") == stem("people")
    # the "A" of "A&E" is no article ending what is counted
    asked = "how many catheter-related A&E attendances were there per quarter"
    assert focus_noun(asked) == stem("attendances")
    # "how many staff" is answered by a count of any who work there, "how many nurses" is not
    team = set(content_terms("a team of 42 call handlers and mental health practitioners"))
    assert counts_focus(focus_noun("how many staff work on the crisis line"), team)
    assert not counts_focus(stem("nurses"), team)
    # "practitioners" and "clinicians" are staff of any kind too
    midwives = set(content_terms("staffed by three infant feeding specialists: two midwives"))
    practitioners = focus_noun("how many frenulotomy-trained practitioners are there")
    assert counts_focus(practitioners, midwives)
    assert not counts_focus(stem("nurses"), midwives)
    # "were referred" counts referrals
    # "starters" are counted by how many people started, and "the before and after numbers"
    # count no "after"
    started = set(content_terms("Since it opened, 1,150 people have started the programme."))
    assert counts_focus(focus_noun("weight programme total starters since launch"), started)
    assert focus_noun("What happened to attendances? I need the before and after numbers.") is None
    # "how many in each" names nothing it counts
    assert focus_noun("Did it see more children than in the pilot? How many in each?") is None
    referred = set(content_terms("1,065 women were referred in the two years"))
    assert counts_focus(focus_noun("how many referrals did the team receive"), referred)
    assert not counts_focus(stem("nurses"), set(content_terms("11,600 patients with diabetes")))
    people = focus_noun("How many people in Plymouth have diabetes?")
    assert counts_focus(people, set(content_terms("11,600 patients with diabetes")))
    # "the number of people taking part": a share of them is no count of them
    assert not holds_type(
        "number",
        "around 60 per cent of the people who attended the pilot course lost weight",
        "torbay fitness pilot number of people taking part",
    )
    # a table row's footnote mark and its "30-day" count no frequent attenders
    row = "| 30-day readmission rate, frequent attenders (1) | 38% | 30% | 26% | Green |"
    asked = "how many frequent attenders were in the cohort"
    assert not holds_type("number", row, asked)
    assert holds_type("number", "| Frequent attenders (1) | 212 | 180 |", asked)
    # "how can patients be referred": only a sentence about referral says
    referred = "How can patients be referred into the heart failure nursing service?"
    assert not holds_type("referral", "Admissions fell from 412 to 298 a year.", referred)
    assert holds_type("referral", "Patients can be referred to the team by their GP.", referred)


def _article_texts() -> dict[str, str]:
    return {p.stem: load_article(p).text for p in CORPUS.glob("*.txt")}


@pytest.mark.parametrize(
    ("question", "doc_id", "must_hold"),
    [
        (
            "How much does Wigan's stroke redesign save?",
            "gp-led-health-services-benefits",
            "£700,000",
        ),
        ("Who runs the community DVT clinics?", "bnssg-community-dvt-service-2020", "GP Care"),
        (
            "How many avoided referrals has the Plymouth diabetes service had?",
            "sentinel-plymouth-diabetes-case-study",
            "54",
        ),
    ],
)
def test_answers_quote_the_article_at_the_cited_offsets(
    assistant: Assistant, question: str, doc_id: str, must_hold: str
) -> None:
    answer = assistant.ask(question)
    assert not answer.refused
    assert must_hold in answer.answer
    texts = _article_texts()
    assert answer.citations
    for citation in answer.citations:
        assert texts[citation.doc_id][citation.start : citation.end] == citation.quote
        assert f"[{citation.n}]" in answer.answer
    assert any(c.doc_id == doc_id and must_hold in c.quote for c in answer.citations)
    # Every sentence of the answer ends with its citation marker.
    assert answer.answer.rstrip().endswith(f"[{answer.citations[-1].n}]")


def test_passages_are_ranked_and_point_at_their_text(assistant: Assistant) -> None:
    answer = assistant.ask("When did community phlebotomy fully launch?", k=3)
    texts = _article_texts()
    assert [p.rank for p in answer.passages] == [1, 2, 3]
    for passage in answer.passages:
        assert texts[passage.doc_id][passage.start : passage.end] == passage.text
    assert "31 October" in answer.passages[0].text


@pytest.mark.parametrize(
    "question",
    [
        "What is the waiting time for hip replacements in Leeds?",
        "How many nurses does the Plymouth diabetes team employ?",
        "What is the capital of France?",
    ],
)
def test_questions_the_case_studies_do_not_answer_are_refused(
    assistant: Assistant, question: str
) -> None:
    answer = assistant.ask(question)
    assert answer.refused
    assert answer.answer.startswith(REFUSAL)
    assert answer.citations == []
    # What it did find is offered, marked as not an answer; its markers point only at those.
    assert 1 <= len(answer.nearest) <= 3
    assert "none of which answers it" in answer.answer
    assert marker_numbers(answer.answer) == [c.n for c in answer.nearest]
    texts = {p.stem: load_article(p).text for p in CORPUS.glob("*.txt")}
    for near in answer.nearest:
        assert texts[near.doc_id][near.start : near.end] == near.quote


def test_a_name_outside_the_top_passages_is_still_found(assistant: Assistant) -> None:
    answer = assistant.ask("How fast does the Richmond rapid response team get back to patients?")
    assert not answer.refused
    assert "two hours" in answer.answer


@pytest.mark.parametrize("question", ["", "   ", "x" * 2001])
def test_empty_or_huge_questions_are_usage_errors(assistant: Assistant, question: str) -> None:
    with pytest.raises(UsageError):
        assistant.ask(question)


def test_same_question_same_answer(assistant: Assistant) -> None:
    first = assistant.ask("What did Bexley do about heart disease diagnosis?").to_json()
    second = assistant.ask("What did Bexley do about heart disease diagnosis?").to_json()
    assert first["refused"] is False and "three weeks" in first["answer"]
    for timing in ("elapsed_ms", "timings", "trace_id", "trace"):  # each ask is its own trace
        first.pop(timing)
        second.pop(timing)
    assert first == second


def test_a_question_spanning_two_articles_cites_both(assistant: Assistant) -> None:
    answer = assistant.ask("What do the case studies say about Barnet's gynaecology service?")
    assert {c.doc_id for c in answer.citations} == {
        "gp-led-health-services-benefits",
        "gp-pathfinders-fourth-wave-2011",
    }
    assert "400 women a month" in answer.answer and "400 patients every month" in answer.answer


def test_two_articles_reporting_other_figures_for_one_measure_do_not_say_the_same() -> None:
    from askcases.qa.extractive import _says_the_same

    one = "Readmissions within 30 days dropped by 41%."
    other = "Emergency readmissions within 30 days dropped by 22% compared with the year before."
    assert not _says_the_same(one, other, 0.6)
    assert _says_the_same(one, "Readmissions within 30 days have dropped by 41%.", 0.6)


def _candidates(text: str) -> list:
    """The candidate sentences of one passage holding the whole text (its first line a title)."""
    from askcases.qa.extractive import candidate_sentences
    from askcases.types import Passage

    title = text.split("\n", 1)[0]
    return candidate_sentences([Passage(1, "d#0", "d", title, None, text, 0, len(text), 0.5)], 3)


def test_a_paragraph_number_is_no_figure_of_the_sentence() -> None:
    text = (
        "Board paper\n\n1.1 In October 2023 the Partnership commissioned a team for the "
        "borough's care homes. It now visits 31 homes every week.\n"
    )
    sentences = [c.text for c in _candidates(text)]
    assert sentences[0].startswith("In October 2023")
    later = _candidates(text)[1]
    assert later.context.startswith("In October 2023")  # "It" goes on from the sentence before


def test_a_sentence_that_names_nothing_and_says_they_goes_on_from_the_one_before() -> None:
    text = (
        "GP commissioning\n\nIn Richmond, GPs have identified a need for more responsive "
        "community services. Working with their local provider they have designed a team to "
        "get back to patients within two hours. In Croydon, GPs have organised ultrasound in "
        "their own practices.\n"
    )
    sentences = _candidates(text)
    working = next(c for c in sentences if c.text.startswith("Working"))
    croydon = next(c for c in sentences if c.text.startswith("In Croydon"))
    assert working.context.startswith("In Richmond")
    assert croydon.context == ""  # it names its own place


def test_a_sentence_going_on_in_a_named_month_is_read_with_the_one_before() -> None:
    text = (
        "Memory service\n\nThe average wait from GP referral to first memory assessment was 19 "
        "weeks in February 2023. In June 2024 it was 7 weeks. In Leeds they run a second clinic.\n"
    )
    sentences = _candidates(text)
    june = next(c for c in sentences if c.text.startswith("In June"))
    leeds = next(c for c in sentences if c.text.startswith("In Leeds"))
    assert june.context.startswith("The average wait from GP referral")  # June is no name
    assert leeds.context == ""  # it names its own place


def test_a_sentence_giving_the_figure_of_the_one_before_is_read_with_it() -> None:
    text = (
        "Stroke discharge\n\nThe board set a target for 40% of stroke patients to go home with "
        "early supported discharge. In the first year the figure was 36%. In the first year the "
        "share of patients seen at home rose to 52%.\n"
    )
    sentences = _candidates(text)
    figure = next(c for c in sentences if "was 36%" in c.text)
    share = next(c for c in sentences if "rose to 52%" in c.text)
    assert figure.context.startswith("The board set a target")  # "the figure" is the target's
    assert share.context == ""  # "the share of patients" says what it is


def test_a_short_sentence_giving_only_a_value_is_read_with_the_one_before() -> None:
    text = (
        "Lymphoedema clinic\n\nThe average wait from referral to first appointment was 6 "
        "weeks, down from 19 weeks. Our target is 8 weeks. We saw 486 new patients.\n"
    )
    target = next(c for c in _candidates(text) if c.text == "Our target is 8 weeks.")
    assert target.context.startswith("The average wait from referral")


def test_a_count_of_a_joined_word_is_a_count_of_its_parts() -> None:
    from askcases.qa.extractive import counts_asked, counts_other
    from askcases.qa.questions import read_question

    question = read_question("how many falls-related ambulance call-outs were there?", {})
    sentence = "They generated 263 falls-related ambulance call-outs, compared with 425 before."
    assert counts_asked(question, sentence)
    assert not counts_other(question, sentence)
    assert counts_other(question, "It runs 38 classes a week in 22 community venues.")


def test_the_header_of_a_two_column_table_answers_nothing() -> None:
    text = (
        "Inspection\n\nRatings\n| Key question | Rating |\n| Safe | Good |\n"
        "| Well-led | Requires improvement |\nThis was the first inspection.\n"
    )
    sentences = [c.text for c in _candidates(text)]
    assert "| Key question | Rating |" not in sentences
    assert "| Well-led | Requires improvement |" in sentences


def test_the_year_before_an_asked_year_is_asked_too() -> None:
    from askcases.qa.extractive import financial_years

    asked = "How long was the wait in 2023/24, and what was it the yr before?"
    assert financial_years(asked, asked=True) == {2022, 2023}
    assert financial_years("How long was the wait in 2023/24?", asked=True) == {2023}


def test_a_question_in_the_article_and_a_tables_header_row_answer_nothing() -> None:
    text = (
        "Service update\n\nWhat is the Children's Community Asthma Nurse Service? It is a team "
        "of four nurses who visit children with asthma at home.\n\n"
        "| Indicator | Target | Q2 actual | RAG |\n|---|---|---|---|\n"
        "| Patients treated at home or in clinic | 300 | 326 | Green |\n"
    )
    sentences = [c.text for c in _candidates(text)]
    assert not any(s.endswith("?") for s in sentences)
    assert not any("Q2 actual" in s for s in sentences)
    assert any(s.startswith("It is a team of four nurses") for s in sentences)
    assert any("| 300 | 326 |" in s for s in sentences)


def test_a_numbered_items_title_answers_nothing() -> None:
    text = (
        "Patient group minutes\n\n2. Community falls prevention service - update from Kwame "
        "Asante\n\nKwame said the team now sees about sixty people a month after a fall.\n"
    )
    sentences = [c.text for c in _candidates(text)]
    assert not any("update from Kwame Asante" in s for s in sentences)
    assert any(s.startswith("Kwame said the team") for s in sentences)


def test_a_header_row_whose_separator_is_in_the_next_passage_answers_nothing() -> None:
    text = "Service update\n\nThe dashboard for Q2.\n\n| Indicator | Target | Q2 actual | RAG |\n"
    assert not any("Q2 actual" in c.text for c in _candidates(text))
    row = "Service update\n\nThe dashboard for Q2.\n\n| Patients treated | 300 | 326 | Green |\n"
    assert any("| 300 | 326 |" in c.text for c in _candidates(row))

    # a web page's table has no separator: a header of periods names columns all the same
    web = (
        "Kidney clinic\n\nThe table compares two years.\n\n| Measure | 2022/23 | 2023/24 |\n"
        "| New referrals | 1,260 | 690 |\n"
    )
    sentences = [c.text for c in _candidates(web)]
    assert not any("| 2022/23 |" in s for s in sentences)
    assert any("| 1,260 | 690 |" in s for s in sentences)


def test_a_numbered_parts_title_answers_nothing() -> None:
    text = (
        "Committee minutes\n\nItem 7: Community Anticoagulation Service - 12-month review\n\n"
        "Service 1: Community IV Therapy Service, Dunmere\n\n"
        "Recommendation 2: The ICB should extend the service to four practices.\n"
    )
    sentences = [c.text for c in _candidates(text)]
    assert not any(s.startswith(("Item 7", "Service 1")) for s in sentences)
    assert any(s.startswith("Recommendation 2: The ICB should extend") for s in sentences)


def test_the_numbers_asked_for_name_what_is_counted_not_how_they_are_wanted() -> None:
    assert focus_noun("Have you got the numbers for COPD emergency admissions in Dunholt?") == (
        stem("admissions")
    )
    # "actual numbers" in the asker's situation counts nothing
    assert (
        focus_noun(
            "I'd like a local example with actual numbers. What were emergency admissions "
            "from Pellingham care homes before and after?"
        )
        is None
    )


def test_a_count_that_reports_no_result_still_says_what_it_counts() -> None:
    from askcases.qa.extractive import counted_nouns

    crestonby = (
        "It is run by the GP federation for the nine practices in Crestonby, which together "
        "look after around 118,000 registered patients."
    )
    assert (stem("practices"),) in counted_nouns(crestonby)
    surgeries = "Two GPs with specialist training carry out the work at three surgeries."
    assert (stem("GPs"),) in counted_nouns(surgeries)
