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
