"""Streamlit side of the what-if simulator: widget state <-> ScenarioInputs, and the controls.

The model is ``lib.simulator`` (pure); saved scenarios are ``lib.simulator.scenarios``. Widget
values
live in ``st.session_state`` under ``sim_*`` keys; loading a scenario (from the URL, a saved
one, another reference year) writes those keys in a callback, before the widgets are drawn.
"""

from __future__ import annotations

import streamlit as st

from lib.formatting import format_money
from lib.i18n import current_language, t
from lib.simulator import scenarios
from lib.simulator.inputs import REGION_CODES, RULES, SECTORS, ScenarioError, ScenarioInputs
from lib.simulator.reference import default_inputs, reference_mean_grants, reference_sector_mix
from lib.ui import session
from lib.ui.text import escaped, said, url_params
from lib.warehouse import filters as flt
from lib.warehouse import queries

RULES = RULES
URL_KEYS_PREFIXES = (
    "envelope",
    "year",
    "rule",
    "regions",
    "grant_",
    "mix_",
    "weight_",
    "women_min",
    "min_per_region",
)


def names() -> dict[str, dict[str, str]]:
    lang = current_language()
    return {"region": queries.names("region", lang), "sector": queries.names("sector", lang)}


def author() -> tuple[str, bool]:
    """Who saves a scenario (the signed-in user; in demonstration mode, that mode) and
    whether they may delete anyone's (an administrator)."""
    identity = session.current()
    if not identity.signed_in:
        return t("admin.demo_user"), False
    return identity.name, identity.role == "admin"


def say(error: ScenarioError) -> str:
    """The error in words; what the link or the form said is shown as text."""
    params = {k: escaped(v) if isinstance(v, str) else v for k, v in error.params.items()}
    return scenarios.message(error.key, params, current_language(), names())


def defaults_for(year: int) -> ScenarioInputs:
    return default_inputs(scenarios.reference_frame(year), scenarios.regions_frame(), year)


def load(inputs: ScenarioInputs) -> None:
    """Put a scenario's inputs into the widgets' state."""
    state = st.session_state
    state["sim_envelope"] = float(inputs.envelope_mad)
    state["sim_year"] = inputs.reference_year
    state["sim_rule"] = inputs.rule
    state["sim_regions"] = sorted(inputs.included_regions)
    grants = reference_mean_grants(scenarios.reference_frame(inputs.reference_year))
    for sector in SECTORS:
        # Full precision: a rounded default would read as a changed assumption.
        state[f"sim_grant_{sector}"] = float(inputs.mean_grant_mad.get(sector, grants[sector]))
    mix = inputs.sector_mix or reference_sector_mix(
        scenarios.reference_frame(inputs.reference_year)
    )
    total = sum(mix.values()) or 1.0
    state["sim_mix_custom"] = inputs.sector_mix is not None
    for sector in SECTORS:
        state[f"sim_mix_{sector}"] = round(100 * mix.get(sector, 0.0) / total, 1)
    weights = inputs.custom_weights or {}
    for code in REGION_CODES:
        state[f"sim_weight_{code}"] = float(weights.get(code, 1.0))
    state["sim_women_min"] = round(100 * inputs.women_min_share, 1)
    state["sim_min_per_region"] = int(inputs.min_per_region)


def from_state() -> ScenarioInputs:
    """The inputs the widgets show (raises ScenarioError for impossible ones)."""
    state = st.session_state
    custom_mix = state["sim_mix_custom"]
    return ScenarioInputs(
        envelope_mad=state["sim_envelope"],
        reference_year=state["sim_year"],
        included_regions=frozenset(state["sim_regions"]),
        rule=state["sim_rule"],
        mean_grant_mad={s: state[f"sim_grant_{s}"] for s in SECTORS},
        sector_mix={s: state[f"sim_mix_{s}"] / 100 for s in SECTORS} if custom_mix else None,
        custom_weights={c: state[f"sim_weight_{c}"] for c in REGION_CODES}
        if state["sim_rule"] == "custom"
        else None,
        women_min_share=state["sim_women_min"] / 100,
        min_per_region=state["sim_min_per_region"],
    )


def first_load(years: tuple[int, ...]) -> None:
    """On a session's first run: the scenario in the URL if any, else the latest year's."""
    if "sim_envelope" in st.session_state:
        return
    params = url_params()
    asked = {k: v for k, v in params.items() if k.startswith(URL_KEYS_PREFIXES)}
    year = max(years)
    if flt.year_from_text(asked.get("year", "")) in years:
        year = int(asked["year"])
    elif "year" in asked:
        st.session_state["sim_problem"] = said(
            "sim.bad_year", value=asked.pop("year"), allowed=", ".join(map(str, years))
        )
        asked = {}  # a scenario read against another year than the one meant would mislead
    defaults = defaults_for(year)
    try:
        inputs = ScenarioInputs.from_query_params(asked, defaults) if asked else defaults
    except ScenarioError as error:
        st.session_state["sim_problem"] = t("sim.bad_link", reason=say(error))
        inputs = defaults
    load(inputs)


def on_year_change() -> None:
    load(defaults_for(st.session_state["sim_year"]))


def reset() -> None:
    load(defaults_for(st.session_state["sim_year"]))


def open_saved(stored: dict) -> None:
    year = int(stored.get("year", max(queries.programme_years())))
    try:
        load(scenarios.inputs_of(stored, defaults_for(year)))
    except ScenarioError as error:
        st.session_state["sim_problem"] = t("sim.bad_saved", reason=say(error))


def sync_url(inputs: ScenarioInputs) -> None:
    others = {
        k: v for k, v in st.query_params.to_dict().items() if not k.startswith(URL_KEYS_PREFIXES)
    }
    wanted = {**others, **inputs.to_query_params()}
    if st.query_params.to_dict() != wanted:
        st.query_params.from_dict(wanted)


def controls(years: tuple[int, ...]) -> None:
    """Every input, grouped and labelled, defaults visible."""
    region_names, sector_names = names()["region"], names()["sector"]
    _envelope_year_rule(years)
    st.multiselect(
        t("sim.regions"),
        REGION_CODES,
        key="sim_regions",
        format_func=lambda c: region_names[str(c)],
        help=t("sim.regions_help"),
    )
    if st.session_state["sim_rule"] == "custom":
        with st.expander(t("sim.weights"), expanded=True):
            for column, code in _four_columns(REGION_CODES):
                column.number_input(
                    region_names[str(code)], min_value=0.0, step=1.0, key=f"sim_weight_{code}"
                )
    with st.expander(t("sim.grants")):
        for column, sector in _four_columns(SECTORS):
            column.number_input(
                sector_names[sector],
                min_value=0.0,
                step=1000.0,
                format="%.0f",
                key=f"sim_grant_{sector}",
            )
    with st.expander(t("sim.mix")):
        _mix_inputs(sector_names)
    with st.expander(t("sim.floors")):
        left, right = st.columns(2)
        left.slider(t("sim.women_min"), 0.0, 100.0, step=1.0, format="%.0f %%", key="sim_women_min")
        right.number_input(t("sim.min_per_region"), min_value=0, step=1, key="sim_min_per_region")
    st.button(t("sim.reset"), on_click=reset, icon=":material/restart_alt:")


def _four_columns(items: tuple) -> list[tuple]:
    """(column, item) for each item, laid out four to a row in new columns."""
    columns = st.columns(4)
    return [(columns[index % 4], item) for index, item in enumerate(items)]


def _envelope_year_rule(years: tuple[int, ...]) -> None:
    """The first row: the envelope (with its amount in words), the reference year, the rule."""
    top = st.columns([2, 1, 2])
    top[0].number_input(
        t("sim.envelope"),
        min_value=0.0,
        step=500_000.0,
        format="%.0f",
        key="sim_envelope",
        help=t("sim.envelope_help"),
    )
    top[0].caption(format_money(st.session_state["sim_envelope"], current_language()))
    top[1].selectbox(
        t("sim.reference_year"),
        sorted(years, reverse=True),
        key="sim_year",
        on_change=on_year_change,
        help=t("sim.reference_year_help"),
    )
    top[2].selectbox(t("sim.rule"), RULES, key="sim_rule", format_func=lambda r: t(f"sim.rule_{r}"))


def _mix_inputs(sector_names: dict[str, str]) -> None:
    """The custom-mix toggle and, when it is on, one slider per sector (in %)."""
    st.toggle(t("sim.mix_custom"), key="sim_mix_custom", help=t("sim.mix_help"))
    if st.session_state["sim_mix_custom"]:
        for column, sector in _four_columns(SECTORS):
            column.slider(
                sector_names[sector],
                0.0,
                100.0,
                step=0.5,
                format="%.1f %%",
                key=f"sim_mix_{sector}",
            )
