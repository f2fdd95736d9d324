"""Tables as a reader sees them: columns headed in the session's language, numbers written its way.

Pure (no streamlit): pages hand these frames to ``lib.ui.blocks``; the raw frame, not these,
goes into CSV downloads. A table keeps its numbers and dates as numbers and dates (so that a
column sorts by value and its figures line up on the right); ``styled`` only says how each cell
is written: 6 247 (never 6247), 2019 (a year, not 2 019), 2,4, 29 mai 2019, and ``—`` when
missing. Figures that arrive as text (the public tables' "< 10") are aligned like numbers.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from functools import partial

import pandas as pd
from pandas.io.formats.style import Styler

from lib.formatting import (
    MISSING,
    format_date,
    format_money,
    format_month,
    format_number,
    format_percent_value,
)
from lib.i18n import current_language as lang
from lib.i18n import name_column, t
from lib.public.translations import translated

# Columns whose numbers are names, not quantities: written without separators.
PLAIN_COLUMNS = ("common.year", "common.rank")
MONEY_COLUMNS = ("common.budget", "common.cost_per_beneficiary", "sim.scenario_money")
MONTH_COLUMNS = ("interventions.month",)
_NO_ISOLATES = str.maketrans(dict.fromkeys("\u2066\u2067\u2068\u2069"))
# Text cells that are figures: "1 234", "< 10", "s", "12,5 %", "—".
_FIGURE_TEXT = re.compile(r"^[<>≤\s\d\u202f\xa0.,%+\-−—s\u200e\u200f\u2066-\u2069]*$")


def localized_names(frame: pd.DataFrame, target: str = "name") -> pd.DataFrame:
    """Add a ``name`` column in the session's language from the name_fr/ar/en columns."""
    frame = frame.copy()
    frame[target] = frame[name_column(lang())]
    return frame


_COLUMN_LABELS = {
    "year": "common.year",
    "beneficiaries": "common.beneficiaries",
    "budget_mad": "common.budget",
    "women": "common.women",
    "men": "common.men",
    "placements": "common.placements",
    "interventions": "common.interventions",
    "cost_per_beneficiary": "common.cost_per_beneficiary",
    "share_women": "common.share_women",
}


def column_label(column: str) -> str:
    return t(_COLUMN_LABELS.get(column, f"common.{column}"))


def labelled(frame: pd.DataFrame, columns: tuple[str, ...] | list[str]) -> pd.DataFrame:
    """The columns a table or CSV shows, headed in the session's language."""
    shown = frame[list(columns)]
    shown.columns = [column_label(column) for column in columns]  # a third of rename's time
    return shown


def _plain(value) -> str:
    return MISSING if pd.isna(value) else str(int(value))


def _is_dates(series: pd.Series) -> bool:
    if pd.api.types.is_datetime64_any_dtype(series):
        return True
    values = series.dropna()
    return (
        series.dtype == object
        and not values.empty
        and all(isinstance(value, date | datetime) for value in values)
    )


def cell_formats(table: pd.DataFrame) -> dict:
    """Column -> how its cells are written, for the number and date columns of ``table``."""
    plain = {t(key) for key in PLAIN_COLUMNS}
    money = {t(key) for key in MONEY_COLUMNS}
    months = {t(key) for key in MONTH_COLUMNS}
    formats = {}
    for column in table.columns:
        series = table[column]
        if column in months and _is_dates(series):
            formats[column] = partial(_when, write=format_month)
        elif _is_dates(series):
            formats[column] = partial(_when, write=format_date)
        elif pd.api.types.is_bool_dtype(series) or not pd.api.types.is_numeric_dtype(series):
            continue
        elif column in plain:
            formats[column] = _plain
        else:
            whole = pd.api.types.is_integer_dtype(series) or column in money
            formats[column] = partial(_number, digits=0 if whole else 1)
    return formats


def _number(value, digits: int) -> str:
    return format_number(value, lang(), digits)


def _when(value, write) -> str:
    if pd.isna(value):
        return MISSING
    day = value.date() if isinstance(value, datetime | pd.Timestamp) else value
    return write(day, lang())


def styled(table: pd.DataFrame) -> Styler | pd.DataFrame:
    """``table`` with every number and date written the session's way, ``—`` where missing;
    the cells keep their values (sorting, right alignment). The CSV keeps raw numbers.

    A table of text only (the public tables, whose figures arrive written) is returned as it
    is: it has nothing to write, and a Styler would cost each session its per-cell rendering
    (the page's ``st.dataframe`` shows ``—`` for a missing cell by itself)."""
    formats = cell_formats(table)
    if not formats:
        return table
    return table.style.format(formats, na_rep=MISSING)


def for_canvas(table: pd.DataFrame) -> pd.DataFrame:
    """``table`` for a right-to-left page: Streamlit draws tables on a canvas, which ignores
    Unicode isolates, so "< 10" would read "10 >"; each figure written as text is held left to
    right between two left-to-right marks instead (the isolates are dropped)."""
    shown = table.copy()
    for column in shown.columns:
        if shown[column].dtype == object or pd.api.types.is_string_dtype(shown[column]):
            shown[column] = [_marked(value) for value in shown[column]]
    return shown


def _marked(value):
    if not isinstance(value, str):
        return value
    bare = value.translate(_NO_ISOLATES)
    return f"\u200e{bare}\u200e" if bare.strip() and _FIGURE_TEXT.match(bare) else bare


def figure_text_columns(table: pd.DataFrame) -> list[str]:
    """Text columns that hold figures (the public tables' "1 234", "< 10", "s"): aligned on
    the right like numbers. A column of names or sentences is not one of them."""
    columns = []
    for column in table.columns[1:]:
        values = [str(value) for value in table[column].dropna() if str(value).strip()]
        textual = table[column].dtype == object or pd.api.types.is_string_dtype(table[column])
        if textual and values and all(_FIGURE_TEXT.match(value) for value in values):
            columns.append(column)
    return columns


def year_table(frame: pd.DataFrame, columns: tuple[str, ...]) -> pd.DataFrame:
    return labelled(frame, ("year", *columns))


def _qualified(value: float, unit: str, qualifier: str) -> str:
    if unit == "MAD":
        text = format_money(value, lang())
    elif unit == "percent":
        text = format_percent_value(value / 100, lang(), digits=2)
    else:
        text = format_number(value, lang())
    return t(f"common.{qualifier}", value=text) if qualifier in ("at_least", "approx") else text


def _scope(scope: str, region_names: dict[str, str]) -> str:
    """ "national", or a region's ISO 3166-2 code (MA-06) as the region's name."""
    if scope == "national":
        return t("sources.national")
    match = re.fullmatch(r"MA-(\d{2})", str(scope))
    return region_names.get(str(int(match[1])), scope) if match else scope


def _figure_key(frame: pd.DataFrame, region_names: dict[str, str]) -> dict:
    """Indicator, period and scope of published figures, as a reader names them."""
    return {
        t("sources.col_indicator"): [t(f"indicator.{code}") for code in frame["indicator"]],
        t("sources.col_period"): frame["period"],
        t("sources.col_scope"): [_scope(scope, region_names) for scope in frame["scope"]],
    }


def _qualified_column(values, units, qualifiers) -> list[str]:
    return [_qualified(v, u, q) for v, u, q in zip(values, units, qualifiers, strict=True)]


def _in_language(kind: str, texts: pd.Series) -> list[str | None]:
    """Source titles or notes in the session's language (data/seed/source_translations.csv),
    as they were written where there is no translation; empty ones missing."""
    language = lang()
    return [translated(kind, text, language) or None for text in texts]


def _links(urls: pd.Series) -> list[str | None]:
    """Addresses for a link column: an empty one is missing, never the word "None"."""
    return [url if isinstance(url, str) and url.strip() else None for url in urls]


def figure_table(figures: pd.DataFrame, region_names: dict[str, str]) -> pd.DataFrame:
    """Published figures as a reader sees them: indicator named, value qualified, source named
    and noted in the reader's language and linked, a region named rather than coded (MA-06 ->
    Casablanca-Settat); quotes stay as the source wrote them."""
    return pd.DataFrame(
        {
            **_figure_key(figures, region_names),
            t("sources.col_value"): _qualified_column(
                figures["value"], figures["unit"], figures["qualifier"]
            ),
            t("sources.col_source"): _in_language("source_title", figures["source_title"]),
            t("sources.col_url"): _links(figures["source_url"]),
            t("sources.col_date"): figures["source_date"],
            t("sources.col_quote"): figures["quote"],
            t("sources.col_note"): _in_language("note", figures["note"]),
        }
    )


def reconciliation_table(frame: pd.DataFrame, region_names: dict[str, str]) -> pd.DataFrame:
    """Published value next to the warehouse's own, figure by figure."""
    return pd.DataFrame(
        {
            **_figure_key(frame, region_names),
            t("sources.col_published"): _qualified_column(
                frame["published_value"], frame["unit"], frame["qualifier"]
            ),
            t("sources.col_warehouse"): _qualified_column(
                frame["warehouse_value"], frame["unit"], ["exact"] * len(frame)
            ),
            t("sources.col_match"): ["✓" if ok else "✗" for ok in frame["matches"]],
            t("sources.col_source"): _in_language("source_title", frame["source_title"]),
            t("sources.col_url"): _links(frame["source_url"]),
        }
    )


def provenance_table(frame: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame(
        {
            t("sources.col_table"): [t(f"sources.table_{name}") for name in frame["record_table"]],
            t("sources.col_demo"): frame["demo"],
            t("sources.col_imported"): frame["imported"],
        }
    )
