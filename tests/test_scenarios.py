"""lib.simulator.scenarios: saved scenarios and the simulator's messages written out in French."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from lib.config import get_settings
from lib.simulator import scenarios
from lib.simulator.inputs import ScenarioInputs
from lib.simulator.model import simulate
from lib.simulator.reference import default_inputs
from lib.warehouse import db
from lib.warehouse.build import build

NAMES = {"region": {"5": "Béni Mellal-Khénifra"}, "sector": {"agriculture": "Agriculture"}}

REPO = Path(__file__).resolve().parent.parent


def test_messages_write_codes_as_names_and_money_in_mad():
    text = scenarios.message(
        "sim.assumption.grant_sector",
        {"sector": "agriculture", "value": 40000, "reference": 35900.0},
        "fr",
        NAMES,
    )
    assert text == (
        "Subvention moyenne en Agriculture : 40\u202f000\xa0MAD "
        "(moyenne de l'année de référence : 35\u202f900\xa0MAD)."
    )
    opened = scenarios.message(
        "sim.assumption.region_opened_reference", {"region": 5, "year": 2019}, "fr", NAMES
    )
    assert opened.startswith("Béni Mellal-Khénifra est ouverte") and "2019" in opened
    share = scenarios.message(
        "sim.assumption.women_floor", {"value": 0.2, "reference": 0.14}, "fr", NAMES
    )
    assert "20,0\xa0%" in share and "14,0\xa0%" in share


def test_every_simulator_message_key_has_a_french_text():
    import re

    from lib.i18n import catalog

    source = "\n".join(path.read_text() for path in (REPO / "lib" / "simulator").glob("*.py"))
    keys = set(re.findall(r'"(sim\.(?:error|assumption)\.[a-z_]+)"', source))
    keys |= {f"sim.assumption.{name}" for name in re.findall(r'add\("([a-z_]+)"', source)}
    missing = sorted(key for key in keys if key not in catalog("fr"))
    assert not missing, missing


@pytest.fixture
def writable(fresh_data_dir):
    build(get_settings(data_dir=fresh_data_dir))
    yield
    db.close_all()


def test_save_list_replace_and_delete(writable):
    reference = scenarios.reference_frame(2019)
    inputs = default_inputs(reference, scenarios.regions_frame(), 2019)
    result = simulate(inputs, reference, scenarios.regions_frame())
    scenarios.save("Référence", "amina", inputs, result)
    scenarios.save("Référence", "amina", inputs, result)  # the author's own: replaced
    saved = scenarios.saved()
    assert saved["name"].tolist() == ["Référence"] and saved["author"].tolist() == ["amina"]
    assert saved["results"][0]["beneficiaries"] == 478
    again = scenarios.inputs_of(saved["inputs"][0], inputs)
    assert simulate(again, reference, scenarios.regions_frame()).beneficiaries == 478
    scenarios.delete(int(saved["scenario_id"][0]), "amina")
    assert scenarios.saved().empty


def test_nobody_overwrites_or_deletes_someone_elses_scenario(writable):
    """Names are unique per author: another author saving the same name makes a scenario of
    their own (a refusal would tell that a private scenario of that name exists)."""
    reference = scenarios.reference_frame(2019)
    inputs = default_inputs(reference, scenarios.regions_frame(), 2019)
    result = simulate(inputs, reference, scenarios.regions_frame())
    amina = scenarios.save("Référence", "amina", inputs, result)
    karim = scenarios.save("Référence", "karim", inputs, result)
    assert karim != amina
    assert scenarios.save("Référence", "amina", inputs, result) == amina  # her own: replaced
    saved = scenarios.saved()
    assert sorted(saved["author"]) == ["amina", "karim"]
    assert scenarios.labels(saved) == {amina: "Référence (amina)", karim: "Référence (karim)"}
    mine = scenarios.saved(scenarios.Viewer("karim", signed_in=True))
    assert mine["scenario_id"].tolist() == [karim]  # amina's stays private to her
    assert not scenarios.delete(amina, "karim")
    assert scenarios.delete(amina, "sara", any_author=True)  # an administrator
    assert scenarios.labels(scenarios.saved()) == {karim: "Référence"}


def test_a_store_from_when_names_were_unique_gets_names_per_author(fresh_data_dir):
    """A store made before: its scenario table rebuilt once, rows, ids and id counter kept (a
    deleted scenario's id, in an old link, never names a new one)."""
    path = get_settings(data_dir=fresh_data_dir).data_dir / "state.sqlite3"
    with sqlite3.connect(path) as old:
        old.executescript(
            "CREATE TABLE scenario (scenario_id INTEGER PRIMARY KEY AUTOINCREMENT, "
            "name TEXT NOT NULL UNIQUE, author TEXT NOT NULL, created_at TEXT NOT NULL, "
            "inputs TEXT NOT NULL, results TEXT NOT NULL);"
            "INSERT INTO scenario VALUES (3, 'Référence', 'amina', '2026-01-01', '{}', '{}');"
            "UPDATE sqlite_sequence SET seq = 7 WHERE name = 'scenario';"
        )
    store = db.Store(path)
    table = store.execute("state/scenario_table")["sql"].iloc[0]
    assert "UNIQUE (author, name)" in table and "NOT NULL UNIQUE" not in table
    assert store.execute("state/scenario_list")[["scenario_id", "author"]].values.tolist() == [
        [3, "amina"]
    ]

    def save_karims(connection) -> int:
        db.store_run(
            connection, "state/scenario_save", name="Référence", author="karim",
            created_at="2026-02-01", inputs="{}", results="{}",
        )  # fmt: skip
        found = db.store_fetch(connection, "state/scenario_id", author="karim", name="Référence")
        return int(found["scenario_id"].iloc[0])

    assert store.execute_write_fn(save_karims) == 8
    db.Store(path).execute("state/scenario_list")  # opened again: nothing left to rebuild


def test_a_scenario_needs_a_name(writable):
    reference = scenarios.reference_frame(2019)
    inputs = default_inputs(reference, scenarios.regions_frame(), 2019)
    result = simulate(inputs, reference, scenarios.regions_frame())
    with pytest.raises(scenarios.ScenarioNameError):
        scenarios.save("   ", "x", inputs, result)


def test_comparison_table_puts_scenarios_side_by_side(writable):
    reference = scenarios.reference_frame(2019)
    regions = scenarios.regions_frame()
    base = default_inputs(reference, regions, 2019)
    bigger = ScenarioInputs.from_query_params({"envelope": "15000000"}, base)
    table = scenarios.comparison_table(
        {
            "A": simulate(base, reference, regions),
            "B": simulate(bigger, reference, regions),
        },
        "fr",
    )
    assert list(table.columns) == ["A", "B"]
    assert table.loc["Bénéficiaires"].tolist() == ["478", "531"]


# --- who sees a saved scenario -----------------------------------------------------------------

AMINA = scenarios.Viewer("amina", signed_in=True)
KARIM = scenarios.Viewer("karim", signed_in=True)
SARA = scenarios.Viewer("sara", signed_in=True, admin=True)
OPEN = scenarios.Viewer("mode démonstration (sans connexion)")  # the app open to all, in French


def _saved_names(viewer) -> list[str]:
    return scenarios.saved(viewer)["name"].tolist()


def _reference_result():
    reference = scenarios.reference_frame(2019)
    inputs = default_inputs(reference, scenarios.regions_frame(), 2019)
    return inputs, simulate(inputs, reference, scenarios.regions_frame())


def test_a_scenario_is_private_to_its_author_and_the_administrators_until_shared(writable):
    inputs, result = _reference_result()
    plan = scenarios.save("Plan A", "amina", inputs, result)
    assert _saved_names(AMINA) == ["Plan A"] and _saved_names(SARA) == ["Plan A"]
    assert _saved_names(KARIM) == [] and _saved_names(OPEN) == []
    assert scenarios.find(plan, KARIM) is None and scenarios.find(plan, AMINA)["name"] == "Plan A"
    assert not scenarios.set_shared(plan, True, "karim")  # only its author or an administrator
    assert scenarios.set_shared(plan, True, "amina")
    assert _saved_names(KARIM) == ["Plan A"] and scenarios.find(plan, KARIM)["shared"]
    assert _saved_names(OPEN) == []  # shared with the signed-in team, never with anyone
    assert scenarios.set_shared(plan, False, "sara", any_author=True)
    assert _saved_names(KARIM) == []


def test_saving_again_keeps_the_id_and_the_sharing_and_delete_forgets_both(writable):
    inputs, result = _reference_result()
    plan = scenarios.save("Plan A", "amina", inputs, result, share=True)
    assert scenarios.save("Plan A", "amina", inputs, result) == plan
    assert scenarios.saved(KARIM)["shared"].tolist() == [True]
    assert scenarios.saved()["shared"].tolist() == [True]  # every scenario, as a backup lists
    assert scenarios.delete(plan, "amina")
    again = scenarios.save("Plan A", "amina", inputs, result)
    assert again != plan and _saved_names(KARIM) == []  # a new scenario starts private


def test_scenarios_saved_while_the_app_was_open_to_all_stay_open_to_all(writable):
    inputs, result = _reference_result()
    for number, author in enumerate(scenarios.open_authors()):  # in French, Arabic, English
        scenarios.save(f"Démo {number}", author, inputs, result)
    assert len(_saved_names(OPEN)) == len(scenarios.open_authors()) == 3
    assert len(_saved_names(KARIM)) == 3
