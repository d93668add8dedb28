"""Starting a server process on loopback and waiting until it accepts connections: the one way
the tests, `make bench` and `make load` start `askcases serve`, `chroma run` and llama.cpp; and
killing an index run while it changes the index (the crash tests and `make attack`).

Leaves out: anything but 127.0.0.1; every server started here listens on loopback only.
"""

from __future__ import annotations

import json
import os
import random
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

from askcases.errors import AskcasesError
from askcases.store.manifest import RUN_MARK


class ServerStartError(AskcasesError):
    """A server process exited or did not listen in time."""


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_server(
    command: list[str],
    port: int,
    env: dict[str, str] | None = None,
    seconds: float = 180,
    log: Path | None = None,
) -> subprocess.Popen[str]:
    """A server process, returned once it accepts connections on 127.0.0.1:port; its output
    goes to `log` when given, else nowhere."""
    out = log.open("w") if log is not None else None
    proc = subprocess.Popen(
        command,
        env={**os.environ, "GRADIO_ANALYTICS_ENABLED": "False", **(env or {})},
        stdout=out if out is not None else subprocess.DEVNULL,
        stderr=subprocess.STDOUT if out is not None else subprocess.DEVNULL,
        text=True,
    )
    if out is not None:
        out.close()
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            where = f"; see {log}" if log is not None else ""
            raise ServerStartError(f"{' '.join(command[:4])} exited with {proc.returncode}{where}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return proc
        except OSError:
            time.sleep(0.5)
    proc.kill()
    raise ServerStartError(f"{' '.join(command[:4])} did not start within {seconds:.0f} s")


def serve_askcases(
    corpus: Path,
    index: Path,
    *args: str,
    env: dict[str, str] | None = None,
    log: Path | None = None,
    seconds: float = 180,
) -> tuple[subprocess.Popen[str], str]:
    """`askcases serve` over these directories on a free port: (process, URL)."""
    port = free_port()
    command = [sys.executable, "-m", "askcases", "serve", "--port", str(port)]
    command += ["--corpus", str(corpus), "--index", str(index), *args]
    proc = start_server(command, port, env, seconds=seconds, log=log)
    return proc, f"http://127.0.0.1:{port}/"


def stop(proc: subprocess.Popen[str]) -> None:
    """Ask the process to end, and wait for it."""
    proc.terminate()
    try:
        proc.wait(timeout=30)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=30)


def _run_started(index_dir: Path, pid: int) -> bool:
    """True once the run with this pid has written its run mark: it is changing the index."""
    try:
        mark = json.loads((index_dir / RUN_MARK).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return isinstance(mark, dict) and mark.get("pid") == pid


def kill_while_indexing(
    command: list[str], index_dir: Path, rng: random.Random, working: float
) -> tuple[bool, float]:
    """Start an index run, wait until it is changing the index (its run mark is written), and
    SIGKILL it after a random part of `working` seconds.

    Returns whether the kill landed while the run was still changing the index, and how long it
    had been changing it then (its whole run when it finished first)."""
    proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while proc.poll() is None and not _run_started(index_dir, proc.pid):
        if time.monotonic() > deadline:
            break
        time.sleep(0.005)
    began = time.monotonic()
    if proc.poll() is None:
        time.sleep(rng.uniform(0.0, 0.9) * working)
    alive = proc.poll() is None
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=60)
    return alive, time.monotonic() - began
