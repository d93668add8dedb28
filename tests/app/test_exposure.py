"""What `askcases serve` exposes: loopback unless told otherwise, a warning when it listens
elsewhere without sign-in, and no secret (API key, password, password hash) in its logs or its
answers, even when the language model endpoint fails and sign-in attempts fail."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from conftest import free_port, serve_askcases, stop

from askcases.app.users import add_user, read_users
from askcases.config import Settings

pytestmark = pytest.mark.slow  # real askcases serve processes

API_KEY = "sk-askcases-test-SECRET-0123456789abcdef"
PASSWORD = "correct horse battery staple 42"


def _serve(
    settings: Settings, log: Path, *args: str, env: dict[str, str] | None = None
) -> tuple[subprocess.Popen[str], int]:
    """`askcases serve --no-sync` with its output in `log`; (process, port)."""
    proc, url = serve_askcases(
        settings.corpus_dir, settings.index_dir, "--no-sync", *args, env=env, log=log
    )
    return proc, int(url.rstrip("/").rsplit(":", 1)[1])


def _listen_addresses(port: int) -> set[str]:
    """The local addresses a socket listens on for this port, read from /proc/net/tcp."""
    found = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            local, state = line.split()[1], line.split()[3]
            address, hex_port = local.split(":")
            if state == "0A" and int(hex_port, 16) == port:  # 0A = LISTEN
                found.add(address)
    return found


def test_serve_listens_on_loopback_only_by_default(
    built_settings: Settings, tmp_path: Path
) -> None:
    proc, port = _serve(built_settings, tmp_path / "serve.log")
    try:
        assert _listen_addresses(port) == {"0100007F"}  # 127.0.0.1
        log = (tmp_path / "serve.log").read_text(errors="replace")
        assert "warning" not in log.lower()
    finally:
        stop(proc)


def test_listening_elsewhere_without_sign_in_warns(
    built_settings: Settings, tmp_path: Path
) -> None:
    proc, port = _serve(built_settings, tmp_path / "open.log", "--host", "0.0.0.0")
    try:
        assert _listen_addresses(port) == {"00000000"}
        log = (tmp_path / "open.log").read_text(errors="replace")
        assert "warning: listening on 0.0.0.0 without sign-in" in log
        assert "set ASKCASES_USERS" in log
    finally:
        stop(proc)

    users = tmp_path / "users.txt"
    add_user(users, "ann", "admin", PASSWORD)
    proc, port = _serve(
        built_settings,
        tmp_path / "signed.log",
        "--host",
        "0.0.0.0",
        env={"ASKCASES_USERS": str(users)},
    )
    try:
        assert "without sign-in" not in (tmp_path / "signed.log").read_text(errors="replace")
    finally:
        stop(proc)


def test_no_secret_reaches_logs_or_answers(built_settings: Settings, tmp_path: Path) -> None:
    from gradio_client import Client

    users = tmp_path / "users.txt"
    add_user(users, "ann", "admin", PASSWORD)
    stored_hash = read_users(users)["ann"][1]
    dead_endpoint = f"http://127.0.0.1:{free_port()}/v1"
    log = tmp_path / "secret.log"
    proc, port = _serve(
        built_settings,
        log,
        "--llm",
        "openai",
        "--model",
        "m",
        "--base-url",
        dead_endpoint,
        env={"ASKCASES_USERS": str(users), "OPENAI_API_KEY": API_KEY},
    )
    url = f"http://127.0.0.1:{port}/"
    try:
        with pytest.raises(ValueError, match="Could not login"):  # the sign-in is refused
            Client(url, auth=("ann", "not the password " + API_KEY[:8]), verbose=False)
        client = Client(url, auth=("ann", PASSWORD), verbose=False)
        failed = client.predict("How much did Wigan save a year?", api_name="/ask")
        assert failed["error"] and "openai back-end failed" in failed["error"]
        answers = str(failed)
    finally:
        stop(proc)
    logged = log.read_text(errors="replace")
    for secret in (API_KEY, PASSWORD, stored_hash, stored_hash.split("$")[-1]):
        assert secret not in logged
        assert secret not in answers
