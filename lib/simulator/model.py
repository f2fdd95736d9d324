"""What-if budget model: how many people an envelope funds, where and in which sectors.

Pure code (stdlib, numpy, pandas; no streamlit) so the simulator page can rerun
:func:`simulate` on every slider move (a few milliseconds for 12 regions x 7 sectors).

Modelling choices
-----------------
* **Cost.** A beneficiary of sector *s* costs the sector's mean grant ``g_s`` wherever they
  live (default: the reference year's national mean, ``grant_mad_total / beneficiaries``; a
  sector without reference beneficiaries, or whose recorded money is under 1 MAD a head,
  defaults to the national mean over all sectors; a grant is at least 1 MAD).
* **Region weights** (the share of the envelope each included region should receive):

  - ``reference``: the region's reference-year beneficiaries valued at the reference national
    mean grant of each sector, ``W_r = sum_s P_rs * g_s``. This is the region's share of the
    reference money once regional differences of grant size within a sector are removed, so
    that the reference inputs give back *every region's* reference beneficiaries exactly. The
    shares stay fixed when the grants are changed. A region included without reference
    beneficiaries (a region "opened") gets ``population_2024 x`` the average of
    ``W_r / population_2024`` over all regions funded in the reference year, i.e. it is funded
    like the average funded region, per inhabitant.
  - ``population``: the 2024 census population; ``equal``: one share each; ``custom``: the
    given weights (a region without a weight gets 0).

  A region left out gets nothing, whatever its weight.
* **Sector mix.** ``sector_mix=None`` (the default) keeps each region's own reference-year mix
  of beneficiaries by sector, and the national reference mix for a region without reference
  beneficiaries. A given ``sector_mix`` is a national mix applied to every included region (it
  is normalised to sum to 1, so sliders need not add up exactly).
* **Whole people.** Cell (region, sector) should receive people in proportion to
  ``v_rs = w_r * mix_rs / c_r`` where ``c_r = sum_s mix_rs * g_s`` is the region's mean cost
  per person; this spends each region's share of the money on its mix. People are handed out
  one at a time in the order of the Sainte-Laguë divisor method on ``v`` (seat ``j`` of a
  cell has priority ``(j + 0.5) / v_rs``; ties go to the lower region code, then the earlier
  sector) and the allocation is the longest run of that order whose cost fits the envelope.
  Because the order does not depend on the envelope, a larger envelope never gives fewer
  people, in total or in any region or sector (largest-remainder rounding would not
  guarantee that: Alabama paradox). With the reference inputs the first ``P`` people of the
  order are exactly the reference people, which cost exactly the reference money.
* **Money** is one national pool: ``allocated + unspent == envelope``. What is left is less
  than the grant of the next person in the order, and stays unspent (a cheaper grant further
  down the order is not bought: that would break monotonicity). Money is counted in exact
  fractions: the envelope and each float grant are snapped to the nearest fraction with a
  denominator up to 10^6 (which recovers ``grant_mad_total / beneficiaries`` exactly), so no
  float rounding makes the last grant "not fit".
* **Floors.** ``min_per_region`` people are first given to every included region (following
  the region's sector mix, Sainte-Laguë order), then the proportional order resumes, counting
  them; if they alone cost more than the envelope, :class:`ScenarioError`
  ``sim.error.floor_unaffordable`` is raised. ``women_min_share`` is a national floor.
* **Women.** Each cell keeps its reference share of women (the region-sector share, else the
  sector's national share, else the national share); the total is rounded, raised to
  ``ceil(women_min_share x people)`` if needed (the extra women are spread in proportion to
  the men of each cell), and split among cells by largest remainder, never above a cell's
  people. Women cost the same as men.

Every message is a key plus parameters (``sim.error.*``, ``sim.assumption.*``): the page
translates them; region and sector parameters are codes, money is in MAD, shares in 0..1.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import numpy as np
import pandas as pd

from lib.simulator.allocation import (
    longest_prefix,
    region_weights,
    sector_mix,
    snap,
    women_per_cell,
)
from lib.simulator.inputs import SECTORS, ScenarioError, ScenarioInputs
from lib.simulator.reference import Reference, prepare


@dataclass(frozen=True, eq=False)
class ScenarioResult:
    """What an envelope buys. Money in MAD (floats: mean grants need not be whole), people whole.

    ``by_cell``: region_code, sector_code, beneficiaries, women, grant_mad, mean_grant_mad (one
    row per region of ``regions`` x sector, zeros where nothing goes).
    ``by_region``: region_code, included, weight_share (share of the envelope aimed at),
    target_mad, beneficiaries, women, grant_mad, cost_per_beneficiary (NaN without people).
    ``by_sector``: sector_code, beneficiaries, women, grant_mad, mean_grant_mad, share.
    ``comparison``: region_code, included, reference_beneficiaries, scenario_beneficiaries,
    change, change_pct (NaN when the reference is 0), reference_grant_mad, scenario_grant_mad.
    """

    inputs: ScenarioInputs
    by_cell: pd.DataFrame
    by_region: pd.DataFrame
    by_sector: pd.DataFrame
    comparison: pd.DataFrame
    envelope_mad: float
    allocated_mad: float
    unspent_mad: float
    beneficiaries: int
    women: int
    women_share: float | None
    cost_per_beneficiary: float | None
    reference_beneficiaries: int
    reference_women: int
    reference_grant_mad: float

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: inputs (query params), totals, and each table as records (NaN -> None)."""

        def records(frame: pd.DataFrame) -> list[dict[str, Any]]:
            rows = frame.astype(object).where(frame.notna(), None).to_dict("records")
            return [{k: _plain(v) for k, v in row.items()} for row in rows]

        return {
            "inputs": self.inputs.to_query_params(),
            "envelope_mad": self.envelope_mad,
            "allocated_mad": self.allocated_mad,
            "unspent_mad": self.unspent_mad,
            "beneficiaries": self.beneficiaries,
            "women": self.women,
            "women_share": self.women_share,
            "cost_per_beneficiary": self.cost_per_beneficiary,
            "reference_beneficiaries": self.reference_beneficiaries,
            "reference_women": self.reference_women,
            "reference_grant_mad": self.reference_grant_mad,
            "by_region": records(self.by_region),
            "by_sector": records(self.by_sector),
            "comparison": records(self.comparison),
        }


def _plain(value: Any) -> Any:
    if isinstance(value, np.generic):
        return value.item()
    return value


def simulate(
    inputs: ScenarioInputs, reference: pd.DataFrame, regions: pd.DataFrame
) -> ScenarioResult:
    """Allocate ``inputs.envelope_mad`` to whole beneficiaries (see the module docstring)."""
    ref = prepare(reference, regions)
    included = _included_regions(inputs, ref)
    grants = _sector_grants(inputs, ref)
    grant_floats = np.array([float(g) for g in grants])
    shares = region_weights(inputs, ref, included)
    mix = sector_mix(inputs, ref)
    votes = _votes(shares, mix, grant_floats)

    scale, unit, budget = _money_units(inputs.envelope_mad, grants)
    n_regions, n_sectors = mix.shape
    floors = _floors(inputs, mix, included, unit, budget, scale)
    people = longest_prefix(votes.ravel(), unit * n_regions, floors.ravel(), budget).reshape(
        n_regions, n_sectors
    )
    women = women_per_cell(ref, people, inputs.women_min_share)

    spent_units = sum(int(k) * u for k, u in zip(people.sum(axis=0).tolist(), unit, strict=True))
    allocated = Fraction(spent_units, scale)
    money = people * grant_floats[None, :]
    return _result(inputs, ref, included, shares, grant_floats, people, women, money, allocated)


def _included_regions(inputs: ScenarioInputs, ref: Reference) -> np.ndarray:
    """Per region of ``ref``, whether the scenario includes it (raises for unknown regions)."""
    if ref.total_people == 0:
        raise ScenarioError("sim.error.empty_reference", {"year": inputs.reference_year})
    known = {int(code) for code in ref.codes}
    for code in sorted(inputs.included_regions | set(inputs.custom_weights or {})):
        if code not in known:
            raise ScenarioError("sim.error.unknown_region", {"region": code})
    return np.isin(ref.codes, sorted(inputs.included_regions))


def _sector_grants(inputs: ScenarioInputs, ref: Reference) -> list[Fraction]:
    """The exact mean grant of each sector: the scenario's where given, else the reference's."""
    reference_grants = ref.sector_grants()
    return [
        snap(inputs.mean_grant_mad[s]) if s in inputs.mean_grant_mad else reference_grants[s_i]
        for s_i, s in enumerate(SECTORS)
    ]


def _votes(shares: np.ndarray, mix: np.ndarray, grants: np.ndarray) -> np.ndarray:
    """Per cell (region x sector), the votes ``w_r * mix_rs / c_r``, normalised to sum to 1."""
    mean_cost = mix @ grants
    votes = shares[:, None] * mix / mean_cost[:, None]
    return votes / votes.sum()


def _money_units(envelope_mad: float, grants: list[Fraction]) -> tuple[int, list[int], int]:
    """Exact money: (scale, each sector's grant, the budget), in units of 1/scale MAD.

    The envelope is snapped like a grant, so that an envelope typed equal to a grant buys it.
    """
    envelope = snap(envelope_mad)
    scale = math.lcm(envelope.denominator, *(g.denominator for g in grants))
    return scale, [int(g * scale) for g in grants], int(envelope * scale)


def _floors(
    inputs: ScenarioInputs,
    mix: np.ndarray,
    included: np.ndarray,
    unit: list[int],
    budget: int,
    scale: int,
) -> np.ndarray:
    """People per cell given first: ``min_per_region`` to each included region, on its mix.

    ``unit`` (each sector's grant) and ``budget`` are in units of 1/scale MAD. Raises
    ``sim.error.floor_unaffordable`` when the floors alone cost more than the budget.
    """
    n_regions, n_sectors = mix.shape
    floors = np.zeros((n_regions, n_sectors), dtype=np.int64)
    if inputs.min_per_region <= 0:
        return floors
    for r in np.nonzero(included)[0]:
        floors[r] = longest_prefix(
            mix[r], [1] * n_sectors, np.zeros(n_sectors), inputs.min_per_region
        )
    floor_cost = int((floors.sum(axis=0) * np.array(unit, dtype=object)).sum())
    if floor_cost > budget:
        raise ScenarioError(
            "sim.error.floor_unaffordable",
            {
                "min_per_region": inputs.min_per_region,
                "regions": int(included.sum()),
                "required": float(Fraction(floor_cost, scale)),
                "envelope": inputs.envelope_mad,
            },
        )
    return floors


def _ratio_or_nan(numerator: np.ndarray, denominator: np.ndarray) -> np.ndarray:
    """numerator / denominator, NaN where the denominator is 0 (nothing to divide by)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(denominator > 0, numerator / denominator, np.nan)


def _by_cell(
    codes: np.ndarray, grants: np.ndarray, people: np.ndarray, women: np.ndarray, money: np.ndarray
) -> pd.DataFrame:
    n_regions, n_sectors = people.shape
    return pd.DataFrame(
        {
            "region_code": np.repeat(codes, n_sectors),
            "sector_code": np.tile(np.array(SECTORS, dtype=object), n_regions),
            "beneficiaries": people.ravel(),
            "women": women.ravel(),
            "grant_mad": money.ravel(),
            "mean_grant_mad": np.tile(grants, n_regions),
        }
    )


def _by_region(
    inputs: ScenarioInputs,
    codes: np.ndarray,
    included: np.ndarray,
    shares: np.ndarray,
    people: np.ndarray,
    women: np.ndarray,
    money: np.ndarray,
) -> pd.DataFrame:
    region_people = people.sum(axis=1)
    region_money = money.sum(axis=1)
    return pd.DataFrame(
        {
            "region_code": codes,
            "included": included,
            "weight_share": shares,
            "target_mad": shares * inputs.envelope_mad,
            "beneficiaries": region_people,
            "women": women.sum(axis=1),
            "grant_mad": region_money,
            "cost_per_beneficiary": _ratio_or_nan(region_money, region_people),
        }
    )


def _by_sector(
    grants: np.ndarray, people: np.ndarray, women: np.ndarray, money: np.ndarray
) -> pd.DataFrame:
    sector_people = people.sum(axis=0)
    total = int(people.sum())
    return pd.DataFrame(
        {
            "sector_code": list(SECTORS),
            "beneficiaries": sector_people,
            "women": women.sum(axis=0),
            "grant_mad": money.sum(axis=0),
            "mean_grant_mad": grants,
            "share": sector_people / total if total else np.zeros(people.shape[1]),
        }
    )


def _comparison(
    ref: Reference, codes: np.ndarray, included: np.ndarray, people: np.ndarray, money: np.ndarray
) -> pd.DataFrame:
    region_people = people.sum(axis=1)
    reference_people = ref.people.sum(axis=1)
    change = region_people - reference_people
    return pd.DataFrame(
        {
            "region_code": codes,
            "included": included,
            "reference_beneficiaries": reference_people,
            "scenario_beneficiaries": region_people,
            "change": change,
            "change_pct": _ratio_or_nan(change, reference_people),
            "reference_grant_mad": ref.money.sum(axis=1),
            "scenario_grant_mad": money.sum(axis=1),
        }
    )


def _result(
    inputs: ScenarioInputs,
    ref: Reference,
    included: np.ndarray,
    shares: np.ndarray,
    grants: np.ndarray,
    people: np.ndarray,
    women: np.ndarray,
    money: np.ndarray,
    allocated: Fraction,
) -> ScenarioResult:
    codes = ref.codes.astype(np.int64)
    total = int(people.sum())
    allocated_mad = min(float(allocated), inputs.envelope_mad)  # equal up to float rounding
    women_total = int(women.sum())
    return ScenarioResult(
        inputs=inputs,
        by_cell=_by_cell(codes, grants, people, women, money),
        by_region=_by_region(inputs, codes, included, shares, people, women, money),
        by_sector=_by_sector(grants, people, women, money),
        comparison=_comparison(ref, codes, included, people, money),
        envelope_mad=inputs.envelope_mad,
        allocated_mad=allocated_mad,
        unspent_mad=float(Fraction(inputs.envelope_mad) - Fraction(allocated_mad)),
        beneficiaries=total,
        women=women_total,
        women_share=women_total / total if total else None,
        cost_per_beneficiary=float(allocated / total) if total else None,
        reference_beneficiaries=ref.total_people,
        reference_women=int(ref.women.sum()),
        reference_grant_mad=float(ref.money.sum()),
    )
