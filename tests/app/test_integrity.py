"""AppTest: the data administration page's integrity check, a button and the table it shows."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from lib.warehouse import db

APP = str(Path(__file__).resolve().parents[2] / "app.py")


@pytest.fixture
def writable(warehouse_dir, fresh_data_dir):
    """A copy of the session's demo warehouse, this test's own."""
    db.close_all()
    shutil.copyfile(warehouse_dir / "idmaj.duckdb", fresh_data_dir / "idmaj.duckdb")
    yield fresh_data_dir
    db.close_all()


def _checked() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    at.switch_page("pages/data_admin.py").run()
    assert not at.exception
    at.button(key="admin_integrity").click().run()
    assert not at.exception
    return at


def test_the_check_button_shows_every_rule_holding(writable):
    at = _checked()
    assert any(button.label == "Vérifier l'intégrité" for button in at.button)
    assert "les 7 règles sont respectées" in at.success[0].value
    table = at.dataframe[-1].value
    assert list(table.columns) == ["Règle", "État", "Constat"]
    assert len(table) == 7 and set(table["État"]) == {"respectée"}


def test_the_check_button_shows_a_broken_rule(writable):
    def stale(cursor) -> None:
        cursor.execute("UPDATE agg_intervention SET interventions = interventions + 1")

    db.get_database().execute_write_fn(stale)
    at = _checked()
    assert "1 règle(s) sur 7" in at.error[0].value
    table = at.dataframe[-1].value.set_index("Règle")
    broken = table.loc["Les agrégats correspondent aux dossiers"]
    assert broken["État"] == "non respectée" and "agg_intervention" in broken["Constat"]
