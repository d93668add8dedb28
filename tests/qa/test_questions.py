import pytest

from askcases.qa.questions import expected_type, holds_type, is_list_question, new_values


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        ("How much did Wigan save?", "money"),
        ("What share of the population is covered?", "percent"),
        ("When did the clinic open?", "date"),
        ("How common is DVT?", "rate"),
        ("How long did patients wait?", "duration"),
        ("How fast does the team respond?", "duration"),
        ("How many centres are there?", "number"),
        ("Who runs the clinics?", "who"),
        ("Which GP lead spoke for the CCG?", "person"),
        ("Who announced the fourth wave?", "person"),
        ("Where will the hub be based?", "place"),
        ("Why did referrals fall?", None),
    ],
)
def test_expected_answer_type_is_read_from_the_question(question: str, kind: str | None) -> None:
    assert expected_type(question) == kind


@pytest.mark.parametrize(
    ("kind", "sentence", "holds"),
    [
        ("money", "It will save the NHS locally up to £60,000 a year.", True),
        ("money", "It proved a more cost effective model.", False),
        ("percent", "Admissions decreased by 70 per cent.", True),
        ("percent", "9 out of 10 people will benefit.", True),
        ("date", "It was fully launched on 31 October after a soft launch.", True),
        ("date", "The service grew quickly.", False),
        ("rate", "One in every 1,000 people in the UK develops it each year.", True),
        ("duration", "They get back to patients within two hours of contact.", True),
        ("duration", "It moved to eight centres.", False),
        ("number", "It moved to eight specialist treatment centres.", True),
        ("who", "The centres are run by GP Care, a social enterprise.", True),
        ("person", "Dr David Peel, Clinical Lead for Planned Care, said:", True),
        ("person", "BNSSG Clinical Commissioning Group (CCG) moved DVT services.", False),
        ("place", "The service uses a clinic in Harley Street.", True),
    ],
)
def test_a_sentence_holds_the_kind_of_value_asked_for(
    kind: str, sentence: str, holds: bool
) -> None:
    assert holds_type(kind, sentence, "question") is holds


def test_a_value_the_question_already_states_is_not_an_answer() -> None:
    question = "What did the Bristol, North Somerset and South Gloucestershire CCG do?"
    sentence = "A service in Bristol, North Somerset and South Gloucestershire has been recognised."
    assert new_values("who", sentence, question) == []
    assert new_values("who", "It is run by GP Care in Bristol.", question) == ["GP Care"]


def test_list_questions_are_recognised() -> None:
    assert is_list_question("Which areas cut hospital visits from care homes?")
    assert is_list_question("List the savings reported")
    assert not is_list_question("Which GP lead spoke for the CCG?")


def test_a_body_is_no_person() -> None:
    from askcases.qa.questions import holds_type

    asked = "who is the lead podiatrist for the foot service"
    body = "In May 2020 Eastwold Primary Care Partnership, with podiatrists, opened foot clinics."
    assert not holds_type("person", body, asked)
    assert holds_type("person", "Lorna Beech, lead podiatrist, said the clinics work.", asked)
    assert holds_type("person", "Dr David Peel, Clinical Lead for Planned Care, said:", asked)
