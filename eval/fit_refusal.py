"""Fit the packaged refusal model (src/askcases/qa/refusal_model.json) on the tuning sets only:
the tuning part of eval/questions.jsonl, eval/tuning-paraphrases.jsonl and -2 to -16, the tuning
article sets (eval/tuning-articles and -2 to -27) and the tuning part of
eval/tuning-date-conflicts (each indexed under build/eval/ as `make eval` indexes them). Each set
is held out in turn to choose the threshold (askcases.evaluation.calibrate). Of the sets of
features in CANDIDATES for a logistic regression (and, with --trees, boosted trees and the mean of
trees and a logistic regression), the one of least held-out cost is kept (the simpler learner,
then the fewer features, where costs are equal; with --keep, the least costly of that learner). The
test sets (eval/paraphrases.jsonl, eval/new-articles/, eval/date-conflicts/) are never read.
Run with `make fit-refusal`.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

os.environ.setdefault("HF_HUB_OFFLINE", "1")

from askcases.config import load_settings, project_root
from askcases.embedding.minilm import MiniLMEmbeddings
from askcases.evaluation.calibrate import (
    TREE_DEPTH,
    Sample,
    costs,
    fit_with_threshold,
    format_costs,
    samples_of,
)
from askcases.evaluation.questions import load_questions
from askcases.evaluation.splits import split_of
from askcases.qa.assistant import Assistant
from askcases.qa.calibration import (
    FEATURES,
    RefusalModel,
    TreeRefusalModel,
    load_refusal_model,
)
from askcases.store.sync import sync_index

ROOT = project_root()
# the sets of features tried with a logistic regression: the best sentence's evidence; with what
# the quoted sentences say together; with what kind of value the question asks for and whether
# the answer's article is the one retrieval ranked first; with both; with how the question is
# put as well
EVIDENCE = FEATURES[:9]
FORM = FEATURES[9:]
LEARNERS = ("logistic", "boosted trees", "mean of both")  # the simpler first, where costs are equal
CANDIDATES = (
    (FEATURES[:5], "logistic"),
    (FEATURES[:6], "logistic"),
    (FEATURES[:5] + FEATURES[6:9], "logistic"),
    (EVIDENCE, "logistic"),
    (FEATURES[:5] + FEATURES[6:9] + FORM, "logistic"),
)
# ... and, with --trees, boosted trees on the last set and on every feature, and the mean of the
# trees on the last set and the logistic regression on the third
MEAN_WITH = FEATURES[:5] + FEATURES[6:9]
TREE_CANDIDATES = (
    (FEATURES[:5] + FEATURES[6:9] + FORM, "boosted trees"),
    (FEATURES, "boosted trees"),
    (FEATURES[:5] + FEATURES[6:9] + FORM, "mean of both"),
)
TUNING_ARTICLE_SETS = (
    "tuning-articles",
    "tuning-articles-2",
    "tuning-articles-3",
    "tuning-articles-4",
    "tuning-articles-5",
    "tuning-articles-6",
    "tuning-articles-7",
    "tuning-articles-8",
    "tuning-articles-9",
    "tuning-articles-10",
    "tuning-articles-11",
    "tuning-articles-12",
    "tuning-articles-13",
    "tuning-articles-14",
    "tuning-articles-15",
    "tuning-articles-16",
    "tuning-articles-17",
    "tuning-articles-18",
    "tuning-articles-19",
    "tuning-articles-20",
    "tuning-articles-21",
    "tuning-articles-22",
    "tuning-articles-23",
    "tuning-articles-24",
    "tuning-articles-25",
    "tuning-articles-26",
    "tuning-articles-27",
    "tuning-articles-28",
    "tuning-articles-29",
    "tuning-articles-30",
    "tuning-articles-31",
)


def tuning_sets() -> list[tuple[str, Path, Path, Path, bool]]:
    """(name, questions file, corpus, index, only its tuning part) of each tuning set."""
    sets = [
        ("questions.jsonl", ROOT / "eval/questions.jsonl", ROOT / "corpus", ROOT / "index", True),
        *(
            (name, ROOT / f"eval/{name}.jsonl", ROOT / "corpus", ROOT / "index", False)
            for name in (
                "tuning-paraphrases",
                "tuning-paraphrases-2",
                "tuning-paraphrases-3",
                "tuning-paraphrases-4",
                "tuning-paraphrases-5",
                "tuning-paraphrases-6",
                "tuning-paraphrases-7",
                "tuning-paraphrases-8",
                "tuning-paraphrases-9",
                "tuning-paraphrases-10",
                "tuning-paraphrases-11",
                "tuning-paraphrases-12",
                "tuning-paraphrases-13",
                "tuning-paraphrases-14",
                "tuning-paraphrases-15",
                "tuning-paraphrases-16",
                "tuning-paraphrases-17",
                "tuning-paraphrases-18",
                "tuning-paraphrases-19",
                "tuning-paraphrases-20",
            )
        ),
    ]
    for name in TUNING_ARTICLE_SETS:
        folder = ROOT / "eval" / name
        sets.append((name, folder / "questions.jsonl", folder, ROOT / "build/eval" / name, False))
    folder = ROOT / "eval/tuning-date-conflicts"  # its tuning part; its held-out part is gated
    sets.append(
        (folder.name, folder / "questions.jsonl", folder, ROOT / "build/eval" / folder.name, True)
    )
    return sets


def tuning_assistants() -> Iterator[tuple[str, Assistant, list[dict[str, Any]]]]:
    """(name, an assistant over its corpus and index, its tuning questions) of each tuning set,
    its index brought up to date first."""
    embeddings: MiniLMEmbeddings | None = None
    for name, questions_file, corpus, index, tuning_part in tuning_sets():
        settings = load_settings(corpus_dir=corpus, index_dir=index)
        embeddings = embeddings or MiniLMEmbeddings.from_settings(settings)
        sync_index(settings, embeddings, quiet=True)
        questions = load_questions(questions_file)
        if tuning_part:
            questions = [q for q in questions if split_of(q["id"]) == "tuning"]
        yield name, Assistant(settings, embeddings), questions


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--out",
        type=Path,
        default=ROOT / "src/askcases/qa/refusal_model.json",
        help="where to save the model (default: the packaged one)",
    )
    parser.add_argument(
        "--samples",
        type=Path,
        default=None,
        help="also write the samples (features, right, answerable, set) to this JSON file",
    )
    parser.add_argument(
        "--reuse",
        type=Path,
        default=None,
        help="fit on the samples a run with --samples wrote, answering no question",
    )
    parser.add_argument(
        "--trees",
        action="store_true",
        help="also try boosted trees (askcases.evaluation.calibrate.fit_trees)",
    )
    parser.add_argument(
        "--keep",
        choices=LEARNERS,
        default=None,
        help="keep the least costly fit of this learner (default: of any)",
    )
    args = parser.parse_args()
    samples: list[Sample] = []
    if args.reuse is not None:
        samples = [Sample(**s) for s in json.loads(args.reuse.read_text(encoding="utf-8"))]
    for name, assistant, questions in [] if samples else tuning_assistants():
        found = samples_of(assistant, questions, name)
        print(f"{name}: {len(found)} samples of {len(questions)} questions")
        samples += found
    if args.samples is not None:
        args.samples.write_text(
            json.dumps([dataclasses.asdict(s) for s in samples]) + "\n", encoding="utf-8"
        )
    before = load_refusal_model(args.out) if args.out.exists() else None
    # the set of features of least held-out cost (with neighbours), the fewer where equal
    fits = []
    for names, learner in CANDIDATES + (TREE_CANDIDATES if args.trees else ()):
        model, table = fit_with_threshold(
            samples,
            names=names,
            trees=learner != "logistic",
            mean_with=MEAN_WITH if learner == "mean of both" else None,
        )
        least = min(row["smoothed_cost"] for row in table)
        also = f" and logistic on {len(MEAN_WITH)}" if learner == "mean of both" else ""
        print(
            f"{learner}, {len(names)} features ({', '.join(names)}){also}: "
            f"least held-out cost {least:.1f}"
        )
        fits.append((least, LEARNERS.index(learner), len(names), model, table))
    # the least cost; where equal, the simpler learner and the fewer features
    kept = [fit for fit in fits if args.keep is None or LEARNERS[fit[1]] == args.keep]
    if not kept:
        parser.error(f"no {args.keep} was fitted: add --trees")
    _, _, _, model, table = min(kept, key=lambda fit: fit[:3])
    right = sum(1 for s in samples if s.right)
    model = dataclasses.replace(
        model,
        fitted_on=f"{len(samples)} samples of {len(tuning_sets())} tuning sets "
        f"({right} answered rightly); threshold held out by set",
    )
    print("held-out cost of each threshold (each tuning set held out in turn):")
    print(format_costs(table, model.threshold))
    if isinstance(model, RefusalModel):
        print(
            "weights: "
            + ", ".join(f"{f} {w:+.3f}" for f, w in zip(model.reads, model.weights, strict=True))
            + f", bias {model.bias:+.3f}; threshold {model.threshold}"
        )
    elif isinstance(model, TreeRefusalModel):
        print(
            f"{len(model.trees)} boosted trees of depth {TREE_DEPTH} on "
            f"{', '.join(model.reads)}; threshold {model.threshold}"
        )
    else:
        print(
            "the mean of "
            + " and ".join(f"{type(m).__name__} on {', '.join(m.reads)}" for m in model.members)
            + f"; threshold {model.threshold}"
        )
    if before is not None:
        was = costs(samples, [before.probability(s.features) for s in samples], before.threshold)
        print(
            f"the model it replaces ({before.fitted_on}; threshold {before.threshold}) on the "
            f"same samples: right {was['right']}, wrong {was['wrong']}, false refusals "
            f"{was['false_refusals']}, unanswerable answered {was['unanswerable_answered']}, "
            f"cost {was['cost']:.0f}"
        )
    model.save(args.out)
    print(f"saved to {args.out}")


if __name__ == "__main__":
    main()
