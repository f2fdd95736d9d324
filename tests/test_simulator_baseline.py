"""lib.simulator.baseline and lib.simulator.links: what a scenario is compared with, the
comparison region by region, and a scenario's short or long link."""

from __future__ import annotations

from dataclasses import replace

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from lib.simulator import baseline as bl
from lib.simulator import links
from lib.simulator.baseline import Baseline
from lib.simulator.inputs import ScenarioError
from lib.simulator.model import simulate
from lib.simulator.reference import default_inputs
from tests.test_simulator import PROPERTY

COLUMNS = ["region_code", "sector_code", "beneficiaries", "women", "grant_mad_total"]


def opened_region() -> tuple[pd.DataFrame, pd.DataFrame]:
    """Region 1: 6 traders for 60 000 MAD, region 2: 4 for 40 000; region 3 (as many
    inhabitants) nobody. Opened under the reference rule, region 3 is funded like the average
    region per inhabitant: shares 60 : 40 : 50 of the envelope."""
    reference = pd.DataFrame(
        [(1, "commerce", 6, 2, 60_000), (2, "commerce", 4, 1, 40_000)], columns=COLUMNS
    )
    regions = pd.DataFrame({"code": [1, 2, 3], "population_2024": [1000, 1000, 1000]})
    return reference, regions


def scenario(envelope: float = 100_000, included=(1, 2, 3)):
    reference, regions = opened_region()
    inputs = replace(
        default_inputs(reference, regions, 2019),
        envelope_mad=envelope,
        included_regions=frozenset(included),
    )
    return inputs, simulate(inputs, reference, regions)


@pytest.mark.parametrize(
    ("token", "expected"),
    [
        ("reference", Baseline()),
        ("without-5", Baseline("without", 5)),
        (" scenario-12 ", Baseline("scenario", 12)),
    ],
)
def test_a_token_names_a_baseline_and_back(token, expected):
    assert Baseline.parse(token) == expected
    assert Baseline.parse(expected.token) == expected


@pytest.mark.parametrize(
    "token", ["", "ref", "without-", "without-x", "scenario--1", "scenario-1234567890", "x-1"]
)
def test_an_unknown_token_is_refused_with_its_value(token):
    with pytest.raises(ScenarioError) as caught:
        Baseline.parse(token)
    assert caught.value.key == "sim.error.bad_baseline"
    assert caught.value.params == {"value": token.strip()}


def test_choices_are_the_reference_each_region_left_out_then_saved_scenarios():
    inputs, _ = scenario()
    tokens = [b.token for b in bl.choices(inputs, [12, 7])]
    assert tokens == [
        "reference",
        "without-1",
        "without-2",
        "without-3",
        "scenario-12",
        "scenario-7",
    ]
    alone, _ = scenario(included=(1,))
    assert [b.token for b in bl.choices(alone, [])] == ["reference"]  # nothing left without it


def test_without_a_region_changes_nothing_else():
    inputs, _ = scenario()
    without = bl.without_region(inputs, 3)
    assert without.included_regions == {1, 2}
    assert replace(without, included_regions=inputs.included_regions) == inputs


def test_the_comparison_with_the_reference_year():
    _, result = scenario()
    comparison = bl.compare(result, bl.reference_figures(result)).set_index("region_code")
    assert comparison["baseline_beneficiaries"].tolist() == [6, 4, 0]
    assert comparison["scenario_beneficiaries"].tolist() == [4, 3, 3]
    assert comparison["change"].tolist() == [-2, -1, 3]
    assert comparison["change_mad"].tolist() == [-20_000, -10_000, 30_000]
    assert comparison.loc[1, "change_pct"] == pytest.approx(-1 / 3)
    assert pd.isna(comparison.loc[3, "change_pct"])


def test_the_comparison_with_the_scenario_without_a_region():
    reference, regions = opened_region()
    inputs, result = scenario(envelope=120_000)
    without = simulate(bl.without_region(inputs, 3), reference, regions)
    comparison = bl.compare(result, bl.scenario_figures(without)).set_index("region_code")
    assert comparison["baseline_beneficiaries"].tolist() == [7, 5, 0]
    assert comparison["scenario_beneficiaries"].tolist() == [5, 3, 4]
    assert comparison["change_mad"].sum() == 0  # the same envelope, all of it spent both times


def test_a_region_the_baseline_lacks_counts_zero():
    _, result = scenario()
    partial = pd.DataFrame({"region_code": [1], "beneficiaries": [2], "grant_mad": [20_000.0]})
    comparison = bl.compare(result, partial)
    assert comparison["baseline_beneficiaries"].tolist() == [2, 0, 0]
    assert comparison["baseline_grant_mad"].tolist() == [20_000, 0, 0]


@PROPERTY
@given(
    envelope=st.integers(0, 400_000),
    other=st.integers(0, 400_000),
    included=st.sets(st.sampled_from([1, 2, 3]), min_size=1),
)
def test_changes_add_up_to_the_difference_of_totals(envelope, other, included):
    _, result = scenario(envelope, included)
    _, base = scenario(other)
    comparison = bl.compare(result, bl.scenario_figures(base))
    assert comparison["change"].sum() == result.beneficiaries - base.beneficiaries
    assert comparison["change_mad"].sum() == pytest.approx(
        result.allocated_mad - base.allocated_mad
    )


# --- links ------------------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["12", " 7 "])
def test_a_short_link_names_a_saved_scenario(text):
    assert links.scenario_id(text) == int(text)


@pytest.mark.parametrize("text", ["", "abc", "0", "-3", "1.5", "١٢", "²", "1" * 12])
def test_a_malformed_short_link_is_refused_with_its_value(text):
    with pytest.raises(ScenarioError) as caught:
        links.scenario_id(text)
    assert caught.value.key == "sim.error.bad_scenario_id"
    assert caught.value.params == {"value": text}


def test_the_link_is_short_while_the_saved_scenario_is_unchanged():
    inputs, _ = scenario()
    assert links.link_params(inputs, (12, inputs), Baseline()) == {"scenario": "12"}
    changed = replace(inputs, envelope_mad=90_000)
    long = links.link_params(changed, (12, inputs), Baseline())
    assert long == changed.to_query_params() and "scenario" not in long
    assert links.link_params(inputs, None, Baseline("without", 3)) == {
        **inputs.to_query_params(),
        "baseline": "without-3",
    }
    assert links.link_params(inputs, (12, inputs), Baseline("scenario", 4)) == {
        "scenario": "12",
        "baseline": "scenario-4",
    }
