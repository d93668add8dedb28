"""300 places whose names share a long prefix (Bexbexbexton1 ... Bexbexbexton300): every
question about one is answered from that place's article, and a numbered name is never read as a
misspelling of another."""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

import pytest
from conftest import make_settings

from askcases.qa.assistant import Assistant
from askcases.qa.spelling import correct_spelling
from askcases.store.sync import sync_index

SERVICES = ["leg ulcer clinic", "phlebotomy service", "falls clinic", "diabetes clinic"]


def shared_prefix_library(corpus: Path, count: int = 300) -> list[tuple[str, str, str]]:
    """Articles bex-1 ... bex-N, each about one numbered place: (doc_id, question, patients)."""
    rng = random.Random(7)
    corpus.mkdir(parents=True, exist_ok=True)
    asked = []
    for n in range(1, count + 1):
        name, service = f"Bexbexbexton{n}", rng.choice(SERVICES)
        patients = f"{rng.randint(100, 9999):,}"
        (corpus / f"bex-{n}.txt").write_text(
            f"{name} {service} opens\n\n{rng.randint(1, 28)} March 2022\n\n"
            f"The {service} in {name} saw {patients} patients in its first year. "
            f"It is run by {name} Health Partnership.\n",
            encoding="utf-8",
        )
        question = f"How many patients did the {service} in {name} see in its first year?"
        asked.append((f"bex-{n}", question, patients))
    return asked


def test_a_numbered_name_is_no_misspelling_of_another() -> None:
    vocabulary = {"bexbexbexton1": 1, "bexbexbexton12": 1, "wigan": 3}
    surface = {"bexbexbexton1": "Bexbexbexton1", "wigan": "Wigan"}.get
    assert correct_spelling("Who runs Bexbexbexton289?", vocabulary, surface) == (
        "Who runs Bexbexbexton289?"
    )
    assert correct_spelling("How much did wigna save?", vocabulary, surface) == (
        "How much did Wigan save?"
    )


@pytest.mark.slow  # 300 articles indexed
def test_three_hundred_shared_prefix_names_are_each_cited_correctly(
    tmp_path: Path, embeddings: Any
) -> None:
    asked = shared_prefix_library(tmp_path / "corpus")
    settings = make_settings(tmp_path)
    sync_index(settings, embeddings, quiet=True)
    assistant = Assistant(settings, embeddings)
    wrong = []
    for doc_id, question, patients in asked:
        answer = assistant.ask(question)
        cited = [c.doc_id for c in answer.citations]
        if answer.refused or cited[:1] != [doc_id] or patients not in answer.answer:
            wrong.append((doc_id, answer.answer[:80]))
    assert wrong == [], f"{len(wrong)} of {len(asked)} wrong: {wrong[:5]}"
