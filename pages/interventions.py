"""Interventions of the post-release support centres (CAPC): by type, centre and month."""

import streamlit as st

from lib import charts, queries, ui
from lib.i18n import t

lang = ui.lang()
options = queries.filter_options()
available = queries.intervention_years()
selection = ui.sidebar_filters(options, fields=("year", "regions", "sexes"), years=available)
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
by_type = ui.localized_names(queries.interventions_by_type(selection, options, years))
by_centre = queries.interventions_by_centre(selection, options, years)
by_month = queries.interventions_by_month(selection, options, years)

ui.page_header(
    t("interventions.title"), t("interventions.intro"), demo=bool(by_type["any_demo"].any())
)
st.caption(ui.selection_summary(selection))
if by_type["interventions"].sum() == 0:
    ui.empty_selection_message()
    st.stop()

type_names = dict(zip(by_type["type_code"], by_type["name"], strict=True))
left, right = st.columns(2)
with left:
    title = t("interventions.chart_by_type")
    figure = charts.donut_chart(by_type, "name", "interventions", title, lang)
    ui.chart_block(
        figure,
        ui.labelled(by_type.rename(columns={"name": "type"}), ("type", "interventions")),
        title,
        "by_type",
    )
with right:
    title = t("interventions.chart_by_centre")
    centres = by_centre.assign(name=by_centre["city"])
    figure = charts.bar_chart(
        centres,
        "name",
        "interventions",
        title,
        t("interventions.centre"),
        t("common.interventions"),
        lang,
        horizontal=True,
        color=charts.PALETTE[2],
    )
    centres = centres.assign(centre=centres["city"], region=centres[f"region_name_{lang}"])
    ui.chart_block(
        figure, ui.labelled(centres, ("centre", "region", "interventions")), title, "by_centre"
    )

title = t("interventions.chart_by_month")
monthly = by_month.pivot_table(
    index="month", columns="type_code", values="interventions", aggfunc="sum", fill_value=0
).reset_index()
series = {code: type_names[code] for code in type_names if code in monthly.columns}
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
monthly_table = monthly.rename(columns={"month": t("interventions.month"), **series})
ui.chart_block(figure, monthly_table, title, "by_month")
