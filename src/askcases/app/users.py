"""Sign-in: a users file of `name:role:password-hash` lines; roles are admin and editor.

Hashes are PBKDF2-SHA256 with a random salt (`pbkdf2_sha256$iterations$salt$hex`). Only an admin
may add or remove articles. Leaves out: password reset and lockout.
"""

from __future__ import annotations

import getpass
import hashlib
import hmac
import re
import secrets
from pathlib import Path

from askcases.errors import UsageError
from askcases.files import atomic_write_text
from askcases.types import ROLES, Role

Users = dict[str, tuple[Role, str]]  # name -> (role, password hash)

ITERATIONS = 200_000
_NAME = re.compile(r"^[A-Za-z0-9._@-]{1,64}$")


def hash_password(password: str, salt: str | None = None, iterations: int = ITERATIONS) -> str:
    salt = salt or secrets.token_hex(16)
    digest = hashlib.pbkdf2_hmac("sha256", password.encode("utf-8"), salt.encode(), iterations)
    return f"pbkdf2_sha256${iterations}${salt}${digest.hex()}"


def check_password(password: str, stored: str) -> bool:
    try:
        scheme, iterations, salt, _ = stored.split("$")
    except ValueError:
        return False
    if scheme != "pbkdf2_sha256":
        return False
    return hmac.compare_digest(hash_password(password, salt, int(iterations)), stored)


def read_users(path: Path) -> Users:
    """name -> (role, hash); a malformed line is an error naming the line."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise UsageError(f"cannot read users file {path}: {exc.strerror or exc}") from None
    users: Users = {}
    for number, line in enumerate(lines, start=1):
        if not line.strip() or line.startswith("#"):
            continue
        parts = line.strip().split(":", 2)
        if len(parts) != 3 or parts[1] not in ROLES or not _NAME.match(parts[0]):
            raise UsageError(f"{path}:{number}: expected name:admin|editor:hash")
        users[parts[0]] = (parts[1], parts[2])
    return users


def add_user(path: Path, name: str, role: str, password: str | None = None) -> None:
    """Add a user, or replace one of the same name; asks for the password when not given."""
    if not _NAME.match(name):
        raise UsageError(f"user name {name!r}: use letters, digits and . _ @ - (at most 64)")
    if role not in ROLES:
        raise UsageError(f"role {role!r} is not one of {', '.join(ROLES)}")
    if password is None:
        password = getpass.getpass(f"password for {name}: ")
        if password != getpass.getpass("again: "):
            raise UsageError("the passwords differ; nothing was changed")
    if len(password) < 8:
        raise UsageError("use a password of at least 8 characters")
    users = read_users(path) if path.exists() else {}
    users[name] = (role, hash_password(password))
    path.parent.mkdir(parents=True, exist_ok=True)
    text = "".join(f"{n}:{r}:{h}\n" for n, (r, h) in sorted(users.items()))
    atomic_write_text(path, text, mode=0o600)


def authenticate(users: Users, name: str, password: str) -> bool:
    entry = users.get(name)
    return entry is not None and check_password(password, entry[1])
