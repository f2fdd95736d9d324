"""The assumptions of a scenario, in reading order, as message keys for the page to translate.

Pure (no streamlit).
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from lib.simulator.allocation import snap
from lib.simulator.inputs import SECTORS, ScenarioInputs
from lib.simulator.reference import prepare


def describe_assumptions(
    inputs: ScenarioInputs, reference: pd.DataFrame
) -> list[tuple[str, dict[str, Any]]]:
    """The scenario's assumptions as (message key, params), in reading order.

    Keys and params (regions and sectors as codes, money in MAD, shares in 0..1):
    envelope {value, reference, year}; rule_reference {year}; rule_population {};
    rule_equal {regions}; rule_custom {regions}; region_excluded {region, reference};
    region_opened_reference {region, year}; region_opened {region};
    grant_reference {year}; grant_sector {sector, value, reference};
    mix_reference {year}; mix_custom {}; mix_sector {sector, value, reference};
    women_reference {year, reference}; women_floor {value, reference};
    region_floor {value, regions}; cost_model {}; rounding {}; all prefixed "sim.assumption.".
    """
    ref = prepare(reference, None)
    year = inputs.reference_year
    out: list[tuple[str, dict[str, Any]]] = []

    def add(name: str, **params: Any) -> None:
        out.append((f"sim.assumption.{name}", params))

    add("envelope", value=inputs.envelope_mad, reference=float(ref.money.sum()), year=year)
    if inputs.rule == "reference":
        add("rule_reference", year=year)
    elif inputs.rule == "population":
        add("rule_population")
    elif inputs.rule == "equal":
        add("rule_equal", regions=len(inputs.included_regions))
    else:
        weights = inputs.custom_weights or {}
        add("rule_custom", regions=sum(1 for c in inputs.included_regions if weights.get(c, 0) > 0))

    reference_people = {
        int(code): int(p) for code, p in zip(ref.codes, ref.people.sum(axis=1), strict=True)
    }
    for code, count in reference_people.items():
        if count > 0 and code not in inputs.included_regions:
            add("region_excluded", region=code, reference=count)
    for code in sorted(inputs.included_regions):
        if reference_people.get(code, 0) == 0:
            if inputs.rule == "reference":
                add("region_opened_reference", region=code, year=year)
            else:
                add("region_opened", region=code)

    changed = False
    for sector, default in zip(SECTORS, ref.sector_grants(), strict=True):
        value = inputs.mean_grant_mad.get(sector)
        if value is not None and snap(value) != default:
            changed = True
            add("grant_sector", sector=sector, value=value, reference=round(float(default), 2))
    if not changed:
        add("grant_reference", year=year)

    if inputs.sector_mix is None:
        add("mix_reference", year=year)
    else:
        add("mix_custom")
        total = sum(inputs.sector_mix.values())
        for sector, national in zip(SECTORS, ref.national_mix(), strict=True):
            share = inputs.sector_mix[sector] / total
            if abs(share - national) > 1e-9:
                add("mix_sector", sector=sector, value=share, reference=float(national))

    reference_share = int(ref.women.sum()) / ref.total_people if ref.total_people else 0.0
    if inputs.women_min_share > 0:
        add("women_floor", value=inputs.women_min_share, reference=reference_share)
    else:
        add("women_reference", year=year, reference=reference_share)
    if inputs.min_per_region > 0:
        add("region_floor", value=inputs.min_per_region, regions=len(inputs.included_regions))
    add("cost_model")
    add("rounding")
    return out
