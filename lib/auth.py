"""Who may see which page: roles, modes, sign-in, local accounts.

Accounts are managed with ``python -m lib users add|list|remove`` (``lib.cli``).

Roles and their pages live in ``PAGE_ROLES``, the one place that says who sees what. The mode
follows the data: while the warehouse holds demo records only, every page is open (a banner
says so); once it holds one imported record, internal pages need a signed-in user with a role;
``IDMAJ_MODE=public`` serves the public pages alone.

Sign-in: with an ``[auth]`` section in ``.streamlit/secrets.toml``, OpenID Connect through
``st.login`` (roles from a claim, or from an allowlist of e-mails); otherwise local accounts
kept in the same secrets file under ``[users.NAME]`` with an argon2 hash, a back-off after
repeated failures (``AttemptLog``: per client and name, per client, per name; shared by every
process through the state store, which also keeps the audit of sign-ins), and a session that
expires after inactivity. No password, hash or token is ever logged, put in a URL or kept in
the session.
"""

from __future__ import annotations

import os
import re
import secrets
import time
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path

import tomli_w
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from lib.config import REPO_DIR
from lib.ops.logs import event
from lib.warehouse.db import Store, get_store, store_fetch, store_run

ROLES = ("public", "direction", "analyste", "gestion", "admin")
STAFF_ROLES = ("direction", "analyste", "gestion", "admin")
DASHBOARD = (
    "overview.py",
    "budgets.py",
    "regions.py",
    "placements.py",
    "interventions.py",
    "outcomes.py",
    "simulator.py",
    "sources.py",
)
PAGE_ROLES: dict[str, frozenset[str]] = {
    **{page: frozenset(STAFF_ROLES) for page in DASHBOARD},
    "data_admin.py": frozenset({"gestion", "admin"}),
    "public.py": frozenset(ROLES),
}
MAX_ATTEMPTS = 5  # one client on one name, before it waits
CLIENT_ATTEMPTS = 10  # one client, over every name
NAME_ATTEMPTS = 20  # one name, from every client (a spread attack)
BACKOFF_START_S = 30.0
MIN_PASSWORD_LENGTH = 10
LOCK_MINUTES = 15
NAME_PATTERN = re.compile(r"^[a-z0-9][a-z0-9._-]{1,39}$")
SECRETS_PATH = REPO_DIR / ".streamlit" / "secrets.toml"

_hasher = PasswordHasher()


def pages_for(role: str, mode: str) -> list[str]:
    """The page files a role may open in a mode (demo, production or public)."""
    if mode == "public":
        return ["public.py"]
    if mode == "demo":
        return list(PAGE_ROLES)
    return [page for page, roles in PAGE_ROLES.items() if role in roles]


def may_open(page: str, role: str, mode: str) -> bool:
    return page in pages_for(role, mode)


def mode_for(public_only: bool, in_production: bool) -> str:
    if public_only:
        return "public"
    return "production" if in_production else "demo"


# --- local accounts ----------------------------------------------------------------------------


@dataclass(frozen=True)
class SignInResult:
    ok: bool
    role: str | None = None
    reason: str = ""  # an i18n key: auth.wrong, auth.locked, auth.unknown_role
    wait_s: float = 0.0  # how long before the next try (auth.locked)


def backoff_seconds(failures: int, limit: int) -> float:
    """How long to wait after ``failures`` unsuccessful attempts: nothing up to ``limit``, then
    30 s doubling with each further one, never more than ``LOCK_MINUTES``."""
    if failures < limit:
        return 0.0
    return min(BACKOFF_START_S * 2 ** (failures - limit), LOCK_MINUTES * 60.0)


class AttemptLog:
    """Sign-in attempts, shared by every process of the app and kept across restarts (the
    state store), checked and recorded in one step so that parallel guesses all count.

    Throttling, not a lock anyone could hold forever: after ``MAX_ATTEMPTS`` unsuccessful
    attempts from one client on one name, that client waits before its next try on that name
    (a back-off that doubles, at most ``LOCK_MINUTES``); a client that fails on many names
    waits too, and so does a name attacked from many clients, but only after many more.
    """

    def __init__(self, store=None, clock=time.time):
        self._store = store
        self._clock = clock

    def store(self) -> Store:
        return self._store or get_store()  # the settings of the moment (tests move them)

    def wait(self, connection, name: str, client: str) -> float:
        """Seconds before ``client`` may try ``name`` again (0: now)."""
        now = self._clock()
        params = {"name": name, "client": client, "since": now - LOCK_MINUTES * 60}
        row = store_fetch(connection, "state/sign_in_failures", **params).iloc[0]
        backoff = max(
            backoff_seconds(int(row["pair"]), MAX_ATTEMPTS),
            backoff_seconds(int(row["client"]), CLIENT_ATTEMPTS),
            backoff_seconds(int(row["name"]), NAME_ATTEMPTS),
        )
        last = row["last"] if row["last"] is not None else now
        return max(0.0, float(last) + backoff - now) if backoff else 0.0

    def begin(self, name: str, client: str = "") -> tuple[int | None, float]:
        """Record an attempt before its password is checked: (its id, 0), or (None, the
        seconds to wait) when the client must wait first."""
        now = self._clock()

        def write(connection) -> tuple[int | None, float]:
            waiting = self.wait(connection, name, client)
            outcome = "refused" if waiting else "pending"
            fields = {"name": name, "client": client, "now": now, "outcome": outcome}
            store_run(connection, "state/sign_in_record", **fields)
            # Read before the audit's insert, whose rowid last_insert_rowid() would give.
            attempt = int(store_fetch(connection, "state/last_id")["id"].iloc[0])
            _audit(connection, "sign_in_refused" if waiting else "sign_in_attempt", name, client)
            return (None, waiting) if waiting else (attempt, 0.0)

        return self.store().execute_write_fn(write)

    def finish(self, attempt: int, name: str, client: str, ok: bool) -> float:
        """Record what the password check said; the wait it leads to (0: none)."""
        outcome = "ok" if ok else "failed"

        def write(connection) -> float:
            store_run(connection, "state/sign_in_finish", attempt_id=attempt, outcome=outcome)
            _audit(connection, "sign_in" if ok else "sign_in_failed", name, client)
            return 0.0 if ok else self.wait(connection, name, client)

        return self.store().execute_write_fn(write)


def _audit(connection, kind: str, name: str, client: str) -> None:
    at = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    fields = {"at": at, "kind": kind, "actor": name[:80], "client": client, "detail": None}
    store_run(connection, "state/audit_record", **fields)


@cache
def _dummy_hash() -> str:
    """A real argon2 hash of a random secret: an unknown name costs one verification, as a
    known one does, so the time of an answer does not tell which names exist."""
    return _hasher.hash(secrets.token_urlsafe(32))


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def check_password(
    users: Mapping, name: str, password: str, attempts: AttemptLog | None = None, client=""
) -> SignInResult:
    """Verify a local account; every attempt counts towards the back-off, unknown names too."""
    attempts = attempts or AttemptLog()
    name = name.strip().lower()[:80]
    attempt, waiting = attempts.begin(name, client)
    if attempt is None:
        event("sign_in", outcome="refused")
        return SignInResult(False, reason="auth.locked", wait_s=waiting)
    account = users.get(name) if isinstance(users, Mapping) else None
    stored = account.get("password_hash", "") if isinstance(account, Mapping) else ""
    try:
        _hasher.verify(stored or _dummy_hash(), password)
        matched = bool(stored)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        matched = False
    waiting = attempts.finish(attempt, name, client, matched)
    if not matched:
        reason = "auth.locked" if waiting else "auth.wrong"
        event("sign_in", outcome="failed")  # not the name typed: it may be a password
        return SignInResult(False, reason=reason, wait_s=waiting)
    role = account.get("role")
    if role not in STAFF_ROLES:
        event("sign_in", outcome="unknown_role", user=name)
        return SignInResult(False, reason="auth.unknown_role")
    event("sign_in", outcome="ok", user=name, role=role)
    return SignInResult(True, role=role)


# --- OpenID Connect ----------------------------------------------------------------------------


def role_from_identity(user: Mapping, settings: Mapping) -> str:
    """The role of an OIDC user: from a claim (``roles_claim``) or the e-mail allowlist."""
    claim = settings.get("roles_claim")
    if claim and claim in user:
        values = user[claim]
        values = values if isinstance(values, list | tuple) else [values]
        for role in reversed(STAFF_ROLES):  # the highest role the claim grants
            if role in values:
                return role
    email = str(user.get("email", "")).lower()
    allowlist = {str(k).lower(): v for k, v in settings.get("allowlist", {}).items()}
    role = allowlist.get(email)
    return role if role in STAFF_ROLES else "public"


# --- local accounts in the secrets file ---------------------------------------------------------


class AccountError(ValueError):
    """A local account cannot be saved: ``reason`` names the catalog message (cli.account.*)."""

    def __init__(self, reason: str, **params):
        self.reason, self.params = reason, params
        super().__init__(reason)


def _read_secrets(secrets_path: Path) -> dict:
    if not secrets_path.exists():
        return {}
    return tomllib.loads(secrets_path.read_text(encoding="utf-8"))


def _write_secrets(data: Mapping, secrets_path: Path) -> None:
    """Write the whole file readable by its owner only, from its first byte, then swap it in."""
    secrets_path.parent.mkdir(parents=True, exist_ok=True)
    temporary = secrets_path.with_name(f".{secrets_path.name}.{os.getpid()}.tmp")
    temporary.unlink(missing_ok=True)
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as handle:
        tomli_w.dump(dict(data), handle)
    os.replace(temporary, secrets_path)


def add_user(name: str, role: str, password: str, secrets_path: Path = SECRETS_PATH) -> None:
    """Create or update a local account in the secrets file (the password is stored hashed)."""
    name = name.strip().lower()
    if not NAME_PATTERN.match(name):
        raise AccountError("bad_name")
    if role not in STAFF_ROLES:
        raise AccountError("bad_role", roles=", ".join(STAFF_ROLES))
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError("short_password", minimum=MIN_PASSWORD_LENGTH)
    data = _read_secrets(secrets_path)
    data.setdefault("users", {})[name] = {"role": role, "password_hash": hash_password(password)}
    _write_secrets(data, secrets_path)


def accounts(secrets_path: Path = SECRETS_PATH) -> dict:
    """The ``[users]`` table of the secrets file, read again whenever the file changes."""
    stat = secrets_path.stat()
    return dict(_accounts(secrets_path, stat.st_mtime_ns, stat.st_size))


@lru_cache(maxsize=4)
def _accounts(secrets_path: Path, mtime_ns: int, size: int) -> dict:
    del mtime_ns, size  # part of the cache key only
    return _read_secrets(secrets_path).get("users", {})


def list_users(secrets_path: Path = SECRETS_PATH) -> dict[str, str]:
    """Local account name -> role, sorted by name."""
    users = _read_secrets(secrets_path).get("users", {})
    return {name: str(users[name].get("role", "")) for name in sorted(users)}


def remove_user(name: str, secrets_path: Path = SECRETS_PATH) -> bool:
    """Delete a local account; False when there was none by that name."""
    data = _read_secrets(secrets_path)
    users = data.get("users", {})
    if name.strip().lower() not in users:
        return False
    del users[name.strip().lower()]
    _write_secrets(data, secrets_path)
    return True
