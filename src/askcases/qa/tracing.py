"""What happened while a question was answered, recorded as it happens: the time of each stage,
every candidate passage with its dense, keyword and fused ranks, the sentences chosen and their
runners-up, the refusal reasoning, and for a generated answer the prompt as sent and its token
counts.

A Recorder is made per question by askcases.qa.assistant and handed to each stage; the finished
record travels on the Answer as plain JSON (`Answer.trace`). Storing, exporting and showing it is
askcases.app's. Leaves out: anything that changes an answer; a stage records, never decides.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

RUNNERS_UP = 5  # sentences shown below the chosen ones
CANDIDATES = 40  # passages kept in a trace, best fused rank first


class Recorder:
    """Collects one question's trace; `enabled` False records nothing (and costs nothing)."""

    def __init__(self, enabled: bool = True) -> None:
        self.enabled = enabled
        self.trace_id = uuid.uuid4().hex
        self.started_ns = time.time_ns()
        self.stages: list[dict[str, Any]] = []
        self.candidates: dict[str, dict[str, Any]] = {}
        self.sentences: list[dict[str, Any]] = []
        self.refusal: dict[str, Any] = {}
        self.generation: dict[str, Any] = {}
        self.notes: dict[str, Any] = {}

    @contextmanager
    def stage(self, name: str) -> Iterator[None]:
        """Time the enclosed work as the stage `name` (wall clock, for export as a span)."""
        if not self.enabled:
            yield
            return
        start = time.time_ns()
        try:
            yield
        finally:
            end = time.time_ns()
            ms = round((end - start) / 1e6, 2)
            self.stages.append({"name": name, "start_ns": start, "end_ns": end, "ms": ms})

    def candidate(self, chunk_id: str, **fields: Any) -> None:
        """Add what one retriever or stage says of a candidate passage."""
        if self.enabled:
            self.candidates.setdefault(chunk_id, {"chunk_id": chunk_id}).update(fields)

    def note(self, **fields: Any) -> None:
        if self.enabled:
            self.notes.update(fields)

    def to_json(self) -> dict[str, Any]:
        """The trace as JSON: candidates by fused rank (the ones a name search added last)."""
        candidates = sorted(
            self.candidates.values(),
            key=lambda c: (
                c.get("fused_rank") is None,
                c.get("fused_rank") or 0,
                c.get("dense_rank") or 10**6,
            ),
        )[:CANDIDATES]
        return {
            "trace_id": self.trace_id,
            "started_at": datetime.fromtimestamp(self.started_ns / 1e9, UTC).isoformat(
                timespec="milliseconds"
            ),
            "started_ns": self.started_ns,
            "ended_ns": time.time_ns(),
            "stages": list(self.stages),
            "candidates": candidates,
            "sentences": list(self.sentences),
            "refusal": dict(self.refusal),
            "generation": dict(self.generation),
            **self.notes,
        }


NO_RECORDER = Recorder(enabled=False)
