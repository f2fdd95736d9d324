"""The warehouse's reference lists as a file may spell them: regions, centres, sectors, types.

``reference(database)`` reads the lists once per file (``ingest/reference``) into a
``Reference``: for each list, every accepted spelling (French, Arabic and English names, codes,
ISO codes, aliases, the usual misspellings and synonyms), folded, mapped to its code, and the
French names the messages show. Pure: reads the warehouse through ``Database.execute`` only,
no streamlit.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from lib.ingest.text import compact, keys
from lib.warehouse.db import Database

_REGION_WORDS = ("region", "جهه")
_REGION_SPELLINGS = (
    ("saguia", "sakia"), ("houceima", "hoceima"), ("layoune", "laayoune"),
    ("marrakesh", "marrakech"), ("tangier", "tanger"), ("fez", "fes"), ("meknass", "meknes"),
    ("شرقيه", "شرق"),  # « الجهة الشرقية », the Oriental's usual Arabic name
)  # fmt: skip
_CENTRE_WORDS = ("capc", "centre", "center", "ville", "مركز")
_SECTOR_SYNONYMS = {
    "btp": "batiment", "batimenttravauxpublics": "batiment", "agricole": "agriculture",
    "hotellerierestauration": "restauration", "industriel": "industrie",
    "artisan": "artisanat", "service": "services",
}  # fmt: skip
_TYPE_SYNONYMS = {
    "medicale": "medical", "sante": "medical", "famille": "familial",
    "administrative": "administratif", "legal": "juridique", "law": "juridique",
}  # fmt: skip


def region_key(text: str) -> str:
    return compact(text, _REGION_WORDS, _REGION_SPELLINGS)


def centre_key(text: str) -> str:
    return compact(text, _CENTRE_WORDS, _REGION_SPELLINGS)


@dataclass
class Reference:
    """Folded spelling -> code, and code -> French name, for each list of the warehouse."""

    regions: dict[str, int] = field(default_factory=dict)
    region_names: dict[int, str] = field(default_factory=dict)
    region_iso: dict[int, str] = field(default_factory=dict)
    sectors: dict[str, str] = field(default_factory=dict)
    sector_names: dict[str, str] = field(default_factory=dict)
    types: dict[str, str] = field(default_factory=dict)
    type_names: dict[str, str] = field(default_factory=dict)
    centres: dict[str, int] = field(default_factory=dict)
    centre_names: dict[int, str] = field(default_factory=dict)
    centre_regions: dict[int, int] = field(default_factory=dict)
    indicators: set[str] = field(default_factory=set)


def reference(database: Database) -> Reference:
    """The lists as they stand in the warehouse, with every spelling a file may use."""
    ref = Reference()
    for row in database.execute("ingest/reference").itertuples(index=False):
        _ADD[row.list](ref, row)
    for synonym, code in _SECTOR_SYNONYMS.items():
        if code in ref.sector_names:
            ref.sectors.setdefault(synonym, code)
    for synonym, code in _TYPE_SYNONYMS.items():
        if code in ref.type_names:
            ref.types.setdefault(synonym, code)
    ref.centre_names = dict(sorted(ref.centre_names.items()))  # the messages list them so
    return ref


def _add_region(ref: Reference, row) -> None:
    code, iso = int(row.code), str(row.extra)
    ref.region_names[code], ref.region_iso[code] = row.name_fr, iso
    names = (row.name_fr, row.name_ar, row.name_en, row.alias)
    for text in (*names, iso, str(code), f"{code:02d}", f"MA{code}"):
        ref.regions[region_key(text)] = code


def _spellings(row) -> frozenset[str]:
    return keys(row.code, row.name_fr, row.name_ar, row.name_en)


def _add_sector(ref: Reference, row) -> None:
    ref.sector_names[row.code] = row.name_fr
    ref.sectors.update(dict.fromkeys(_spellings(row), row.code))


def _add_type(ref: Reference, row) -> None:
    ref.type_names[row.code] = row.name_fr
    ref.types.update(dict.fromkeys(_spellings(row), row.code))


def _add_centre(ref: Reference, row) -> None:
    centre_id = int(row.code)
    ref.centre_names[centre_id] = row.name_fr
    ref.centre_regions[centre_id] = int(row.region_code)
    for text in (row.code, row.name_fr, row.name_ar, row.name_en):  # a city in any language
        if isinstance(text, str) and text:
            ref.centres[centre_key(text)] = centre_id


def _add_indicator(ref: Reference, row) -> None:
    ref.indicators.add(row.code)


_ADD = {  # the list a reference row belongs to -> where it goes
    "region": _add_region,
    "sector": _add_sector,
    "intervention_type": _add_type,
    "centre": _add_centre,
    "indicator": _add_indicator,
}
