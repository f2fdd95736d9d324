"""Beneficiaries per region: map of the 12 official regions, rate per 100 000 inhabitants."""

import streamlit as st

from lib import charts, geo, queries, ui
from lib.formatting import format_number
from lib.i18n import t

lang = ui.lang()
options = queries.filter_options()
selection = ui.sidebar_filters(options, years=queries.programme_years())
census = st.segmented_control(
    t("regions.census"),
    (2024, 2014),
    default=2024,
    required=True,
    key="census",
    format_func=lambda y: t("regions.census_year", year=y),
)
measure = st.segmented_control(
    t("regions.measure"),
    ("rate", "beneficiaries", "budget_mad"),
    default="rate",
    required=True,
    key="region_measure",
    format_func=lambda m: t(f"regions.measure_{m}"),
)
frame = ui.localized_names(queries.beneficiaries_by_region(selection, options))
frame["rate"] = frame["beneficiaries"] / frame[f"population_{census}"] * 100_000
frame["population"] = frame[f"population_{census}"]
shown, muted = frame[frame["selected"]], frame[~frame["selected"]]

ui.page_header(t("regions.title"), t("regions.intro"), demo=bool(frame["any_demo"].any()))
st.caption(ui.selection_summary(selection))
if shown["beneficiaries"].sum() == 0:
    ui.empty_selection_message()

value_label = t(f"regions.measure_{measure}")
shown = shown.assign(
    note=[
        t("regions.none")
        if count == 0
        else t("regions.hover_people", count=format_number(count, lang))
        for count in shown["beneficiaries"]
    ]
)
title = t("regions.map_title", measure=value_label, year=selection.year)
figure = charts.region_map(
    shown,
    geo.regions_geojson(),
    measure,
    "name",
    title,
    value_label,
    lang,
    center=geo.MAP_CENTER,
    zoom=geo.MAP_ZOOM,
    value_format=",.1f" if measure == "rate" else ",.0f",
    hover_extra="note",
    muted=muted,
    muted_label=t("regions.filtered_out"),
)
ranked = shown.sort_values([measure, "beneficiaries"], ascending=False).reset_index(drop=True)
ranked.insert(0, "rank", range(1, len(ranked) + 1))
table = ui.labelled(
    ranked.rename(columns={"name": "region"}),
    ("rank", "region", "beneficiaries", "rate", "budget_mad", "women", "population"),
)
ui.chart_block(figure, table, title, "region_map")

none = shown.loc[shown["beneficiaries"] == 0, "name"].tolist()
if none:
    st.caption(t("regions.without", regions=", ".join(none), year=selection.year))
st.subheader(t("regions.ranking", year=selection.year))
st.dataframe(
    table,
    hide_index=True,
    column_config={
        column_label: st.column_config.NumberColumn(format="%.1f")
        for column_label in (ui.column_label("rate"),)
    },
)
