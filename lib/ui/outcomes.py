"""The Résultats page's sections: survival curves with their table, the shares by region,
sector or sex, returns to prison per cohort, and the honest comparison with the national rate.

Each section takes the frames ``lib.warehouse.queries`` returned for the page's selection,
computes with ``lib.outcomes`` and draws with ``lib.charts`` and ``lib.ui.blocks``; the page
(``pages/outcomes.py``) only reads the filters and calls these, in order.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from lib import charts
from lib.formatting import format_date, format_month, format_number, format_percent_value
from lib.formatting import isolated as set_apart
from lib.i18n import current_language as lang
from lib.i18n import t
from lib.outcomes import cohorts, headline
from lib.outcomes import tables as outcome_tables
from lib.ui import blocks
from lib.ui.text import escaped
from lib.warehouse import queries

# The breakdowns the page offers: dimension -> the message naming its column.
DIMENSIONS = {"region_code": "common.region", "sector_code": "common.sector", "sex": "outcomes.sex"}
KINDS = {"beneficiary": "projects", "placement": "jobs"}  # record kind -> its messages' prefix
COMPARED = ("foundation_followed_reoffending_rate", "national_reoffending_rate")


def _demo_note(figure, demo: bool, lang: str):
    """A chart fed by demonstration records says so inside itself (an image may travel)."""
    return charts.with_note(figure, t("common.demo_badge", lang)) if demo else figure


def _right_aligned(table: pd.DataFrame) -> dict:
    """Shares written with their interval ("69,0 % (63,1–74,2)") line up on the right like
    the other figures; the first column names the row."""
    return {
        column: st.column_config.TextColumn(alignment="right")
        for column in table.columns[1:]
        if pd.api.types.is_string_dtype(table[column]) or table[column].dtype == object
    }


def provenance_caption(provenance: dict) -> None:
    """How many people the follow-ups cover and how far they reach."""
    people = provenance["demo"] + provenance["imported"]
    st.caption(
        t(
            "outcomes.provenance",
            people=format_number(people, lang()),
            horizon=format_month(provenance["horizon"], lang()),
        )
    )


# The builders below are cached like the public page's figures (``lib.ui.public``): once per
# frame the warehouse returned and language, shared by every session and never changed by the
# page (``cache_resource``: no copy). Plotly's figure building and the Kaplan-Meier tables are
# most of the page's time; Streamlit hashes the frames, so a new import is a new key.


@st.cache_resource(max_entries=64, show_spinner=False)
def _survival_view(spells: pd.DataFrame, record_kind: str, lang: str) -> tuple:
    """The curves' figure and the table of shares of one kind of spell: (figure, table)."""
    prefix = KINDS[record_kind]
    curves = cohorts.survival_curves(spells)
    years = sorted(int(year) for year in curves["cohort_year"].unique())
    series = {year: t("outcomes.cohort_label", lang, year=year) for year in years}
    figure = charts.survival_chart(
        curves, "cohort_year", series, t(f"outcomes.{prefix}_chart", lang),
        t("outcomes.months", lang), t(f"outcomes.{prefix}_axis", lang), lang,
    )  # fmt: skip
    shares = cohorts.share_active(spells, by="cohort_year")
    people = "outcomes.col_followed" if record_kind == "beneficiary" else "outcomes.col_placed"
    table = outcome_tables.cohort_table(shares, lang, people)
    return _demo_note(figure, bool(spells["any_demo"].any()), lang), table


def survival_section(spells: pd.DataFrame, record_kind: str) -> None:
    """One kind of spell (micro-projects or jobs): the curve of each cohort, then the table
    of the shares still active at 6, 12 and 24 months, with the people behind them."""
    prefix = KINDS[record_kind]
    blocks.section(t(f"outcomes.{prefix}_section"))
    st.caption(t(f"outcomes.{prefix}_intro"))
    if spells.empty:
        blocks.empty_selection_message()
        return
    figure, table = _survival_view(spells, record_kind, lang())
    title = t(f"outcomes.{prefix}_chart")
    blocks.chart_block(figure, table, title, f"outcomes_{prefix}", _right_aligned(table))
    st.caption(t("outcomes.interval_note"))


def dimension_choice() -> str:
    """Which breakdown the reader asked for: region, sector or sex (its section begins here)."""
    blocks.section(t("outcomes.breakdown_section"))
    chosen = st.segmented_control(
        t("outcomes.breakdown_by"),
        list(DIMENSIONS),
        format_func=lambda dimension: t(DIMENSIONS[dimension]),
        default="region_code",
        key="o_dimension",
        required=True,
    )
    return chosen or "region_code"


def _group_names(dimension: str, lang: str) -> dict[str, str]:
    if dimension == "region_code":
        return {str(code): name for code, name in queries.names("region", lang).items()}
    if dimension == "sector_code":
        return dict(queries.names("sector", lang))
    return {code: t(f"common.sex_{code}", lang) for code in ("F", "M")}


@st.cache_resource(max_entries=64, show_spinner=False)
def _breakdown_view(spells_by: pd.DataFrame, dimension: str, lang: str) -> tuple:
    """The bar chart and the table of the shares by ``dimension``: (figure, table, title)."""
    names = _group_names(dimension, lang)
    shares = cohorts.share_active(spells_by, by="group_code")
    heading = t(DIMENSIONS[dimension], lang)
    title = t("outcomes.breakdown_chart", lang, dimension=heading.lower())
    figure = charts.share_bar_chart(
        outcome_tables.group_chart_frame(shares, names), title, heading,
        t("outcomes.projects_axis", lang), lang,
    )  # fmt: skip
    table = outcome_tables.group_table(shares, names, heading, lang)
    return _demo_note(figure, bool(spells_by["any_demo"].any()), lang), table, title


def breakdown_section(spells_by: pd.DataFrame, dimension: str) -> None:
    """Micro-projects still running at 6, 12 and 24 months by the chosen dimension, every
    cohort together (Kaplan-Meier: each cohort counts for as long as it was followed)."""
    if spells_by.empty:
        blocks.empty_selection_message()
        return
    figure, table, title = _breakdown_view(spells_by, dimension, lang())
    blocks.chart_block(figure, table, title, f"outcomes_by_{dimension}", _right_aligned(table))
    st.caption(t("outcomes.breakdown_note"))


def ended_section(spells: pd.DataFrame) -> None:
    """Why the micro-projects that closed did close (the reasons of the fixed list)."""
    ended = cohorts.how_spells_ended(spells, by=None, column="reason_code")
    if ended.empty:
        return
    names = queries.outcome_names("closure_reason", lang())
    title = t("outcomes.reasons_title")
    table = outcome_tables.ended_table(ended, names, lang())
    blocks.section(title)
    blocks.dataframe(table, title)
    blocks.download(table, title, "outcomes_reasons")


@st.cache_resource(max_entries=64, show_spinner=False)
def _returns_view(returns: pd.DataFrame, lang: str) -> tuple:
    """The returns table per cohort and the published cohort: (table, cohort)."""
    within = cohorts.returns_within(returns, months=(12, 24))
    table = outcome_tables.returns_table(cohorts.returns_by_cohort(returns), within, lang)
    return table, cohorts.published_cohort(returns)


def returns_section(returns: pd.DataFrame) -> None:
    """Returns to prison per cohort: the people followed, the returns recorded, their rate
    with its Wilson interval, and the share back within 12 and 24 months."""
    blocks.section(t("outcomes.returns_section"))
    st.caption(t("outcomes.returns_intro"))
    if returns.empty:
        blocks.empty_selection_message()
        return
    table, cohort = _returns_view(returns, lang())
    title = t("outcomes.returns_title")
    blocks.dataframe(table, title, _right_aligned(table))
    blocks.download(table, title, "outcomes_returns")
    if cohort["followed"]:
        st.caption(
            t(
                "outcomes.published_cohort",
                year=cohort["last_year"],
                returned=format_number(cohort["returned"], lang()),
                followed=format_number(cohort["followed"], lang()),
                share=outcome_tables.share_text(  # as published: 3,44 %
                    cohort["rate"], cohort["lower"], cohort["upper"], lang(), digits=2
                ),
            )
        )


def _figure_tile(row: dict) -> None:
    """One published rate, alone in its tile, with what it counts and its source."""
    indicator, value = row["indicator"], float(row["value"])
    digits = len(f"{value:g}".partition(".")[2])  # as published: 3,44 %, 24,6 %
    blocks.metric(t(f"indicator.{indicator}"), format_percent_value(value / 100, lang(), digits))
    when = format_date(pd.Timestamp(row["source_date"]).date(), lang())
    source = set_apart(escaped(row["source_title"]), lang())
    st.caption(t(f"outcomes.compare_{indicator}", source=source, date=when))


def comparison_section(figures: pd.DataFrame) -> None:
    """The foundation's rate and the national reoffending rate side by side as two figures,
    never on one axis, with why they cannot be compared and both sources."""
    blocks.section(t("outcomes.compare_section"))
    rows = {row["indicator"]: row for row in figures.to_dict(orient="records")}
    shown = [rows[indicator] for indicator in COMPARED if indicator in rows]
    for column, row in zip(st.columns(len(shown) or 1), shown, strict=False):
        with column:
            _figure_tile(row)
    st.markdown(t("outcomes.compare_why"))


def still_running_tile(selection, options) -> None:
    """The overview's tile: the micro-projects still running 12 months after the grant, for
    the latest cohort followed that long up to the selected year and the filters' regions,
    sectors and sexes, with the cohort it describes; nothing without such a cohort."""
    figure = headline.still_running(selection, options, up_to=selection.year)
    if figure is None:
        return
    params = headline.figure_params(figure, lang())
    with st.container(border=True):
        st.metric(t("outcomes.tile_label"), params["share"], help=t("outcomes.tile_help"))
        st.caption(t("outcomes.tile_caption", **params))
        if figure["any_demo"]:
            blocks.demo_badge()
