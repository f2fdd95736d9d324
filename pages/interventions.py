"""Interventions of the post-release support centres (CAPC): by type, centre and month."""

import streamlit as st

from lib import charts, tables
from lib.i18n import t
from lib.ui import blocks, filters
from lib.warehouse import queries

lang = blocks.start_page()
options = queries.filter_options()
available = queries.intervention_years()
selection = filters.sidebar_filters(options, fields=("year", "regions", "sexes"), years=available)
blocks.page_header(
    t("interventions.title"), t("interventions.intro"), demo=queries.holds_demo_records()
)
st.caption(filters.selection_summary(selection))
period = st.segmented_control(
    t("interventions.period"),
    ("year", "all"),
    default="all",
    required=True,
    key="intervention_period",
    format_func=lambda p: t(
        f"interventions.period_{p}", year=selection.year, first=min(available), last=max(available)
    ),
)
years = [selection.year] if period == "year" else list(available)
by_type = tables.localized_names(queries.interventions_by_type(selection, options, years))
by_centre = queries.interventions_by_centre(selection, options, years)
by_month = queries.interventions_by_month(selection, options, years)
if by_type["interventions"].sum() == 0:
    blocks.empty_selection_message()
    st.stop()

blocks.section(t("interventions.section_breakdown"))
left, right = st.columns(2)
with left:
    title = t("interventions.chart_by_type")
    figure = charts.donut_chart(by_type, "name", "interventions", title, lang)
    table = tables.labelled(by_type.rename(columns={"name": "type"}), ("type", "interventions"))
    blocks.chart_block(figure, table, title, "by_type")
with right:
    title = t("interventions.chart_by_centre")
    centres = by_centre.assign(
        centre=by_centre[f"city_{lang}"], region=by_centre[f"region_name_{lang}"]
    )
    figure = charts.bar_chart(
        centres,
        "centre",
        "interventions",
        title,
        t("interventions.centre"),
        t("common.interventions"),
        lang,
        horizontal=True,
        color=charts.PALETTE[2],
    )
    table = tables.labelled(centres, ("centre", "region", "interventions"))
    blocks.chart_block(figure, table, title, "by_centre")

blocks.section(t("interventions.section_months"))
title = t("interventions.chart_by_month")
type_names = dict(zip(by_type["type_code"], by_type["name"], strict=True))
monthly = by_month.pivot_table(
    index="month", columns="type_code", values="interventions", aggfunc="sum", fill_value=0
).reset_index()
series = {code: name for code, name in type_names.items() if code in monthly.columns}
figure = charts.line_chart(
    monthly,
    "month",
    series,
    title,
    t("interventions.month"),
    t("common.interventions"),
    lang,
    x_is_date=True,
)
table = monthly.rename(columns={"month": t("interventions.month"), **series}).rename_axis(
    columns=None
)
blocks.chart_block(figure, table, title, "by_month")
