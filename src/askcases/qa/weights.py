"""Every scoring weight and threshold of the extractive answerer and the grounding verifier, in
one place, each with what it does.

These values were set by hand on the tuning part of eval/questions.jsonl (never on its held-out
part); ranking weights that eval/fit_ranker.py fits on the tuning sets (ranker.json, beside this
file) replace those of the same name. The refusal model (`askcases eval calibrate`) and the
grounding threshold (`askcases eval grounding --calibrate`) are read from the index directory
first (askcases.config). Leaves out: any value fitted at run time.
"""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass
from pathlib import Path

from askcases.errors import UsageError
from askcases.files import write_json


@dataclass(frozen=True)
class ExtractiveWeights:
    """How a candidate sentence's evidence score is made, and how sentences are chosen."""

    # The score: a blend of meaning, words and the passage's own similarity to the question.
    semantic: float = 0.5  # cosine of the sentence to the question
    lexical: float = 0.35  # weighted share of the question's words found in the sentence
    passage: float = 0.15  # cosine of the sentence's passage to the question
    # Adjustments to the score.
    type_match: float = 0.06  # + when it gives the kind of value asked for, - when it does not
    measure_match: float = 0.08  # + when a figure of that kind reports a measure the question names
    result_form: float = 0.06  # + when a figure is a result (a before and after, a change, a share)
    result_for_change: float = 0.04  # + again when the question asks whether something changed
    direct_count: float = 0.3  # + when a number counts the very thing a "how many" asks for
    other_count: float = 1.0  # 1: a sentence whose numbers all count other things gives no count
    agent: float = 0.15  # + for "who" when it names who does something ("run by GP Care")
    speaker: float = 0.1  # + for "who" when it names a person speaking ("Dr ..., said:")
    national: float = (
        0.08  # - for a national comparison ("Nationally, around 59% ...") unless asked
    )
    missing_name: float = 0.08  # - when a name the question uses (not in the title) is absent
    lead_in: float = 0.05  # - for a lead-in ("X said:"), unless a person or body is asked for
    asked: float = 0.0  # + the share of what is asked beyond the question's names that it says
    untyped_passage: float = 0.2  # a passage ranks this much lower when it gives no such value
    other_place: float = 1.0  # 1: refuse when the answer's article never names a place asked about
    other_topic: float = 1.0  # 1: ... or never mentions a topic of the library asked about
    # Word weights: inverse sentence frequency, times these.
    named_term: float = 2.0  # a name the question uses weighs double
    carried_term: float = 0.5  # a follow-up's carried-over subject weighs half
    # 1: the asker's situation before the request is no part of what is asked ("I'm writing up
    # the frailty unit's first year - how many patients"), and its words weigh situation_term
    situation: float = 1.0
    situation_term: float = 0.5
    title_term: float = 0.5  # a question word only in the sentence's article title counts half
    context_term: float = 0.5  # ... or only in the sentence before, which it goes on from
    # Which sentences are scored in full (embedding them is the dear part).
    # the best by words and passage rank; on the tuning sets the best sentence of 24 was as often
    # right with only the first 12 embedded, for half the embedding time of an answer
    max_embedded: int = 12
    min_terms: int = 3  # a fragment with fewer content words is no candidate
    # Which sentences answer.
    min_evidence: float = 0.42  # the plain cut-off, used only when there is no refusal model
    second_sentence_margin: float = 0.08  # a second sentence scores within this of the best
    # the other half of "now, and before": a sentence of the best's article within this of it
    then_and_now_margin: float = 0.15
    list_margin_factor: float = 2.0  # ... and within twice that for a list question
    max_answer_sentences: int = 3
    list_extra_sentences: int = 2  # a list question may quote this many more
    duplicate_overlap: float = 0.6  # share of words above which two sentences say the same
    # Standing and age (askcases.text.claims, askcases.store.supersession).
    achieved_margin: float = 0.08  # an achieved result this close to a projection answers first
    # a projection this close to an achieved result answers first when a plan is asked about
    expected_margin: float = 0.2
    newer_edge: float = 0.02  # + for an article that supersedes another among the passages
    baseline: float = 0.15  # - for the state before a service began, when the present is asked
    recency: float = 0.05  # + for the newest article when the question asks for the latest
    newer_edge_latest: float = 0.05  # newer_edge when the question asks for the current state


@dataclass(frozen=True)
class GroundingWeights:
    """How well a cited passage supports a sentence of an answer."""

    semantic: float = 0.6  # cosine to the passage's closest sentence
    overlap: float = 0.4  # share of the sentence's content words found in the passage
    default_threshold: float = 0.6  # supported at or above this, until one is fitted


RANKER_FORMAT = "askcases-ranker/1"
RANKER_FILE = Path(__file__).with_name("ranker.json")


def save_ranker(path: Path, weights: dict[str, float], fitted_on: str) -> None:
    """Fitted ranking weights (eval/fit_ranker.py) as JSON that starts with a format version."""
    write_json(path, {"format": RANKER_FORMAT, "weights": weights, "fitted_on": fitted_on})


def load_ranker(path: Path = RANKER_FILE) -> dict[str, float]:
    """The fitted ranking weights by name, or none when there is no file. A weight of another
    name, or a file of another format, is an error: the ranker and this code must agree."""
    if not path.exists():
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if data.get("format") != RANKER_FORMAT:
            raise ValueError(f"expected format {RANKER_FORMAT}")
        known = {f.name for f in dataclasses.fields(ExtractiveWeights)}
        weights = {str(k): float(v) for k, v in data["weights"].items()}
        unknown = sorted(set(weights) - known)
        if unknown:
            raise ValueError(f"unknown weights {', '.join(unknown)}")
        return weights
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
        raise UsageError(
            f"ranking weights {path} are unusable ({exc}); run `make fit-ranker`"
        ) from None


EXTRACTIVE = dataclasses.replace(ExtractiveWeights(), **load_ranker())  # type: ignore[arg-type]
# The weights each way of matching by meaning adds, set to nothing when it is off (ablation).
ABLATED: dict[str, tuple[str, ...]] = {
    "measures": ("measure_match",),
    "comparators": ("national",),
    "context": ("context_term",),
    "situation": ("situation",),
    "forms": (
        "result_form",
        "result_for_change",
        "direct_count",
        "other_count",
        "agent",
        "speaker",
    ),
    "standing": (
        "achieved_margin",
        "expected_margin",
        "newer_edge",
        "recency",
        "newer_edge_latest",
        "baseline",
    ),
    "places": ("other_place",),
    "topics": ("other_topic",),
}


def extractive_weights(off: set[str]) -> ExtractiveWeights:
    """The extractive weights without those of the ways of matching in `off`."""
    changes: dict[str, float] = {f: 0.0 for name in sorted(off) for f in ABLATED.get(name, ())}
    return dataclasses.replace(EXTRACTIVE, **changes)  # type: ignore[arg-type]


GROUNDING = GroundingWeights()
