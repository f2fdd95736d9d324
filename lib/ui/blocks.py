"""Streamlit building blocks shared by the pages: the router guard, header, tiles, chart blocks.

Pages stay thin: they read the filters (``lib.ui.filters``), call ``lib.warehouse.queries``, and
hand DataFrames to these blocks. Data first, drawing second: one frame feeds the chart, the
table (shaped by ``lib.tables``) and the CSV download.
"""

from __future__ import annotations

import runpy
import threading
from contextlib import contextmanager
from functools import partial

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from lib import tables
from lib.config import REPO_DIR
from lib.export import csv_bytes, file_slug
from lib.formatting import format_change, format_money, format_number
from lib.i18n import current_language, t
from lib.ui.downloads import made_on_click
from lib.ui.text import escaped

PLOTLY_CONFIG = {
    "displaylogo": False,
    "toImageButtonOptions": {"format": "png", "scale": 2},
    "modeBarButtonsToRemove": ["lasso2d", "select2d"],
}


APP_PATH = REPO_DIR / "app.py"
# Whether app.py is routing the run under way. Kept per thread, not in session_state: each run
# has its thread, and a page that ends with st.stop() must not leave the flag set for the next.
_routing = threading.local()


def is_routed() -> bool:
    return getattr(_routing, "active", False)


@contextmanager
def routed():
    """The run that app.py routes to a page (see ``start_page``)."""
    _routing.active = True
    try:
        yield
    finally:
        _routing.active = False


def lang() -> str:
    return current_language()


def start_page() -> str:
    """First call of every page: make sure app.py routed this run; return the session language.

    Streamlit runs a script of ``pages/`` on its own when the first request after a server
    start names it (its "pages directory" mode; AppTest does so on every run), which would skip
    app.py: its page config and the list of pages this session may open. Such a run switches
    that mode off, runs app.py in its place within the same run (so a button's click is not
    lost), and stops.
    """
    if not is_routed():
        from streamlit.runtime.pages_manager import PagesManager

        PagesManager.uses_pages_directory = False
        runpy.run_path(str(APP_PATH), run_name="__main__")
        st.stop()
    return current_language()


def page_header(title: str, intro: str | None = None, demo: bool = False) -> None:
    st.title(title)
    if demo:
        demo_badge()
    if intro:
        st.caption(intro)


def demo_badge() -> None:
    """Shown wherever demo records feed a figure: they are not the foundation's records."""
    st.badge(
        t("common.demo_badge"),
        icon=":material/science:",
        color="orange",
        help=t("common.demo_help"),
    )


# --- filters --------------------------------------------------------------------------------


# --- figures --------------------------------------------------------------------------------


def chart_block(
    figure: go.Figure,
    table: pd.DataFrame,
    title: str,
    key: str,
    column_config: dict | None = None,
    table_label: str | None = None,
) -> None:
    """The chart, then the table behind it and its CSV download, in an expander (open when
    the table is a view of its own, such as the ranking of the regions)."""
    st.plotly_chart(figure, config=PLOTLY_CONFIG, key=f"chart_{key}")
    label = table_label or t("common.data_behind", title=title)
    with st.expander(label, expanded=table_label is not None):
        height = 36 * (len(table) + 1) + 4 if table_label and len(table) <= 20 else "auto"
        st.dataframe(
            tables.display_table(table), hide_index=True, column_config=column_config, height=height
        )
        download(table, title, key)


def empty_selection_message() -> None:
    st.info(t("common.empty_selection"), icon=":material/filter_alt_off:")


# --- tiles and tables -----------------------------------------------------------------------


def _published_note(kpi, published: dict, selection) -> str | None:
    """'Publié : plus de 13 500 000 MAD (MAP, 2019-05-29)' for a national figure a source states."""
    if selection.is_narrowed or kpi.year is None:
        return None
    period = "2018-2019" if kpi.key == "capc_interventions" else str(kpi.year)
    row = published.get((kpi.key, period, "national"))
    if row is None:
        return None
    value = row["value"]
    shown = format_money(value, lang()) if row["unit"] == "MAD" else format_number(value, lang())
    if row["qualifier"] in ("at_least", "approx"):
        shown = t(f"common.{row['qualifier']}", value=shown)
    source = escaped(row["source_title"])  # imported with the figures: shown as text
    return t("overview.published_note", value=shown, period=period, source=source)


def _delta_text(kpi) -> str | None:
    # A share moves in percentage points: 12 % -> 14 % is "+2,0 pts", not "+17 %".
    if kpi.key.startswith("share_"):
        if kpi.value is None or kpi.previous is None:
            return None
        points = (kpi.value - kpi.previous) * 100
        sign = "+" if points > 0 else ("-" if points < 0 else "")
        return t("common.points", value=sign + format_number(abs(points), lang(), digits=1))
    return format_change(kpi.change, lang()) if kpi.change is not None else None


def kpi_tile(kpi, fmt, published: dict, selection) -> None:
    """A metric with its change against the previous year and, where one exists, the source."""
    label = t(f"overview.kpi_{kpi.key}")
    if kpi.year is not None and kpi.year != selection.year:
        label = t("overview.kpi_in_year", label=label, year=kpi.year)
    value = (
        fmt(kpi.value, lang())
        if kpi.value is not None
        else t("common.no_data_year", year=selection.year)
    )
    delta = _delta_text(kpi)
    help_text = t("overview.delta_help", year=kpi.previous_year) if delta else None
    st.metric(label, value, delta, help=help_text, border=True)
    note = _published_note(kpi, published, selection)
    if note:
        st.caption(note)
    if kpi.key == "capc_interventions" and selection.sectors:
        st.caption(t("overview.no_sector"))


def download(table: pd.DataFrame, title: str, key: str) -> None:
    """The raw frame as CSV (escaped against spreadsheet formulas), named after its title.

    Made when clicked, for this session, and forgotten soon after (``lib.ui.downloads``)."""
    file_name = f"idmaj-{file_slug(title)}.csv"
    st.download_button(
        t("common.download_csv"),
        data=made_on_click(partial(csv_bytes, table), "text/csv", file_name),
        file_name=file_name,
        mime="text/csv",
        key=f"download_{key}",
        icon=":material/download:",
        on_click="ignore",
    )


def source_column_config() -> dict:
    return {
        t("sources.col_url"): st.column_config.LinkColumn(display_text=t("sources.open_link")),
        t("sources.col_date"): st.column_config.DateColumn(format="YYYY-MM-DD"),
    }


# --- the public page ------------------------------------------------------------------------
