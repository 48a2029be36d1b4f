"""Accounts of the review app: users, argon2 password hashes, sessions and sign-in throttling.

Only the review app and ``phytowatch users`` use these. Passwords never touch the
database (argon2id hashes only), nor do session tokens (only their SHA-256, so a
copy of the database does not let anyone sign in as an officer).
"""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from crawler.store import Store

ROLES: tuple[str, ...] = ("reviewer", "admin")
MIN_PASSWORD_LENGTH = 12
#: Failed sign-ins of one account from one address within FAILURE_WINDOW before sign-in is refused.
MAX_FAILURES = 5
FAILURE_WINDOW = timedelta(minutes=15)
#: Failed sign-ins from one address, whatever the account, before that address is refused: trying many
#: names must not cost the server an argon2 hash each without end.
MAX_ADDRESS_FAILURES = 50
#: A session ends after this long without a request, and in any case after SESSION_MAX.
SESSION_IDLE = timedelta(hours=8)
SESSION_MAX = timedelta(hours=12)

_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._@-]{0,63}")
_hasher = PasswordHasher()
#: Verified against when the account does not exist, so a wrong name costs as long as a wrong password.
_DUMMY_HASH = _hasher.hash("phytowatch: no such account")


class AccountError(Exception):
    """A user-management or sign-in problem, said in one line for the officer."""


class SignInRefused(AccountError):
    """Wrong name or password (which of the two is never said)."""


class SignInThrottled(AccountError):
    """Too many failures for this account from this address (or from this address at all)."""

    def __init__(self, minutes: int, whom: str = "for this account from your address") -> None:
        self.minutes = minutes
        plural = "s" if minutes != 1 else ""
        super().__init__(f"Too many failed sign-ins {whom}: try again in {minutes} minute{plural}.")


@dataclass(frozen=True)
class User:
    id: int
    name: str
    role: str

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"


@dataclass(frozen=True)
class Session:
    """A signed-in browser: who it is, and the CSRF token its forms must carry."""

    user: User
    csrf_token: str
    token_hash: str
    last_seen_at: datetime


def _now() -> datetime:
    return datetime.now(timezone.utc).replace(microsecond=0)


def _iso(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).replace(microsecond=0).isoformat()


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def check_name(name: str) -> str:
    """An account name: letters, digits and ``._@-``, at most 64 characters."""
    if not _NAME.fullmatch(name or ""):
        raise AccountError(
            f"account name {name!r} must be 1-64 letters, digits, '.', '_', '@' or '-', starting with a letter or digit"
        )
    return name


def check_password(name: str, password: str) -> None:
    """Long enough to resist guessing once the throttle is passed, and not the name itself."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(f"the password must have at least {MIN_PASSWORD_LENGTH} characters")
    if password.strip().lower() == name.lower():
        raise AccountError("the password must not be the account name")


def add_user(store: Store, name: str, role: str, password: str) -> User:
    check_name(name)
    if role not in ROLES:
        raise AccountError(f"unknown role {role!r}; choose one of {', '.join(ROLES)}")
    check_password(name, password)
    if find_user(store, name) is not None:
        raise AccountError(f"an account named {name!r} already exists")
    with store.transaction() as conn:
        cur = conn.execute(
            "INSERT INTO users (name, role, password_hash, created_at) VALUES (?, ?, ?, ?)",
            (name, role, _hasher.hash(password), _iso(_now())),
        )
    return User(int(cur.lastrowid or 0), name, role)


def find_user(store: Store, name: str) -> User | None:
    row = store.conn.execute("SELECT id, name, role FROM users WHERE name = ?", (name,)).fetchone()
    return User(*row) if row else None


def list_users(store: Store) -> list[dict[str, object]]:
    return list(store.db.query("SELECT id, name, role, created_at, disabled_at FROM users ORDER BY name"))


def set_password(store: Store, name: str, password: str) -> None:
    """A new password; the account's sessions end (whoever knew the old one is signed out)."""
    user = _existing(store, name)
    check_password(user.name, password)
    with store.transaction() as conn:
        conn.execute("UPDATE users SET password_hash = ? WHERE id = ?", (_hasher.hash(password), user.id))
        conn.execute("DELETE FROM sessions WHERE user_id = ?", (user.id,))


def set_disabled(store: Store, name: str, disabled: bool) -> None:
    """Disable (and sign out) or re-enable an account; accounts are never deleted, decisions name them."""
    user = _existing(store, name)
    with store.transaction() as conn:
        conn.execute("UPDATE users SET disabled_at = ? WHERE id = ?", (_iso(_now()) if disabled else None, user.id))
        if disabled:
            conn.execute("DELETE FROM sessions WHERE user_id = ?", (user.id,))


def set_role(store: Store, name: str, role: str) -> None:
    if role not in ROLES:
        raise AccountError(f"unknown role {role!r}; choose one of {', '.join(ROLES)}")
    user = _existing(store, name)
    with store.transaction() as conn:
        conn.execute("UPDATE users SET role = ? WHERE id = ?", (role, user.id))


def _existing(store: Store, name: str) -> User:
    user = find_user(store, name)
    if user is None:
        raise AccountError(f"no account named {name!r}")
    return user


# -- signing in -------------------------------------------------------------


def throttled_minutes(store: Store, name: str, ip: str, now: datetime | None = None) -> int:
    """Minutes until this account may be tried again from ``ip`` (0: it may be tried now)."""
    return _blocked_for(store, "name = ? AND ip = ?", (name.lower(), ip), MAX_FAILURES, now or _now())


def address_throttled_minutes(store: Store, ip: str, now: datetime | None = None) -> int:
    """Minutes until any account may be tried again from ``ip``."""
    return _blocked_for(store, "ip = ?", (ip,), MAX_ADDRESS_FAILURES, now or _now())


def _blocked_for(store: Store, where: str, key: tuple[str, ...], limit: int, now: datetime) -> int:
    """Minutes until the ``limit``-th latest failure matching ``where`` leaves the window (0: fewer failures)."""
    row = store.conn.execute(
        f"SELECT failed_at FROM login_failures WHERE {where} AND failed_at > ?"
        " ORDER BY failed_at DESC LIMIT 1 OFFSET ?",
        (*key, _iso(now - FAILURE_WINDOW), limit - 1),
    ).fetchone()
    if row is None:
        return 0
    free_at = datetime.fromisoformat(row[0]) + FAILURE_WINDOW
    return max(1, -(-int((free_at - now).total_seconds()) // 60))


def _check_throttles(store: Store, name: str, ip: str, now: datetime) -> None:
    minutes = throttled_minutes(store, name, ip, now)
    if minutes:
        raise SignInThrottled(minutes)
    minutes = address_throttled_minutes(store, ip, now)
    if minutes:
        raise SignInThrottled(minutes, "from your address")


def authenticate(store: Store, name: str, password: str, ip: str, now: datetime | None = None) -> User:
    """The user, if the password is right and the account is not throttled from ``ip``.

    Every failure (unknown name, wrong password, disabled account) counts toward the
    throttle of that name from that address, and all of them read the same.
    """
    now = now or _now()
    _check_throttles(store, name, ip, now)
    row = store.conn.execute(
        "SELECT id, name, role, password_hash, disabled_at FROM users WHERE name = ?", (name,)
    ).fetchone()
    stored_hash = row[3] if row else _DUMMY_HASH
    try:
        _hasher.verify(stored_hash, password)
        ok = row is not None and row[4] is None
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        ok = False
    if not ok:
        with store.transaction() as conn:
            conn.execute(
                "INSERT INTO login_failures (name, ip, failed_at) VALUES (?, ?, ?)", (name.lower(), ip, _iso(now))
            )
            conn.execute("DELETE FROM login_failures WHERE failed_at < ?", (_iso(now - timedelta(days=1)),))
        _check_throttles(store, name, ip, now)
        raise SignInRefused("Wrong account name or password.")
    user = User(row[0], row[1], row[2])
    with store.transaction() as conn:
        conn.execute("DELETE FROM login_failures WHERE name = ? AND ip = ?", (name.lower(), ip))  # the others stay
        if _hasher.check_needs_rehash(stored_hash):
            conn.execute("UPDATE users SET password_hash = ? WHERE id = ?", (_hasher.hash(password), user.id))
    return user


def start_session(store: Store, user: User, ip: str, now: datetime | None = None) -> str:
    """Open a session for ``user`` and return the token for its cookie (only its hash is kept)."""
    now = now or _now()
    token = secrets.token_urlsafe(32)
    with store.transaction() as conn:
        conn.execute("DELETE FROM sessions WHERE expires_at < ?", (_iso(now),))
        conn.execute(
            "INSERT INTO sessions (token_hash, user_id, csrf_token, created_at, last_seen_at, expires_at, ip)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            (_token_hash(token), user.id, secrets.token_urlsafe(32), _iso(now), _iso(now),
             _iso(now + SESSION_MAX), ip),
        )  # fmt: skip
    return token


def session_for(store: Store, token: str | None, now: datetime | None = None) -> Session | None:
    """The live session a cookie's token opens, or None (unknown, expired, idle too long, account disabled).

    ``last_seen_at`` moves at most once a minute, so reading pages rarely writes.
    """
    if not token:
        return None
    now = now or _now()
    row = store.conn.execute(
        "SELECT u.id, u.name, u.role, s.csrf_token, s.token_hash, s.last_seen_at FROM sessions s"
        " JOIN users u ON u.id = s.user_id"
        " WHERE s.token_hash = ? AND s.expires_at > ? AND s.last_seen_at > ? AND u.disabled_at IS NULL",
        (_token_hash(token), _iso(now), _iso(now - SESSION_IDLE)),
    ).fetchone()
    if row is None:
        return None
    last_seen = datetime.fromisoformat(row[5])
    if now - last_seen >= timedelta(minutes=1):
        with store.transaction() as conn:
            conn.execute("UPDATE sessions SET last_seen_at = ? WHERE token_hash = ?", (_iso(now), row[4]))
        last_seen = now
    return Session(User(row[0], row[1], row[2]), row[3], row[4], last_seen)


def end_session(store: Store, token: str | None) -> None:
    if token:
        with store.transaction() as conn:
            conn.execute("DELETE FROM sessions WHERE token_hash = ?", (_token_hash(token),))
