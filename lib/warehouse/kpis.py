"""The leadership KPIs of one year, computed from the yearly query frames. Pure: no streamlit."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from lib.formatting import relative_change


@dataclass(frozen=True)
class Kpi:
    """One tile: the value for the year shown, the previous value and which years they are."""

    key: str
    value: float | None
    previous: float | None
    year: int | None
    previous_year: int | None

    @property
    def change(self) -> float | None:
        return relative_change(self.value, self.previous)


def _row_value(frame: pd.DataFrame, year: int, column: str) -> float | None:
    rows = frame.loc[frame["year"] == year, column]
    return None if rows.empty or pd.isna(rows.iloc[0]) else float(rows.iloc[0])


def kpi_for_year(frame: pd.DataFrame, column: str, year: int, key: str) -> Kpi:
    """The value in ``year`` against ``year - 1``; None where a year has no data."""
    return Kpi(
        key, _row_value(frame, year, column), _row_value(frame, year - 1, column), year, year - 1
    )


def kpi_latest(frame: pd.DataFrame, column: str, year: int, key: str) -> Kpi:
    """The latest year up to ``year`` that has data, against the one before it in the data.

    Placements were counted in 2013-2015 and 2018 only: a 2019 view shows 2018's figure, named.
    """
    years = sorted(int(y) for y in frame.loc[frame[column].notna(), "year"] if y <= year)
    if not years:
        return Kpi(key, None, None, None, None)
    shown = years[-1]
    before = years[-2] if len(years) > 1 else None
    previous = _row_value(frame, before, column) if before is not None else None
    return Kpi(key, _row_value(frame, shown, column), previous, shown, before)


def with_ratios(by_year: pd.DataFrame) -> pd.DataFrame:
    """Add cost per beneficiary and share of women to the yearly beneficiaries frame."""
    frame = by_year.copy()
    people = frame["beneficiaries"].where(frame["beneficiaries"] > 0)
    frame["cost_per_beneficiary"] = frame["budget_mad"] / people
    frame["share_women"] = frame["women"].fillna(0) / people
    return frame
