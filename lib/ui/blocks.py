"""Streamlit building blocks shared by the pages: the router guard, header, tiles, chart blocks.

Pages stay thin: they read the filters (``lib.ui.filters``), call ``lib.warehouse.queries``, and
hand DataFrames to these blocks. Data first, drawing second: one frame feeds the chart, the
table (shaped by ``lib.tables``) and the CSV download. Every page has one h1 (``page_header``)
and h2 sections (``section``); tables show their numbers the language's way, right-aligned.
"""

from __future__ import annotations

import logging
import runpy
import threading
from contextlib import contextmanager

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from lib import tables, tiles
from lib.config import REPO_DIR
from lib.i18n import current_language, is_rtl, t
from lib.ui import exports
from lib.ui.text import escaped, linked

# No Plotly toolbar: on a phone it covers the chart's title, and its zoom and pan only trap a
# finger that scrolls the page. Streamlit's own toolbar (full screen) stays.
PLOTLY_CONFIG = {"displayModeBar": False, "displaylogo": False, "scrollZoom": False}
ROW_HEIGHT = 35  # Streamlit's one-line table row, in pixels
SHOWN_ROWS = 20  # a table up to this long is shown whole, without an empty row under it
# A column of figures under a long header ("Pour 100 000 habitants (recensement de 2014)") is
# this wide, its header cut and whole in its help: as wide as its header, the figures aligned
# on its right would lie outside a phone's or a half page's table.
FIGURE_COLUMN_PX = 110
LONG_HEADER = 18  # characters
# A delta's arrow by the sign of the change, its colour by +1 (good news or a rise), -1 or 0
# (Streamlit would read both from a leading "-", which the right-to-left isolate hides).
_ARROW = {1: "up", -1: "down", 0: "off"}
_COLOUR = {1: "green", -1: "red", 0: "gray"}


APP_PATH = REPO_DIR / "app.py"
# Whether app.py is routing the run under way. Kept per thread, not in session_state: each run
# has its thread, and a page that ends with st.stop() must not leave the flag set for the next.
_routing = threading.local()


def is_routed() -> bool:
    return getattr(_routing, "active", False)


@contextmanager
def routed():
    """The run that app.py routes to a page (see ``start_page``). An error the page raises
    goes to the operations log (its type and place, never its message) before Streamlit
    shows it; st.rerun and st.stop are not errors (BaseException, not caught here)."""
    _routing.active = True
    try:
        yield
    except Exception:
        _log_page_error()
        raise
    finally:
        _routing.active = False


def _log_page_error() -> None:
    from lib.ops import logs

    try:
        logs.configure()
    except Exception:  # a bad setting is said on the page itself; the error still shows
        return
    logging.getLogger(__name__).exception("a page failed", extra={"event": "error"})


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
    exports.begin_page()
    return current_language()


def page_header(title: str, intro: str | None = None, demo: bool | None = None) -> None:
    """The page's one h1, its demonstration badge and its introduction. ``demo`` also labels
    the page's downloads (None: labelled whenever the warehouse holds demo records)."""
    exports.note_demo(demo)
    st.title(title, anchor=False)
    if demo:
        demo_badge()
    if intro:
        st.caption(intro)


def section(title: str) -> None:
    """A section of the page: an h2 under the page's h1, the outline a screen reader lists."""
    st.header(title, anchor=False)


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


# The state key of a chart's table expander: ``table_<chart key>`` (tests open them by it).
TABLE_KEY = "table_"


def chart_block(
    figure: go.Figure,
    table: pd.DataFrame,
    title: str,
    key: str,
    column_config: dict | None = None,
    table_label: str | None = None,
) -> None:
    """The chart and its image downloads, then the table behind it and its downloads, in an
    expander (open when the table is a view of its own, such as the ranking of the regions).

    The table and its buttons are drawn only while their expander is open (opening it reruns
    the page): a closed table costs the server nothing, where drawing one costs each session
    a table's worth of Arrow and styling, most of a page's run (bench/RESULTS.md, Findings)."""
    chart(figure, title, key)
    label = table_label or t("common.data_behind", title=title)
    shown = table_label is not None
    expander = st.expander(label, expanded=shown, key=f"{TABLE_KEY}{key}", on_change="rerun")
    if expander.open:
        with expander:
            dataframe(table, title, column_config)
            download(table, title, key)


def chart(figure: go.Figure, title: str, key: str) -> None:
    """A Plotly chart without Plotly's toolbar, and the app's own PNG and SVG buttons under it
    (``lib.ui.exports``): in the page's language, each image with its source and label."""
    st.plotly_chart(figure, config=PLOTLY_CONFIG, key=f"chart_{key}")
    exports.buttons("chart", figure, title, key)


def dataframe(
    table: pd.DataFrame,
    title: str,
    column_config: dict | None = None,
    row_height: int = ROW_HEIGHT,
) -> None:
    """A table named ``title`` for screen readers: numbers and dates written the session's way
    and right-aligned (figures that arrive as text too), ``—`` where missing, every row shown
    up to ``SHOWN_ROWS`` with no empty row under the last. Rows taller than two lines of text
    let long cells wrap (Streamlit wraps text from 64 px on)."""
    config = {
        column: st.column_config.TextColumn(alignment="right")
        for column in tables.figure_text_columns(table)
    }
    config.update(_narrow_figure_columns(table, config))
    config.update(column_config or {})
    if is_rtl(lang()):
        table = tables.for_canvas(table)
    st.dataframe(
        tables.styled(table),
        hide_index=True,
        column_config=config,
        height="content" if len(table) <= SHOWN_ROWS else "auto",
        row_height=row_height,
        placeholder="—",
        alt=title,
    )


def _narrow_figure_columns(table: pd.DataFrame, aligned: dict) -> dict:
    """Columns of figures (numbers, or figures written as text) under a long header: narrowed
    to ``FIGURE_COLUMN_PX``, the whole header in their help."""
    narrowed = {}
    for column in table.columns[1:]:
        figures = column in aligned or pd.api.types.is_numeric_dtype(table[column])
        if figures and len(str(column)) > LONG_HEADER:
            kind = st.column_config.TextColumn if column in aligned else st.column_config.Column
            options = {"alignment": "right"} if column in aligned else {}
            narrowed[column] = kind(width=FIGURE_COLUMN_PX, help=str(column), **options)
    return narrowed


def metric(label: str, value: str, delta: str | None = None, sign: float = 0, **options) -> None:
    """A bordered tile; ``delta`` is the change as written (its signed figure isolated with
    ``signed_isolated``, so that Arabic reads "+6 %", not "6%-"), ``sign`` the change itself:
    it gives the delta's colour and arrow."""
    if not delta:
        st.metric(label, value, border=True, **options)
        return
    colour, arrow = _COLOUR[_sign(sign)], _ARROW[_sign(sign)]
    st.metric(label, value, delta, delta_color=colour, delta_arrow=arrow, border=True, **options)


def _sign(value: float) -> int:
    return (value > 0) - (value < 0)


def empty_selection_message() -> None:
    st.info(t("common.empty_selection"), icon=":material/filter_alt_off:")


# --- tiles and tables -----------------------------------------------------------------------


def _tile_line(line: tiles.Line) -> str:
    """A line under a tile, already escaped; a link when its source has a web address."""
    return line.text if line.url is None else linked(line.text, line.url)


def kpi_tile(kpi, selection) -> None:
    """One tile (``lib.tiles``): the value, the change coloured by what is good news for this
    measure (a falling cost per beneficiary is green) and naming its base year when it is not
    the year before, the previous value, the demonstration mark when demo records are behind
    it, the published figures' sources as links, and any note."""
    text = tiles.tile_text(kpi, selection, lang(), escaped)
    with st.container(border=True):
        if text.change:
            st.metric(
                text.label,
                text.value,
                text.change,
                # Coloured by what the change means for this measure, not by its sign.
                delta_color=_COLOUR[text.tone],
                delta_arrow=_ARROW[_sign(kpi.difference or 0)],
                help=t("overview.delta_help", year=kpi.previous_year),
            )
        else:
            st.metric(text.label, text.value)
        if text.previous:
            st.caption(text.previous)
        if text.demo:
            demo_badge()
        for line in text.sources:
            st.caption(_tile_line(line))
        for note in text.notes:
            st.caption(note)


def download(table: pd.DataFrame, title: str, key: str) -> None:
    """The frame as CSV and Excel (``lib.ui.exports``), named after its title and selection,
    each with its source and label; escaped against spreadsheet formulas. Made when clicked,
    for this session, and forgotten soon after (``lib.ui.downloads``)."""
    exports.buttons("table", table, title, key)


def source_column_config() -> dict:
    """The Sources tables: links that open, and widths that show every short column whole."""
    text = st.column_config.TextColumn
    return {
        t("sources.col_indicator"): text(width=210),
        t("sources.col_period"): text(width=90),
        t("sources.col_scope"): text(width=130),
        t("sources.col_value"): text(width=150, alignment="right"),
        t("sources.col_published"): text(width=150, alignment="right"),
        t("sources.col_warehouse"): text(width=150, alignment="right"),
        t("sources.col_source"): text(width=210),
        t("sources.col_url"): st.column_config.LinkColumn(
            display_text=t("sources.open_link"), width=80
        ),
        t("sources.col_date"): st.column_config.Column(width=130),
        t("sources.col_quote"): text(width=420),
        t("sources.col_note"): text(width=320),
    }


# --- the public page ------------------------------------------------------------------------
