"""Which articles a newer one supersedes: a later article about the same service and place.

Two articles are about the same service and place when a passage of one nearly repeats a
passage of the other (cosine at least NEAR_DUPLICATE), or when their closest passages are about
the same thing (cosine at least SAME_SERVICE) and they name the same place: the same place and
measure in the outcomes table, or a place in both titles and opening lines (`lead_names`). The
closest passages are found at index time by `similar_documents` and kept in the manifest entry as
`similar`, the names as `names`. Of two such articles the later-dated supersedes the earlier; an
undated article is never judged either way. As of a date, only articles published by then count.
Both cosines were set on the tuning articles, the corpus and eval/tuning-date-conflicts: pairs
rewritten by another writer come as low as 0.72, articles on the same kind of service in other
places as high as 0.77 (told apart by their places), different articles of the corpus and tuning
sets no higher than 0.70 (the corpus's two GP commissioning articles, which report the same
examples).
Leaves out: deciding what an answer does with it (askcases.qa.assistant).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from askcases.text.lexicon import named_terms
from askcases.text.sentences import sentence_spans
from askcases.types import Outcome, date_number

NEAR_DUPLICATE = 0.85  # cosine of two passages that say nearly the same thing
SAME_SERVICE = 0.70  # cosine of the closest passages of two articles about the same service
PASSAGES_COMPARED = 32  # an article's first passages that are compared with the others
OWN_CHUNKS_SKIPPED = 200  # at most this many of an article's own chunks are asked for and skipped
LEAD_CHARS = 400  # the opening of an article whose names say where it is
COMMON_NAME = 0.2  # a name in more than this share of articles (and more than two) says nothing


def similar_documents(
    dense: Any, doc_id: str, vectors: list[list[float]], own_chunks: int
) -> dict[str, float]:
    """Other documents in the dense store whose closest passage to one of these has a cosine of
    at least SAME_SERVICE: document id -> that cosine. `own_chunks` is how many chunks the
    document has in the store: the search asks for that many more than three and skips them,
    since a search filtered by document scans the whole store and slows indexing as it grows."""
    total = dense.count()
    if not vectors or total == 0:
        return {}
    found = dense.collection.query(
        query_embeddings=vectors[:PASSAGES_COMPARED],
        n_results=min(total, 3 + min(own_chunks, OWN_CHUNKS_SKIPPED)),
        include=["metadatas", "distances"],
    )
    similar: dict[str, float] = {}
    for metas, distances in zip(found["metadatas"], found["distances"], strict=True):
        others = [(m, d) for m, d in zip(metas, distances, strict=True) if m["doc_id"] != doc_id]
        for meta, distance in others[:3]:
            cosine = round(1.0 - float(distance), 4)
            other = str(meta["doc_id"])
            if cosine >= SAME_SERVICE and cosine > similar.get(other, 0.0):
                similar[other] = cosine
    return dict(sorted(similar.items()))


# Words of organisations' and streets' names that say nothing about where an article is.
NAME_PARTS = frozenset(
    """north south east west central upper lower new old great clinical commissioning group
    hospital hospitals university road street lane avenue way centre center health healthcare
    community trust foundation care services service council county city borough district
    primary general department partnership integrated board system alliance practice practices
    surgery medical clinic clinics team nursing nurses network company interest ltd limited
    monday tuesday wednesday thursday friday saturday sunday january february march april may
    june july august september october november december mr mrs ms dr professor""".split()
)


def lead_names(title: str, text: str) -> list[str]:
    """The places and bodies an article's title and opening lines name, lower case: words
    written with a capital inside a sentence of the article and never in lower case in it
    ("Hallowfield"; not the "Health" of "Community Health NHS Trust", nor acronyms like COPD)."""
    lower = {w.lower() for w in re.findall(r"\b[a-z][\w'-]+", text)}
    inside = set()
    for start, end in sentence_spans(text):
        words = re.findall(r"[A-Za-z][\w'&-]*", text[start:end])
        inside |= {w.lower() for w in words[1:] if w[0].isupper() and not w.isupper()}
    lead = " ".join(named_terms(f"{title}. {text[:LEAD_CHARS]}"))
    return sorted(
        {
            n
            for n in (w.lower() for w in lead.split())
            if n in inside and n not in lower and n not in NAME_PARTS and not n.isdigit()
        }
    )


def _similar(entry: dict[str, Any]) -> dict[str, float]:
    found = entry.get("similar") or {}
    if isinstance(found, list):  # an index written before cosines were kept: near-duplicates
        return dict.fromkeys(found, NEAR_DUPLICATE)
    return {str(d): float(c) for d, c in found.items()}


def same_service_pairs(
    documents: dict[str, dict[str, Any]], outcomes: Iterable[Outcome]
) -> set[frozenset[str]]:
    """Pairs of indexed articles about the same service and place."""
    reported: dict[str, set[tuple[str, str]]] = {}  # doc_id -> (place, measure) it reports
    for o in outcomes:
        if o.place and o.doc_id in documents:
            reported.setdefault(o.doc_id, set()).add((o.place.lower(), o.measure))
    names = {d: set(e.get("names") or ()) for d, e in documents.items()}
    counts: dict[str, int] = {}
    for found in names.values():
        for name in found:
            counts[name] = counts.get(name, 0) + 1
    common = {n for n, c in counts.items() if c > max(2, COMMON_NAME * len(documents))}
    pairs = set()
    for doc_id, entry in documents.items():
        for other, cosine in _similar(entry).items():
            if other == doc_id or other not in documents:
                continue
            pair = frozenset((doc_id, other))
            same_outcome = bool(reported.get(doc_id, set()) & reported.get(other, set()))
            same_place = bool((names[doc_id] & names[other]) - common) or same_outcome
            if cosine >= NEAR_DUPLICATE or (cosine >= SAME_SERVICE and same_place):
                pairs.add(pair)
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
