import pytest

from askcases.embedding.minilm import MiniLMEmbeddings
from askcases.evaluation.grounding import default_pairs_file, fit_threshold, grounding_check
from askcases.qa.assistant import Assistant
from askcases.qa.grounding import GroundingVerifier, amounts, unsupported_amounts
from askcases.text.markers import split_answer

WIGAN = (
    "A clinical commissioning group in Wigan has redesigned stroke services and reduced the "
    "average hospital stay for patients from 56 days to 12 days, reducing A&E waits and saving "
    "£700,000 per year."
)


@pytest.mark.parametrize(
    ("sentence", "passage"),
    [
        ("Admissions fell by 70%.", "decreased by 70 per cent"),
        ("It saves 700,000 pounds a year.", "saving £700,000 per year"),
        ("There are 8 centres.", "eight specialist treatment centres"),
        ("Funding of £11.5bn was promised.", "£11.5 billion of extra funding"),
        ("Around 1200 new patients a year.", "around 1,200 new patients"),
    ],
)
def test_numbers_match_across_their_written_forms(sentence: str, passage: str) -> None:
    assert amounts(sentence) and amounts(passage)
    assert unsupported_amounts(sentence, [passage]) == []


def test_a_number_the_passage_does_not_state_is_reported() -> None:
    assert unsupported_amounts("Wigan saved £900,000 and cut stays by 70%.", [WIGAN]) == [
        "£900,000",
        "70%",
    ]
    assert [kind for _, _, kind in amounts("70 per cent, £5 and 12 days")] == ["%", "£", ""]


def test_markers_that_open_a_sentence_belong_to_the_one_before() -> None:
    assert split_answer("Wigan saved £700,000. [1] Stays fell to 12 days [2]. Uncited.") == [
        ("Wigan saved £700,000.", [1]),
        ("Stays fell to 12 days.", [2]),
        ("Uncited.", []),
    ]


def test_verifier_marks_supported_unsupported_and_uncited_sentences(
    embeddings: MiniLMEmbeddings,
) -> None:
    verifier = GroundingVerifier(embeddings)
    grounding = verifier.verify(
        "Wigan's stroke redesign saves £700,000 a year. [1] It also saved £2 million on drugs. [1] "
        "Patients loved it.",
        {1: WIGAN},
    )
    verdicts = grounding.sentences
    assert [v.supported for v in verdicts] == [True, False, False]
    assert verdicts[1].unsupported_numbers == ["£2 million"]
    assert verdicts[2].citations == []
    assert grounding.grounded_rate == pytest.approx(1 / 3, abs=1e-3)
    assert grounding.unsupported_numbers == ["£2 million"]


def test_threshold_is_fitted_to_separate_the_labelled_pairs() -> None:
    verdicts = [(0.9, True), (0.8, True), (0.4, True), (0.3, True), (0.85, False)]
    labels = [True, True, False, False, False]
    assert 0.4 < fit_threshold(verdicts, labels) < 0.8


def test_labelled_pairs_are_classified_on_held_out_part(embeddings: MiniLMEmbeddings) -> None:
    result = grounding_check(GroundingVerifier(embeddings), default_pairs_file())
    assert result["n_pairs"] >= 30
    assert result["held_out_accuracy"] >= 0.8


def test_an_extractive_answer_carries_a_supported_verdict_for_each_sentence(
    assistant: Assistant,
) -> None:
    answer = assistant.ask("How much does the Wigan stroke redesign save a year?").to_json()
    assert not answer["refused"] and "£700,000" in answer["answer"]
    grounding = answer["grounding"]
    assert grounding["sentences"]
    assert grounding["grounded_rate"] == 1.0
    assert grounding["unsupported_numbers"] == []
    assert all(s["supported"] and s["citations"] for s in grounding["sentences"])
    assert answer["backend"] == "extractive"
