"""What every column of the open data means, for ``datapackage.json``: a title, a description
and a unit per field (in French, the package's language, with English beside them), the
primary key of each table, and the allowed values of the flags and of every coded column.

A reader who downloads one CSV and the package alone can tell what each number counts, in
what unit, what ``< t`` and ``s`` mean and which rows are totals. Pure.
"""

from __future__ import annotations

from typing import NamedTuple

import pandas as pd

from lib.public import outcomes
from lib.public.render import CENSUSES


class Column(NamedTuple):
    title: str
    description: str
    unit: str = ""
    title_en: str = ""
    description_en: str = ""


_FLAG = (
    "Marqueur de confidentialité de la colonne {measure} : vide = chiffre publié ; "
    "« < {threshold} » = de 1 à {largest} personnes, chiffre masqué ; « s » = masqué pour "
    "qu'aucun chiffre masqué ne puisse être retrouvé (il peut être grand)."
)
_FLAG_EN = (
    "Confidentiality flag of {measure}: empty = published; '< {threshold}' = 1 to {largest} "
    "people, suppressed; 's' = suppressed so that no suppressed figure can be worked out "
    "(it may be large)."
)
_NAME = "Nom {lang} de la catégorie ; « Total » (ou sa traduction) sur la ligne du total."
_MISSING = " Vide lorsque le chiffre est masqué (voir la colonne {flag})."

COLUMNS: dict[str, Column] = {
    "year": Column(
        "Année",
        "Année civile (année du programme, du placement ou de l'intervention).",
        "année",
        "Year",
        "Calendar year.",
    ),
    "period": Column(
        "Période",
        "Période couverte, première et dernière année (2018-2019).",
        "",
        "Period",
        "Period covered, first and last year.",
    ),
    "is_total": Column(
        "Ligne du total",
        "Vrai sur la ligne du total de l'année ou de la "
        "période (la somme des autres lignes), faux sur les autres.",
        "",
        "Total row",
        "True on the row of the total (the sum of the others).",
    ),
    "region_code": Column(
        "Code de région",
        "Numéro de la région (1 à 12, découpage de 2015), ou « total ».",
        "",
        "Region code",
        "Region number, or 'total'.",
    ),
    "sector_code": Column(
        "Code de secteur",
        "Secteur d'activité du projet, ou « total ».",
        "",
        "Sector code",
        "Sector of activity, or 'total'.",
    ),
    "sex": Column(
        "Sexe", "F (femmes), M (hommes) ou « total ».", "", "Sex", "F (women), M (men) or 'total'."
    ),
    "type_code": Column(
        "Type d'intervention",
        "Type d'intervention du centre, ou « total ».",
        "",
        "Intervention type",
        "Type of intervention, or 'total'.",
    ),
    "centre_id": Column(
        "Centre",
        "Numéro du centre d'accompagnement post-carcéral (CAPC), ou « total ».",
        "",
        "Centre",
        "Number of the support centre, or 'total'.",
    ),
    "name_fr": Column("Nom (français)", _NAME.format(lang="français"), "", "Name (French)"),
    "name_ar": Column("Nom (arabe)", _NAME.format(lang="arabe"), "", "Name (Arabic)"),
    "name_en": Column("Nom (anglais)", _NAME.format(lang="anglais"), "", "Name (English)"),
    "beneficiaries": Column(
        "Bénéficiaires",
        "Anciens détenus bénéficiaires du programme de "
        "micro-projets et d'auto-emploi." + _MISSING.format(flag="beneficiaries_flag"),
        "personnes",
        "Beneficiaries",
        "Former prisoners supported by the programme.",
    ),
    "budget_mad": Column(
        "Budget",
        "Montant des subventions accordées." + _MISSING.format(flag="budget_mad_flag"),
        "MAD (dirhams marocains)",
        "Budget",
        "Grants awarded.",
    ),
    "placements": Column(
        "Placements",
        "Anciens détenus placés dans une entreprise "
        "partenaire." + _MISSING.format(flag="placements_flag"),
        "personnes",
        "Placements",
        "Former prisoners placed in a partner company.",
    ),
    "interventions": Column(
        "Interventions",
        "Interventions des centres d'accompagnement "
        "post-carcéral." + _MISSING.format(flag="interventions_flag"),
        "interventions",
        "Interventions",
        "Support centre interventions.",
    ),
    "cost_per_beneficiary": Column(
        "Coût par bénéficiaire",
        "Budget de l'année divisé par ses "
        "bénéficiaires, arrondi au dirham ; vide si l'un des deux "
        "est masqué.",
        "MAD par bénéficiaire",
        "Cost per beneficiary",
        "Budget divided by beneficiaries.",
    ),
    "iso_3166_2": Column(
        "Code ISO 3166-2",
        "Code ISO de la région (MA-06) ; vide sur la ligne du total national.",
        "",
        "ISO 3166-2 code",
    ),
    "census_year": Column(
        "Année du recensement",
        "Recensement (RGPH) le plus proche de "
        "l'année, dont la population légale sert au taux : 2014 jusqu'en "
        "2019, 2024 ensuite.",
        "année",
        "Census year",
        "Nearest census (2014 up to 2019, 2024 after).",
    ),
    "census_population": Column(
        "Population au recensement",
        "Population légale de la région "
        "(du Maroc sur la ligne du total) au recensement census_year.",
        "habitants",
        "Census population",
        "Legal population.",
    ),
    "rate_per_100k": Column(
        "Bénéficiaires pour 100 000 habitants",
        "beneficiaries divisé par "
        "census_population, fois 100 000, à 2 décimales ; vide si "
        "l'effectif est masqué.",
        "bénéficiaires pour 100 000 habitants",
        "Beneficiaries per 100,000 inhabitants",
        "beneficiaries / census_population x 100,000.",
    ),
    "provenance": Column(
        "Provenance",
        "D'où vient la ligne : « données de démonstration » "
        "(simulées, à ne pas citer), « données importées » (dossiers de la "
        "Fondation) ou « chiffre publié » (par la presse ou la Fondation).",
        "",
        "Provenance",
        "Demonstration data, imported records or a published figure.",
    ),
    "indicator": Column(
        "Indicateur",
        "Ce que le chiffre compte (nom stable, en anglais, en minuscules).",
        "",
        "Indicator",
        "What the figure counts.",
    ),
    "value": Column(
        "Valeur",
        "Le chiffre tel que la source l'a publié, dans l'unité de la "
        "colonne unit." + _MISSING.format(flag="value_flag"),
        "voir unit",
        "Value",
        "The figure as published, in the unit of column unit.",
    ),
    "unit": Column(
        "Unité",
        "Unité de value : MAD, persons (personnes), projects (projets), "
        "percent (pour cent), interventions, cities (villes), regions (régions).",
        "",
        "Unit",
        "Unit of value.",
    ),
    "qualifier": Column(
        "Qualificatif",
        "exact, approx (« près de ») ou at_least (« plus de »), comme la source l'écrit.",
        "",
        "Qualifier",
        "exact, approx or at_least, as the source wrote it.",
    ),
    "scope": Column(
        "Périmètre",
        "national, ou le code ISO 3166-2 de la région (MA-06).",
        "",
        "Scope",
        "national, or the region's ISO code.",
    ),
    "source_title": Column(
        "Source (titre original)",
        "Qui a publié le chiffre, sous le titre d'origine de la ligne.",
        "",
        "Source (original title)",
    ),
    "source_url": Column(
        "Adresse de la source",
        "Adresse web de la source ; vide si aucune n'a été trouvée.",
        "",
        "Source address",
    ),
    "source_date": Column(
        "Date de la source", "Date de publication de la source.", "", "Source date"
    ),
    "quote": Column("Citation", "Les mots de la source qui donnent le chiffre.", "", "Quote"),
    "note": Column(
        "Note (originale)",
        "Remarque utile à la lecture, telle qu'écrite à l'origine.",
        "",
        "Note (original)",
    ),
    "already_public": Column(
        "Déjà public",
        "Vrai si la source a déjà rendu le chiffre public ; "
        "faux pour un chiffre importé qui passe le contrôle de "
        "confidentialité.",
        "",
        "Already public",
    ),
}
for _lang, _word in (("fr", "français"), ("ar", "arabe"), ("en", "anglais")):
    COLUMNS[f"source_title_{_lang}"] = Column(
        f"Source ({_word})", f"Titre de la source en {_word} (le titre original s'il n'a pas "
        "de traduction).", "", f"Source ({_lang})")  # fmt: skip
    COLUMNS[f"note_{_lang}"] = Column(
        f"Note ({_word})", f"La note en {_word} ; vide s'il n'y a pas de note.", "",
        f"Note ({_lang})")  # fmt: skip
for _measure in ("beneficiaries", "budget_mad", "placements", "interventions", "value"):
    COLUMNS[f"{_measure}_flag"] = Column(
        f"Marqueur de {_measure}", _FLAG, "", f"Flag of {_measure}", _FLAG_EN
    )
for _measure in ("budget", "beneficiaries"):
    COLUMNS[f"{_measure}_qualifier"] = Column(
        f"Qualificatif ({_measure})",
        "Qualificatif du chiffre publié dont la valeur est celle "
        "de la ligne (exact, approx, at_least) ; vide si aucune source ne donne cette valeur.",
    )
    COLUMNS[f"{_measure}_source"] = Column(
        f"Source ({_measure})", "Source qui a publié exactement cette valeur ; vide sinon."
    )
    COLUMNS[f"{_measure}_source_url"] = Column(
        f"Adresse de la source ({_measure})", "Adresse web de cette source ; vide sinon."
    )

COLUMNS.update({name: Column(*spec) for name, spec in outcomes.COLUMNS.items()})  # issue 22

CODED = ("region_code", "sector_code", "sex", "type_code", "centre_id",  # the codes, first
         "provenance", "unit", "qualifier", "budget_qualifier", "beneficiaries_qualifier",
         "census_year", "scope")  # fmt: skip
UNITS = ("MAD", "persons", "projects", "percent", "interventions", "cities", "regions")
QUALIFIERS = ("exact", "approx", "at_least")
PRIMARY_KEYS = {
    "published_figures": ["indicator", "period", "scope", "source_title"],
    "programme_by_year": ["year"],
    "interventions_by_year": ["year"],
}
RESOURCES_EN = {
    "published_figures": "Every figure a source published, with its source, date and quote.",
    "programme_by_year": "National beneficiaries and budget per programme year.",
    "beneficiaries_by_region": "Beneficiaries, budget and rate per 100,000 per region and year.",
    "beneficiaries_by_sector": "Beneficiaries and budget per sector and programme year.",
    "beneficiaries_by_sex": "Beneficiaries per sex and programme year.",
    "placements_by_sex": "Placements in partner companies per sex and year.",
    "placements_by_sector": "Placements per sector and year.",
    "placements_by_region": "Placements per region and year.",
    "interventions_by_year": "Support centre interventions per year.",
    "interventions_by_type": "Support centre interventions per type over the period.",
    "interventions_by_centre": "Support centre interventions per centre over the period.",
    **outcomes.TABLES_EN,
}


def primary_key(name: str, frame: pd.DataFrame) -> list[str]:
    """The columns that name one row: the period (or year) and the category's code."""
    if name in PRIMARY_KEYS:
        return PRIMARY_KEYS[name]
    when = "period" if "period" in frame else "year"
    code = next(c for c in frame.columns if c in CODED[:5])
    return [when, code]


def _allowed(column: str, series: pd.Series) -> list:
    """The values a coded column may take: the known list, and every code the table uses
    (codes in their natural order: 1, 2, ... 12, then "total")."""
    known = {"unit": UNITS, "qualifier": QUALIFIERS, "census_year": CENSUSES}.get(column, ())
    if column.endswith("_qualifier"):
        known = QUALIFIERS
    values = {v for v in series.dropna().tolist() if v != ""} | set(known)
    if column == "census_year":
        return sorted(int(v) for v in values)
    texts = {str(v) for v in values}
    return sorted(texts, key=lambda v: (not v.isdigit(), int(v) if v.isdigit() else 0, v))


def constraints(column: str, series: pd.Series, threshold: int, key: list[str]) -> dict:
    """Allowed values of flags and codes, non-negative counts, required key fields."""
    rules: dict = {}
    if column in key:
        rules["required"] = True
    if column.endswith("_flag"):
        rules["enum"] = ["", f"< {threshold}", "s"]
    elif column in CODED:
        rules["enum"] = _allowed(column, series)
    elif column in ("beneficiaries", "budget_mad", "placements", "interventions",
                    "census_population", "rate_per_100k", "cost_per_beneficiary",
                    *outcomes.COUNT_COLUMNS, outcomes.SHARE):  # fmt: skip
        rules["minimum"] = 0
    return rules


def describe(column: str, threshold: int) -> dict:
    """Title, description, unit (French) and their English versions, for one field."""
    info = COLUMNS.get(column, Column(column, column))
    params = {"threshold": threshold, "largest": threshold - 1,
              "measure": column.removesuffix("_flag")}  # fmt: skip
    described = {"title": info.title, "description": info.description.format(**params)}
    if info.unit:
        described["unit"] = info.unit
    if info.title_en:
        described["title_en"] = info.title_en
    if info.description_en:
        described["description_en"] = info.description_en.format(**params)
    return described
