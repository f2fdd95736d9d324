"""lib.auth: roles and pages, password checks with a lock, OIDC roles, local accounts."""

from __future__ import annotations

import tomllib

import pytest

from lib import auth
from lib.warehouse.db import Store

@pytest.fixture
def log(tmp_path) -> auth.AttemptLog:
    return auth.AttemptLog(Store(tmp_path / "state.sqlite3"))


USERS = {"amina": {"role": "direction", "password_hash": auth.hash_password("correct-horse")}}


class Clock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


def test_each_role_sees_exactly_its_pages_in_production():
    dashboard = set(auth.DASHBOARD)
    assert set(auth.pages_for("public", "production")) == {"public.py"}
    for role in ("direction", "analyste"):
        assert set(auth.pages_for(role, "production")) == dashboard | {"public.py"}
    assert set(auth.pages_for("gestion", "production")) == dashboard | {
        "public.py",
        "data_admin.py",
    }
    assert set(auth.pages_for("admin", "production")) == set(auth.PAGE_ROLES)


def test_demo_opens_everything_and_public_mode_only_the_public_page():
    assert set(auth.pages_for("public", "demo")) == set(auth.PAGE_ROLES)
    assert auth.pages_for("admin", "public") == ["public.py"]
    assert auth.mode_for(False, False) == "demo"
    assert auth.mode_for(False, True) == "production"
    assert auth.mode_for(True, True) == "public"


def test_right_password_signs_in_and_wrong_one_does_not(log):
    assert auth.check_password(USERS, "amina", "correct-horse", log).role == "direction"
    wrong = auth.check_password(USERS, "amina", "nope", log)
    assert not wrong.ok and wrong.reason == "auth.wrong"
    assert not auth.check_password(USERS, "nobody", "correct-horse", log).ok


def test_sixth_attempt_is_locked_even_with_the_right_password_for_fifteen_minutes(tmp_path):
    clock = Clock()
    log = auth.AttemptLog(Store(tmp_path / "state.sqlite3"), clock)
    for _ in range(auth.MAX_ATTEMPTS):
        auth.check_password(USERS, "amina", "nope", log)
    locked = auth.check_password(USERS, "Amina ", "correct-horse", log)
    assert not locked.ok and locked.reason == "auth.locked"
    clock.now += auth.LOCK_MINUTES * 60 - 1
    assert not auth.check_password(USERS, "amina", "correct-horse", log).ok
    clock.now += 2
    assert auth.check_password(USERS, "amina", "correct-horse", log).ok


def test_an_account_without_a_valid_role_is_refused(log):
    users = {"x": {"role": "superuser", "password_hash": auth.hash_password("correct-horse")}}
    assert auth.check_password(users, "x", "correct-horse", log).reason == (
        "auth.unknown_role"
    )


def test_oidc_roles_from_a_claim_or_an_allowlist():
    settings = {"roles_claim": "groups", "allowlist": {"Chef@Fondation.ma": "admin"}}
    assert auth.role_from_identity({"groups": ["analyste", "gestion"]}, settings) == "gestion"
    assert auth.role_from_identity({"email": "chef@fondation.ma"}, settings) == "admin"
    assert auth.role_from_identity({"email": "x@y.ma"}, settings) == "public"


def test_add_user_writes_a_hash_never_the_password(tmp_path):
    secrets = tmp_path / "secrets.toml"
    secrets.write_text('[auth]\ncookie_secret = "keep me"\n', encoding="utf-8")
    auth.add_user("Amina", "direction", "correct-horse-battery", secrets)
    text = secrets.read_text(encoding="utf-8")
    assert "correct-horse-battery" not in text
    data = tomllib.loads(text)
    assert data["auth"]["cookie_secret"] == "keep me"
    assert data["users"]["amina"]["role"] == "direction"
    log = auth.AttemptLog(Store(tmp_path / "state.sqlite3"))
    assert auth.check_password(data["users"], "amina", "correct-horse-battery", log).ok
    assert oct(secrets.stat().st_mode)[-3:] == "600"


@pytest.mark.parametrize(
    ("name", "role", "password"),
    [
        ("a", "direction", "long-enough-1"),
        ("ok.name", "boss", "long-enough-1"),
        ("ok.name", "direction", "short"),
    ],
)
def test_add_user_refuses_bad_input(tmp_path, name, role, password):
    with pytest.raises(ValueError):
        auth.add_user(name, role, password, tmp_path / "secrets.toml")


def test_accounts_are_listed_and_removed_and_the_file_stays_private(tmp_path):
    secrets = tmp_path / "secrets.toml"
    auth.add_user("amina", "direction", "correct-horse-battery", secrets)
    auth.add_user("karim", "gestion", "correct-horse-battery", secrets)
    assert auth.list_users(secrets) == {"amina": "direction", "karim": "gestion"}
    assert auth.remove_user("Amina", secrets)
    assert not auth.remove_user("amina", secrets)
    assert auth.list_users(secrets) == {"karim": "gestion"}
    assert oct(secrets.stat().st_mode)[-3:] == "600"
