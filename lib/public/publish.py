"""Warehouse -> data/public/: the disclosure-controlled snapshot the public page reads.

    python -m lib publish

Writes, into a temporary folder then swapped into place:
- ``public.duckdb``: only the published tables (no record-level table at all);
- one CSV and one JSON per table, and ``datapackage.json`` (Frictionless Data Package);
- ``idmaj-donnees-ouvertes.zip``: the whole data package;
- ``site/``: a static public page in French and Arabic that opens from the file system.

National totals that a source published are shown as published, with their source.
Every breakdown that no source published goes through ``lib.public.disclosure``: a count from 1 to
threshold-1 is shown as "< 10", and no hidden cell can be worked back from its table.
"""

from __future__ import annotations

import json
import logging
import shutil
import threading
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import NamedTuple

import pandas as pd

from lib.config import Settings, get_settings
from lib.public import disclosure
from lib.warehouse.db import Database, create_file, get_database

log = logging.getLogger(__name__)
TOTAL = "total"
ZIP_NAME = "idmaj-donnees-ouvertes.zip"
LICENSE = {
    "name": "CC-BY-4.0",
    "title": "Creative Commons Attribution 4.0",
    "path": "https://creativecommons.org/licenses/by/4.0/",
}


@dataclass(frozen=True)
class PublicTable:
    """One published table: its frame and what each column means (for datapackage.json)."""

    name: str
    title: str
    description: str
    frame: pd.DataFrame


class DisclosureError(RuntimeError):
    """A table failed the disclosure audit: nothing is published."""


# --- inputs ----------------------------------------------------------------------------------


def _inputs(database: Database) -> dict[str, pd.DataFrame]:
    names = (
        "publish/beneficiaries",
        "publish/placements",
        "publish/interventions",
        "publish/reference",
        "dashboard/published_figures",
    )
    return {name: database.execute_uncached(name) for name in names}


def _reference(frame: pd.DataFrame, kind: str) -> pd.DataFrame:
    return frame[frame["kind"] == kind].drop(columns="kind").reset_index(drop=True)


# --- protection ------------------------------------------------------------------------------


def _flag(protected: disclosure.Protected) -> pd.Series:
    """'' for a published cell, '< 10' or 's' for a hidden one."""
    shown = disclosure.publishable_frame(protected)
    return shown.where(protected.suppressed, "").astype(str)


def _checked(protected: disclosure.Protected, what: str) -> disclosure.Protected:
    problems = disclosure.audit(protected)
    if problems:
        raise DisclosureError(f"{what}: {problems[:3]}")
    return protected


def protected_counts(counts: pd.Series, threshold: int, what: str) -> pd.DataFrame:
    """A series of counts with its total, protected: value (missing if hidden) and flag."""
    protected = _checked(
        disclosure.suppress_series(counts.astype("int64"), threshold, total_label=TOTAL), what
    )
    if protected.suppressed.loc[TOTAL] and protected.values.loc[TOTAL] >= threshold:
        # A total of threshold or more is published elsewhere (the national figure): keep it
        # and hide every other cell instead. A small total stays hidden, as the rule says.
        protected = _checked(_hide_all_but_total(protected), what)
    return pd.DataFrame({"value": protected.published(), "flag": _flag(protected)})


def _hide_all_but_total(protected: disclosure.Protected) -> disclosure.Protected:
    suppressed = (protected.values > 0) & (protected.values.index != TOTAL)
    return disclosure.Protected(
        values=protected.values,
        suppressed=suppressed,
        small=suppressed & False,
        weights=protected.weights,
        threshold=protected.threshold,
        kind=protected.kind,
        total_label=protected.total_label,
    )


def protected_amounts(amounts: pd.Series, people: pd.Series, threshold: int, what: str):
    protected = _checked(
        disclosure.protect_amounts(
            amounts.astype("float64"), people.astype("int64"), threshold, total_label=TOTAL
        ),
        what,
    )
    values = protected.published().round().astype("Int64")
    return pd.DataFrame({"value": values, "flag": _flag(protected)})


def _by_category(
    records: pd.DataFrame,
    category: str,
    categories: list,
    value: str,
    threshold: int,
    what: str,
    years: list[int] | None = None,
    money: str | None = None,
) -> pd.DataFrame:
    """For each year: one protected series over every category (zeros included) plus a total."""
    rows = []
    for year in years or sorted(records["year"].unique()):
        of_year = records[records["year"] == year]
        counts = of_year.groupby(category)[value].sum().reindex(categories, fill_value=0)
        table = protected_counts(counts, threshold, f"{what} {year}")
        table.columns = [value, f"{value}_flag"]
        if money:
            amounts = of_year.groupby(category)[money].sum().reindex(categories, fill_value=0)
            money_table = protected_amounts(amounts, counts, threshold, f"{what} {year} MAD")
            table[money] = money_table["value"]
            table[f"{money}_flag"] = money_table["flag"]
        table = table.reindex([*categories, TOTAL])  # the reference order, total last
        table.index.name = category
        rows.append(table.reset_index().assign(year=int(year)))
    frame = pd.concat(rows, ignore_index=True)
    frame[category] = frame[category].astype(str)
    return frame[["year", *[c for c in frame.columns if c != "year"]]]


def _with_names(frame: pd.DataFrame, category: str, reference: pd.DataFrame) -> pd.DataFrame:
    names = reference[["code", "name_fr", "name_ar", "name_en"]].rename(columns={"code": category})
    named = frame.merge(names, on=category, how="left")
    for lang, word in (("fr", "Total"), ("ar", "المجموع"), ("en", "Total")):
        named.loc[named[category] == TOTAL, f"name_{lang}"] = word
    return named


# --- the published tables --------------------------------------------------------------------


def _programme_by_year(
    beneficiaries: pd.DataFrame, figures: pd.DataFrame, threshold: int
) -> pd.DataFrame:
    national = beneficiaries.groupby("year")[["beneficiaries", "budget_mad"]].sum().reset_index()
    national["cost_per_beneficiary"] = (national["budget_mad"] / national["beneficiaries"]).round()
    # A national total under the threshold (a small real deployment) is hidden like any cell.
    small = national["beneficiaries"] < threshold
    national["beneficiaries"] = national["beneficiaries"].astype("Int64").mask(small)
    national["budget_mad"] = national["budget_mad"].astype("Int64").mask(small)
    national["cost_per_beneficiary"] = national["cost_per_beneficiary"].mask(small)
    national["beneficiaries_flag"] = small.map({True: f"< {threshold}", False: ""})
    published = figures[
        (figures["scope"] == "national")
        & figures["indicator"].isin(["programme_budget", "programme_beneficiaries"])
    ]
    for indicator, column in (
        ("programme_budget", "budget"),
        ("programme_beneficiaries", "beneficiaries"),
    ):
        rows = published[published["indicator"] == indicator].copy()
        rows["year"] = rows["period"].astype(int)
        rows = rows.rename(
            columns={
                "qualifier": f"{column}_qualifier",
                "source_title": f"{column}_source",
                "source_url": f"{column}_source_url",
            }
        )
        keep = ["year", f"{column}_qualifier", f"{column}_source", f"{column}_source_url"]
        national = national.merge(rows[keep], on="year", how="left")
    return national


def _regions_table(beneficiaries, reference, threshold) -> pd.DataFrame:
    regions = _reference(reference, "region")
    codes = [str(code) for code in regions["code"]]
    records = beneficiaries.assign(region_code=beneficiaries["region_code"].astype(str))
    frame = _by_category(
        records,
        "region_code",
        codes,
        "beneficiaries",
        threshold,
        "beneficiaries by region",
        money="budget_mad",
    )
    frame = _with_names(frame, "region_code", regions.rename(columns={"code": "code"}))
    populations = regions.assign(region_code=regions["code"])[
        ["region_code", "extra", "population_2014", "population_2024"]
    ].rename(columns={"extra": "iso_3166_2"})
    frame = frame.merge(populations, on="region_code", how="left")
    rate = frame["beneficiaries"].astype("Float64") / frame["population_2024"] * 100_000
    frame["rate_per_100k_2024"] = rate.round(2)
    return frame


def _categories_table(records, reference, kind, category, value, threshold, what, money=None):
    listed = _reference(reference, kind)
    frame = _by_category(
        records, category, list(listed["code"]), value, threshold, what, money=money
    )
    return _with_names(frame, category, listed)


def _sex_table(records, value, threshold, what) -> pd.DataFrame:
    frame = _by_category(records, "sex", ["F", "M"], value, threshold, what)
    labels = {
        "F": ("Femmes", "نساء", "Women"),
        "M": ("Hommes", "رجال", "Men"),
        TOTAL: ("Total", "المجموع", "Total"),
    }
    for index, lang in enumerate(("fr", "ar", "en")):
        frame[f"name_{lang}"] = frame["sex"].map(lambda code, i=index: labels[code][i])
    return frame


def _interventions_tables(interventions, reference, threshold):
    period = f"{interventions['year'].min()}-{interventions['year'].max()}"
    whole = interventions.assign(year=0)
    types = _categories_table(
        whole,
        reference,
        "intervention_type",
        "type_code",
        "interventions",
        threshold,
        "interventions by type",
    )
    centres = _reference(reference, "centre").rename(columns={"extra": "region_code"})
    by_centre = _by_category(
        whole.assign(centre_id=whole["centre_id"].astype(str)),
        "centre_id",
        list(centres["code"]),
        "interventions",
        threshold,
        "interventions by centre",
    )
    by_centre = _with_names(by_centre, "centre_id", centres)
    for frame in (types, by_centre):
        frame["year"] = period
        frame.columns = ["period" if c == "year" else c for c in frame.columns]
    by_year = interventions.groupby("year")["interventions"].sum().reset_index()
    small = by_year["interventions"].between(1, threshold - 1)
    by_year["interventions"] = by_year["interventions"].astype("Int64").mask(small)
    by_year["interventions_flag"] = small.map({True: f"< {threshold}", False: ""})
    return types, by_centre, by_year


class _InterventionTables(NamedTuple):
    """The three intervention tables: built in one pass, over one period."""

    by_type: pd.DataFrame
    by_centre: pd.DataFrame
    by_year: pd.DataFrame


@dataclass(frozen=True)
class _Sources:
    """What the public tables are built from: the publish queries' frames and the threshold."""

    beneficiaries: pd.DataFrame
    placements: pd.DataFrame
    reference: pd.DataFrame
    figures: pd.DataFrame
    threshold: int
    interventions: _InterventionTables  # built when the sources are read, before other tables

    @classmethod
    def read(cls, database: Database, threshold: int) -> _Sources:
        inputs = _inputs(database)
        reference = inputs["publish/reference"]
        return cls(
            beneficiaries=inputs["publish/beneficiaries"],
            placements=inputs["publish/placements"],
            reference=reference,
            figures=inputs["dashboard/published_figures"],
            threshold=threshold,
            interventions=_InterventionTables(
                *_interventions_tables(inputs["publish/interventions"], reference, threshold)
            ),
        )


def _build_programme_by_year(sources: _Sources) -> pd.DataFrame:
    return _programme_by_year(sources.beneficiaries, sources.figures, sources.threshold)


def _build_beneficiaries_by_region(sources: _Sources) -> pd.DataFrame:
    return _regions_table(sources.beneficiaries, sources.reference, sources.threshold)


def _sector_table(
    sources: _Sources, records: pd.DataFrame, value: str, money: str | None = None
) -> pd.DataFrame:
    """``value`` (and ``money``) of ``records`` per sector and year, in the reference's order."""
    return _categories_table(
        records,
        sources.reference,
        "sector",
        "sector_code",
        value,
        sources.threshold,
        f"{value} by sector",
        money,
    )


def _build_beneficiaries_by_sector(sources: _Sources) -> pd.DataFrame:
    return _sector_table(sources, sources.beneficiaries, "beneficiaries", money="budget_mad")


def _build_beneficiaries_by_sex(sources: _Sources) -> pd.DataFrame:
    what = "beneficiaries by sex"
    return _sex_table(sources.beneficiaries, "beneficiaries", sources.threshold, what)


def _build_placements_by_sex(sources: _Sources) -> pd.DataFrame:
    return _sex_table(sources.placements, "placements", sources.threshold, "placements by sex")


def _build_placements_by_sector(sources: _Sources) -> pd.DataFrame:
    return _sector_table(sources, sources.placements, "placements")


def _build_placements_by_region(sources: _Sources) -> pd.DataFrame:
    placements = sources.placements
    return _categories_table(
        placements.assign(region_code=placements["region_code"].astype(str)),
        sources.reference,
        "region",
        "region_code",
        "placements",
        sources.threshold,
        "placements by region",
    )


class _Builder(NamedTuple):
    """One public table: its name, title and description, and the function that builds it."""

    name: str
    title: str
    description: str
    build: Callable[[_Sources], pd.DataFrame]


# Every public table, in the order the snapshot and datapackage.json list them.
_PUBLIC_TABLES: tuple[_Builder, ...] = (
    _Builder(
        "published_figures",
        "Chiffres publiés",
        "Every figure a source published, with its source, date and quote.",
        lambda sources: sources.figures,
    ),
    _Builder(
        "programme_by_year",
        "Programme par année",
        "National beneficiaries and budget per programme year, as published.",
        _build_programme_by_year,
    ),
    _Builder(
        "beneficiaries_by_region",
        "Bénéficiaires par région",
        "Beneficiaries and budget per region and programme year; small counts suppressed.",
        _build_beneficiaries_by_region,
    ),
    _Builder(
        "beneficiaries_by_sector",
        "Bénéficiaires par secteur",
        "Beneficiaries and budget per sector and programme year; small counts suppressed.",
        _build_beneficiaries_by_sector,
    ),
    _Builder(
        "beneficiaries_by_sex",
        "Bénéficiaires par sexe",
        "Beneficiaries per sex and programme year; small counts suppressed.",
        _build_beneficiaries_by_sex,
    ),
    _Builder(
        "placements_by_sex",
        "Placements par sexe",
        "Placements in partner companies per sex and year.",
        _build_placements_by_sex,
    ),
    _Builder(
        "placements_by_sector",
        "Placements par secteur",
        "Placements per sector and year; small counts suppressed.",
        _build_placements_by_sector,
    ),
    _Builder(
        "placements_by_region",
        "Placements par région",
        "Placements per region and year; small counts suppressed.",
        _build_placements_by_region,
    ),
    _Builder(
        "interventions_by_year",
        "Interventions par année",
        "CAPC interventions per year.",
        lambda sources: sources.interventions.by_year,
    ),
    _Builder(
        "interventions_by_type",
        "Interventions par type",
        "CAPC interventions per type; small counts suppressed.",
        lambda sources: sources.interventions.by_type,
    ),
    _Builder(
        "interventions_by_centre",
        "Interventions par centre",
        "CAPC interventions per centre; small counts suppressed.",
        lambda sources: sources.interventions.by_centre,
    ),
)


def public_tables(database: Database, settings: Settings) -> list[PublicTable]:
    """Every table of the public snapshot, each audited by lib.public.disclosure."""
    sources = _Sources.read(database, settings.suppression_threshold)
    return [
        PublicTable(builder.name, builder.title, builder.description, builder.build(sources))
        for builder in _PUBLIC_TABLES
    ]


# --- writing ---------------------------------------------------------------------------------

_FIELD_TYPES = {"i": "integer", "u": "integer", "f": "number", "b": "boolean", "M": "date"}


def _field_type(series: pd.Series) -> str:
    kind = getattr(series.dtype, "kind", "O")
    if str(series.dtype) in ("Int64", "Int32"):
        return "integer"
    if str(series.dtype) in ("Float64",):
        return "number"
    return _FIELD_TYPES.get(kind, "string")


def _datapackage(tables: list[PublicTable], figures: pd.DataFrame, metadata: dict) -> dict:
    sources = (
        figures[["source_title", "source_url"]]
        .drop_duplicates()
        .rename(columns={"source_title": "title", "source_url": "path"})
    )
    return {
        "profile": "tabular-data-package",
        "name": "idmaj-open-data",
        "title": "Idmaj — statistiques publiques de la réinsertion des anciens détenus",
        "description": (
            "Disclosure-controlled statistics: counts from 1 to "
            f"{metadata['threshold'] - 1} are shown as '< {metadata['threshold']}', and no "
            "hidden cell can be worked back from its table. "
            + (
                "Breakdowns come from DEMONSTRATION records reconciled with the published "
                "national totals."
                if metadata["demo"]
                else ""
            )
        ),
        "created": metadata["generated_at"],
        "licenses": [LICENSE],
        "sources": [
            {k: v for k, v in row.items() if isinstance(v, str) and v}
            for row in sources.to_dict(orient="records")
        ],
        "resources": [
            {
                "name": table.name,
                "path": f"{table.name}.csv",
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "profile": "tabular-data-resource",
                "title": table.title,
                "description": table.description,
                "schema": {
                    "fields": [
                        {"name": column, "type": _field_type(table.frame[column])}
                        for column in table.frame.columns
                    ]
                },
            }
            for table in tables
        ],
    }


def _write_files(tables: list[PublicTable], folder: Path, package: dict, metadata: dict) -> None:
    def fill(con) -> None:
        for table in tables:
            con.register("incoming", table.frame)
            con.execute(f"CREATE TABLE {table.name} AS SELECT * FROM incoming")
            con.unregister("incoming")
        con.execute("CREATE TABLE metadata (key VARCHAR, value VARCHAR)")
        con.executemany(
            "INSERT INTO metadata VALUES (?, ?)",
            [(key, str(value)) for key, value in metadata.items()],
        )

    create_file(folder / "public.duckdb", fill)
    for table in tables:
        table.frame.to_csv(folder / f"{table.name}.csv", index=False)
        table.frame.to_json(
            folder / f"{table.name}.json",
            orient="records",
            force_ascii=False,
            date_format="iso",
            indent=1,
        )
    (folder / "datapackage.json").write_text(
        json.dumps(package, ensure_ascii=False, indent=1), encoding="utf-8"
    )
    with zipfile.ZipFile(folder / ZIP_NAME, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.write(folder / "datapackage.json", "datapackage.json")
        for table in tables:
            archive.write(folder / f"{table.name}.csv", f"{table.name}.csv")


def publish(settings: Settings | None = None) -> Path:
    """Build data/public/ from the warehouse, atomically; returns the folder."""
    from lib.public import site  # the static site needs the published tables first

    settings = settings or get_settings()
    database = get_database(settings)  # the process's own connection: one config per file
    tables = public_tables(database, settings)
    demo = bool(database.execute_uncached("dashboard/record_provenance")["demo"].sum() > 0)
    metadata = {
        "generated_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "threshold": settings.suppression_threshold,
        "demo": demo,
    }
    target = settings.public_dir
    staging = target.with_name(f".{target.name}.tmp")
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    try:
        figures = next(t.frame for t in tables if t.name == "published_figures")
        _write_files(tables, staging, _datapackage(tables, figures, metadata), metadata)
        site.write_site(staging, {t.name: t.frame for t in tables}, metadata)
        old = target.with_name(f".{target.name}.old")
        shutil.rmtree(old, ignore_errors=True)
        if target.exists():
            target.rename(old)
        staging.rename(target)
        shutil.rmtree(old, ignore_errors=True)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return target


_publish_lock = threading.Lock()


def ensure_public_snapshot(settings: Settings | None = None) -> Path:
    """Write data/public/ once when it is missing (the app's first start)."""
    settings = settings or get_settings()
    with _publish_lock:
        if not (settings.public_dir / "public.duckdb").exists():
            publish(settings)
    return settings.public_dir


def republish_after_write(settings: Settings | None = None) -> bool:
    """Rewrite data/public/ after an import or a roll back. False when it could not be done
    (logged): the write stands and the public page keeps its previous snapshot."""
    try:
        publish(settings)
    except Exception:
        log.exception("the public snapshot could not be written after a write to the warehouse")
        return False
    return True
