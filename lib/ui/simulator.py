"""Streamlit side of the what-if simulator: widget state <-> ScenarioInputs, the controls, the
link.

The model is ``lib.simulator`` (pure); saved scenarios are ``lib.simulator.scenarios``. Widget
values live in ``st.session_state`` under ``sim_*`` keys; loading a scenario (from the URL, a
saved one, another reference year) writes those keys in a callback, before the widgets are
drawn. A link opens a scenario by its inputs or, short, by a saved scenario's id
(``?scenario=12``, ``lib.simulator.links``); the point it is compared with is
``lib.ui.simulator_compare``, the saved scenarios ``lib.ui.simulator_saved``.
"""

from __future__ import annotations

import streamlit as st

from lib.formatting import format_money
from lib.i18n import current_language, t
from lib.simulator import links, scenarios
from lib.simulator.baseline import Baseline
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
PROBLEMS_KEY = "sim_problems"  # what a link or a saved scenario could not give, said once
OPENED_KEY = "sim_opened"  # the saved scenario opened last: {"id", "inputs" as read back}
BASELINE_KEY = "sim_baseline"  # the token of the point of comparison (a selectbox's key)
BASELINE_FROM_LINK = "sim_baseline_from_link"  # the baseline came from the link: say if refused


def names() -> dict[str, dict[str, str]]:
    lang = current_language()
    return {"region": queries.names("region", lang), "sector": queries.names("sector", lang)}


def viewer() -> scenarios.Viewer:
    """Who saves and sees scenarios: with real records the signed-in user (an administrator
    sees and may delete anyone's); while the app is open to all, that mode itself."""
    identity = session.current()
    if st.session_state.get("auth_mode") != "production" or not identity.signed_in:
        return scenarios.Viewer(t("admin.demo_user"))
    return scenarios.Viewer(identity.name, signed_in=True, admin=identity.role == "admin")


def note_problem(text: str) -> None:
    """A message for the top of the page (a link or a saved scenario that could not be used)."""
    st.session_state.setdefault(PROBLEMS_KEY, []).append(text)


def take_problems() -> list[str]:
    """The messages noted since the page last showed them."""
    return st.session_state.pop(PROBLEMS_KEY, [])


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


def first_load(years: tuple[int, ...], who: scenarios.Viewer) -> None:
    """On a session's first run: the saved scenario the URL names (``?scenario=12``), else the
    scenario the URL spells out, else the latest year's; and the URL's point of comparison."""
    if "sim_envelope" in st.session_state:
        return
    params = url_params()
    _baseline_from_link(params)
    if links.SCENARIO_KEY in params:
        if _open_linked(params[links.SCENARIO_KEY], years, who):
            return
        params = {}  # the scenario meant is unknown: the default one, not half of another
    asked = {k: v for k, v in params.items() if k.startswith(URL_KEYS_PREFIXES)}
    year = max(years)
    if flt.year_from_text(asked.get("year", "")) in years:
        year = int(asked["year"])
    elif "year" in asked:
        note_problem(said("sim.bad_year", value=asked.pop("year"), allowed=tuple(map(str, years))))
        asked = {}  # a scenario read against another year than the one meant would mislead
    defaults = defaults_for(year)
    try:
        inputs = ScenarioInputs.from_query_params(asked, defaults) if asked else defaults
    except ScenarioError as error:
        note_problem(t("sim.bad_link", reason=say(error)))
        inputs = defaults
    load(inputs)


def _baseline_from_link(params: dict[str, str]) -> None:
    if links.BASELINE_KEY not in params:
        return
    try:
        baseline = Baseline.parse(params[links.BASELINE_KEY])
    except ScenarioError as error:
        note_problem(t("sim.bad_link", reason=say(error)))
        return
    st.session_state[BASELINE_KEY] = baseline.token
    st.session_state[BASELINE_FROM_LINK] = True


def _open_linked(text: str, years: tuple[int, ...], who: scenarios.Viewer) -> bool:
    """Open the saved scenario a short link names, if this user may see it; else say why."""
    try:
        scenario_id = links.scenario_id(text)
    except ScenarioError as error:
        note_problem(t("sim.bad_link", reason=say(error)))
        return False
    row = scenarios.find(scenario_id, who)
    if row is None:  # none, deleted, or private to someone else: the same words for all three
        note_problem(said("sim.unknown_scenario", value=scenario_id))
        return False
    return _load_saved(scenario_id, row["inputs"], years)


def _load_saved(scenario_id: int, stored: dict, years: tuple[int, ...]) -> bool:
    """Put a saved scenario into the widgets and remember it as opened; else say why not."""
    year = flt.year_from_text(str(stored.get("year", "")))
    if year not in years:
        allowed = tuple(map(str, years))
        reason = said("sim.bad_year", value=stored.get("year", ""), allowed=allowed)
        note_problem(t("sim.bad_saved", reason=reason))
        return False
    try:
        load(scenarios.inputs_of(stored, defaults_for(year)))
    except ScenarioError as error:
        note_problem(t("sim.bad_saved", reason=say(error)))
        return False
    st.session_state[OPENED_KEY] = {"id": int(scenario_id), "inputs": None}
    return True


def on_year_change() -> None:
    load(defaults_for(st.session_state["sim_year"]))


def reset() -> None:
    load(defaults_for(st.session_state["sim_year"]))


def include_all_regions() -> None:
    st.session_state["sim_regions"] = list(REGION_CODES)


def open_saved(scenario_id: int, stored: dict) -> None:
    _load_saved(scenario_id, stored, queries.programme_years())


def opened(inputs: ScenarioInputs) -> tuple[int, ScenarioInputs] | None:
    """The saved scenario the widgets still show unchanged (its id and inputs), or None.
    Its inputs are the ones read back from the widgets on the first run after opening it."""
    record = st.session_state.get(OPENED_KEY)
    if record is None:
        return None
    if record["inputs"] is None:
        record["inputs"] = inputs
    if record["inputs"] != inputs:
        del st.session_state[OPENED_KEY]  # changed since: the link spells the inputs out
        return None
    return record["id"], record["inputs"]


def mark_opened(scenario_id: int, inputs: ScenarioInputs) -> None:
    """The widgets show saved scenario ``scenario_id`` (just saved): the link may be short."""
    st.session_state[OPENED_KEY] = {"id": int(scenario_id), "inputs": inputs}


def _scenario_key(key: str) -> bool:
    return key.startswith(URL_KEYS_PREFIXES) or key in (links.SCENARIO_KEY, links.BASELINE_KEY)


def sync_url(params: dict[str, str]) -> None:
    """Make the address the scenario's link (``lib.simulator.links``), other parameters kept."""
    current = st.query_params.to_dict()
    wanted = {**{k: v for k, v in current.items() if not _scenario_key(k)}, **params}
    if current != wanted:
        st.query_params.from_dict(wanted)


def controls(years: tuple[int, ...]) -> None:
    """Every input, grouped and labelled, defaults visible."""
    reference_names = names()  # two reference-list lookups: once, not once per list
    region_names, sector_names = reference_names["region"], reference_names["sector"]
    _envelope_year_rule(years)
    # Streamlit's own "Select all" entry speaks English only: hidden, and a button of ours.
    st.multiselect(
        t("sim.regions"),
        REGION_CODES,
        key="sim_regions",
        format_func=lambda c: region_names[str(c)],
        help=t("sim.regions_help"),
        placeholder=t("sim.regions_placeholder"),
        select_all=False,
    )
    st.button(
        t("sim.all_regions"),
        on_click=include_all_regions,
        icon=":material/select_all:",
        disabled=len(st.session_state["sim_regions"]) == len(REGION_CODES),
        key="sim_all_regions",
        type="tertiary",
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
