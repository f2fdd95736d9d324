"""Beneficiaries per region: map of the 12 official regions, rate per 100 000 inhabitants."""

import streamlit as st

from lib import charts, geo, tables
from lib.formatting import format_list, format_number
from lib.i18n import t
from lib.ui import blocks, filters
from lib.warehouse import queries

lang = blocks.start_page()
options = queries.filter_options()
selection = filters.sidebar_filters(options, years=queries.programme_years())
frame = tables.localized_names(queries.beneficiaries_by_region(selection, options))

blocks.page_header(t("regions.title"), t("regions.intro"), demo=bool(frame["any_demo"].any()))
st.caption(filters.selection_summary(selection))
left, right = st.columns([1, 2])
census = left.segmented_control(
    t("regions.census"),
    (2024, 2014),
    default=2024,
    required=True,
    key="census",
    format_func=lambda year: t("regions.census_year", year=year),
)
measure = right.segmented_control(
    t("regions.measure"),
    ("rate", "beneficiaries", "budget_mad"),
    default="rate",
    required=True,
    key="region_measure",
    format_func=lambda m: t(f"regions.measure_{m}"),
)
frame["population"] = frame[f"population_{census}"]
frame["rate"] = frame["beneficiaries"] / frame["population"] * 100_000
selected = frame[frame["selected"]]
if selected["beneficiaries"].sum() == 0:
    blocks.empty_selection_message()

with_people = selected[selected["beneficiaries"] > 0]
with_people = with_people.assign(
    note=[
        t("regions.hover_people", count=format_number(count, lang))
        for count in with_people["beneficiaries"]
    ]
)
value_label = t(f"regions.measure_{measure}")
title = t("regions.map_title", measure=value_label, year=selection.year)
figure = charts.region_map(
    with_people,
    geo.regions_geojson(),
    measure,
    "name",
    title,
    value_label,
    lang,
    value_format=",.1f" if measure == "rate" else ",.0f",
    hover_extra="note",
    overlays=[
        (selected[selected["beneficiaries"] == 0], t("regions.none"), charts.NONE_COLOUR),
        (frame[~frame["selected"]], t("regions.filtered_out"), charts.MUTED_COLOUR),
    ],
)
ranked = selected.sort_values([measure, "beneficiaries"], ascending=False).reset_index(drop=True)
ranked.insert(0, "rank", range(1, len(ranked) + 1))
table = tables.labelled(
    ranked.rename(columns={"name": "region"}),
    ("rank", "region", "beneficiaries", "rate", "budget_mad", "women", "population"),
)
st.caption(t("regions.legend_note"))
none = selected.loc[selected["beneficiaries"] == 0, "name"].tolist()
if none:
    st.caption(t("regions.without", regions=format_list(none, lang), year=selection.year))
blocks.chart(figure, title, "region_map")
ranking = t("regions.ranking", year=selection.year)
blocks.section(ranking)
blocks.dataframe(table, ranking)
blocks.download(table, title, "region_map")
