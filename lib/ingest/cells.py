"""One parser per kind of value a cell holds: a number, an amount, a date, a region, a sex...

Each parser reads one cell as people write it (``13 500 000`` or ``13.500.000``, ``27/05/2019``,
"Laâyoune" or "LAAYOUNE", "femme", "oui") and returns the value to store, a ``Warned`` value
(accepted, worth a look) or raises ``Bad`` with the message that says how to fix the cell. A
parser is registered under the name ``fields.Field.parser`` gives it (``@parser("region")``);
dates are read a column at a time, since 03/04/2019 is ambiguous only beside 05/27/2019.
``outcomes`` reads each distinct value of a column once. Pure: no streamlit, no warehouse (the
lists a value is checked against come in a ``reference.Reference``).
"""

from __future__ import annotations

import difflib
import math
import re
from collections.abc import Callable
from datetime import date, datetime, time

from openpyxl.utils.datetime import from_excel

from lib.export import FORMULA_START
from lib.ingest.identity import kind_of
from lib.ingest.readers import mojibake
from lib.ingest.reference import Reference, centre_key, region_key
from lib.ingest.report import Bad, Warned
from lib.ingest.text import DIGITS, SPACE, cell_key, compact, display, fold, keys, text_of
from lib.warehouse.demo import AGE_BANDS

FIRST_YEAR = 2008  # the earliest programme year, placement or intervention a file may hold
FIRST_FIGURE_YEAR = 2000  # published figures may look further back (the foundation: 2002)
MAX_TEXT = 2_000  # characters in a free-text cell (quote, note)
MAX_AMOUNT = 10**12  # no amount in MAD comes near this; above it is a typing error
UNUSUAL_GRANT_MAD = 1_000_000  # a grant above this is accepted with a warning

Parser = Callable[[object, Reference], object]
PARSERS: dict[str, Parser] = {}  # Field.parser -> parser(raw, ref): value, Warned or raises Bad
_DATE_PARSERS = {"date": FIRST_YEAR, "figure_date": FIRST_FIGURE_YEAR}  # name -> first year


def parser(name: str) -> Callable[[Parser], Parser]:
    """Register a cell parser as the reader of the fields whose ``parser`` is ``name``."""

    def register(parse: Parser) -> Parser:
        PARSERS[name] = parse
        return parse

    return register


def outcomes(name: str, distinct: list, ref: Reference) -> dict[object, object]:
    """``cell_key(raw)`` -> what parser ``name`` makes of each distinct raw value of a column:
    its value, a ``Warned`` or a ``Bad``; a ``Bad`` too for text garbled by its encoding."""
    if name in _DATE_PARSERS:
        found = _date_column(distinct, _DATE_PARSERS[name])
    else:
        parse = PARSERS[name]
        found = {}
        for raw in distinct:
            try:
                found[cell_key(raw)] = parse(raw, ref)
            except Bad as bad:
                found[cell_key(raw)] = bad
    for raw in distinct:  # text saved in one encoding and read in another
        if isinstance(raw, str) and (fixed := mojibake(raw)) is not None:
            found[cell_key(raw)] = Bad("ingest.error.mojibake", fixed=fixed)
    for raw in distinct:  # in any column, free text included: nobody's identity gets in
        if isinstance(raw, str) and (kind := kind_of(raw)) is not None:
            found[cell_key(raw)] = Bad(f"ingest.error.identity_{kind}")
    return found


def _today() -> date:
    return date.today()


# The currency or percent people write after a number, Latin or Arabic: MAD, DH, dirhams,
# د.م. (درهم مغربي), درهم, دراهم.
_NUMBER_SUFFIX = re.compile(r"\s*(mad|dhs?|dirhams?|%|د\.?\s?م\.?|درهم|دراهم)\.?$", re.IGNORECASE)
_SPACED = re.compile(r"^\d{1,3}( \d{3})+([.,]\d+)?$")
_SCIENTIFIC = re.compile(r"^\d+(?:[.,]\d+)?[eE][+-]?\d+$")


def _number(raw, integer: bool = False) -> float:
    """A number as people write it: 13 500 000, 13.500.000, 13,5, 25 000,50, 1.35E+07."""
    if isinstance(raw, bool | datetime | date | time):
        raise Bad("ingest.error.invalid_number")
    value = float(raw) if isinstance(raw, int | float) else _number_text(str(raw), integer)
    if not math.isfinite(value) or abs(value) >= MAX_AMOUNT:
        raise Bad("ingest.error.invalid_number")
    return value


def _number_text(text: str, integer: bool) -> float:
    body = _NUMBER_SUFFIX.sub("", text.translate(DIGITS).strip()).strip()
    body = body.replace("\u2212", "-").replace("'", " ").replace("’", " ")
    negative = False
    if body.startswith("(") and body.endswith(")"):
        negative, body = True, body[1:-1].strip()
    if not body:  # a unit alone ("MAD", "dh", "%"): there is no number to read
        raise Bad("ingest.error.invalid_number")
    if body[0] in "+-":
        negative, body = body[0] == "-", body[1:].strip()
    body = SPACE.sub(" ", body)
    if _SCIENTIFIC.match(body):
        number = float(body.replace(",", "."))
    elif " " in body:
        if not _SPACED.match(body):
            raise Bad("ingest.error.invalid_number")
        number = float(body.replace(" ", "").replace(",", "."))
    elif "," in body and "." in body:
        decimal = "," if body.rfind(",") > body.rfind(".") else "."
        thousands = "." if decimal == "," else ","
        pattern = rf"^\d{{1,3}}(\{thousands}\d{{3}})+\{decimal}\d+$"
        if not re.match(pattern, body):
            raise Bad("ingest.error.invalid_number")
        number = float(body.replace(thousands, "").replace(decimal, "."))
    elif "," in body:
        if body.count(",") > 1:
            if not re.match(r"^\d{1,3}(,\d{3})+$", body):
                raise Bad("ingest.error.invalid_number")
            number = float(body.replace(",", ""))
        elif integer and re.match(r"^[1-9]\d{0,2},\d{3}$", body):
            raise Bad("ingest.error.ambiguous_number")
        elif re.match(r"^\d+,\d+$", body):
            number = float(body.replace(",", "."))
        else:
            raise Bad("ingest.error.invalid_number")
    elif "." in body:
        if re.match(r"^\d{1,3}(\.\d{3}){2,}$", body) or re.match(r"^[1-9]\d{0,2}\.\d{3}$", body):
            number = float(body.replace(".", ""))  # 13.500.000 and 9.183: French thousands
        elif re.match(r"^\d+\.\d+$", body):
            number = float(body)
        else:
            raise Bad("ingest.error.invalid_number")
    elif re.match(r"^\d+$", body):
        number = float(body)
    else:
        raise Bad("ingest.error.invalid_number")
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
        raise Bad("ingest.error.invalid_date") from None


def _check_date(value: date, first_year: int) -> date:
    if value > _today():
        raise Bad("ingest.error.future_date", today=_today().strftime("%d/%m/%Y"))
    if value.year < first_year:
        raise Bad("ingest.error.date_too_old", min=f"01/01/{first_year}")
    return value


def _date_column(values: list, first_year: int) -> dict[object, object]:
    """Parse every distinct date of a column at once: slash dates are read as JJ/MM/AAAA,
    unless the column also holds MM/JJ dates (05/27/2019), which makes 03/04/2019 ambiguous."""
    month_first = None  # a text that only reads as MM/JJ/AAAA
    for raw in values:
        if isinstance(raw, str):
            match = _SLASH_DATE.match(raw.translate(DIGITS))
            if match and int(match[1]) <= 12 < int(match[2]) <= 31:
                month_first = raw
                break
    outcomes: dict[object, object] = {}
    for raw in values:
        try:
            outcomes[cell_key(raw)] = _check_date(_date(raw, month_first), first_year)
        except Bad as bad:
            outcomes[cell_key(raw)] = bad
    return outcomes


def _date(raw, month_first: str | None) -> date:
    if isinstance(raw, datetime):
        return raw.date()
    if isinstance(raw, date):
        return raw
    if isinstance(raw, bool | time):
        raise Bad("ingest.error.invalid_date")
    if isinstance(raw, int | float):  # an XLSX cell formatted as a number: Excel's serial
        if not 1 <= raw < 2_958_466:
            raise Bad("ingest.error.invalid_date")
        return from_excel(raw).date()
    text = fold(str(raw)).strip()
    if match := _ISO_DATE.match(text):
        return _make_date(int(match[1]), int(match[2]), int(match[3]))
    if match := _SLASH_DATE.match(text):
        first, second, year = int(match[1]), int(match[2]), int(match[3])
        if month_first is not None:
            if first <= 12 < second:
                raise Bad("ingest.error.month_day_order")
            if first != second and first <= 12 and second <= 12:
                raise Bad("ingest.error.ambiguous_date", example=month_first)
        if second > 12 and first <= 12:
            raise Bad("ingest.error.month_day_order")
        return _make_date(year, second, first)
    if (match := _WORD_DATE.match(text)) and match[2] in _MONTHS:
        return _make_date(int(match[3]), _MONTHS[match[2]], int(match[1]))
    if _SHORT_DATE.match(text):
        raise Bad("ingest.error.two_digit_year")
    raise Bad("ingest.error.invalid_date")


@parser("year")
def _year(raw, ref: Reference) -> int:
    if isinstance(raw, bool | datetime | date | time):
        raise Bad("ingest.error.invalid_year", min=FIRST_YEAR, max=_today().year)
    if isinstance(raw, int | float):
        number = float(raw)
    else:
        text = str(raw).translate(DIGITS).strip()
        if not re.match(r"^\d{4}(?:[.,]0+)?$", text):
            raise Bad("ingest.error.invalid_year", min=FIRST_YEAR, max=_today().year)
        number = float(text[:4])
    if not number.is_integer():
        raise Bad("ingest.error.invalid_year", min=FIRST_YEAR, max=_today().year)
    if not FIRST_YEAR <= number <= _today().year:
        raise Bad("ingest.error.year_out_of_range", min=FIRST_YEAR, max=_today().year)
    return int(number)


def _lookup(raw, table: dict[str, object], key: Callable[[str], str] = compact):
    try:
        text = text_of(raw)
    except TypeError:
        return None
    return table.get(key(text))


def _suggest(raw, table: dict[str, object], names: dict) -> str | None:
    try:
        wanted = compact(text_of(raw))
    except TypeError:
        return None
    close = difflib.get_close_matches(wanted, list(table), n=1, cutoff=0.75)
    return names.get(table[close[0]]) if close else None


@parser("region")
def _region(raw, ref: Reference) -> int:
    code = _lookup(raw, ref.regions, region_key)
    if code is None:
        suggestion = _suggest(raw, ref.regions, ref.region_names)
        if suggestion:
            raise Bad("ingest.error.unknown_region_suggest", suggestion=suggestion)
        raise Bad("ingest.error.unknown_region")
    return code


def _listed_code(raw, spellings: dict[str, str], names: dict[str, str], unknown: str) -> str:
    """The code of a reference list's entry the cell spells, or ``Bad(unknown)`` naming every
    entry (a sector, a type of intervention, a follow-up's status, a closure reason)."""
    code = _lookup(raw, spellings)
    if code is None:
        raise Bad(unknown, allowed=tuple(names.values()))
    return code


@parser("sector")
def _sector(raw, ref: Reference) -> str:
    return _listed_code(raw, ref.sectors, ref.sector_names, "ingest.error.unknown_sector")


@parser("intervention_type")
def _intervention_type(raw, ref: Reference) -> str:
    unknown = "ingest.error.unknown_intervention_type"
    return _listed_code(raw, ref.types, ref.type_names, unknown)


@parser("centre")
def _centre(raw, ref: Reference) -> int:
    centre_id = _lookup(raw, ref.centres, centre_key)
    if centre_id is None:
        allowed = tuple(f"{name} ({key})" for key, name in ref.centre_names.items())
        raise Bad("ingest.error.unknown_centre", allowed=allowed)
    return centre_id


def _choices(**words: tuple[str, ...]) -> dict[str, str]:
    return {compact(word): value for value, spelled in words.items() for word in spelled}


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
    **dict.fromkeys(keys("oui", "o", "yes", "y", "1", "vrai", "true", "x", "نعم"), True),
    **dict.fromkeys(keys("non", "n", "no", "0", "faux", "false", "لا"), False),
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
_MILLION_UNITS = keys("mdh", "mmad", "millions de dirhams", "million de dirhams", "m mad")
_NATIONAL = keys("national", "nationale", "maroc", "morocco", "royaume", "المغرب", "وطني")


def _choice(raw, table: dict, key: str, **params):
    value = _lookup(raw, table)
    if value is None:
        raise Bad(key, **params)
    return value


@parser("sex")
def _sex(raw, ref: Reference) -> str:
    return _choice(raw, _SEXES, "ingest.error.invalid_sex")


@parser("support_type")
def _support_type(raw, ref: Reference) -> str:
    return _choice(raw, _SUPPORT_TYPES, "ingest.error.invalid_support_type")


@parser("boolean")
def _boolean(raw, ref: Reference) -> bool:
    if isinstance(raw, bool):
        return raw
    if isinstance(raw, str) and raw.strip() in {"✓", "✔", "☑", "X"}:
        return True
    return _choice(raw, _BOOLEANS, "ingest.error.invalid_boolean")


@parser("age_band")
def _age_band(raw, ref: Reference) -> str:
    allowed = tuple(AGE_BANDS)
    if isinstance(raw, int | float) and not isinstance(raw, bool):
        age = raw
    elif isinstance(raw, str):
        text = fold(raw).replace("ans", "").replace("years", "").replace("سنه", "")
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
            raise Bad("ingest.error.invalid_age_band", allowed=allowed)
        age = int(text)
    else:
        raise Bad("ingest.error.invalid_age_band", allowed=allowed)
    if not float(age).is_integer():
        raise Bad("ingest.error.invalid_age_band", allowed=allowed)
    for band in AGE_BANDS:  # an age in years is stored as its band only
        low, _, high = band.rstrip("+").partition("-")
        if int(low) <= age <= (int(high) if high else 120):
            return band
    raise Bad("ingest.error.age_out_of_range", allowed=allowed)


@parser("grant")
def _grant(raw, ref: Reference) -> int | Warned:
    amount = _number(raw, integer=True)
    if amount < 0:
        raise Bad("ingest.error.negative_amount")
    rounded = math.floor(amount + 0.5)
    if rounded != amount:
        return Warned(rounded, "ingest.warning.grant_rounded", {"rounded": rounded})
    if rounded > UNUSUAL_GRANT_MAD:
        return Warned(rounded, "ingest.warning.grant_unusual", {"limit": UNUSUAL_GRANT_MAD})
    return rounded


@parser("value")
def _value(raw, ref: Reference) -> float:
    value = _number(raw)
    if value < 0:
        raise Bad("ingest.error.negative_value")
    return value


@parser("indicator")
def _indicator(raw, ref: Reference) -> str | Warned:
    try:
        text = fold(text_of(raw)).strip()
    except TypeError:
        raise Bad("ingest.error.invalid_indicator") from None
    indicator = re.sub(r"[\s\-.]+", "_", text)
    if not re.fullmatch(r"[a-z][a-z0-9_]{1,62}", indicator):
        raise Bad("ingest.error.invalid_indicator")
    if indicator not in ref.indicators:
        return Warned(indicator, "ingest.warning.new_indicator", {"indicator": indicator})
    return indicator


@parser("unit")
def _unit(raw, ref: Reference) -> str | Warned:
    text = text_of(raw)
    if compact(text) in _MILLION_UNITS:
        raise Bad("ingest.error.unit_in_millions")
    if text.strip() == "%":
        return "percent"
    unit = _UNITS.get(compact(text))
    if unit is None:
        if len(text) > 40:
            raise Bad("ingest.error.invalid_unit")
        return Warned(text, "ingest.warning.new_unit", {"unit": text})
    return unit


@parser("qualifier")
def _qualifier(raw, ref: Reference) -> str:
    text = text_of(raw).strip()
    if text in _QUALIFIER_SIGNS:
        return _QUALIFIER_SIGNS[text]
    return _choice(raw, _QUALIFIERS, "ingest.error.invalid_qualifier")


@parser("period")
def _period(raw, ref: Reference) -> str:
    params = {"min": FIRST_FIGURE_YEAR, "max": _today().year}
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)
    if isinstance(raw, int) and not isinstance(raw, bool):
        raw = str(raw)
    if not isinstance(raw, str):
        raise Bad("ingest.error.invalid_period", **params)
    text = raw.translate(DIGITS).strip()
    match = re.fullmatch(r"(\d{4})(?:\.0+)?(?:\s*[-–—/]\s*(\d{4}))?", text)
    if not match:
        raise Bad("ingest.error.invalid_period", **params)
    first = int(match[1])
    last = int(match[2]) if match[2] else first
    if not (FIRST_FIGURE_YEAR <= first <= last <= _today().year):
        raise Bad("ingest.error.invalid_period", **params)
    return str(first) if first == last else f"{first}-{last}"


@parser("scope")
def _scope(raw, ref: Reference) -> str:
    try:
        if compact(text_of(raw)) in _NATIONAL:
            return "national"
    except TypeError:
        pass
    code = _lookup(raw, ref.regions, region_key)
    if code is None:
        raise Bad("ingest.error.invalid_scope")
    return ref.region_iso[code]


@parser("text")
def _text(raw, ref: Reference) -> str | Warned:
    text = display(raw)
    if len(text) > MAX_TEXT:
        raise Bad("ingest.error.text_too_long", max=MAX_TEXT)
    if text.startswith(FORMULA_START):
        return Warned(text, "ingest.warning.formula_text")
    return text


@parser("url")
def _url(raw, ref: Reference) -> str:
    text = display(raw).strip()
    if not re.fullmatch(r"https?://[^\s/$.?#][^\s]*", text, flags=re.IGNORECASE):
        raise Bad("ingest.error.invalid_url")
    if len(text) > MAX_TEXT:
        raise Bad("ingest.error.text_too_long", max=MAX_TEXT)
    return text


@parser("record_key")
def _record_key(raw, ref: Reference) -> int:
    """The key Idmaj gave a beneficiary or a placement: a whole number from 1."""
    if isinstance(raw, bool | datetime | date | time):
        raise Bad("ingest.error.invalid_record_key")
    if isinstance(raw, int | float):
        number = float(raw)
    else:
        text = str(raw).translate(DIGITS).strip()
        if not re.fullmatch(r"\d{1,15}(?:[.,]0+)?", text):
            raise Bad("ingest.error.invalid_record_key")
        number = float(re.split(r"[.,]", text)[0])
    if not number.is_integer() or not 1 <= number < 10**15:
        raise Bad("ingest.error.invalid_record_key")
    return int(number)


@parser("follow_up_status")
def _follow_up_status(raw, ref: Reference) -> str:
    unknown = "ingest.error.unknown_follow_up_status"
    return _listed_code(raw, ref.statuses, ref.status_names, unknown)


@parser("closure_reason")
def _closure_reason(raw, ref: Reference) -> str:
    unknown = "ingest.error.unknown_closure_reason"
    return _listed_code(raw, ref.reasons, ref.reason_names, unknown)
