"""What a scenario is compared with, and the comparison region by region.

A meeting asks "and without Béni Mellal-Khénifra?" or "against the plan we saved last week?",
not only "against the reference year". A :class:`Baseline` is one of three points:

* ``reference``: the reference year's own beneficiaries and money (what the simulator always
  compared with);
* ``without-<region>``: the same scenario with one of its regions left out, the rest unchanged
  (same envelope, rule, grants), so that the change shows what that region costs the others;
* ``scenario-<id>``: a saved scenario, simulated again on today's data.

Its token (``reference``, ``without-5``, ``scenario-12``) is its URL form. Pure: the page
simulates the baseline's inputs and hands its figures to :func:`compare`.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from lib.simulator.inputs import ScenarioError, ScenarioInputs

REFERENCE, WITHOUT, SAVED = "reference", "without", "scenario"
_TOKEN = re.compile(r"^(?P<kind>without|scenario)-(?P<code>[0-9]{1,9})$")
# Per region: what a point of comparison counts (people and money).
FIGURES = ("region_code", "beneficiaries", "grant_mad")


@dataclass(frozen=True)
class Baseline:
    """A point of comparison: ``kind`` (reference, without, scenario) and ``code`` (the region
    left out, or the saved scenario's id; 0 for the reference)."""

    kind: str = REFERENCE
    code: int = 0

    @property
    def token(self) -> str:
        """The URL form: ``reference``, ``without-5``, ``scenario-12``."""
        return REFERENCE if self.kind == REFERENCE else f"{self.kind}-{self.code}"

    @classmethod
    def parse(cls, text: str) -> Baseline:
        """The baseline a token names; ScenarioError ``sim.error.bad_baseline`` otherwise."""
        text = str(text).strip()
        if text == REFERENCE:
            return cls()
        match = _TOKEN.match(text)
        if match is None:
            raise ScenarioError("sim.error.bad_baseline", {"value": text})
        return cls(match["kind"], int(match["code"]))


def choices(inputs: ScenarioInputs, saved_ids: Iterable[int]) -> list[Baseline]:
    """What this scenario may be compared with, in the order offered: the reference year, the
    scenario without each of its regions (when it has more than one), each saved scenario."""
    offered = [Baseline()]
    if len(inputs.included_regions) > 1:
        offered += [Baseline(WITHOUT, code) for code in sorted(inputs.included_regions)]
    offered += [Baseline(SAVED, int(scenario_id)) for scenario_id in saved_ids]
    return offered


def without_region(inputs: ScenarioInputs, code: int) -> ScenarioInputs:
    """The same scenario with region ``code`` left out (everything else unchanged)."""
    return dataclasses.replace(inputs, included_regions=inputs.included_regions - {code})


def reference_figures(result) -> pd.DataFrame:
    """The reference year's people and money per region (a simulation's ``comparison``)."""
    comparison = result.comparison
    return pd.DataFrame(
        {
            "region_code": comparison["region_code"].to_numpy(),
            "beneficiaries": comparison["reference_beneficiaries"].to_numpy(),
            "grant_mad": comparison["reference_grant_mad"].to_numpy(),
        }
    )


def scenario_figures(result) -> pd.DataFrame:
    """A simulated scenario's people and money per region."""
    return result.by_region[list(FIGURES)].reset_index(drop=True)


def compare(result, baseline: pd.DataFrame) -> pd.DataFrame:
    """Region by region, the scenario against a baseline's figures (``FIGURES``; a region the
    baseline lacks counts 0): region_code, included, baseline_beneficiaries,
    scenario_beneficiaries, change, change_pct (NaN where the baseline has nobody),
    baseline_grant_mad, scenario_grant_mad, change_mad."""
    scenario = result.by_region[["region_code", "included", "beneficiaries", "grant_mad"]]
    other = baseline[list(FIGURES)].rename(
        columns={"beneficiaries": "baseline_beneficiaries", "grant_mad": "baseline_grant_mad"}
    )
    joined = scenario.merge(other, on="region_code", how="left", validate="one_to_one")
    base_people = joined["baseline_beneficiaries"].fillna(0).astype(np.int64).to_numpy()
    base_money = joined["baseline_grant_mad"].fillna(0.0).astype(float).to_numpy()
    people = joined["beneficiaries"].astype(np.int64).to_numpy()
    money = joined["grant_mad"].astype(float).to_numpy()
    change = people - base_people
    with np.errstate(divide="ignore", invalid="ignore"):
        change_pct = np.where(base_people > 0, change / np.maximum(base_people, 1), np.nan)
    return pd.DataFrame(
        {
            "region_code": joined["region_code"].to_numpy(),
            "included": joined["included"].to_numpy(),
            "baseline_beneficiaries": base_people,
            "scenario_beneficiaries": people,
            "change": change,
            "change_pct": change_pct,
            "baseline_grant_mad": base_money,
            "scenario_grant_mad": money,
            "change_mad": money - base_money,
        }
    )
