"""Whole people from an envelope: the Sainte-Laguë order, its longest affordable run, women.

Pure (numpy, exact fractions); see :mod:`lib.simulator.model` for the modelling choices.
"""

from __future__ import annotations

import heapq
import math
from fractions import Fraction

import numpy as np

from lib.simulator.inputs import MAX_GRANT_DENOMINATOR, SECTORS, ScenarioError, ScenarioInputs
from lib.simulator.reference import Reference


def _seats(votes: np.ndarray, t: float) -> np.ndarray:
    """Per cell, how many seats j have the priority (j + 0.5) / votes <= t (0 if votes == 0).

    Computed so as to agree exactly with the float priorities the heap in
    :func:`longest_prefix` compares.
    """
    active = votes > 0
    safe = np.where(active, votes, 1.0)
    with np.errstate(over="ignore", divide="ignore"):
        k = np.maximum(np.floor(t * safe + 0.5), 0.0)
        while True:
            over = (k > 0) & ((k - 0.5) / safe > t)
            if not over.any():
                break
            k[over] -= 1
        while True:
            under = (k + 0.5) / safe <= t
            if not under.any():
                break
            k[under] += 1
    return np.where(active, k, 0.0).astype(np.int64)


def longest_prefix(
    votes: np.ndarray, costs: list[int], base: np.ndarray, budget: int
) -> np.ndarray:
    """Seats per cell after the longest run of the Sainte-Laguë order that fits ``budget``.

    Seat j of cell i has priority (j + 0.5) / votes[i] (lower first; ties: lower i first) and
    costs costs[i] (> 0). Seats j < base[i] are already held (floors, whose cost must fit);
    the run continues with the other seats in priority order and stops at the first seat that
    does not fit. The order does not depend on the budget: a larger budget gives a superset.
    """
    base = base.astype(np.int64)
    if not (votes > 0).any():
        return base
    # Bisection gets close in a few steps; the last seats are taken one at a time, in order.
    start = _seats_at_affordable_cutoff(votes, costs, base, budget)
    return _seats_finished_one_by_one(votes, costs, start, budget)


def _cost(counts: np.ndarray, costs: list[int]) -> int:
    return sum(k * c for k, c in zip(counts.tolist(), costs, strict=True) if k)


def _seats_at_affordable_cutoff(
    votes: np.ndarray, costs: list[int], base: np.ndarray, budget: int
) -> np.ndarray:
    """Seats held at a priority cutoff that fits ``budget``, found by bisection on the cutoff.

    It stops once at most 16 seats lie between the cutoff that fits and the one that does not
    (or no float lies between them): :func:`_seats_finished_one_by_one` takes it from there.
    """

    def held(t: float) -> np.ndarray:
        return np.maximum(base, _seats(votes, t))

    active = votes > 0
    weight = float(np.dot(votes[active], np.array(costs, dtype=object)[active].astype(float)))
    lo = 0.0
    hi = max(float(budget) / weight, 1.0 / float(votes[active].max()))
    while _cost(held(hi), costs) <= budget:
        lo, hi = hi, hi * 2.0
    n_lo, n_hi = held(lo), held(hi)
    while int(n_hi.sum() - n_lo.sum()) > 16:
        mid = (lo + hi) / 2.0
        if not lo < mid < hi:
            break
        n_mid = held(mid)
        if _cost(n_mid, costs) <= budget:
            lo, n_lo = mid, n_mid
        else:
            hi, n_hi = mid, n_mid
    return n_lo


def _seats_finished_one_by_one(
    votes: np.ndarray, costs: list[int], start: np.ndarray, budget: int
) -> np.ndarray:
    """``start`` plus the next seats of the order, one at a time, until one does not fit."""
    counts = start.tolist()
    spent = _cost(start, costs)
    vote = votes.tolist()
    heap = [((counts[i] + 0.5) / vote[i], i) for i in range(len(vote)) if vote[i] > 0]
    heapq.heapify(heap)
    while heap:
        _, i = heap[0]
        if spent + costs[i] > budget:
            break
        spent += costs[i]
        counts[i] += 1
        heapq.heapreplace(heap, ((counts[i] + 0.5) / vote[i], i))
    return np.array(counts, dtype=np.int64)


def _largest_remainder(numerators: list[int], denominator: int, total: int) -> list[int]:
    """Whole numbers summing to ``total``, each the floor or ceiling of its target.

    Targets are ``numerators[i] / denominator`` (exact) and sum to ``total``; the largest
    remainders get the ceiling, ties going to the earlier target.
    """
    parts = [divmod(x, denominator) for x in numerators]
    counts = [whole for whole, _ in parts]
    left = total - sum(counts)
    order = sorted(range(len(parts)), key=lambda i: (-parts[i][1], i))
    for i in order[:left]:
        counts[i] += 1
    return counts


def women_per_cell(ref: Reference, people: np.ndarray, floor_share: float) -> np.ndarray:
    """Women per cell: reference shares, national total at least the floor share.

    Exact integer arithmetic: a cell's expected women are ``n * women / people`` of its rate's
    source (the region-sector, else the sector nationally, else the nation), all over the
    common denominator ``common``.
    """
    women = np.zeros_like(people)
    rows, cols = np.nonzero(people)
    if len(rows) == 0:
        return women
    sector_people = ref.people.sum(axis=0)
    sector_women = ref.women.sum(axis=0)
    rates = []
    for r, s in zip(rows.tolist(), cols.tolist(), strict=True):
        if ref.people[r, s] > 0:
            rates.append((int(ref.women[r, s]), int(ref.people[r, s])))
        elif sector_people[s] > 0:
            rates.append((int(sector_women[s]), int(sector_people[s])))
        else:
            rates.append((int(ref.women.sum()), max(ref.total_people, 1)))
    common = math.lcm(*(d for _, d in rates))
    n = people[rows, cols].tolist()
    expected = [k * w * (common // d) for k, (w, d) in zip(n, rates, strict=True)]
    total_people, total_expected = sum(n), sum(expected)  # expected: in 1/common women
    wanted = (2 * total_expected + common) // (2 * common)  # rounded half up
    floor = math.ceil(snap(floor_share) * total_people)
    wanted = min(max(wanted, floor), total_people)
    if wanted == 0:
        return women
    if wanted * common <= total_expected:  # scale the expected women down to the total
        numerators = [x * wanted for x in expected]
        denominator = total_expected
    else:  # add the missing women in proportion to each cell's men
        room = total_people * common - total_expected
        missing = wanted * common - total_expected
        numerators = [
            x * room + missing * (k * common - x) for x, k in zip(expected, n, strict=True)
        ]
        denominator = common * room
    women[rows, cols] = _largest_remainder(numerators, denominator, wanted)
    return women


def snap(value: float) -> Fraction:
    """The exact fraction a float stands for (10^6 bounds the denominator)."""
    return Fraction(value).limit_denominator(MAX_GRANT_DENOMINATOR)


def region_weights(inputs: ScenarioInputs, ref: Reference, included: np.ndarray) -> np.ndarray:
    reference_grants = np.array([float(g) for g in ref.sector_grants()])
    if inputs.rule == "reference":
        funded = ref.people.sum(axis=1) > 0
        weights = ref.people @ reference_grants
        opened = included & ~funded
        if opened.any():
            population = np.nan_to_num(ref.population, nan=0.0)
            funded_population = population[funded].sum()
            if funded_population > 0 and population[opened].all():
                per_inhabitant = weights[funded].sum() / funded_population
                weights[opened] = population[opened] * per_inhabitant
            else:  # no census figure to go by: the average funded region
                weights[opened] = weights[funded].mean() if funded.any() else 0.0
    elif inputs.rule == "population":
        weights = np.nan_to_num(ref.population, nan=0.0)
    elif inputs.rule == "equal":
        weights = np.ones(len(ref.codes))
    else:
        custom = inputs.custom_weights or {}
        weights = np.array([float(custom.get(int(code), 0.0)) for code in ref.codes])
    weights = np.where(included, weights, 0.0)
    if not weights.sum() > 0:
        raise ScenarioError("sim.error.zero_weights", {"rule": inputs.rule})
    return weights / weights.sum()


def sector_mix(inputs: ScenarioInputs, ref: Reference) -> np.ndarray:
    if inputs.sector_mix is not None:
        mix = np.array([inputs.sector_mix[s] for s in SECTORS], dtype=float)
        return np.tile(mix / mix.sum(), (len(ref.codes), 1))
    national = ref.national_mix()
    region_people = ref.people.sum(axis=1, keepdims=True)
    own = ref.people / np.where(region_people > 0, region_people, 1)
    return np.where(region_people > 0, own, national)
