"""Saved what-if scenarios, and the words the simulator page writes about them.

No streamlit here: the page calls these functions; the model itself is ``lib.simulator``.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pandas as pd

from lib.formatting import format_money, format_number, format_percent_value
from lib.i18n import t
from lib.simulator.inputs import ScenarioInputs
from lib.warehouse.db import get_database, get_store, store_fetch, store_run

MAX_NAME_LENGTH = 80
MAX_COMPARED = 3

# Which parameters of a message are money, shares or codes, so they can be written out.
_MONEY = {"value", "reference", "envelope", "required", "maximum", "minimum"}
_SHARE_KEYS = {
    "mix_sector",
    "women_floor",
    "women_reference",
    "share_out_of_range",
    "women_share_out_of_range",
}


class ScenarioNameError(ValueError):
    """A scenario name that cannot be saved (empty or too long)."""


class ScenarioNameTaken(ScenarioNameError):
    """Another author already saved a scenario under this name."""


def reference_frame(year: int) -> pd.DataFrame:
    return get_database().execute("scenarios/simulator_reference", year=year)


def regions_frame() -> pd.DataFrame:
    return get_database().execute("scenarios/region_populations")


def message(key: str, params: dict, lang: str, names: dict[str, dict[str, str]]) -> str:
    """A simulator message (``sim.error.*``, ``sim.assumption.*``) in ``lang``, values written
    out: region and sector codes become names, money MAD, shares percentages."""
    short = key.rsplit(".", 1)[-1]
    shown = {}
    for name, value in params.items():
        if name == "region" and str(value) in names["region"]:
            shown[name] = names["region"][str(value)]
        elif name == "sector" and str(value) in names["sector"]:
            shown[name] = names["sector"][str(value)]
        elif short in _SHARE_KEYS and name in ("value", "reference"):
            shown[name] = format_percent_value(float(value), lang)
        elif name in _MONEY and isinstance(value, int | float):
            shown[name] = format_money(value, lang)
        elif isinstance(value, int | float) and not isinstance(value, bool) and name != "year":
            shown[name] = format_number(value, lang)
        else:
            shown[name] = value
    return t(key, lang, **shown)


def _changed(store) -> int:
    return int(store_fetch(store, "state/changes")["changed"].iloc[0])


def save(name: str, author: str, inputs: ScenarioInputs, result) -> None:
    """Store a scenario under ``name``, by ``author`` (the signed-in user, never typed in).
    The author's own scenario of the same name is replaced; another author's is not."""
    name = name.strip()
    if not name or len(name) > MAX_NAME_LENGTH:
        raise ScenarioNameError(name)
    if not author:
        raise ValueError("a scenario is saved by someone")
    values = {
        "name": name,
        "author": author,
        "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "inputs": json.dumps(inputs.to_query_params()),
        "results": json.dumps(result.to_dict()),
    }

    def write(store) -> int:
        store_run(store, "state/scenario_save", **values)
        return _changed(store)

    if not get_store().execute_write_fn(write):
        raise ScenarioNameTaken(name)


def saved() -> pd.DataFrame:
    """scenario_id, name, author, created_at, inputs (dict), results (dict)."""
    frame = get_store().execute("state/scenario_list")
    frame["created_at"] = pd.to_datetime(frame["created_at"], utc=True).dt.tz_convert(None)
    frame["inputs"] = frame["inputs"].map(json.loads)
    frame["results"] = frame["results"].map(json.loads)
    return frame


def delete(scenario_id: int, author: str, any_author: bool = False) -> bool:
    """Delete a scenario if ``author`` saved it (or ``any_author``: an administrator)."""
    params = {"scenario_id": int(scenario_id), "author": author, "any_author": any_author}

    def write(store) -> int:
        store_run(store, "state/scenario_delete", **params)
        return _changed(store)

    return bool(get_store().execute_write_fn(write))


def inputs_of(stored: dict, defaults: ScenarioInputs) -> ScenarioInputs:
    return ScenarioInputs.from_query_params(stored, defaults=defaults)


def comparison_table(results: dict[str, object], lang: str) -> pd.DataFrame:
    """Scenarios side by side: one column per scenario, one row per headline figure."""
    rows = {
        t("sim.envelope", lang): lambda r: format_money(r.envelope_mad, lang),
        t("common.beneficiaries", lang): lambda r: format_number(r.beneficiaries, lang),
        t("sim.cost", lang): lambda r: format_money(r.cost_per_beneficiary, lang),
        t("sim.unspent", lang): lambda r: format_money(r.unspent_mad, lang),
        t("common.share_women", lang): lambda r: format_percent_value(r.women_share, lang),
        t("sim.regions_funded", lang): lambda r: format_number(
            int((r.by_region["beneficiaries"] > 0).sum()), lang
        ),
    }
    return pd.DataFrame(
        {name: [fmt(result) for fmt in rows.values()] for name, result in results.items()},
        index=list(rows),
    )
