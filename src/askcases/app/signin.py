"""Sign-in that resists guessing: failed attempts are limited per user name and per client
address (a growing wait, then a lockout), a session ends after ASKCASES_SESSION_HOURS, and the
users file is read again whenever it changes, so a user removed from it is refused on the next
request.

Gradio keeps signed-in sessions as tokens in memory (its App.tokens). `SessionGuard`, an ASGI
middleware on Gradio's FastAPI app, notes when each token is issued by /login and, on every
request, drops a token whose session is too old or whose user is gone, so Gradio treats the
request as signed out. It also makes the client's address known to `SignIn.check`.
Leaves out: password reset, and sessions that outlive a restart.
"""

from __future__ import annotations

import contextvars
import json
import math
import sys
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any

from askcases.app.users import Users, authenticate, needs_upgrade, read_users, set_password
from askcases.errors import UsageError

WAIT_AFTER = 3  # failures of one user name before each further attempt must wait
FIRST_WAIT_S = 2.0  # ... 2 s, then 4, 8, 16, ...
LOCKOUT_AFTER = 10  # failures of one user name that lock it out
LOCKOUT_S = 15 * 60.0
CLIENT_FACTOR = 3  # a client address may fail this many times more (it may try many names)

CLIENT: contextvars.ContextVar[str] = contextvars.ContextVar("askcases_client", default="")


class TooManyAttempts(Exception):
    """Signing in must wait: `message` says until when."""

    def __init__(self, wait: float) -> None:
        self.seconds = math.ceil(wait)
        when = datetime.now(UTC) + timedelta(seconds=self.seconds)
        self.message = (
            f"Too many failed sign-ins: try again in {self.seconds} seconds "
            f"(after {when.strftime('%H:%M:%S')} UTC)."
        )
        super().__init__(self.message)


class Throttle:
    """Failed attempts per key (a user name, a client address): after `wait_after` failures each
    attempt waits twice as long as the last, and `lockout_after` failures lock the key out."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self.clock = clock
        self._failures: dict[str, tuple[int, float]] = {}  # key -> (failures, not before)
        self._lock = threading.Lock()

    def _limits(self, key: str) -> tuple[int, int]:
        factor = CLIENT_FACTOR if key.startswith("client:") else 1
        return WAIT_AFTER * factor, LOCKOUT_AFTER * factor

    def wait(self, keys: list[str]) -> float:
        """Seconds before any of these keys may try again (0: now)."""
        now = self.clock()
        with self._lock:
            return max((self._failures.get(k, (0, now))[1] - now for k in keys), default=0.0)

    def failed(self, keys: list[str]) -> list[str]:
        """Count a failure for each key; the keys this failure locked out."""
        now = self.clock()
        locked = []
        with self._lock:
            for key in keys:
                count = self._failures.get(key, (0, now))[0] + 1
                wait_after, lockout_after = self._limits(key)
                if count >= lockout_after:
                    delay = LOCKOUT_S
                    if count == lockout_after:
                        locked.append(key)
                elif count >= wait_after:
                    delay = FIRST_WAIT_S * 2 ** (count - wait_after)
                else:
                    delay = 0.0
                self._failures[key] = (count, now + delay)
        return locked

    def succeeded(self, keys: list[str]) -> None:
        with self._lock:
            for key in keys:
                self._failures.pop(key, None)


class UsersFile:
    """The users file, read again when its size or modification time changes; a change that
    leaves it unreadable keeps the last good users and says so on stderr."""

    def __init__(self, path: Path, on_change: Callable[[list[str]], None] | None = None) -> None:
        self.path = path
        self.on_change = on_change or (lambda changes: None)
        self._users: Users = read_users(path)
        self._seen = self._stamp()
        self._lock = threading.Lock()

    def _stamp(self) -> tuple[int, int]:
        try:
            stat = self.path.stat()
        except OSError:
            return (-1, -1)
        return (stat.st_mtime_ns, stat.st_size)

    def users(self) -> Users:
        stamp = self._stamp()
        if stamp != self._seen:
            with self._lock:
                if stamp != self._seen:
                    try:
                        users = read_users(self.path) if stamp[0] >= 0 else {}
                    except UsageError as exc:
                        print(f"askcases: users file not reloaded: {exc}", file=sys.stderr)
                    else:
                        self.on_change(role_changes(self._users, users))
                        self._users = users
                    self._seen = stamp
        return self._users


def role_changes(before: Users, after: Users) -> list[str]:
    """What a change to the users file did to who may sign in, one line per user."""
    changes = []
    for name in sorted(set(before) | set(after)):
        old, new = before.get(name), after.get(name)
        if old is None and new is not None:
            changes.append(f"{name}: new user -> {new[0]}")
        elif new is None and old is not None:
            changes.append(f"{name}: {old[0]} -> removed")
        elif old is not None and new is not None and old[0] != new[0]:
            changes.append(f"{name}: {old[0]} -> {new[0]}")
    return changes


class SignIn:
    """Who may sign in, how often they may fail, and how long a session lasts."""

    def __init__(
        self,
        users_file: Path,
        session_hours: float,
        on_event: Callable[[str, str, str, bool], None] | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.users_file = UsersFile(users_file, self._users_changed)
        self.session_s = session_hours * 3600
        self.throttle = Throttle(clock)
        self.clock = clock
        # (event, user name, client address, success): sign-ins and lockouts, for the audit log
        self.on_event = on_event or (lambda event, user, client, ok: None)
        self._issued: dict[str, float] = {}  # session token -> when it was issued
        self._lock = threading.Lock()

    def users(self) -> Users:
        return self.users_file.users()

    def _users_changed(self, changes: list[str]) -> None:
        for change in changes:
            self.on_event("user", change, "", True)

    def check(self, name: str, password: str) -> bool:
        """Whether the name and password sign in; TooManyAttempts while they must wait."""
        client = CLIENT.get()
        keys = [f"user:{name.lower()}"] + ([f"client:{client}"] if client else [])
        wait = self.throttle.wait(keys)
        if wait > 0:
            raise TooManyAttempts(wait)
        users = self.users()
        if authenticate(users, name, password):
            self.throttle.succeeded(keys)
            self.on_event("sign-in", name, client, True)
            if needs_upgrade(users[name][1]):
                set_password(self.users_file.path, name, password)
            return True
        locked = self.throttle.failed(keys)
        self.on_event("sign-in", name, client, False)
        for key in locked:
            print(
                f"askcases: sign-in locked out for {key} for {LOCKOUT_S / 60:.0f} minutes after "
                "repeated failures",
                file=sys.stderr,
            )
            self.on_event("lockout", name, client, False)
        wait = self.throttle.wait(keys)
        if wait > 0:
            raise TooManyAttempts(wait)
        return False

    def issued(self, token: str) -> None:
        with self._lock:
            self._issued[token] = self.clock()

    def session_ok(self, token: str, user: str) -> bool:
        """Whether a token's session is still good: issued here, not too old, user still in
        the users file."""
        with self._lock:
            issued = self._issued.get(token)
        if issued is None or self.clock() - issued > self.session_s:
            with self._lock:
                self._issued.pop(token, None)
            return False
        return user in self.users()


def _cookies(scope: dict[str, Any]) -> dict[str, str]:
    jar: SimpleCookie = SimpleCookie()
    for name, value in scope.get("headers", []):
        if name == b"cookie":
            try:
                jar.load(value.decode("latin-1"))
            except Exception:  # a malformed cookie header signs nobody in
                continue
    return {k: m.value for k, m in jar.items()}


class SessionGuard:
    """ASGI middleware: notes sessions issued by /login and ends those `SignIn` no longer
    accepts; answers a sign-in that must wait with 429 and when to try again."""

    def __init__(self, app: Any, signin: SignIn) -> None:
        self.app = app
        self.signin = signin

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        client = (scope.get("client") or ("", 0))[0]
        CLIENT.set(client)
        tokens = getattr(scope.get("app"), "tokens", None)
        if tokens is not None:
            for name, token in _cookies(scope).items():
                user = tokens.get(token) if name.startswith("access-token") else None
                if user is not None and not self.signin.session_ok(token, user):
                    tokens.pop(token, None)
        if scope["path"].rstrip("/") != "/login" or scope["method"] != "POST":
            await self.app(scope, receive, send)
            return

        async def noting(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                for name, value in message.get("headers", []):
                    if name == b"set-cookie" and value.startswith(b"access-token"):
                        token = value.decode("latin-1").split(";", 1)[0].split("=", 1)[1]
                        self.signin.issued(token)
            await send(message)

        try:
            await self.app(scope, receive, noting)
        except TooManyAttempts as exc:
            body = json.dumps({"detail": exc.message}).encode("utf-8")
            headers = [
                (b"content-type", b"application/json"),
                (b"retry-after", str(exc.seconds).encode()),
            ]
            await send({"type": "http.response.start", "status": 429, "headers": headers})
            await send({"type": "http.response.body", "body": body})
