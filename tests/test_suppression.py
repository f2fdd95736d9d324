"""lib.public.system, suppression and audit: hidden numbers stay hidden across every table.

Small systems made by hand reproduce each way a hidden number was recovered (a year given back
by another table's total, two "< 10" cells adding up to 18, money beside a hidden count, a
change of one person between two snapshots), then show the pattern that protects them; a
brute-force enumeration checks the audit, and hypothesis draws random linked systems.
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lib.public import suppression
from lib.public.audit import Pattern, Program, audit
from lib.public.system import System

GRANTS = {"default": 25_000.0}


def _series(system: System, measure: str, year, dim: str, cells: dict, kind="count") -> None:
    for code, value in cells.items():
        system.add((measure, year, dim, code), value, kind)
    if (measure, year) not in system.quantities:
        system.add((measure, year), sum(cells.values()), kind)
    system.equation((measure, year), [(measure, year, dim, code) for code in cells])


def _one_series(cells: dict) -> System:
    system = System()
    _series(system, "beneficiaries", 2019, "region", cells)
    return system


def _markers(system: System, pattern: Pattern) -> dict:
    return {key[-1] if len(key) == 4 else "total": pattern.marker(key) for key in system.quantities}


def test_a_small_cell_and_the_smallest_other_cell_are_hidden():
    system = _one_series({"1": 3, "2": 40, "3": 25, "4": 0})
    pattern = suppression.protect(system, 10, GRANTS)
    assert _markers(system, pattern) == {"1": "< 10", "2": "", "3": "s", "4": "", "total": ""}
    assert audit(system, pattern, GRANTS) == []


def test_zeros_stay_published_and_are_never_complements():
    system = _one_series({"1": 3, "2": 0, "3": 0, "4": 50})
    pattern = suppression.protect(system, 10, GRANTS)
    assert pattern.marker(("beneficiaries", 2019, "region", "2")) == ""
    assert pattern.marker(("beneficiaries", 2019, "region", "4")) == "s"  # the one other person
    assert pattern.marker(("beneficiaries", 2019)) == ""  # a total is hidden last


def test_the_threshold_is_the_settings_and_two_uses_only_the_neutral_marker():
    system = _one_series({"1": 15, "2": 40, "3": 30})
    assert (
        suppression.protect(system, 20, GRANTS).marker(("beneficiaries", 2019, "region", "1"))
        == "< 20"
    )
    system = _one_series({"1": 1, "2": 40, "3": 30})
    pattern = suppression.protect(system, 2, GRANTS)
    assert set(_markers(system, pattern).values()) == {"", "s"}


def test_two_nines_are_not_given_away_by_their_markers():
    """Two "< 10" cells whose sum can be worked out as 18 are both 9: the audit sees it."""
    system = _one_series({"1": 9, "2": 9, "3": 50})
    naive = suppression.primary(system, 10, {})
    assert {f.key[-1] for f in audit(system, naive, GRANTS)} == {"1", "2"}
    pattern = suppression.protect(system, 10, GRANTS)
    assert audit(system, pattern, GRANTS) == []


def test_two_ones_whose_sum_is_two_are_not_given_away():
    system = _one_series({"1": 1, "2": 1, "3": 80})
    assert audit(system, suppression.primary(system, 10, {}), GRANTS)
    assert audit(system, suppression.protect(system, 10, GRANTS), GRANTS) == []


def _interventions(year_2018: int, published_total: bool) -> System:
    """Two years of interventions, the period by type, and a source's figure for the period."""
    system = System()
    system.add(("interventions", 2018), year_2018, "count")
    system.add(("interventions", 2019), 500, "count")
    period = "2018-2019"
    _series(system, "interventions", period, "type", {"social": 300 + year_2018, "legal": 200})
    system.equation(("interventions", period), [("interventions", 2018), ("interventions", 2019)])
    if published_total:
        system.known[("interventions", period)] = 500.0 + year_2018
    return system


def test_a_small_year_is_not_given_back_by_the_period_total_of_another_table():
    """Finding 1: the year table hid 2018 as "< 10", but the types' total minus 2019 gave it."""
    system = _interventions(5, published_total=True)
    naive = suppression.primary(system, 10, {})
    found = audit(system, naive, GRANTS)
    assert [(f.key, f.low, f.high) for f in found] == [(("interventions", 2018), 5, 5)]
    pattern = suppression.protect(system, 10, GRANTS)
    assert pattern.marker(("interventions", 2019)) == "s"
    assert audit(system, pattern, GRANTS) == []
    assert ("interventions", "2018-2019") not in pattern.hidden  # a published figure stays


def test_money_beside_a_hidden_count_is_hidden_and_cannot_estimate_it():
    """Finding 3: a region's budget published beside its hidden count gave the count back."""
    system = System()
    counts = {"1": 3, "2": 40, "3": 25}
    money = {"1": 75_000, "2": 1_000_000, "3": 640_000}
    for code in counts:
        people, budget = (
            ("beneficiaries", 2019, "region", code),
            ("budget_mad", 2019, "region", code),
        )
        system.add(people, counts[code], "count", twin=budget)
        system.add(budget, money[code], "amount", twin=people)
    system.add(("beneficiaries", 2019), sum(counts.values()), "count")
    system.add(("budget_mad", 2019), sum(money.values()), "amount")
    for measure, cells in (("beneficiaries", counts), ("budget_mad", money)):
        system.equation((measure, 2019), [(measure, 2019, "region", code) for code in cells])
    small = ("beneficiaries", 2019, "region", "1")
    naive = Pattern(10, hidden={small, ("beneficiaries", 2019, "region", "3")}, small={small})
    assert [f.beside for f in audit(system, naive, GRANTS) if f.beside] == [
        ("budget_mad", 2019, "region", "1"),
        ("budget_mad", 2019, "region", "3"),
    ]
    pattern = suppression.protect(system, 10, GRANTS)
    assert ("budget_mad", 2019, "region", "1") in pattern.hidden
    assert audit(system, pattern, GRANTS) == []
    program = Program(system, pattern, {k for k in system.quantities if k[0] == "budget_mad"})
    hidden_money = ("budget_mad", 2019, "region", "1")
    low, high = program.extreme(hidden_money, 1.0), program.extreme(hidden_money, -1.0)
    assert high - low >= 8 * GRANTS["default"]  # as wide as 1 to 9 people's grants


def test_a_change_of_one_person_since_the_last_snapshot_is_not_visible():
    """Standard 4: a region that gained one person is hidden, and its neighbours with it."""
    system = _one_series({"1": 51, "2": 40, "3": 25})
    earlier = {("beneficiaries", 2019, "region", "1"): 50.0, ("beneficiaries", 2019): 115.0}
    pattern = suppression.protect(system, 10, GRANTS, earlier)
    assert ("beneficiaries", 2019, "region", "1") in pattern.hidden
    assert audit(system, pattern, GRANTS) == []
    program = Program(system, pattern, set(system.quantities))
    key = ("beneficiaries", 2019, "region", "1")
    assert program.extreme(key, -1.0) - program.extreme(key, 1.0) >= 9  # the change stays blurred


def test_protection_that_cannot_be_had_refuses():
    """A year whose every cell is small and whose total a source published: nothing protects
    the one cell that carries the whole total."""
    system = _one_series({"1": 4, "2": 0})
    system.known[("beneficiaries", 2019)] = 4.0
    with pytest.raises(suppression.SuppressionFailed):
        suppression.protect(system, 10, GRANTS)


# --- the audit against brute force ------------------------------------------------------------


def _brute_intervals(system: System, pattern: Pattern, limit: int) -> dict:
    """Every assignment of the hidden counts (1..limit) that fits the sums and the markers."""
    keys = sorted(pattern.hidden, key=str)
    seen = {key: [] for key in keys}
    for values in itertools.product(range(1, limit + 1), repeat=len(keys)):
        guess = dict(zip(keys, values, strict=True))
        if any(pattern.marker(k).startswith("<") and guess[k] >= pattern.threshold for k in keys):
            continue
        value = {**{k: q.value for k, q in system.quantities.items()}, **guess}
        if all(value[total] == sum(value[p] for p in parts) for total, parts in system.equations):
            for key in keys:
                seen[key].append(guess[key])
    return {key: (min(v), max(v)) for key, v in seen.items()}


@settings(max_examples=40, deadline=None)
@given(
    cells=st.lists(st.integers(0, 8), min_size=2, max_size=4),
    hide=st.lists(st.booleans(), min_size=5, max_size=5).filter(lambda h: 1 <= sum(h) <= 3),
    small_marker=st.booleans(),
)
def test_the_audit_agrees_with_brute_force(cells, hide, small_marker):
    """On the same bounded problem (every hidden count at most ``limit``), the integer program
    and an enumeration of every assignment find the same interval for each hidden count."""
    system = _one_series({str(i): v for i, v in enumerate(cells)})
    keys = [k for k in system.quantities if system.value(k) > 0]
    hidden = {k for k, h in zip(keys, hide, strict=False) if h}
    if not hidden:
        return
    small = {k for k in hidden if system.value(k) < 10} if small_marker else set()
    pattern = Pattern(10, hidden=hidden, small=small)
    program = Program(system, pattern, set(system.quantities))
    limit = int(system.value(("beneficiaries", 2019))) + 3
    program.bounds.ub = np.minimum(program.bounds.ub, limit)
    brute = _brute_intervals(system, pattern, limit)
    for key in hidden:
        assert (program.extreme(key, 1.0), program.extreme(key, -1.0)) == brute[key], key


# --- random linked systems --------------------------------------------------------------------

counts = st.integers(0, 30)


@settings(max_examples=60, deadline=None)
@given(
    regions=st.lists(counts, min_size=2, max_size=5),
    sexes=st.integers(0, 100),
    t=st.integers(2, 12),
    known_total=st.booleans(),
    earlier_shift=st.integers(-3, 3),
)
def test_random_linked_tables_leave_nothing_to_recover(
    regions, sexes, t, known_total, earlier_shift
):
    """Two tables (regions, sex) of one year share their total; a source may publish the total;
    an earlier snapshot may have shown a region one or two people apart."""
    total = sum(regions)
    women = min(sexes, total)
    system = System()
    _series(system, "beneficiaries", 2019, "region", {str(i): v for i, v in enumerate(regions)})
    _series(system, "beneficiaries", 2019, "sex", {"F": women, "M": total - women})
    if known_total and total >= t:
        system.known[("beneficiaries", 2019)] = float(total)
    earlier = {("beneficiaries", 2019, "region", "0"): float(regions[0] + earlier_shift)}
    try:
        pattern = suppression.protect(system, t, GRANTS, earlier)
    except suppression.SuppressionFailed:
        return  # refused: nothing published, nothing disclosed
    assert audit(system, pattern, GRANTS) == []
    for key in pattern.hidden:
        assert system.value(key) > 0 and key not in system.known
    for key, quantity in system.quantities.items():
        if key not in pattern.hidden and quantity.kind == "count":
            assert not 1 <= quantity.value <= t - 1 or key in system.known
