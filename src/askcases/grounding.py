"""Check every sentence of an answer against the passages it cites.

For each sentence: the citations it carries; whether a cited passage supports it (the best of:
meaning similarity to the passage's closest sentence blended with the share of the sentence's
content words found in the passage, against a threshold calibrated on labelled pairs in
eval/grounding_pairs.jsonl); and every number, amount of money, percentage and year in it,
looked for in the cited passages ("70 per cent" = "70%", "£700,000" = "700,000 pounds",
"eight" = "8"). Applied to every answer, whatever wrote it.
Leaves out: entailment models; a paraphrased claim with no shared words may be marked unsupported.
"""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from langchain_core.embeddings import Embeddings

from askcases.chunking import sentence_spans
from askcases.questions import NUMBER_VALUES, content_terms

DEFAULT_THRESHOLD = 0.6
THRESHOLD_FILE = Path(__file__).with_name("grounding_threshold.json")
_MARKER = re.compile(r"\[(\d+(?:\s*,\s*\d+)*)\]")
_LEADING_MARKERS = re.compile(r"^(?:\s*\[\d+(?:\s*,\s*\d+)*\])+")
# "one" is left out: "one of the ..." is seldom a figure.
_SMALL = {word: value for word, value in NUMBER_VALUES.items() if word != "one"}
_AMOUNT = re.compile(
    r"(?P<pound>£\s?)?(?P<num>\d[\d,]*(?:\.\d+)?|\b(?:" + "|".join(_SMALL) + r")\b)"
    r"(?:\s?(?P<scale>million|billion|bn|m|k)\b)?"
    r"(?:\s?(?P<unit>%|per ?cent\b|pounds?\b))?",
    re.I,
)


@dataclass(frozen=True)
class SentenceVerdict:
    text: str
    citations: list[int]
    supported: bool
    score: float
    unsupported_numbers: list[str]


@dataclass(frozen=True)
class Grounding:
    sentences: list[SentenceVerdict]
    grounded_rate: float  # share of sentences supported by a passage they cite
    unsupported_numbers: list[str]

    def to_json(self) -> dict[str, Any]:
        return {
            "sentences": [asdict(s) for s in self.sentences],
            "grounded_rate": self.grounded_rate,
            "unsupported_numbers": self.unsupported_numbers,
        }


def amounts(text: str) -> list[tuple[str, float, str]]:
    """(as written, value, kind) of each number in the text; kind is "%", "£" or ""."""
    found = []
    for match in _AMOUNT.finditer(text):
        raw = match.group("num")
        value = float(_SMALL[raw.lower()]) if raw.lower() in _SMALL else float(raw.replace(",", ""))
        scale = (match.group("scale") or "").lower()
        value *= {"million": 1e6, "m": 1e6, "billion": 1e9, "bn": 1e9, "k": 1e3}.get(scale, 1)
        unit = (match.group("unit") or "").lower()
        kind = "%" if unit in ("%",) or unit.startswith("per") else ""
        if match.group("pound") or unit.startswith("pound"):
            kind = "£"
        found.append((match.group(0).strip(), value, kind))
    return found


def unsupported_amounts(sentence: str, passages: list[str]) -> list[str]:
    """Numbers of the sentence that no cited passage states (same value and kind)."""
    stated = [(value, kind) for p in passages for _, value, kind in amounts(p)]
    missing = []
    for written, value, kind in amounts(sentence):
        if not any(v == value and (kind == k or not kind or not k) for v, k in stated):
            missing.append(written)
    return missing


def split_answer(answer: str) -> list[tuple[str, list[int]]]:
    """(sentence without markers, cited numbers) for each sentence of an answer; a marker that
    opens a sentence ("… end. [2] Next") belongs to the sentence before it."""
    pieces: list[tuple[str, list[int]]] = []
    for start, end in sentence_spans(answer):
        text = answer[start:end]
        lead = _LEADING_MARKERS.match(text)
        if lead and pieces:
            numbers = [int(n) for m in _MARKER.findall(lead.group(0)) for n in m.split(",")]
            prev_text, prev_cites = pieces[-1]
            pieces[-1] = (prev_text, prev_cites + numbers)
            text = text[lead.end() :]
        cites = [int(n) for m in _MARKER.findall(text) for n in m.split(",")]
        plain = " ".join(_MARKER.sub(" ", text).split()).replace(" .", ".")
        if plain:
            pieces.append((plain, cites))
    return pieces


def load_threshold(path: Path = THRESHOLD_FILE) -> float:
    if not path.exists():
        return DEFAULT_THRESHOLD
    return float(json.loads(path.read_text(encoding="utf-8"))["threshold"])


def _overlap(sentence: str, passage: str) -> float:
    words = set(content_terms(sentence))
    return len(words & set(content_terms(passage))) / len(words) if words else 0.0


class GroundingVerifier:
    """Verdicts on answers; sentence vectors are cached, so re-checking a passage is cheap."""

    def __init__(self, embeddings: Embeddings, threshold: float | None = None) -> None:
        self.embeddings = embeddings
        self.threshold = load_threshold() if threshold is None else threshold
        self._vectors: dict[str, list[float]] = {}

    def _embed(self, texts: list[str]) -> list[list[float]]:
        missing = [t for t in dict.fromkeys(texts) if t not in self._vectors]
        if missing:
            self._vectors.update(
                zip(missing, self.embeddings.embed_documents(missing), strict=True)
            )
        return [self._vectors[t] for t in texts]

    def support(self, sentence: str, passage: str) -> float:
        """How well one passage supports one sentence, about 0 to 1."""
        spans = [passage[s:e] for s, e in sentence_spans(passage)] or [passage]
        if sentence in spans:
            return 1.0  # a verbatim quote
        vectors = self._embed([sentence, *spans])
        best = max(sum(a * b for a, b in zip(vectors[0], v, strict=True)) for v in vectors[1:])
        return 0.6 * max(0.0, best) + 0.4 * _overlap(sentence, passage)

    def verify(self, answer: str, cited: dict[int, str]) -> Grounding:
        """Verdicts for each sentence of `answer`; `cited` maps a marker number to its text."""
        verdicts = []
        for text, numbers in split_answer(answer):
            passages = [cited[n] for n in numbers if n in cited]
            score = max((self.support(text, p) for p in passages), default=0.0)
            missing = (
                unsupported_amounts(text, passages) if passages else [a[0] for a in amounts(text)]
            )
            supported = bool(passages) and score >= self.threshold and not missing
            verdicts.append(SentenceVerdict(text, numbers, supported, round(score, 4), missing))
        rate = sum(v.supported for v in verdicts) / len(verdicts) if verdicts else 1.0
        return Grounding(
            verdicts, round(rate, 4), [n for v in verdicts for n in v.unsupported_numbers]
        )


def load_pairs(path: Path) -> list[dict[str, Any]]:
    """Labelled (sentence, passage, supported) pairs, one JSON object a line."""
    rows = [
        json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()
    ]
    for row in rows:
        if not {"id", "sentence", "passage", "supported"} <= row.keys():
            raise ValueError(
                f"{path}: pair {row.get('id')!r} lacks id, sentence, passage or supported"
            )
    return rows


def pair_verdicts(
    verifier: GroundingVerifier, pairs: list[dict[str, Any]]
) -> list[tuple[float, bool]]:
    """(support score, numbers all found) for each pair."""
    return [
        (
            verifier.support(p["sentence"], p["passage"]),
            not unsupported_amounts(p["sentence"], [p["passage"]]),
        )
        for p in pairs
    ]


def pair_accuracy(
    verdicts: list[tuple[float, bool]], labels: list[bool], threshold: float
) -> float:
    hits = [
        ((score >= threshold) and numbers_ok) == label
        for (score, numbers_ok), label in zip(verdicts, labels, strict=True)
    ]
    return sum(hits) / len(hits) if hits else 0.0


def fit_threshold(verdicts: list[tuple[float, bool]], labels: list[bool]) -> float:
    """The cut-off that classifies the pairs best (the middle of the best run of cut-offs)."""
    scores = sorted({round(s, 4) for s, _ in verdicts})
    cuts = [(a + b) / 2 for a, b in zip(scores, scores[1:], strict=False)] or [DEFAULT_THRESHOLD]
    results = [(pair_accuracy(verdicts, labels, c), c) for c in cuts]
    best = max(acc for acc, _ in results)
    winners = [c for acc, c in results if acc == best]
    return round(winners[len(winners) // 2], 4)


def save_threshold(threshold: float, fitted_on: str, path: Path = THRESHOLD_FILE) -> None:
    data = {"format": "askcases-grounding/1", "threshold": threshold, "fitted_on": fitted_on}
    path.write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")
