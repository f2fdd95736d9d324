"""What pages call: one typed function per named query in lib/warehouse/sql, each returning a
DataFrame.

Results are cached by ``lib.warehouse.db`` per warehouse version, so these functions stay thin.
The functions the board brief needs take an optional ``database`` (the configured warehouse by
default), so ``python -m lib brief`` and its tests can name the warehouse they read.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import TypeVar

import pandas as pd

from lib.warehouse.db import Database, get_database
from lib.warehouse.filters import FilterOptions, Filters

T = TypeVar("T")


def _run(query_name: str, database: Database | None = None, **params) -> pd.DataFrame:
    return (database or get_database()).execute(query_name, **params)


def derived(
    name: str, key: Hashable, compute: Callable[[], T], database: Database | None = None
) -> T:
    """``compute()`` once per warehouse version and ``key`` (``Database.derived``): for figures
    worked out from these queries' results, shared by every session; never to be changed."""
    return (database or get_database()).derived(name, key, compute)


def reference_lists(database: Database | None = None) -> pd.DataFrame:
    """Regions, sectors, intervention types and record years: kind, code, name_fr/ar/en."""
    return _run("dashboard/reference_lists", database)


def filter_options(database: Database | None = None) -> FilterOptions:
    """What each filter may take: read once per warehouse version (every page run asks)."""

    def read() -> FilterOptions:
        lists = reference_lists(database)

        def codes(kind: str) -> list[str]:
            return lists.loc[lists["kind"] == kind, "code"].tolist()

        return FilterOptions(
            years=tuple(int(year) for year in codes("year")),
            regions=tuple(int(code) for code in codes("region")),
            sectors=tuple(codes("sector")),
        )

    return derived("filter_options", None, read, database)


def names(kind: str, lang: str, database: Database | None = None) -> dict[str, str]:
    """code -> name in ``lang`` for one reference list (names are data, never code)."""

    def read() -> dict[str, str]:
        return _names_of(reference_lists(database), kind, lang)

    return dict(derived("names", (kind, lang), read, database))


def _names_of(lists: pd.DataFrame, kind: str, lang: str) -> dict[str, str]:
    """code -> name in ``lang`` of the rows of ``lists`` (kind, code, name_fr/ar/en) of ``kind``."""
    rows = lists[lists["kind"] == kind]
    return dict(zip(rows["code"], rows[f"name_{lang}"], strict=True))


def beneficiaries_by_year(
    filters: Filters, options: FilterOptions, database: Database | None = None
) -> pd.DataFrame:
    """year, beneficiaries, budget_mad, women, regions_covered, moussalaha, royal_handover,
    any_demo (whether a demonstration record is among those counted)."""
    return _run("dashboard/beneficiaries_by_year", database, **filters.sql_params(options))


def placements_by_year(
    filters: Filters, options: FilterOptions, database: Database | None = None
) -> pd.DataFrame:
    """year, placements, women, men, any_demo."""
    return _run("dashboard/placements_by_year", database, **filters.sql_params(options))


def interventions_by_year(
    filters: Filters, options: FilterOptions, database: Database | None = None
) -> pd.DataFrame:
    """year, interventions, any_demo (interventions carry no sector)."""
    params = filters.sql_params(options)
    params.pop("sectors")
    return _run("dashboard/interventions_by_year", database, **params)


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


def published_figures(database: Database | None = None) -> pd.DataFrame:
    return _run("dashboard/published_figures", database)


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
    return derived("real_records", None, lambda: bool(record_provenance()["imported"].sum() > 0))


def in_production() -> bool:
    """True once anything was ever imported (records or published figures, even rolled back):
    internal pages then need a signed-in user, and the demonstration never comes back. Asked
    by every page run (the router): read once per warehouse version."""

    def read() -> bool:
        return holds_real_records() or int(_run("dashboard/import_count")["batches"].iloc[0]) > 0

    return derived("in_production", None, read)


def holds_demo_records() -> bool:
    return bool(record_provenance()["demo"].sum() > 0)


def published_lookup(database: Database | None = None) -> dict[tuple[str, str, str], dict]:
    """(indicator, period, scope) -> the published figure's row, to mark tiles as published.
    Read once per warehouse version and shared: callers read it, never change it."""

    def read() -> dict[tuple[str, str, str], dict]:
        return {
            (row["indicator"], row["period"], row["scope"]): row
            for row in published_figures(database).to_dict(orient="records")
        }

    return derived("published_lookup", None, read, database)


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


def data_version(database: Database | None = None) -> dict:
    """The data's version: ``built_at`` (ISO text), ``generator_version``, and the last import,
    ``last_batch`` and ``last_change_at`` (an import or its rollback; None before the first)."""
    row = _run("dashboard/data_version", database).iloc[0]
    return {key: (None if pd.isna(value) else value) for key, value in row.items()}


# --- Outcomes (follow-up visits): the frames lib.outcomes.cohorts computes from ------------------

OUTCOME_KINDS = ("beneficiary", "placement")  # micro-projects, jobs


def outcome_spells(
    record_kind: str, filters: Filters, options: FilterOptions, database: Database | None = None
) -> pd.DataFrame:
    """Spells of ``record_kind`` (beneficiary: micro-projects; placement: jobs) for the
    filters' regions, sectors and sexes, per cohort: cohort_year, months, ended, end_status,
    reason_code, records, any_demo."""
    _check_kind(record_kind)
    params = filters.sql_params(options)
    return _run("dashboard/outcome_spells", database, record_kind=record_kind, **params)


OUTCOME_DIMENSIONS = ("region_code", "sector_code", "sex")


def outcome_spells_by(
    record_kind: str,
    dimension: str,
    filters: Filters,
    options: FilterOptions,
    database: Database | None = None,
) -> pd.DataFrame:
    """Spells of ``record_kind`` for the filters' regions, sectors and sexes, every cohort
    together, per group of ``dimension`` (region_code, sector_code or sex): group_code (text),
    months, ended, records, any_demo."""
    _check_kind(record_kind)
    if dimension not in OUTCOME_DIMENSIONS:
        raise ValueError(f"dimension must be one of {OUTCOME_DIMENSIONS}, not {dimension!r}")
    params = filters.sql_params(options)
    return _run(
        "dashboard/outcome_spells_by",
        database,
        record_kind=record_kind,
        dimension=dimension,
        **params,
    )


def _check_kind(record_kind: str) -> None:
    if record_kind not in OUTCOME_KINDS:
        raise ValueError(f"record_kind must be one of {OUTCOME_KINDS}, not {record_kind!r}")


def outcome_returns(
    filters: Filters,
    options: FilterOptions,
    record_kinds: tuple[str, ...] = OUTCOME_KINDS,
    database: Database | None = None,
) -> pd.DataFrame:
    """Followed people of ``record_kinds`` for the filters' regions, sectors and sexes, per
    cohort: cohort_year, first_visit_year, last_months, return_year, return_months (NULL: no
    return), records, any_demo."""
    params = filters.sql_params(options)
    return _run("dashboard/outcome_returns", database, record_kinds=list(record_kinds), **params)


def outcome_provenance(database: Database | None = None) -> dict:
    """Followed people, ``demo`` and ``imported``, and the ``horizon`` (the first day of the
    last month their follow-up reaches; None without follow-ups)."""
    row = _run("dashboard/outcome_provenance", database).iloc[0]
    horizon = None if pd.isna(row["horizon"]) else pd.Timestamp(row["horizon"]).date()
    return {"demo": int(row["demo"]), "imported": int(row["imported"]), "horizon": horizon}


def outcome_names(kind: str, lang: str, database: Database | None = None) -> dict[str, str]:
    """code -> name in ``lang`` of a follow-up list: ``follow_up_status`` or
    ``closure_reason`` (names are data, from data/seed)."""
    return _names_of(_run("dashboard/outcome_lists", database), kind, lang)
