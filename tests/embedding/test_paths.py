"""The embedding path "auto" takes on this machine answers as torch fp32 does."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

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
    for question in questions:
        ours, theirs = assistant.ask(question), reference.ask(question)
        assert (ours.refused, ours.answer) == (theirs.refused, theirs.answer), question
