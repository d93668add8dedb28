"""Fit the sentence ranker's weights (src/askcases/qa/ranker.json) on the tuning sets only.

Every tuning question of eval/fit_refusal.py's sets is answered with a model that never refuses,
and each scored candidate sentence is kept with its ranking features (askcases.qa.extractive:
RANK_FEATURES, the last the share of what is asked that it says) and whether it holds the
question's facts. Three ways of weighing them are compared, each tuning set ranked by weights
fitted on the others: the hand-set weights of askcases.qa.weights; a pairwise logistic
regression of every weight (a sentence holding the facts against each one that does not, of the
same question; no weight below zero), scaled so that meaning, words and passage sum to 1 as the
hand-set ones do, so that every margin in score units keeps its size; and the hand-set weights
with only the weight of what is asked chosen. The way whose held-out best sentences hold the
facts most often is fitted on all the tuning sets and saved, as the weights that differ from the
hand-set ones. The test sets are never read. Run with `make fit-ranker`.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import sys
from pathlib import Path
from typing import Any

os.environ.setdefault("HF_HUB_OFFLINE", "1")

sys.path.insert(0, str(Path(__file__).resolve().parent))

from fit_refusal import tuning_assistants  # noqa: E402

from askcases.config import project_root  # noqa: E402
from askcases.evaluation.calibrate import NEVER_REFUSES  # noqa: E402
from askcases.evaluation.questions import facts_hold, fold  # noqa: E402
from askcases.qa.assistant import Assistant  # noqa: E402
from askcases.qa.extractive import RANK_FEATURES, counts_other  # noqa: E402
from askcases.qa.questions import counts_focus, holds_type  # noqa: E402
from askcases.qa.weights import ExtractiveWeights, save_ranker  # noqa: E402
from askcases.text.lexicon import content_terms  # noqa: E402

ROOT = project_root()
L2 = 0.01  # the fit's pull of every weight towards nothing, per pair
ITERATIONS = 3000
STEP = 0.5
SCALE = ("semantic", "lexical", "passage")  # these sum to 1 in every saved ranker
HAND_SET = ExtractiveWeights()  # the weights of askcases.qa.weights, before any fitted ones


def _holds(q: dict[str, Any], text: str) -> int:
    """2 when the sentence holds every fact, 1 when it holds an evidence string or some, else 0."""
    if not q["facts"]:
        return 0
    if facts_hold(q["facts"], text):
        return 2
    folded = fold(text)
    if any(fold(e) in folded for e in q["evidence"]):
        return 1
    return 0


def collect(
    assistant: Assistant, questions: list[dict[str, Any]], group: str
) -> list[dict[str, Any]]:
    """Each question's scored candidates (features, whether it may answer, its label), and
    whether the answer given with no refusal holds the facts."""
    answerer = assistant.answerer
    seen: list[tuple[Any, list[Any]]] = []
    original = answerer.score

    def watched(question: Any, candidates: list[Any], *context: Any) -> list[Any]:
        scored: list[Any] = original(question, candidates, *context)
        seen.append((question, scored))
        return scored

    answerer.score = watched
    saved = answerer.refusal
    answerer.refusal = NEVER_REFUSES
    rows = []
    resolved: dict[str, str] = {}
    try:
        for q in questions:
            seen.clear()
            history = [resolved[q["follows"]]] if q.get("follows") in resolved else []
            answer = assistant.ask(q["question"], history=history)
            resolved[q["id"]] = answer.resolved_question or q["question"]
            if not seen:
                continue
            question, scored = max(seen, key=lambda s: len(s[1]))
            cands = []
            for c in scored:
                may = (
                    holds_type(question.kind, c.text, question.expanded)
                    and counts_focus(
                        question.focus, set(content_terms(c.text)), question.focus_related
                    )
                    and not counts_other(question, c.text)
                )
                cands.append(
                    {
                        "features": list(c.features),
                        "answers": bool(may),
                        "label": _holds(q, c.text),
                        "text": c.text,
                    }
                )
            rows.append(
                {
                    "id": q["id"],
                    "group": group,
                    "question": q["question"],
                    "answerable": bool(q["answerable"]),
                    "right": bool(q["answerable"])
                    and not answer.refused
                    and facts_hold(q["facts"], answer.answer),
                    "cands": cands,
                }
            )
    finally:
        answerer.score = original
        answerer.refusal = saved
    return rows


def _pairs(rows: list[dict[str, Any]], used: list[int]) -> Any:
    import numpy as np

    diffs = []
    for row in rows:
        cands = row["cands"]
        best = max((c["label"] for c in cands), default=0)
        if best == 0:
            continue
        good = [np.asarray(c["features"])[used] for c in cands if c["label"] == best]
        bad = [np.asarray(c["features"])[used] for c in cands if c["label"] < best]
        for g in good:
            for b in bad:
                diffs.append(g - b)
    return np.asarray(diffs) if diffs else np.zeros((0, len(used)))


def fit(rows: list[dict[str, Any]], used: list[int]) -> Any:
    """Non-negative weights of a pairwise logistic regression (projected gradient descent)."""
    import numpy as np

    x = _pairs(rows, used)
    w = np.zeros(len(used))
    if len(x) == 0:
        return w
    for _ in range(ITERATIONS):
        z = x @ w
        p = 1.0 / (1.0 + np.exp(np.clip(z, -30, 30)))  # the chance each pair is misordered
        grad = -(x * p[:, None]).mean(axis=0) + L2 * w
        w = np.maximum(0.0, w - STEP * grad)
    return w


ASKED_GRID = (0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.8, 1.0, 1.5)


def with_asked(rows: list[dict[str, Any]], hand: Any, used: list[int]) -> Any:
    """The hand-set weights with the weight of `asked` that ranks best on `rows` (the smallest
    of equals)."""
    i = RANK_FEATURES.index("asked")

    def weights(a: float) -> Any:
        w = hand.copy()
        w[i] = a
        return w

    best = max(ASKED_GRID, key=lambda a: (top_right(rows, weights(a), used)[0], -a))
    return weights(best)


def top_right(rows: list[dict[str, Any]], weights: Any, used: list[int]) -> tuple[int, int]:
    """(questions whose best answering sentence holds the facts, questions with such a sentence)."""
    import numpy as np

    right = total = 0
    for row in rows:
        cands = [c for c in row["cands"] if c["answers"]] or row["cands"]
        best = max((c["label"] for c in cands), default=0)
        if best == 0:
            continue
        total += 1
        scores = [float(np.asarray(c["features"])[used] @ weights) for c in cands]
        top = cands[int(np.argmax(scores))]
        right += top["label"] == best
    return right, total


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=Path, help="read (or with --collect write) candidates here")
    parser.add_argument("--collect", action="store_true", help="answer the tuning sets first")
    parser.add_argument(
        "--out", type=Path, default=ROOT / "src/askcases/qa/ranker.json", help="where to save"
    )
    parser.add_argument("--dry-run", action="store_true", help="print the figures, save nothing")
    args = parser.parse_args()
    import numpy as np

    if args.collect or args.rows is None or not args.rows.exists():
        rows: list[dict[str, Any]] = []
        for name, assistant, questions in tuning_assistants():
            found = collect(assistant, questions, name)
            print(f"{name}: {len(found)} questions", file=sys.stderr)
            rows += found
        if args.rows is not None:
            args.rows.write_text(json.dumps(rows) + "\n", encoding="utf-8")
    else:
        rows = json.loads(args.rows.read_text(encoding="utf-8"))
    used = list(range(len(RANK_FEATURES)))
    hand = np.asarray([getattr(HAND_SET, f) for f in RANK_FEATURES])
    ways: dict[str, Any] = {
        "hand-set": lambda train: hand,
        "pairwise": lambda train: fit(train, used),
        "asked": lambda train: with_asked(train, hand, used),
    }
    groups = sorted({r["group"] for r in rows})
    print("best answering sentence holds the facts, each set ranked by weights fitted on others")
    print(f"{'held out':24s}" + "".join(f"{name:>12s}" for name in ways))
    totals = dict.fromkeys(ways, 0)
    asked = 0
    for group in groups:
        train = [r for r in rows if r["group"] != group]
        test = [r for r in rows if r["group"] == group]
        line = f"{group:24s}"
        for name, way in ways.items():
            right, n = top_right(test, way(train), used)
            totals[name] += right
            line += f"{right:>8d}/{n:<3d}"
        asked += n
        print(line)
    print(f"{'all':24s}" + "".join(f"{totals[name]:>8d}/{asked:<3d}" for name in ways))
    chosen = max(ways, key=lambda name: (totals[name], name == "hand-set"))
    w = ways[chosen](rows)
    scale = sum(w[RANK_FEATURES.index(f)] for f in SCALE) or 1.0
    fitted = {
        f: round(float(v / scale), 4)
        for f, v, h in zip(RANK_FEATURES, w, hand, strict=True)
        if not math.isclose(v / scale, h, abs_tol=1e-4)
    }
    shown = ", ".join(f"{k} {v}" for k, v in fitted.items())
    print(f"chosen: {chosen}; on all tuning sets: {shown}")
    if not args.dry_run:
        on_all = top_right(rows, w, used)
        save_ranker(
            args.out,
            fitted,
            f"{chosen}: {len(rows)} questions of {len(groups)} tuning sets; held out by set, "
            f"{totals[chosen]}/{asked} best sentences hold the facts (hand-set "
            f"{totals['hand-set']}); on all {on_all[0]}/{on_all[1]}",
        )
        print(f"saved to {args.out}")


if __name__ == "__main__":
    main()
