"""The assumptions of a scenario, in reading order, as message keys for the page to translate.

Pure (no streamlit).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pandas as pd

from lib.simulator.allocation import snap
from lib.simulator.inputs import SECTORS, ScenarioInputs
from lib.simulator.reference import Reference, prepare

Assumption = tuple[str, dict[str, Any]]  # (name without the "sim.assumption." prefix, params)


def _assumption(name: str, **params: Any) -> Assumption:
    return name, params


def _envelope(inputs: ScenarioInputs, ref: Reference) -> Iterator[Assumption]:
    reference, year = float(ref.money.sum()), inputs.reference_year
    yield _assumption("envelope", value=inputs.envelope_mad, reference=reference, year=year)


def _regions_with_custom_weight(inputs: ScenarioInputs) -> int:
    """How many included regions have a custom weight above 0."""
    weights = inputs.custom_weights or {}
    return sum(1 for code in inputs.included_regions if weights.get(code, 0) > 0)


# Rule -> the params of its assumption "rule_<rule>".
_RULE_PARAMS: dict[str, Callable[[ScenarioInputs], dict[str, Any]]] = {
    "reference": lambda inputs: {"year": inputs.reference_year},
    "population": lambda inputs: {},
    "equal": lambda inputs: {"regions": len(inputs.included_regions)},
    "custom": lambda inputs: {"regions": _regions_with_custom_weight(inputs)},
}


def _allocation_rule(inputs: ScenarioInputs, ref: Reference) -> Iterator[Assumption]:
    yield _assumption(f"rule_{inputs.rule}", **_RULE_PARAMS[inputs.rule](inputs))


def _regions(inputs: ScenarioInputs, ref: Reference) -> Iterator[Assumption]:
    """Regions funded in the reference year but left out, then regions included but unfunded."""
    reference_people = {
        int(code): int(p) for code, p in zip(ref.codes, ref.people.sum(axis=1), strict=True)
    }
    for code, count in reference_people.items():
        if count > 0 and code not in inputs.included_regions:
            yield _assumption("region_excluded", region=code, reference=count)
    for code in sorted(inputs.included_regions):
        if reference_people.get(code, 0) == 0:
            if inputs.rule == "reference":
                yield _assumption(
                    "region_opened_reference", region=code, year=inputs.reference_year
                )
            else:
                yield _assumption("region_opened", region=code)


def _grants(inputs: ScenarioInputs, ref: Reference) -> Iterator[Assumption]:
    """Each sector's grant that differs from the reference, or that none does."""
    changed = False
    for sector, default in zip(SECTORS, ref.sector_grants(), strict=True):
        value = inputs.mean_grant_mad.get(sector)
        if value is not None and snap(value) != default:
            changed = True
            reference = round(float(default), 2)
            yield _assumption("grant_sector", sector=sector, value=value, reference=reference)
    if not changed:
        yield _assumption("grant_reference", year=inputs.reference_year)


def _mix(inputs: ScenarioInputs, ref: Reference) -> Iterator[Assumption]:
    """The reference mix, or a custom one and each sector's share that differs from the nation's."""
    if inputs.sector_mix is None:
        yield _assumption("mix_reference", year=inputs.reference_year)
        return
    yield _assumption("mix_custom")
    total = sum(inputs.sector_mix.values())
    for sector, national in zip(SECTORS, ref.national_mix(), strict=True):
        share = inputs.sector_mix[sector] / total
        if abs(share - national) > 1e-9:
            yield _assumption("mix_sector", sector=sector, value=share, reference=float(national))


def _women(inputs: ScenarioInputs, ref: Reference) -> Iterator[Assumption]:
    reference = int(ref.women.sum()) / ref.total_people if ref.total_people else 0.0
    if inputs.women_min_share > 0:
        yield _assumption("women_floor", value=inputs.women_min_share, reference=reference)
    else:
        yield _assumption("women_reference", year=inputs.reference_year, reference=reference)


def _region_floor(inputs: ScenarioInputs, ref: Reference) -> Iterator[Assumption]:
    if inputs.min_per_region > 0:
        regions = len(inputs.included_regions)
        yield _assumption("region_floor", value=inputs.min_per_region, regions=regions)


def _model(inputs: ScenarioInputs, ref: Reference) -> Iterator[Assumption]:
    """What every scenario assumes: the cost model, and the rounding to whole people."""
    yield _assumption("cost_model")
    yield _assumption("rounding")


# In reading order: one function per part of the scenario, each yielding its assumptions.
_PARTS: tuple[Callable[[ScenarioInputs, Reference], Iterator[Assumption]], ...] = (
    _envelope,
    _allocation_rule,
    _regions,
    _grants,
    _mix,
    _women,
    _region_floor,
    _model,
)


def describe_assumptions(
    inputs: ScenarioInputs,
    reference: pd.DataFrame,
    outcome: dict | None = None,
    funded: int | None = None,
) -> list[tuple[str, dict[str, Any]]]:
    """The scenario's assumptions as (message key, params), in reading order.

    Keys and params (regions and sectors as codes, money in MAD, shares in 0..1):
    envelope {value, reference, year}; rule_reference {year}; rule_population {};
    rule_equal {regions}; rule_custom {regions}; region_excluded {region, reference};
    region_opened_reference {region, year}; region_opened {region};
    grant_reference {year}; grant_sector {sector, value, reference};
    mix_reference {year}; mix_custom {}; mix_sector {sector, value, reference};
    women_reference {year, reference}; women_floor {value, reference};
    region_floor {value, regions}; cost_model {}; rounding {};
    outcome_survival {year, value, running, funded, people} when ``outcome`` (a cohort's
    micro-projects still running at 12 months, ``lib.outcomes.headline``) and ``funded`` (the
    people the scenario funds) are given; all prefixed "sim.assumption.".
    """
    ref = prepare(reference, None)
    described = [
        (f"sim.assumption.{name}", params) for part in _PARTS for name, params in part(inputs, ref)
    ]
    if outcome is not None and funded:
        described.append(("sim.assumption.outcome_survival", _survival(outcome, funded)))
    return described


def _survival(outcome: dict, funded: int) -> dict[str, Any]:
    """What the scenario would keep running a year on if a past cohort's survival held: an
    assumption (issue 22), never a forecast."""
    return {
        "year": outcome["cohort_year"],
        "value": outcome["share"],
        "running": round(outcome["share"] * funded),
        "funded": funded,
        "people": outcome["records"],
    }
