"""all-MiniLM-L6-v2 through sentence-transformers on torch, in fp32 or bf16, once per process.

bf16 weights run natively on AMX and AVX512-BF16 CPUs with cosine >= 0.998 to fp32. Leaves out:
GPUs.
"""

from __future__ import annotations

import threading
from typing import Any

from askcases.embedding.model import model_path

_models: dict[str, Any] = {}  # precision -> SentenceTransformer
_lock = threading.Lock()


def load_model(precision: str) -> Any:
    """The SentenceTransformer for "fp32" or "bf16", loaded once per process."""
    with _lock:
        if precision in _models:
            return _models[precision]
        import torch
        from sentence_transformers import SentenceTransformer
        from transformers.utils import logging as hf_logging

        hf_logging.disable_progress_bar()  # type: ignore[no-untyped-call]
        hf_logging.set_verbosity_error()  # type: ignore[no-untyped-call]
        kwargs: dict[str, Any] = {}
        if precision == "bf16":
            kwargs["model_kwargs"] = {"torch_dtype": torch.bfloat16}
        model = SentenceTransformer(str(model_path()), device="cpu", **kwargs)
        _models[precision] = model
        return model


def encode(texts: list[str], precision: str, batch_size: int) -> list[list[float]]:
    """Normalised embeddings, one list of 384 floats per text."""
    vectors = load_model(precision).encode(
        texts,
        batch_size=batch_size,
        normalize_embeddings=True,
        convert_to_numpy=True,
        show_progress_bar=False,
    )
    rows: list[list[float]] = vectors.astype("float32").tolist()
    return rows
