import json
from pathlib import Path

import pytest

from askcases.errors import UsageError
from askcases.evaluation.outcomes import load_gold, score_outcomes
from askcases.types import Outcome

SENTENCE = "The service freed up the equivalent of 11 stroke beds in its first year."
GOLD = {
    "doc_id": "doc",
    "place": "Hollinbrook",
    "service": "stroke",
    "measure": "beds freed",
    "direction": "",
    "value": "11",
    "before": "",
    "after": "",
    "period": "",
    "evidence": "freed up the equivalent of 11 stroke beds",
}


def _row(measure: str, value: str) -> Outcome:
    return Outcome(
        "doc", "Hollinbrook", "stroke", measure, "", value, "", "", "", 0, 10, SENTENCE, "T", None
    )


def test_a_figure_found_counts_even_when_its_measure_is_named_otherwise() -> None:
    scores = score_outcomes([_row("beds", "11")], [GOLD])
    assert scores["rows"]["matched"] == 0
    assert scores["figures"] == {"precision": 1.0, "recall": 1.0, "matched": 1}
    wrong_value = score_outcomes([_row("beds freed", "12")], [GOLD])
    assert wrong_value["figures"]["matched"] == 0 and wrong_value["rows"]["matched"] == 0
    assert score_outcomes([_row("beds freed", "11")], [GOLD])["rows"]["matched"] == 1


def test_a_label_without_evidence_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "labels.jsonl"
    path.write_text(json.dumps({**GOLD, "evidence": " "}) + "\n", encoding="utf-8")
    with pytest.raises(UsageError, match="evidence is empty"):
        load_gold(path)


def test_a_projection_extracted_as_achieved_is_counted_and_fails_the_gate(tmp_path: Path) -> None:
    import dataclasses

    from askcases.errors import EvalGateError
    from askcases.evaluation.outcomes import check_outcome_thresholds

    gold = {**GOLD, "status": "projected", "qualifier": "up to"}
    achieved = _row("beds freed", "11")
    scores = score_outcomes([achieved], [gold])
    assert scores["standing"]["status_accuracy"] == 0.0
    assert scores["standing"]["projected_shown_as_achieved"] == 1
    gate = tmp_path / "gate.json"
    gate.write_text(
        json.dumps(
            {
                "standing.status_accuracy": {"min": 0.95},
                "standing.projected_shown_as_achieved": {"max": 0},
            }
        ),
        encoding="utf-8",
    )
    with pytest.raises(EvalGateError, match="projected_shown_as_achieved 1.000 > 0"):
        check_outcome_thresholds(scores, gate)
    marked = dataclasses.replace(achieved, status="projected", qualifier="up to")
    fixed = score_outcomes([marked], [gold])
    assert fixed["standing"]["status_accuracy"] == fixed["standing"]["qualifier_accuracy"] == 1.0
    check_outcome_thresholds(fixed, gate)
    gate.write_text(json.dumps({"standing.nonsense": {"min": 1}}), encoding="utf-8")
    with pytest.raises(UsageError, match="unknown figure"):
        check_outcome_thresholds(fixed, gate)


@pytest.mark.parametrize(
    ("labelled", "extracted"),
    [
        ("about thirty percent", "30%"),
        ("around six hundred thousand pounds", "£600,000"),
        ("£87,000 a year", "£87,000"),
        ("28% lower", "28%"),
        ("eleven", "11"),
        ("about one in five", "1 in 5"),
        ("6 weeks or less", "6 weeks"),
        ("around 300 patients a year", "300"),
        ("£1.1 million over two years", "£1.1 million"),
        ("six audiologists", "6"),
        ("three sites", "3"),
        ("by a quarter", "25%"),
        ("just over a third", "33%"),
        ("by half", "50%"),
    ],
)
def test_a_labelled_value_matches_the_same_figure_written_otherwise(
    labelled: str, extracted: str
) -> None:
    sentence = f"The figure was {labelled} last year."
    gold = {**GOLD, "value": labelled, "evidence": f"was {labelled}"}
    row = Outcome("doc", "", "", "", "", extracted, "", "", "", 0, 10, sentence, "T", None)
    assert score_outcomes([row], [gold])["figures"]["matched"] == 1


def test_a_different_number_or_unit_is_no_match() -> None:
    for labelled, extracted in (
        ("about 30%", "31%"),
        ("6 weeks", "6 days"),
        ("£400", "400"),
        ("six weeks", "6"),
        ("a third site", "33%"),
        ("£5,000 a quarter", "25%"),
    ):
        sentence = f"The figure was {labelled} last year."
        gold = {**GOLD, "value": labelled, "evidence": f"was {labelled}"}
        row = Outcome("doc", "", "", "", "", extracted, "", "", "", 0, 10, sentence, "T", None)
        assert score_outcomes([row], [gold])["figures"]["matched"] == 0


def test_a_table_row_labelled_as_a_pdf_prints_it_matches_its_cells() -> None:
    row = Outcome(
        "doc",
        "Hollinbrook",
        "stroke",
        "referrals received",
        "up",
        "1,105",
        "640",
        "1,105",
        "",
        0,
        30,
        "| Referrals received | 640 | 1,105 |",
        "T",
        None,
    )
    gold = dict(GOLD, value="1,105", evidence="Referrals received 640 1,105")
    assert score_outcomes([row], [gold])["figures"]["matched"] == 1
