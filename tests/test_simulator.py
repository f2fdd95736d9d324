"""lib.simulator: the what-if budget model (properties with hypothesis, exact unit tests)."""

from __future__ import annotations

import math
import pickle
import statistics
import sys
import time
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

REPO_DIR = Path(__file__).resolve().parent.parent
if str(REPO_DIR) not in sys.path:  # lets `pytest tests/test_simulator.py` run from anywhere
    sys.path.insert(0, str(REPO_DIR))

from lib.simulator.assumptions import describe_assumptions  # noqa: E402
from lib.simulator.inputs import REGION_CODES, RULES, SECTORS, ScenarioError, ScenarioInputs  # noqa: E402
from lib.simulator.model import ScenarioResult, simulate  # noqa: E402
from lib.simulator.reference import default_inputs, reference_mean_grants, reference_sector_mix  # noqa: E402

PROPERTY = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
QUICK = settings(PROPERTY, max_examples=50)  # for properties that are cheap to get right
COLUMNS = ["region_code", "sector_code", "beneficiaries", "women", "grant_mad_total"]

# 2024 census (data/seed/regions.csv), written out so the test does not depend on the file.
POPULATION_2024 = {
    1: 4030222,
    2: 2294665,
    3: 4467911,
    4: 5132639,
    5: 2525801,
    6: 7688967,
    7: 4892393,
    8: 1655623,
    9: 3020431,
    10: 448685,
    11: 451028,
    12: 219965,
}


def regions_frame(population: dict[int, int] = POPULATION_2024) -> pd.DataFrame:
    return pd.DataFrame({"code": list(population), "population_2024": list(population.values())})


# ---------------------------------------------------------------------------------------------
# Fixtures


def _split(total: int, shares: dict[str, float]) -> dict[str, int]:
    """Largest-remainder split of ``total`` by ``shares`` (test helper)."""
    quotas = {k: total * v for k, v in shares.items()}
    counts = {k: math.floor(q) for k, q in quotas.items()}
    left = total - sum(counts.values())
    for k in sorted(quotas, key=lambda k: counts[k] - quotas[k])[:left]:
        counts[k] += 1
    return counts


def make_2019() -> pd.DataFrame:
    """A realistic 2019-like year: 478 people, 13 500 000 MAD, 10 regions (not 5, 12), 7 sectors.

    Grants differ by sector and, a little, by region, so that regions' money shares are not
    exactly their shares at national mean grants.
    """
    region_people = {1: 62, 2: 38, 3: 55, 4: 70, 6: 95, 7: 52, 8: 22, 9: 48, 10: 18, 11: 18}
    mix = {
        "commerce": 0.30,
        "industrie": 0.06,
        "services": 0.22,
        "artisanat": 0.12,
        "restauration": 0.10,
        "agriculture": 0.12,
        "batiment": 0.08,
    }
    base_grant = {
        "commerce": 27000,
        "industrie": 33000,
        "services": 26000,
        "artisanat": 24500,
        "restauration": 29000,
        "agriculture": 31500,
        "batiment": 30000,
    }
    rows = []
    for code, people in region_people.items():
        for sector, count in _split(people, mix).items():
            if count:
                factor = 1 + ((code * 7 + len(sector)) % 9 - 4) * 0.01
                women = (count + code) // 9
                rows.append([code, sector, count, women, count * base_grant[sector] * factor])
    frame = pd.DataFrame(rows, columns=COLUMNS)
    raw = frame["grant_mad_total"]
    money = (raw * 13_500_000 / raw.sum()).round().astype(int)
    money.iloc[money.idxmax()] += 13_500_000 - int(money.sum())
    frame["grant_mad_total"] = money
    return frame


REF_2019 = make_2019()
REGIONS = regions_frame()


def tiny() -> tuple[pd.DataFrame, pd.DataFrame]:
    """Region 1: 3 commerce (1 woman) for 30 000 + 1 agriculture for 20 000; region 2: 1
    commerce for 10 000. National means: commerce 10 000, agriculture 20 000."""
    reference = pd.DataFrame(
        [
            (1, "commerce", 3, 1, 30000),
            (1, "agriculture", 1, 0, 20000),
            (2, "commerce", 1, 0, 10000),
        ],
        columns=COLUMNS,
    )
    regions = pd.DataFrame({"code": [1, 2, 3], "population_2024": [1000, 3000, 500]})
    return reference, regions


def people(result: ScenarioResult) -> dict[tuple[int, str], int]:
    cells = result.by_cell[result.by_cell["beneficiaries"] > 0]
    return {
        (int(r), s): int(n)
        for r, s, n in zip(
            cells["region_code"], cells["sector_code"], cells["beneficiaries"], strict=True
        )
    }


def reference_cells(reference: pd.DataFrame, column: str = "beneficiaries") -> dict:
    grouped = reference.groupby(["region_code", "sector_code"])[column].sum()
    return {(int(r), s): int(n) for (r, s), n in grouped.items() if n > 0}


# ---------------------------------------------------------------------------------------------
# Strategies


@st.composite
def references(draw) -> tuple[pd.DataFrame, pd.DataFrame]:
    """A small synthetic reference year: some regions x sectors, people, women, grants.

    Grants vary by cell (a region-sector mean, plus a few MAD per person), so that regions'
    money shares differ from their shares at national means, as in real data.
    """
    codes = draw(st.lists(st.sampled_from(REGION_CODES), min_size=1, max_size=4, unique=True))
    sectors = draw(st.lists(st.sampled_from(SECTORS), min_size=1, max_size=4, unique=True))
    rows = []
    for i, code in enumerate(codes):
        for j, sector in enumerate(sectors):
            count = draw(st.integers(1 if i == j == 0 else 0, 25))
            women = draw(st.integers(0, count))
            grant = draw(st.integers(5_000, 60_000))
            rows.append([code, sector, count, women, count * (grant + grant % 997)])
    seed = draw(st.integers(0, 2**32))
    population = {code: 100_000 + (seed * 7919 * code) % 8_000_000 for code in REGION_CODES}
    return pd.DataFrame(rows, columns=COLUMNS), regions_frame(population)


@st.composite
def scenarios(draw, with_floors: bool = True):
    """(reference, regions, inputs) with any rule, regions, grants, mix and floors."""
    reference, regions = draw(references())
    base = default_inputs(reference, regions, 2019)
    total = base.envelope_mad
    envelope = draw(
        st.one_of(
            st.integers(0, int(2 * total)).map(float),
            st.floats(0, 2 * total, allow_nan=False, allow_infinity=False),
        )
    )
    rule = draw(st.sampled_from(RULES))
    # Few draws keep the suite fast: one integer stands for a set of regions, one for a mix.
    mask = draw(st.integers(0, 2**12 - 1))
    included = frozenset(c for c in REGION_CODES if mask >> (c - 1) & 1) or base.included_regions
    grants = dict(base.mean_grant_mad)
    for sector in draw(st.lists(st.sampled_from(SECTORS), max_size=3, unique=True)):
        grants[sector] = draw(st.integers(3_000, 80_000) | st.floats(3_000, 80_000))
    mix = None
    digits = draw(st.integers(0, 5**7 - 1))
    if digits and draw(st.booleans()):
        mix = {s: (digits // 5**i) % 5 / 4 for i, s in enumerate(SECTORS)}
    weights = None
    if rule == "custom":
        factor = draw(st.floats(0.01, 10))
        weights = {c: (c * digits) % 7 * factor for c in included}
        assume(sum(weights.values()) > 0)
    women = draw(st.sampled_from([0.0, 0.0, 0.1, 0.25, 0.5, 1.0])) if with_floors else 0.0
    floor = draw(st.integers(0, 3)) if with_floors else 0
    inputs = ScenarioInputs(
        envelope_mad=envelope,
        reference_year=2019,
        included_regions=included,
        rule=rule,
        mean_grant_mad=grants,
        sector_mix=mix,
        custom_weights=weights,
        women_min_share=women,
        min_per_region=floor,
    )
    return reference, regions, inputs


def run(reference, regions, inputs) -> ScenarioResult | None:
    """simulate, or None when the floor does not fit the envelope (the only expected error)."""
    try:
        return simulate(inputs, reference, regions)
    except ScenarioError as error:
        assert error.key == "sim.error.floor_unaffordable"
        assert inputs.min_per_region > 0
        return None


# ---------------------------------------------------------------------------------------------
# Properties


def check_consistent(result: ScenarioResult) -> None:
    """Whole numbers, money within the envelope, tables adding up to the totals."""
    inputs = result.inputs
    assert result.allocated_mad <= inputs.envelope_mad
    assert result.unspent_mad >= 0
    assert math.isclose(
        result.allocated_mad + result.unspent_mad, inputs.envelope_mad, rel_tol=1e-12, abs_tol=1e-6
    )
    assert result.unspent_mad < result.by_sector["mean_grant_mad"].max()
    for frame, column in [
        (result.by_cell, "beneficiaries"),
        (result.by_cell, "women"),
        (result.by_region, "beneficiaries"),
        (result.by_sector, "beneficiaries"),
        (result.comparison, "scenario_beneficiaries"),
    ]:
        assert pd.api.types.is_integer_dtype(frame[column])
    assert (result.by_cell["women"] <= result.by_cell["beneficiaries"]).all()
    assert (result.by_cell["women"] >= 0).all()
    total = result.beneficiaries
    assert isinstance(total, int) and isinstance(result.women, int)
    assert result.by_cell["beneficiaries"].sum() == total
    assert result.by_region["beneficiaries"].sum() == total
    assert result.by_sector["beneficiaries"].sum() == total
    assert result.comparison["scenario_beneficiaries"].sum() == total
    assert result.by_region["women"].sum() == result.women == result.by_sector["women"].sum()
    for frame in (result.by_cell, result.by_region, result.by_sector):
        assert math.isclose(
            frame["grant_mad"].sum(), result.allocated_mad, rel_tol=1e-9, abs_tol=1e-6
        )
    cell_money = result.by_cell["beneficiaries"] * result.by_cell["mean_grant_mad"]
    assert np.allclose(cell_money, result.by_cell["grant_mad"])
    comparison = result.comparison
    assert (
        comparison["change"]
        == comparison["scenario_beneficiaries"] - comparison["reference_beneficiaries"]
    ).all()
    if total:
        assert math.isclose(result.cost_per_beneficiary, result.allocated_mad / total)
    else:
        assert result.cost_per_beneficiary is None and result.allocated_mad == 0


@PROPERTY
@given(scenarios())
def test_results_are_whole_within_the_envelope_and_add_up(case):
    result = run(*case)
    assume(result is not None)
    check_consistent(result)


@QUICK
@given(scenarios(with_floors=False))
def test_a_zero_envelope_funds_nobody(case):
    reference, regions, inputs = case
    result = simulate(replace(inputs, envelope_mad=0), reference, regions)
    assert result.beneficiaries == 0
    assert result.women == 0
    assert result.allocated_mad == 0 and result.unspent_mad == 0
    check_consistent(result)


@PROPERTY
@given(scenarios(), st.floats(0, 1), st.floats(0, 1))
def test_a_larger_envelope_never_funds_fewer_people(case, a, b):
    """Not in total, nor in any region or sector (the allocation order is fixed)."""
    reference, regions, inputs = case
    low, high = sorted((a, b))
    top = 2 * float(reference["grant_mad_total"].sum())
    small = run(reference, regions, replace(inputs, envelope_mad=low * top))
    large = run(reference, regions, replace(inputs, envelope_mad=high * top))
    assume(small is not None)
    assert large is not None  # a floor that fits a budget fits a larger one
    assert large.beneficiaries >= small.beneficiaries
    assert (large.by_cell["beneficiaries"] >= small.by_cell["beneficiaries"]).all()


@PROPERTY
@given(scenarios())
def test_a_region_left_out_gets_nothing(case):
    result = run(*case)
    assume(result is not None)
    inputs = result.inputs
    out_cells = result.by_cell[~result.by_cell["region_code"].isin(inputs.included_regions)]
    assert (out_cells["beneficiaries"] == 0).all() and (out_cells["grant_mad"] == 0).all()
    out = result.by_region[~result.by_region["included"]]
    assert set(out["region_code"]).isdisjoint(inputs.included_regions)
    assert (out["beneficiaries"] == 0).all() and (out["weight_share"] == 0).all()


@PROPERTY
@given(references())
def test_the_reference_inputs_give_back_the_reference_exactly(case):
    reference, regions = case
    result = simulate(default_inputs(reference, regions, 2019), reference, regions)
    assert people(result) == reference_cells(reference)
    assert result.beneficiaries == result.reference_beneficiaries
    assert result.women == result.reference_women
    women = result.by_cell[result.by_cell["women"] > 0]
    assert {
        (int(r), s): int(n)
        for r, s, n in zip(women["region_code"], women["sector_code"], women["women"], strict=True)
    } == reference_cells(reference, "women")
    assert result.unspent_mad == 0
    assert result.allocated_mad == float(reference["grant_mad_total"].sum())
    assert (result.comparison["change"] == 0).all()


@PROPERTY
@given(scenarios())
def test_the_floors_are_met(case):
    reference, regions, inputs = case
    result = run(reference, regions, inputs)
    if result is None:
        # The floor people follow each region's mix: they cost at most the dearest grant.
        grants = dict(reference_mean_grants(reference)) | dict(inputs.mean_grant_mad)
        dearest = max(grants.values())
        assert inputs.min_per_region * len(inputs.included_regions) * dearest > (
            inputs.envelope_mad
        )
        return
    assert result.women >= inputs.women_min_share * result.beneficiaries - 1e-9
    included = result.by_region[result.by_region["included"]]
    assert (included["beneficiaries"] >= inputs.min_per_region).all()


@QUICK
@given(scenarios(), st.integers(1, 4))
def test_a_floor_beyond_the_envelope_is_an_error(case, floor):
    reference, regions, inputs = case
    cheapest = min(
        simulate(replace(inputs, min_per_region=0), reference, regions).by_sector["mean_grant_mad"]
    )
    envelope = floor * len(inputs.included_regions) * cheapest * 0.999
    with pytest.raises(ScenarioError) as caught:
        simulate(replace(inputs, min_per_region=floor, envelope_mad=envelope), reference, regions)
    assert caught.value.key == "sim.error.floor_unaffordable"
    assert caught.value.params["min_per_region"] == floor
    assert caught.value.params["required"] > envelope


@PROPERTY
@given(scenarios())
def test_inputs_survive_a_trip_through_query_params(case):
    _, _, inputs = case
    params = inputs.to_query_params()
    assert all(isinstance(k, str) and isinstance(v, str) for k, v in params.items())
    again = ScenarioInputs.from_query_params(params)
    assert again == inputs
    assert hash(again) == hash(inputs)


# ---------------------------------------------------------------------------------------------
# The 2019-like year


def test_2019_fixture_is_what_it_claims():
    assert REF_2019["beneficiaries"].sum() == 478
    assert REF_2019["grant_mad_total"].sum() == 13_500_000
    assert sorted(REF_2019["region_code"].unique()) == [1, 2, 3, 4, 6, 7, 8, 9, 10, 11]
    assert set(REF_2019["sector_code"]) == set(SECTORS)


def test_2019_defaults_give_back_478_people_and_13_5_million_per_region():
    inputs = default_inputs(REF_2019, REGIONS, 2019)
    assert inputs.envelope_mad == 13_500_000
    assert inputs.included_regions == frozenset({1, 2, 3, 4, 6, 7, 8, 9, 10, 11})
    assert inputs.rule == "reference" and inputs.sector_mix is None
    result = simulate(inputs, REF_2019, REGIONS)
    assert result.beneficiaries == 478
    assert result.allocated_mad == 13_500_000 and result.unspent_mad == 0
    assert people(result) == reference_cells(REF_2019)
    assert result.women == REF_2019["women"].sum()
    comparison = result.comparison.set_index("region_code")
    assert (comparison["change"] == 0).all()
    assert comparison.loc[[5, 12], "scenario_beneficiaries"].tolist() == [0, 0]
    assert comparison.loc[[5, 12], "change_pct"].isna().all()
    check_consistent(result)


def test_2019_a_15_million_envelope_funds_more_people_everywhere():
    base = default_inputs(REF_2019, REGIONS, 2019)
    result = simulate(replace(base, envelope_mad=15_000_000), REF_2019, REGIONS)
    expected = 478 * 15 / 13.5
    assert abs(result.beneficiaries - expected) <= 2
    assert (result.comparison["change"] >= 0).all()
    assert result.unspent_mad < max(base.mean_grant_mad.values())
    check_consistent(result)


def test_2019_opening_the_two_regions_left_out_gives_them_people():
    base = default_inputs(REF_2019, REGIONS, 2019)
    opened = replace(base, included_regions=base.included_regions | {5, 12})
    result = simulate(opened, REF_2019, REGIONS)
    by_region = result.by_region.set_index("region_code")
    # Funded like the average funded region, per inhabitant: the two new regions' weights are
    # their share of the population of all included regions.
    population = sum(POPULATION_2024[c] for c in opened.included_regions)
    for code in (5, 12):
        share = POPULATION_2024[code] / population
        assert by_region.loc[code, "weight_share"] == pytest.approx(share)
        expected = 478 * share
        assert by_region.loc[code, "beneficiaries"] > 0
        assert abs(by_region.loc[code, "beneficiaries"] - expected) <= 0.1 * expected + 1
    assert abs(result.beneficiaries - 478) <= 2
    # The same envelope, shared by more regions: nobody elsewhere gains.
    assert (result.comparison.set_index("region_code").drop([5, 12])["change"] <= 0).all()
    check_consistent(result)
    assumptions = describe_assumptions(opened, REF_2019)
    assert ("sim.assumption.region_opened_reference", {"region": 5, "year": 2019}) in assumptions
    assert ("sim.assumption.region_opened_reference", {"region": 12, "year": 2019}) in assumptions


def test_2019_dearer_agriculture_grants_fund_fewer_farmers():
    base = default_inputs(REF_2019, REGIONS, 2019)
    reference_agri = int(REF_2019.query("sector_code == 'agriculture'")["beneficiaries"].sum())
    dearer = replace(base, mean_grant_mad=dict(base.mean_grant_mad) | {"agriculture": 40_000})
    result = simulate(dearer, REF_2019, REGIONS)
    agri = result.by_sector.set_index("sector_code").loc["agriculture"]
    assert agri["beneficiaries"] < reference_agri
    assert agri["mean_grant_mad"] == 40_000
    assert result.beneficiaries < 478
    assert result.unspent_mad < 40_000
    check_consistent(result)
    assumptions = describe_assumptions(dearer, REF_2019)
    [(_, params)] = [a for a in assumptions if a[0] == "sim.assumption.grant_sector"]
    assert params["sector"] == "agriculture" and params["value"] == 40_000
    expected = REF_2019.query("sector_code == 'agriculture'")["grant_mad_total"].sum()
    assert params["reference"] == pytest.approx(expected / reference_agri, abs=0.01)


@pytest.mark.parametrize("rule", ["population", "equal", "custom"])
def test_2019_other_rules_follow_their_weights(rule):
    base = default_inputs(REF_2019, REGIONS, 2019)
    weights = {code: float(code) for code in base.included_regions}
    inputs = replace(base, rule=rule, custom_weights=weights if rule == "custom" else None)
    result = simulate(inputs, REF_2019, REGIONS)
    check_consistent(result)
    by_region = result.by_region[result.by_region["included"]].set_index("region_code")
    if rule == "population":
        raw = {c: POPULATION_2024[c] for c in base.included_regions}
    elif rule == "equal":
        raw = dict.fromkeys(base.included_regions, 1.0)
    else:
        raw = weights
    total = sum(raw.values())
    dearest = max(base.mean_grant_mad.values())
    for code, weight in raw.items():
        assert by_region.loc[code, "weight_share"] == pytest.approx(weight / total)
        target = 13_500_000 * weight / total
        assert by_region.loc[code, "target_mad"] == pytest.approx(target)
        # Whole people: each region's money is within a few grants of its target.
        assert abs(by_region.loc[code, "grant_mad"] - target) <= 3 * dearest


def test_2019_floors():
    base = default_inputs(REF_2019, REGIONS, 2019)
    result = simulate(replace(base, min_per_region=30, women_min_share=0.3), REF_2019, REGIONS)
    assert (result.by_region.query("included")["beneficiaries"] >= 30).all()
    assert result.women >= math.ceil(0.3 * result.beneficiaries)
    check_consistent(result)
    with pytest.raises(ScenarioError) as caught:
        simulate(replace(base, min_per_region=60), REF_2019, REGIONS)  # 600 x >= 24 000 MAD
    assert caught.value.key == "sim.error.floor_unaffordable"
    assert caught.value.params["regions"] == 10


def test_2019_national_sector_mix():
    base = default_inputs(REF_2019, REGIONS, 2019)
    mix = {s: 0.0 for s in SECTORS} | {"agriculture": 0.5, "services": 0.5}
    result = simulate(replace(base, sector_mix=mix), REF_2019, REGIONS)
    sectors = result.by_sector.set_index("sector_code")
    assert set(sectors.index[sectors["beneficiaries"] > 0]) == {"agriculture", "services"}
    assert abs(sectors.loc["agriculture", "share"] - 0.5) < 0.05
    check_consistent(result)


def test_simulate_is_fast_enough_for_a_slider():
    inputs = replace(
        default_inputs(REF_2019, REGIONS, 2019),
        included_regions=frozenset(REGION_CODES),
        envelope_mad=25_000_000,
        min_per_region=5,
        women_min_share=0.2,
    )
    simulate(inputs, REF_2019, REGIONS)
    timings = []
    for _ in range(15):
        start = time.perf_counter()
        simulate(inputs, REF_2019, REGIONS)
        timings.append(time.perf_counter() - start)
    assert statistics.median(timings) < 0.050


# ---------------------------------------------------------------------------------------------
# Exact unit tests on a tiny fixture


@pytest.mark.parametrize(
    ("envelope", "expected", "unspent"),
    [
        (0, {}, 0),
        (9_999, {}, 9_999),
        (15_000, {(1, "commerce"): 1}, 5_000),
        # Next in order is region 1's farmer (20 000): the 15 000 left stay unspent.
        (35_000, {(1, "commerce"): 2}, 15_000),
        (40_000, {(1, "commerce"): 2, (1, "agriculture"): 1}, 0),
        (60_000, {(1, "commerce"): 3, (1, "agriculture"): 1, (2, "commerce"): 1}, 0),
        (70_000, {(1, "commerce"): 4, (1, "agriculture"): 1, (2, "commerce"): 1}, 0),
        (100_000, {(1, "commerce"): 5, (1, "agriculture"): 2, (2, "commerce"): 1}, 0),
    ],
)
def test_tiny_allocation_order(envelope, expected, unspent):
    reference, regions = tiny()
    inputs = replace(default_inputs(reference, regions, 2019), envelope_mad=envelope)
    result = simulate(inputs, reference, regions)
    assert people(result) == expected
    assert result.unspent_mad == unspent
    assert result.allocated_mad == envelope - unspent
    check_consistent(result)


def test_tiny_defaults():
    reference, regions = tiny()
    inputs = default_inputs(reference, regions, 2019)
    assert inputs.mean_grant_mad["commerce"] == 10_000
    assert inputs.mean_grant_mad["agriculture"] == 20_000
    assert inputs.mean_grant_mad["services"] == 12_000  # no reference: the national mean
    assert reference_mean_grants(reference) == dict(inputs.mean_grant_mad)
    assert reference_sector_mix(reference) == pytest.approx(
        {s: 0.0 for s in SECTORS} | {"commerce": 0.8, "agriculture": 0.2}
    )
    result = simulate(inputs, reference, regions)
    assert result.women == 1 and result.women_share == pytest.approx(0.2)
    assert result.cost_per_beneficiary == 12_000
    by_region = result.by_region.set_index("region_code")
    assert by_region["weight_share"].tolist() == pytest.approx([5 / 6, 1 / 6, 0])
    assert by_region.loc[1, "cost_per_beneficiary"] == 12_500
    assert math.isnan(by_region.loc[3, "cost_per_beneficiary"])


def test_a_sector_without_money_defaults_to_the_national_mean():
    reference, regions = tiny()
    reference.loc[len(reference)] = [2, "services", 2, 1, 0]
    grants = default_inputs(reference, regions, 2019).mean_grant_mad
    assert grants["services"] == grants["batiment"] == 60_000 / 7


def test_tiny_women_floor_is_spread_over_the_men_of_each_cell():
    reference, regions = tiny()
    inputs = replace(default_inputs(reference, regions, 2019), women_min_share=0.5)
    result = simulate(inputs, reference, regions)
    assert result.women == 3  # ceil(0.5 x 5)
    women = result.by_cell.set_index(["region_code", "sector_code"])["women"]
    # Targets: 1 + 2 x 2/4 = 2, 0 + 2 x 1/4 = 0.5, 0 + 2 x 1/4 = 0.5; the tie goes first.
    assert women[(1, "commerce")] == 2
    assert women[(1, "agriculture")] == 1
    assert women[(2, "commerce")] == 0
    full = simulate(replace(inputs, women_min_share=1.0), reference, regions)
    assert full.women == full.beneficiaries == 5


def test_tiny_opening_a_region_under_each_rule():
    reference, regions = tiny()
    base = default_inputs(reference, regions, 2019)
    opened = replace(base, included_regions={1, 2, 3})
    # reference: region 3 is funded like the average funded region per inhabitant:
    # 60 000 MAD for 4 000 inhabitants = 15 MAD each, x 500 = 7 500 (weights 50 000, 10 000).
    shares = simulate(opened, reference, regions).by_region["weight_share"].tolist()
    assert shares == pytest.approx([50_000 / 67_500, 10_000 / 67_500, 7_500 / 67_500])
    population = simulate(replace(opened, rule="population"), reference, regions)
    assert population.by_region["weight_share"].tolist() == pytest.approx([2 / 9, 6 / 9, 1 / 9])
    equal = simulate(replace(opened, rule="equal", envelope_mad=600_000), reference, regions)
    assert equal.by_region["weight_share"].tolist() == pytest.approx([1 / 3] * 3)
    # Region 3 has no reference mix: it takes the national one (80 % commerce, 20 % farming).
    region3 = equal.by_cell.query("region_code == 3").set_index("sector_code")["beneficiaries"]
    assert region3.sum() > 10
    assert abs(region3["commerce"] - 0.8 * region3.sum()) <= 1


def test_tiny_min_per_region_follows_the_region_mix():
    reference, regions = tiny()
    inputs = replace(default_inputs(reference, regions, 2019), min_per_region=2)
    # Region 1 (75 % commerce): 2 commerce; region 2: 2 commerce. 4 x 10 000 = 40 000.
    result = simulate(replace(inputs, envelope_mad=40_000), reference, regions)
    assert people(result) == {(1, "commerce"): 2, (2, "commerce"): 2}
    with pytest.raises(ScenarioError) as caught:
        simulate(replace(inputs, envelope_mad=39_999), reference, regions)
    assert caught.value.params == {
        "min_per_region": 2,
        "regions": 2,
        "required": 40_000.0,
        "envelope": 39_999.0,
    }


def test_result_to_dict_is_json_ready():
    import json

    reference, regions = tiny()
    result = simulate(default_inputs(reference, regions, 2019), reference, regions)
    data = json.loads(json.dumps(result.to_dict()))
    assert data["beneficiaries"] == 5
    assert data["inputs"]["envelope"] == "60000"
    assert data["by_region"][2]["cost_per_beneficiary"] is None


# ---------------------------------------------------------------------------------------------
# Errors


BASE = dict(envelope_mad=1_000, reference_year=2019, included_regions={1})


@pytest.mark.parametrize(
    ("changes", "key"),
    [
        ({"envelope_mad": -1}, "sim.error.negative_envelope"),
        ({"envelope_mad": float("nan")}, "sim.error.bad_param"),
        ({"envelope_mad": "1000"}, "sim.error.bad_param"),
        ({"envelope_mad": 2e12}, "sim.error.envelope_too_large"),
        ({"included_regions": set()}, "sim.error.no_region"),
        ({"included_regions": {13}}, "sim.error.unknown_region"),
        ({"included_regions": {0, 1}}, "sim.error.unknown_region"),
        ({"rule": "lottery"}, "sim.error.unknown_rule"),
        ({"mean_grant_mad": {"peche": 10_000}}, "sim.error.unknown_sector"),
        ({"mean_grant_mad": {"commerce": 0}}, "sim.error.non_positive_grant"),
        ({"mean_grant_mad": {"commerce": -5}}, "sim.error.non_positive_grant"),
        ({"mean_grant_mad": {"commerce": 0.5}}, "sim.error.non_positive_grant"),
        ({"sector_mix": {"commerce": 1.5}}, "sim.error.share_out_of_range"),
        ({"sector_mix": {"commerce": -0.1}}, "sim.error.share_out_of_range"),
        ({"sector_mix": {"commerce": 0.0}}, "sim.error.zero_mix"),
        ({"sector_mix": {}}, "sim.error.zero_mix"),
        ({"sector_mix": {"peche": 0.5}}, "sim.error.unknown_sector"),
        ({"custom_weights": {1: -1}}, "sim.error.negative_weight"),
        ({"custom_weights": {14: 1}}, "sim.error.unknown_region"),
        ({"women_min_share": 1.2}, "sim.error.women_share_out_of_range"),
        ({"women_min_share": -0.1}, "sim.error.women_share_out_of_range"),
        ({"min_per_region": -1}, "sim.error.negative_floor"),
        ({"min_per_region": 1.5}, "sim.error.negative_floor"),
    ],
)
def test_impossible_inputs_are_refused(changes, key):
    with pytest.raises(ScenarioError) as caught:
        ScenarioInputs(**(BASE | changes))
    assert caught.value.key == key
    assert isinstance(caught.value, ValueError)
    assert str(caught.value)  # readable English
    assert "{" not in str(caught.value)


def test_simulate_refuses_what_the_reference_makes_impossible():
    reference, regions = tiny()
    base = default_inputs(reference, regions, 2019)
    cases = [
        (replace(base, rule="custom"), "sim.error.zero_weights"),
        (replace(base, rule="custom", custom_weights={3: 1.0}), "sim.error.zero_weights"),
        (replace(base, included_regions={4}), "sim.error.unknown_region"),
        (replace(base, min_per_region=7), "sim.error.floor_unaffordable"),
    ]
    for inputs, key in cases:
        with pytest.raises(ScenarioError) as caught:
            simulate(inputs, reference, regions)
        assert caught.value.key == key
    zero_population = regions.assign(population_2024=0)
    with pytest.raises(ScenarioError) as caught:
        simulate(replace(base, rule="population"), reference, zero_population)
    assert caught.value.key == "sim.error.zero_weights"


@pytest.mark.parametrize(
    ("mutate", "key"),
    [
        (lambda f: f.drop(columns="women"), "sim.error.reference_columns"),
        (
            lambda f: f.assign(sector_code=["commerce", "peche", "commerce"]),
            "sim.error.unknown_sector",
        ),
        (lambda f: f.assign(region_code=[1, 9, 2]), "sim.error.unknown_region"),
        (lambda f: f.assign(women=[4, 0, 0]), "sim.error.reference_values"),
        (lambda f: f.assign(beneficiaries=[3, -1, 1]), "sim.error.reference_values"),
        (lambda f: f.assign(beneficiaries=0, women=0), "sim.error.empty_reference"),
    ],
)
def test_unusable_reference_data_is_refused(mutate, key):
    reference, regions = tiny()
    with pytest.raises(ScenarioError) as caught:
        default_inputs(mutate(reference), regions, 2019)
    assert caught.value.key == key


@pytest.mark.parametrize(
    ("params", "key"),
    [
        ({"envelope": "lots", "year": "2019", "regions": "1"}, "sim.error.bad_param"),
        ({"envelope": "inf", "year": "2019", "regions": "1"}, "sim.error.bad_param"),
        ({"envelope": "1e6", "year": "2019.5", "regions": "1"}, "sim.error.bad_param"),
        ({"envelope": "1e6", "year": "2019", "regions": "1,x"}, "sim.error.bad_param"),
        ({"envelope": "1e6", "year": "2019", "regions": ""}, "sim.error.no_region"),
        ({"envelope": "-3", "year": "2019", "regions": "1"}, "sim.error.negative_envelope"),
        ({"year": "2019", "regions": "1"}, "sim.error.missing_param"),
        (
            {"envelope": "1", "year": "2019", "regions": "1", "grant_x": "5"},
            "sim.error.unknown_sector",
        ),
        ({"envelope": "1", "year": "2019", "regions": "1", "weight_a": "5"}, "sim.error.bad_param"),
        (
            {"envelope": "1", "year": "2019", "regions": "1", "mix_commerce": "2"},
            "sim.error.share_out_of_range",
        ),
        (
            {"envelope": "1", "year": "2019", "regions": "1", "min_per_region": "two"},
            "sim.error.bad_param",
        ),
    ],
)
def test_malformed_query_params_are_refused(params, key):
    with pytest.raises(ScenarioError) as caught:
        ScenarioInputs.from_query_params(params)
    assert caught.value.key == key


def test_query_params_with_defaults_and_foreign_keys():
    base = default_inputs(REF_2019, REGIONS, 2019)
    params = {"envelope": "15000000", "grant_agriculture": ["30000", "40000"], "lang": "ar"}
    inputs = ScenarioInputs.from_query_params(params, defaults=base)
    assert inputs.envelope_mad == 15_000_000
    assert inputs.mean_grant_mad["agriculture"] == 40_000  # the last of repeated values
    assert inputs.mean_grant_mad["commerce"] == base.mean_grant_mad["commerce"]
    assert inputs.included_regions == base.included_regions
    assert ScenarioInputs.from_query_params(base.to_query_params()) == base
    mixed = ScenarioInputs.from_query_params({"mix_services": "1"}, defaults=base)
    assert mixed.sector_mix["services"] == 1 and mixed.sector_mix["commerce"] == 0


def test_scenario_error_carries_key_and_params_and_pickles():
    error = ScenarioError("sim.error.negative_envelope", {"envelope": -5.0})
    assert error.key == "sim.error.negative_envelope"
    assert error.params == {"envelope": -5.0}
    assert "-5.0" in str(error)
    again = pickle.loads(pickle.dumps(error))
    assert (again.key, again.params, str(again)) == (error.key, error.params, str(error))


def test_inputs_are_frozen_and_hashable():
    inputs = ScenarioInputs(**BASE, mean_grant_mad={"commerce": 10_000})
    with pytest.raises(AttributeError):
        inputs.envelope_mad = 5  # type: ignore[misc]
    with pytest.raises(TypeError):
        inputs.mean_grant_mad["commerce"] = 1  # type: ignore[index]
    assert hash(inputs) == hash(ScenarioInputs(**BASE, mean_grant_mad={"commerce": 10_000.0}))
    assert inputs.included_regions == frozenset({1})


# ---------------------------------------------------------------------------------------------
# Assumptions


def test_assumptions_are_keys_and_params_only():
    base = default_inputs(REF_2019, REGIONS, 2019)
    plain = describe_assumptions(base, REF_2019)
    keys = [key for key, _ in plain]
    assert keys == [
        "sim.assumption.envelope",
        "sim.assumption.rule_reference",
        "sim.assumption.grant_reference",
        "sim.assumption.mix_reference",
        "sim.assumption.women_reference",
        "sim.assumption.cost_model",
        "sim.assumption.rounding",
    ]
    assert plain[0][1] == {"value": 13_500_000, "reference": 13_500_000, "year": 2019}
    busy = replace(
        base,
        rule="custom",
        custom_weights={1: 1.0, 2: 0.0},
        included_regions={1, 2, 5},
        sector_mix={"commerce": 1.0},
        women_min_share=0.25,
        min_per_region=3,
    )
    described = dict(describe_assumptions(busy, REF_2019))
    assert described["sim.assumption.rule_custom"] == {"regions": 1}
    assert described["sim.assumption.region_opened"] == {"region": 5}
    assert described["sim.assumption.women_floor"]["value"] == 0.25
    assert described["sim.assumption.region_floor"] == {"value": 3, "regions": 3}
    assert described["sim.assumption.mix_custom"] == {}
    excluded = [p for k, p in describe_assumptions(busy, REF_2019) if k.endswith("excluded")]
    assert [p["region"] for p in excluded] == [3, 4, 6, 7, 8, 9, 10, 11]
    for key, params in describe_assumptions(busy, REF_2019):
        assert key.startswith("sim.assumption.") and key.isascii()
        for value in params.values():
            assert isinstance(value, int | float | str)
