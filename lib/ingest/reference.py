"""The warehouse's reference lists as a file may spell them: regions, centres, sectors, types,
follow-up statuses and closure reasons.

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
# How follow-up sheets also write the statuses and reasons (phrases, folded with ``compact``).
_STATUS_SYNONYMS = {
    "actif": "projet_actif", "active": "projet_actif", "en activité": "projet_actif",
    "running": "projet_actif", "ouvert": "projet_actif", "en marche": "projet_actif",
    "suspendu": "projet_suspendu", "en pause": "projet_suspendu", "paused": "projet_suspendu",
    "arrêt temporaire": "projet_suspendu", "fermé": "projet_ferme", "closed": "projet_ferme",
    "cessé": "projet_ferme", "abandonné": "projet_ferme", "en poste": "en_poste",
    "employé": "en_poste", "employed": "en_poste", "toujours en poste": "en_poste",
    "quitté": "depart", "démission": "depart", "left": "depart", "parti": "depart",
    "renvoyé": "licencie", "licenciement": "licencie", "dismissed": "licencie",
    "fired": "licencie", "prison": "retour_prison", "réincarcéré": "retour_prison",
    "récidive": "retour_prison", "back in prison": "retour_prison",
}  # fmt: skip
_REASON_SYNONYMS = {
    "revenus": "revenus_insuffisants", "pas rentable": "revenus_insuffisants",
    "dette": "dettes", "crédit": "dettes", "local": "local_perdu", "maladie": "sante",
    "health": "sante", "family": "famille", "déménagé": "demenagement", "moved": "demenagement",
    "emploi": "emploi_salarie", "salarié": "emploi_salarie", "job": "emploi_salarie",
    "other": "autre", "divers": "autre",
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
    statuses: dict[str, str] = field(default_factory=dict)
    status_names: dict[str, str] = field(default_factory=dict)
    status_applies: dict[str, str] = field(default_factory=dict)  # beneficiary, placement, both
    needs_reason: set[str] = field(default_factory=set)  # statuses that need a closure reason
    reasons: dict[str, str] = field(default_factory=dict)
    reason_names: dict[str, str] = field(default_factory=dict)


def reference(database: Database) -> Reference:
    """The lists as they stand in the warehouse, with every spelling a file may use."""
    ref = Reference()
    for row in database.execute("ingest/reference").itertuples(index=False):
        _ADD[row.list](ref, row)
    for synonyms, names, spellings in (
        (_SECTOR_SYNONYMS, ref.sector_names, ref.sectors),
        (_TYPE_SYNONYMS, ref.type_names, ref.types),
        (_STATUS_SYNONYMS, ref.status_names, ref.statuses),
        (_REASON_SYNONYMS, ref.reason_names, ref.reasons),
    ):
        for synonym, code in synonyms.items():
            if code in names:
                spellings.setdefault(compact(synonym), code)
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


def _add_status(ref: Reference, row) -> None:
    ref.status_names[row.code] = row.name_fr
    ref.status_applies[row.code] = row.extra
    if row.alias == "needs_reason":
        ref.needs_reason.add(row.code)
    ref.statuses.update(dict.fromkeys(_spellings(row), row.code))


def _add_reason(ref: Reference, row) -> None:
    ref.reason_names[row.code] = row.name_fr
    ref.reasons.update(dict.fromkeys(_spellings(row), row.code))


_ADD = {  # the list a reference row belongs to -> where it goes
    "region": _add_region,
    "sector": _add_sector,
    "intervention_type": _add_type,
    "centre": _add_centre,
    "indicator": _add_indicator,
    "follow_up_status": _add_status,
    "closure_reason": _add_reason,
}
