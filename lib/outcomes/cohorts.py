"""Cohort views of the follow-ups: what the outcome page, the overview tile and the public side
compute from the outcome cubes (``lib.warehouse.queries.outcome_spells`` and
``outcome_returns``), DataFrames in and out.

A *cohort* is the people of one programme year (micro-projects) or one placement year (jobs);
time runs in whole months from 1 July of that year (``ORIGIN_MONTH``: the warehouse holds the
year only, and the programmes are launched mid-year). A *spell* is a micro-project running or
a job held, from that origin until a visit sees it end (closed, left, dismissed, back in
prison) or until the last visit (censored). Every result keeps ``any_demo``: whether
demonstration records are among the people counted, so that a page says so. Pure: no
streamlit, no SQL.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

from lib.outcomes.rates import with_rate
from lib.outcomes.survival import CONFIDENCE, km_arrays, read_at

ORIGIN_MONTH = 7  # time 0 is 1 July of the cohort's year (sql/build/refresh_aggregates.sql)
HORIZONS = (6, 12, 24)  # months: the shares still active the page shows
DIMENSIONS = ("cohort_year", "region_code", "sector_code", "sex")
# A curve stops where fewer than this share of its people are still followed. Beyond a
# cohort's last visits, those left are mostly people something happened to: a return to prison
# is recorded on its date, whereas a micro-project still running is only seen at a visit, so
# the few still "at risk" would make the curve fall to nothing.
MIN_FOLLOWED = 0.10
# The published cohort (TelQuel, 22 June 2016: 134 of 3 893 people followed by the foundation
# back in prison): records of 2015 or before, followed in 2015 or before, back in prison by
# the end of 2015. The demo reproduces it exactly (lib.warehouse.demo_outcomes).
PUBLISHED_COHORT_LAST_YEAR = 2015


def _keys(by) -> list[str]:
    return [by] if isinstance(by, str) else list(by or ())


def _groups(frame: pd.DataFrame, by) -> Iterable[tuple[dict, dict]]:
    """(the group's values, its durations) for each group of ``by`` (None: one group of all):
    months, ended and records as arrays, summed over the other columns first (a cube of
    millions of people is a few thousand rows), with the group's records and any_demo."""
    keys = _keys(by)
    summed = frame.groupby([*keys, "months", "ended"], sort=True, observed=True).agg(
        records=("records", "sum"), any_demo=("any_demo", "any")
    )
    summed = summed.reset_index()
    grouped = summed.groupby(keys, sort=True, observed=True) if keys else [((), summed)]
    for values, rows in grouped:
        values = values if isinstance(values, tuple) else (values,)
        yield (
            dict(zip(keys, values, strict=True)),
            {
                "months": rows["months"].to_numpy(),
                "ended": rows["ended"].to_numpy(bool),
                "records": rows["records"].to_numpy(float),
                "people": int(rows["records"].sum()),
                "any_demo": bool(rows["any_demo"].any()),
            },
        )


def _table(group: dict, confidence: float) -> dict[str, np.ndarray]:
    """The group's Kaplan-Meier table, cut where fewer than ``MIN_FOLLOWED`` of its people are
    still followed (see there)."""
    table = km_arrays(group["months"], group["ended"], group["records"], confidence=confidence)
    kept = table["at_risk"] >= MIN_FOLLOWED * group["people"]  # at_risk never rises: a prefix
    return {name: values[kept] for name, values in table.items()}


def _frame(parts: list[dict], columns: list[str]) -> pd.DataFrame:
    """One frame from the groups' columns (arrays or scalars repeated), in ``columns`` order."""
    if not parts:
        return pd.DataFrame(columns=columns)
    return pd.concat([pd.DataFrame(part) for part in parts], ignore_index=True)[columns]


def survival_curves(
    spells: pd.DataFrame, by="cohort_year", confidence: float = CONFIDENCE
) -> pd.DataFrame:
    """The Kaplan-Meier curve of each group of ``by`` (default: each cohort): the group's
    columns, then time (months), at_risk, events, censored, survival, std_error, lower,
    upper, records (people in the group), any_demo. Each curve starts at time 0 with
    survival 1, so that it draws as steps from the origin."""
    parts = []
    for values, group in _groups(spells, by):
        table = _table(group, confidence)
        if not len(table["time"]):
            continue
        if table["time"][0] > 0:
            start = {"time": 0, "at_risk": table["at_risk"][0], "events": 0, "censored": 0,
                     "survival": 1.0, "std_error": 0.0, "lower": 1.0, "upper": 1.0}  # fmt: skip
            table = {name: np.concatenate([[start[name]], table[name]]) for name in start}
        parts.append({**table, **values, "records": group["people"], "any_demo": group["any_demo"]})
    columns = [*_keys(by), "time", "at_risk", "events", "censored", "survival", "std_error",
               "lower", "upper", "records", "any_demo"]  # fmt: skip
    return _frame(parts, columns)


def share_active(
    spells: pd.DataFrame,
    by=None,
    horizons: Iterable[int] = HORIZONS,
    confidence: float = CONFIDENCE,
) -> pd.DataFrame:
    """The share still running (a micro-project) or still held (a job) ``horizons`` months
    after the origin, for each group of ``by`` (None: everyone; "region_code", "sector_code",
    "sex", "cohort_year" or a list of them): the group's columns, then horizon, share, lower,
    upper (Kaplan-Meier with its log-log band), at_risk (people still followed at the
    horizon), records (people in the group), any_demo. share is NaN where nobody in the group
    was followed that long."""
    horizons = list(horizons)
    parts = []
    for values, group in _groups(spells, by):
        read = read_at(_table(group, confidence), horizons)
        read["horizon"], read["share"] = np.asarray(horizons, np.int64), read.pop("survival")
        parts.append({**read, **values, "records": group["people"], "any_demo": group["any_demo"]})
    columns = [*_keys(by), "horizon", "share", "lower", "upper", "at_risk", "records",
               "any_demo"]  # fmt: skip
    out = _frame(parts, columns)
    return out.astype({"horizon": "int64", "at_risk": "int64", "records": "int64"})


def still_running(spells: pd.DataFrame, months: int = 12) -> dict | None:
    """The overview tile: the latest cohort followed at least ``months`` months, its share of
    micro-projects still running then (with its interval and the people behind it):
    cohort_year, months, share, lower, upper, records, at_risk, any_demo. None when no cohort
    was followed that long."""
    shares = share_active(spells, by="cohort_year", horizons=[months])
    known = shares[shares["share"].notna()]
    if not len(known):
        return None
    row = known.sort_values("cohort_year").iloc[-1]
    return {
        "cohort_year": int(row["cohort_year"]),
        "months": months,
        "share": float(row["share"]),
        "lower": float(row["lower"]),
        "upper": float(row["upper"]),
        "records": int(row["records"]),
        "at_risk": int(row["at_risk"]),
        "any_demo": bool(row["any_demo"]),
    }


def how_spells_ended(spells: pd.DataFrame, by="cohort_year", column: str = "end_status"):
    """How the spells that ended did end, per group of ``by``: the group's columns, then
    ``column`` (end_status: closed, left, dismissed, back in prison; or reason_code: why
    micro-projects closed), records, share (of the group's ended spells), any_demo."""
    ended = spells[spells["ended"].astype(bool) & spells[column].notna()]
    keys = [*_keys(by), column]
    counted = ended.groupby(keys, observed=True, sort=True).agg(
        records=("records", "sum"), any_demo=("any_demo", "any")
    )
    counted = counted.reset_index()
    totals = (
        counted.groupby(_keys(by))["records"].transform("sum") if by else counted["records"].sum()
    )
    return counted.assign(share=counted["records"] / totals)[
        [*keys, "records", "share", "any_demo"]
    ].astype({"records": "int64"})


# --- Returns to prison -------------------------------------------------------------------------


def returns_by_cohort(
    returns: pd.DataFrame, by="cohort_year", confidence: float = CONFIDENCE
) -> pd.DataFrame:
    """Returns to prison recorded so far per group of ``by`` (default: each cohort; None:
    everyone): the group's columns, then followed (the people behind the rate), returned,
    rate, lower, upper (Wilson), any_demo. Older cohorts have had longer to return: compare
    cohorts with ``returns_within``."""
    counted = returns.assign(
        followed=returns["records"],
        returned=np.where(returns["return_months"].notna(), returns["records"], 0),
    )
    sums = {"followed": ("followed", "sum"), "returned": ("returned", "sum"),
            "any_demo": ("any_demo", "any")}  # fmt: skip
    keys = _keys(by)
    if keys:
        grouped = counted.groupby(keys, observed=True, sort=True).agg(**sums).reset_index()
    else:
        grouped = pd.DataFrame(
            {"followed": [counted["followed"].sum()], "returned": [counted["returned"].sum()],
             "any_demo": [bool(counted["any_demo"].any())]}
        )  # fmt: skip
    grouped = grouped.astype({"followed": "int64", "returned": "int64", "any_demo": "bool"})
    rated = with_rate(grouped, "returned", "followed", confidence=confidence)
    return rated[[*keys, "followed", "returned", "rate", "lower", "upper", "any_demo"]]


def returns_within(
    returns: pd.DataFrame,
    months: Iterable[int] = HORIZONS,
    by="cohort_year",
    confidence: float = CONFIDENCE,
) -> pd.DataFrame:
    """The share back in prison within ``months`` of the origin, per group of ``by``: one
    minus the Kaplan-Meier survival of the time to a return, people who have not returned
    censored at their last follow-up (so that a cohort followed for a short time is neither
    flattered nor blamed). The group's columns, then horizon, share, lower, upper, at_risk
    (still followed then), records, any_demo; share is NaN where nobody was followed that
    long."""
    back = returns["return_months"].notna()
    times = pd.DataFrame(
        {
            **{key: returns[key] for key in _keys(by)},
            "months": np.where(back, returns["return_months"], returns["last_months"]),
            "ended": back.to_numpy(),
            "records": returns["records"],
            "any_demo": returns["any_demo"],
        }
    )
    kept = share_active(times, by=by, horizons=months, confidence=confidence)
    return kept.assign(share=1 - kept["share"], lower=1 - kept["upper"], upper=1 - kept["lower"])


def published_cohort(
    returns: pd.DataFrame,
    last_year: int = PUBLISHED_COHORT_LAST_YEAR,
    confidence: float = CONFIDENCE,
) -> dict:
    """The cohort of the published figure, computed from the warehouse: the records of
    ``last_year`` or before first followed by then (followed), those back in prison by the end
    of it (returned), rate, lower, upper (Wilson), any_demo. The demo gives 3 893 and 134."""
    cohort = returns[
        (returns["cohort_year"] <= last_year) & (returns["first_visit_year"] <= last_year)
    ]
    followed = int(cohort["records"].sum())
    back = cohort["return_year"].notna() & (cohort["return_year"] <= last_year)
    returned = int(cohort.loc[back, "records"].sum())
    frame = pd.DataFrame({"followed": [followed], "returned": [returned]})
    row = with_rate(frame, "returned", "followed", confidence=confidence).iloc[0]
    return {
        "last_year": last_year,
        "followed": followed,
        "returned": returned,
        "rate": float(row["rate"]),
        "lower": float(row["lower"]),
        "upper": float(row["upper"]),
        "any_demo": bool(cohort["any_demo"].any()),
    }
