"""The refusal model: how likely the best sentence found answers the question rightly.

A logistic regression over evidence features of the best candidate sentence (its score, its
meaning similarity to the question, its weighted word overlap, its margin over the best sentence
that would not be quoted, the share of what the question asks beyond its names that it says,
and the share that the sentences quoted say together), what the question asks for (a figure;
who or where) and whether the sentence's article is the one retrieval ranked first (a
question's kind weighs its evidence: "which groups of patients" is answered in other words
than "how many"), fitted on tuning questions (answered
rightly = 1; answered wrongly or unanswerable = 0) by `askcases eval calibrate` or
`eval/fit_refusal.py`, with the threshold that costs least when each group of tuning questions
is held out in turn; saved as JSON that starts with a format version and names the features it
reads. A model of an earlier format (the first three, four, five or six features) still loads.
Leaves out: any other learner.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from pathlib import Path

from askcases.errors import UsageError
from askcases.files import write_json

FORMAT = "askcases-refusal/5"
FEATURES = [
    "score",
    "semantic",
    "lexical",
    "margin",
    "asked",
    "asked_quoted",
    "figure",
    "names_who",
    "first_article",
]
# earlier formats that still load, each with the features it reads
EARLIER = {
    "askcases-refusal/1": FEATURES[:3],
    "askcases-refusal/2": FEATURES[:4],
    "askcases-refusal/3": FEATURES[:5],
    "askcases-refusal/4": FEATURES[:6],
}


@dataclass(frozen=True)
class RefusalModel:
    weights: tuple[float, ...]
    bias: float
    threshold: float = 0.5
    fitted_on: str = ""
    # the features it reads, in FEATURES' order (none named: the first of them, one per weight)
    features: tuple[str, ...] = ()

    @property
    def reads(self) -> tuple[str, ...]:
        return self.features or tuple(FEATURES[: len(self.weights)])

    def probability(self, features: list[float]) -> float:
        """The chance of a right answer from the features in FEATURES' order (the model reads
        those it was fitted on)."""
        used = [features[FEATURES.index(name)] for name in self.reads]
        z = self.bias + sum(w * x for w, x in zip(self.weights, used, strict=True))
        return 1.0 / (1.0 + math.exp(-z))

    def save(self, path: Path) -> None:
        """The model as JSON, in the earliest format that reads its features."""
        used = list(self.reads)
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
        names = data.get("features")
        if data.get("format") == FORMAT:
            if not isinstance(names, list) or not names or names != _in_order(names):
                raise ValueError(f"expected some of the features {FEATURES}, in that order")
        elif EARLIER.get(data.get("format")) != names:
            raise ValueError(f"expected format {FORMAT} with some of the features {FEATURES}")
        if len(data["weights"]) != len(names):
            raise ValueError("expected one weight per feature")
        return RefusalModel(
            tuple(float(w) for w in data["weights"]),
            float(data["bias"]),
            float(data.get("threshold", 0.5)),
            str(data.get("fitted_on", "")),
            tuple(names),
        )
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise UsageError(
            f"refusal model {path} is unusable ({exc}); run `askcases eval calibrate`"
        ) from None


def _in_order(names: list[str]) -> list[str]:
    return [name for name in FEATURES if name in names]


def fit_refusal_model(
    samples: list[tuple[list[float], int]],
    l2: float = 0.01,
    steps: int = 20000,
    rate: float = 0.5,
    names: list[str] | None = None,
) -> RefusalModel:
    """Logistic regression by gradient descent (deterministic: zero start, fixed steps) on the
    features `names` of the samples (each in FEATURES' order; by default as many of the first
    features as a sample has)."""
    import numpy as np

    if not samples or len({y for _, y in samples}) < 2:
        raise UsageError("calibration needs both answerable and unanswerable questions")
    used = _in_order(list(names)) if names else FEATURES[: len(samples[0][0])]
    x = np.array([[v[FEATURES.index(n)] for n in used] for v, _ in samples], dtype=np.float64)
    y = np.array([label for _, label in samples], dtype=np.float64)
    n = len(samples)
    # Balance the classes, so that the few unanswerable questions weigh as much as the rest.
    positives = float(y.sum())
    class_weight = np.where(y == 1, n / (2 * positives), n / (2 * (n - positives)))
    weights = np.zeros(len(used))
    bias = 0.0
    for _ in range(steps):
        error = (1.0 / (1.0 + np.exp(-(bias + x @ weights))) - y) * class_weight
        weights = weights - rate * ((x.T @ error) / n + l2 * weights)
        bias -= rate * float(error.sum()) / n
    return RefusalModel(
        tuple(round(float(w), 6) for w in weights),
        round(bias, 6),
        features=tuple(used),
    )
