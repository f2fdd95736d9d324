"""lib.simulator.redistribution: where the money of an added region comes from, in words."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from lib.simulator import baseline as bl
from lib.simulator import redistribution as rd
from tests.test_simulator import PROPERTY
from tests.test_simulator_baseline import scenario

NAMES = {"1": "Alpha", "2": "Beta", "3": "Gamma"}
NNBSP, NBSP = "\u202f", "\xa0"


def against_reference(envelope: float) -> rd.Redistribution | None:
    _, result = scenario(envelope)
    return rd.explain(bl.compare(result, bl.reference_figures(result)))


def test_nothing_added_nothing_to_explain():
    _, result = scenario(included=(1, 2))
    assert rd.explain(bl.compare(result, bl.reference_figures(result))) is None


def test_with_the_same_envelope_the_others_pay_for_the_added_region():
    found = against_reference(100_000)
    assert found == rd.Redistribution(
        added=(3,),
        added_mad=30_000,
        added_people=3,
        taken_mad=30_000,
        taken_people=3,
        growth_mad=0,
        losers=(rd.Loss(1, -20_000, -2), rd.Loss(2, -10_000, -1)),
    )
    assert rd.words(found, "fr", NAMES) == (
        f"Ajout de Gamma : 3 bénéficiaires, 30{NNBSP}000{NBSP}MAD. Sans hausse du montant "
        f"dépensé, cet argent est pris aux autres régions, qui perdent ensemble "
        f"30{NNBSP}000{NBSP}MAD (3 bénéficiaires). Les plus touchées : "
        f"Alpha (-20{NNBSP}000{NBSP}MAD, -2 bénéficiaires) et "
        f"Beta (-10{NNBSP}000{NBSP}MAD, -1 bénéficiaires)."
    )


def test_a_larger_envelope_pays_for_part_of_it():
    found = against_reference(120_000)
    assert (found.added_mad, found.growth_mad, found.taken_mad) == (40_000, 20_000, 20_000)
    assert rd.words(found, "en", NAMES) == (
        "Adding Gamma: 4 beneficiaries, MAD\xa040,000. Part of this money comes from the larger "
        "amount spent (MAD\xa020,000); the rest is taken from the other regions, which lose "
        "MAD\xa020,000 together (2 beneficiaries). Most affected: Alpha (-MAD\xa010,000, "
        "-1 beneficiaries) and Beta (-MAD\xa010,000, -1 beneficiaries)."
    )


def test_a_much_larger_envelope_pays_for_all_of_it():
    found = against_reference(200_000)
    assert (found.taken_mad, found.growth_mad, found.losers) == (0, 100_000, ())
    assert rd.words(found, "fr", NAMES).endswith(
        f"(100{NNBSP}000{NBSP}MAD) : ensemble, les autres régions ne perdent rien."
    )


def test_arabic_keeps_each_signed_figure_in_one_piece():
    text = rd.words(against_reference(100_000), "ar", {"1": "ألف", "2": "باء", "3": "جيم"})
    assert text.startswith("إضافة جيم: 3 مستفيدًا")
    # A count keeps its minus on its left (an isolate), money its own Arabic negative pattern.
    assert "ألف (\u200f-20.000\xa0د.م.\u200f، \u2066-2\u2069 مستفيدًا)" in text
    assert "ألف (" in text and "وباء (" in text  # the list joined the Arabic way


def test_only_the_three_largest_losses_are_named_largest_first():
    money = {1: -10_000.0, 2: -0.25, 3: -30_000.0, 4: -20_000.0, 6: -5_000.0}  # 2: float noise
    comparison = pd.DataFrame(
        {
            "region_code": [1, 2, 3, 4, 5, 6],
            "baseline_beneficiaries": [5, 5, 5, 5, 0, 5],
            "scenario_beneficiaries": [4, 5, 2, 3, 7, 5],
            "change": [-1, 0, -3, -2, 7, 0],
            "scenario_grant_mad": [0.0, 0.0, 0.0, 0.0, 65_000.0, 0.0],
            "change_mad": [money.get(code, 65_000.0) for code in range(1, 7)],
        }
    )
    found = rd.explain(comparison)
    assert [loss.region_code for loss in found.losers] == [3, 4, 1]
    assert found.taken_mad == pytest.approx(65_000.25) and found.taken_people == 6


@PROPERTY
@given(envelope=st.integers(0, 500_000), base_envelope=st.integers(0, 500_000))
def test_the_added_money_is_always_accounted_for(envelope, base_envelope):
    _, result = scenario(envelope)
    _, base = scenario(base_envelope, included=(1, 2))
    found = rd.explain(bl.compare(result, bl.scenario_figures(base)))
    if found is None:
        assert result.by_region.set_index("region_code").loc[3, "beneficiaries"] == 0
        return
    # New money and money taken from the others cover what the added regions receive, exactly
    # when both are needed.
    assert found.growth_mad + found.taken_mad >= found.added_mad - 1
    if found.growth_mad and found.taken_mad:
        assert found.growth_mad + found.taken_mad == pytest.approx(found.added_mad)
