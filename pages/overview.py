"""Leadership view: the year's KPIs against the year before, and the trends since 2014."""

import streamlit as st

from lib import charts, tables
from lib.i18n import t
from lib.ui import blocks, exports, filters, outcomes
from lib.warehouse import kpis, queries

lang = blocks.start_page()
options = queries.filter_options()
selection = filters.sidebar_filters(options)
by_year = kpis.with_ratios(queries.beneficiaries_by_year(selection, options))
placements = queries.placements_by_year(selection, options)
interventions = queries.interventions_by_year(selection, options)
published = queries.published_lookup()

blocks.page_header(
    t("overview.title"),
    t("overview.intro", year=selection.year),
    demo=bool(by_year["any_demo"].any()),
)
st.caption(filters.selection_summary(selection))

if by_year.empty and placements.empty and interventions.empty:
    blocks.empty_selection_message()
    st.stop()

year = selection.year
blocks.section(t("overview.section_kpis", year=year))
exports.brief_button(selection)
tiles = kpis.overview_tiles(by_year, placements, interventions, published, selection)
for row in (tiles[:4], tiles[4:]):
    columns = st.columns(4)
    for column, kpi in zip(columns, row, strict=False):
        with column:
            blocks.kpi_tile(kpi, selection)
# Micro-projects still running 12 months on (issue 22), in the last row's first free place.
with columns[len(tiles) % 4] if len(tiles) % 4 else st.columns(4)[0]:
    outcomes.still_running_tile(selection, options)

blocks.section(t("overview.section_trends"))
left, right = st.columns(2)
with left:
    title = t("overview.chart_budget")
    figure = charts.bar_chart(
        by_year,
        "year",
        "budget_mad",
        title,
        t("common.year"),
        t("common.budget"),
        lang,
        value_format=",.0f",
    )
    blocks.chart_block(
        figure, tables.year_table(by_year, ("budget_mad", "beneficiaries")), title, "budget_trend"
    )
with right:
    title = t("overview.chart_beneficiaries")
    figure = charts.line_chart(
        by_year,
        "year",
        {"beneficiaries": t("common.beneficiaries"), "women": t("common.women")},
        title,
        t("common.year"),
        t("common.beneficiaries"),
        lang,
    )
    blocks.chart_block(
        figure, tables.year_table(by_year, ("beneficiaries", "women")), title, "beneficiaries_trend"
    )
left, right = st.columns(2)
with left:
    title = t("overview.chart_placements")
    figure = charts.grouped_bar_chart(
        placements,
        "year",
        {"men": t("common.men"), "women": t("common.women")},
        title,
        t("common.year"),
        t("common.placements"),
        lang,
    )
    blocks.chart_block(
        figure,
        tables.year_table(placements, ("placements", "women", "men")),
        title,
        "placements_trend",
    )
with right:
    title = t("overview.chart_interventions")
    figure = charts.bar_chart(
        interventions,
        "year",
        "interventions",
        title,
        t("common.year"),
        t("common.interventions"),
        lang,
        color=charts.PALETTE[2],
    )
    blocks.chart_block(
        figure, tables.year_table(interventions, ("interventions",)), title, "interventions_trend"
    )
