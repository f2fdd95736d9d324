"""The same KPIs the way a typical Streamlit dashboard computes them: records in pandas, for the
query worker's ``pandas`` path. Every table is loaded once with ``SELECT * FROM <table>`` into a
DataFrame (what a dashboard keeps in ``st.cache_resource`` / ``st.cache_data``); each KPI is
then a boolean mask and a ``groupby`` over the record rows, for every filter change. Each
function returns the columns of the named query of ``lib/warehouse/sql`` it stands for, so the
two paths can be compared cell by cell. Pure but for ``load``, which reads the warehouse.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import pandas as pd

RECORD_TABLES = ("beneficiary", "placement", "intervention")
REFERENCE_TABLES = ("region", "sector", "intervention_type", "centre", "published_figure")
NAMES = ["name_fr", "name_ar", "name_en"]

Frames = dict[str, pd.DataFrame]


def load(con) -> tuple[Frames, dict[str, float]]:
    """Every record and reference table as a DataFrame; seconds spent per table."""
    frames, seconds = {}, {}
    for table in RECORD_TABLES + REFERENCE_TABLES:
        started = time.perf_counter()
        frames[table] = con.execute(f"SELECT * FROM {table}").df()
        seconds[table] = time.perf_counter() - started
    return frames, seconds


def _women(sex: pd.Series) -> pd.Series:
    return (sex == "F").astype("int64")


def _null_if_zero(series: pd.Series) -> pd.Series:
    """sum(x) FILTER (WHERE ...) is NULL when no row passes the filter."""
    return series.astype("float64").where(series > 0)


# --- programme: beneficiaries --------------------------------------------------------------


def beneficiaries_by_year(f: Frames, regions, sectors, sexes) -> pd.DataFrame:
    b = f["beneficiary"]
    rows = b[b["region_code"].isin(regions) & b["sector_code"].isin(sectors) & b["sex"].isin(sexes)]
    rows = rows.assign(women=_women(rows["sex"]))
    out = rows.groupby("programme_year").agg(
        beneficiaries=("beneficiary_id", "size"),
        budget_mad=("grant_mad", "sum"),
        women=("women", "sum"),
        regions_covered=("region_code", "nunique"),
        moussalaha=("is_moussalaha", "sum"),
        royal_handover=("is_royal_handover", "sum"),
        any_demo=("is_demo", "any"),
    )
    out["women"] = _null_if_zero(out["women"])
    return out.reset_index().rename(columns={"programme_year": "year"}).sort_values("year")


def _beneficiaries_per(f: Frames, rows: pd.DataFrame, key: str) -> pd.DataFrame:
    rows = rows.assign(women=_women(rows["sex"]))
    return rows.groupby(key).agg(
        beneficiaries=("beneficiary_id", "size"),
        budget_mad=("grant_mad", "sum"),
        women=("women", "sum"),
        any_demo=("is_demo", "any"),
    )


def _fill(frame: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    for column in columns:
        frame[column] = frame[column].fillna(0).astype("int64")
    frame["any_demo"] = frame["any_demo"].fillna(False).astype(bool)
    return frame


def beneficiaries_by_region(f: Frames, year, regions, sectors, sexes) -> pd.DataFrame:
    b = f["beneficiary"]
    rows = b[(b["programme_year"] == year) & b["sector_code"].isin(sectors) & b["sex"].isin(sexes)]
    per = _beneficiaries_per(f, rows, "region_code")
    region = f["region"].sort_values("code")
    out = region.merge(per, left_on="code", right_index=True, how="left")
    out["selected"] = out["code"].isin(regions)
    out = _fill(out, ["beneficiaries", "budget_mad", "women"]).rename(
        columns={"code": "region_code"}
    )
    columns = ["region_code", "iso_3166_2", *NAMES, "population_2014", "population_2024"]
    return out[[*columns, "selected", "beneficiaries", "budget_mad", "women", "any_demo"]]


def beneficiaries_by_sector(f: Frames, year, regions, sectors, sexes) -> pd.DataFrame:
    b = f["beneficiary"]
    rows = b[(b["programme_year"] == year) & b["region_code"].isin(regions) & b["sex"].isin(sexes)]
    per = _beneficiaries_per(f, rows, "sector_code")
    sector = f["sector"].sort_values("sort_order")
    out = sector.merge(per, left_on="code", right_index=True, how="left")
    out["selected"] = out["code"].isin(sectors)
    out = _fill(out, ["beneficiaries", "budget_mad", "women"]).rename(
        columns={"code": "sector_code"}
    )
    columns = ["sector_code", *NAMES, "selected"]
    return out[[*columns, "beneficiaries", "budget_mad", "women", "any_demo"]]


# --- placements ------------------------------------------------------------------------------


def _placement_rows(f: Frames, regions, sectors, sexes, year=None) -> pd.DataFrame:
    p = f["placement"]
    mask = p["region_code"].isin(regions) & p["sector_code"].isin(sectors) & p["sex"].isin(sexes)
    if year is not None:
        mask &= p["year"] == year
    rows = p[mask]
    return rows.assign(women=_women(rows["sex"]))


def placements_by_year(f: Frames, regions, sectors, sexes) -> pd.DataFrame:
    rows = _placement_rows(f, regions, sectors, sexes)
    rows = rows.assign(men=(rows["sex"] == "M").astype("int64"))
    out = rows.groupby("year").agg(
        placements=("placement_id", "size"),
        women=("women", "sum"),
        men=("men", "sum"),
        any_demo=("is_demo", "any"),
    )
    return out.reset_index().sort_values("year")


def _placements_per(f: Frames, year, regions, sectors, sexes, key: str) -> pd.DataFrame:
    rows = _placement_rows(f, regions, sectors, sexes, year)
    return rows.groupby(key).agg(
        placements=("placement_id", "size"), women=("women", "sum"), any_demo=("is_demo", "any")
    )


def placements_by_region(f: Frames, year, regions, sectors, sexes) -> pd.DataFrame:
    per = _placements_per(f, year, regions, sectors, sexes, "region_code")
    region = f["region"][f["region"]["code"].isin(regions)].sort_values("code")
    out = region.merge(per, left_on="code", right_index=True, how="left")
    out = _fill(out, ["placements", "women"]).rename(columns={"code": "region_code"})
    return out[["region_code", "iso_3166_2", *NAMES, "placements", "women", "any_demo"]]


def placements_by_sector(f: Frames, year, regions, sectors, sexes) -> pd.DataFrame:
    per = _placements_per(f, year, regions, sectors, sexes, "sector_code")
    sector = f["sector"][f["sector"]["code"].isin(sectors)].sort_values("sort_order")
    out = sector.merge(per, left_on="code", right_index=True, how="left")
    out = _fill(out, ["placements", "women"]).rename(columns={"code": "sector_code"})
    return out[["sector_code", *NAMES, "placements", "women", "any_demo"]]


# --- interventions ---------------------------------------------------------------------------


def _intervention_rows(f: Frames, regions, sexes, years=None) -> pd.DataFrame:
    i = f["intervention"]
    rows = i[i["region_code"].isin(regions) & i["sex"].isin(sexes)]
    rows = rows.assign(year=rows["intervention_date"].dt.year)
    return rows if years is None else rows[rows["year"].isin(years)]


def interventions_by_year(f: Frames, regions, sexes) -> pd.DataFrame:
    rows = _intervention_rows(f, regions, sexes)
    out = rows.groupby("year").agg(
        interventions=("intervention_id", "size"), any_demo=("is_demo", "any")
    )
    return out.reset_index().sort_values("year")


def interventions_by_type(f: Frames, years, regions, sexes) -> pd.DataFrame:
    rows = _intervention_rows(f, regions, sexes, years)
    per = rows.groupby("type_code").agg(
        interventions=("intervention_id", "size"), any_demo=("is_demo", "any")
    )
    types = f["intervention_type"].sort_values("sort_order")
    out = types.merge(per, left_on="code", right_index=True, how="left")
    out = _fill(out, ["interventions"]).rename(columns={"code": "type_code"})
    return out[["type_code", *NAMES, "interventions", "any_demo"]]


def interventions_by_centre(f: Frames, years, regions, sexes) -> pd.DataFrame:
    rows = _intervention_rows(f, regions, sexes, years)
    per = rows.groupby("centre_id").agg(
        interventions=("intervention_id", "size"), any_demo=("is_demo", "any")
    )
    centre = f["centre"][f["centre"]["region_code"].isin(regions)]
    region = f["region"][["code", *NAMES]].rename(columns={n: f"region_{n}" for n in NAMES})
    out = centre.merge(region, left_on="region_code", right_on="code").merge(
        per, left_on="centre_id", right_index=True, how="left"
    )
    out = _fill(out, ["interventions"])
    out = out.sort_values(["interventions", "city"], ascending=[False, True])
    # Centres named in three languages (city, city_ar, city_en) or, in older schemas, in one.
    cities = ["city_fr", "city_ar", "city_en"] if "city_ar" in out else ["city"]
    out = out.assign(city_fr=out["city"]) if "city_ar" in out else out
    columns = ["centre_id", *cities, "region_code"] + [f"region_{n}" for n in NAMES]
    return out[[*columns, "interventions", "any_demo"]]


def interventions_by_month(f: Frames, years, regions, sexes) -> pd.DataFrame:
    rows = _intervention_rows(f, regions, sexes, years)
    rows = rows.assign(month=rows["intervention_date"].dt.to_period("M").dt.to_timestamp())
    out = rows.groupby(["month", "type_code"]).agg(
        interventions=("intervention_id", "size"), any_demo=("is_demo", "any")
    )
    return out.reset_index().sort_values(["month", "type_code"])


# --- reference, provenance, reconciliation ---------------------------------------------------


def _record_years(f: Frames) -> dict[str, list[int]]:
    return {
        "beneficiary": sorted(f["beneficiary"]["programme_year"].unique().tolist()),
        "placement": sorted(f["placement"]["year"].unique().tolist()),
        "intervention": sorted(f["intervention"]["intervention_date"].dt.year.unique().tolist()),
    }


def record_years(f: Frames) -> pd.DataFrame:
    rows = [(table, year) for table, years in _record_years(f).items() for year in years]
    return pd.DataFrame(rows, columns=["record_table", "year"]).sort_values(
        ["record_table", "year"]
    )


def reference_lists(f: Frames) -> pd.DataFrame:
    region = f["region"].assign(code=lambda r: r["code"].astype(str), sort_key=f["region"]["code"])
    parts = [
        region.assign(kind="region")[["kind", "code", *NAMES, "sort_key"]],
        f["sector"].assign(kind="sector", sort_key=f["sector"]["sort_order"]),
        f["intervention_type"].assign(
            kind="intervention_type", sort_key=f["intervention_type"]["sort_order"]
        ),
    ]
    years = sorted({y for ys in _record_years(f).values() for y in ys})
    text = [str(y) for y in years]
    parts.append(
        pd.DataFrame(
            {
                "kind": "year",
                "code": text,
                "name_fr": text,
                "name_ar": text,
                "name_en": text,
                "sort_key": years,
            }
        )
    )
    out = pd.concat([p[["kind", "code", *NAMES, "sort_key"]] for p in parts], ignore_index=True)
    return out.sort_values(["kind", "sort_key"])


def record_provenance(f: Frames) -> pd.DataFrame:
    rows = []
    for table in RECORD_TABLES:
        demo = f[table]["is_demo"]
        rows.append((table, int(demo.sum()), int((~demo).sum())))
    return pd.DataFrame(rows, columns=["record_table", "demo", "imported"])


def published_figures(f: Frames) -> pd.DataFrame:
    columns = ["figure_id", "indicator", "value", "unit", "qualifier", "period", "scope"]
    columns += ["source_title", "source_url", "source_date", "quote", "note", "already_public"]
    return f["published_figure"][columns].sort_values(["indicator", "period", "scope"])


def _national_by_year(b: pd.DataFrame) -> pd.DataFrame:
    b = b.assign(
        royal_women=b["is_royal_handover"] & (b["sex"] == "F"),
        royal_cpe=b["is_royal_handover"] & b["is_former_cpe"],
        has_women=b["sex"] == "F",
    )
    out = b.groupby("programme_year").agg(
        programme_budget=("grant_mad", "sum"),
        programme_beneficiaries=("beneficiary_id", "size"),
        programme_regions_covered=("region_code", "nunique"),
        programme_beneficiaries_moussalaha=("is_moussalaha", "sum"),
        royal_handover_beneficiaries=("is_royal_handover", "sum"),
        royal_handover_beneficiaries_women=("royal_women", "sum"),
        royal_handover_beneficiaries_former_cpe=("royal_cpe", "sum"),
        has_women=("has_women", "any"),
    )
    # sum(...) FILTER (WHERE sex = 'F') is NULL in a year without women: UNPIVOT drops it.
    women = out["royal_handover_beneficiaries_women"].astype("float64")
    out["royal_handover_beneficiaries_women"] = women.where(out.pop("has_women"))
    out = out.reset_index()
    out["period"] = out.pop("programme_year").astype(str)
    long = out.melt(id_vars="period", var_name="indicator", value_name="value").dropna()
    return long.assign(scope="national")


def reconciliation(f: Frames) -> pd.DataFrame:
    b, p, i = f["beneficiary"], f["placement"], f["intervention"]
    national = _national_by_year(b)
    iso = f["region"].set_index("code")["iso_3166_2"]
    regional = b.groupby(["programme_year", "region_code"]).agg(
        programme_budget=("grant_mad", "sum"), programme_beneficiaries=("beneficiary_id", "size")
    )
    regional = regional.reset_index()
    regional["period"] = regional.pop("programme_year").astype(str)
    regional["scope"] = regional.pop("region_code").map(iso)
    regional = regional.melt(id_vars=["period", "scope"], var_name="indicator", value_name="value")
    per_year = p.groupby("year").agg(
        total=("placement_id", "size"), women=("sex", lambda s: (s == "F").sum())
    )
    placements = [
        pd.DataFrame(
            {
                "period": per_year.index.astype(str),
                "scope": "national",
                "indicator": "placements_in_companies",
                "value": per_year["total"],
            }
        ),
        pd.DataFrame(
            {
                "period": per_year.index.astype(str),
                "scope": "national",
                "indicator": "placements_in_companies_women",
                "value": per_year["women"].where(per_year["women"] > 0),
            }
        ).dropna(),
    ]
    years = i["intervention_date"].dt.year
    in_span = years.between(2018, 2019)
    capc = pd.DataFrame(
        {
            "period": [f"{years[in_span].min()}-{years[in_span].max()}"],
            "scope": ["national"],
            "indicator": ["capc_interventions"],
            "value": [int(in_span.sum())],
        }
    )
    computed = pd.concat([national, regional, *placements, capc], ignore_index=True)
    published = f["published_figure"].rename(columns={"value": "published_value"})
    out = published.merge(computed, on=["indicator", "period", "scope"])
    out["warehouse_value"] = out.pop("value").astype("float64")
    columns = ["figure_id", "indicator", "period", "scope", "published_value", "unit"]
    columns += ["qualifier", "source_title", "source_url", "source_date", "warehouse_value"]
    return out[columns].sort_values(["indicator", "period", "scope"])


QUERIES: dict[str, Callable[..., pd.DataFrame]] = {
    "dashboard/reference_lists": reference_lists,
    "dashboard/record_years": record_years,
    "dashboard/record_provenance": record_provenance,
    "dashboard/published_figures": published_figures,
    "dashboard/reconciliation": reconciliation,
    "dashboard/beneficiaries_by_year": beneficiaries_by_year,
    "dashboard/beneficiaries_by_region": beneficiaries_by_region,
    "dashboard/beneficiaries_by_sector": beneficiaries_by_sector,
    "dashboard/placements_by_year": placements_by_year,
    "dashboard/placements_by_region": placements_by_region,
    "dashboard/placements_by_sector": placements_by_sector,
    "dashboard/interventions_by_year": interventions_by_year,
    "dashboard/interventions_by_type": interventions_by_type,
    "dashboard/interventions_by_centre": interventions_by_centre,
    "dashboard/interventions_by_month": interventions_by_month,
}


def run(frames: Frames, name: str, params: dict) -> pd.DataFrame:
    return QUERIES[name](frames, **params)


def frames_nbytes(frames: Frames) -> int:
    return int(sum(frame.memory_usage(deep=True).sum() for frame in frames.values()))
