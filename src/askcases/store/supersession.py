"""Which articles a newer one supersedes: a later article about the same service and place.

Two articles are about the same service and place when the outcomes table holds the same place
and measure for both, or when a passage of one nearly repeats a passage of the other (cosine at
least NEAR_DUPLICATE, found at index time by `similar_documents` and kept in the manifest entry
as `similar`). Of two such articles the later-dated supersedes the earlier; an undated article is
never judged either way. As of a date, only articles published by then count.
NEAR_DUPLICATE was set on the tuning articles and the corpus, whose different articles come no
closer than 0.70.
Leaves out: deciding what an answer does with it (askcases.qa.assistant).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from askcases.types import Outcome, date_number

NEAR_DUPLICATE = 0.85  # cosine of two passages that say nearly the same thing
PASSAGES_COMPARED = 32  # an article's first passages that are compared with the others


def similar_documents(dense: Any, doc_id: str, vectors: list[list[float]]) -> list[str]:
    """Other documents in the dense store with a passage that nearly repeats one of these."""
    if not vectors or dense.count() == 0:
        return []
    found = dense.collection.query(
        query_embeddings=vectors[:PASSAGES_COMPARED],
        n_results=3,
        where={"doc_id": {"$ne": doc_id}},
        include=["metadatas", "distances"],
    )
    similar = {
        str(meta["doc_id"])
        for metas, distances in zip(found["metadatas"], found["distances"], strict=True)
        for meta, distance in zip(metas, distances, strict=True)
        if 1.0 - float(distance) >= NEAR_DUPLICATE
    }
    return sorted(similar)


def same_service_pairs(
    documents: dict[str, dict[str, Any]], outcomes: Iterable[Outcome]
) -> set[frozenset[str]]:
    """Pairs of indexed articles about the same service and place."""
    by_place: dict[tuple[str, str], set[str]] = {}
    for o in outcomes:
        if o.place and o.doc_id in documents:
            by_place.setdefault((o.place.lower(), o.measure), set()).add(o.doc_id)
    pairs = {frozenset((a, b)) for docs in by_place.values() for a in docs for b in docs if a != b}
    for doc_id, entry in documents.items():
        pairs |= {
            frozenset((doc_id, other))
            for other in entry.get("similar", [])
            if other != doc_id and other in documents
        }
    return pairs


def newer_articles(
    documents: dict[str, dict[str, Any]],
    outcomes: Iterable[Outcome],
    as_of: int | None = None,
) -> dict[str, list[str]]:
    """Document id -> the newer articles about the same service and place, newest first; with
    `as_of` (yyyymmdd), only articles published by then."""
    newer: dict[str, list[str]] = {}
    dated = {d: date_number(e.get("date")) for d, e in documents.items()}
    for pair in same_service_pairs(documents, outcomes):
        a, b = sorted(pair, key=lambda d: dated[d])
        if not dated[a] or dated[a] == dated[b]:
            continue
        if as_of is not None and dated[b] > as_of:
            continue
        newer.setdefault(a, []).append(b)
    for doc_id in newer:
        newer[doc_id].sort(key=lambda d: (-dated[d], d))
    return newer
