"""The public tables, written from the protected system: a value where the pattern publishes
it, a missing value and its marker (``< t`` or ``s``) where it hides it.

Every table is one small builder registered in ``TABLES`` (name, title, description, function),
in the order the snapshot and ``datapackage.json`` list them. Each row carries its provenance
("données de démonstration", "données importées" or "chiffre publié") so that a file that
reaches a newsroom alone says what it is. Pure.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import NamedTuple

import pandas as pd

from lib.public import outcomes
from lib.public.audit import Pattern
from lib.public.system import TOTAL, Key, System, figure_key
from lib.public.translations import with_translations

DEMO, IMPORTED, PUBLISHED = "données de démonstration", "données importées", "chiffre publié"
SEX_NAMES = {
    "F": ("Femmes", "نساء", "Women"),
    "M": ("Hommes", "رجال", "Men"),
    TOTAL: ("Total", "المجموع", "Total"),
}
PERSON_UNITS = ("persons", "projects")


@dataclass(frozen=True)
class Published:
    """What a table builder reads: the system, its pattern, the names and the figures."""

    system: System
    pattern: Pattern
    names: dict[str, pd.DataFrame]  # dim -> code, name_fr, name_ar, name_en (+ extra columns)
    years: dict[str, list]
    period: str
    figures: pd.DataFrame
    demo: bool

    @property
    def provenance(self) -> str:
        return DEMO if self.demo else IMPORTED

    def value(self, key: Key):
        """The published value (a whole number), or missing where hidden."""
        if key in self.pattern.hidden:
            return pd.NA
        return round(self.system.value(key))

    def flag(self, key: Key) -> str:
        return self.pattern.marker(key)


def _cells(published: Published, measure: str, when, dim: str) -> list[dict]:
    """One row per category of ``dim`` and one for the total: value and flag of ``measure``."""
    codes = [*published.names[dim]["code"], TOTAL]
    rows = []
    for code in codes:
        key = (measure, when) if code == TOTAL else (measure, when, dim, str(code))
        rows.append({dim: str(code), measure: published.value(key), f"{measure}_flag": ""})
        rows[-1][f"{measure}_flag"] = published.flag(key)
    return rows


def _named(frame: pd.DataFrame, dim: str, column: str, names: pd.DataFrame) -> pd.DataFrame:
    labels = names[["code", "name_fr", "name_ar", "name_en"]].assign(
        code=lambda f: f.code.astype(str)
    )
    named = frame.merge(labels.rename(columns={"code": column}), on=column, how="left")
    for lang, word in zip(("fr", "ar", "en"), SEX_NAMES[TOTAL], strict=True):
        named.loc[named[column] == TOTAL, f"name_{lang}"] = word
    return named


def _by_year(published: Published, measure: str, dim: str, money: str | None = None):
    rows = []
    for year in published.years[measure]:
        counts = _cells(published, measure, year, dim)
        amounts = _cells(published, money, year, dim) if money else [{}] * len(counts)
        rows += [
            {"year": int(year), **c, **{k: v for k, v in a.items() if k != dim}}
            for c, a in zip(counts, amounts, strict=True)
        ]
    columns = ["year", dim, measure, f"{measure}_flag"]
    columns += [money, f"{money}_flag"] if money else []
    frame = pd.DataFrame(rows, columns=columns)
    for column in (measure, money):
        if column:
            frame[column] = frame[column].astype("Int64")
    return frame


def _finish(frame: pd.DataFrame, published: Published, column: str, dim: str) -> pd.DataFrame:
    """Codes under their public name, a typed ``is_total`` beside them (the row of the total
    keeps the code ``total``, which the sums between tables rely on), names, provenance."""
    frame = frame.rename(columns={dim: column})
    frame.insert(frame.columns.get_loc(column) + 1, "is_total", frame[column] == TOTAL)
    frame = _named(frame, dim, column, published.names[dim])
    return frame.assign(provenance=published.provenance)


CENSUSES = (2014, 2024)  # the RGPH censuses whose legal populations the seed holds


def census_for(year: int) -> int:
    """The census nearest to ``year``, the earlier on a tie: 2014 up to 2019, 2024 after."""
    return min(CENSUSES, key=lambda census: (abs(census - int(year)), census))


def beneficiaries_by_region(published: Published) -> pd.DataFrame:
    frame = _by_year(published, "beneficiaries", "region", money="budget_mad")
    frame = _finish(frame, published, "region_code", "region")
    regions = published.names["region"].assign(region_code=lambda f: f.code.astype(str))
    populations = [f"population_{census}" for census in CENSUSES]
    frame = frame.merge(
        regions[["region_code", "extra", *populations]].rename(columns={"extra": "iso_3166_2"}),
        on="region_code",
        how="left",
    )
    frame["census_year"] = frame["year"].map(census_for).astype("Int64")
    population = pd.Series(pd.NA, index=frame.index, dtype="Float64")
    for census in CENSUSES:
        national = float(regions[f"population_{census}"].astype(float).sum())
        of_region = (
            frame[f"population_{census}"].astype("Float64").mask(frame["is_total"], national)
        )
        population = population.mask(frame["census_year"] == census, of_region)
    frame["census_population"] = population.round().astype("Int64")
    rate = frame["beneficiaries"].astype("Float64") / frame["census_population"] * 100_000
    frame["rate_per_100k"] = rate.round(2)
    return frame.drop(columns=populations)


def beneficiaries_by_sector(published: Published) -> pd.DataFrame:
    frame = _by_year(published, "beneficiaries", "sector", money="budget_mad")
    return _finish(frame, published, "sector_code", "sector")


def beneficiaries_by_sex(published: Published) -> pd.DataFrame:
    return _finish(_by_year(published, "beneficiaries", "sex"), published, "sex", "sex")


def placements_by_sex(published: Published) -> pd.DataFrame:
    return _finish(_by_year(published, "placements", "sex"), published, "sex", "sex")


def placements_by_sector(published: Published) -> pd.DataFrame:
    return _finish(_by_year(published, "placements", "sector"), published, "sector_code", "sector")


def placements_by_region(published: Published) -> pd.DataFrame:
    return _finish(_by_year(published, "placements", "region"), published, "region_code", "region")


def _over_period(published: Published, dim: str, column: str) -> pd.DataFrame:
    rows = _cells(published, "interventions", published.period, dim)
    if not published.years["interventions"]:
        rows = []  # no intervention at all: nothing to publish, not a table of zeros
    frame = pd.DataFrame(rows, columns=[dim, "interventions", "interventions_flag"])
    frame["interventions"] = frame["interventions"].astype("Int64")
    frame.insert(0, "period", published.period)
    return _finish(frame, published, column, dim)


def interventions_by_type(published: Published) -> pd.DataFrame:
    return _over_period(published, "type", "type_code")


def interventions_by_centre(published: Published) -> pd.DataFrame:
    return _over_period(published, "centre", "centre_id")


def interventions_by_year(published: Published) -> pd.DataFrame:
    years = published.years["interventions"]
    keys = [("interventions", year) for year in years]
    return pd.DataFrame(
        {
            "year": [int(year) for year in years],
            "interventions": pd.array([published.value(k) for k in keys], dtype="Int64"),
            "interventions_flag": [published.flag(k) for k in keys],
            "provenance": published.provenance,
        }
    )


def _source_columns(published: Published, measure: str, year, column: str) -> dict:
    """The national figure a source published for ``year``, only when the snapshot shows
    exactly that value: a value shows a source only when it is that source's value."""
    indicator = {"beneficiaries": "programme_beneficiaries", "budget_mad": "programme_budget"}
    figures = published.figures
    rows = figures[
        (figures["indicator"] == indicator[measure])
        & (figures["scope"] == "national")
        & (figures["period"].astype(str) == str(year))
    ]
    shown = published.value((measure, year))
    match = rows[rows["value"] == shown] if not pd.isna(shown) else rows.iloc[0:0]
    row = match.iloc[0] if len(match) else None
    return {
        f"{column}_qualifier": None if row is None else row["qualifier"],
        f"{column}_source": None if row is None else row["source_title"],
        f"{column}_source_url": None if row is None else row["source_url"],
    }


def programme_by_year(published: Published) -> pd.DataFrame:
    rows = []
    for year in published.years["beneficiaries"]:
        people, money = ("beneficiaries", year), ("budget_mad", year)
        count, amount = published.value(people), published.value(money)
        cost = pd.NA if pd.isna(count) or pd.isna(amount) or not count else round(amount / count)
        rows.append(
            {
                "year": int(year),
                "beneficiaries": count,
                "budget_mad": amount,
                "cost_per_beneficiary": cost,
                "beneficiaries_flag": published.flag(people),
                "budget_mad_flag": published.flag(money),
                **_source_columns(published, "budget_mad", year, "budget"),
                **_source_columns(published, "beneficiaries", year, "beneficiaries"),
                "provenance": published.provenance,
            }
        )
    frame = pd.DataFrame(rows)
    for column in ("beneficiaries", "budget_mad", "cost_per_beneficiary"):
        frame[column] = frame[column].astype("Int64")
    return frame


def _figure_shown(published: Published, row: dict) -> tuple[object, str]:
    """An imported figure that no source has made public yet passes the same rules: hidden
    with the snapshot's cell when it states one, else by the threshold."""
    if row["already_public"]:
        return row["value"], ""
    key = figure_key(row, published.period)
    quantity = published.system.quantities.get(key)
    if quantity is not None and quantity.value == row["value"]:
        flag = published.flag(key)
        return (pd.NA if flag else row["value"]), flag
    t = published.pattern.threshold
    if row["unit"] in PERSON_UNITS and 1 <= row["value"] <= t - 1:
        return pd.NA, f"< {t}" if t > 2 else "s"
    if row["unit"] == "percent" or (row["unit"] == "MAD" and row["scope"] != "national"):
        return pd.NA, "s"  # a share or regional money without its count could give one away
    return row["value"], ""


def published_figures(published: Published) -> pd.DataFrame:
    figures = published.figures.copy()
    shown = [_figure_shown(published, row) for row in figures.to_dict(orient="records")]
    figures["value"] = pd.array([value for value, _ in shown], dtype="Float64")
    figures["value_flag"] = [flag for _, flag in shown]
    figures["provenance"] = [PUBLISHED if p else IMPORTED for p in figures["already_public"]]
    return with_translations(figures.drop(columns=["figure_id"], errors="ignore"))


class Table(NamedTuple):
    """One public table: its name, title and description, and the function that builds it."""

    name: str
    title: str
    description: str
    build: Callable[[Published], pd.DataFrame]


# Every public table, in the order the snapshot and datapackage.json list them (their fields
# are described in lib.public.fields).
TABLES: tuple[Table, ...] = (
    Table("published_figures", "Chiffres publiés",
          "Chaque chiffre qu'une source a publié, avec sa source, sa date et la citation qui le "
          "donne.", published_figures),
    Table("programme_by_year", "Programme par année",
          "Bénéficiaires et budget nationaux par année de programme ; une source n'est nommée "
          "que lorsque la valeur est celle de cette source.", programme_by_year),
    Table("beneficiaries_by_region", "Bénéficiaires par région",
          "Bénéficiaires, budget et taux pour 100 000 habitants par région et par année de "
          "programme.", beneficiaries_by_region),
    Table("beneficiaries_by_sector", "Bénéficiaires par secteur",
          "Bénéficiaires et budget par secteur d'activité et par année de programme.",
          beneficiaries_by_sector),
    Table("beneficiaries_by_sex", "Bénéficiaires par sexe",
          "Bénéficiaires par sexe et par année de programme.", beneficiaries_by_sex),
    Table("placements_by_sex", "Placements par sexe",
          "Placements en entreprise partenaire par sexe et par année.", placements_by_sex),
    Table("placements_by_sector", "Placements par secteur",
          "Placements en entreprise partenaire par secteur et par année.", placements_by_sector),
    Table("placements_by_region", "Placements par région",
          "Placements en entreprise partenaire par région et par année.", placements_by_region),
    Table("interventions_by_year", "Interventions par année",
          "Interventions des centres d'accompagnement post-carcéral (CAPC) par année.",
          interventions_by_year),
    Table("interventions_by_type", "Interventions par type",
          "Interventions des CAPC par type sur toute la période.", interventions_by_type),
    Table("interventions_by_centre", "Interventions par centre",
          "Interventions des CAPC par centre sur toute la période.", interventions_by_centre),
)  # fmt: skip
TABLES += tuple(Table(*table) for table in outcomes.TABLES)  # issue 22: outcomes at 12 months
