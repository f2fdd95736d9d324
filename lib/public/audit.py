"""The audit of a suppression pattern: what a reader can work out about every hidden number.

A reader knows every published number of every table, that each table adds up to its total,
that zeros are published (a hidden count is at least 1), what each marker says (``< t`` is 1 to
t-1, ``s`` nothing), the figures sources already published, and the values of earlier
snapshots. For each hidden quantity the audit minimises and maximises it over everything that
reader knows, across all tables at once (integer programming with HiGHS through scipy, as
tau-ARGUS audits tables), and compares that interval with the one the standard requires:

- a hidden count is never pinned down (its interval holds two values at least);
- a small count (1 to t-1) stays anywhere in 1..t-1;
- a count that moved by 1 to t-1 since a value readers know stays anywhere within t-1 of it,
  so that two snapshots do not give away the people who came or went;
- money beside a hidden count covers what 1 to t-1 people would receive at the usual grant
  (and, when the count moved, what t-1 people more or fewer would), so that dividing it by
  the grant does not estimate the count.

Pure: numbers in, findings out.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, milp

from lib.public.system import Key, System

EXACT = 0.5  # an interval narrower than this pins a value down (money is rounded to 1 MAD)


@dataclass
class Pattern:
    """Which quantities the snapshot hides, and why."""

    threshold: int
    hidden: set[Key] = field(default_factory=set)
    small: set[Key] = field(default_factory=set)  # 1..t-1: primary suppressions
    changed: dict[Key, float] = field(default_factory=dict)  # moved 1..t-1 since this value
    neutral: set[Key] = field(default_factory=set)  # small, but shown "s" (no upper bound)

    def hide(self, key: Key) -> None:
        self.hidden.add(key)

    def marker(self, key: Key) -> str:
        """'' for a published quantity, '< t' for a small one, 's' for any other hidden one."""
        if key not in self.hidden:
            return ""
        if key in self.small and key not in self.neutral and self.threshold > 2:
            return f"< {self.threshold}"
        return "s"

    def copy(self) -> Pattern:
        return Pattern(
            self.threshold, set(self.hidden), set(self.small), dict(self.changed), set(self.neutral)
        )


@dataclass(frozen=True)
class Finding:
    key: Key
    low: float  # what a reader can work out: the value lies in [low, high]
    high: float
    needed: tuple[float, float]  # the interval the standard requires a reader not to narrow
    beside: Key | None = None  # a published twin (money beside a hidden count) gives it away

    def __str__(self) -> str:
        if self.beside is not None:
            return f"{self.key}: hidden, but {self.beside} is published beside it"
        return f"{self.key}: readers can tell it lies in [{self.low:g}, {self.high:g}]"


def _bounds(system: System, pattern: Pattern, key: Key) -> tuple[float, float]:
    if system.quantities[key].kind == "amount":
        return 0.0, math.inf
    upper = pattern.threshold - 1 if pattern.marker(key).startswith("<") else math.inf
    return 1.0, float(upper)


class Program:
    """The hidden quantities of one component as the variables of one integer program."""

    def __init__(self, system: System, pattern: Pattern, component: set[Key]):
        self.keys = sorted((k for k in component if k in pattern.hidden), key=str)
        index = {key: i for i, key in enumerate(self.keys)}
        rows, right = [], []
        for total, parts in system.equations:
            members = [(total, 1.0), *((part, -1.0) for part in parts)]
            if not any(key in index for key, _ in members):
                continue
            row = np.zeros(len(self.keys))
            constant = 0.0
            for key, sign in members:
                if key in index:
                    row[index[key]] += sign
                else:
                    constant -= sign * system.value(key)
            rows.append(row)
            right.append(constant)
        self.constraints = [LinearConstraint(np.array(rows), right, right)] if rows else []
        low, high = zip(*(_bounds(system, pattern, key) for key in self.keys), strict=True)
        self.bounds = Bounds(np.array(low), np.array(high))
        counts = [system.quantities[key].kind == "count" for key in self.keys]
        self.integrality = np.array(counts, dtype=int)

    def extreme(self, key: Key, sign: float) -> float:
        """min (sign=1) or max (sign=-1) of one hidden quantity."""
        objective = np.zeros(len(self.keys))
        objective[self.keys.index(key)] = sign
        result = milp(
            objective,
            constraints=self.constraints,
            integrality=self.integrality,
            bounds=self.bounds,
            options={"presolve": True},
        )
        if result.status == 3:  # unbounded: the reader learns no bound
            return -sign * math.inf
        if result.x is None:
            raise ValueError(f"the published numbers contradict each other around {key}")
        return float(result.x[self.keys.index(key)])


def required(system: System, pattern: Pattern, key: Key, grant: float) -> tuple[float, float]:
    """The interval the standard requires for a hidden quantity (empty when only 'not exact')."""
    t = pattern.threshold
    quantity = system.quantities[key]
    if quantity.kind == "count":
        small, changed = key in pattern.small, pattern.changed.get(key)
        scale, floor = 1.0, 1.0
    else:
        small, changed = quantity.twin in pattern.small, pattern.changed.get(key)
        scale, floor = grant, 0.0
    low, high = math.inf, -math.inf
    if small:
        low, high = scale, scale * (t - 1)
    if changed is not None:
        low = min(low, max(floor, changed - scale * (t - 1)))
        high = max(high, changed + scale * (t - 1))
    return low, high


def audit_key(program: Program, system, pattern, key: Key, grant: float) -> Finding | None:
    low, high = program.extreme(key, 1.0), program.extreme(key, -1.0)
    need_low, need_high = required(system, pattern, key, grant)
    exact = high - low < EXACT
    if exact or low > need_low + 1e-6 or high < need_high - 1e-6:
        return Finding(key, low, high, (need_low, need_high))
    return None


def audit_component(system, pattern, component: set[Key], grants: dict) -> list[Finding]:
    program = Program(system, pattern, component)
    findings = []
    for key in program.keys:
        found = audit_key(program, system, pattern, key, grants.get(key[1], grants["default"]))
        if found:
            findings.append(found)
    return findings


def money_beside_hidden_counts(system: System, pattern: Pattern) -> list[Finding]:
    """Published money (or a count) whose twin is hidden: dividing by the grant gives it back."""
    return [
        Finding(q.twin, math.nan, math.nan, (math.nan, math.nan), beside=key)
        for key, q in system.quantities.items()
        if key not in pattern.hidden and q.twin in pattern.hidden
    ]


def audit(system: System, pattern: Pattern, grants: dict) -> list[Finding]:
    """Every hidden quantity a reader can narrow beyond what the standard allows."""
    findings = money_beside_hidden_counts(system, pattern)
    for component in system.components():
        if component & pattern.hidden:
            findings.extend(audit_component(system, pattern, component, grants))
    return findings
