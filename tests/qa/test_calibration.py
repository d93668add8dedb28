from pathlib import Path

import pytest

from askcases.errors import UsageError
from askcases.qa.calibration import fit_refusal_model, load_refusal_model


def test_fitted_model_separates_strong_from_weak_evidence(tmp_path: Path) -> None:
    samples = [
        ([0.8, 0.7, 0.8], 1),
        ([0.75, 0.6, 0.7], 1),
        ([0.7, 0.65, 0.6], 1),
        ([0.3, 0.4, 0.1], 0),
        ([0.35, 0.3, 0.2], 0),
    ]
    model = fit_refusal_model(samples, steps=3000)
    assert model.probability([0.8, 0.7, 0.8]) > 0.5 > model.probability([0.3, 0.35, 0.1])
    path = tmp_path / "model.json"
    model.save(path)
    assert path.read_text().lstrip().startswith('{\n "format": "askcases-refusal/1"')
    assert load_refusal_model(path) == model
    assert fit_refusal_model(samples, steps=3000) == model  # deterministic


def test_calibration_needs_both_kinds_of_question() -> None:
    with pytest.raises(UsageError, match="both answerable and unanswerable"):
        fit_refusal_model([([0.5, 0.5, 0.5], 1)])


def test_an_unusable_model_file_says_how_to_remake_it(tmp_path: Path) -> None:
    path = tmp_path / "model.json"
    path.write_text('{"format": "something else"}')
    with pytest.raises(UsageError, match="askcases eval calibrate"):
        load_refusal_model(path)
    assert load_refusal_model(tmp_path / "absent.json") is None
