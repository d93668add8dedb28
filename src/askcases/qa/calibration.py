"""The refusal model: how likely the best sentence found answers the question rightly.

It reads evidence features of the best candidate sentence (its score, its meaning similarity to
the question, its weighted word overlap, its margin over the best sentence that would not be
quoted, the share of what the question asks beyond its names that it says, and the share that
the sentences quoted say together), what the question asks for (a figure; who or where), whether
the sentence's article is the one retrieval ranked first (a question's kind weighs its evidence:
"which groups of patients" is answered in other words than "how many"), and how the question is
put (its length, whether it tells the asker's situation, whether it is keywords alone: a long
question is seldom said word for word). Two learners: a logistic regression (RefusalModel), and
boosted shallow regression trees (TreeRefusalModel), whose leaves read two features together
("a low word overlap is weak evidence, except for a long question") and never fall as the
sentence's evidence rises; and the mean of the two's chances (MeanRefusalModel). Each is
fitted on tuning
questions (answered rightly = 1; answered wrongly or unanswerable = 0) by `eval/fit_refusal.py`
(`askcases eval calibrate` fits the logistic one), with the threshold that costs least when each
group of tuning questions is held out in turn; saved as JSON that starts with a format version
and names the features it reads. A model of an earlier format (the first three, four, five or
six features) still loads.
Leaves out: fitting trees (askcases.evaluation.calibrate).
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from askcases.errors import UsageError
from askcases.files import atomic_write_text, write_json

FORMAT = "askcases-refusal/5"
TREES_FORMAT = "askcases-refusal-trees/1"
MEAN_FORMAT = "askcases-refusal-mean/1"
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
    "words",
    "situation",
    "keywords",
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

    def to_json(self) -> dict[str, object]:
        """The model as JSON data, in the earliest format that reads its features."""
        used = list(self.reads)
        fmt = next((f for f, names in EARLIER.items() if names == used), FORMAT)
        return {
            "format": fmt,
            "features": used,
            "weights": list(self.weights),
            "bias": self.bias,
            "threshold": self.threshold,
            "fitted_on": self.fitted_on,
        }

    def save(self, path: Path) -> None:
        write_json(path, self.to_json())


# A tree's node: the index (among the features the model reads) of the feature it splits on, the
# value at or under which a sample goes left, the left and right nodes' indexes; a leaf has
# feature -1 and adds its value to the log-odds.
Node = tuple[int, float, int, int, float]


@dataclass(frozen=True)
class TreeRefusalModel:
    trees: tuple[tuple[Node, ...], ...]
    base: float  # the log-odds before any tree
    features: tuple[str, ...]
    threshold: float = 0.5
    fitted_on: str = ""

    @property
    def reads(self) -> tuple[str, ...]:
        return self.features

    def probability(self, features: list[float]) -> float:
        """The chance of a right answer from the features in FEATURES' order."""
        used = [features[FEATURES.index(name)] for name in self.features]
        z = self.base
        for tree in self.trees:
            node = tree[0]
            while node[0] >= 0:
                node = tree[node[2] if used[node[0]] <= node[1] else node[3]]
            z += node[4]
        return 1.0 / (1.0 + math.exp(-z))

    def to_json(self) -> dict[str, object]:
        """The model as JSON data (its trees stand for _TREES, which _as_text writes out)."""
        return {
            "format": TREES_FORMAT,
            "features": list(self.features),
            "base": self.base,
            "threshold": self.threshold,
            "fitted_on": self.fitted_on,
            "trees": _TREES,
        }

    def save(self, path: Path) -> None:
        atomic_write_text(path, _as_text(self.to_json(), self.trees))


@dataclass(frozen=True)
class MeanRefusalModel:
    """The mean of its members' chances: a logistic regression and boosted trees, say."""

    members: tuple[RefusalModel | TreeRefusalModel, ...]
    threshold: float = 0.5
    fitted_on: str = ""

    @property
    def reads(self) -> tuple[str, ...]:
        return tuple(_in_order([name for m in self.members for name in m.reads]))

    def probability(self, features: list[float]) -> float:
        """The chance of a right answer from the features in FEATURES' order."""
        return sum(m.probability(features) for m in self.members) / len(self.members)

    def save(self, path: Path) -> None:
        data = {
            "format": MEAN_FORMAT,
            "threshold": self.threshold,
            "fitted_on": self.fitted_on,
            "members": [m.to_json() for m in self.members],
        }
        trees = next((m.trees for m in self.members if isinstance(m, TreeRefusalModel)), ())
        atomic_write_text(path, _as_text(data, trees))


AnyRefusalModel = RefusalModel | TreeRefusalModel | MeanRefusalModel
_TREES = "(trees, a line each)"


def _as_text(data: dict[str, object], trees: tuple[tuple[Node, ...], ...]) -> str:
    """The model's JSON with its trees written a line each."""
    lines = ",\n".join("  " + json.dumps([list(node) for node in t]) for t in trees)
    return json.dumps(data, indent=1).replace(json.dumps(_TREES), f"[\n{lines}\n ]") + "\n"


def _trees(data: dict[str, object], names: list[str]) -> TreeRefusalModel:
    trees = []
    for tree in data["trees"]:  # type: ignore[attr-defined]
        nodes = tuple(
            (int(f), float(t), int(left), int(right), float(v)) for f, t, left, right, v in tree
        )
        for i, (f, _, left, right, _) in enumerate(nodes):
            if f >= len(names) or (
                f >= 0 and not (i < left < len(nodes) and i < right < len(nodes))
            ):
                raise ValueError("a tree node names a feature or a node it does not have")
        if not nodes:
            raise ValueError("a tree has no nodes")
        trees.append(nodes)
    return TreeRefusalModel(
        tuple(trees),
        float(data["base"]),  # type: ignore[arg-type]
        tuple(names),
        float(data.get("threshold", 0.5)),  # type: ignore[arg-type]
        str(data.get("fitted_on", "")),
    )


def load_refusal_model(path: Path) -> AnyRefusalModel | None:
    """The saved model, or None when there is no file (the plain score cut-off applies then)."""
    if not path.exists():
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if data.get("format") != MEAN_FORMAT:
            return _model(data)
        members = data["members"]
        if not isinstance(members, list) or not members:
            raise ValueError("expected the models it takes the mean of")
        return MeanRefusalModel(
            tuple(_model(m) for m in members),
            float(data.get("threshold", 0.5)),
            str(data.get("fitted_on", "")),
        )
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
        raise UsageError(
            f"refusal model {path} is unusable ({exc}); run `askcases eval calibrate`"
        ) from None


def _model(data: Any) -> RefusalModel | TreeRefusalModel:
    """A logistic regression or boosted trees from their JSON data."""
    names = data.get("features")
    if data.get("format") == TREES_FORMAT:
        if not isinstance(names, list) or not names or names != _in_order(names):
            raise ValueError(f"expected some of the features {FEATURES}, in that order")
        return _trees(data, names)
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
