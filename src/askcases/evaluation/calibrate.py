"""Fitting the refusal model on tuning questions (`askcases eval calibrate`, `eval/fit_refusal.py`).

Each tuning question is answered with a model that never refuses; those that reach the evidence
step (not refused for a missing name, place, topic or value) give a sample: the best sentence's
features -> whether the answer holds the question's facts (an unanswerable question's answer
never does). The model is fitted with the two classes weighed equally, and its threshold is the
one that costs least, read with its two neighbours, when each group of questions (a tuning set,
or a third of one set) is held out in turn, a wrong answer costing twice a false refusal: staff
who quote a wrong figure are worse off than staff told "the case studies don't say". Costs
within one wrong answer of the least are too close to tell apart, and among them the threshold
that refuses fewest answerable questions wins.

Leaves out: the model itself (askcases.qa.calibration).
"""

from __future__ import annotations

import dataclasses
import hashlib
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from askcases.errors import UsageError
from askcases.evaluation.questions import run_eval
from askcases.evaluation.splits import split_of
from askcases.qa.assistant import Assistant
from askcases.qa.calibration import (
    FEATURES,
    AnyRefusalModel,
    MeanRefusalModel,
    RefusalModel,
    TreeRefusalModel,
    fit_refusal_model,
)

COST_WRONG = 2.0  # a wrong answer, or an answer to an unanswerable question, per false refusal
THRESHOLDS = tuple(round(0.2 + 0.05 * i, 2) for i in range(11))  # 0.2 to 0.7
NEVER_REFUSES = RefusalModel(tuple(0.0 for _ in FEATURES), 0.0, threshold=0.0)


@dataclass(frozen=True)
class Sample:
    features: list[float]
    right: bool  # the answer holds the question's facts
    answerable: bool
    group: str  # the questions held out together


def samples_of(
    assistant: Assistant, questions: list[dict[str, Any]], group: str, progress: bool = True
) -> list[Sample]:
    """The questions answered with no refusal model, as samples of `group` (a question's own
    "group" key, where it has one, wins)."""
    saved = assistant.answerer.refusal
    assistant.answerer.refusal = NEVER_REFUSES
    try:
        report = run_eval(assistant, questions, progress=progress)
    finally:
        assistant.answerer.refusal = saved
    groups = {q["id"]: q.get("group", group) for q in questions}
    return [
        Sample(
            list(row["features"]),
            bool(row["answerable"] and row["facts_ok"]),
            bool(row["answerable"]),
            groups[row["id"]],
        )
        for row in report["questions"]
        if row.get("features") and not row["refused"]
    ]


def costs(samples: list[Sample], probabilities: list[float], threshold: float) -> dict[str, Any]:
    """What answering at this threshold gives: right and wrong answers, false refusals, answered
    unanswerable questions, and their cost."""
    answered = [p >= threshold for p in probabilities]
    right = sum(1 for s, a in zip(samples, answered, strict=True) if a and s.right)
    wrong = sum(
        1 for s, a in zip(samples, answered, strict=True) if a and s.answerable and not s.right
    )
    refused = sum(1 for s, a in zip(samples, answered, strict=True) if not a and s.answerable)
    unanswerable = sum(1 for s, a in zip(samples, answered, strict=True) if a and not s.answerable)
    return {
        "threshold": threshold,
        "right": right,
        "wrong": wrong,
        "false_refusals": refused,
        "unanswerable_answered": unanswerable,
        "cost": COST_WRONG * (wrong + unanswerable) + refused,
    }


TREE_ROUNDS = 200  # boosted trees: how many
TREE_DEPTH = 2  # each splits twice, reading at most two features together
TREE_RATE = 0.05  # each tree's share of its fit


# Evidence that can only speak for an answer: more of it never lowers the chance of a right one.
RISING = ("score", "semantic", "lexical", "margin", "asked", "asked_quoted", "first_article")
_STEP_MAX = 4.0  # a working response beyond this is cut (LogitBoost's bound)


def fit_trees(
    samples: list[tuple[list[float], int]], names: list[str] | None = None
) -> TreeRefusalModel:
    """Boosted regression trees on the log-odds of a right answer (LogitBoost: each tree a
    Newton step, fitted by scikit-learn's regression tree; deterministic), the two classes
    weighed equally as in fit_refusal_model, on the features `names` of the samples (each in
    FEATURES' order). Each tree may only rise with the RISING features, so a sentence that
    says more of what is asked never reads as weaker evidence."""
    import numpy as np
    from sklearn.tree import DecisionTreeRegressor

    if not samples or len({y for _, y in samples}) < 2:
        raise UsageError("calibration needs both answerable and unanswerable questions")
    used = [n for n in FEATURES if n in names] if names else FEATURES[: len(samples[0][0])]
    x = np.array([[v[FEATURES.index(n)] for n in used] for v, _ in samples], dtype=np.float64)
    y = np.array([label for _, label in samples], dtype=np.float64)
    n, positives = len(y), float(y.sum())
    weight = np.where(y == 1, n / (2 * positives), n / (2 * (n - positives)))
    base = round(math.log(float((weight * y).sum()) / float((weight * (1 - y)).sum())), 9)
    rising = [1 if name in RISING else 0 for name in used]
    logits = np.full(n, base)
    trees = []
    for _ in range(TREE_ROUNDS):
        p = 1.0 / (1.0 + np.exp(-logits))
        h = np.clip(p * (1 - p), 1e-6, None)
        z = np.clip((y - p) / h, -_STEP_MAX, _STEP_MAX)
        tree = DecisionTreeRegressor(max_depth=TREE_DEPTH, monotonic_cst=rising, random_state=0)
        tree.fit(x, z, sample_weight=weight * h)
        t = tree.tree_
        nodes = tuple(
            (
                int(t.feature[i]) if t.children_left[i] >= 0 else -1,
                round(float(t.threshold[i]), 6) if t.children_left[i] >= 0 else 0.0,
                int(t.children_left[i]),
                int(t.children_right[i]),
                round(float(t.value[i].ravel()[0]) * TREE_RATE, 9),
            )
            for i in range(t.node_count)
        )
        trees.append(nodes)
        logits = logits + np.array([nodes[leaf][4] for leaf in tree.apply(x)])
    model = TreeRefusalModel(tuple(trees), base, tuple(used))
    # the saved trees give the log-odds they were fitted to
    for i in range(0, n, max(1, n // 50)):
        p_i = model.probability(list(samples[i][0]))
        assert abs(math.log(p_i / (1 - p_i)) - logits[i]) < 1e-6, "trees read back differently"
    return model


def fit_with_threshold(
    samples: list[Sample],
    steps: int = 20000,
    names: list[str] | None = None,
    trees: bool = False,
    mean_with: list[str] | None = None,
) -> tuple[AnyRefusalModel, list[dict[str, Any]]]:
    """The model fitted on every sample (on the features `names`, by default all a sample
    has; boosted trees when `trees`, else a logistic regression; with `mean_with`, the mean of
    that and a logistic regression on the features `mean_with`), with the threshold of least
    held-out cost; and the held-out cost of each threshold tried. A group whose held-out rest
    is all of one kind (all answered rightly, say) cannot be judged held out, and its samples
    count only in the final fit."""

    def one(train: list[tuple[list[float], int]]) -> RefusalModel | TreeRefusalModel:
        return (
            fit_trees(train, names) if trees else fit_refusal_model(train, steps=steps, names=names)
        )

    def fit(train: list[tuple[list[float], int]]) -> AnyRefusalModel:
        if mean_with is None:
            return one(train)
        return MeanRefusalModel(
            (fit_refusal_model(train, steps=steps, names=mean_with), one(train))
        )

    if len({s.right for s in samples}) < 2:
        raise UsageError("calibration needs both answerable and unanswerable questions")
    groups = sorted({s.group for s in samples})
    if len(groups) < 2:
        raise UsageError("calibration needs at least two groups of questions to hold out in turn")
    held_out: dict[int, float] = {}
    for group in groups:
        train = [(s.features, int(s.right)) for s in samples if s.group != group]
        if len({y for _, y in train}) < 2:
            continue  # the rest are all of one kind: nothing to fit without this group
        model = fit(train)
        for i, s in enumerate(samples):
            if s.group == group:
                held_out[i] = model.probability(s.features)
    if not held_out:
        raise UsageError(
            "calibration needs more questions: without any one group, the questions left are "
            "all answered rightly or all wrongly"
        )
    judged = sorted(held_out)
    table = [
        costs([samples[i] for i in judged], [held_out[i] for i in judged], t) for t in THRESHOLDS
    ]
    for i, row in enumerate(table):  # a flat stretch of costs is noise: read each with its
        near = table[max(0, i - 1) : i + 2]  # neighbours
        row["smoothed_cost"] = sum(r["cost"] for r in near) / len(near)
    # the least cost with its neighbours; costs within one wrong answer of it cannot be told
    # apart held out, and among those the threshold that refuses fewest answerable questions
    # wins (staff stop asking when what the library says is refused)
    least = min(row["smoothed_cost"] for row in table)
    close = [row for row in table if row["smoothed_cost"] <= least + COST_WRONG]
    best = min(close, key=lambda row: (row["false_refusals"], row["threshold"]))
    model = fit([(s.features, int(s.right)) for s in samples])
    return dataclasses.replace(model, threshold=best["threshold"]), table


def third_of(question_id: str) -> str:
    """One of three groups, fixed by a hash of the id (not the hash that splits tuning from
    held-out questions)."""
    return f"third {hashlib.sha256(('group:' + question_id).encode()).digest()[0] % 3 + 1}"


def calibrate(
    assistant: Assistant, questions: list[dict[str, Any]], path: Path, progress: bool = True
) -> AnyRefusalModel:
    """Fit the refusal model on the tuning part of `questions`, each third held out in turn for
    the threshold, and save it to `path`."""
    tuning = [{**q, "group": third_of(q["id"])} for q in questions if split_of(q["id"]) == "tuning"]
    samples = samples_of(assistant, tuning, "tuning", progress)
    model, _ = fit_with_threshold(samples)
    model = dataclasses.replace(model, fitted_on=describe(samples, len(questions)))
    model.save(path)
    assistant.answerer.refusal = model
    return model


def describe(samples: list[Sample], of: int) -> str:
    right = sum(1 for s in samples if s.right)
    return f"{len(samples)} tuning questions of {of} ({right} answered rightly)"


def format_costs(table: list[dict[str, Any]], chosen: float) -> str:
    """The held-out cost of each threshold tried, the chosen one marked."""
    lines = [
        "threshold  right  wrong  false refusals  unanswerable answered  cost  with neighbours"
    ]
    for row in table:
        mark = "  <- chosen" if row["threshold"] == chosen else ""
        lines.append(
            f"{row['threshold']:>9.2f}  {row['right']:>5}  {row['wrong']:>5}  "
            f"{row['false_refusals']:>14}  {row['unanswerable_answered']:>21}  "
            f"{row['cost']:>4.0f}  {row.get('smoothed_cost', row['cost']):>15.1f}{mark}"
        )
    return "\n".join(lines)
