"""What pages call: one typed function per named query in lib/warehouse/sql, each returning a
DataFrame.

Results are cached by ``lib.warehouse.db`` per warehouse version, so these functions stay thin.
"""

from __future__ import annotations

import pandas as pd

from lib.warehouse.db import get_database
from lib.warehouse.filters import FilterOptions, Filters


def _run(query_name: str, **params) -> pd.DataFrame:
    return get_database().execute(query_name, **params)


def reference_lists() -> pd.DataFrame:
    """Regions, sectors, intervention types and record years: kind, code, name_fr/ar/en."""
    return _run("dashboard/reference_lists")


def filter_options() -> FilterOptions:
    lists = reference_lists()

    def codes(kind: str) -> list[str]:
        return lists.loc[lists["kind"] == kind, "code"].tolist()

    return FilterOptions(
        years=tuple(int(year) for year in codes("year")),
        regions=tuple(int(code) for code in codes("region")),
        sectors=tuple(codes("sector")),
    )


def names(kind: str, lang: str) -> dict[str, str]:
    """code -> name in ``lang`` for one reference list (names are data, never code)."""
    lists = reference_lists()
    rows = lists[lists["kind"] == kind]
    return dict(zip(rows["code"], rows[f"name_{lang}"], strict=True))


def beneficiaries_by_year(filters: Filters, options: FilterOptions) -> pd.DataFrame:
    """year, beneficiaries, budget_mad, women, regions_covered, moussalaha, royal_handover."""
    return _run("dashboard/beneficiaries_by_year", **filters.sql_params(options))


def placements_by_year(filters: Filters, options: FilterOptions) -> pd.DataFrame:
    """year, placements, women, men."""
    return _run("dashboard/placements_by_year", **filters.sql_params(options))


def interventions_by_year(filters: Filters, options: FilterOptions) -> pd.DataFrame:
    """year, interventions (interventions carry no sector)."""
    params = filters.sql_params(options)
    params.pop("sectors")
    return _run("dashboard/interventions_by_year", **params)


def beneficiaries_by_region(filters: Filters, options: FilterOptions) -> pd.DataFrame:
    """All 12 regions for the filters' year: beneficiaries, budget_mad, women, populations."""
    return _run(
        "dashboard/beneficiaries_by_region", year=filters.year, **filters.sql_params(options)
    )


def beneficiaries_by_sector(filters: Filters, options: FilterOptions) -> pd.DataFrame:
    """Every sector for the filters' year: beneficiaries, budget_mad, women."""
    return _run(
        "dashboard/beneficiaries_by_sector", year=filters.year, **filters.sql_params(options)
    )


def placements_by_region(filters: Filters, options: FilterOptions) -> pd.DataFrame:
    return _run("dashboard/placements_by_region", year=filters.year, **filters.sql_params(options))


def placements_by_sector(filters: Filters, options: FilterOptions) -> pd.DataFrame:
    return _run("dashboard/placements_by_sector", year=filters.year, **filters.sql_params(options))


def _intervention_params(filters: Filters, options: FilterOptions, years: list[int]) -> dict:
    params = filters.sql_params(options)
    params.pop("sectors")
    return {"years": years, **params}


def interventions_by_type(filters, options, years: list[int]) -> pd.DataFrame:
    return _run("dashboard/interventions_by_type", **_intervention_params(filters, options, years))


def interventions_by_centre(filters, options, years: list[int]) -> pd.DataFrame:
    return _run(
        "dashboard/interventions_by_centre", **_intervention_params(filters, options, years)
    )


def interventions_by_month(filters, options, years: list[int]) -> pd.DataFrame:
    return _run("dashboard/interventions_by_month", **_intervention_params(filters, options, years))


def published_figures() -> pd.DataFrame:
    return _run("dashboard/published_figures")


def reconciliation() -> pd.DataFrame:
    """Published figures the warehouse can compute, with both values side by side."""
    frame = _run("dashboard/reconciliation")
    frame["matches"] = (frame["published_value"] - frame["warehouse_value"]).abs() < 0.5
    return frame


def record_provenance() -> pd.DataFrame:
    """record_table, demo, imported: how many records of each kind are demo data."""
    return _run("dashboard/record_provenance")


def holds_real_records() -> bool:
    """True once any imported (non-demo) record is in the warehouse: production mode."""
    return bool(record_provenance()["imported"].sum() > 0)


def in_production() -> bool:
    """True once anything was ever imported (records or published figures, even rolled back):
    internal pages then need a signed-in user, and the demonstration never comes back."""
    return holds_real_records() or int(_run("dashboard/import_count")["batches"].iloc[0]) > 0


def holds_demo_records() -> bool:
    return bool(record_provenance()["demo"].sum() > 0)


def published_lookup() -> dict[tuple[str, str, str], dict]:
    """(indicator, period, scope) -> the published figure's row, to mark tiles as published."""
    figures = published_figures()
    return {
        (row["indicator"], row["period"], row["scope"]): row
        for row in figures.to_dict(orient="records")
    }


def _years_of(record_table: str) -> tuple[int, ...]:
    frame = _run("dashboard/record_years")
    return tuple(int(y) for y in frame.loc[frame["record_table"] == record_table, "year"])


def programme_years() -> tuple[int, ...]:
    """Years with programme beneficiaries (grants): 2014-2019 in the demo warehouse."""
    return _years_of("beneficiary")


def placement_years() -> tuple[int, ...]:
    """Years with placements: 2013-2015 and 2018 in the demo warehouse."""
    return _years_of("placement")


def intervention_years() -> tuple[int, ...]:
    """Years with CAPC interventions: 2018-2019 in the demo warehouse."""
    return _years_of("intervention")
