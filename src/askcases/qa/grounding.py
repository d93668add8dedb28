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
import threading
from pathlib import Path

from cachetools import LRUCache
from langchain_core.embeddings import Embeddings

from askcases.errors import UsageError
from askcases.qa.weights import GROUNDING, GroundingWeights
from askcases.text.claims import DATED_LEAD, PROJECTION_LEADS
from askcases.text.lexicon import NUMBER_VALUES, content_terms
from askcases.text.markers import split_answer
from askcases.text.sentences import sentence_spans
from askcases.types import Grounding, SentenceVerdict

FORMAT = "askcases-grounding/1"
VECTOR_CACHE = 20_000  # sentence vectors kept by a verifier
# "one" is left out: "one of the ..." is seldom a figure.
_SMALL = {word: value for word, value in NUMBER_VALUES.items() if word != "one"}
_AMOUNT = re.compile(
    r"(?P<pound>£\s?)?(?P<num>\d[\d,]*(?:\.\d+)?|\b(?:" + "|".join(_SMALL) + r")\b)"
    r"(?:\s?(?P<scale>million|billion|bn|m|k)\b)?"
    r"(?:\s?(?P<unit>%|per ?cent\b|pounds?\b))?",
    re.I,
)


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


def load_threshold(path: Path | None) -> float:
    """The fitted threshold saved at `path`; the default one where there is none."""
    if path is None or not path.exists():
        return GROUNDING.default_threshold
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if data.get("format") != FORMAT:
            raise ValueError(f"expected format {FORMAT}")
        return float(data["threshold"])
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise UsageError(
            f"grounding threshold {path} is unusable ({exc}); run `askcases eval grounding "
            "--calibrate`"
        ) from None


def _overlap(sentence: str, passage: str) -> float:
    words = set(content_terms(sentence))
    return len(words & set(content_terms(passage))) / len(words) if words else 0.0


class GroundingVerifier:
    """Verdicts on answers; sentence vectors are cached, so re-checking a passage is cheap."""

    def __init__(
        self,
        embeddings: Embeddings,
        threshold: float = GROUNDING.default_threshold,
        weights: GroundingWeights = GROUNDING,
    ) -> None:
        self.embeddings = embeddings
        self.threshold = threshold
        self.weights = weights
        # Bounded, so that a long-running server does not grow with every answer it checks.
        self._vectors: LRUCache[str, list[float]] = LRUCache(maxsize=VECTOR_CACHE)
        self._lock = threading.Lock()

    def _embed(self, texts: list[str]) -> list[list[float]]:
        known: dict[str, list[float]] = {}
        with self._lock:
            for text in dict.fromkeys(texts):
                vector = self._vectors.get(text)
                if vector is not None:
                    known[text] = vector
        missing = [t for t in dict.fromkeys(texts) if t not in known]
        if missing:
            fresh = dict(zip(missing, self.embeddings.embed_documents(missing), strict=True))
            known.update(fresh)
            with self._lock:
                self._vectors.update(fresh)
        return [known[t] for t in texts]

    def support(self, sentence: str, passage: str) -> float:
        """How well one passage supports one sentence, about 0 to 1. The leads that say the
        quotes are projections only, or give the article's date, are the answer's own words,
        not claims (the date's numbers are checked against the citation's date)."""
        sentence = DATED_LEAD.sub("", sentence)
        for lead in PROJECTION_LEADS:
            if sentence.startswith(lead):
                sentence = sentence[len(lead) :].strip()
        spans = [passage[s:e] for s, e in sentence_spans(passage)] or [passage]
        if sentence in spans:
            return 1.0  # a verbatim quote
        vectors = self._embed([sentence, *spans])
        best = max(sum(a * b for a, b in zip(vectors[0], v, strict=True)) for v in vectors[1:])
        return self.weights.semantic * max(0.0, best) + self.weights.overlap * _overlap(
            sentence, passage
        )

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
