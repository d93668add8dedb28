"""Each question's trace as OpenTelemetry spans, sent over OTLP/HTTP when
`OTEL_EXPORTER_OTLP_ENDPOINT` (or `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`) is set.

One trace per question: a root span `askcases.ask` from the question's arrival to its answer,
and one child span per stage (reading, outcomes, question embedding, dense search, keyword
search, fusion, sentence scoring, generation, verification) with the stage's own start and end;
the generation's span is named `chat {model}` and is a client span, as the GenAI conventions
name a model call, and every span carries its stage in `askcases.stage`.
Attributes follow the OpenTelemetry GenAI semantic conventions where they fit (the embedding and
the generation: `gen_ai.operation.name`, `gen_ai.request.model`, `gen_ai.usage.input_tokens`,
...), database conventions for the two searches, and `askcases.*` for the rest. The question
carried is the masked one (askcases.text.privacy). The exporter's other settings
(`OTEL_EXPORTER_OTLP_HEADERS`, `OTEL_SERVICE_NAME`, ...) are the SDK's own.
Leaves out: metrics and logs.
"""

from __future__ import annotations

import atexit
import os
from typing import Any

EMBEDDING_MODEL = "sentence-transformers/all-MiniLM-L6-v2"
_PROVIDERS = {"llamacpp": "llama.cpp", "openai": "openai"}


def endpoint_configured(environ: dict[str, str] | None = None) -> bool:
    env = os.environ if environ is None else environ
    return bool(
        env.get("OTEL_EXPORTER_OTLP_ENDPOINT") or env.get("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT")
    )


# search stage -> (the candidates' rank field prefix, database system, operation)
_SEARCHES = {
    "dense search": ("dense", "chromadb", "query"),
    "keyword search": ("keyword", "sqlite", "fts5 bm25"),
}


def _stage_attributes(name: str, trace: dict[str, Any]) -> dict[str, Any]:
    candidates = trace.get("candidates", [])
    if name == "question embedding":
        return {"gen_ai.operation.name": "embeddings", "gen_ai.request.model": EMBEDDING_MODEL}
    if name in _SEARCHES:
        side, system, operation = _SEARCHES[name]
        return {
            "db.system.name": system,
            "db.operation.name": operation,
            "askcases.hits": sum(1 for c in candidates if c.get(f"{side}_rank")),
        }
    if name == "fusion":
        return {"askcases.fused": sum(1 for c in candidates if c.get("fused_rank"))}
    if name == "sentence scoring":
        refusal = trace.get("refusal", {})
        attrs: dict[str, Any] = {
            "askcases.sentences_chosen": sum(
                1 for s in trace.get("sentences", []) if s.get("chosen")
            )
        }
        if refusal.get("p_answerable") is not None:
            attrs["askcases.p_answerable"] = refusal["p_answerable"]
        if refusal.get("threshold") is not None:
            attrs["askcases.refusal_threshold"] = refusal["threshold"]
        return attrs
    if name == "generation":
        gen = trace.get("generation", {})
        attrs = {
            "gen_ai.operation.name": "chat",
            "gen_ai.provider.name": _PROVIDERS.get(
                str(gen.get("backend")), str(gen.get("backend"))
            ),
            "gen_ai.request.model": str(gen.get("model") or ""),
            "gen_ai.request.temperature": 0.0,
        }
        if gen.get("max_tokens") is not None:
            attrs["gen_ai.request.max_tokens"] = int(gen["max_tokens"])
        if gen.get("prompt_tokens") is not None:
            attrs["gen_ai.usage.input_tokens"] = int(gen["prompt_tokens"])
            attrs["gen_ai.usage.output_tokens"] = int(gen.get("completion_tokens") or 0)
        return attrs
    if name == "verification":
        grounding = trace.get("grounding", {})
        return {"askcases.grounded_rate": float(grounding.get("grounded_rate", 1.0))}
    return {}


class Telemetry:
    """An OTLP/HTTP span exporter for traces; made once per process."""

    def __init__(self) -> None:
        from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
        from opentelemetry.sdk.resources import Resource
        from opentelemetry.sdk.trace import TracerProvider
        from opentelemetry.sdk.trace.export import BatchSpanProcessor

        resource = Resource.create(
            {"service.name": os.environ.get("OTEL_SERVICE_NAME", "askcases")}
        )
        self.provider = TracerProvider(resource=resource)
        self.provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter()))
        self.tracer = self.provider.get_tracer("askcases")
        atexit.register(self.provider.shutdown)

    def export(self, trace: dict[str, Any], username: str = "", source: str = "") -> None:
        """The trace as a root span with one child span per stage (sent in the background)."""
        from opentelemetry.trace import SpanKind, set_span_in_context

        started = int(trace.get("started_ns") or 0)
        ended = int(trace.get("ended_ns") or started)
        root = self.tracer.start_span(
            "askcases.ask",
            start_time=started,
            attributes={
                "askcases.trace_id": str(trace.get("trace_id", "")),
                "askcases.question": str(trace.get("question", "")),
                "askcases.resolved_question": str(trace.get("resolved_question", "")),
                "askcases.refused": bool(trace.get("refused", False)),
                "askcases.reason": str(trace.get("reason", "")),
                "askcases.backend": str(trace.get("backend", "")),
                "askcases.filters": str(trace.get("filters", "")),
                "askcases.source": source,
                "askcases.citations": len(trace.get("citations", [])),
                "askcases.candidates": len(trace.get("candidates", [])),
                "enduser.id": username,
            },
        )
        context = set_span_in_context(root)
        for stage in trace.get("stages", []):
            name = str(stage["name"])
            attributes = {"askcases.stage": name, **_stage_attributes(name, trace)}
            kind = SpanKind.INTERNAL
            if name == "generation":  # the GenAI conventions' name and kind for a model call
                name = f"chat {attributes['gen_ai.request.model']}".strip()
                kind = SpanKind.CLIENT
            span = self.tracer.start_span(
                name,
                context=context,
                kind=kind,
                start_time=int(stage["start_ns"]),
                attributes=attributes,
            )
            span.end(end_time=int(stage["end_ns"]))
        root.end(end_time=max(ended, started))

    def flush(self, timeout_ms: int = 5000) -> None:
        self.provider.force_flush(timeout_ms)


_telemetry: Telemetry | None = None


def telemetry_from_env() -> Telemetry | None:
    """The process's exporter when an OTLP endpoint is configured, else None."""
    global _telemetry
    if not endpoint_configured():
        return None
    if _telemetry is None:
        _telemetry = Telemetry()
    return _telemetry
