"""The signed-in user of a Streamlit session: who, which role, until when.

Local accounts keep only the account name and role in the session (never the password);
OpenID Connect users are read from ``st.user``. Pure role logic is in ``lib.auth``.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass

import streamlit as st

from lib import auth
from lib.config import get_settings

USER_KEY = "auth_user"
SEEN_KEY = "auth_seen"
NOTICE_KEY = "auth_notice"


@dataclass(frozen=True)
class Identity:
    name: str
    role: str
    via: str  # local, oidc, anonymous

    @property
    def signed_in(self) -> bool:
        return self.via != "anonymous"


ANONYMOUS = Identity("", "public", "anonymous")


def secrets() -> dict:
    """The secrets file as a plain dict ({} when there is none)."""
    try:
        return st.secrets.to_dict()
    except Exception:  # no secrets file, or an unreadable one: no accounts
        return {}


def oidc_configured() -> bool:
    return "auth" in secrets()


def local_users() -> Mapping:
    """The local accounts as they are now: the secrets file is read again when it changed
    (Streamlit keeps ``st.secrets`` from its first read), so a removed account is gone."""
    if auth.SECRETS_PATH.exists():
        return auth.accounts(auth.SECRETS_PATH)
    return secrets().get("users", {})


def _oidc_identity() -> Identity | None:
    if not oidc_configured():
        return None
    try:
        user = st.user.to_dict()
    except Exception:  # st.user unavailable outside a server session
        return None
    if not user.get("is_logged_in"):
        return None
    settings = secrets().get("idmaj", {}).get("oidc", {})
    name = str(user.get("email") or user.get("name") or "oidc")
    return Identity(name, auth.role_from_identity(user, settings), "oidc")


def _account_unchanged(stored: Mapping) -> bool:
    account = local_users().get(stored["name"])
    return isinstance(account, Mapping) and account.get("role") == stored["role"]


def _expired() -> bool:
    timeout = get_settings().session_timeout_minutes * 60
    seen = st.session_state.get(SEEN_KEY)
    return seen is not None and time.time() - seen > timeout


def current() -> Identity:
    """The session's user; signs a local user out after ``session_timeout_minutes`` idle."""
    stored = st.session_state.get(USER_KEY)
    if stored and _expired():
        sign_out(notice="auth.expired")
        stored = None
    st.session_state[SEEN_KEY] = time.time()
    if stored and not _account_unchanged(stored):
        sign_out(notice="auth.account_changed")  # removed or given another role: at once
        stored = None
    if stored:
        return Identity(stored["name"], stored["role"], "local")
    return _oidc_identity() or ANONYMOUS


def client_address() -> str:
    """Who is asking, for the sign-in back-off: the address of the session's connection.
    Behind nginx (lib.serve) that is the client's: Streamlit's server (uvicorn) reads it from
    X-Forwarded-For only when the peer is 127.0.0.1, and nginx replaces whatever a client sent
    there. Empty for this machine's own browsers (Streamlit gives no address for localhost)
    and outside a server (AppTest)."""
    peer = st.context.ip_address
    return peer[:64] if isinstance(peer, str) else ""


def sign_in_local(name: str, password: str) -> auth.SignInResult:
    result = auth.check_password(local_users(), name, password, client=client_address())
    if result.ok:
        st.session_state[USER_KEY] = {"name": name.strip().lower(), "role": result.role}
        st.session_state[SEEN_KEY] = time.time()
    return result


def sign_out(notice: str | None = None) -> None:
    was_oidc = st.session_state.get(USER_KEY) is None and oidc_configured()
    st.session_state.pop(USER_KEY, None)
    if notice:
        st.session_state[NOTICE_KEY] = notice
    if was_oidc:
        st.logout()
