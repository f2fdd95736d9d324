"""Tables as a reader sees them: columns headed in the session's language, numbers written its way.

Pure (no streamlit): pages hand these frames to ``lib.ui.blocks``; the raw frame, not these,
goes into CSV downloads.
"""

from __future__ import annotations

import pandas as pd

from lib.formatting import format_money, format_number, format_percent_value
from lib.i18n import current_language as lang
from lib.i18n import name_column, t


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
    return frame[list(columns)].rename(columns={c: column_label(c) for c in columns})


def display_table(table: pd.DataFrame) -> pd.DataFrame:
    """Numbers written the session's way (13 500 000, 2,4); the CSV keeps raw numbers."""
    plain = {t("common.year"), t("common.rank"), t("interventions.month")}
    money = {t("common.budget"), t("common.cost_per_beneficiary"), t("sim.scenario_money")}
    shown = table.copy()
    for column in shown.columns:
        series = shown[column]
        if column in plain or not pd.api.types.is_numeric_dtype(series):
            continue
        if pd.api.types.is_bool_dtype(series):
            continue
        whole = pd.api.types.is_integer_dtype(series) or column in money
        digits = 0 if whole else 1
        shown[column] = [format_number(value, lang(), digits) for value in series]
    return shown


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


def _figure_key(frame: pd.DataFrame) -> dict:
    """Indicator, period and scope of published figures, as a reader names them."""
    return {
        t("sources.col_indicator"): [t(f"indicator.{code}") for code in frame["indicator"]],
        t("sources.col_period"): frame["period"],
        t("sources.col_scope"): [
            t("sources.national") if scope == "national" else scope for scope in frame["scope"]
        ],
    }


def _qualified_column(values, units, qualifiers) -> list[str]:
    return [_qualified(v, u, q) for v, u, q in zip(values, units, qualifiers, strict=True)]


def figure_table(figures: pd.DataFrame) -> pd.DataFrame:
    """Published figures as a reader sees them: indicator named, value qualified, source linked."""
    return pd.DataFrame(
        {
            **_figure_key(figures),
            t("sources.col_value"): _qualified_column(
                figures["value"], figures["unit"], figures["qualifier"]
            ),
            t("sources.col_source"): figures["source_title"],
            t("sources.col_date"): figures["source_date"],
            t("sources.col_url"): figures["source_url"],
            t("sources.col_quote"): figures["quote"],
            t("sources.col_note"): figures["note"],
        }
    )


def reconciliation_table(frame: pd.DataFrame) -> pd.DataFrame:
    """Published value next to the warehouse's own, figure by figure."""
    return pd.DataFrame(
        {
            **_figure_key(frame),
            t("sources.col_published"): _qualified_column(
                frame["published_value"], frame["unit"], frame["qualifier"]
            ),
            t("sources.col_warehouse"): _qualified_column(
                frame["warehouse_value"], frame["unit"], ["exact"] * len(frame)
            ),
            t("sources.col_match"): ["✓" if ok else "✗" for ok in frame["matches"]],
            t("sources.col_source"): frame["source_title"],
            t("sources.col_url"): frame["source_url"],
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
