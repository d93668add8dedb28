"""The refusal model: how likely the best sentence found answers the question rightly.

A logistic regression over evidence features of the best candidate sentence (its score, its
meaning similarity to the question, its weighted word overlap, its margin over the best sentence
that would not be quoted, the share of what the question asks beyond its names that it says,
and the share that the sentences quoted say together), fitted on tuning questions (answered
rightly = 1; answered wrongly or unanswerable = 0) by `askcases eval calibrate` or
`eval/fit_refusal.py`, with the threshold that costs least when each group of tuning questions
is held out in turn; saved as JSON that starts with a format version. A model of an earlier
format (the first three, four or five features) still loads. Leaves out: any other learner.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from pathlib import Path

from askcases.errors import UsageError
from askcases.files import write_json

FORMAT = "askcases-refusal/4"
FEATURES = ["score", "semantic", "lexical", "margin", "asked", "asked_quoted"]
# earlier formats that still load, and the format of a model of fewer features
EARLIER = {
    "askcases-refusal/1": FEATURES[:3],
    "askcases-refusal/2": FEATURES[:4],
    "askcases-refusal/3": FEATURES[:5],
}


@dataclass(frozen=True)
class RefusalModel:
    weights: tuple[float, ...]
    bias: float
    threshold: float = 0.5
    fitted_on: str = ""

    def probability(self, features: list[float]) -> float:
        """The chance of a right answer from the features in FEATURES' order (a model of an
        earlier format reads the first of them)."""
        used = features[: len(self.weights)]
        z = self.bias + sum(w * x for w, x in zip(self.weights, used, strict=True))
        return 1.0 / (1.0 + math.exp(-z))

    def save(self, path: Path) -> None:
        """The model as JSON, in the format of as many features as it has weights."""
        used = FEATURES[: len(self.weights)]
        fmt = next((f for f, names in EARLIER.items() if names == used), FORMAT)
        data = {
            "format": fmt,
            "features": used,
            "weights": list(self.weights),
            "bias": self.bias,
            "threshold": self.threshold,
            "fitted_on": self.fitted_on,
        }
        write_json(path, data)


def load_refusal_model(path: Path) -> RefusalModel | None:
    """The saved model, or None when there is no file (the plain score cut-off applies then)."""
    if not path.exists():
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        known = {FORMAT: FEATURES, **EARLIER}
        if known.get(data.get("format")) != data.get("features"):
            raise ValueError(f"expected format {FORMAT} with features {FEATURES}")
        if len(data["weights"]) != len(data["features"]):
            raise ValueError("expected one weight per feature")
        return RefusalModel(
            tuple(float(w) for w in data["weights"]),
            float(data["bias"]),
            float(data.get("threshold", 0.5)),
            str(data.get("fitted_on", "")),
        )
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise UsageError(
            f"refusal model {path} is unusable ({exc}); run `askcases eval calibrate`"
        ) from None


def fit_refusal_model(
    samples: list[tuple[list[float], int]], l2: float = 0.01, steps: int = 20000, rate: float = 0.5
) -> RefusalModel:
    """Logistic regression by gradient descent (deterministic: zero start, fixed steps)."""
    if not samples or len({y for _, y in samples}) < 2:
        raise UsageError("calibration needs both answerable and unanswerable questions")
    n_features = len(samples[0][0])
    weights = [0.0] * n_features
    bias = 0.0
    # Balance the classes, so that the few unanswerable questions weigh as much as the rest.
    positives = sum(y for _, y in samples)
    class_weight = {
        1: len(samples) / (2 * positives),
        0: len(samples) / (2 * (len(samples) - positives)),
    }
    for _ in range(steps):
        grad_w = [0.0] * n_features
        grad_b = 0.0
        for x, y in samples:
            z = bias + sum(w * v for w, v in zip(weights, x, strict=True))
            error = (1.0 / (1.0 + math.exp(-z)) - y) * class_weight[y]
            grad_b += error
            for i, v in enumerate(x):
                grad_w[i] += error * v
        weights = [
            w - rate * (g / len(samples) + l2 * w) for w, g in zip(weights, grad_w, strict=True)
        ]
        bias -= rate * grad_b / len(samples)
    return RefusalModel(tuple(round(w, 6) for w in weights), round(bias, 6))
