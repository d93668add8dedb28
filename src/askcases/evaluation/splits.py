"""The tuning and held-out parts of an evaluation set, fixed by a hash of each item's id.

Scoring weights, the refusal model and the grounding threshold are fitted on the tuning part only.
"""

from __future__ import annotations

import hashlib


def split_of(question_id: str) -> str:
    """ "held_out" for about a third of the questions (fixed by a hash of the id), else "tuning".

    Scoring weights and the refusal model are fitted on the tuning part only."""
    digest = hashlib.sha256(question_id.encode("utf-8")).digest()
    return "held_out" if digest[0] % 3 == 0 else "tuning"
