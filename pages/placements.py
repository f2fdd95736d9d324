"""Placements of ex-detainees in partner companies: by year, sex, sector and region."""

import streamlit as st

from lib import charts, tables
from lib.i18n import t
from lib.ui import blocks, filters
from lib.warehouse import queries

lang = blocks.start_page()
options = queries.filter_options()
selection = filters.sidebar_filters(options, years=queries.placement_years())
by_year = queries.placements_by_year(selection, options)
by_sector = tables.localized_names(queries.placements_by_sector(selection, options))
by_region = tables.localized_names(queries.placements_by_region(selection, options))

blocks.page_header(
    t("placements.title"), t("placements.intro"), demo=bool(by_year["any_demo"].any())
)
st.caption(filters.selection_summary(selection))
if by_year.empty or by_year["placements"].sum() == 0:
    blocks.empty_selection_message()
    st.stop()

blocks.section(t("placements.section_trends"))
title = t("placements.chart_by_year")
figure = charts.grouped_bar_chart(
    by_year,
    "year",
    {"men": t("common.men"), "women": t("common.women")},
    title,
    t("common.year"),
    t("common.placements"),
    lang,
)
blocks.chart_block(
    figure, tables.year_table(by_year, ("placements", "women", "men")), title, "placements_by_year"
)
st.caption(t("placements.gap_note"))

blocks.section(t("placements.breakdown", year=selection.year))
if by_sector["placements"].sum() == 0:
    blocks.empty_selection_message()
    st.stop()
left, right = st.columns(2)
with left:
    title = t("placements.chart_by_sector", year=selection.year)
    ordered = by_sector.sort_values("placements", ascending=False)
    figure = charts.bar_chart(
        ordered,
        "name",
        "placements",
        title,
        t("common.sector"),
        t("common.placements"),
        lang,
        horizontal=True,
        color=charts.PALETTE[1],
    )
    blocks.chart_block(
        figure,
        tables.labelled(
            ordered.rename(columns={"name": "sector"}), ("sector", "placements", "women")
        ),
        title,
        "placements_by_sector",
    )
with right:
    title = t("placements.chart_by_region", year=selection.year)
    ordered = by_region.sort_values("placements", ascending=False)
    figure = charts.bar_chart(
        ordered,
        "name",
        "placements",
        title,
        t("common.region"),
        t("common.placements"),
        lang,
        horizontal=True,
    )
    blocks.chart_block(
        figure,
        tables.labelled(
            ordered.rename(columns={"name": "region"}), ("region", "placements", "women")
        ),
        title,
        "placements_by_region",
    )
