"""OpenTelemetry export against a real OTLP receiver: Arize Phoenix's own server, started here on
127.0.0.1, fed by `askcases ask` over OTLP/HTTP; the spans are read back from Phoenix's REST API."""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import free_port, start_server, stop

from askcases.config import Settings

pytestmark = [
    pytest.mark.slow,  # a Phoenix server and an askcases process
    pytest.mark.skipif(
        importlib.util.find_spec("phoenix") is None, reason="arize-phoenix is not installed"
    ),
]
PROJECT = "askcases-test"


@pytest.fixture(scope="module")
def phoenix(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    work = tmp_path_factory.mktemp("phoenix")
    port, grpc = free_port(), free_port()
    env = {
        "PHOENIX_HOST": "127.0.0.1",
        "PHOENIX_PORT": str(port),
        "PHOENIX_GRPC_PORT": str(grpc),
        "PHOENIX_WORKING_DIR": str(work),
        "PHOENIX_TELEMETRY_ENABLED": "false",
    }
    command = [sys.executable, "-c", "from phoenix.server.main import main; main()", "serve"]
    proc = start_server(command, port, env, seconds=180, log=work / "phoenix.log")
    yield f"http://127.0.0.1:{port}"
    stop(proc)


def _spans(url: str, deadline_s: float = 30) -> list[dict[str, Any]]:
    end = time.monotonic() + deadline_s
    while time.monotonic() < end:
        try:
            with urllib.request.urlopen(f"{url}/v1/projects/{PROJECT}/spans?limit=100") as r:
                found: list[dict[str, Any]] = json.loads(r.read())["data"]
            if any(s["name"] == "askcases.ask" for s in found):
                return found
        except OSError:
            pass
        time.sleep(0.5)
    return []


def test_each_question_arrives_as_a_trace_of_stage_spans(
    phoenix: str, built_settings: Settings, tmp_path: Path
) -> None:
    env = {
        **os.environ,
        "HF_HUB_OFFLINE": "1",
        "OTEL_EXPORTER_OTLP_ENDPOINT": phoenix,
        "OTEL_RESOURCE_ATTRIBUTES": f"openinference.project.name={PROJECT}",
        "ASKCASES_INDEX": str(tmp_path / "index"),
    }
    subprocess.run(["cp", "-r", str(built_settings.index_dir), str(tmp_path / "index")], check=True)
    question = "My patient 943 476 5919: who runs the community DVT clinics in BNSSG?"
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "askcases",
            "ask",
            question,
            "--corpus",
            str(built_settings.corpus_dir),
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 0, run.stderr
    spans = _spans(phoenix)
    root = next(s for s in spans if s["name"] == "askcases.ask")
    trace_id = root["context"]["trace_id"]
    stages = {s["name"]: s for s in spans if s["context"]["trace_id"] == trace_id}
    assert {"question embedding", "dense search", "keyword search", "fusion"} <= set(stages)
    assert {"sentence scoring", "verification"} <= set(stages)
    assert all(
        s["parent_id"] == root["context"]["span_id"] for n, s in stages.items() if n != root["name"]
    )
    attributes = root["attributes"]
    assert attributes["askcases.refused"] is False and attributes["askcases.citations"] >= 1
    assert attributes["askcases.question"].startswith("My patient [NHS number]")
    assert "476 5919" not in json.dumps(spans) and "4765919" not in json.dumps(spans)
    embedding = stages["question embedding"]["attributes"]
    assert embedding["gen_ai.operation.name"] == "embeddings"
    assert "MiniLM" in embedding["gen_ai.request.model"]
    assert stages["dense search"]["attributes"]["db.system.name"] == "chromadb"
    assert stages["sentence scoring"]["attributes"]["askcases.p_answerable"] > 0.5
