"""The header row of a file: where it is, which kind of file it names, which column is which field.

Headers are matched on their folded words against each field's French header, record name and
aliases (``fields.FIELDS``), so "Région", "REGION", "region_code" and "الجهة" all name the
region. ``locate_header`` finds the header among the first rows (a title may sit above it) and,
when the kind is not given, the kind it names. ``map_columns`` maps each field to its column
and reports unknown, doubled, unnamed and missing columns; a column whose header names or
identifies a person (``looks_personal``) refuses the file. Pure: no streamlit, no warehouse.
"""

from __future__ import annotations

from functools import cache

from openpyxl.utils import get_column_letter

from lib.ingest.fields import FIELDS, KINDS, Field
from lib.ingest.report import Collector, message
from lib.ingest.text import WORD, clean, display, fold, header_key, words

HEADER_SCAN_ROWS = 10  # the header may sit below a title, within the first rows


@cache
def aliases(kind: str) -> dict[str, Field]:
    """Folded header -> field, for one kind."""
    table: dict[str, Field] = {}
    for spec in FIELDS[kind]:
        for alias in (spec.header, spec.name, *spec.aliases):
            table.setdefault(header_key(alias), spec)
    return table


# --- Personal columns -----------------------------------------------------------------------

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


def looks_personal(header: str) -> bool:
    """A header that names or identifies a person (name, CIN, phone, address, birth date...),
    or a bare number column (N°, numéro)."""
    found = set(words(header)) | set(WORD.findall(fold(header)))
    if header.strip().casefold() in _ROW_NUMBER_HEADERS or header_key(header) in {
        "n",
        "no",
        "num",
        "numero",
        "nr",
    }:
        return True
    if found & _PERSON_WORDS:
        return True
    return bool(found & _ID_WORDS and found & _PERSON_SUBJECTS)


# --- Locating the header --------------------------------------------------------------------


def _match_header(cells: list, kind: str) -> int:
    table = aliases(kind)
    found = set()
    for cell in cells:
        text = clean(cell)
        if text is not None and (spec := table.get(header_key(str(text)))) is not None:
            found.add(spec.name)
    return len(found)


def fits(header: list, kind: str) -> bool:
    """The header names every required column of ``kind``."""
    names = set()
    for cell in header:
        text = clean(cell)
        if text is not None and (spec := aliases(kind).get(header_key(display(text)))):
            names.add(spec.name)
    return all(spec.name in names for spec in FIELDS[kind] if spec.required)


def locate_header(records: list[tuple[int, list]], kinds: tuple[str, ...]):
    """(index of the header among the records, kind, matched columns): the first of the first
    rows that names the most columns of a kind; on a tie, the kind whose required columns are
    all there (a placements header also names five columns of a beneficiaries file)."""
    best, best_score = (0, kinds[0], 0), (0, False)
    for index, (_, cells) in enumerate(records[:HEADER_SCAN_ROWS]):
        for kind in kinds:
            matched = _match_header(cells, kind)
            score = (matched, matched > 0 and fits(cells, kind))
            if score > best_score:
                best, best_score = (index, kind, matched), score
    return best


def is_unnamed_column(data, position: int, width: int) -> bool:
    """Values under an empty header: a column without a name; beyond the header, only when
    most rows have them (a few rows longer than the header are rows with a stray separator)."""
    filled = sum(1 for _, c in data if position < len(c) and clean(c[position]) is not None)
    return filled > 0 if position < width else filled >= 2 and 2 * filled > len(data)


# --- Mapping columns to fields --------------------------------------------------------------


def map_columns(header, header_line, data, kind, found: Collector) -> dict[str, int] | None:
    """field name -> column position; problems for unknown, personal, doubled, missing
    columns. None when no column is known: the rows cannot be read at all."""
    columns, unknown = _named_columns(header, header_line, data, kind, found)
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
    _missing_columns(header, header_line, columns, kind, found)
    return columns


def _named_columns(header, header_line, data, kind, found: Collector):
    """(field name -> position, the places of unknown headers), left to right; unnamed,
    doubled and personal columns reported on the way."""
    table = aliases(kind)
    columns: dict[str, int] = {}
    unknown = []
    width = max([len(header), *(len(cells) for _, cells in data)])
    for position in range(width):
        text = clean(header[position] if position < len(header) else None)
        where = {"line": header_line, "column_index": position}
        if text is None:
            if is_unnamed_column(data, position, len(header)):
                found.add("ingest.error.unnamed_column", **where)
            continue
        text = display(text)
        where["column"] = text
        spec = table.get(header_key(text))
        if spec is not None:
            if spec.name in columns:
                first = get_column_letter(columns[spec.name] + 1)
                found.add("ingest.error.duplicate_column", {"first": first}, **where)
            else:
                columns[spec.name] = position
        elif looks_personal(text):
            found.add("ingest.error.personal_column", **where)
        else:
            unknown.append(where)
    return columns, unknown


def _missing_columns(header, header_line, columns, kind, found: Collector) -> None:
    """A required column missing is an error (naming the kind the header fits, if another);
    an optional one, a warning saying the value taken instead."""
    for spec in FIELDS[kind]:
        if spec.name in columns:
            continue
        params = {"header": spec.header}
        if not spec.required:
            params["default"] = _default_text(spec)
            found.add(spec.absent, params, line=header_line, severity="warning")
            continue
        others = [k for k in KINDS if k != kind and fits(header, k)]
        if others:
            params["detected"] = message(f"ingest.kind.{others[0]}")
            found.add("ingest.error.missing_column_other_kind", params, line=header_line)
        else:
            found.add("ingest.error.missing_column", params, line=header_line)


def _default_text(spec: Field) -> str:
    if isinstance(spec.default, bool):
        return message("ingest.value.yes" if spec.default else "ingest.value.no")
    return "" if spec.default is None else str(spec.default)
