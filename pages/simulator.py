"""What-if budget scenarios: build, read, compare with a baseline, save, share by a short link."""

import html

import pandas as pd
import streamlit as st

from lib import charts, geo
from lib.formatting import (
    format_money,
    format_number,
    format_percent_value,
    format_signed,
    signed_isolated,
)
from lib.i18n import t
from lib.outcomes import headline
from lib.simulator import links, scenarios
from lib.simulator.assumptions import describe_assumptions
from lib.simulator.baseline import REFERENCE
from lib.simulator.inputs import ScenarioError
from lib.simulator.model import simulate
from lib.ui import blocks, simulator_saved
from lib.ui import simulator as sim
from lib.ui import simulator_compare as versus
from lib.warehouse import queries
from lib.warehouse.filters import Filters

lang = blocks.start_page()
years = queries.programme_years()
who = sim.viewer()
sim.first_load(years, who)
blocks.page_header(t("sim.title"), t("sim.intro"))
for problem in sim.take_problems():
    st.warning(problem, icon=":material/link_off:")


def tiles(result, point: versus.Point) -> None:
    """What the envelope buys, against the chosen baseline's beneficiaries."""
    change = result.beneficiaries - point.beneficiaries
    columns = st.columns(4)
    with columns[0]:
        blocks.metric(
            t("common.beneficiaries"),
            format_number(result.beneficiaries, lang),
            signed_isolated(format_signed(change, lang), lang),
            change,
        )
    with columns[1]:
        blocks.metric(t("sim.cost"), format_money(result.cost_per_beneficiary, lang))
    with columns[2]:
        blocks.metric(t("sim.unspent"), format_money(result.unspent_mad, lang))
    with columns[3]:
        blocks.metric(t("common.share_women"), format_percent_value(result.women_share, lang))
    versus.versus(point)


def charts_and_table(result, point: versus.Point, names) -> None:
    """Where the people go: the map, the bars against the baseline, the table."""
    comparison = point.comparison.assign(
        name=lambda f: f["region_code"].astype(str).map(names["region"])
    )
    title = t("sim.compare_title" if point.baseline.kind == REFERENCE else "sim.compare_title_vs")
    left, right = st.columns(2)
    with left:
        figure = charts.region_map(
            comparison[comparison["scenario_beneficiaries"] > 0],
            geo.regions_geojson(),
            "scenario_beneficiaries",
            "name",
            t("sim.map_title"),
            t("common.beneficiaries"),
            lang,
            value_format=",.0f",
            overlays=[
                (
                    comparison[comparison["scenario_beneficiaries"] == 0],
                    t("sim.nobody"),
                    charts.NONE_COLOUR,
                )
            ],
        )
        st.plotly_chart(figure, config=blocks.PLOTLY_CONFIG, key="sim_map")
    with right:
        figure = charts.grouped_bar_chart(
            comparison.sort_values("scenario_beneficiaries", ascending=False),
            "name",
            {
                # A saved scenario's name is someone's text: never markup in the chart.
                "baseline_beneficiaries": html.escape(point.label),
                "scenario_beneficiaries": t("sim.scenario"),
            },
            title,
            t("common.region"),
            t("common.beneficiaries"),
            lang,
            stacked=False,
            horizontal=True,
        )
        st.plotly_chart(figure, config=blocks.PLOTLY_CONFIG, key="sim_bars")
    table = pd.DataFrame(
        {
            t("common.region"): comparison["name"],
            point.label: comparison["baseline_beneficiaries"],
            t("sim.scenario"): comparison["scenario_beneficiaries"],
            t("sim.change"): comparison["change"],
            t("sim.change_mad"): comparison["change_mad"].round().astype("int64"),  # whole MAD
            t("sim.scenario_money"): comparison["scenario_grant_mad"].round(),
        }
    )
    blocks.dataframe(table, title)
    blocks.download(table, t("sim.title"), "scenario_table")


def results(result, reference, point: versus.Point, names) -> None:
    tiles(result, point)
    versus.where_the_money_comes_from(point)
    charts_and_table(result, point, names)
    blocks.section(t("sim.assumptions"))
    # A past cohort's survival, as an assumption (issue 22): lib.outcomes.headline.
    outcome = headline.still_running(
        Filters(result.inputs.reference_year), queries.filter_options()
    )
    assumptions = describe_assumptions(result.inputs, reference, outcome, result.beneficiaries)
    st.markdown("\n".join(f"- {scenarios.message(k, p, lang, names)}" for k, p in assumptions))


@st.fragment
def workbench() -> None:
    blocks.section(t("sim.section_inputs"))
    sim.controls(years)
    try:
        inputs = sim.from_state()
        reference = scenarios.reference_frame(inputs.reference_year)
        result = simulate(inputs, reference, scenarios.regions_frame())
    except ScenarioError as error:
        st.error(sim.say(error), icon=":material/error:")
        return
    blocks.section(t("sim.section_results"))
    if bool(reference["any_demo"].any()):
        blocks.demo_badge()
    point = versus.choose(inputs, result, who)
    link = links.link_params(inputs, sim.opened(inputs), point.baseline)
    sim.sync_url(link)
    results(result, reference, point, sim.names())
    versus.share(link)
    st.session_state["sim_current"] = (inputs, result)


workbench()
simulator_saved.section(who, lang)
