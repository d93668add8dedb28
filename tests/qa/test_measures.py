import pytest

from askcases.qa.extractive import gives_measure, measure_words
from askcases.qa.questions import expected_type, read_question


@pytest.mark.parametrize(
    ("question", "answers", "does_not"),
    [
        (
            "how many audiologists at fernleigh",
            "It has two soundproof booths and a team of five audiologists.",
            "In the first six months 1,940 people were seen.",
        ),
        (
            "bladder problems service - how long is the wait now",
            "| Waiting time for first appointment | 18 weeks | 4 weeks |",
            "In the first year the team saw 2,350 patients.",
        ),
        (
            "and how many are there (DVT clinics)",
            "The CCG moved DVT services out of hospitals to eight specialist treatment centres.",
            "The service treated 400 patients with DVT.",
        ),
        (
            "How many people in Plymouth have diabetes?",
            "Plymouth has around 11,600 patients with diabetes.",
            "Plymouth opened 3 clinics.",
        ),
        (
            "how much did the clinic save",
            "The CCG estimates the move has saved £96,000 so far.",
            "The service cost £210,000 a year to run.",
        ),
    ],
)
def test_a_sentence_states_the_measure_a_question_names(
    question: str, answers: str, does_not: str
) -> None:
    read = read_question(question, {})
    assert gives_measure(read, measure_words(read), answers)
    assert not gives_measure(read, measure_words(read), does_not)


def test_when_asks_for_a_date_only_where_it_leads() -> None:
    assert expected_type("when did the clinic open") == "date"
    assert expected_type("Who runs it, and when was it launched?") == "date"
    assert expected_type("Did missed appointments go down when the service moved?") is None
    assert expected_type("Launched when?") == "date"


def test_headings_and_captions_are_no_answer() -> None:
    from askcases.qa.extractive import is_heading

    assert is_heading("OUR SOCIAL PRESCRIBING SERVICE")
    assert is_heading("Table 1: Asthma outcomes for pupils at the 14 pilot schools")
    assert not is_heading("The team saw 2,350 patients in its first year.")
    assert not is_heading("| Waiting time for first appointment | 18 weeks | 4 weeks |")


def test_a_question_about_running_costs_is_not_one_about_savings() -> None:
    from askcases.outcomes.queries import outcome_measures

    assert outcome_measures("Which services cost more than £2 million a year to run?") == [
        "running cost"
    ]
    assert outcome_measures("What savings have been reported?") == ["cost saving"]


@pytest.mark.parametrize(
    ("question", "counts", "does_not"),
    [
        (
            "how many opticians are doing the post-cataract checks",
            "The check is carried out by optometrists at 16 opticians across the area.",
            "In two years, 3,240 patients had their check at a local optician.",
        ),
        (
            "how many nurseries does the speech team go into",
            "Therapists now run sessions in nine children's centres and 23 nurseries.",
            "Speech therapy for 1,200 children under five, delivered in centres and nurseries.",
        ),
    ],
)
def test_a_number_counts_what_a_how_many_question_asks_for(
    question: str, counts: str, does_not: str
) -> None:
    from askcases.qa.extractive import counts_asked

    read = read_question(question, {})
    assert counts_asked(read, counts)
    assert not counts_asked(read, does_not)


def test_a_question_about_change_wants_a_result() -> None:
    from askcases.qa.extractive import read_forms

    assert read_question("are fewer people ending up in A&E", {}).change
    assert read_question("did missed appointments go down", {}).change
    assert read_question("eye screening uptake in fairfield", {}).change
    assert not read_question("who runs the clot clinics around Bristol", {}).change
    assert read_forms("Conveyances to the Emergency Department fell by 40%.")[0]
    assert read_forms("Did-not-attend rates halved, from 22% to 11%.")[0]
    assert read_forms("| Average response time (minutes) | 164 | 71 |")[0]
    assert not read_forms("Falls are the most common reason for ambulance calls.")[0]


def test_who_questions_want_who_does_it() -> None:
    from askcases.qa.extractive import names_agent

    assert names_agent("The centres are run by GP Care, a social enterprise.") == (True, False)
    assert names_agent("The service is funded jointly by NHS Saltmere CCG.")[0]
    assert names_agent("Dr David Peel, Clinical Lead for Planned Care, said:") == (False, True)
    assert names_agent("A team of 23 therapists visits people at home.") == (False, False)


def test_a_results_row_with_its_unit_in_the_label_gives_a_length_of_time() -> None:
    from askcases.qa.questions import holds_type

    row = "| Average response time to falls calls (minutes) | 164 | 71 |"
    assert holds_type("duration", row, "how quickly does the team get there")
    assert not holds_type("duration", "| Falls calls conveyed | 1,870 | 1,120 |", "how quickly")


def test_a_date_is_no_answer_to_how_many() -> None:
    from askcases.qa.questions import holds_type

    asked = "how many chemists are doing the minor ailments scheme"
    assert not holds_type("number", "The scheme was launched on 1 March 2021 by the CCG.", asked)
    assert not holds_type("number", "The scheme was set up in 2019/20.", asked)
    assert holds_type("number", "It now runs in 34 community pharmacies.", asked)
    assert holds_type("number", "In 2019/20 the team saw 3,000 patients.", asked)
