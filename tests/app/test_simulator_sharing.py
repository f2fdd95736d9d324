"""AppTest: with real records (production mode) a saved scenario is private to its author and
the administrators until its author shares it; a short link to it opens only for them."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from lib import auth
from lib.config import get_settings
from lib.warehouse import db
from lib.warehouse.build import build
from tests.app.helpers import texts
from tests.small_records import small_records

APP = str(Path(__file__).resolve().parents[2] / "app.py")
TIMEOUT = 120
PASSWORD = "correct-horse-battery"


@pytest.fixture(scope="module")
def production_dir(tmp_path_factory) -> Path:
    """A warehouse holding imported (non-demo) records: production mode."""
    folder = tmp_path_factory.mktemp("production")
    records = small_records()
    records["beneficiary"]["is_demo"] = False
    build(get_settings(data_dir=folder), records=records)
    db.close_all()
    return folder


@pytest.fixture(scope="module")
def secrets(tmp_path_factory) -> dict:
    path = tmp_path_factory.mktemp("secrets") / "secrets.toml"
    for name, role in (("amina", "direction"), ("yassine", "analyste"), ("sara", "admin")):
        auth.add_user(name, role, PASSWORD, path)
    return tomllib.loads(path.read_text(encoding="utf-8"))


@pytest.fixture
def production(production_dir, monkeypatch):
    monkeypatch.setenv("IDMAJ_DATA_DIR", str(production_dir))
    (production_dir / "state.sqlite3").unlink(missing_ok=True)  # no scenario of another test
    db.close_all()
    yield
    db.close_all()


def _simulator(secrets: dict, name: str, query: dict[str, str] | None = None) -> AppTest:
    """The simulator page of a session signed in as ``name`` (opened by a link with ``query``)."""
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.secrets.update(secrets)
    at.run()
    at.switch_page("pages/login.py").run()
    at.text_input(key="sign_in_name").input(name)
    at.text_input(key="sign_in_password").input(PASSWORD)
    at.form_submit_button[0].click().run()
    at.query_params.clear()
    for key, value in (query or {}).items():
        at.query_params[key] = value
    at.switch_page("pages/simulator.py").run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _listed(at: AppTest) -> list[str]:
    """The saved scenarios listed, one line each (bold name, author, date, people, status)."""
    return [line for line in texts(at.markdown) if line.startswith("**")]


def test_a_scenario_is_not_listed_for_another_user_until_shared(production, secrets):
    amina = _simulator(secrets, "amina")
    amina.text_input(key="sim_name").input("Plan de la direction")
    next(b for b in amina.button if b.label == "Enregistrer").click().run()
    assert not amina.exception and not amina.error
    [line] = _listed(amina)
    assert line.startswith("**Plan de la direction** — amina") and line.endswith("— privé")

    yassine = _simulator(secrets, "yassine")
    assert _listed(yassine) == []
    assert "Aucun scénario enregistré pour l'instant." in texts(yassine.caption)
    linked = _simulator(secrets, "yassine", {"scenario": "1"})
    assert any("n° 1" in w.value for w in linked.warning)  # as if it did not exist
    assert "scenario" not in linked.query_params
    assert [line.split(" — ")[0] for line in _listed(_simulator(secrets, "sara"))] == [
        "**Plan de la direction**"  # an administrator sees every scenario
    ]

    amina.button(key="share_1").click().run()
    assert _listed(amina)[0].endswith("— partagé avec l'équipe")
    assert amina.button(key="share_1").label == "Rendre privé"
    shared = _simulator(secrets, "yassine", {"scenario": "1"})
    assert not shared.warning
    assert _listed(shared)[0].startswith("**Plan de la direction** — amina")
    assert not [b for b in shared.button if (b.key or "").startswith(("share_", "delete_"))]


def test_a_scenario_can_be_shared_as_it_is_saved(production, secrets):
    amina = _simulator(secrets, "amina")
    amina.text_input(key="sim_name").input("Plan partagé")
    amina.checkbox(key="sim_share_on_save").check()
    next(b for b in amina.button if b.label == "Enregistrer").click().run()
    assert not amina.exception and not amina.error
    assert [line.split(" — ")[0] for line in _listed(_simulator(secrets, "yassine"))] == [
        "**Plan partagé**"
    ]
