"""Starting a server process on loopback and waiting until it accepts connections: the one way
the tests, `make bench` and `make load` start `askcases serve`, `chroma run` and llama.cpp.

Leaves out: anything but 127.0.0.1; every server started here listens on loopback only.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

from askcases.errors import AskcasesError


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
