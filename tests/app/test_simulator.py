"""AppTest: the what-if simulator page (its own warehouse: saving writes to it)."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from lib.config import get_settings
from lib.warehouse import db
from lib.warehouse.build import build

APP = str(Path(__file__).resolve().parents[2] / "app.py")


@pytest.fixture
def writable(fresh_data_dir):
    build(get_settings(data_dir=fresh_data_dir))
    yield
    db.close_all()


def _open(query: dict[str, str] | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=30).run()
    # The link names the simulator: its parameters arrive with the switch, as from a browser.
    at.query_params.clear()
    for name, value in (query or {}).items():
        at.query_params[name] = value
    at.switch_page("pages/simulator.py").run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _tiles(at: AppTest) -> dict[str, str]:
    return {metric.label: metric.value for metric in at.metric}


def test_reference_year_gives_back_its_figures(writable):
    at = _open()
    tiles = _tiles(at)
    assert tiles["Bénéficiaires"] == "478"
    assert tiles["Non dépensé"] == "0\xa0MAD"
    assert not at.error
    text = "".join(m.value for m in at.markdown)
    assert "Enveloppe : 13\u202f500\u202f000\xa0MAD" in text


def test_changing_the_envelope_changes_the_result(writable):
    at = _open()
    at.number_input(key="sim_envelope").set_value(15_000_000).run()
    assert not at.exception
    assert _tiles(at)["Bénéficiaires"] == "531"
    assert at.query_params["envelope"] in ("15000000", ["15000000"])


def test_impossible_inputs_give_a_french_message(writable):
    at = _open()
    at.multiselect(key="sim_regions").set_value([]).run()
    assert not at.exception
    assert "Incluez au moins une région" in at.error[0].value


def test_save_then_reopen_gives_the_same_numbers(writable):
    at = _open()
    at.number_input(key="sim_envelope").set_value(15_000_000).run()
    expected = _tiles(at)
    at.text_input(key="sim_name").input("Quinze millions")
    submit = next(b for b in at.button if b.label == "Enregistrer")
    submit.click().run()
    assert not at.exception
    assert any("Quinze millions" in s.value for s in at.success)
    at.number_input(key="sim_envelope").set_value(5_000_000).run()
    assert _tiles(at)["Bénéficiaires"] != expected["Bénéficiaires"]
    opener = next(b for b in at.button if b.key and b.key.startswith("open_"))
    opener.click().run()
    assert _tiles(at) == expected


def test_a_link_reproduces_a_scenario(writable):
    at = _open({"envelope": "15000000", "year": "2019", "regions": "1,2,3,4,5,6,7,8,9,10,11,12"})
    assert not at.warning
    tiles = _tiles(at)
    assert tiles["Bénéficiaires"] != "478"
    again = _open(
        {
            key: value if isinstance(value, str) else value[-1]
            for key, value in at.query_params.items()
        }
    )
    assert _tiles(again) == tiles


@pytest.mark.parametrize(
    ("name", "value"),
    [("envelope", "beaucoup"), ("year", "1990"), ("regions", "1,99"), ("rule", "magie")],
)
def test_a_malformed_link_gives_a_message(writable, name, value):
    at = _open({name: value})
    assert not at.exception
    assert at.warning, f"no message for {name}={value}"
    assert _tiles(at)["Bénéficiaires"] == "478"  # the default scenario, unchanged
