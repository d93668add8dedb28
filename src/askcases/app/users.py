"""Sign-in: a users file of `name:role:password-hash` lines; roles are admin and editor.

Passwords are hashed with argon2id (argon2-cffi's defaults: 3 passes over 64 MiB, 4 lanes). A
hash from an earlier version (PBKDF2-SHA256, `pbkdf2_sha256$iterations$salt$hex`) still signs in,
and is replaced by an argon2id hash at that sign-in (askcases.app.signin). Only an admin may add
or remove articles. Leaves out: password reset; limits on guessing are in askcases.app.signin.
"""

from __future__ import annotations

import getpass
import hashlib
import hmac
import re
import secrets
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from askcases.errors import UsageError
from askcases.files import atomic_write_text
from askcases.types import ROLES, Role

Users = dict[str, tuple[Role, str]]  # name -> (role, password hash)

_NAME = re.compile(r"^[A-Za-z0-9._@-]{1,64}$")
_HASHER = PasswordHasher()


def hash_password(password: str) -> str:
    """An argon2id hash of the password."""
    return _HASHER.hash(password)


def pbkdf2_hash(password: str, salt: str | None = None, iterations: int = 200_000) -> str:
    """The PBKDF2-SHA256 hash earlier versions wrote (kept to check, and to test upgrading)."""
    salt = salt or secrets.token_hex(16)
    digest = hashlib.pbkdf2_hmac("sha256", password.encode("utf-8"), salt.encode(), iterations)
    return f"pbkdf2_sha256${iterations}${salt}${digest.hex()}"


def check_password(password: str, stored: str) -> bool:
    if stored.startswith("$argon2"):
        try:
            return _HASHER.verify(stored, password)
        except (VerificationError, InvalidHashError):
            return False
    try:
        scheme, iterations, salt, _ = stored.split("$")
        count = int(iterations)
    except ValueError:
        return False
    if scheme != "pbkdf2_sha256":
        return False
    return hmac.compare_digest(pbkdf2_hash(password, salt, count), stored)


def needs_upgrade(stored: str) -> bool:
    """Whether a stored hash is of an older kind or weaker settings than hash_password's."""
    if not stored.startswith("$argon2"):
        return True
    try:
        return _HASHER.check_needs_rehash(stored)
    except InvalidHashError:
        return True


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
    _write_users(path, users)


def set_password(path: Path, name: str, password: str) -> None:
    """Replace a user's hash with a fresh argon2id one (the role and the others unchanged)."""
    users = read_users(path)
    if name in users:
        users[name] = (users[name][0], hash_password(password))
        _write_users(path, users)


def _write_users(path: Path, users: Users) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    text = "".join(f"{n}:{r}:{h}\n" for n, (r, h) in sorted(users.items()))
    atomic_write_text(path, text, mode=0o600)


def authenticate(users: Users, name: str, password: str) -> bool:
    entry = users.get(name)
    return entry is not None and check_password(password, entry[1])
