"""The public snapshot's outcome tables: micro-projects and jobs by their status 12 months after
the grant or the placement, per cohort, national and by region, under the disclosure control
of every other table, with their own method note.

Each cohort's beneficiaries (or placements) of a region, already a number of the snapshot, is
split in three: still *active* 12 months later (the micro-project running, the job held),
*ended* by then (closed, left, dismissed, back in prison), and *unknown* (not followed that
long, or not followed at all). These are new quantities of the one linear system
(``lib.public.system``): the three add up to the region's count, the regions add up to the
national count of each status, and the three national counts to the year's total, so a hidden
cell can no more be worked back from these tables than from any other, and hiding one may hide
others anywhere in the system. A share still active is published only where its two counts are
and at least ``threshold`` people are behind it: a small cohort reads "not published", never a
rate. Pure: frames in, frames out.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from lib.formatting import format_number, format_percent_value
from lib.i18n import t
from lib.public.system import TOTAL, System

MONTHS = 12  # the status the tables publish: 12 months after 1 July of the cohort's year
# record kind of the warehouse -> (the measure its people are counted in, the tables' prefix)
KINDS = {"beneficiary": ("beneficiaries", "projects"), "placement": ("placements", "jobs")}
STATUSES = ("active", "ended", "unknown")
TOTAL_NAMES = {"name_fr": "Total", "name_ar": "المجموع", "name_en": "Total"}


def measure(prefix: str, status: str) -> str:
    """The system's name of a status count: ``projects_12_active``."""
    return f"{prefix}_{MONTHS}_{status}"


@dataclass(frozen=True)
class Cohort:
    """One cohort of one table: its people's measure, the table's prefix, its year, and per
    region its people and its three status counts."""

    base: str
    prefix: str
    year: int
    counts: dict[str, dict[str, float]]


def add_outcomes(
    system: System, frame: pd.DataFrame, regions: list[str], years: dict[str, list]
) -> list[Cohort]:
    """Add the national status counts of every cohort ``frame`` holds (``publish/outcomes``:
    record_kind, year, region_code, active, ended) whose year the snapshot publishes, tied to
    the year's people; returns the cohorts, for ``split_by_region`` once they are protected."""
    cohorts = []
    for kind, (base, prefix) in KINDS.items():
        rows = frame[frame["record_kind"] == kind]
        published = sorted({int(year) for year in rows["year"]} & {int(y) for y in years[base]})
        for year in published:
            counts = _region_counts(system, base, year, rows[rows["year"] == year], regions)
            cohort = Cohort(base, prefix, year, counts)
            for status in STATUSES:
                national = sum(row[status] for row in counts.values())
                system.add((measure(prefix, status), year), national, "count")
            system.equation((base, year), [(measure(prefix, status), year) for status in STATUSES])
            cohorts.append(cohort)
    return cohorts


def _region_counts(system: System, base: str, year: int, rows, regions) -> dict[str, dict]:
    """Per region: its people (the snapshot's count) and its three status counts."""
    counted = rows.assign(code=rows["region_code"].astype(str)).set_index("code")
    counts = {}
    for code in regions:
        people = system.value((base, year, "region", code))
        active = float(counted["active"].get(code, 0))
        ended = float(counted["ended"].get(code, 0))
        if people - active - ended < 0:
            raise ValueError(f"more {base} followed than counted in {year}, region {code}")
        counts[code] = {"people": people, "active": active, "ended": ended,
                        "unknown": people - active - ended}  # fmt: skip
    return counts


def _may_split(system: System, pattern, cohort: Cohort, threshold: int, earlier: dict) -> bool:
    """Whether every number of the cohort's split by region can be shown: the regions'
    people and the national statuses are published, and each regional status is 0 or at least
    ``threshold`` and moved by 0 or at least ``threshold`` since readers last saw it. Decided
    on numbers the snapshot shows anyway, so that it says nothing about a hidden one."""
    shown = [(cohort.base, cohort.year, "region", code) for code in cohort.counts]
    shown += [(measure(cohort.prefix, status), cohort.year) for status in STATUSES]
    if any(key in pattern.hidden for key in shown):
        return False
    for code, row in cohort.counts.items():
        for status in STATUSES:
            value = row[status]
            before = earlier.get((measure(cohort.prefix, status), cohort.year, "region", code))
            moved = 0 if before is None else abs(value - before)
            if 0 < value < threshold or 0 < moved < threshold:
                return False
    return True


def split_by_region(
    system: System, pattern, cohorts: list[Cohort], threshold: int, earlier: dict
) -> dict[str, dict[int, bool]]:
    """Add the split by region of each cohort whose every number may be shown (published
    quantities tied to the published ones: the protected pattern holds as it is); returns, per
    table prefix, each cohort year and whether it is split."""
    split: dict[str, dict[int, bool]] = {prefix: {} for _, prefix in KINDS.values()}
    for cohort in cohorts:
        allowed = _may_split(system, pattern, cohort, threshold, earlier)
        split[cohort.prefix][cohort.year] = allowed
        if not allowed:
            continue
        for code, row in cohort.counts.items():
            parts = [(measure(cohort.prefix, status), cohort.year, "region", code)
                     for status in STATUSES]  # fmt: skip
            for key, status in zip(parts, STATUSES, strict=True):
                system.add(key, row[status], "count")
            system.equation((cohort.base, cohort.year, "region", code), parts)
        for status in STATUSES:
            cells = [(measure(cohort.prefix, status), cohort.year, "region", code)
                     for code in cohort.counts]  # fmt: skip
            system.equation((measure(cohort.prefix, status), cohort.year), cells)
    return split


# --- the tables ---------------------------------------------------------------------------------

SHARE = f"share_active_{MONTHS}"


def _share(row: dict, threshold: int) -> tuple[object, str]:
    """The share still active among the people whose status is known, or nothing ("s") when
    a count behind it is hidden or fewer than ``threshold`` people are behind it."""
    active, ended = row[f"active_{MONTHS}"], row[f"ended_{MONTHS}"]
    if pd.isna(active) or pd.isna(ended) or active + ended < threshold:
        return pd.NA, "s"
    return round(active / (active + ended), 4), ""


def _rows(published, base: str, prefix: str, year: int) -> list[dict]:
    """The cohort's rows: each region where the cohort is split by region, then the total
    (a cohort published at the national level only has no region rows at all)."""
    regions = [str(code) for code in published.names["region"]["code"]]
    split = published.years[prefix][year]
    rows = []
    for code in [*(regions if split else []), TOTAL]:
        where = (year,) if code == TOTAL else (year, "region", code)
        row = {"year": year, "region_code": code}
        for column, name in [(base, base)] + [
            (f"{status}_{MONTHS}", measure(prefix, status)) for status in STATUSES
        ]:
            row[column] = published.value((name, *where))
            row[f"{column}_flag"] = published.flag((name, *where))
        row[SHARE], row[f"{SHARE}_flag"] = _share(row, published.pattern.threshold)
        rows.append(row)
    return rows


def _table(published, record_kind: str) -> pd.DataFrame:
    base, prefix = KINDS[record_kind]
    counts = [base, *(f"{status}_{MONTHS}" for status in STATUSES)]
    columns = ["year", "region_code", *(c for n in counts for c in (n, f"{n}_flag")),
               SHARE, f"{SHARE}_flag"]  # fmt: skip
    cohorts = published.years.get(prefix, {})
    rows = [row for year in cohorts for row in _rows(published, base, prefix, year)]
    frame = pd.DataFrame(rows, columns=columns)
    frame = frame.astype({**dict.fromkeys(counts, "Int64"), "year": "int64", SHARE: "Float64"})
    frame.insert(2, "is_total", frame["region_code"] == TOTAL)
    names = published.names["region"][["code", *TOTAL_NAMES]].astype({"code": str})
    frame = frame.merge(names.rename(columns={"code": "region_code"}), on="region_code", how="left")
    for column, word in TOTAL_NAMES.items():
        frame.loc[frame["is_total"], column] = word
    return frame.assign(provenance=published.provenance)


def projects_at_12_months(published) -> pd.DataFrame:
    """Each cohort's micro-projects by their status 12 months after the grant, per region."""
    return _table(published, "beneficiary")


def jobs_at_12_months(published) -> pd.DataFrame:
    """Each cohort's placements by their status 12 months after the placement, per region."""
    return _table(published, "placement")


# (name, title, description, builder): lib.public.render lists them after the other tables.
TABLES = (
    ("projects_at_12_months", "Micro-projets 12 mois après la subvention",
     "Bénéficiaires de chaque année de programme, par région : micro-projet encore en activité "
     "12 mois après le 1er juillet de l'année, arrêté avant, ou situation inconnue (pas suivi "
     "aussi longtemps) ; la part encore en activité parmi les situations connues.",
     projects_at_12_months),
    ("jobs_at_12_months", "Placements 12 mois après l'embauche",
     "Placements de chaque année, par région : toujours en poste 12 mois après le 1er juillet "
     "de l'année, emploi perdu avant, ou situation inconnue (pas suivi aussi longtemps) ; la "
     "part toujours en poste parmi les situations connues.", jobs_at_12_months),
)  # fmt: skip
TABLES_EN = {
    "projects_at_12_months": "Beneficiaries of each programme year per region by the status of "
    "their micro-project 12 months on: running, ended, unknown; the share running.",
    "jobs_at_12_months": "Placements of each year per region by their status 12 months on: "
    "still employed, job lost, unknown; the share still employed.",
}

# column -> (title, description, unit, title_en, description_en): lib.public.fields adds them.
_HIDDEN = " Vide lorsque le chiffre est masqué (voir la colonne {flag})."
COLUMNS = {
    f"active_{MONTHS}": (
        "Encore actifs à 12 mois",
        "Micro-projets encore en activité (ou personnes toujours en poste) lors d'une visite "
        "faite au moins 12 mois après le 1er juillet de l'année, sans fin constatée avant."
        + _HIDDEN.format(flag=f"active_{MONTHS}_flag"),
        "personnes",
        "Still active at 12 months",
        "Micro-projects still running (or people still employed) 12 months on.",
    ),
    f"ended_{MONTHS}": (
        "Arrêtés avant 12 mois",
        "Micro-projets fermés (ou emplois perdus : départ, licenciement) ou retours en prison "
        "constatés dans les 12 mois." + _HIDDEN.format(flag=f"ended_{MONTHS}_flag"),
        "personnes",
        "Ended within 12 months",
        "Micro-projects closed (or jobs lost) or returns to prison within 12 months.",
    ),
    f"unknown_{MONTHS}": (
        "Situation à 12 mois inconnue",
        "Personnes dont le suivi s'arrête avant 12 mois sans fin constatée, ou qui n'ont pas "
        "été suivies : le reste de la cohorte." + _HIDDEN.format(flag=f"unknown_{MONTHS}_flag"),
        "personnes",
        "Status at 12 months unknown",
        "People not followed 12 months (or not followed at all): the rest of the cohort.",
    ),
    SHARE: (
        "Part encore active à 12 mois",
        f"active_{MONTHS} / (active_{MONTHS} + ended_{MONTHS}), à 4 décimales : la part "
        "encore active parmi les personnes dont la situation à 12 mois est connue. Vide quand "
        "l'un des deux effectifs est masqué ou qu'ils comptent moins de personnes que le seuil "
        "de confidentialité (non publié).",
        "part (0 à 1)",
        "Share still active at 12 months",
        "active / (active + ended); empty when not published.",
    ),
}
for _column in (*(f"{status}_{MONTHS}" for status in STATUSES), SHARE):
    COLUMNS[f"{_column}_flag"] = (
        f"Marqueur de {_column}",
        "Vide = publié ; « < {threshold} » = de 1 à {largest} personnes, masqué ; « s » = "
        "masqué (non publié) pour qu'aucun chiffre masqué ne puisse être retrouvé.",
        "", f"Flag of {_column}", "Empty = published; otherwise suppressed.",
    )  # fmt: skip
COUNT_COLUMNS = tuple(f"{status}_{MONTHS}" for status in STATUSES)


# --- the public page's view ---------------------------------------------------------------------


def _cell(value, flag: str, lang: str, write) -> str:
    """A published figure as written, a hidden one by its marker ("< 10", or "non publié")."""
    if flag:
        return flag if flag.startswith("<") else t("public_outcomes.not_published", lang)
    return write(value, lang)


def _flags(series: pd.Series) -> list[str]:
    """A flag column as text, "" where empty (a CSV reads an empty column as numbers)."""
    return [flag if isinstance(flag, str) else "" for flag in series]


def national_view(frame: pd.DataFrame, record_kind: str, lang: str) -> pd.DataFrame:
    """The national row of each cohort of an outcome table, as the public page shows it: the
    cohort, its people, the three statuses and the share still active ("non publié" where a
    count behind it is hidden or fewer than the threshold are behind it)."""
    base, prefix = KINDS[record_kind]
    rows = frame[frame["is_total"].astype(bool)]
    columns = {"cohort": [str(int(year)) for year in rows["year"]]}
    for column in (base, *COUNT_COLUMNS):
        columns[column] = [
            _cell(value, flag, lang, format_number)
            for value, flag in zip(rows[column], _flags(rows[f"{column}_flag"]), strict=True)
        ]
    columns[SHARE] = [
        _cell(value, flag, lang, format_percent_value)
        for value, flag in zip(rows[SHARE], _flags(rows[f"{SHARE}_flag"]), strict=True)
    ]
    headings = {"cohort": "cohort", base: f"people_{prefix}", **{c: c for c in COUNT_COLUMNS},
                SHARE: SHARE}  # fmt: skip
    return pd.DataFrame(columns).rename(
        columns={c: t(f"public_outcomes.col_{name}", lang) for c, name in headings.items()}
    )
