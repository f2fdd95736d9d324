"""Warehouse -> data/public/: the disclosure-controlled snapshot the public page reads.

    python -m lib publish

Writes, into a temporary folder then swapped into place:
- ``public.duckdb``: only the published tables (no record-level table at all);
- one CSV and one JSON per table (each row says its provenance), ``datapackage.json``;
- ``idmaj-donnees-ouvertes.zip``: the whole data package;
- ``site/``: a static public page in French, Arabic and English.

Every number goes through one system (``lib.public.system``): the pattern of hidden numbers is
chosen for all tables together (``lib.public.suppression``) and audited together
(``lib.public.audit``). A snapshot is refused, and the previous one kept with a notice saying
since when it has not been updated, when the warehouse mixes demonstration and imported
records, when the last snapshot of real data is more recent than the publication calendar
allows, or when no pattern protects every hidden number. Each attempt is written to the
``publication`` table, which also remembers what earlier snapshots of real data showed.
"""

from __future__ import annotations

import json
import logging
import shutil
import zipfile
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import partial
from pathlib import Path

import pandas as pd

from lib.config import Settings, get_settings
from lib.i18n import catalog, is_reviewed, t
from lib.ops.logs import event
from lib.public import fields, outcomes, render, snapshot, suppression
from lib.public.audit import Pattern
from lib.public.render import Published
from lib.public.system import SEX_CODES, System, build_system, period_of
from lib.warehouse.db import (
    Database,
    create_file,
    get_database,
    get_store,
    store_run,
    swap_folder_in,
    writer_lock,
)

log = logging.getLogger(__name__)
ZIP_NAME = "idmaj-donnees-ouvertes.zip"
STATUS_NAME = "status.json"
LICENSE = {
    "name": "CC-BY-4.0",
    "title": "Creative Commons Attribution 4.0",
    "path": "https://creativecommons.org/licenses/by/4.0/",
}
DEMO_LABEL = "données de démonstration"


class PublicationRefused(RuntimeError):
    """The snapshot was not published; ``reason`` is a message key (publish.refused.*)."""

    def __init__(self, reason: str, detail: str = "", **params):
        self.reason, self.detail, self.params = reason, detail, params
        super().__init__(f"{reason}: {detail}" if detail else reason)


@dataclass(frozen=True)
class Snapshot:
    """What one publication writes: the tables, and what it showed of each quantity."""

    tables: list[tuple[render.Table, pd.DataFrame]]
    published: Published
    metadata: dict

    def frames(self) -> dict[str, pd.DataFrame]:
        return {table.name: frame for table, frame in self.tables}


# --- reading the warehouse --------------------------------------------------------------------


@dataclass(frozen=True)
class _Sources:
    beneficiaries: pd.DataFrame  # year, region, sector, sex, beneficiaries, budget_mad, any_demo
    placements: pd.DataFrame
    interventions: pd.DataFrame  # year, centre, type, interventions
    figures: pd.DataFrame
    reference: pd.DataFrame
    provenance: pd.DataFrame
    outcomes: pd.DataFrame  # record_kind, year, region_code, active, ended (lib.public.outcomes)

    @classmethod
    def read(cls, database: Database) -> _Sources:
        def read(name: str) -> pd.DataFrame:
            return database.execute_uncached(name)

        dims = {"region_code": "region", "sector_code": "sector"}
        return cls(
            beneficiaries=read("publish/beneficiaries").rename(columns=dims),
            placements=read("publish/placements").rename(columns=dims),
            interventions=read("publish/interventions").rename(
                columns={"type_code": "type", "centre_id": "centre"}
            ),
            figures=read("dashboard/published_figures"),
            reference=read("publish/reference"),
            provenance=read("dashboard/record_provenance"),
            outcomes=database.execute_uncached("publish/outcomes", months=outcomes.MONTHS),
        )

    def names(self) -> dict[str, pd.DataFrame]:
        def of(kind: str) -> pd.DataFrame:
            listed = self.reference[self.reference["kind"] == kind]
            return listed.drop(columns="kind").reset_index(drop=True)

        sexes = pd.DataFrame(
            [(code, *render.SEX_NAMES[code]) for code in SEX_CODES],
            columns=["code", "name_fr", "name_ar", "name_en"],
        )
        return {"region": of("region"), "sector": of("sector"), "sex": sexes,
                "type": of("intervention_type"), "centre": of("centre")}  # fmt: skip

    def years(self) -> dict[str, list[int]]:
        def of(frame: pd.DataFrame) -> list[int]:
            return sorted(int(year) for year in frame["year"].unique())

        years = of(self.beneficiaries)
        return {
            "beneficiaries": years,
            "budget_mad": years,
            "placements": of(self.placements),
            "interventions": of(self.interventions),
        }

    def grants(self) -> dict:
        """The usual grant per person, by year: what a reader divides hidden money by."""
        by_year = self.beneficiaries.groupby("year")[["budget_mad", "beneficiaries"]].sum()
        by_year = by_year[by_year["beneficiaries"] > 0]
        grants = (by_year["budget_mad"] / by_year["beneficiaries"]).to_dict()
        grants = {int(year): float(grant) for year, grant in grants.items()}
        return {**grants, "default": max(grants.values(), default=1.0)}

    @property
    def holds_demo(self) -> bool:
        return bool(self.provenance["demo"].sum() > 0)

    @property
    def holds_imported(self) -> bool:
        return bool(self.provenance["imported"].sum() > 0)


# --- protecting and rendering -------------------------------------------------------------------


def attempts(settings: Settings) -> pd.DataFrame:
    """Every attempt to publish, newest first (times as naive UTC, ``demo`` as bool)."""
    frame = get_store(settings).execute("state/publication_list")
    frame["attempted_at"] = pd.to_datetime(frame["attempted_at"], utc=True).dt.tz_convert(None)
    frame["demo"] = frame["demo"].astype(bool)
    return frame


def _earlier_values(settings: Settings) -> dict:
    """The last value readers saw of each quantity, over every earlier snapshot of real data."""
    seen: dict = {}
    log_frame = attempts(settings)
    published = log_frame[(log_frame["status"] == "published") & ~log_frame["demo"]]
    for shown in reversed(published["shown"].tolist()):  # oldest first: the newest wins
        for key, value in json.loads(shown or "[]"):
            seen[tuple(key)] = value
    return seen


def _totals_match(published: Published) -> bool:
    """True when every national total of the programme is the figure a source published."""
    frame = render.programme_by_year(published)
    sourced = frame[["beneficiaries_source", "budget_source"]].notna()
    return bool(sourced.all().all())


def build_snapshot(database: Database, settings: Settings) -> Snapshot:
    """The protected tables of one snapshot (nothing written); refused when none is safe."""
    sources = _Sources.read(database)
    if sources.holds_demo and sources.holds_imported:
        raise PublicationRefused("mixed")
    names, years = sources.names(), sources.years()
    categories = {dim: [str(code) for code in frame["code"]] for dim, frame in names.items()}
    system = build_system(sources, categories, years)
    cohorts = outcomes.add_outcomes(system, sources.outcomes, categories["region"], years)
    earlier = {} if sources.holds_demo else _earlier_values(settings)
    threshold = settings.suppression_threshold
    try:
        pattern = suppression.protect(system, threshold, sources.grants(), earlier)
    except suppression.SuppressionFailed as failed:
        raise PublicationRefused("disclosure", str(failed.finding.key)) from failed
    # the outcome tables' regions, where every number of the split may be shown
    years = {**years, **outcomes.split_by_region(system, pattern, cohorts, threshold, earlier)}
    period = period_of(years["interventions"])
    published = Published(
        system, pattern, names, years, period, sources.figures, sources.holds_demo
    )
    metadata = {
        "generated_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "threshold": threshold,
        "demo": sources.holds_demo,
        "provenance": published.provenance,
        "totals_match_published": _totals_match(published),
        "period": period,
        "publication_min_days": settings.publication_min_days,
    }
    tables = [(table, table.build(published)) for table in render.TABLES]
    return Snapshot(tables, published, metadata)


def shown_values(system: System, pattern: Pattern) -> list:
    """Every published quantity and its value (JSON-ready): what readers of this snapshot saw."""
    return [
        [list(key), quantity.value]
        for key, quantity in system.quantities.items()
        if key not in pattern.hidden
    ]


# --- the files ----------------------------------------------------------------------------------

_FIELD_TYPES = {"i": "integer", "u": "integer", "f": "number", "b": "boolean", "M": "date"}


def _field_type(series: pd.Series) -> str:
    kind = getattr(series.dtype, "kind", "O")
    if str(series.dtype) in ("Int64", "Int32", "Int16", "Int8"):
        return "integer"
    if str(series.dtype) in ("Float64", "Float32"):
        return "number"
    return _FIELD_TYPES.get(kind, "string")


def _labelled(description: str, metadata: dict) -> str:
    """A resource's description, saying what its numbers are when they are not real records."""
    if metadata["demo"]:
        return (
            f"{description} DONNÉES DE DÉMONSTRATION ({DEMO_LABEL}) : ce ne sont pas les "
            "dossiers de la Fondation, ne pas les citer."
        )
    return description


def _tamazight(threshold: int, metadata: dict) -> dict:
    """The package's title and description in Tamazight (lib/locales/zgh.toml), beside the
    French; ``reviewed_zgh`` says whether a qualified translator has confirmed them."""
    largest = threshold - 1
    description = t("public.package_description", "zgh", threshold=threshold, largest=largest)
    if metadata["demo"]:
        description += f" {t('common.demo_badge', 'zgh')} ({DEMO_LABEL})."
    return {
        "title_zgh": t("public.package_title", "zgh"),
        "description_zgh": description,
        "reviewed_zgh": is_reviewed("zgh"),
    }


def _tamazight_title(table: str) -> dict:
    """A table's title in Tamazight, when the catalog has one."""
    key = f"public.table_{table}"
    return {"title_zgh": catalog("zgh")[key]} if key in catalog("zgh") else {}


def _datapackage(snapshot: Snapshot) -> dict:
    metadata, figures = snapshot.metadata, snapshot.frames()["published_figures"]
    sources = figures[["source_title", "source_url"]].drop_duplicates()
    threshold = metadata["threshold"]
    return {
        "profile": "tabular-data-package",
        "name": "idmaj-open-data",
        "title": "Idmaj — statistiques publiques de la réinsertion des anciens détenus",
        "description": _labelled(
            f"Statistiques protégées par le secret statistique : un effectif de 1 à "
            f"{threshold - 1} personnes est affiché « < {threshold} », les autres cases "
            "masquées « s » ; les cases masquées de tous les tableaux, prises ensemble avec les "
            "chiffres publiés et les publications précédentes, ne peuvent pas être retrouvées. "
            "Chaque champ a un titre, une description et une unité ; les lignes de total ont "
            "is_total = vrai.",
            metadata,
        ),
        "description_en": (
            f"Disclosure-controlled statistics: counts from 1 to {threshold - 1} are shown as "
            f"'< {threshold}', other hidden cells as 's'. Every field has a title, a "
            "description and a unit (French, with English in title_en and description_en); "
            "total rows have is_total = true."
        ),
        **_tamazight(threshold, metadata),
        "language": "fr",
        "created": metadata["generated_at"],
        "licenses": [LICENSE],
        "sources": [
            {"title": title, **({"path": url} if isinstance(url, str) and url else {})}
            for title, url in sources.itertuples(index=False)
        ],
        "resources": [_resource(table, frame, metadata) for table, frame in snapshot.tables],
    }


def _field(column: str, series: pd.Series, threshold: int, key: list[str]) -> dict:
    """One column: its type, what it means (lib.public.fields) and its allowed values."""
    field = {"name": column, "type": _field_type(series), **fields.describe(column, threshold)}
    rules = fields.constraints(column, series, threshold, key)
    return {**field, "constraints": rules} if rules else field


def _resource(table: render.Table, frame: pd.DataFrame, metadata: dict) -> dict:
    threshold = int(metadata["threshold"])
    key = fields.primary_key(table.name, frame)
    return {
        "name": table.name,
        "path": f"{table.name}.csv",
        "format": "csv",
        "mediatype": "text/csv",
        "encoding": "utf-8",
        "profile": "tabular-data-resource",
        "title": table.title,
        "description": _labelled(table.description, metadata),
        "description_en": fields.RESOURCES_EN.get(table.name, ""),
        **_tamazight_title(table.name),
        "schema": {
            "fields": [_field(c, frame[c], threshold, key) for c in frame.columns],
            "primaryKey": key,
            "missingValues": [""],
        },
    }


def _write_files(snapshot: Snapshot, folder: Path) -> None:
    from lib.export import csv_bytes, safe_frame  # no cell that leaves the app is a formula

    def fill(con) -> None:
        for table, frame in snapshot.tables:
            con.register("incoming", frame)
            con.execute(f"CREATE TABLE {table.name} AS SELECT * FROM incoming")
            con.unregister("incoming")
        con.execute("CREATE TABLE metadata (key VARCHAR, value VARCHAR)")
        con.executemany(
            "INSERT INTO metadata VALUES (?, ?)",
            [(key, str(value)) for key, value in snapshot.metadata.items()],
        )

    create_file(folder / "public.duckdb", fill)
    for table, frame in snapshot.tables:
        safe = safe_frame(frame)
        (folder / f"{table.name}.csv").write_bytes(csv_bytes(safe, bom=False))
        safe.to_json(folder / f"{table.name}.json", orient="records", force_ascii=False,
                     date_format="iso", indent=1)  # fmt: skip
    package = json.dumps(_datapackage(snapshot), ensure_ascii=False, indent=1)
    (folder / "datapackage.json").write_text(package, encoding="utf-8")
    with zipfile.ZipFile(folder / ZIP_NAME, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.write(folder / "datapackage.json", "datapackage.json")
        for table, _ in snapshot.tables:
            archive.write(folder / f"{table.name}.csv", f"{table.name}.csv")


def _swap_in(staging: Path, target: Path) -> None:
    # One atomic exchange: a crash leaves the old snapshot or the new one, never none.
    swap_folder_in(staging, target)


# --- publishing, or saying why not ------------------------------------------------------------


def _record(settings: Settings, status: str, demo: bool, **fields) -> None:
    values = {
        "attempted_at": _now_text(),
        "status": status,
        "demo": int(demo),
        "threshold": settings.suppression_threshold,
        "reason": None,
        "detail": None,
        "shown": None,
        **fields,
    }
    get_store(settings).execute_write_fn(
        lambda store: store_run(store, "state/publication_record", **values)
    )


def _check_calendar(settings: Settings, demo: bool) -> None:
    """Real data is published at most every ``publication_min_days`` days (demo data: always)."""
    if demo or settings.publication_min_days == 0:
        return
    tried = attempts(settings)
    real = tried[(tried["status"] == "published") & ~tried["demo"]]
    if real.empty:
        return
    next_date = real["attempted_at"].max() + timedelta(days=settings.publication_min_days)
    if datetime.now(UTC).replace(tzinfo=None) < next_date:
        raise PublicationRefused("calendar", next_date=next_date.date().isoformat())


def _write_snapshot(snapshot: Snapshot, target: Path, before_swap=lambda: None) -> None:
    from lib.public import site  # the static site needs the published tables first

    staging = target.with_name(f".{target.name}.tmp")
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    try:
        _write_files(snapshot, staging)
        site.write_site(staging, snapshot.frames(), snapshot.metadata)
        before_swap()
        _swap_in(staging, target)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def publish(settings: Settings | None = None) -> Path:
    """Write data/public/ from the warehouse, atomically; returns the folder.

    Raises :class:`PublicationRefused` (recorded, and said on the public page and the site)
    when the snapshot may not be published; the previous snapshot stays in place.
    """
    settings = settings or get_settings()
    database = get_database(settings)
    with writer_lock(settings.public_dir):  # one publisher at a time, across processes
        try:
            snapshot = build_snapshot(database, settings)
            _check_calendar(settings, snapshot.metadata["demo"])
        except PublicationRefused as refused:
            _refused(database, settings, refused)
            raise
        shown = shown_values(snapshot.published.system, snapshot.published.pattern)
        # Logged once every file is written, before the swap: a snapshot readers can see is
        # always in the log that later snapshots protect against (a crash between the two
        # leaves a logged snapshot nobody saw: safe), and no room to log means no swap.
        demo = snapshot.metadata["demo"]
        record = partial(_record, settings, "published", demo, shown=json.dumps(shown))
        _write_snapshot(snapshot, settings.public_dir, before_swap=record)
    event("publish", status="published", demo=snapshot.metadata["demo"])
    return settings.public_dir


@dataclass(frozen=True)
class PublicationStatus:
    """What the data administration page says about the public snapshot."""

    published_at: datetime | None  # the snapshot in place
    demo: bool | None
    refused_at: datetime | None  # the last attempt, when it was refused
    reason: str | None
    params: dict
    imports_since: bool  # the warehouse changed since the snapshot in place


def publication_status(settings: Settings | None = None) -> PublicationStatus:
    settings = settings or get_settings()
    tried = attempts(settings)
    done = tried[tried["status"] == "published"]
    last = tried.iloc[0] if len(tried) else None
    refused = last is not None and last["status"] == "refused"
    params = json.loads(last["detail"]) if refused and last["reason"] == "calendar" else {}
    batches = get_database(settings).execute_uncached("ingest/batches")
    newest_batch = batches["imported_at"].max() if len(batches) else None
    published_at = done["attempted_at"].iloc[0] if len(done) else None
    return PublicationStatus(
        published_at=published_at,
        demo=bool(done["demo"].iloc[0]) if len(done) else None,
        refused_at=last["attempted_at"] if refused else None,
        reason=last["reason"] if refused else None,
        params=params,
        imports_since=bool(
            newest_batch is not None and (published_at is None or newest_batch > published_at)
        ),
    )


def _refused(database: Database, settings: Settings, refused: PublicationRefused) -> None:
    demo = bool(database.execute_uncached("dashboard/record_provenance")["demo"].sum() > 0)
    detail = refused.detail or json.dumps(refused.params)
    _record(settings, "refused", demo, reason=refused.reason, detail=detail)
    event("publish", status="refused", reason=refused.reason, demo=demo)
    if refused.reason != "calendar":  # a planned wait is not news; a refusal is
        write_status(settings.public_dir, {"refused_at": _now_text(), "reason": refused.reason})


def _now_text() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def write_status(public_dir: Path, status: dict) -> None:
    """Say, beside the snapshot, that a newer one was refused (the page and the site show it)."""
    if not public_dir.exists():
        return
    temporary = public_dir / f".{STATUS_NAME}.tmp"
    temporary.write_text(json.dumps(status), encoding="utf-8")
    temporary.replace(public_dir / STATUS_NAME)
    from lib.public import site

    site.mark_stale(public_dir, status)


_attempted: dict[Path, tuple] = {}  # warehouse -> its version when publishing was last tried


def _holds_real_records(settings: Settings) -> bool:
    """Whether any imported record is in the warehouse (read now, not from a cache)."""
    provenance = get_database(settings).execute_uncached("dashboard/record_provenance")
    return bool(provenance["imported"].sum() > 0)


def ensure_public_snapshot(settings: Settings | None = None) -> Path:
    """Write data/public/ when it is missing (the app's first start), or when an older Idmaj
    wrote it without a table the page now shows and it holds demonstration data only (real
    data waits for an administrator: the page says to publish). Tried once per version of the
    warehouse: a refused snapshot is not tried again on every page run."""
    settings = settings or get_settings()
    if snapshot.available(settings):
        return settings.public_dir
    if (settings.public_dir / "public.duckdb").exists() and _holds_real_records(settings):
        return settings.public_dir
    database = get_database(settings)
    if _attempted.get(settings.warehouse_path) != database.version:
        try:
            publish(settings)
        finally:  # after the attempt: recording a refusal is itself a write
            _attempted[settings.warehouse_path] = database.version
    return settings.public_dir


def republish_after_write(settings: Settings | None = None) -> bool:
    """After an import or a roll back: demonstration data is published again at once; real data
    waits for an administrator (a publication calendar). False when a publication failed."""
    settings = settings or get_settings()
    if _holds_real_records(settings):
        return True
    try:
        publish(settings)
    except PublicationRefused:
        return False
    except Exception:
        log.exception("the public snapshot could not be written after a write to the warehouse")
        return False
    return True
