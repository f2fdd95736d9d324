"""The outcome tables as a reader sees them: headed in the language asked for, each share
written with its 95 % interval ("69,0 % (63,1-74,2)") and the number of people behind it.

Pure (no streamlit): ``lib.ui.outcomes`` hands these frames to the page's blocks. Shares come
from ``lib.outcomes.cohorts``; a share nobody was followed long enough for is written "—".
"""

from __future__ import annotations

import math

import pandas as pd

from lib.formatting import MISSING, format_number, format_percent_value
from lib.i18n import t
from lib.outcomes.cohorts import HORIZONS


def interval_params(
    share: float, lower: float, upper: float, lang: str, digits: int = 1
) -> dict[str, str]:
    """A share and its interval as a message's parameters: share "69,0 %", lower "63,1" and
    upper "74,2" (the message writes the interval's percent sign)."""
    return {
        "share": format_percent_value(share, lang, digits),
        "lower": format_number(100 * lower, lang, digits=digits),
        "upper": format_number(100 * upper, lang, digits=digits),
    }


def share_text(share: float, lower: float, upper: float, lang: str, digits: int = 1) -> str:
    """A share and its interval, "69,0 % (63,1-74,2)"; "—" when there is no share."""
    if share is None or math.isnan(share):
        return MISSING
    return t("outcomes.share_interval", lang, **interval_params(share, lower, upper, lang, digits))


def _wide(shares: pd.DataFrame, key: str, lang: str) -> pd.DataFrame:
    """One row per group of ``key``: the people behind it, then a column per horizon."""
    rows = []
    for value, group in shares.groupby(key, sort=False):
        row = {key: value, "records": int(group["records"].iloc[0])}
        for read in group.itertuples(index=False):
            row[int(read.horizon)] = share_text(read.share, read.lower, read.upper, lang)
        rows.append(row)
    return pd.DataFrame(rows, columns=[key, "records", *HORIZONS])


def _headed(frame: pd.DataFrame, first: str, people: str, lang: str) -> pd.DataFrame:
    columns = {"records": t(people, lang)}
    columns |= {months: t("outcomes.col_at_months", lang, months=months) for months in HORIZONS}
    return frame.rename(columns={**columns, frame.columns[0]: first})


def cohort_table(shares: pd.DataFrame, lang: str, people: str = "outcomes.col_followed"):
    """``share_active(..., by="cohort_year")`` as a table: Cohorte, people followed, then the
    share still active (with its interval) at 6, 12 and 24 months."""
    frame = _wide(shares, "cohort_year", lang)
    frame["cohort_year"] = frame["cohort_year"].astype(int).astype(str)  # a name, not 2 018
    return _headed(frame, t("outcomes.col_cohort", lang), people, lang)


def group_table(shares: pd.DataFrame, names: dict[str, str], heading: str, lang: str):
    """``share_active(..., by="group_code")`` as a table: the group's name (``names``: code ->
    name), people followed, then the shares at 6, 12 and 24 months, in ``names`` order."""
    frame = _wide(shares, "group_code", lang)
    order = {code: index for index, code in enumerate(names)}
    frame = frame.sort_values("group_code", key=lambda codes: codes.map(order))
    frame["group_code"] = frame["group_code"].map(names)
    return _headed(frame.reset_index(drop=True), heading, "outcomes.col_followed", lang)


def group_chart_frame(shares: pd.DataFrame, names: dict[str, str], months: int = 12):
    """The share at ``months`` per group, for a bar chart: name, share, lower, upper, records
    (groups nobody was followed that long for are left out)."""
    read = shares[(shares["horizon"] == months) & shares["share"].notna()]
    order = {code: index for index, code in enumerate(names)}
    read = read.sort_values("group_code", key=lambda codes: codes.map(order))
    return read.assign(name=read["group_code"].map(names))[
        ["name", "share", "lower", "upper", "records"]
    ].reset_index(drop=True)


def returns_table(by_cohort: pd.DataFrame, within: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Returns to prison per cohort: Cohorte, people followed, returns recorded so far, their
    rate with its Wilson interval, then the share back within 12 and 24 months (Kaplan-Meier,
    people followed less censored)."""
    later = {
        months: {
            int(row.cohort_year): share_text(row.share, row.lower, row.upper, lang)
            for row in within[within["horizon"] == months].itertuples(index=False)
        }
        for months in (12, 24)
    }
    cohorts = by_cohort["cohort_year"].astype(int)
    return pd.DataFrame(
        {
            t("outcomes.col_cohort", lang): cohorts.astype(str),
            t("outcomes.col_followed", lang): by_cohort["followed"].astype("int64"),
            t("outcomes.col_returned", lang): by_cohort["returned"].astype("int64"),
            t("outcomes.col_rate", lang): [
                share_text(row.rate, row.lower, row.upper, lang)
                for row in by_cohort.itertuples(index=False)
            ],
            **{
                t("outcomes.col_within", lang, months=months): [
                    later[months].get(cohort, MISSING) for cohort in cohorts
                ]
                for months in (12, 24)
            },
        }
    )


def ended_table(ended: pd.DataFrame, names: dict[str, str], lang: str) -> pd.DataFrame:
    """``how_spells_ended(..., by=None)`` as a table: how the spells ended (``names``: status or
    reason code -> name), how many, and their share of the ended spells."""
    column = ended.columns[0]
    ordered = ended.sort_values("records", ascending=False)
    return pd.DataFrame(
        {
            t("outcomes.col_how", lang): ordered[column].map(names).fillna(ordered[column]),
            t("outcomes.col_people", lang): ordered["records"].astype("int64"),
            t("outcomes.col_share", lang): [
                format_percent_value(share, lang) for share in ordered["share"]
            ],
        }
    )
