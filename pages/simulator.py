"""What-if budget scenarios: build, read, save, compare and share."""

from urllib.parse import urlencode

import pandas as pd
import streamlit as st

from lib import charts, geo, tables
from lib.formatting import format_money, format_number, format_percent_value
from lib.i18n import t
from lib.simulator import scenarios
from lib.simulator.assumptions import describe_assumptions
from lib.simulator.inputs import ScenarioError
from lib.simulator.model import simulate
from lib.ui import blocks
from lib.ui import simulator as sim
from lib.ui.text import said
from lib.warehouse import queries

lang = blocks.start_page()
years = queries.programme_years()
sim.first_load(years)
blocks.page_header(t("sim.title"), t("sim.intro"))
if "sim_problem" in st.session_state:
    st.warning(st.session_state.pop("sim_problem"), icon=":material/link_off:")


def results(result, reference, names) -> None:
    if bool(reference["any_demo"].any()):
        blocks.demo_badge()
    tiles = st.columns(4)
    tiles[0].metric(
        t("common.beneficiaries"),
        format_number(result.beneficiaries, lang),
        f"{result.beneficiaries - result.reference_beneficiaries:+d}",
        border=True,
    )
    tiles[1].metric(t("sim.cost"), format_money(result.cost_per_beneficiary, lang), border=True)
    tiles[2].metric(t("sim.unspent"), format_money(result.unspent_mad, lang), border=True)
    tiles[3].metric(
        t("common.share_women"), format_percent_value(result.women_share, lang), border=True
    )
    comparison = result.comparison.assign(
        name=lambda f: f["region_code"].astype(str).map(names["region"])
    )
    left, right = st.columns(2)
    with left:
        shown = comparison[comparison["scenario_beneficiaries"] > 0]
        figure = charts.region_map(
            shown,
            geo.regions_geojson(),
            "scenario_beneficiaries",
            "name",
            t("sim.map_title"),
            t("common.beneficiaries"),
            lang,
            center=geo.MAP_CENTER,
            zoom=geo.MAP_ZOOM - 0.35,
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
        ordered = comparison.sort_values("scenario_beneficiaries", ascending=False)
        figure = charts.grouped_bar_chart(
            ordered,
            "name",
            {
                "reference_beneficiaries": t("sim.reference", year=result.inputs.reference_year),
                "scenario_beneficiaries": t("sim.scenario"),
            },
            t("sim.compare_title"),
            t("common.region"),
            t("common.beneficiaries"),
            lang,
            stacked=False,
        )
        st.plotly_chart(figure, config=blocks.PLOTLY_CONFIG, key="sim_bars")
    table = pd.DataFrame(
        {
            t("common.region"): comparison["name"],
            t("sim.reference", year=result.inputs.reference_year): comparison[
                "reference_beneficiaries"
            ],
            t("sim.scenario"): comparison["scenario_beneficiaries"],
            t("sim.change"): comparison["change"],
            t("sim.scenario_money"): comparison["scenario_grant_mad"].round(),
        }
    )
    st.dataframe(tables.display_table(table), hide_index=True)
    blocks.download(table, t("sim.title"), "scenario_table")
    st.subheader(t("sim.assumptions"))
    assumptions = describe_assumptions(result.inputs, reference)
    st.markdown("\n".join(f"- {scenarios.message(k, p, lang, names)}" for k, p in assumptions))


@st.fragment
def workbench() -> None:
    sim.controls(years)
    try:
        inputs = sim.from_state()
        reference = scenarios.reference_frame(inputs.reference_year)
        result = simulate(inputs, reference, scenarios.regions_frame())
    except ScenarioError as error:
        st.error(sim.say(error), icon=":material/error:")
        return
    sim.sync_url(inputs)
    st.divider()
    results(result, reference, sim.names())
    st.markdown(t("sim.share", link=f"?{urlencode(inputs.to_query_params())}"))
    st.session_state["sim_current"] = (inputs, result)


workbench()

st.divider()
st.subheader(t("sim.saved_title"))
saved = scenarios.saved()
author, any_author = sim.author()
with st.form("sim_save", clear_on_submit=False, border=False):
    left, right = st.columns([4, 1], vertical_alignment="bottom")
    name = left.text_input(t("sim.name"), max_chars=scenarios.MAX_NAME_LENGTH, key="sim_name")
    left.caption(said("sim.saved_as", author=author))
    if right.form_submit_button(t("sim.save"), icon=":material/save:"):
        current = st.session_state.get("sim_current")
        if not name.strip() or current is None:
            st.error(t("sim.name_required"))
        else:
            try:
                scenarios.save(name, author, *current)
            except scenarios.ScenarioNameTaken:
                st.error(said("sim.name_taken", name=name.strip()))
            else:
                st.success(said("sim.saved_ok", name=name.strip()))
            saved = scenarios.saved()
if saved.empty:
    st.caption(t("sim.none_saved"))
else:
    for row in saved.to_dict(orient="records"):
        left, middle, right = st.columns([4, 1, 1], vertical_alignment="center")
        left.markdown(
            said(
                "sim.saved_line",
                name=row["name"],
                author=row["author"],
                date=row["created_at"].strftime("%Y-%m-%d %H:%M"),
                people=format_number(row["results"]["beneficiaries"], lang),
            )
        )
        middle.button(
            t("sim.open"),
            key=f"open_{row['scenario_id']}",
            on_click=sim.open_saved,
            args=(row["inputs"],),
            icon=":material/file_open:",
        )
        may_delete = any_author or row["author"] == author
        if may_delete and right.button(
            t("sim.delete"), key=f"delete_{row['scenario_id']}", icon=":material/delete:"
        ):
            scenarios.delete(row["scenario_id"], author, any_author)
            st.rerun()
    chosen = st.multiselect(
        t("sim.compare"),
        saved["name"].tolist(),
        max_selections=scenarios.MAX_COMPARED,
        key="sim_compare",
    )
    if chosen:
        compared = {}
        for row in saved[saved["name"].isin(chosen)].to_dict(orient="records"):
            year = int(row["inputs"]["year"])
            inputs = scenarios.inputs_of(row["inputs"], sim.defaults_for(year))
            compared[row["name"]] = simulate(
                inputs, scenarios.reference_frame(year), scenarios.regions_frame()
            )
        st.dataframe(scenarios.comparison_table(compared, lang))
