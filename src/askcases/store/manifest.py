"""The index manifest (index/manifest.json): a format version, the settings the index was built
with, and one entry per indexed article with its content hash.

An index built with another format, embedding model, chunker or cleaner is never used: opening
it is an IndexStateError that says to rebuild. The manifest is written atomically.
Leaves out: migrating an old index; a rebuild is quick at this corpus's size.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from askcases.config import Settings
from askcases.embedding.model import DIMENSION, MODEL_NAME
from askcases.errors import IndexStateError
from askcases.files import write_json
from askcases.ingest.articles import CLEANER_VERSION

FORMAT = "askcases-index/3"
MANIFEST = "manifest.json"
RUN_MARK = "index.run"  # present while an index run changes the index (see store.sync)

Manifest = dict[str, Any]  # the JSON object of manifest.json
Entry = dict[str, Any]  # one article's entry in it


def build_settings(settings: Settings) -> dict[str, Any]:
    """What an index's contents depend on; an index built with other values must be rebuilt."""
    return {
        "format": FORMAT,
        "embedding_model": MODEL_NAME,
        "dimension": DIMENSION,
        "encoding": settings.encoding,
        "chunk_tokens": settings.chunk_tokens,
        "cleaner": CLEANER_VERSION,
        "collection": settings.collection,
    }


def read_manifest(index_dir: Path) -> Manifest | None:
    """The manifest, or None where there is none; IndexStateError when it is unreadable."""
    path = index_dir / MANIFEST
    if not path.exists():
        return None
    try:
        manifest: Manifest = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise IndexStateError(
            f"the index manifest {path} is unreadable ({exc}); run `askcases index --rebuild`"
        ) from None
    return manifest


def write_manifest(index_dir: Path, manifest: Manifest) -> None:
    write_json(index_dir / MANIFEST, manifest, compact=True)


def check_compatible(manifest: Manifest, settings: Settings) -> None:
    """IndexStateError unless the manifest was built with the current settings."""
    for key, want in build_settings(settings).items():
        have = manifest.get(key)
        if have != want:
            raise IndexStateError(
                f"the index in {settings.index_dir} was built with {key}={have!r} but the current "
                f"settings need {want!r}; run `askcases index --rebuild`"
            )
