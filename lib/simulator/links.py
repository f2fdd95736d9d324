"""A scenario's link: short (``?scenario=12``) while it is a saved scenario left unchanged,
else the scenario's own inputs; and the point it is compared with (``&baseline=without-5``).

The simulator keeps the browser's address equal to this link, and its copy-link button copies
it, so that a scenario passed round a meeting opens exactly as it was shown. Pure.
"""

from __future__ import annotations

from lib.simulator.baseline import REFERENCE, Baseline
from lib.simulator.inputs import ScenarioError, ScenarioInputs

SCENARIO_KEY = "scenario"
BASELINE_KEY = "baseline"
MAX_SCENARIO_ID = 10**9  # more digits than any saved scenario will have: not an id


def scenario_id(text: str) -> int:
    """The saved scenario a link names (``?scenario=12``); ScenarioError
    ``sim.error.bad_scenario_id`` for anything but a whole number from 1."""
    cleaned = str(text).strip()
    if not cleaned.isascii() or not cleaned.isdigit() or not 0 < int(cleaned) < MAX_SCENARIO_ID:
        raise ScenarioError("sim.error.bad_scenario_id", {"value": str(text)})
    return int(cleaned)


def link_params(
    inputs: ScenarioInputs, opened: tuple[int, ScenarioInputs] | None, baseline: Baseline
) -> dict[str, str]:
    """The link's parameters. ``opened``: the saved scenario opened last (its id and its inputs
    as the page read them back); while ``inputs`` are still those, its id is the whole link."""
    if opened is not None and opened[1] == inputs:
        params = {SCENARIO_KEY: str(opened[0])}
    else:
        params = inputs.to_query_params()
    if baseline.kind != REFERENCE:
        params[BASELINE_KEY] = baseline.token
    return params
