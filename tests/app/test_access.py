"""AppTest: who may open which page, sign-in, lock, sign-out, and the demo/production switch."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from lib import auth
from lib.config import get_settings
from lib.warehouse import db
from lib.warehouse.build import build
from tests.small_records import small_records

APP = str(Path(__file__).resolve().parents[2] / "app.py")
PASSWORD = "correct-horse-battery"
INTERNAL = ("overview", "budgets", "regions", "placements", "interventions", "simulator", "sources")


@pytest.fixture(scope="module")
def production_dir(tmp_path_factory) -> Path:
    """A warehouse holding one imported (non-demo) record: production mode."""
    folder = tmp_path_factory.mktemp("production")
    records = small_records()
    records["beneficiary"].loc[0, "is_demo"] = False
    build(get_settings(data_dir=folder), records=records)
    db.close_all()
    return folder


@pytest.fixture(scope="module")
def secrets(tmp_path_factory) -> dict:
    path = tmp_path_factory.mktemp("secrets") / "secrets.toml"
    for name, role in (
        ("amina", "direction"),
        ("karim", "gestion"),
        ("sara", "admin"),
        ("yassine", "analyste"),
    ):
        auth.add_user(name, role, PASSWORD, path)
    return tomllib.loads(path.read_text(encoding="utf-8"))


@pytest.fixture
def production(production_dir, monkeypatch):
    monkeypatch.setenv("IDMAJ_DATA_DIR", str(production_dir))
    (production_dir / "state.sqlite3").unlink(missing_ok=True)  # no attempt of another test
    db.close_all()
    yield
    db.close_all()


def _app(secrets: dict) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=30)
    at.secrets.update(secrets)
    return at.run()


def _opens(at: AppTest, page: str) -> bool:
    try:
        at.switch_page(f"pages/{page}.py").run()
    except ValueError:  # not registered for this session: not reachable, by menu or by URL
        return False
    return not at.exception


def _sign_in(at: AppTest, name: str, password: str) -> AppTest:
    at.switch_page("pages/login.py").run()
    at.text_input(key="sign_in_name").input(name)
    at.text_input(key="sign_in_password").input(password)
    return at.form_submit_button[0].click().run()


def test_anonymous_sessions_reach_only_the_public_page_and_sign_in(production, secrets):
    at = _app(secrets)
    assert not at.exception
    assert [t.value for t in at.title] == ["Statistiques publiques"]
    for page in (*INTERNAL, "data_admin"):
        assert not _opens(_app(secrets), page), page
    assert _opens(_app(secrets), "login")


@pytest.mark.parametrize(
    ("name", "role"),
    [("amina", "direction"), ("yassine", "analyste"), ("karim", "gestion"), ("sara", "admin")],
)
def test_each_role_sees_exactly_its_pages(production, secrets, name, role):
    at = _sign_in(_app(secrets), name, PASSWORD)
    assert not at.exception and not at.error
    allowed = {page.removesuffix(".py") for page in auth.pages_for(role, "production")}
    for page in (*INTERNAL, "public", "data_admin"):
        if not (Path(APP).parent / "pages" / f"{page}.py").exists():
            continue
        assert _opens(at, page) == (page in allowed), (role, page)
    at.switch_page("pages/login.py").run()  # signed in: the sign-in page forwards
    assert [title.value for title in at.title] == ["Vue d'ensemble"]


def test_wrong_password_is_refused(production, secrets):
    at = _sign_in(_app(secrets), "amina", "not-the-password")
    assert "incorrect" in at.error[0].value
    assert not _opens(at, "overview")


def test_sixth_attempt_is_locked_even_with_the_right_password(production, secrets):
    at = _app(secrets)
    for _ in range(auth.MAX_ATTEMPTS):
        at = _sign_in(at, "amina", "not-the-password")
    at = _sign_in(at, "amina", PASSWORD)
    assert "Trop de tentatives" in at.error[0].value
    assert not _opens(at, "overview")


def test_no_password_stays_in_the_session(production, secrets):
    at = _sign_in(_app(secrets), "amina", PASSWORD)
    state = {key: at.session_state[key] for key in at.session_state}
    assert PASSWORD not in repr(state)
    assert not any("argon2" in repr(value) for value in state.values())


def test_sign_out_closes_the_internal_pages_again(production, secrets):
    at = _sign_in(_app(secrets), "amina", PASSWORD)
    assert _opens(at, "overview")
    at.button(key="sign_out").click().run()
    assert not at.exception
    assert any("déconnecté" in info.value for info in at.info)
    assert not _opens(at, "overview")


def test_an_idle_session_expires(production, secrets, monkeypatch):
    at = _sign_in(_app(secrets), "amina", PASSWORD)
    at.session_state["auth_seen"] = 0.0  # last seen long ago
    at.run()
    assert not _opens(at, "overview")


def test_demo_mode_opens_every_page_with_a_banner(secrets):
    at = _app(secrets)  # the shared demo warehouse
    assert any("Mode démonstration" in info.value for info in at.info)
    for page in INTERNAL:
        assert _opens(_app(secrets), page), page


OIDC = {
    "auth": {
        "redirect_uri": "http://localhost:8501/oauth2callback",
        "cookie_secret": "x" * 32,
        "client_id": "idmaj",
        "client_secret": "s",
        "server_metadata_url": "https://sso.example.ma/.well-known/openid-configuration",
    },
    "idmaj": {"oidc": {"roles_claim": "groups", "allowlist": {"chef@fondation.ma": "admin"}}},
}


def _oidc_app(user: dict) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=30)
    at.secrets.update(OIDC)
    at.user = user
    return at.run()


def test_oidc_user_gets_the_role_of_the_allowlist_or_the_claim(production):
    chef = _oidc_app({"is_logged_in": True, "email": "chef@fondation.ma"})
    assert not chef.exception
    assert _opens(chef, "overview")
    analyst = _oidc_app({"is_logged_in": True, "email": "a@fondation.ma", "groups": ["analyste"]})
    assert _opens(analyst, "simulator")
    stranger = _oidc_app({"is_logged_in": True, "email": "x@example.com"})
    assert not _opens(stranger, "overview")
    anonymous = _oidc_app({"is_logged_in": False})
    assert not _opens(anonymous, "overview")
    anonymous.switch_page("pages/login.py").run()
    assert any(button.label.startswith("Se connecter avec") for button in anonymous.button)
