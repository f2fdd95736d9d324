"""Streamlit side of what a scenario is compared with, and of its link: the "compare with"
choice and the baseline's figures, the sentence that says where an added region's money comes
from, and the copy-link button.

The pure parts are ``lib.simulator.baseline`` (the points of comparison, the comparison),
``lib.simulator.redistribution`` (the sentence) and ``lib.simulator.links`` (the link).
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

import pandas as pd
import streamlit as st

from lib.i18n import current_language, t
from lib.simulator import redistribution, scenarios
from lib.simulator.baseline import (
    REFERENCE,
    SAVED,
    WITHOUT,
    Baseline,
    choices,
    compare,
    reference_figures,
    scenario_figures,
    without_region,
)
from lib.simulator.inputs import ScenarioError, ScenarioInputs
from lib.simulator.model import simulate
from lib.ui import simulator as sim
from lib.ui.text import said

# The copy-link button's script: constant, allowed by its hash in the served pages' CSP.
COPY_SCRIPT = (Path(__file__).resolve().parent / "static" / "copy_link.js").read_text(
    encoding="utf-8"
)

# Drawn like Streamlit's secondary buttons, with the app's focus ring (its primary colour).
COPY_STYLE = (
    ".idmaj-copy-link{font:inherit;color:inherit;background:#fff;cursor:pointer;"
    "border:1px solid rgba(49,51,63,.2);border-radius:.5rem;padding:.25rem .75rem;"
    "min-height:2.5rem}.idmaj-copy-link:hover{border-color:#00598C;color:#00598C}"
    ".idmaj-copy-link:focus-visible{outline:2px solid #00598C;outline-offset:2px}"
)


@dataclass(frozen=True)
class Point:
    """The point a scenario is compared with: which, its label, the comparison region by region
    (``lib.simulator.baseline.compare``) and its total of beneficiaries."""

    baseline: Baseline
    label: str
    comparison: pd.DataFrame
    beneficiaries: int


def _label(baseline: Baseline, year: int, region_names: dict, saved: pd.DataFrame) -> str:
    if baseline.kind == WITHOUT:
        return t("sim.baseline_without", region=region_names[str(baseline.code)])
    if baseline.kind == SAVED:  # its author beside a name two authors gave
        return t("sim.baseline_saved", name=scenarios.labels(saved)[baseline.code])
    return t("sim.reference", year=year)


def _checked_token(tokens: list[str]) -> None:
    """Keep the chosen baseline if still offered; else the reference year (said when the
    baseline came from the link: a scenario without that region, a scenario not shared)."""
    state = st.session_state
    from_link = state.pop(sim.BASELINE_FROM_LINK, False)
    if state.get(sim.BASELINE_KEY) in tokens:
        return
    if from_link:
        shown = said("sim.baseline_unavailable", value=state[sim.BASELINE_KEY])
        st.warning(shown, icon=":material/link_off:")
    state[sim.BASELINE_KEY] = REFERENCE


def _figures(baseline: Baseline, inputs: ScenarioInputs, result, saved: pd.DataFrame):
    """The baseline's people and money per region (raises ScenarioError when it cannot be
    simulated: a saved scenario of a year no longer in the data, weights that leave nobody)."""
    regions = scenarios.regions_frame()
    if baseline.kind == WITHOUT:
        reference = scenarios.reference_frame(inputs.reference_year)
        return scenario_figures(simulate(without_region(inputs, baseline.code), reference, regions))
    if baseline.kind == SAVED:
        stored = saved.loc[saved["scenario_id"] == baseline.code, "inputs"].iloc[0]
        year = int(stored["year"])
        other = scenarios.inputs_of(stored, sim.defaults_for(year))
        return scenario_figures(simulate(other, scenarios.reference_frame(year), regions))
    return reference_figures(result)


def choose(inputs: ScenarioInputs, result, who: scenarios.Viewer) -> Point:
    """The "compare with" choice, drawn, and the comparison with what it names."""
    saved = scenarios.saved(who)
    region_names = sim.names()["region"]
    offered = choices(inputs, saved["scenario_id"].tolist())
    labels = {b.token: _label(b, inputs.reference_year, region_names, saved) for b in offered}
    _checked_token(list(labels))
    st.columns([2, 3])[0].selectbox(
        t("sim.baseline"),
        list(labels),
        key=sim.BASELINE_KEY,
        format_func=labels.get,
        help=t("sim.baseline_help"),
    )
    baseline = Baseline.parse(st.session_state[sim.BASELINE_KEY])
    try:
        figures = _figures(baseline, inputs, result, saved)
    except ScenarioError as error:
        st.warning(t("sim.baseline_failed", reason=sim.say(error)), icon=":material/warning:")
        baseline, figures = Baseline(), reference_figures(result)
    return Point(
        baseline,
        labels[baseline.token],
        compare(result, figures),
        int(figures["beneficiaries"].sum()),
    )


def versus(point: Point) -> None:
    """Under the tiles: what their changes are measured against."""
    st.caption(said("sim.versus", baseline=point.label))


def where_the_money_comes_from(point: Point) -> None:
    """When the scenario funds a region its baseline did not: who pays for it, in words (the
    app's own words, region names of the reference table and figures: no outside value)."""
    found = redistribution.explain(point.comparison)
    if found is not None:
        text = redistribution.words(found, current_language(), sim.names()["region"])
        st.info(text, icon=":material/call_split:")


def share(params: dict[str, str]) -> None:
    """The scenario's link, to open or to copy with one click (the button copies it whole,
    resolved against the page's own address)."""
    link = f"?{urlencode(params)}"
    st.markdown(t("sim.share", link=link))
    st.html(
        f"<style>{COPY_STYLE}</style>"
        f'<button type="button" class="idmaj-copy-link" data-link="{html.escape(link)}"'
        f' data-done="{html.escape(t("sim.copied"))}"'
        f' data-failed="{html.escape(t("sim.copy_failed"))}">'
        f"{html.escape(t('sim.copy_link'))}</button><script>{COPY_SCRIPT}</script>",
        unsafe_allow_javascript=True,
    )
