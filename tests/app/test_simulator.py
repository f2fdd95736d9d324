"""AppTest: the what-if simulator page (its own warehouse: saving writes to it): the model on
screen, links long and short, the point of comparison, the redistribution sentence, the
widgets' own texts. Private and shared scenarios with real records: test_simulator_sharing."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from lib.config import get_settings
from lib.simulator import scenarios
from lib.warehouse import db
from lib.warehouse.build import build
from tests.app.helpers import texts

APP = str(Path(__file__).resolve().parents[2] / "app.py")
TIMEOUT = 120  # the simulator's first run builds the public snapshot; machines are shared
NNBSP, NBSP = "\u202f", "\xa0"
ALL_BUT_12 = ",".join(str(code) for code in range(1, 12))  # 2019 funded neither 5 nor 12


@pytest.fixture
def writable(fresh_data_dir):
    build(get_settings(data_dir=fresh_data_dir))
    yield
    db.close_all()


def _open(query: dict[str, str] | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    if "lang" in (query or {}):  # the language is chosen on the session's first run
        at.query_params["lang"] = query["lang"]
    at.run()
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


# --- short links --------------------------------------------------------------------------------


def _save(at: AppTest, name: str) -> AppTest:
    at.text_input(key="sim_name").input(name)
    next(b for b in at.button if b.label == "Enregistrer").click().run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _query(at: AppTest) -> dict[str, str]:
    return {k: v if isinstance(v, str) else v[-1] for k, v in at.query_params.items()}


def _copied_link(at: AppTest) -> str:
    """The link the copy-link button copies (its data-link attribute)."""
    bodies = [element.proto.body for element in at.get("html")]
    buttons = [body for body in bodies if 'class="idmaj-copy-link"' in body]
    assert len(buttons) == 1, bodies
    return buttons[0].split('data-link="', 1)[1].split('"', 1)[0].replace("&amp;", "&")


def test_a_saved_scenario_has_a_short_link_that_opens_it(writable):
    at = _open()
    at.number_input(key="sim_envelope").set_value(15_000_000).run()
    assert _copied_link(at).startswith("?envelope=15000000&year=2019")
    expected = _tiles(at)
    _save(at, "Quinze millions")
    assert any("Quinze millions" in s.value for s in at.success)
    assert _query(at) == {"scenario": "1"}  # the address is the short link now
    assert _copied_link(at) == "?scenario=1"
    assert "[Lien vers ce scénario](?scenario=1)" in "".join(m.value for m in at.markdown)
    again = _open({"scenario": "1"})
    assert not again.warning
    assert _tiles(again) == expected and _query(again) == {"scenario": "1"}
    again.number_input(key="sim_envelope").set_value(14_000_000).run()
    assert "scenario" not in _query(again) and _query(again)["envelope"] == "14000000"


@pytest.mark.parametrize(("value", "shown"), [("abc", "« abc »"), ("999", "n° 999")])
def test_a_bad_or_unknown_short_link_says_so_and_changes_nothing(writable, value, shown):
    at = _open({"scenario": value})
    assert not at.exception and not at.error
    assert len(at.warning) == 1 and shown in at.warning[0].value
    assert _tiles(at)["Bénéficiaires"] == "478"  # the default scenario
    assert "scenario" not in _query(at) and _query(at)["envelope"] == "13500000"


# --- the point of comparison and the redistribution ------------------------------------------


def _captions(at: AppTest) -> list[str]:
    """The captions as read (the escapes that keep outside text from being Markdown, undone)."""
    return texts(at.caption)


def _delta(at: AppTest) -> str:
    return next(m.delta for m in at.metric if m.label == "Bénéficiaires")


def test_opening_a_region_says_where_its_money_comes_from(writable):
    at = _open({"envelope": "13500000", "year": "2019", "regions": ALL_BUT_12})
    assert _tiles(at)["Bénéficiaires"] == "477" and _delta(at) == "-1"
    [info] = [i.value for i in at.info if i.value.startswith("Ajout de")]
    assert info.startswith(f"Ajout de Béni Mellal-Khénifra : 32 bénéficiaires, 898{NNBSP}540")
    assert "cet argent est pris aux autres régions, qui perdent ensemble 917" in info
    assert "Les plus touchées : Tanger-Tétouan-Al Hoceïma (-187" in info
    assert "Écarts par rapport à : Référence 2019." in _captions(at)


def test_the_change_is_against_the_baseline_the_user_picks(writable):
    at = _open({"envelope": "15000000", "year": "2019", "regions": ALL_BUT_12})
    choice = at.selectbox(key="sim_baseline")
    assert choice.options[:3] == [
        "Référence 2019",
        "Ce scénario sans Tanger-Tétouan-Al Hoceïma",
        "Ce scénario sans L'Oriental",
    ]
    choice.set_value("without-5").run()
    assert not at.exception and not at.warning
    # Without Béni Mellal-Khénifra the same 15 million fund 531 people: 532 with it.
    assert _tiles(at)["Bénéficiaires"] == "532" and _delta(at) == "+1"
    assert "Écarts par rapport à : Ce scénario sans Béni Mellal-Khénifra." in _captions(at)
    assert _query(at)["baseline"] == "without-5"
    assert "Ce scénario sans Béni Mellal-Khénifra" in at.dataframe[0].value.columns
    again = _open(_query(at))  # the link keeps the point of comparison
    assert again.selectbox(key="sim_baseline").value == "without-5"


def test_a_saved_scenario_can_be_the_baseline(writable):
    at = _open()
    at.number_input(key="sim_envelope").set_value(15_000_000).run()
    _save(at, "Quinze millions")
    at.number_input(key="sim_envelope").set_value(13_500_000).run()
    at.selectbox(key="sim_baseline").set_value("scenario-1").run()
    assert _tiles(at)["Bénéficiaires"] == "478" and _delta(at) == "-53"
    assert "Écarts par rapport à : Scénario enregistré « Quinze millions »." in _captions(at)


@pytest.mark.parametrize(
    ("value", "words"),
    [("without-5", "n'est pas disponible"), ("sans-5", "point de comparaison connu")],
)
def test_a_link_with_a_baseline_it_cannot_use_says_so(writable, value, words):
    at = _open({"baseline": value})  # 2019's default scenario leaves region 5 out
    assert not at.exception
    assert any(words in w.value for w in at.warning), [w.value for w in at.warning]
    assert at.selectbox(key="sim_baseline").value == "reference"
    assert "baseline" not in _query(at)


# --- the widgets' own texts -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("lang", "placeholder", "button"),
    [
        ("fr", "Choisissez des régions", "Inclure toutes les régions"),
        ("ar", "اختاروا الجهات", "إدراج جميع الجهات"),
        ("en", "Choose regions", "Include all regions"),
    ],
)
def test_the_region_choice_speaks_the_page_language(writable, lang, placeholder, button):
    at = _open({"lang": lang})
    regions = at.multiselect(key="sim_regions")
    assert regions.proto.placeholder == placeholder
    assert regions.proto.select_all == 0  # Streamlit's English "Select all": not shown
    include_all = at.button(key="sim_all_regions")
    assert include_all.label == button and not include_all.disabled
    if lang != "fr":
        return  # AppTest formats the other widgets' options in French when it sends a click
    include_all.click().run()
    assert at.multiselect(key="sim_regions").value == list(range(1, 13))
    assert at.button(key="sim_all_regions").disabled


def test_the_saved_scenarios_widgets_speak_french(writable):
    at = _save(_open(), "Quinze millions")
    assert at.text_input(key="sim_name").proto.placeholder.startswith("Par exemple")
    compare = at.multiselect(key="sim_compare")
    assert compare.proto.placeholder == "Choisissez jusqu'à trois scénarios"
    assert compare.proto.select_all == 0
    assert not [b for b in at.button if (b.key or "").startswith("share_")]  # open to all


def test_saved_scenarios_are_compared_under_their_names(writable):
    at = _save(_open(), "Quinze millions")
    compare = at.multiselect(key="sim_compare")
    assert compare.options == ["Quinze millions"]  # its name: no other author used it
    (scenario_id,) = scenarios.saved()["scenario_id"].tolist()
    compare.select(scenario_id).run()
    assert not at.exception, [e.value for e in at.exception]
    assert "Quinze millions" in at.dataframe[-1].value.columns
