"""Leadership view: the year's KPIs against the year before, and the trends since 2014."""

import streamlit as st

from lib import charts, tables
from lib.formatting import format_money, format_money_short, format_number, format_percent_value
from lib.i18n import t
from lib.ui import blocks, filters
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
tiles = [
    (kpis.kpi_for_year(by_year, "budget_mad", year, "programme_budget"), format_money_short),
    (kpis.kpi_for_year(by_year, "beneficiaries", year, "programme_beneficiaries"), format_number),
    (kpis.kpi_for_year(by_year, "cost_per_beneficiary", year, "cost"), format_money),
    (kpis.kpi_for_year(by_year, "share_women", year, "share_women"), format_percent_value),
    (
        kpis.kpi_for_year(by_year, "regions_covered", year, "programme_regions_covered"),
        format_number,
    ),
    (kpis.kpi_latest(placements, "placements", year, "placements_in_companies"), format_number),
    (kpis.kpi_latest(interventions, "interventions", year, "capc_interventions"), format_number),
]
for row in (tiles[:4], tiles[4:]):
    for column, (kpi, fmt) in zip(st.columns(4), row, strict=False):
        with column:
            blocks.kpi_tile(kpi, fmt, published, selection)

st.divider()
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
