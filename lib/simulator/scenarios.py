"""Saved what-if scenarios, who sees them, and the words the simulator page writes about them.

Who sees a saved scenario: while the app is open to all (demonstration records only) everyone
sees the scenarios saved then; with real records a scenario is private to its author and the
administrators until its author shares it with every signed-in user (``scenario_share``).

No streamlit here: the page calls these functions; the model itself is ``lib.simulator``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime

import pandas as pd

from lib.formatting import format_money, format_number, format_percent_value
from lib.i18n import LANGUAGES, t
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
    "outcome_survival",
}


class ScenarioNameError(ValueError):
    """A scenario name that cannot be saved (empty or too long)."""


@dataclass(frozen=True)
class Viewer:
    """Who looks at the saved scenarios: ``name`` (the author name they save under),
    ``signed_in`` (with real records; sees what others shared), ``admin`` (sees them all)."""

    name: str
    signed_in: bool = False
    admin: bool = False


def open_authors() -> list[str]:
    """The author names of scenarios saved while the app was open to all (demonstration mode,
    written in the language of the moment): everyone may see those."""
    return sorted({t("admin.demo_user", lang) for lang in LANGUAGES})


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


def save(name: str, author: str, inputs: ScenarioInputs, result, share: bool = False) -> int:
    """Store a scenario under ``name``, by ``author`` (the signed-in user, never typed in); its id.
    The author's own scenario of the same name is replaced (it keeps its id and its sharing);
    another author's of the same name is a scenario of its own (names are unique per author,
    so a name tells nothing of others' private scenarios). ``share``: share it with every
    signed-in user as well."""
    name = name.strip()
    if not name or len(name) > MAX_NAME_LENGTH:
        raise ScenarioNameError(name)
    if not author:
        raise ValueError("a scenario is saved by someone")
    now = datetime.now(UTC).isoformat(timespec="seconds")
    values = {
        "name": name,
        "author": author,
        "created_at": now,
        "inputs": json.dumps(inputs.to_query_params()),
        "results": json.dumps(result.to_dict()),
    }

    def write(store) -> int:
        store_run(store, "state/scenario_save", **values)
        found = store_fetch(store, "state/scenario_id", author=author, name=name)
        saved_id = int(found["scenario_id"].iloc[0])
        if share:
            store_run(
                store,
                "state/scenario_share",
                scenario_id=saved_id,
                author=author,
                any_author=False,
                at=now,
            )
        return saved_id

    return get_store().execute_write_fn(write)


def _parsed(frame: pd.DataFrame) -> pd.DataFrame:
    frame["created_at"] = pd.to_datetime(frame["created_at"], utc=True).dt.tz_convert(None)
    frame["inputs"] = frame["inputs"].map(json.loads)
    frame["results"] = frame["results"].map(json.loads)
    frame["shared"] = frame["shared"].astype(bool)
    return frame


def saved(viewer: Viewer | None = None) -> pd.DataFrame:
    """scenario_id, name, author, created_at, inputs (dict), results (dict), shared (bool):
    the scenarios ``viewer`` may see, newest first (every one without a viewer)."""
    if viewer is None:
        return _parsed(get_store().execute("state/scenario_list"))
    frame = get_store().execute(
        "state/scenario_visible",
        viewer=viewer.name,
        see_all=viewer.admin,
        signed_in=viewer.signed_in,
        open_authors=json.dumps(open_authors()),
    )
    return _parsed(frame)


def labels(rows: pd.DataFrame) -> dict[int, str]:
    """scenario_id -> how a list names it: its name, and its author beside a name that two
    authors gave (names are unique per author only)."""
    repeated = set(rows.loc[rows["name"].duplicated(keep=False), "name"])
    return {
        int(row["scenario_id"]): f"{row['name']} ({row['author']})"
        if row["name"] in repeated
        else row["name"]
        for row in rows.to_dict(orient="records")
    }


def find(scenario_id: int, viewer: Viewer) -> dict | None:
    """The saved scenario ``scenario_id`` as a row of :func:`saved`, if ``viewer`` may see it
    (a scenario that exists but is private to someone else is not told apart from none)."""
    rows = saved(viewer)
    rows = rows[rows["scenario_id"] == int(scenario_id)]
    return None if rows.empty else rows.iloc[0].to_dict()


def set_shared(scenario_id: int, shared: bool, author: str, any_author: bool = False) -> bool:
    """Share a scenario with every signed-in user, or make it private again, if ``author``
    saved it (or ``any_author``: an administrator); whether anything changed."""
    params = {"scenario_id": int(scenario_id), "author": author, "any_author": any_author}
    query = "state/scenario_share" if shared else "state/scenario_unshare"
    at = datetime.now(UTC).isoformat(timespec="seconds")

    def write(store) -> int:
        store_run(store, query, at=at, **params)
        return _changed(store)

    return bool(get_store().execute_write_fn(write))


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
