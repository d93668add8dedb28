"""Sign-in that resists guessing, against a real `askcases serve` with a users file: failed
attempts wait and then lock out, an old password hash is upgraded at sign-in, a user removed
from the users file is refused on the next request, and sessions expire."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import CORPUS, make_settings, serve_askcases, stop

from askcases.app.signin import LOCKOUT_AFTER, WAIT_AFTER, SignIn, Throttle, TooManyAttempts
from askcases.app.users import add_user, pbkdf2_hash, read_users
from askcases.store.sync import sync_index

CHECK = "/gradio_api/login_check"  # 200 when signed in, 401 when not


class Clock:
    """A FAKE clock for the throttle: minutes pass without waiting for them."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_failures_wait_longer_each_time_then_lock_out_and_say_until_when(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    users = tmp_path / "users.txt"
    add_user(users, "ada", "admin", "admin-password")
    clock, events = Clock(), []
    signin = SignIn(users, 12, lambda *e: events.append(e), clock=clock)
    for _ in range(WAIT_AFTER - 1):
        assert signin.check("ada", "wrong") is False
    with pytest.raises(TooManyAttempts, match="try again in 2 seconds"):
        signin.check("ada", "wrong")
    with pytest.raises(TooManyAttempts):  # even the right password waits
        signin.check("ada", "admin-password")
    waits = []
    for _ in range(LOCKOUT_AFTER - WAIT_AFTER):
        clock.now += 10_000
        with pytest.raises(TooManyAttempts) as waited:
            signin.check("ada", "wrong")
        waits.append(waited.value.seconds)
    assert waits[:3] == [4, 8, 16] and waits[-1] == 900  # then a 15-minute lockout
    assert "sign-in locked out for user:ada" in capsys.readouterr().err
    assert ("lockout", "ada", "", False) in events
    clock.now += 901
    assert signin.check("ada", "admin-password") is True  # the lockout ends, success resets
    assert signin.check("ada", "wrong") is False


def test_one_address_trying_many_names_is_limited_too() -> None:
    throttle, keys = Throttle(Clock()), lambda n: [f"user:{n}", "client:10.0.0.9"]
    for n in range(WAIT_AFTER * 3 - 1):
        throttle.failed(keys(f"name{n}"))
    assert throttle.wait(keys("fresh-name")) == 0
    throttle.failed(keys("another"))
    assert throttle.wait(keys("fresh-name")) > 0  # the address waits, whatever name it tries
    assert throttle.wait(["user:fresh-name", "client:10.0.0.10"]) == 0


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory, embeddings: Any) -> Path:
    root = tmp_path_factory.mktemp("signin")
    shutil.copytree(CORPUS, root / "corpus")
    sync_index(make_settings(root), embeddings, quiet=True)
    return root


def _server(root: Path, users: Path, hours: str = "12") -> Any:
    return serve_askcases(
        root / "corpus",
        root / "index",
        "--no-sync",
        env={"ASKCASES_USERS": str(users), "ASKCASES_SESSION_HOURS": hours},
    )


def _login(url: str, name: str, password: str) -> Any:
    import httpx

    client = httpx.Client(base_url=url, timeout=30)
    client.post("/login", data={"username": name, "password": password})
    return client


@pytest.fixture
def site(built: Path, tmp_path: Path) -> Iterator[tuple[str, Path]]:
    users = tmp_path / "users.txt"
    add_user(users, "ada", "admin", "admin-password")
    with users.open("a", encoding="utf-8") as f:  # a hash written by an earlier version
        f.write(f"old:editor:{pbkdf2_hash('editor-password')}\n")
    proc, url = _server(built, users)
    yield url, users
    stop(proc)


@pytest.mark.slow  # a real askcases serve
def test_the_server_answers_too_many_failures_with_when_to_try_again(
    site: tuple[str, Path],
) -> None:
    import httpx

    url, _ = site
    with httpx.Client(base_url=url, timeout=30) as client:
        codes = [
            client.post("/login", data={"username": "ada", "password": "guess"}).status_code
            for _ in range(WAIT_AFTER)
        ]
        assert codes[:-1] == [400] * (WAIT_AFTER - 1) and codes[-1] == 429
        refused = client.post("/login", data={"username": "ada", "password": "admin-password"})
        assert refused.status_code == 429 and "try again in" in refused.json()["detail"]
        assert int(refused.headers["retry-after"]) >= 1


@pytest.mark.slow  # a real askcases serve
def test_an_old_hash_is_upgraded_and_a_removed_user_is_refused_at_once(
    site: tuple[str, Path], built: Path
) -> None:
    url, users = site
    old = _login(url, "old", "editor-password")
    assert old.get(CHECK).status_code == 200
    assert read_users(users)["old"][1].startswith("$argon2id$")  # upgraded at sign-in
    ada = _login(url, "ada", "admin-password")
    assert ada.get(CHECK).status_code == 200
    kept = [line for line in users.read_text("utf-8").splitlines() if not line.startswith("ada:")]
    users.write_text("\n".join(kept) + "\n", encoding="utf-8")
    assert ada.get(CHECK).status_code == 401  # no restart
    from askcases.app.audit import AuditLog

    logged = [r["detail"] for r in AuditLog(built / "index").rows() if r["event"] == "user"]
    assert "ada: admin -> removed (users file changed)" in logged
    assert old.get(CHECK).status_code == 200
    assert _login(url, "ada", "admin-password").get(CHECK).status_code == 401


@pytest.mark.slow  # a real askcases serve
def test_a_session_ends_after_its_hours(built: Path, tmp_path: Path) -> None:
    import time

    users = tmp_path / "users.txt"
    add_user(users, "ada", "admin", "admin-password")
    proc, url = _server(built, users, hours=str(3 / 3600))  # three seconds
    try:
        ada = _login(url, "ada", "admin-password")
        assert ada.get(CHECK).status_code == 200
        time.sleep(4)
        assert ada.get(CHECK).status_code == 401
        assert _login(url, "ada", "admin-password").get(CHECK).status_code == 200
    finally:
        stop(proc)
