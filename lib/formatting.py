"""Numbers, money, percentages and dates for each interface language, through Babel.

Pure: no streamlit. ``lang`` is one of the interface languages (fr, ar, en); each maps to
the Babel locale a Moroccan reader expects (fr_MA, ar_MA, en).
"""

from __future__ import annotations

import math
from datetime import date

from babel.dates import format_date as _babel_format_date
from babel.numbers import (
    format_compact_currency,
    format_currency,
    format_decimal,
    format_percent,
)

LOCALES = {"fr": "fr_MA", "ar": "ar_MA", "en": "en"}
CURRENCY = "MAD"
MISSING = "—"


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
    return text.replace(CURRENCY, CURRENCY + "\xa0", 1) if text.startswith(CURRENCY) else text


def format_percent_value(share, lang: str = "fr", digits: int = 1) -> str:
    """A share 0.192 as 19,2 % (fr), 19,2% (ar), 19.2% (en)."""
    if _is_missing(share):
        return MISSING
    decimals = "." + "0" * digits if digits else ""
    pattern = {"fr": f"#,##0{decimals}\xa0%"}.get(lang, f"#,##0{decimals}%")
    return format_percent(share, format=pattern, locale=locale_for(lang))


def format_change(share, lang: str = "fr", digits: int = 0) -> str:
    """A relative change with its sign: +67 % (fr)."""
    if _is_missing(share):
        return MISSING
    text = format_percent_value(abs(share), lang, digits)
    # ASCII minus: st.metric colours a delta by its leading "-".
    sign = "+" if share > 0 else ("-" if share < 0 else "")
    return f"{sign}{text}"


def format_date(value: date, lang: str = "fr", style: str = "long") -> str:
    """27 mai 2019 (fr), 27 مايو 2019 (ar), May 27, 2019 (en)."""
    if value is None:
        return MISSING
    return _babel_format_date(value, format=style, locale=locale_for(lang))


def relative_change(current, previous) -> float | None:
    """(current - previous) / previous, or None where there is no base to compare with."""
    if _is_missing(current) or _is_missing(previous) or previous == 0:
        return None
    return (current - previous) / previous
