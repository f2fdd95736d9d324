"""Numbers, money, percentages and dates for each interface language, through Babel.

Pure: no streamlit. ``lang`` is one of the interface languages (fr, ar, en), or Tamazight
(zgh) on the public face; each maps to the Babel locale a Moroccan reader expects (fr_MA,
ar_MA, en, and zgh_MA, left to right: "29 ⵎⴰⵢⵢⵓ 2019", "13 500 000 MAD"). In a right-to-left
language a Latin name or a signed figure inside a sentence is wrapped in Unicode isolates
(``isolated``, ``signed_isolated``), so that its brackets and sign stay where its own direction
puts them.
"""

from __future__ import annotations

import math
from datetime import date

from babel.dates import format_date as _babel_format_date
from babel.dates import format_skeleton
from babel.lists import format_list as _babel_format_list
from babel.numbers import (
    format_compact_currency,
    format_currency,
    format_decimal,
    format_percent,
)

from lib.i18n import is_rtl

LOCALES = {"fr": "fr_MA", "ar": "ar_MA", "en": "en", "zgh": "zgh_MA"}
CURRENCY = "MAD"
MISSING = "—"
# Unicode isolates (UAX #9): first-strong, left-to-right, and the closing pop.
FSI, LRI, PDI = "\u2068", "\u2066", "\u2069"


def locale_for(lang: str) -> str:
    return LOCALES.get(lang, LOCALES["fr"])


def _is_missing(value) -> bool:
    if value is None:
        return True
    try:
        return math.isnan(value)
    except TypeError:
        return False


def _money_pattern(lang: str) -> str:
    # Whole dirhams: a programme budget is never quoted in centimes. English puts the code first,
    # spaced, as Bank Al-Maghrib's English reports do ("MAD 13,500,000").
    if lang == "en":
        return "¤\xa0#,##0"
    if lang == "ar":
        return "\u200f#,##0\xa0¤;\u200f-#,##0\xa0¤"
    return "#,##0\xa0¤"


def format_number(value, lang: str = "fr", digits: int = 0) -> str:
    """13 500 000 (fr), 13.500.000 (ar), 13,500,000 (en); ``—`` when missing."""
    if _is_missing(value):
        return MISSING
    pattern = "#,##0" + ("." + "0" * digits if digits else "")
    return format_decimal(value, format=pattern, locale=locale_for(lang))


def format_money(value, lang: str = "fr") -> str:
    """13 500 000 MAD (fr), ‏13.500.000 د.م.‏ (ar), MAD 13,500,000 (en)."""
    if _is_missing(value):
        return MISSING
    return format_currency(
        round(value),
        CURRENCY,
        format=_money_pattern(lang),
        locale=locale_for(lang),
        currency_digits=False,
    )


def format_money_short(value, lang: str = "fr") -> str:
    """13,5 M MAD (fr), MAD 13.5M (en): for tiles and axes where the full figure would not fit."""
    if _is_missing(value):
        return MISSING
    text = format_compact_currency(value, CURRENCY, locale=locale_for(lang), fraction_digits=1)
    # Babel glues the ISO code to the digits in English ("MAD13.5M"); space it as format_money does.
    glued = text.startswith(CURRENCY) and not text[len(CURRENCY)].isspace()
    return text.replace(CURRENCY, CURRENCY + "\xa0", 1) if glued else text


def format_percent_value(share, lang: str = "fr", digits: int = 1) -> str:
    """A share 0.192 as 19,2 % (fr), 19,2% (ar), 19.2% (en)."""
    if _is_missing(share):
        return MISSING
    decimals = "." + "0" * digits if digits else ""
    # French and Tamazight space the sign, as their Babel patterns do ("19,2 %").
    spaced = f"#,##0{decimals}\xa0%"
    pattern = {"fr": spaced, "zgh": spaced}.get(lang, f"#,##0{decimals}%")
    return format_percent(share, format=pattern, locale=locale_for(lang))


def _sign(value) -> str:
    # ASCII minus: st.metric colours a delta by its leading "-".
    return "+" if value > 0 else ("-" if value < 0 else "")


def format_change(share, lang: str = "fr", digits: int = 0) -> str:
    """A relative change with its sign: +67 % (fr)."""
    if _is_missing(share):
        return MISSING
    return _sign(share) + format_percent_value(abs(share), lang, digits)


def format_signed(value, lang: str = "fr", digits: int = 0) -> str:
    """A difference with its sign: +1 234, -2,0 (fr); ``—`` when missing."""
    if _is_missing(value):
        return MISSING
    return _sign(value) + format_number(abs(value), lang, digits)


def format_date(value: date, lang: str = "fr", style: str = "long") -> str:
    """27 mai 2019 (fr), 27 مايو 2019 (ar), May 27, 2019 (en)."""
    if value is None:
        return MISSING
    return _babel_format_date(value, format=style, locale=locale_for(lang))


def format_month(value: date, lang: str = "fr") -> str:
    """A month: mai 2019 (fr), مايو 2019 (ar), May 2019 (en)."""
    if value is None:
        return MISSING
    return format_skeleton("yMMMM", value, locale=locale_for(lang))


def relative_change(current, previous) -> float | None:
    """(current - previous) / previous, or None where there is no base to compare with."""
    if _is_missing(current) or _is_missing(previous) or previous == 0:
        return None
    return (current - previous) / previous


def format_list(items, lang: str = "fr") -> str:
    """Names in a sentence, joined as the language joins them: "A, B et C", "A وB وC" (never
    a Latin comma in Arabic), "A, B, and C"."""
    names = [str(item) for item in items]
    return _babel_format_list(names, locale=locale_for(lang)) if names else ""


def colon(lang: str) -> str:
    """What joins a label to its value: "Bénéficiaires : 39" (fr), "Beneficiaries: 39"."""
    return "\xa0: " if lang == "fr" else ": "


def isolated(text: str, lang: str) -> str:
    """``text`` set apart from the sentence around it where the sentence runs right to left:
    "(Libération (MAP))" keeps its brackets inside an Arabic sentence. Unchanged elsewhere."""
    if not text or not is_rtl(lang):
        return text
    return f"{FSI}{text}{PDI}"


def signed_isolated(text: str, lang: str) -> str:
    """A signed figure ("+6 %", "-17 %") read left to right inside right-to-left text, where the
    bidirectional algorithm would otherwise print "6%-". Unchanged in left-to-right languages."""
    if not text or not is_rtl(lang):
        return text
    return f"{LRI}{text}{PDI}"
