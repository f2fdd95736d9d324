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


def test_successful_sign_ins_never_add_up_to_a_lock(log):
    # Each attempt is finished under its own id (not the audit row's written after it), so
    # a staff member signing in all day from one computer is never made to wait.
    for _ in range(auth.CLIENT_ATTEMPTS + 2):
        assert auth.check_password(USERS, "amina", "correct-horse", log, client="10.0.0.8").ok
    outcomes = log.store().execute_fn(
        lambda connection: connection.execute(
            "SELECT DISTINCT outcome FROM sign_in_attempt"
        ).fetchall()
    )
    assert outcomes == [("ok",)]


def test_failures_make_that_computer_wait_longer_each_time_but_not_another(tmp_path):
    clock = Clock()
    log = auth.AttemptLog(Store(tmp_path / "state.sqlite3"), clock)
    for _ in range(auth.MAX_ATTEMPTS):
        auth.check_password(USERS, "amina", "nope", log, client="10.0.0.9")
    held = auth.check_password(USERS, "Amina ", "correct-horse", log, client="10.0.0.9")
    assert not held.ok and held.reason == "auth.locked" and held.wait_s == 30
    assert auth.check_password(USERS, "amina", "correct-horse", log, client="10.0.0.7").ok
    clock.now += 31
    again = auth.check_password(USERS, "amina", "nope", log, client="10.0.0.9")
    assert again.reason == "auth.locked" and again.wait_s == 60  # the back-off doubles
    clock.now += 61
    assert auth.check_password(USERS, "amina", "correct-horse", log, client="10.0.0.9").ok


def test_a_name_tried_from_many_computers_and_a_computer_trying_many_names_wait(tmp_path):
    clock = Clock()
    log = auth.AttemptLog(Store(tmp_path / "state.sqlite3"), clock)
    for i in range(auth.NAME_ATTEMPTS):
        auth.check_password(USERS, "amina", "nope", log, client=f"10.0.1.{i}")
    assert auth.check_password(USERS, "amina", "correct-horse", log, client="10.9.9.9").wait_s
    for i in range(auth.CLIENT_ATTEMPTS):
        auth.check_password(USERS, f"name{i}", "nope", log, client="10.0.2.1")
    assert auth.check_password(USERS, "someone", "x", log, client="10.0.2.1").wait_s
    clock.now += auth.LOCK_MINUTES * 60 + 1  # a back-off, not a lock held forever
    assert auth.check_password(USERS, "amina", "correct-horse", log, client="10.9.9.9").ok


def test_every_sign_in_is_in_the_audit_without_its_password(tmp_path):
    store = Store(tmp_path / "state.sqlite3")
    log = auth.AttemptLog(store)
    auth.check_password(USERS, "amina", "correct-horse", log, client="10.0.0.1")
    auth.check_password(USERS, "amina", "s3cret-guess", log, client="10.0.0.1")
    events = store.execute("state/audit_list")
    assert {"sign_in", "sign_in_failed"} <= set(events["kind"])
    assert "s3cret-guess" not in events.to_string() and "correct-horse" not in events.to_string()


def test_unknown_names_cost_one_verification_as_known_ones_do(log, monkeypatch):
    calls = []
    hasher = auth._hasher

    class Counting:
        def hash(self, password):
            calls.append("hash")
            return hasher.hash(password)

        def verify(self, stored, password):
            calls.append(("verify", stored.split("$")[1:4]))
            return hasher.verify(stored, password)

    auth._dummy_hash()  # made once, at the first unknown name of the process
    monkeypatch.setattr(auth, "_hasher", Counting())
    auth.check_password(USERS, "amina", "wrong", log)
    known = list(calls)
    calls.clear()
    auth.check_password(USERS, "nobody", "wrong", log)
    assert calls == known  # one verification, with the same argon2 parameters


def test_an_account_without_a_valid_role_is_refused(log):
    users = {"x": {"role": "superuser", "password_hash": auth.hash_password("correct-horse")}}
    assert auth.check_password(users, "x", "correct-horse", log).reason == ("auth.unknown_role")


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
