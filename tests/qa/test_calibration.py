import json
from pathlib import Path

import pytest

from askcases.config import PACKAGE_DIR, REFUSAL_MODEL_FILE
from askcases.errors import UsageError
from askcases.evaluation.calibrate import COST_WRONG, Sample, fit_trees, fit_with_threshold
from askcases.qa.assistant import Assistant
from askcases.qa.calibration import (
    FEATURES,
    MeanRefusalModel,
    fit_refusal_model,
    load_refusal_model,
)


def test_fitted_model_separates_strong_from_weak_evidence(tmp_path: Path) -> None:
    samples = [
        ([0.8, 0.7, 0.8, 0.2, 1.0], 1),
        ([0.75, 0.6, 0.7, 0.15, 0.8], 1),
        ([0.7, 0.65, 0.6, 0.1, 0.9], 1),
        ([0.3, 0.4, 0.1, 0.0, 0.2], 0),
        ([0.35, 0.3, 0.2, -0.05, 0.0], 0),
    ]
    model = fit_refusal_model(samples, steps=3000)
    strong, weak = [0.8, 0.7, 0.8, 0.2, 1.0], [0.3, 0.35, 0.1, 0, 0.1]
    assert model.probability(strong) > 0.5 > model.probability(weak)
    path = tmp_path / "model.json"
    model.save(path)
    assert path.read_text().lstrip().startswith('{\n "format": "askcases-refusal/3"')
    assert load_refusal_model(path) == model
    assert fit_refusal_model(samples, steps=3000) == model  # deterministic


def test_calibration_needs_both_kinds_of_question() -> None:
    with pytest.raises(UsageError, match="both answerable and unanswerable"):
        fit_refusal_model([([0.5, 0.5, 0.5, 0.1], 1)])


def test_an_unusable_model_file_says_how_to_remake_it(tmp_path: Path) -> None:
    path = tmp_path / "model.json"
    path.write_text('{"format": "something else"}')
    with pytest.raises(UsageError, match="askcases eval calibrate"):
        load_refusal_model(path)
    assert load_refusal_model(tmp_path / "absent.json") is None


def test_a_model_of_the_earlier_format_still_loads_and_reads_its_three_features(
    tmp_path: Path,
) -> None:
    path = tmp_path / "model.json"
    path.write_text(
        '{"format": "askcases-refusal/1", "features": ["score", "semantic", "lexical"], '
        '"weights": [2.0, 1.0, 3.0], "bias": -3.0, "threshold": 0.5}'
    )
    model = load_refusal_model(path)
    assert model is not None
    assert model.probability([1.0, 0.0, 0.0, 9.0]) == pytest.approx(0.2689, abs=1e-4)


def test_a_model_of_four_features_still_loads_and_reads_its_four(tmp_path: Path) -> None:
    path = tmp_path / "model.json"
    path.write_text(
        '{"format": "askcases-refusal/2", "features": ["score", "semantic", "lexical", "margin"], '
        '"weights": [2.0, 1.0, 3.0, 1.0], "bias": -3.0, "threshold": 0.5}'
    )
    model = load_refusal_model(path)
    assert model is not None
    assert model.probability([1.0, 0.0, 0.0, 0.0, 9.0]) == pytest.approx(0.2689, abs=1e-4)


def _samples(group: str, shift: float) -> list[Sample]:
    right = [Sample([0.7 + shift, 0.6, 0.6, 0.15], True, True, group) for _ in range(6)]
    wrong = [Sample([0.5 + shift, 0.5, 0.4, 0.02], False, True, group) for _ in range(2)]
    unanswerable = [Sample([0.45 + shift, 0.45, 0.3, 0.0], False, False, group) for _ in range(3)]
    return right + wrong + unanswerable


def test_the_threshold_is_the_least_costly_with_each_group_held_out() -> None:
    samples = _samples("a", 0.0) + _samples("b", 0.02) + _samples("c", -0.02)
    model, table = fit_with_threshold(samples, steps=3000)
    chosen = next(row for row in table if row["threshold"] == model.threshold)
    least = min(row["smoothed_cost"] for row in table)
    close = [row for row in table if row["smoothed_cost"] <= least + COST_WRONG]
    # of the thresholds too close to the least cost to tell apart, the one refusing fewest
    assert chosen in close
    assert chosen["false_refusals"] == min(row["false_refusals"] for row in close)
    # the weak sentences are refused and the strong ones answered
    assert chosen["right"] == 18 and chosen["unanswerable_answered"] == 0
    assert model.probability([0.7, 0.6, 0.6, 0.15]) >= model.threshold
    assert model.probability([0.45, 0.45, 0.3, 0.0]) < model.threshold


def test_a_group_whose_rest_is_all_right_is_left_out_of_the_held_out_costs() -> None:
    # every question of groups b and c is answered rightly: without a, nothing can be fitted
    all_right = [
        Sample([0.7 + shift, 0.6, 0.6, 0.15], True, True, group)
        for group, shift in (("b", 0.02), ("c", -0.02))
        for _ in range(6)
    ]
    model, table = fit_with_threshold(_samples("a", 0.0) + all_right, steps=3000)
    chosen = next(row for row in table if row["threshold"] == model.threshold)
    # costs are of groups b and c alone, each judged by a model fitted with a's wrong answers:
    # all twelve answered rightly at the threshold chosen
    assert chosen["right"] == 12 and chosen["false_refusals"] == 0
    assert chosen["unanswerable_answered"] == 0


def test_a_threshold_needs_a_group_to_hold_out() -> None:
    with pytest.raises(UsageError, match="two groups"):
        fit_with_threshold(_samples("a", 0.0), steps=300)


def test_a_model_of_fewer_features_is_saved_in_its_own_format(tmp_path: Path) -> None:
    samples = [([0.8, 0.7, 0.8, 0.2], 1), ([0.3, 0.4, 0.1, 0.0], 0)]
    model = fit_refusal_model(samples, steps=500)
    path = tmp_path / "model.json"
    model.save(path)
    assert '"format": "askcases-refusal/2"' in path.read_text()
    assert load_refusal_model(path) == model


def test_fitted_ranking_weights_round_trip_and_a_stray_one_is_refused(tmp_path: Path) -> None:
    from askcases.qa.weights import load_ranker, save_ranker

    path = tmp_path / "ranker.json"
    assert load_ranker(path) == {}  # no file: the hand-set weights stand
    save_ranker(path, {"semantic": 0.4, "asked": 0.2}, "test")
    assert load_ranker(path) == {"semantic": 0.4, "asked": 0.2}
    save_ranker(path, {"semantic": 0.4, "no_such_weight": 1.0}, "test")
    with pytest.raises(UsageError, match="no_such_weight.*make fit-ranker"):
        load_ranker(path)


def test_a_model_of_chosen_features_reads_them_by_name(tmp_path: Path) -> None:
    # vectors in FEATURES' order: the margin and the asked share are what tell answers apart
    def vector(margin: float, asked: float) -> list[float]:
        values = dict.fromkeys(FEATURES, 0.5)
        values.update(margin=margin, asked=asked)
        return [values[name] for name in FEATURES]

    samples = [
        (vector(0.2, 1.0), 1),
        (vector(0.15, 0.8), 1),
        (vector(0.0, 0.9), 0),
        (vector(0.2, 0.1), 0),
        (vector(0.25, 0.9), 1),
    ]
    model = fit_refusal_model(samples, steps=3000, names=["asked", "margin"])
    assert model.reads == ("margin", "asked") and len(model.weights) == 2
    assert model.probability(vector(0.2, 1.0)) > 0.5 > model.probability(vector(0.0, 0.1))
    path = tmp_path / "model.json"
    model.save(path)
    saved = json.loads(path.read_text())
    assert saved["format"] == "askcases-refusal/5" and saved["features"] == ["margin", "asked"]
    assert load_refusal_model(path) == model


@pytest.mark.parametrize(
    ("saved", "says"),
    [
        (
            '{"format": "askcases-refusal/5", "features": ["score", "shoe_size"], '
            '"weights": [2.0, 1.0], "bias": -3.0, "threshold": 0.5}',
            "some of the features",
        ),
        (
            '{"format": "askcases-refusal-trees/1", "features": ["score"], "base": 0.0, '
            '"threshold": 0.5, "trees": [[[0, 0.5, 1, 7, 0.0], [-1, 0, -1, -1, 0.1]]]}',
            "a node it does not have",
        ),
        ('{"format": "askcases-refusal-mean/1", "members": []}', "the models it takes the mean"),
        (
            '{"format": "askcases-refusal-mean/1", "members": [{"format": "askcases-refusal/5", '
            '"features": ["score"], "weights": [1.0, 2.0], "bias": 0.0}]}',
            "one weight per feature",
        ),
    ],
)
def test_an_unusable_model_says_what_is_wrong_and_how_to_remake_it(
    tmp_path: Path, saved: str, says: str
) -> None:
    path = tmp_path / "model.json"
    path.write_text(saved)
    with pytest.raises(UsageError, match=f"{says}.*askcases eval calibrate"):
        load_refusal_model(path)


def test_a_model_of_six_features_still_loads_and_reads_its_six(tmp_path: Path) -> None:
    path = tmp_path / "model.json"
    path.write_text(
        '{"format": "askcases-refusal/4", "features": ' + json.dumps(FEATURES[:6]) + ", "
        '"weights": [2.0, 1.0, 3.0, 1.0, 0.0, 1.0], "bias": -3.0, "threshold": 0.5}'
    )
    model = load_refusal_model(path)
    assert model is not None
    # the features a later model reads beside them change nothing
    assert model.probability([1.0, 0.0, 0.0, 0.0, 0.0, 0.0, 1.0, 1.0, 1.0]) == pytest.approx(
        0.2689, abs=1e-4
    )


def test_the_refusal_model_reads_what_a_question_asks_for(assistant: Assistant) -> None:
    how_many = assistant.ask("how many sites does the Bristol clot service have")
    assert how_many.evidence is not None and how_many.evidence.figure == 1.0
    assert how_many.evidence.names_who == 0.0 and how_many.evidence.first_article == 1.0
    who = assistant.ask("who runs the community DVT clinics around Bristol")
    assert who.evidence is not None and who.evidence.names_who == 1.0
    assert who.evidence.figure == 0.0
    packaged = load_refusal_model(PACKAGE_DIR / "qa" / REFUSAL_MODEL_FILE)
    assert packaged is not None and {"figure", "names_who", "first_article"} <= set(packaged.reads)


def _vector(**given: float) -> list[float]:
    values = {**dict.fromkeys(FEATURES, 0.5), "situation": 0.0, **given}
    return [values[name] for name in FEATURES]


def _interacting(n: int) -> list[tuple[list[float], int]]:
    """Samples where a long question's evidence answers it unless it tells a situation, and a
    short one's only when it does: no weighted sum of the two tells them apart, trees do."""
    samples = []
    for i in range(n):
        words = 0.25 + 2.5 * ((i * 11) % n) / n
        situation = float(i % 2)
        samples.append(
            (_vector(words=words, situation=situation), int((words > 1.5) != bool(situation)))
        )
    return samples


def test_boosted_trees_read_two_features_together_and_round_trip(tmp_path: Path) -> None:
    samples = _interacting(120)
    names = ["words", "situation"]
    trees = fit_trees(samples, names)
    assert trees.reads == ("words", "situation")
    long_told, long_untold = _vector(words=2.5, situation=1.0), _vector(words=2.5)
    short_told, short_untold = _vector(words=0.5, situation=1.0), _vector(words=0.5)
    assert trees.probability(long_untold) > 0.5 > trees.probability(long_told)
    assert trees.probability(short_told) > 0.5 > trees.probability(short_untold)
    logistic = fit_refusal_model(samples, steps=3000, names=names)
    wrong = sum((logistic.probability(v) > 0.5) != bool(y) for v, y in samples)
    assert wrong > len(samples) // 4  # a weighted sum gets many of them wrong
    path = tmp_path / "trees.json"
    trees.save(path)
    assert json.loads(path.read_text())["format"] == "askcases-refusal-trees/1"
    assert load_refusal_model(path) == trees
    assert fit_trees(samples, names) == trees  # deterministic


def test_boosted_trees_never_read_more_evidence_as_weaker() -> None:
    # right answers above a word overlap of 0.4, but the few highest overlaps were near misses
    samples = [(_vector(lexical=0.02 * i), int(0.4 < 0.02 * i < 0.9)) for i in range(50)]
    trees = fit_trees(samples, ["lexical"])
    chances = [trees.probability(_vector(lexical=0.02 * i)) for i in range(50)]
    assert chances[30] > 0.5 > chances[5]
    assert all(later >= earlier for earlier, later in zip(chances, chances[1:], strict=False))


def test_the_refusal_model_reads_how_a_question_is_put(assistant: Assistant) -> None:
    short = assistant.ask("wigan stroke saving")
    assert short.evidence is not None
    assert short.evidence.keywords == 1.0 and short.evidence.situation == 0.0
    long = assistant.ask(
        "I'm writing a business case for our stroke pathway and the board will want figures - "
        "how many days did Wigan take off the average stroke stay"
    )
    assert long.evidence is not None and long.evidence.keywords == 0.0
    assert long.evidence.situation == 1.0 and long.evidence.words > short.evidence.words


def test_the_mean_of_trees_and_a_logistic_regression_is_fitted_held_out_and_round_trips(
    tmp_path: Path,
) -> None:
    samples = [
        Sample(features, bool(right), True, f"set {i % 4}")
        for i, (features, right) in enumerate(_interacting(120))
    ]
    model, table = fit_with_threshold(
        samples, names=["words", "situation"], trees=True, mean_with=["words"]
    )
    assert isinstance(model, MeanRefusalModel) and model.threshold in [
        r["threshold"] for r in table
    ]
    logistic, trees = model.members
    assert logistic.reads == ("words",) and trees.reads == ("words", "situation")
    assert model.reads == ("words", "situation")
    long_told = _vector(words=2.5, situation=1.0)
    assert model.probability(long_told) == pytest.approx(
        (logistic.probability(long_told) + trees.probability(long_told)) / 2
    )
    # the trees see what the weighted sum cannot: a long question that tells a situation
    assert model.probability(long_told) < logistic.probability(long_told)
    path = tmp_path / "mean.json"
    model.save(path)
    saved = json.loads(path.read_text())
    assert saved["format"] == "askcases-refusal-mean/1"
    assert [m["format"] for m in saved["members"]] == [
        "askcases-refusal/5",
        "askcases-refusal-trees/1",
    ]
    assert load_refusal_model(path) == model
