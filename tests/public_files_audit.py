"""An intruder's audit of a published snapshot, from its CSV files alone (for the tests).

Written apart from lib.public.system/audit on purpose: it reads what a journalist downloads,
infers the sums every table states (each table is a partition of its total; the total rows of
the region, sector and sex tables of a year are one number, also in programme_by_year; the
intervention years add up to the period), adds the published figures that equal a number of
the snapshot, and minimises and maximises every hidden number with integer programming.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
from scipy.optimize import Bounds, LinearConstraint, milp

CAP = 1e12  # "no bound", written as one HiGHS can work with

ONE_WAY = {
    "beneficiaries_by_region": ("region_code", ("beneficiaries", "budget_mad")),
    "beneficiaries_by_sector": ("sector_code", ("beneficiaries", "budget_mad")),
    "beneficiaries_by_sex": ("sex", ("beneficiaries",)),
    "placements_by_region": ("region_code", ("placements",)),
    "placements_by_sector": ("sector_code", ("placements",)),
    "placements_by_sex": ("sex", ("placements",)),
    "interventions_by_type": ("type_code", ("interventions",)),
    "interventions_by_centre": ("centre_id", ("interventions",)),
}


class Snapshot:
    """Every number of the files: known values, hidden ones (with their marker), and sums."""

    def __init__(self, folder: Path):
        self.known: dict[tuple, float] = {}
        self.hidden: dict[tuple, str] = {}
        self.sums: list[tuple[tuple, list[tuple]]] = []
        read = {name: pd.read_csv(folder / f"{name}.csv", dtype=str) for name in ONE_WAY}
        for name, (dim, measures) in ONE_WAY.items():
            self._one_way(read[name], dim, measures)
        self._by_year(pd.read_csv(folder / "programme_by_year.csv", dtype=str), "beneficiaries")
        self._by_year(pd.read_csv(folder / "programme_by_year.csv", dtype=str), "budget_mad")
        self._interventions(pd.read_csv(folder / "interventions_by_year.csv", dtype=str))
        self.figures = pd.read_csv(folder / "published_figures.csv", dtype=str)

    def _cell(self, key: tuple, value, flag) -> None:
        if isinstance(flag, str) and flag:
            self.hidden[key] = flag
        else:
            self.known[key] = float(value)

    def _one_way(self, frame: pd.DataFrame, dim: str, measures) -> None:
        when = "period" if "period" in frame.columns else "year"
        for (moment,), rows in frame.groupby([when]):
            for measure in measures:
                parts = []
                for row in rows.to_dict(orient="records"):
                    code = row[dim]
                    key = (measure, moment) if code == "total" else (measure, moment, dim, code)
                    self._cell(key, row[measure], row[f"{measure}_flag"])
                    if code != "total":
                        parts.append(key)
                self.sums.append(((measure, moment), parts))

    def _by_year(self, frame: pd.DataFrame, measure: str) -> None:
        for row in frame.to_dict(orient="records"):
            self._cell((measure, row["year"]), row[measure], row[f"{measure}_flag"])

    def _interventions(self, frame: pd.DataFrame) -> None:
        years = []
        for row in frame.to_dict(orient="records"):
            self._cell(
                ("interventions", row["year"]), row["interventions"], row["interventions_flag"]
            )
            years.append(("interventions", row["year"]))
        if years:
            period = f"{years[0][1]}-{years[-1][1]}"
            self.sums.append((("interventions", period), years))

    def intervals(self, threshold: int, facts: dict[tuple, float]) -> dict[tuple, tuple]:
        """[min, max] of every hidden number, given the files and ``facts`` (figures a reader
        takes for a number of the snapshot)."""
        known = {**self.known, **facts}
        keys = sorted(k for k in self.hidden if k not in facts)
        index = {key: i for i, key in enumerate(keys)}
        rows, right = [], []
        for total, parts in self.sums:
            row, constant = np.zeros(len(keys)), 0.0
            for key, sign in [(total, 1.0), *((p, -1.0) for p in parts)]:
                if key in index:
                    row[index[key]] += sign
                else:
                    constant -= sign * known[key]
            if row.any():
                rows.append(row)
                right.append(constant)
        money = [key[0] == "budget_mad" for key in keys]
        low = [0.0 if m else 1.0 for m in money]
        high = [threshold - 1.0 if self.hidden[k].startswith("<") else CAP for k in keys]
        constraints = [LinearConstraint(np.array(rows), right, right)] if rows else []
        result = {}
        for key, i in index.items():
            ends = []
            for sign in (1.0, -1.0):
                objective = np.zeros(len(keys))
                objective[i] = sign
                solved = milp(
                    objective,
                    constraints=constraints,
                    integrality=np.array([0 if m else 1 for m in money]),
                    bounds=Bounds(low, high),
                )
                ends.append(math.inf if solved.x[i] >= CAP * 0.999 else solved.x[i])
            result[key] = tuple(ends)
        return result


def breaches(folder: Path, threshold: int, true: dict[tuple, float]) -> list[str]:
    """Every way the files break the standard, given the true values behind them. Hidden
    money is divided by the year's mean grant, as a reader with other years' figures would."""
    snapshot = Snapshot(folder)
    facts = {}
    for row in snapshot.figures.to_dict(orient="records"):
        key = _figure_key(row)
        if key in snapshot.hidden and key in true and true[key] == float(row["value"] or "nan"):
            facts[key] = true[key]  # a published figure a reader takes for this hidden number
    found = [f"{key} published beside hidden {key[0]}" for key in _money_beside(snapshot)]
    for key, (low, high) in snapshot.intervals(threshold, facts).items():
        value = true[key]
        if high - low < 0.5:
            found.append(f"{key} pinned down at {low:g}")
        small = _small_behind(key, true, threshold)
        scale = _grant(true, key[1]) if key[0] == "budget_mad" else 1.0
        if small and high - low < scale * (threshold - 2) - 1e-6:
            found.append(f"{key} = {value:g} narrowed to [{low:g}, {high:g}]")
        if (
            small
            and hidden_marker(snapshot, key).startswith("<")
            and (low, high) != (1, threshold - 1)
        ):
            found.append(f"{key} = {value:g} under '< {threshold}' narrowed to [{low:g}, {high:g}]")
    found += [f"{key} is a published figure that was hidden" for key in facts]
    return found


def hidden_marker(snapshot: Snapshot, key: tuple) -> str:
    return snapshot.hidden.get(key, "")


def _grant(true: dict, year: str) -> float:
    return true[("budget_mad", year)] / true[("beneficiaries", year)]


def _small_behind(key: tuple, true: dict, threshold: int) -> bool:
    count = ("beneficiaries", *key[1:]) if key[0] == "budget_mad" else key
    return 1 <= true.get(count, 0) <= threshold - 1


def _money_beside(snapshot: Snapshot) -> list[tuple]:
    return [
        ("budget_mad", *key[1:])
        for key in snapshot.hidden
        if key[0] == "beneficiaries" and ("budget_mad", *key[1:]) in snapshot.known
    ]


def _figure_key(row: dict) -> tuple | None:
    measure = {
        "programme_beneficiaries": "beneficiaries",
        "programme_budget": "budget_mad",
        "placements_in_companies": "placements",
        "capc_interventions": "interventions",
    }.get(row["indicator"])
    if measure is None:
        return None
    if row["scope"] == "national":
        return (measure, row["period"])
    if row["scope"].startswith("MA-"):
        return (measure, row["period"], "region_code", str(int(row["scope"][3:])))
    return None


def true_values(records: dict[str, pd.DataFrame]) -> dict[tuple, float]:
    """Every number of a snapshot as the records make it, in the files' keys."""
    values: dict[tuple, float] = {}
    people = records["beneficiary"].rename(
        columns={"programme_year": "year", "grant_mad": "budget_mad"}
    )
    people = people.assign(one=1)
    for measure, frame, column in (
        ("beneficiaries", people, "one"),
        ("budget_mad", people, "budget_mad"),
        ("placements", records["placement"].assign(one=1), "one"),
    ):
        _add(values, measure, frame, column, ("region_code", "sector_code", "sex"), "year")
    visits = records["intervention"].assign(one=1)
    visits["year"] = pd.to_datetime(visits["intervention_date"]).dt.year
    for year, count in visits.groupby("year")["one"].sum().items():
        values[("interventions", str(year))] = float(count)
    if len(visits):
        visits["period"] = f"{visits['year'].min()}-{visits['year'].max()}"
        _add(values, "interventions", visits, "one", ("type_code", "centre_id"), "period")
    return values


def _add(values: dict, measure: str, frame: pd.DataFrame, column: str, dims, when: str) -> None:
    for moment, rows in frame.groupby(when):
        values[(measure, str(moment))] = float(rows[column].sum())
        for dim in dims:
            for code, total in rows.groupby(dim)[column].sum().items():
                values[(measure, str(moment), dim, str(code))] = float(total)
