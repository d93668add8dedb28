"""The embedding path "auto" takes on this machine answers as torch fp32 does."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from conftest import CORPUS, REPO, make_settings

from askcases.config import Settings
from askcases.embedding.minilm import MiniLMEmbeddings
from askcases.qa.assistant import Assistant
from askcases.store.sync import sync_index


def test_auto_path_gives_the_answers_fp32_gives(
    tmp_path: Path, assistant: Assistant, embeddings: MiniLMEmbeddings
) -> None:
    if embeddings.resolved_precision == "fp32":
        pytest.skip("auto is fp32 on this CPU")
    shutil.copytree(CORPUS, tmp_path / "corpus")
    settings: Settings = make_settings(tmp_path)
    fp32 = MiniLMEmbeddings("fp32")
    sync_index(settings, fp32, quiet=True)
    reference = Assistant(settings, fp32)
    lines = (REPO / "eval" / "questions.jsonl").read_text(encoding="utf-8").splitlines()
    questions = [json.loads(line)["question"] for line in lines[:40]]
    on_the_line = []
    for question in questions:
        ours, theirs = assistant.ask(question), reference.ask(question)
        if _on_the_line(ours) or _on_the_line(theirs):
            # bf16 vectors are fp32's to a cosine of 0.998: a question whose refusal
            # probability lies within 0.005 of the threshold may fall either side of it
            on_the_line.append(question)
            continue
        assert (ours.refused, ours.answer) == (theirs.refused, theirs.answer), question
    assert len(on_the_line) <= 2, on_the_line


def _on_the_line(answer: Any) -> bool:
    refusal = (answer.trace or {}).get("refusal") or {}
    p, threshold = refusal.get("p_answerable"), refusal.get("threshold")
    return p is not None and threshold is not None and abs(p - threshold) < 0.005
