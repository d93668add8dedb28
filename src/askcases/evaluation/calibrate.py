"""Fitting the refusal model on the tuning part of an evaluation set (`askcases eval calibrate`).

Leaves out: the model itself (askcases.qa.calibration).
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

from askcases.evaluation.questions import run_eval
from askcases.evaluation.splits import split_of
from askcases.qa.assistant import Assistant
from askcases.qa.calibration import RefusalModel, fit_refusal_model


def calibrate(
    assistant: Assistant, questions: list[dict[str, Any]], path: Path, progress: bool = True
) -> RefusalModel:
    """Fit the refusal model on the tuning part of `questions` and save it to `path`.

    Each tuning question is answered with no refusal model; those that reach the evidence step
    (not refused for a missing name or value) give a sample: features -> answerable.
    """
    tuning = [q for q in questions if split_of(q["id"]) == "tuning"]
    saved = assistant.answerer.refusal
    assistant.answerer.refusal = None
    try:
        report = run_eval(assistant, tuning, progress=progress)
    finally:
        assistant.answerer.refusal = saved
    samples = [
        (row["features"], 1 if row["answerable"] else 0)
        for row in report["questions"]
        if row.get("features")
    ]
    model = fit_refusal_model(samples)
    model = dataclasses.replace(
        model,
        fitted_on=f"{len(samples)} tuning questions of {len(questions)} "
        f"({sum(y for _, y in samples)} answerable)",
    )
    model.save(path)
    assistant.answerer.refusal = model
    return model
