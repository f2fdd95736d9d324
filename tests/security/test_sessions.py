"""Sessions and accounts: sign-in under a race, accounts that change, demonstration mode that
ends with the first import, scenarios that belong to their author."""

from __future__ import annotations

import tomllib
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from lib import auth
from lib.config import get_settings
from lib.ingest import pipeline, transaction
from lib.warehouse import db, queries
from lib.warehouse.build import build

APP = str(Path(__file__).resolve().parents[2] / "app.py")
PASSWORD = "correct-horse-battery"


def test_twenty_parallel_guesses_get_at_most_the_allowed_tries(tmp_path, monkeypatch):
    monkeypatch.setenv("IDMAJ_DATA_DIR", str(tmp_path))
    db.close_all()
    users = {"amina": {"role": "direction", "password_hash": auth.hash_password(PASSWORD)}}
    verified, hasher = [], auth._hasher

    class Counting:
        def hash(self, password):
            return hasher.hash(password)

        def verify(self, stored, password):
            verified.append(password)
            return hasher.verify(stored, password)

    monkeypatch.setattr(auth, "_hasher", Counting())
    with ThreadPoolExecutor(20) as pool:
        results = list(pool.map(lambda i: auth.check_password(users, "amina", f"g{i}"), range(20)))
    assert len(verified) <= auth.MAX_ATTEMPTS
    assert not any(result.ok for result in results)
    # the right password, from the same computer, must wait too: a success resets nothing
    assert auth.check_password(users, "amina", PASSWORD).reason == "auth.locked"


@pytest.fixture
def production(fresh_data_dir, monkeypatch, tmp_path):
    """A warehouse that imported a file, and a secrets file of accounts the test changes."""
    settings = get_settings(data_dir=fresh_data_dir)
    build(settings)
    database = db.get_database(settings)
    row = "Année;Région;Secteur;Sexe;Tranche d'âge;Type d'appui;Montant (MAD)\n"
    row += "2019;Souss-Massa;Services;F;25-34;auto-emploi;30000\n"
    transaction.commit(pipeline.parse(row.encode(), "un.csv", "beneficiaries", database),
                       database, "amina")  # fmt: skip
    secrets = tmp_path / "secrets.toml"
    auth.add_user("amina", "admin", PASSWORD, secrets)
    monkeypatch.setattr(auth, "SECRETS_PATH", secrets)
    db.close_all()
    return secrets


def _signed_in(secrets: Path) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    at.secrets.update(tomllib.loads(secrets.read_text(encoding="utf-8")))
    at.run()
    at.switch_page("pages/login.py").run()
    at.text_input(key="sign_in_name").input("amina")
    at.text_input(key="sign_in_password").input(PASSWORD)
    at.form_submit_button[0].click().run()
    return at.switch_page("pages/data_admin.py").run()


def test_a_removed_account_loses_its_open_session_at_its_next_run(production):
    at = _signed_in(production)
    assert not at.exception and at.title[0].value == "Import des données"
    auth.remove_user("amina", production)
    at.run()
    assert [t.value for t in at.title] != ["Import des données"]
    with pytest.raises(ValueError):  # no longer registered for this session
        at.switch_page("pages/data_admin.py")


def test_a_demoted_account_loses_the_pages_of_its_old_role_at_once(production):
    at = _signed_in(production)
    auth.add_user("amina", "direction", PASSWORD, production)  # admin -> direction
    at.run()
    with pytest.raises(ValueError):
        at.switch_page("pages/data_admin.py")


def test_importing_published_figures_alone_ends_the_demonstration(fresh_data_dir):
    settings = get_settings(data_dir=fresh_data_dir)
    build(settings)
    database = db.get_database(settings)
    figures = "Indicateur;Valeur;Unité;Période;Source\nprogramme_budget;1000;MAD;2024;Rapport\n"
    parsed = pipeline.parse(figures.encode(), "c.csv", "published_figures", database)
    transaction.commit(parsed, database, "amina")
    assert not queries.holds_real_records() and queries.in_production()
    at = AppTest.from_file(APP, default_timeout=60).run()
    with pytest.raises(ValueError):  # anonymous visitors no longer reach the import page
        at.switch_page("pages/data_admin.py")
    db.close_all()
