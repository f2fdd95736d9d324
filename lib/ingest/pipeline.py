"""Import the foundation's own records from the spreadsheets its data officers export.

Four kinds of file (``KINDS``): beneficiaries, placements, interventions and published figures,
each as CSV or XLSX. The import page calls, in this order::

    parsed = parse(data, file_name, kind, database)  # never raises on a bad file
    if not parsed.ok:
        show report(parsed); offer report_csv(parsed)   # nothing can be written
    else:
        show preview(parsed, database).kpis             # how each KPI would move
        batch_id = commit(parsed, database, user)        # one transaction
    rollback(batch_id, database, user)                   # one transaction, restores the state

What files really look like: UTF-8 with or without BOM, Windows-1252 or UTF-16 (Excel's
"texte Unicode"); ``;``, ``,`` or tab, sniffed (Excel's ``sep=`` line is honoured); decimal
comma; thousands separated by spaces, non-breaking spaces or dots; dates as 27/05/2019 or
2019-05-27; region, sector and type names in French, Arabic or English, with or without accents,
or as codes; French, English or Arabic headers; a title above the header row.

Every rule is checked before anything is written, and a file with one error or more writes
nothing. A problem is a message key with parameters (``Problem``); ``describe`` renders it from
``lib/locales`` (``[ingest]``), always saying which cell to fix. No column may carry a name or an
identifier of a person: such a file is refused. Pure: no streamlit.
"""

from __future__ import annotations

import csv
import difflib
import hashlib
import io
import itertools
import math
import re
import time as time_module
import tomllib
import unicodedata
import zipfile
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from functools import cache, lru_cache
from pathlib import Path

import duckdb
import openpyxl
import pandas as pd
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.utils.datetime import from_excel
from openpyxl.worksheet.datavalidation import DataValidation

from lib import i18n
from lib.config import Settings, get_settings
from lib.export import FORMULA_START, csv_bytes
from lib.formatting import format_number
from lib.warehouse.db import Database, fetch, run_script
from lib.warehouse.demo import AGE_BANDS, SUPPORT_TYPES

KINDS = ("beneficiaries", "placements", "interventions", "published_figures")
TABLES = {
    "beneficiaries": "beneficiary",
    "placements": "placement",
    "interventions": "intervention",
    "published_figures": "published_figure",
}
ID_COLUMNS = {
    "beneficiary": "beneficiary_id",
    "placement": "placement_id",
    "intervention": "intervention_id",
    "published_figure": "figure_id",
}
FIRST_YEAR = 2008  # the earliest programme year, placement or intervention a file may hold
FIRST_FIGURE_YEAR = 2000  # published figures may look further back (the foundation: 2002)
# published_figure has no batch_id column: batch b's figures take the ids b * BLOCK + 1, + 2...
FIGURE_ID_BLOCK = 1_000_000
MAX_FIGURE_BATCH = (2**31 - 1) // FIGURE_ID_BLOCK - 1  # figure_id is an INTEGER
MAX_PROBLEMS = 1_000  # problems listed in a report; the rest are counted in one last line
MAX_TEXT = 2_000  # characters in a free-text cell (quote, note)
MAX_AMOUNT = 10**12  # no amount in MAD comes near this; above it is a typing error
UNUSUAL_GRANT_MAD = 1_000_000  # a grant above this is accepted with a warning
XLSX_EXPANSION = 10  # an XLSX may unpack to this many times the upload limit, not more
HEADER_SCAN_ROWS = 10  # the header may sit below a title, within the first rows
SNIFF_RECORDS = 50
SEPARATORS = (";", ",", "\t")
TEMPLATE_SEPARATOR = ";"  # what French Excel opens without asking


# --- Problems and their messages ------------------------------------------------------------


@dataclass(frozen=True)
class Problem:
    """One thing wrong (or worth a look) in a file: a message key, its parameters, a place.

    ``line`` is the row as the spreadsheet shows it (header = 1), ``column`` the header as
    written in the file and ``column_index`` its position (0 = column A); ``value`` the cell
    as read (never filled for a column refused for privacy).
    """

    key: str
    params: Mapping[str, object] = field(default_factory=dict)
    line: int | None = None
    column: str | None = None
    column_index: int | None = None
    value: str | None = None
    severity: str = "error"  # or "warning": shown in the preview, does not block

    @property
    def is_error(self) -> bool:
        return self.severity == "error"

    @property
    def letter(self) -> str | None:
        return None if self.column_index is None else get_column_letter(self.column_index + 1)


class IngestError(Exception):
    """A refused import or rollback; ``problems`` say why (render them with ``describe``)."""

    def __init__(self, problems: list[Problem]):
        self.problems = list(problems)
        super().__init__("; ".join(describe(problem) for problem in self.problems))


class ImportRefused(IngestError):
    """``commit`` refused the file: it has errors, or the warehouse changed since ``parse``."""


class _Bad(Exception):
    """A cell, a column or the whole file is wrong: the message key and its parameters
    (``line``: where in the file, for the problems found while reading it)."""

    def __init__(self, key: str, line: int | None = None, **params):
        super().__init__(key)
        self.key = key
        self.line = line
        self.params = params


@dataclass(frozen=True)
class _Warned:
    """A value accepted with a warning."""

    value: object
    key: str
    params: Mapping[str, object] = field(default_factory=dict)


class _Format(dict):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def _flatten(table: dict, prefix: str = "") -> dict[str, str]:
    flat: dict[str, str] = {}
    for name, value in table.items():
        if isinstance(value, dict):
            flat.update(_flatten(value, f"{prefix}{name}."))
        else:
            flat[f"{prefix}{name}"] = str(value)
    return flat


@cache
def _messages(lang: str) -> dict[str, str]:
    """The language's catalog with ``locales/ingest_<lang>.toml`` on top, while not merged."""
    messages = dict(i18n.catalog(lang))
    extra = i18n.LOCALES_DIR / f"ingest_{lang}.toml"
    if extra.exists():
        with extra.open("rb") as handle:
            messages.update(_flatten(tomllib.load(handle)))
    return messages


def message(key: str, lang: str = "fr", **params) -> str:
    """One ``[ingest]`` message in ``lang`` (French when missing), formatted with ``params``."""
    template = _messages(lang).get(key) or _messages(i18n.DEFAULT_LANGUAGE).get(key) or key
    shown = {name: _shown(value, name in _TYPED) for name, value in params.items()}
    return template.format_map(_Format(shown))


_TYPED = frozenset({"value", "fixed", "example", "column"})  # what the file says: may be long


def _shown(value, shorten: bool) -> str:
    text = "" if value is None else str(value)
    return text if not shorten or len(text) <= 80 else text[:77] + "…"


def where(problem: Problem, lang: str = "fr") -> str:
    """Where to look: the cell, the line, the column or the whole file."""
    params = {"line": problem.line, "letter": problem.letter, "column": problem.column}
    if problem.line is not None and problem.column_index is not None:
        return message("ingest.where.cell", lang, **params)
    if problem.line is not None:
        return message("ingest.where.line", lang, **params)
    if problem.column_index is not None:
        return message("ingest.where.column", lang, **params)
    return message("ingest.where.file", lang)


def describe(problem: Problem, lang: str = "fr") -> str:
    """The problem as a sentence a data officer can act on: where, what, how to fix it."""
    params = {"value": problem.value, "column": problem.column, "line": problem.line}
    params.update(problem.params)
    return f"{where(problem, lang)} : {message(problem.key, lang, **params)}"


# --- Text folding: what makes "Laâyoune", "LAAYOUNE" and "laayoune" the same ---------------

_ARABIC = str.maketrans({"ة": "ه", "ى": "ي", "ـ": None})
_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")
_INVISIBLE = re.compile("[\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff\u00ad]")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_SPACE = re.compile(r"[\s\u00a0\u202f\u2007\u2009]+")
_BRACKETS = re.compile(r"\([^)]*\)|\[[^\]]*\]")
_WORD = re.compile(r"[^\W_]+")
_STOPWORDS = frozenset(
    ("de", "du", "des", "la", "le", "les", "l", "d", "of", "the", "en", "a", "au", "aux", "et")
)


def _fold(text: str) -> str:
    """Lower case, no accents, Arabic letter variants unified (alef, ta marbuta, ya)."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_DIGITS))
    bare = "".join(char for char in decomposed if not unicodedata.combining(char))
    return bare.translate(_ARABIC).casefold()


def _words(text: str, drop: Iterable[str] = ()) -> list[str]:
    words = _WORD.findall(_fold(_BRACKETS.sub(" ", text)))
    words = [word[2:] if word.startswith("ال") and len(word) > 3 else word for word in words]
    dropped = _STOPWORDS.union(drop)
    return [word for word in words if word not in dropped]


def _header_key(text: str) -> str:
    return " ".join(_words(str(text)))


def _compact(text: str, drop: Iterable[str] = (), spellings: tuple = ()) -> str:
    key = "".join(_words(str(text), drop))
    for wrong, right in spellings:
        key = key.replace(wrong, right)
    return key


_REGION_WORDS = ("region", "جهه")
_REGION_SPELLINGS = (
    ("saguia", "sakia"), ("houceima", "hoceima"), ("layoune", "laayoune"),
    ("marrakesh", "marrakech"), ("tangier", "tanger"), ("fez", "fes"), ("meknass", "meknes"),
)  # fmt: skip
_CENTRE_WORDS = ("capc", "centre", "center", "ville", "مركز")


def _region_key(text: str) -> str:
    return _compact(text, _REGION_WORDS, _REGION_SPELLINGS)


def _centre_key(text: str) -> str:
    return _compact(text, _CENTRE_WORDS, _REGION_SPELLINGS)


def _keys(*texts: str) -> frozenset[str]:
    return frozenset(_compact(text) for text in texts)


# --- The columns of each kind of file -------------------------------------------------------


@dataclass(frozen=True)
class Field:
    """One column of a kind of file: the record column it fills and the headers that name it."""

    name: str  # the column of the record table
    header: str  # the French header of the template
    parser: str  # how a cell is read (see _PARSERS)
    aliases: tuple[str, ...] = ()  # other headers (French, English, Arabic); folded on use
    required: bool = True  # an optional column may be absent or empty: ``default`` then
    default: object = None
    example: object = None  # the template's example row


_YEAR = ("annee", "year", "programme year", "annee programme", "exercice", "سنه")
_REGION = ("region", "region code", "code region", "nom region", "region name", "جهه")
_SECTOR = ("secteur", "sector", "sector code", "code secteur", "secteur activite", "nom secteur",
           "sector name", "activite", "قطاع")  # fmt: skip
_SEX = ("sexe", "sex", "genre", "gender", "جنس")
_AGE = ("tranche age", "age band", "age", "tranche", "classe age", "age group", "فئه عمريه",
        "عمر", "سن")  # fmt: skip

FIELDS: dict[str, tuple[Field, ...]] = {
    "beneficiaries": (
        Field("programme_year", "Année du programme", "year", _YEAR, example=2019),
        Field("region_code", "Région", "region", _REGION, example="Casablanca-Settat"),
        Field("sector_code", "Secteur", "sector", _SECTOR, example="Commerce"),
        Field("sex", "Sexe", "sex", _SEX, example="F"),
        Field("age_band", "Tranche d'âge", "age_band", _AGE, example="25-34"),
        Field("support_type", "Type d'appui", "support_type",
              ("type appui", "type soutien", "support type", "type support", "type",
               "type accompagnement", "nature appui", "type projet", "modalite", "نوع دعم"),
              example="micro-projet"),
        Field("grant_mad", "Montant de la subvention (MAD)", "grant",
              ("montant", "subvention", "grant", "grant mad", "montant subvention",
               "montant accorde", "aide", "montant aide", "budget", "cout", "cout projet",
               "financement", "amount", "grant amount", "منحه", "مبلغ"),
              example=25000),
        Field("is_moussalaha", "Moussalaha", "boolean",
              ("moussalaha", "mousalaha", "is moussalaha", "programme moussalaha", "مصالحه"),
              required=False, default=False, example="non"),
        Field("is_former_cpe", "Ancien pensionnaire CPE", "boolean",
              ("ancien cpe", "former cpe", "is former cpe", "cpe", "ex cpe",
               "ancien pensionnaire centre protection enfance", "ancien pensionnaire"),
              required=False, default=False, example="non"),
        Field("is_royal_handover", "Remise royale", "boolean",
              ("royal handover", "is royal handover", "remise royale", "remise par roi",
               "remise sm roi", "remise royal"),
              required=False, default=False, example="non"),
    ),
    "placements": (
        Field("year", "Année", "year", (*_YEAR, "annee placement", "placement year"),
              example=2019),
        Field("region_code", "Région", "region", _REGION, example="Casablanca-Settat"),
        Field("sector_code", "Secteur", "sector", _SECTOR, example="Industrie"),
        Field("sex", "Sexe", "sex", _SEX, example="M"),
        Field("age_band", "Tranche d'âge", "age_band", _AGE, example="18-24"),
    ),
    "interventions": (
        Field("intervention_date", "Date de l'intervention", "date",
              ("date", "date intervention", "intervention date", "jour", "تاريخ"),
              example=date(2019, 5, 27)),
        Field("centre_id", "Centre", "centre",
              ("centre", "centre id", "capc", "centre capc", "code centre", "ville centre",
               "ville", "center", "center id", "centre ville", "nom centre", "nom capc", "مركز"),
              example="Casablanca"),
        Field("region_code", "Région", "region", _REGION, required=False,
              example="Casablanca-Settat"),
        Field("type_code", "Type d'intervention", "intervention_type",
              ("type", "type intervention", "intervention type", "type code", "nature",
               "nature intervention", "نوع", "نوع تدخل"),
              example="Social"),
        Field("sex", "Sexe", "sex", _SEX, example="M"),
    ),
    "published_figures": (
        Field("indicator", "Indicateur", "indicator", ("indicateur", "indicator",
              "code indicateur", "nom indicateur"), example="programme_beneficiaries"),
        Field("value", "Valeur", "value", ("valeur", "value", "chiffre", "nombre"),
              example="512"),
        Field("unit", "Unité", "unit", ("unite", "unit", "unites"), example="personnes"),
        Field("qualifier", "Qualificatif", "qualifier",
              ("qualificatif", "qualifier", "precision", "exactitude"),
              required=False, default="exact", example="exact"),
        Field("period", "Période", "period", ("periode", "period", "annee", "year"),
              example="2020"),
        Field("scope", "Périmètre", "scope",
              ("perimetre", "scope", "portee", "champ", "niveau", "zone", "region"),
              required=False, default="national", example="national"),
        Field("source_title", "Source", "text",
              ("source", "titre source", "source title", "media", "publication"),
              example="Rapport annuel de la Fondation"),
        Field("source_url", "Lien de la source", "url",
              ("lien", "url", "source url", "lien source", "adresse web", "adresse source",
               "url source", "link", "site"),
              required=False, example="https://example.org/rapport-2020"),
        Field("source_date", "Date de la source", "figure_date",
              ("date source", "source date", "date publication", "publication date", "date"),
              required=False, example=date(2021, 3, 15)),
        Field("quote", "Citation", "text", ("citation", "quote", "extrait"), required=False,
              example="512 anciens détenus ont bénéficié du programme"),
        Field("note", "Note", "text",
              ("note", "notes", "remarque", "remarques", "commentaire", "commentaires",
               "observation", "observations"),
              required=False, example=""),
    ),
}  # fmt: skip

RECORD_COLUMNS = {kind: tuple(f.name for f in fields) for kind, fields in FIELDS.items()}
_DTYPES = {
    "programme_year": "int16", "year": "int16", "region_code": "int8", "centre_id": "int16",
    "grant_mad": "int64", "is_moussalaha": "bool", "is_former_cpe": "bool",
    "is_royal_handover": "bool", "value": "float64",
}  # fmt: skip


@cache
def _aliases(kind: str) -> dict[str, Field]:
    """Folded header -> field, for one kind."""
    table: dict[str, Field] = {}
    for spec in FIELDS[kind]:
        for alias in (spec.header, spec.name, *spec.aliases):
            table.setdefault(_header_key(alias), spec)
    return table


# Headers that name or identify a person: the file is refused (privacy rule of the schema).
_PERSON_WORDS = frozenset(
    ("nom", "noms", "prenom", "prenoms", "name", "names", "firstname", "lastname", "surname",
     "fullname", "forename", "cin", "cni", "cine", "cnie", "telephone", "tel", "phone", "gsm",
     "mobile", "portable", "whatsapp", "adresse", "address", "addresse", "email", "mail",
     "courriel", "naissance", "birth", "birthday", "birthdate", "dob", "passeport", "passport",
     "ecrou", "matricule", "identifiant", "identifier", "id", "rib", "iban", "cnss", "signature",
     "photo", "domicile", "ssn", "اسم", "لقب", "هاتف", "عنوان", "بطاقه", "ازدياد", "ولاده", "رقم")
)  # fmt: skip
_ID_WORDS = frozenset(("code", "numero", "num", "n", "no", "nr", "ref", "reference"))
_PERSON_SUBJECTS = frozenset(
    ("beneficiaire", "beneficiary", "personne", "person", "detenu", "detenue", "detainee",
     "dossier", "client", "carte", "identite", "national", "nationale")
)  # fmt: skip
_ROW_NUMBER_HEADERS = frozenset({"n", "no", "num", "numero", "nr", "#", "n°", "nº"})


def _looks_personal(header: str) -> bool:
    words = set(_words(header)) | set(_WORD.findall(_fold(header)))
    if header.strip().casefold() in _ROW_NUMBER_HEADERS or _header_key(header) in {
        "n",
        "no",
        "num",
        "numero",
        "nr",
    }:
        return True
    if words & _PERSON_WORDS:
        return True
    return bool(words & _ID_WORDS and words & _PERSON_SUBJECTS)


# --- Reference lists ------------------------------------------------------------------------


@dataclass(frozen=True)
class _Reference:
    regions: dict[str, int]
    region_names: dict[int, str]
    region_iso: dict[int, str]
    sectors: dict[str, str]
    sector_names: dict[str, str]
    types: dict[str, str]
    type_names: dict[str, str]
    centres: dict[str, int]
    centre_names: dict[int, str]
    centre_regions: dict[int, int]
    indicators: frozenset[str]


_SECTOR_SYNONYMS = {
    "btp": "batiment", "batimenttravauxpublics": "batiment", "agricole": "agriculture",
    "hotellerierestauration": "restauration", "industriel": "industrie",
    "artisan": "artisanat", "service": "services",
}  # fmt: skip
_TYPE_SYNONYMS = {
    "medicale": "medical", "sante": "medical", "famille": "familial",
    "administrative": "administratif", "legal": "juridique", "law": "juridique",
}  # fmt: skip


def _reference(database: Database) -> _Reference:
    lists = database.execute("ingest/reference")
    regions, region_names, region_iso = {}, {}, {}
    sectors, sector_names, types, type_names = {}, {}, {}, {}
    centres, centre_names, centre_regions = {}, {}, {}
    indicators = set()
    for row in lists.itertuples(index=False):
        names = (row.name_fr, row.name_ar, row.name_en)
        if row.list == "region":
            code = int(row.code)
            iso = str(row.extra)
            region_names[code], region_iso[code] = row.name_fr, iso
            for text in (*names, row.alias, iso, str(code), f"{code:02d}", f"MA{code}"):
                regions[_region_key(text)] = code
        elif row.list == "sector":
            sector_names[row.code] = row.name_fr
            sectors.update(dict.fromkeys(_keys(row.code, *names), row.code))
        elif row.list == "intervention_type":
            type_names[row.code] = row.name_fr
            types.update(dict.fromkeys(_keys(row.code, *names), row.code))
        elif row.list == "centre":
            centre_id = int(row.code)
            centre_names[centre_id] = row.name_fr  # sorted below
            centre_regions[centre_id] = int(row.region_code)
            for text in (row.code, row.name_fr):
                centres[_centre_key(text)] = centre_id
        elif row.list == "indicator":
            indicators.add(row.code)
    for synonym, code in _SECTOR_SYNONYMS.items():
        if code in sector_names:
            sectors.setdefault(synonym, code)
    for synonym, code in _TYPE_SYNONYMS.items():
        if code in type_names:
            types.setdefault(synonym, code)
    centre_names = dict(sorted(centre_names.items()))
    return _Reference(
        regions,
        region_names,
        region_iso,
        sectors,
        sector_names,
        types,
        type_names,
        centres,
        centre_names,
        centre_regions,
        frozenset(indicators),
    )


# --- Reading cells --------------------------------------------------------------------------


def _today() -> date:
    return date.today()


def _display(raw) -> str:
    """A cell as the data officer typed it (near enough), for the report."""
    if raw is None:
        return ""
    if isinstance(raw, datetime):
        return raw.date().isoformat() if raw.time() == time() else raw.isoformat(sep=" ")
    if isinstance(raw, float) and raw.is_integer():
        return str(int(raw))
    return str(raw)


def _text_of(raw) -> str:
    """A non-text cell (number typed in XLSX) as text, for the columns that hold codes."""
    if isinstance(raw, bool | datetime | date | time):
        raise TypeError
    return _display(raw)


def _clean(raw):
    """Strip spaces and invisible marks; an empty cell is None."""
    if raw is None:
        return None
    if type(raw) is str:
        return _clean_text(raw)
    if isinstance(raw, float) and math.isnan(raw):
        return None
    return raw


@lru_cache(maxsize=65_536)  # the same few values fill whole columns
def _clean_text(raw: str) -> str | None:
    text = _CONTROL.sub("", _INVISIBLE.sub("", raw))
    return text.strip(" \t\r\n\u00a0\u202f\u2007\u2009\u3000") or None


def _mojibake(text: str) -> str | None:
    """UTF-8 read as Windows-1252 ("FÃ¨s" for "Fès"): the repaired text, or None if fine."""
    if text.isascii():
        return None
    runs = re.findall(r"[^\x00-\x7f]{2,}", text)
    for run in runs:
        try:
            fixed = run.encode("cp1252").decode("utf-8")
        except (UnicodeEncodeError, UnicodeDecodeError):
            continue
        if fixed != run:
            try:
                return text.encode("cp1252").decode("utf-8")
            except (UnicodeEncodeError, UnicodeDecodeError):
                return text.replace(run, fixed)
    return None


_NUMBER_SUFFIX = re.compile(r"\s*(mad|dhs?|dirhams?|%)\.?$", re.IGNORECASE)
_SPACED = re.compile(r"^\d{1,3}( \d{3})+([.,]\d+)?$")
_SCIENTIFIC = re.compile(r"^\d+(?:[.,]\d+)?[eE][+-]?\d+$")


def _number(raw, integer: bool = False) -> float:
    """A number as people write it: 13 500 000, 13.500.000, 13,5, 25 000,50, 1.35E+07."""
    if isinstance(raw, bool | datetime | date | time):
        raise _Bad("ingest.error.invalid_number")
    value = float(raw) if isinstance(raw, int | float) else _number_text(str(raw), integer)
    if not math.isfinite(value) or abs(value) >= MAX_AMOUNT:
        raise _Bad("ingest.error.invalid_number")
    return value


def _number_text(text: str, integer: bool) -> float:
    body = _NUMBER_SUFFIX.sub("", text.translate(_DIGITS).strip()).strip()
    body = body.replace("\u2212", "-").replace("'", " ").replace("’", " ")
    negative = False
    if body.startswith("(") and body.endswith(")"):
        negative, body = True, body[1:-1].strip()
    if body[:1] in "+-":
        negative, body = body[0] == "-", body[1:].strip()
    body = _SPACE.sub(" ", body)
    if _SCIENTIFIC.match(body):
        number = float(body.replace(",", "."))
    elif " " in body:
        if not _SPACED.match(body):
            raise _Bad("ingest.error.invalid_number")
        number = float(body.replace(" ", "").replace(",", "."))
    elif "," in body and "." in body:
        decimal = "," if body.rfind(",") > body.rfind(".") else "."
        thousands = "." if decimal == "," else ","
        pattern = rf"^\d{{1,3}}(\{thousands}\d{{3}})+\{decimal}\d+$"
        if not re.match(pattern, body):
            raise _Bad("ingest.error.invalid_number")
        number = float(body.replace(thousands, "").replace(decimal, "."))
    elif "," in body:
        if body.count(",") > 1:
            if not re.match(r"^\d{1,3}(,\d{3})+$", body):
                raise _Bad("ingest.error.invalid_number")
            number = float(body.replace(",", ""))
        elif integer and re.match(r"^[1-9]\d{0,2},\d{3}$", body):
            raise _Bad("ingest.error.ambiguous_number")
        elif re.match(r"^\d+,\d+$", body):
            number = float(body.replace(",", "."))
        else:
            raise _Bad("ingest.error.invalid_number")
    elif "." in body:
        if re.match(r"^\d{1,3}(\.\d{3}){2,}$", body) or re.match(r"^[1-9]\d{0,2}\.\d{3}$", body):
            number = float(body.replace(".", ""))  # 13.500.000 and 9.183: French thousands
        elif re.match(r"^\d+\.\d+$", body):
            number = float(body)
        else:
            raise _Bad("ingest.error.invalid_number")
    elif re.match(r"^\d+$", body):
        number = float(body)
    else:
        raise _Bad("ingest.error.invalid_number")
    return -number if negative else number


_MONTHS = {"janvier": 1, "fevrier": 2, "mars": 3, "avril": 4, "mai": 5, "juin": 6, "juillet": 7,
           "aout": 8, "septembre": 9, "octobre": 10, "novembre": 11, "decembre": 12}  # fmt: skip
_ISO_DATE = re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2})?)?$")
_SLASH_DATE = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})(?: \d{1,2}:\d{2}(?::\d{2})?)?$")
_SHORT_DATE = re.compile(r"^\d{1,2}[/.-]\d{1,2}[/.-]\d{2}$")
_WORD_DATE = re.compile(r"^(\d{1,2})(?:er)? ([a-z]+) (\d{4})$")


def _make_date(year: int, month: int, day: int) -> date:
    try:
        return date(year, month, day)
    except ValueError:
        raise _Bad("ingest.error.invalid_date") from None


def _check_date(value: date, first_year: int) -> date:
    if value > _today():
        raise _Bad("ingest.error.future_date", today=_today().strftime("%d/%m/%Y"))
    if value.year < first_year:
        raise _Bad("ingest.error.date_too_old", min=f"01/01/{first_year}")
    return value


def _date_column(values: list, first_year: int) -> dict[object, object]:
    """Parse every distinct date of a column at once: slash dates are read as JJ/MM/AAAA,
    unless the column also holds MM/JJ dates (05/27/2019), which makes 03/04/2019 ambiguous."""
    month_first = None  # a text that only reads as MM/JJ/AAAA
    for raw in values:
        if isinstance(raw, str):
            match = _SLASH_DATE.match(raw.translate(_DIGITS))
            if match and int(match[1]) <= 12 < int(match[2]) <= 31:
                month_first = raw
                break
    outcomes: dict[object, object] = {}
    for raw in values:
        try:
            outcomes[_key(raw)] = _check_date(_date(raw, month_first), first_year)
        except _Bad as bad:
            outcomes[_key(raw)] = bad
    return outcomes


def _date(raw, month_first: str | None) -> date:
    if isinstance(raw, datetime):
        return raw.date()
    if isinstance(raw, date):
        return raw
    if isinstance(raw, bool | time):
        raise _Bad("ingest.error.invalid_date")
    if isinstance(raw, int | float):  # an XLSX cell formatted as a number: Excel's serial
        if not 1 <= raw < 2_958_466:
            raise _Bad("ingest.error.invalid_date")
        return from_excel(raw).date()
    text = _fold(str(raw)).strip()
    if match := _ISO_DATE.match(text):
        return _make_date(int(match[1]), int(match[2]), int(match[3]))
    if match := _SLASH_DATE.match(text):
        first, second, year = int(match[1]), int(match[2]), int(match[3])
        if month_first is not None:
            if first <= 12 < second:
                raise _Bad("ingest.error.month_day_order")
            if first != second and first <= 12 and second <= 12:
                raise _Bad("ingest.error.ambiguous_date", example=month_first)
        if second > 12 and first <= 12:
            raise _Bad("ingest.error.month_day_order")
        return _make_date(year, second, first)
    if (match := _WORD_DATE.match(text)) and match[2] in _MONTHS:
        return _make_date(int(match[3]), _MONTHS[match[2]], int(match[1]))
    if _SHORT_DATE.match(text):
        raise _Bad("ingest.error.two_digit_year")
    raise _Bad("ingest.error.invalid_date")


def _year(raw, ref: _Reference) -> int:
    if isinstance(raw, bool | datetime | date | time):
        raise _Bad("ingest.error.invalid_year", min=FIRST_YEAR, max=_today().year)
    if isinstance(raw, int | float):
        number = float(raw)
    else:
        text = str(raw).translate(_DIGITS).strip()
        if not re.match(r"^\d{4}(?:[.,]0+)?$", text):
            raise _Bad("ingest.error.invalid_year", min=FIRST_YEAR, max=_today().year)
        number = float(text[:4])
    if not number.is_integer():
        raise _Bad("ingest.error.invalid_year", min=FIRST_YEAR, max=_today().year)
    if not FIRST_YEAR <= number <= _today().year:
        raise _Bad("ingest.error.year_out_of_range", min=FIRST_YEAR, max=_today().year)
    return int(number)


def _lookup(raw, table: dict[str, object], key: Callable[[str], str] = _compact):
    try:
        text = _text_of(raw)
    except TypeError:
        return None
    return table.get(key(text))


def _suggest(raw, table: dict[str, object], names: dict) -> str | None:
    try:
        wanted = _compact(_text_of(raw))
    except TypeError:
        return None
    close = difflib.get_close_matches(wanted, list(table), n=1, cutoff=0.75)
    return names.get(table[close[0]]) if close else None


def _region(raw, ref: _Reference) -> int:
    code = _lookup(raw, ref.regions, _region_key)
    if code is None:
        suggestion = _suggest(raw, ref.regions, ref.region_names)
        if suggestion:
            raise _Bad("ingest.error.unknown_region_suggest", suggestion=suggestion)
        raise _Bad("ingest.error.unknown_region")
    return code


def _sector(raw, ref: _Reference) -> str:
    code = _lookup(raw, ref.sectors)
    if code is None:
        raise _Bad("ingest.error.unknown_sector", allowed=", ".join(ref.sector_names.values()))
    return code


def _intervention_type(raw, ref: _Reference) -> str:
    code = _lookup(raw, ref.types)
    if code is None:
        allowed = ", ".join(ref.type_names.values())
        raise _Bad("ingest.error.unknown_intervention_type", allowed=allowed)
    return code


def _centre(raw, ref: _Reference) -> int:
    centre_id = _lookup(raw, ref.centres, _centre_key)
    if centre_id is None:
        allowed = ", ".join(f"{name} ({key})" for key, name in ref.centre_names.items())
        raise _Bad("ingest.error.unknown_centre", allowed=allowed)
    return centre_id


def _choices(**words: tuple[str, ...]) -> dict[str, str]:
    return {_compact(word): value for value, spelled in words.items() for word in spelled}


_SEXES = _choices(
    F=("f", "femme", "femmes", "feminin", "feminine", "female", "woman", "women", "fille",
       "أنثى", "انثى", "إناث", "امرأة", "نساء"),
    M=("m", "h", "homme", "hommes", "masculin", "male", "man", "men", "garcon", "ذكر", "ذكور",
       "رجل", "رجال"),
)  # fmt: skip
_SUPPORT_TYPES = _choices(
    micro_projet=("micro_projet", "micro-projet", "micro projet", "microprojet", "micro-projets",
                  "micro-project", "micro project", "projet", "مشروع صغير", "مشروع"),
    auto_emploi=("auto_emploi", "auto-emploi", "auto emploi", "autoemploi", "self-employment",
                 "self employment", "auto-entrepreneur", "التشغيل الذاتي"),
)  # fmt: skip
_BOOLEANS = {
    **dict.fromkeys(_keys("oui", "o", "yes", "y", "1", "vrai", "true", "x", "نعم"), True),
    **dict.fromkeys(_keys("non", "n", "no", "0", "faux", "false", "لا"), False),
}
_QUALIFIERS = _choices(
    exact=("exact", "exacte", "exactement", "exactly"),
    approx=("approx", "approx.", "approximatif", "approximativement", "environ", "près de",
            "pres", "around", "about", "approximately", "circa", "ca", "تقريبا"),
    at_least=("at_least", "at least", "au moins", "plus de", "minimum", "min",
              "supérieur à", "more than", "أكثر من"),
)  # fmt: skip
_QUALIFIER_SIGNS = {"=": "exact", "~": "approx", "≈": "approx", "≥": "at_least",
                    ">=": "at_least", ">": "at_least", "+": "at_least"}  # fmt: skip
_UNITS = _choices(
    MAD=("mad", "dh", "dhs", "dirham", "dirhams", "درهم"),
    persons=("persons", "personnes", "personne", "bénéficiaires", "people", "anciens détenus",
             "détenus"),
    projects=("projects", "projets", "micro-projets"),
    percent=("percent", "%", "pourcent", "pourcentage", "pct"),
    interventions=("interventions",),
    cities=("cities", "villes"),
    regions=("regions", "régions"),
)  # fmt: skip
_MILLION_UNITS = _keys("mdh", "mmad", "millions de dirhams", "million de dirhams", "m mad")
_NATIONAL = _keys("national", "nationale", "maroc", "morocco", "royaume", "المغرب", "وطني")


def _choice(raw, table: dict, key: str, **params):
    value = _lookup(raw, table)
    if value is None:
        raise _Bad(key, **params)
    return value


def _sex(raw, ref: _Reference) -> str:
    return _choice(raw, _SEXES, "ingest.error.invalid_sex")


def _support_type(raw, ref: _Reference) -> str:
    return _choice(raw, _SUPPORT_TYPES, "ingest.error.invalid_support_type")


def _boolean(raw, ref: _Reference) -> bool:
    if isinstance(raw, bool):
        return raw
    if isinstance(raw, str) and raw.strip() in {"✓", "✔", "☑", "X"}:
        return True
    return _choice(raw, _BOOLEANS, "ingest.error.invalid_boolean")


def _age_band(raw, ref: _Reference) -> str:
    allowed = ", ".join(AGE_BANDS)
    if isinstance(raw, int | float) and not isinstance(raw, bool):
        age = raw
    elif isinstance(raw, str):
        text = _fold(raw).replace("ans", "").replace("years", "").replace("سنه", "")
        text = re.sub(r"\s*(?:-|–|—|−|à|a|to|الى)\s*", "-", text.strip())
        text = re.sub(r"\s+", "", text)
        if text in AGE_BANDS:
            return text
        oldest = AGE_BANDS[-1].rstrip("+")
        if re.fullmatch(
            rf"(?:\+|>=|≥|plusde|plus)?{oldest}(?:\+|etplus|ouplus|plus|andover|"
            r"andmore|ormore|فمافوق|واكثر)?",
            text,
        ):
            return AGE_BANDS[-1]
        if not re.fullmatch(r"\d{1,3}", text):
            raise _Bad("ingest.error.invalid_age_band", allowed=allowed)
        age = int(text)
    else:
        raise _Bad("ingest.error.invalid_age_band", allowed=allowed)
    if not float(age).is_integer():
        raise _Bad("ingest.error.invalid_age_band", allowed=allowed)
    for band in AGE_BANDS:  # an age in years is stored as its band only
        low, _, high = band.rstrip("+").partition("-")
        if int(low) <= age <= (int(high) if high else 120):
            return band
    raise _Bad("ingest.error.age_out_of_range", allowed=allowed)


def _grant(raw, ref: _Reference) -> int | _Warned:
    amount = _number(raw, integer=True)
    if amount < 0:
        raise _Bad("ingest.error.negative_amount")
    rounded = math.floor(amount + 0.5)
    if rounded != amount:
        return _Warned(rounded, "ingest.warning.grant_rounded", {"rounded": rounded})
    if rounded > UNUSUAL_GRANT_MAD:
        return _Warned(rounded, "ingest.warning.grant_unusual", {"limit": UNUSUAL_GRANT_MAD})
    return rounded


def _value(raw, ref: _Reference) -> float:
    value = _number(raw)
    if value < 0:
        raise _Bad("ingest.error.negative_value")
    return value


def _indicator(raw, ref: _Reference) -> str | _Warned:
    try:
        text = _fold(_text_of(raw)).strip()
    except TypeError:
        raise _Bad("ingest.error.invalid_indicator") from None
    indicator = re.sub(r"[\s\-.]+", "_", text)
    if not re.fullmatch(r"[a-z][a-z0-9_]{1,62}", indicator):
        raise _Bad("ingest.error.invalid_indicator")
    if indicator not in ref.indicators:
        return _Warned(indicator, "ingest.warning.new_indicator", {"indicator": indicator})
    return indicator


def _unit(raw, ref: _Reference) -> str | _Warned:
    text = _text_of(raw)
    if _compact(text) in _MILLION_UNITS:
        raise _Bad("ingest.error.unit_in_millions")
    if text.strip() == "%":
        return "percent"
    unit = _UNITS.get(_compact(text))
    if unit is None:
        if len(text) > 40:
            raise _Bad("ingest.error.invalid_unit")
        return _Warned(text, "ingest.warning.new_unit", {"unit": text})
    return unit


def _qualifier(raw, ref: _Reference) -> str:
    text = _text_of(raw).strip()
    if text in _QUALIFIER_SIGNS:
        return _QUALIFIER_SIGNS[text]
    return _choice(raw, _QUALIFIERS, "ingest.error.invalid_qualifier")


def _period(raw, ref: _Reference) -> str:
    params = {"min": FIRST_FIGURE_YEAR, "max": _today().year}
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)
    if isinstance(raw, int) and not isinstance(raw, bool):
        raw = str(raw)
    if not isinstance(raw, str):
        raise _Bad("ingest.error.invalid_period", **params)
    text = raw.translate(_DIGITS).strip()
    match = re.fullmatch(r"(\d{4})(?:\.0+)?(?:\s*[-–—/]\s*(\d{4}))?", text)
    if not match:
        raise _Bad("ingest.error.invalid_period", **params)
    first = int(match[1])
    last = int(match[2]) if match[2] else first
    if not (FIRST_FIGURE_YEAR <= first <= last <= _today().year):
        raise _Bad("ingest.error.invalid_period", **params)
    return str(first) if first == last else f"{first}-{last}"


def _scope(raw, ref: _Reference) -> str:
    try:
        if _compact(_text_of(raw)) in _NATIONAL:
            return "national"
    except TypeError:
        pass
    code = _lookup(raw, ref.regions, _region_key)
    if code is None:
        raise _Bad("ingest.error.invalid_scope")
    return ref.region_iso[code]


_EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+")
_PHONE = re.compile(r"(?<!\d)(?:\+212|00212|0)\s?[5-7](?:[\s.-]?\d){8}(?!\d)")
_CIN = re.compile(r"\b[A-Z]{1,2}\d{5,6}\b")


def _text(raw, ref: _Reference) -> str | _Warned:
    text = _display(raw)
    if len(text) > MAX_TEXT:
        raise _Bad("ingest.error.text_too_long", max=MAX_TEXT)
    if _EMAIL.search(text) or _PHONE.search(text) or _CIN.search(text):
        raise _Bad("ingest.error.personal_data_value")
    if text.startswith(FORMULA_START):
        return _Warned(text, "ingest.warning.formula_text")
    return text


def _url(raw, ref: _Reference) -> str:
    text = _display(raw).strip()
    if not re.fullmatch(r"https?://[^\s/$.?#][^\s]*", text, flags=re.IGNORECASE):
        raise _Bad("ingest.error.invalid_url")
    if len(text) > MAX_TEXT:
        raise _Bad("ingest.error.text_too_long", max=MAX_TEXT)
    return text


_PARSERS: dict[str, Callable] = {
    "year": _year, "region": _region, "sector": _sector, "sex": _sex, "age_band": _age_band,
    "support_type": _support_type, "grant": _grant, "boolean": _boolean,
    "intervention_type": _intervention_type, "centre": _centre, "indicator": _indicator,
    "value": _value, "unit": _unit, "qualifier": _qualifier, "period": _period, "scope": _scope,
    "url": _url, "text": _text,
}  # fmt: skip


def _key(raw):
    """A dictionary key that keeps 1, 1.0, True and "1" apart."""
    return raw if type(raw) is str else (type(raw).__name__, raw)


# --- Reading files --------------------------------------------------------------------------


@dataclass
class _Table:
    """The non-blank rows of a file as (spreadsheet line, cells), before any interpretation."""

    records: list[tuple[int, list]]
    truncated: bool  # more rows than the limit: reading stopped
    file_format: str
    encoding: str | None = None
    separator: str | None = None
    sheet: str | None = None


def _is_blank(cells: list) -> bool:
    return all(_clean(cell) is None for cell in cells)


def _read(data: bytes, settings: Settings, kinds: tuple[str, ...]) -> _Table:
    limit = settings.max_upload_mb * 1024 * 1024
    if len(data) > limit:
        size = f"{len(data) / 1024 / 1024:.1f}".replace(".", ",")
        raise _Bad("ingest.error.file_too_large", size_mb=size, max_mb=settings.max_upload_mb)
    if not data.strip():
        raise _Bad("ingest.error.empty_file")
    head = data[:8]
    if head.startswith(b"PK\x03\x04"):
        return _read_xlsx(data, settings, kinds)
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        raise _Bad("ingest.error.unsupported_format", format="XLS (Excel 97-2003)")
    if head.startswith(b"%PDF"):
        raise _Bad("ingest.error.unsupported_format", format="PDF")
    return _read_csv(data, settings)


def _decode(data: bytes) -> tuple[str, str]:
    for bom, encoding in (
        (b"\xef\xbb\xbf", "utf-8"),
        (b"\xff\xfe", "utf-16-le"),
        (b"\xfe\xff", "utf-16-be"),
    ):
        if data.startswith(bom):
            try:
                return data[len(bom) :].decode(encoding), f"{encoding} (BOM)"
            except UnicodeDecodeError as error:
                line = data[: error.start].count(b"\n") + 1
                raise _Bad("ingest.error.bad_encoding", line=line) from None
    if b"\x00" in data:
        raise _Bad("ingest.error.not_a_table")
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252"), "cp1252"
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise _Bad("ingest.error.bad_encoding", line=line) from None


def _records(text: str, separator: str) -> Iterator[list[str]]:
    return csv.reader(io.StringIO(text, newline=""), delimiter=separator, quotechar='"')


def _sniff(text: str) -> str:
    best, best_score = SEPARATORS[0], None
    for separator in SEPARATORS:
        try:
            sample = [r for r in itertools.islice(_records(text, separator), SNIFF_RECORDS)]
        except csv.Error:
            continue
        counts = [len(r) for r in sample if not _is_blank(r)]
        if not counts:  # nothing but this separator and spaces: an empty table
            return separator
        common = Counter(counts).most_common(1)[0][0]
        score = (counts[0] > 1, counts.count(common) / len(counts), counts[0])
        if best_score is None or score > best_score:
            best, best_score = separator, score
    return best


def _read_csv(data: bytes, settings: Settings) -> _Table:
    text, encoding = _decode(data)
    if len(_CONTROL.findall(text)) > max(5, len(text) // 100):
        raise _Bad("ingest.error.not_a_table")
    if text.lstrip().lower().startswith(("<html", "<!doctype", "<?xml", "<table")):
        raise _Bad("ingest.error.unsupported_format", format="HTML/XML")
    forced = re.match(r'"?sep=(.)"?[ \t]*\r?\n', text, flags=re.IGNORECASE)
    if forced:  # Excel's hint line: Excel hides it, so it does not count as a line
        text = text[forced.end() :]
    separator = forced[1] if forced else _sniff(text)
    limit = settings.max_upload_rows + HEADER_SCAN_ROWS + 1
    records, truncated = [], False
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=separator, quotechar='"')
    try:
        for line, cells in enumerate(reader, start=1):
            if _is_blank(cells):
                continue
            if len(records) >= limit:
                truncated = True
                break
            records.append((line, cells))
    except csv.Error as error:
        line = len(records) + 1 if not records else records[-1][0] + 1
        raise _Bad("ingest.error.malformed_csv", line=line, detail=str(error)) from None
    if text.count('"') % 2 and records and not truncated:  # the lenient reader ran to the end
        opened = next((line for line, cells in records if any("\n" in c for c in cells)), None)
        raise _Bad("ingest.error.unclosed_quote", line=opened or records[-1][0])
    return _Table(records, truncated, "csv", encoding=encoding, separator=separator)


def _read_xlsx(data: bytes, settings: Settings, kinds: tuple[str, ...]) -> _Table:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        names = set(archive.namelist())
        unpacked = sum(info.file_size for info in archive.infolist())
        mimetype = archive.read("mimetype") if "mimetype" in names else b""
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, KeyError, ValueError):
        raise _Bad("ingest.error.unreadable_xlsx") from None
    if b"opendocument" in mimetype:
        raise _Bad("ingest.error.unsupported_format", format="OpenDocument (.ods)")
    if "xl/workbook.xml" not in names:
        raise _Bad("ingest.error.unsupported_format", format="ZIP")
    if unpacked > XLSX_EXPANSION * settings.max_upload_mb * 1024 * 1024:
        raise _Bad("ingest.error.xlsx_too_large", max_mb=settings.max_upload_mb)
    try:
        return _xlsx_table(data, settings, kinds)
    except _Bad:
        raise
    except Exception:  # openpyxl raises many kinds of error on a damaged workbook
        raise _Bad("ingest.error.unreadable_xlsx") from None


def _xlsx_table(data: bytes, settings: Settings, kinds: tuple[str, ...]) -> _Table:
    workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    try:
        sheets = [ws for ws in workbook.worksheets if ws.sheet_state == "visible"]
        if not sheets:
            raise _Bad("ingest.error.empty_file")
        best, best_score = sheets[0], -1
        for sheet in sheets:  # the data sheet, whatever its place (a template has three)
            sheet.reset_dimensions()
            head = [
                (line, list(cells))
                for line, cells in enumerate(
                    itertools.islice(sheet.iter_rows(values_only=True), 3 * HEADER_SCAN_ROWS), 1
                )
                if not _is_blank(list(cells))
            ]
            score = _locate_header(head, kinds)[2] if head else -1
            if score > best_score:
                best, best_score = sheet, score
        limit = settings.max_upload_rows + HEADER_SCAN_ROWS + 1
        records, truncated = [], False
        for line, cells in enumerate(best.iter_rows(values_only=True), start=1):
            row = list(cells)
            if _is_blank(row):
                continue
            if len(records) >= limit:
                truncated = True
                break
            records.append((line, row))
        return _Table(records, truncated, "xlsx", sheet=best.title)
    finally:
        workbook.close()


# --- Interpreting a table -------------------------------------------------------------------


def _match_header(cells: list, kind: str) -> int:
    aliases = _aliases(kind)
    found = set()
    for cell in cells:
        text = _clean(cell)
        if text is not None and (spec := aliases.get(_header_key(str(text)))) is not None:
            found.add(spec.name)
    return len(found)


def _locate_header(records: list[tuple[int, list]], kinds: tuple[str, ...]):
    """(index of the header among the records, kind, matched columns): the first of the first
    rows that names the most columns of a kind; on a tie, the kind whose required columns are
    all there (a placements header also names five columns of a beneficiaries file)."""
    best, best_score = (0, kinds[0], 0), (0, False)
    for index, (_, cells) in enumerate(records[:HEADER_SCAN_ROWS]):
        for kind in kinds:
            matched = _match_header(cells, kind)
            score = (matched, matched > 0 and _fits(cells, kind))
            if score > best_score:
                best, best_score = (index, kind, matched), score
    return best


@dataclass
class ParsedFile:
    """What ``parse`` made of a file: the records to add, or the problems that refuse it."""

    kind: str
    file_name: str
    sha256: str
    size_bytes: int
    problems: list[Problem] = field(default_factory=list)
    rows: pd.DataFrame = field(default_factory=pd.DataFrame)  # record columns, no ids
    row_lines: tuple[int, ...] = ()  # the spreadsheet line of each row of ``rows``
    file_format: str | None = None  # csv, xlsx
    encoding: str | None = None
    separator: str | None = None
    sheet: str | None = None

    @property
    def errors(self) -> list[Problem]:
        return [problem for problem in self.problems if problem.is_error]

    @property
    def warnings(self) -> list[Problem]:
        return [problem for problem in self.problems if not problem.is_error]

    @property
    def ok(self) -> bool:
        """True when the file may be committed: a known kind, rows, and no error."""
        return not self.errors and self.kind in KINDS and len(self.rows) > 0


class _Collector:
    """The problems found so far: at most MAX_PROBLEMS errors and as many warnings listed."""

    def __init__(self):
        self.problems: list[Problem] = []
        self.listed = Counter()
        self.dropped = Counter()

    def add(self, key: str, params: Mapping | None = None, **where) -> None:
        severity = where.pop("severity", "error")
        if self.listed[severity] >= MAX_PROBLEMS:
            self.dropped[severity] += 1
            return
        self.listed[severity] += 1
        self.problems.append(Problem(key, dict(params or {}), severity=severity, **where))

    def bad(self, bad: _Bad, **where) -> None:
        self.add(bad.key, bad.params, **where)

    def keep(self, problem: Problem) -> None:
        self.listed[problem.severity] += 1
        self.problems.append(problem)

    @property
    def has_errors(self) -> bool:
        return self.listed["error"] > 0

    def finish(self) -> list[Problem]:
        problems = list(self.problems)
        keys = {
            "error": "ingest.error.too_many_problems",
            "warning": "ingest.warning.too_many_problems",
        }
        for severity, count in self.dropped.items():
            problems.append(Problem(keys[severity], {"count": count}, severity=severity))
        return problems


def parse(
    data: bytes,
    file_name: str,
    kind: str | None,
    database: Database,
    settings: Settings | None = None,
) -> ParsedFile:
    """Read and check a file of ``kind`` (None: guess it from the headers) against the
    warehouse. Never raises for a bad file: ``ParsedFile.problems`` says what is wrong."""
    if kind is not None and kind not in KINDS:
        raise ValueError(f"kind must be one of {KINDS}, not {kind!r}")
    settings = settings or get_settings()
    data = bytes(data)
    parsed = ParsedFile(kind or "", str(file_name), hashlib.sha256(data).hexdigest(), len(data))
    found = _Collector()
    try:
        table = _read(data, settings, (kind,) if kind else KINDS)
    except _Bad as bad:
        found.bad(bad, line=bad.line)
        parsed.problems = found.finish()
        return parsed
    parsed.file_format, parsed.encoding = table.file_format, table.encoding
    parsed.separator, parsed.sheet = table.separator, table.sheet
    frame, lines = _interpret(table, kind, _reference(database), settings, parsed, found)
    if not found.has_errors:
        parsed.rows, parsed.row_lines = frame, tuple(lines)
    _check_warehouse(parsed, database, found, file_only=not parsed.rows.size)
    parsed.problems = found.finish()
    if parsed.errors:
        parsed.rows, parsed.row_lines = _empty_rows(parsed.kind), ()
    return parsed


def _empty_rows(kind: str) -> pd.DataFrame:
    return pd.DataFrame(columns=list(RECORD_COLUMNS.get(kind, ())))


def _interpret(table, kind, ref, settings, parsed, found) -> tuple[pd.DataFrame, list[int]]:
    kinds = (kind,) if kind else KINDS
    index, guessed, score = _locate_header(table.records, kinds)
    if not table.records:
        found.add("ingest.error.empty_file")
        return _empty_rows(kind or ""), []
    if kind is None:
        if score == 0:
            expected = "; ".join(message(f"ingest.kind.{k}") for k in KINDS)
            found.add("ingest.error.unknown_kind", {"expected": expected})
            return _empty_rows(""), []
        kind = parsed.kind = guessed
    if score == 0:
        index = 0
    header_line, header = table.records[index]
    if index > 0:
        found.add(
            "ingest.warning.rows_before_header",
            {"first": table.records[0][0], "last": table.records[index - 1][0]},
            line=header_line,
            severity="warning",
        )
    data = table.records[index + 1 :]
    if table.truncated or len(data) > settings.max_upload_rows:
        found.add("ingest.error.too_many_rows", {"max_rows": settings.max_upload_rows})
        return _empty_rows(kind), []
    columns = _map_columns(header, header_line, data, kind, found)
    if columns is None:
        return _empty_rows(kind), []
    if not data:
        found.add("ingest.error.no_rows", line=header_line + 1)
        return _empty_rows(kind), []
    return _rows(data, columns, header, kind, ref, found)


def _map_columns(header, header_line, data, kind, found) -> dict[str, int] | None:
    """field name -> column position; problems for unknown, personal, doubled, missing."""
    aliases = _aliases(kind)
    columns: dict[str, int] = {}
    unknown = []
    width = max([len(header), *(len(cells) for _, cells in data)])
    for position in range(width):
        raw = header[position] if position < len(header) else None
        text = _clean(raw)
        where = {"line": header_line, "column_index": position}
        if text is None:
            if _is_unnamed_column(data, position, len(header)):
                found.add("ingest.error.unnamed_column", **where)
            continue
        text = _display(text)
        where["column"] = text
        spec = aliases.get(_header_key(text))
        if spec is not None:
            if spec.name in columns:
                first = get_column_letter(columns[spec.name] + 1)
                found.add("ingest.error.duplicate_column", {"first": first}, **where)
            else:
                columns[spec.name] = position
        elif _looks_personal(text):
            found.add("ingest.error.personal_column", **where)
        else:
            unknown.append(where)
    accepted = ", ".join(f"« {spec.header} »" for spec in FIELDS[kind])
    if not columns and not any(p.key == "ingest.error.personal_column" for p in found.problems):
        found.add(
            "ingest.error.no_known_columns",
            {"expected": accepted, "kind": message(f"ingest.kind.{kind}")},
            line=header_line,
        )
        return None
    for where in unknown:
        found.add("ingest.error.unknown_column", {"accepted": accepted}, **where)
    for spec in FIELDS[kind]:
        if spec.name in columns:
            continue
        if spec.required:
            others = [k for k in KINDS if k != kind and _fits(header, k)]
            params = {"header": spec.header}
            if others:
                params["detected"] = message(f"ingest.kind.{others[0]}")
                found.add("ingest.error.missing_column_other_kind", params, line=header_line)
            else:
                found.add("ingest.error.missing_column", params, line=header_line)
        else:
            if spec.name == "region_code" and kind == "interventions":
                key = "ingest.warning.region_from_centre"
            else:
                key = "ingest.warning.optional_column_missing"
            found.add(
                key,
                {"header": spec.header, "default": _default_text(spec)},
                line=header_line,
                severity="warning",
            )
    return columns


def _default_text(spec: Field) -> str:
    if isinstance(spec.default, bool):
        return message("ingest.value.yes" if spec.default else "ingest.value.no")
    return "" if spec.default is None else str(spec.default)


def _fits(header: list, kind: str) -> bool:
    names = set()
    for cell in header:
        text = _clean(cell)
        if text is not None and (spec := _aliases(kind).get(_header_key(_display(text)))):
            names.add(spec.name)
    return all(spec.name in names for spec in FIELDS[kind] if spec.required)


def _is_unnamed_column(data, position: int, width: int) -> bool:
    """Values under an empty header: a column without a name; beyond the header, only when
    most rows have them (a few rows longer than the header are rows with a stray separator)."""
    filled = sum(1 for _, c in data if position < len(c) and _clean(c[position]) is not None)
    return filled > 0 if position < width else filled >= 2 and 2 * filled > len(data)


def _rows(data, columns, header, kind, ref, found) -> tuple[pd.DataFrame, list[int]]:
    lines = [line for line, _ in data]
    width = len(header)
    longest = max(len(cells) for _, cells in data)
    columns_beyond = {p for p in range(width, longest) if _is_unnamed_column(data, p, width)}
    for line, cells in data:
        extra = [
            p
            for p in range(width, len(cells))
            if p not in columns_beyond and _clean(cells[p]) is not None
        ]
        if extra:
            count = max(extra) + 1
            found.add("ingest.error.extra_values", {"count": count, "expected": width}, line=line)
    values: dict[str, list] = {}
    for spec in FIELDS[kind]:
        if spec.name not in columns:
            values[spec.name] = [spec.default] * len(data)
            continue
        position = columns[spec.name]
        column = _display(_clean(header[position]))
        raws = [_clean(cells[position]) if position < len(cells) else None for _, cells in data]
        values[spec.name] = _column(spec, raws, lines, position, column, ref, found)
    if kind == "interventions":
        _centre_regions(values, lines, columns, header, ref, found)
    if kind == "published_figures":
        _figure_duplicates(values, lines, columns, header, found)
    else:
        _repeated_block(values, kind, lines, found)
    _example_row(values, kind, lines, found)
    frame = pd.DataFrame({name: values[name] for name in RECORD_COLUMNS[kind]})
    if found.has_errors:
        return frame, lines
    return _typed(frame, kind), lines


def _column(spec: Field, raws: list, lines, position, column, ref, found) -> list:
    distinct = list({_key(raw): raw for raw in raws if raw is not None}.values())
    if spec.parser in ("date", "figure_date"):
        first_year = FIRST_YEAR if spec.parser == "date" else FIRST_FIGURE_YEAR
        outcomes = _date_column(distinct, first_year)
    else:
        parser = _PARSERS[spec.parser]
        outcomes = {}
        for raw in distinct:
            try:
                outcomes[_key(raw)] = parser(raw, ref)
            except _Bad as bad:
                outcomes[_key(raw)] = bad
    broken = {}
    for raw in distinct:  # text saved in one encoding and read in another
        if isinstance(raw, str) and (fixed := _mojibake(raw)) is not None:
            broken[_key(raw)] = _Bad("ingest.error.mojibake", fixed=fixed)
    outcomes.update(broken)
    parsed = []
    for line, raw in zip(lines, raws, strict=True):
        if raw is None:
            if spec.required:
                found.add(
                    "ingest.error.missing_value", line=line, column=column, column_index=position
                )
            parsed.append(spec.default)
            continue
        outcome = outcomes[_key(raw)]
        kind = type(outcome)
        if kind is not _Bad and kind is not _Warned:
            parsed.append(outcome)
            continue
        where = {"line": line, "column": column, "column_index": position, "value": _display(raw)}
        if kind is _Bad:
            if outcome.key == "ingest.error.personal_data_value":
                where["value"] = None  # never copy personal data into the report
            found.bad(outcome, **where)
            parsed.append(None)
        else:
            found.add(outcome.key, outcome.params, severity="warning", **where)
            parsed.append(outcome.value)
    return parsed


def _where(columns, header, name, line) -> dict:
    position = columns.get(name)
    if position is None:
        return {"line": line}
    return {"line": line, "column_index": position, "column": _display(_clean(header[position]))}


def _centre_regions(values, lines, columns, header, ref, found) -> None:
    """An intervention's region is its centre's: filled in, or checked when the file has it."""
    for i, (centre, region) in enumerate(
        zip(values["centre_id"], values["region_code"], strict=True)
    ):
        if centre is None:
            continue
        expected = ref.centre_regions[centre]
        if "region_code" in columns and region is not None and region != expected:
            found.add(
                "ingest.error.centre_region_mismatch",
                {"centre": ref.centre_names[centre], "expected": ref.region_names[expected]},
                value=ref.region_names.get(region, ""),
                **_where(columns, header, "region_code", lines[i]),
            )
        if region is None:
            values["region_code"][i] = expected


def _figure_duplicates(values, lines, columns, header, found) -> None:
    """A published figure is (indicator, period, scope, source): twice in a file is an error."""
    seen: dict[tuple, int] = {}
    keys = zip(
        values["indicator"], values["period"], values["scope"], values["source_title"], strict=True
    )
    for line, key in zip(lines, keys, strict=True):
        if None in key:
            continue
        folded = (key[0], key[1], key[2], _compact(str(key[3])))
        if folded in seen:
            found.add(
                "ingest.error.duplicate_figure",
                {"first_line": seen[folded]},
                **_where(columns, header, "indicator", line),
            )
        else:
            seen[folded] = line


def _repeated_block(values, kind, lines, found) -> None:
    """Records have no natural key: identical rows are legitimate (two people with the same
    profile, two interventions the same day). Only a file that is its first half pasted twice
    gets a warning."""
    count = len(lines)
    if count < 4 or count % 2:
        return
    rows = list(zip(*(values[name] for name in RECORD_COLUMNS[kind]), strict=True))
    half = count // 2
    if rows[:half] == rows[half:]:
        found.add(
            "ingest.warning.repeated_block",
            {"first": lines[0], "middle": lines[half], "last": lines[-1]},
            line=lines[half],
            severity="warning",
        )


def _example_row(values, kind, lines, found) -> None:
    """The template's example row left in the file: imported, but flagged."""
    if not lines:
        return
    example = _template_values(kind)
    first = {name: column[0] for name, column in values.items()}
    if all(first.get(name) == value for name, value in example.items()):
        found.add("ingest.warning.example_row", line=lines[0], severity="warning")


@cache
def _template_values(kind: str) -> dict[str, object]:
    """The example row as parse would read it (for the example-row warning)."""
    values = {
        "beneficiaries": {"programme_year": 2019, "region_code": 6, "sector_code": "commerce",
                          "sex": "F", "age_band": "25-34", "support_type": "micro_projet",
                          "grant_mad": 25000, "is_moussalaha": False, "is_former_cpe": False,
                          "is_royal_handover": False},
        "placements": {"year": 2019, "region_code": 6, "sector_code": "industrie", "sex": "M",
                       "age_band": "18-24"},
        "interventions": {"intervention_date": date(2019, 5, 27), "centre_id": 1,
                          "region_code": 6, "type_code": "social", "sex": "M"},
        "published_figures": {"indicator": "programme_beneficiaries", "value": 512.0,
                              "period": "2020", "scope": "national",
                              "source_title": "Rapport annuel de la Fondation"},
    }  # fmt: skip
    return values[kind]


def _typed(frame: pd.DataFrame, kind: str) -> pd.DataFrame:
    typed = frame.copy()
    for name in typed.columns:
        if name in _DTYPES:
            typed[name] = typed[name].astype(_DTYPES[name])
        elif name in ("intervention_date", "source_date"):
            typed[name] = pd.to_datetime(typed[name]).astype("datetime64[s]")
        else:
            typed[name] = typed[name].astype("str" if name not in _NULLABLE_TEXT else object)
    return typed.reset_index(drop=True)


_NULLABLE_TEXT = frozenset({"source_url", "quote", "note"})


# --- Against the warehouse ------------------------------------------------------------------


def _check_warehouse(parsed: ParsedFile, database: Database, found: _Collector, file_only):
    problems = database.execute_fn(
        lambda cursor: _warehouse_problems(cursor, parsed, file_only=file_only)
    )
    for problem in problems:
        found.keep(problem)


def _when(value) -> str:
    return pd.Timestamp(value).strftime("%d/%m/%Y à %H:%M")


def _warehouse_problems(cursor, parsed: ParsedFile, file_only: bool = False) -> list[Problem]:
    """The same file already imported; figures already published; the same rows imported."""
    problems = []
    earlier = fetch(cursor, "ingest/committed_file", sha256=parsed.sha256)
    if len(earlier):
        batch = earlier.iloc[0]
        problems.append(
            Problem(
                "ingest.error.already_imported",
                {
                    "date": _when(batch["imported_at"]),
                    "user": batch["imported_by"],
                    "batch_id": int(batch["batch_id"]),
                    "file_name": batch["file_name"],
                },
            )
        )
    if problems or file_only or parsed.kind not in KINDS or not len(parsed.rows):
        return problems
    if parsed.kind == "published_figures":
        existing = fetch(cursor, "ingest/figure_keys")
        keys = {
            (row.indicator, row.period, row.scope, _compact(str(row.source_title))): row
            for row in existing.itertuples(index=False)
        }
        for line, row in zip(parsed.row_lines, parsed.rows.itertuples(index=False), strict=True):
            key = (row.indicator, row.period, row.scope, _compact(str(row.source_title)))
            if key in keys:
                problems.append(
                    Problem(
                        "ingest.error.figure_exists",
                        {"figure_id": int(keys[key].figure_id)},
                        line=line,
                        value=row.indicator,
                    )
                )
        return problems
    table = TABLES[parsed.kind]
    candidates = fetch(
        cursor, "ingest/candidate_batches", kind=parsed.kind, row_count=len(parsed.rows)
    )
    if len(candidates):
        cursor.register("ingest_rows", parsed.rows)
        try:
            for batch in candidates.itertuples(index=False):
                same = fetch(cursor, f"ingest/same_content_{table}", batch_id=batch.batch_id)
                if int(same["differing"].iloc[0]) == 0:
                    problems.append(
                        Problem(
                            "ingest.error.already_imported_content",
                            {
                                "date": _when(batch.imported_at),
                                "user": batch.imported_by,
                                "batch_id": int(batch.batch_id),
                                "file_name": batch.file_name,
                            },
                        )
                    )
                    break
        finally:
            cursor.unregister("ingest_rows")
    return problems


# --- Preview, commit, rollback --------------------------------------------------------------

KPIS = {  # kind -> the KPIs its rows move
    "beneficiaries": ("beneficiaries", "budget_mad", "women"),
    "placements": ("placements",),
    "interventions": ("interventions",),
    "published_figures": ("published_figures",),
}


@dataclass(frozen=True)
class Preview:
    """What a commit would do: the rows it adds and how each KPI would move."""

    kind: str
    rows_to_add: int
    rows: pd.DataFrame  # the records as they would be written (record columns, no ids)
    kpis: pd.DataFrame  # kpi, label, year, before, after, change: only the rows that move
    demo_rows_removed: Mapping[str, int]  # table -> demo records removed (replace_demo)
    warnings: tuple[Problem, ...] = ()

    def lines(self, lang: str = "fr") -> list[str]:
        """One sentence per moving KPI: « bénéficiaires 2019 : 478 → 512 »."""
        out = []
        for row in self.kpis.itertuples(index=False):
            year = "" if pd.isna(row.year) else f" {int(row.year)}"
            out.append(
                message(
                    "ingest.preview.kpi_line",
                    lang,
                    label=message(f"ingest.kpi.{row.kpi}", lang),
                    year=year,
                    before=format_number(row.before, lang),
                    after=format_number(row.after, lang),
                )
            )
        return out


def _added(parsed: ParsedFile) -> pd.DataFrame:
    rows = parsed.rows
    frames = []
    if parsed.kind == "beneficiaries":
        by_year = rows.groupby("programme_year")
        frames = [
            by_year.size().rename("value").reset_index().assign(kpi="beneficiaries"),
            by_year["grant_mad"].sum().rename("value").reset_index().assign(kpi="budget_mad"),
            by_year["sex"]
            .apply(lambda s: int((s == "F").sum()))
            .rename("value")
            .reset_index()
            .assign(kpi="women"),
        ]
        for frame in frames:
            frame.rename(columns={"programme_year": "year"}, inplace=True)
    elif parsed.kind == "placements":
        frames = [
            rows.groupby("year").size().rename("value").reset_index().assign(kpi="placements")
        ]
    elif parsed.kind == "interventions":
        years = rows["intervention_date"].dt.year.rename("year")
        frames = [
            rows.groupby(years).size().rename("value").reset_index().assign(kpi="interventions")
        ]
    else:
        frames = [
            pd.DataFrame({"kpi": ["published_figures"], "year": [_NO_YEAR], "value": [len(rows)]})
        ]
    added = pd.concat(frames, ignore_index=True)
    added["year"] = added["year"].astype("int64")
    return added[["kpi", "year", "value"]]


_NO_YEAR = -1  # the year of a KPI that has none (published figures), while computing


def preview(parsed: ParsedFile, database: Database, replace_demo: bool = False) -> Preview:
    """How the warehouse would change if ``parsed`` were committed (nothing is written)."""
    if not parsed.ok:
        raise ImportRefused(parsed.errors or [Problem("ingest.error.no_rows")])
    before = database.execute_uncached("ingest/kpis")
    before["year"] = before["year"].fillna(_NO_YEAR).astype("int64")
    kept = before[~before["is_demo"]] if replace_demo else before
    key = ["kpi", "year"]
    old = before.groupby(key)["value"].sum()
    new = kept.groupby(key)["value"].sum()
    added = _added(parsed).set_index(key)["value"]
    kpis = pd.concat({"before": old, "after": new.add(added, fill_value=0)}, axis=1).fillna(0)
    kpis = kpis.reset_index()
    kpis[["before", "after"]] = kpis[["before", "after"]].astype("int64")
    kpis = kpis[kpis["before"] != kpis["after"]].copy()
    kpis["change"] = kpis["after"] - kpis["before"]
    kpis["label"] = kpis["kpi"].map(lambda name: message(f"ingest.kpi.{name}"))
    kpis["year"] = kpis["year"].astype("Int64").mask(kpis["year"] == _NO_YEAR)
    order = {name: i for i, name in enumerate(k for kinds in KPIS.values() for k in kinds)}
    kpis = kpis.sort_values(["kpi", "year"], key=lambda s: s.map(order) if s.name == "kpi" else s)
    demo = {}
    if replace_demo:
        counts = database.execute_uncached("dashboard/record_provenance")
        demo = {row.record_table: int(row.demo) for row in counts.itertuples(index=False)}
    return Preview(
        kind=parsed.kind,
        rows_to_add=len(parsed.rows),
        rows=parsed.rows.copy(),
        kpis=kpis[["kpi", "label", "year", "before", "after", "change"]].reset_index(drop=True),
        demo_rows_removed=demo,
        warnings=tuple(parsed.warnings),
    )


def _now() -> datetime:
    """UTC, without time zone (the TIMESTAMP columns of import_batch)."""
    return datetime.now(UTC).replace(tzinfo=None, microsecond=0)


CONFLICT_RETRIES = 5  # concurrent imports: DuckDB refuses all but one; the others try again


def _write(database: Database, work: Callable, refused: type[IngestError]):
    """Run ``work(cursor)`` in one transaction, again when another session's write conflicts."""
    for attempt in range(CONFLICT_RETRIES):
        try:
            return database.execute_write_fn(work)
        except (duckdb.TransactionException, duckdb.ConstraintException) as conflict:
            # a write-write conflict, or the ids another session has just committed
            if isinstance(conflict, duckdb.ConstraintException) and "Duplicate key" not in str(
                conflict
            ):
                raise
            last = conflict
            time_module.sleep(0.02 * (attempt + 1))
    raise refused([Problem("ingest.error.concurrent_import")]) from last


def commit(parsed: ParsedFile, database: Database, user: str, replace_demo: bool = False) -> int:
    """Write the file's records in one transaction with their ``import_batch``; refresh the
    cubes in it. ``replace_demo`` removes every demo record in the same transaction. Returns
    the batch id. Raises ``ImportRefused`` (nothing written) when the file has errors or the
    warehouse changed since ``parse`` (the same file imported meanwhile)."""
    if not str(user or "").strip():
        raise ValueError("commit needs the name of the person who imports")
    if not parsed.ok:
        raise ImportRefused(parsed.errors or [Problem("ingest.error.no_rows")])
    table = TABLES[parsed.kind]

    def work(cursor) -> int:
        problems = _warehouse_problems(cursor, parsed)  # again: another session may have won
        if problems:
            raise ImportRefused(problems)
        latest = fetch(cursor, "ingest/next_ids").iloc[0]
        batch_id = int(latest["import_batch"]) + 1
        rows = parsed.rows.copy()
        if table == "published_figure":
            if batch_id > MAX_FIGURE_BATCH or int(latest[table]) >= batch_id * FIGURE_ID_BLOCK:
                raise ImportRefused([Problem("ingest.error.figure_ids_exhausted")])
            first = batch_id * FIGURE_ID_BLOCK + 1
        else:
            first = int(latest[table]) + 1
            rows["is_demo"] = False
            rows["batch_id"] = batch_id
        rows.insert(0, ID_COLUMNS[table], range(first, first + len(rows)))
        if replace_demo:
            run_script(cursor, "ingest/delete_demo")
        cursor.register("ingest_rows", rows)
        try:
            run_script(cursor, f"ingest/insert_{table}")
        finally:
            cursor.unregister("ingest_rows")
        run_script(
            cursor,
            "ingest/record_batch",
            batch_id=batch_id,
            kind=parsed.kind,
            file_name=parsed.file_name,
            sha256=parsed.sha256,
            imported_by=str(user).strip(),
            imported_at=_now(),
            row_count=len(rows),
        )
        run_script(cursor, "build/refresh_aggregates")
        return batch_id

    return _write(database, work, ImportRefused)


def rollback(batch_id: int, database: Database, user: str) -> int:
    """Undo a committed batch in one transaction: delete its records, mark it rolled_back
    (when, by whom), refresh the cubes. Returns the number of records removed. Demo records
    that the batch replaced are not brought back (rebuild the warehouse for that). Raises
    ``IngestError`` for an unknown or already rolled-back batch."""
    if not str(user or "").strip():
        raise ValueError("rollback needs the name of the person who rolls back")
    batch_id = int(batch_id)

    def work(cursor) -> int:
        batches = fetch(cursor, "ingest/batches")
        batch = batches[batches["batch_id"] == batch_id]
        if batch.empty:
            raise IngestError([Problem("ingest.error.unknown_batch", {"batch_id": batch_id})])
        status = batch["status"].iloc[0]
        if status != "committed":
            raise IngestError(
                [
                    Problem(
                        "ingest.error.batch_not_committed", {"batch_id": batch_id, "status": status}
                    )
                ]
            )
        run_script(
            cursor,
            "ingest/rollback",
            batch_id=batch_id,
            figure_low=batch_id * FIGURE_ID_BLOCK + 1,
            figure_high=(batch_id + 1) * FIGURE_ID_BLOCK - 1,
            rolled_back_at=_now(),
            rolled_back_by=str(user).strip(),
        )
        run_script(cursor, "build/refresh_aggregates")
        return int(batch["row_count"].iloc[0])

    return _write(database, work, IngestError)


def batches(database: Database) -> pd.DataFrame:
    """Every import, newest first: batch_id, kind, file_name, sha256, imported_by, imported_at,
    row_count, status (committed, rolled_back), rolled_back_at, rolled_back_by."""
    return database.execute_uncached("ingest/batches")


# --- Reports --------------------------------------------------------------------------------


def report(parsed: ParsedFile, lang: str = "fr", warnings: bool = True) -> pd.DataFrame:
    """One row per problem: line, column, value, severity, message (in ``lang``)."""
    headers = [
        message(f"ingest.report.{name}", lang)
        for name in ("line", "column", "value", "severity", "message")
    ]
    chosen = [p for p in parsed.problems if warnings or p.is_error]
    chosen.sort(key=lambda p: (p.line or 0, p.column_index or -1, not p.is_error))
    rows = [
        (
            problem.line,
            " ".join(part for part in (problem.letter, problem.column) if part) or None,
            problem.value,
            message(f"ingest.severity.{problem.severity}", lang),
            describe(problem, lang),
        )
        for problem in chosen
    ]
    frame = pd.DataFrame(rows, columns=headers)
    frame[headers[0]] = frame[headers[0]].astype("Int64")
    return frame


def report_csv(parsed: ParsedFile, lang: str = "fr") -> bytes:
    """The report as a CSV to download: no cell can start a spreadsheet formula."""
    return csv_bytes(report(parsed, lang))


# --- Templates ------------------------------------------------------------------------------


def _template_cell(spec: Field, for_csv: bool) -> object:
    value = spec.example
    if isinstance(value, date) and for_csv:
        return value.strftime("%d/%m/%Y")
    return "" if value is None else value


def template_csv(kind: str) -> bytes:
    """Header (French) and one example row, ``;``-separated UTF-8 with BOM, as Excel opens it."""
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {KINDS}, not {kind!r}")
    out = io.StringIO()
    writer = csv.writer(out, delimiter=TEMPLATE_SEPARATOR, lineterminator="\r\n")
    writer.writerow([spec.header for spec in FIELDS[kind]])
    writer.writerow([_template_cell(spec, True) for spec in FIELDS[kind]])
    return out.getvalue().encode("utf-8-sig")


def _seed_lists(settings: Settings) -> dict[str, pd.DataFrame]:
    seed = Path(settings.seed_dir)
    return {
        "regions": pd.read_csv(seed / "regions.csv").sort_values("code"),
        "sectors": pd.read_csv(seed / "sectors.csv").sort_values("sort_order"),
        "intervention_types": pd.read_csv(seed / "intervention_types.csv").sort_values(
            "sort_order"
        ),
        "centres": pd.read_csv(seed / "capc_centres.csv").sort_values("centre_id"),
    }


_BOLD = Font(bold=True)
_HEAD_FILL = PatternFill("solid", fgColor="DDE7F0")
_WRAP = Alignment(wrap_text=True, vertical="top")


def template_xlsx(kind: str, settings: Settings | None = None) -> bytes:
    """A workbook: « Données » (French headers, one example row, drop-down lists),
    « Explications » (what each column takes) and « Listes » (regions, sectors, types,
    centres with their codes and names)."""
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {KINDS}, not {kind!r}")
    settings = settings or get_settings()
    lists = _seed_lists(settings)
    fields = FIELDS[kind]
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = message("ingest.template.sheet_data")
    sheet.append([spec.header for spec in fields])
    sheet.append([_template_cell(spec, False) for spec in fields])
    for position, spec in enumerate(fields, start=1):
        cell = sheet.cell(row=1, column=position)
        cell.font, cell.fill = _BOLD, _HEAD_FILL
        sheet.column_dimensions[get_column_letter(position)].width = max(14, len(spec.header) + 4)
        if isinstance(spec.example, date):
            sheet.cell(row=2, column=position).number_format = "DD/MM/YYYY"
    sheet.freeze_panes = "A2"
    listing = workbook.create_sheet(message("ingest.template.sheet_lists"))
    ranges = _write_lists(listing, lists)
    for position, spec in enumerate(fields, start=1):
        source = ranges.get(spec.parser)
        if source is None:
            continue
        letter = get_column_letter(position)
        validation = DataValidation(type="list", formula1=source, allow_blank=True)
        validation.showErrorMessage = False  # a list to pick from; other spellings still work
        sheet.add_data_validation(validation)
        validation.add(f"{letter}2:{letter}{settings.max_upload_rows + 1}")
    help_sheet = workbook.create_sheet(message("ingest.template.sheet_help"), 1)
    _write_help(help_sheet, kind)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _write_lists(sheet, lists: dict[str, pd.DataFrame]) -> dict[str, str]:
    """The reference lists side by side; returns parser -> the range a drop-down reads."""
    blocks = [
        ("region", message("ingest.template.list_regions"),
         ["code", "iso_3166_2", "name_fr", "name_ar", "name_en"], lists["regions"], 2),
        ("sector", message("ingest.template.list_sectors"),
         ["code", "name_fr", "name_ar", "name_en"], lists["sectors"], 1),
        ("intervention_type", message("ingest.template.list_types"),
         ["code", "name_fr", "name_ar", "name_en"], lists["intervention_types"], 1),
        ("centre", message("ingest.template.list_centres"),
         ["centre_id", "city", "region_code"], lists["centres"], 1),
    ]  # fmt: skip
    small = [("sex", message("ingest.template.list_sexes"), ["F", "M"]),
             ("age_band", message("ingest.template.list_age_bands"), list(AGE_BANDS)),
             ("support_type", message("ingest.template.list_support_types"),
              [s.replace("_", "-") for s in SUPPORT_TYPES]),
             ("boolean", message("ingest.template.list_booleans"), ["oui", "non"]),
             ("qualifier", message("ingest.template.list_qualifiers"),
              ["exact", "approx", "at_least"])]  # fmt: skip
    ranges: dict[str, str] = {}
    title = sheet.title.replace("'", "''")
    column = 1
    for parser, heading, names, frame, pick in blocks:
        sheet.cell(row=1, column=column, value=heading).font = _BOLD
        for offset, name in enumerate(names):
            label = message(f"ingest.template.list_column.{name}")
            cell = sheet.cell(row=2, column=column + offset, value=label)
            cell.font, cell.fill = _BOLD, _HEAD_FILL
        for row, record in enumerate(frame[names].itertuples(index=False), start=3):
            for offset, value in enumerate(record):
                sheet.cell(row=row, column=column + offset, value=_plain(value))
        letter = get_column_letter(column + pick)
        ranges[parser] = f"'{title}'!${letter}$3:${letter}${len(frame) + 2}"
        for offset in range(len(names)):
            sheet.column_dimensions[get_column_letter(column + offset)].width = 22
        column += len(names) + 1
    for parser, heading, choices in small:
        sheet.cell(row=1, column=column, value=heading).font = _BOLD
        for row, value in enumerate(choices, start=3):
            sheet.cell(row=row, column=column, value=value)
        letter = get_column_letter(column)
        ranges[parser] = f"'{title}'!${letter}$3:${letter}${len(choices) + 2}"
        sheet.column_dimensions[letter].width = 18
        column += 2
    return ranges


def _plain(value):
    if hasattr(value, "item"):
        return value.item()
    return value


def _write_help(sheet, kind: str) -> None:
    sheet.append([message(f"ingest.template.intro.{kind}")])
    sheet["A1"].font = Font(bold=True, size=12)
    sheet.append([])
    names = ("column", "required", "content", "example", "other_headers")
    headings = [message(f"ingest.template.help_{name}") for name in names]
    sheet.append(headings)
    for cell in sheet[3]:
        cell.font, cell.fill = _BOLD, _HEAD_FILL
    for spec in FIELDS[kind]:
        required = message("ingest.value.yes" if spec.required else "ingest.value.no")
        example = _template_cell(spec, True)
        others = ", ".join([alias for alias in spec.aliases if alias.isascii()][:5])
        sheet.append(
            [spec.header, required, message(f"ingest.field.{spec.name}"), str(example), others]
        )
    sheet.append([])
    for number in range(1, 8):
        text = message(f"ingest.template.rule_{number}")
        if text != f"ingest.template.rule_{number}":
            sheet.append([text])
    for letter, width in zip("ABCDE", (30, 12, 80, 28, 40), strict=True):
        sheet.column_dimensions[letter].width = width
    for row in sheet.iter_rows(min_row=4):
        for cell in row:
            cell.alignment = _WRAP


def template_file_name(kind: str, file_format: str = "xlsx") -> str:
    """modele_beneficiaires.xlsx, modele_placements.csv..."""
    return f"{message('ingest.template.file_prefix')}_{message(f'ingest.kind_slug.{kind}')}." + (
        file_format
    )


def kind_label(kind: str, lang: str = "fr") -> str:
    return message(f"ingest.kind.{kind}", lang)


__all__ = [
    "FIELDS",
    "FIRST_YEAR",
    "KINDS",
    "ImportRefused",
    "IngestError",
    "ParsedFile",
    "Preview",
    "Problem",
    "batches",
    "commit",
    "describe",
    "kind_label",
    "message",
    "parse",
    "preview",
    "report",
    "report_csv",
    "rollback",
    "template_csv",
    "template_file_name",
    "template_xlsx",
    "where",
]
