"""Envelopes by year, region and sector; cost per beneficiary over time."""

import streamlit as st

from lib import charts, tables
from lib.i18n import t
from lib.ui import blocks, filters
from lib.warehouse import kpis, queries

lang = blocks.start_page()
options = queries.filter_options()
selection = filters.sidebar_filters(options, years=queries.programme_years())
by_year = kpis.with_ratios(queries.beneficiaries_by_year(selection, options))
by_region = tables.localized_names(queries.beneficiaries_by_region(selection, options))
by_sector = tables.localized_names(queries.beneficiaries_by_sector(selection, options))

blocks.page_header(t("budgets.title"), t("budgets.intro"), demo=bool(by_year["any_demo"].any()))
st.caption(filters.selection_summary(selection))
if by_year.empty:
    blocks.empty_selection_message()
    st.stop()

blocks.section(t("budgets.section_trends"))
left, right = st.columns(2)
with left:
    title = t("budgets.chart_by_year")
    figure = charts.bar_chart(
        by_year, "year", "budget_mad", title, t("common.year"), t("common.budget"), lang
    )
    blocks.chart_block(
        figure, tables.year_table(by_year, ("budget_mad", "beneficiaries")), title, "budget_by_year"
    )
with right:
    title = t("budgets.chart_cost")
    figure = charts.line_chart(
        by_year,
        "year",
        {"cost_per_beneficiary": t("common.cost_per_beneficiary")},
        title,
        t("common.year"),
        t("common.cost_per_beneficiary"),
        lang,
    )
    blocks.chart_block(
        figure,
        tables.year_table(by_year, ("cost_per_beneficiary", "budget_mad", "beneficiaries")),
        title,
        "cost_by_year",
    )

blocks.section(t("budgets.breakdown", year=selection.year))
regions = kpis.with_ratios(by_region[by_region["selected"]]).sort_values(
    "budget_mad", ascending=False
)
sectors = kpis.with_ratios(by_sector[by_sector["selected"]]).sort_values(
    "budget_mad", ascending=False
)
if regions["budget_mad"].sum() == 0:
    blocks.empty_selection_message()
    st.stop()
left, right = st.columns(2)
with left:
    title = t("budgets.chart_by_region", year=selection.year)
    figure = charts.bar_chart(
        regions,
        "name",
        "budget_mad",
        title,
        t("common.region"),
        t("common.budget"),
        lang,
        horizontal=True,
    )
    blocks.chart_block(
        figure,
        tables.labelled(
            regions.rename(columns={"name": "region"}),
            ("region", "budget_mad", "beneficiaries", "cost_per_beneficiary"),
        ),
        title,
        "budget_by_region",
    )
with right:
    title = t("budgets.chart_by_sector", year=selection.year)
    figure = charts.bar_chart(
        sectors,
        "name",
        "budget_mad",
        title,
        t("common.sector"),
        t("common.budget"),
        lang,
        horizontal=True,
        color=charts.PALETTE[1],
    )
    blocks.chart_block(
        figure,
        tables.labelled(
            sectors.rename(columns={"name": "sector"}),
            ("sector", "budget_mad", "beneficiaries", "cost_per_beneficiary"),
        ),
        title,
        "budget_by_sector",
    )
