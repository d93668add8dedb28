import json
from pathlib import Path

import pytest

from askcases.text.privacy import find_identifiers, mask_identifiers, privacy_note

EVAL = Path(__file__).resolve().parents[2] / "eval"


@pytest.mark.parametrize(
    ("typed", "kind", "kept"),
    [
        ("patient 943 476 5919 has a clot, who runs the clinics?", "nhs_number", "943 476 5919"),
        ("NHS no. 9434765919 - can he get bloods at the GP", "nhs_number", "9434765919"),
        ("nhs number 943-476-5919", "nhs_number", "943-476-5919"),
        ("she was born on 3rd March 1961, is there a clinic", "date_of_birth", "3rd March 1961"),
        ("DOB 12/03/1950 diabetic, which hub", "date_of_birth", "12/03/1950"),
        ("date of birth: 1958-07-21", "date_of_birth", "1958-07-21"),
        ("lives at BS1 3NX, nearest dvt clinic?", "postcode", "BS1 3NX"),
        ("postcode ls6 2ab", "postcode", "ls6 2ab"),
        ("email jo.bloggs@nhs.net about bloods", "email", "jo.bloggs@nhs.net"),
        ("ring her on 07700 900123", "phone", "07700 900123"),
        ("call +44 20 7946 0958 for results", "phone", "+44 20 7946 0958"),
        ("the surgery is on (0117) 496 0000", "phone", "(0117) 496 0000"),
    ],
)
def test_each_kind_of_identifier_is_masked(typed: str, kind: str, kept: str) -> None:
    masked, kinds = mask_identifiers(typed)
    assert kinds == (kind,)
    assert kept not in masked and "[" in masked
    assert privacy_note(kinds).startswith("askcases answers from published case studies")


@pytest.mark.parametrize(
    "typed",
    [
        "9434765918 saved a year?",  # fails the modulus 11 check
        "how much did wigan save in 2011/12",
        "clinics in the BS1 area",
        "between 01/04/2021 and 31/03/2022 how many bloods",
        "£1,234,567,890 budget",
        "18,000 bloods a week",
        "1 in every 1,000 people",
    ],
)
def test_numbers_and_dates_of_the_case_studies_are_left_alone(typed: str) -> None:
    assert mask_identifiers(typed) == (typed, ())


def test_no_evaluation_question_is_taken_for_patient_data() -> None:
    files = [*EVAL.glob("*.jsonl"), *EVAL.glob("*/questions.jsonl")]
    questions = [
        json.loads(line)["question"]
        for f in files
        if f.name not in ("grounding_pairs.jsonl", "outcomes.jsonl")
        for line in f.read_text("utf-8").splitlines()
        if line.strip() and "question" in json.loads(line)
    ]
    assert len(questions) >= 400
    assert [(q, find_identifiers(q)) for q in questions if find_identifiers(q)] == []


def test_several_kinds_are_named_once_each() -> None:
    masked, kinds = mask_identifiers("943 476 5919 and 9434765919 at BS1 3NX")
    assert masked == "[NHS number] and [NHS number] at [postcode]"
    assert kinds == ("nhs_number", "postcode")
    assert "NHS number and postcode you typed were not kept" in privacy_note(kinds)
