"""The audit of a suppression pattern: what a reader can work out about every hidden number.

A reader knows every published number of every table, that each table adds up to its total,
that zeros are published (a hidden count is at least 1), what each marker says (``< t`` is 1 to
t-1, ``s`` nothing), the figures sources already published, and the values of earlier
snapshots. For each hidden quantity the audit minimises and maximises it over everything that
reader knows, across all tables at once (integer programming with HiGHS through scipy, as
tau-ARGUS audits tables), and compares that interval with the one the standard requires:

- a hidden count is never pinned down (its range holds two values at least);
- a small count (1 to t-1) keeps a range as wide as 1..t-1: under a "< t" marker, all of
  1..t-1 (zeros are published, so k hidden cells of one total tell that it is at least k:
  that is a bound the structure gives, not a narrowing of any cell's range);
- a count that moved by 1 to t-1 since a value readers know keeps a range t-1 wide, so that
  two snapshots do not give away the people who came or went;
- money beside a hidden count keeps a range as wide as what those people would receive at
  the usual grant, so that dividing it by the grant does not estimate the count.

Pure: numbers in, findings out.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, milp

from lib.public.system import Key, System

NO_BOUND = 1e12  # above any count or amount the snapshot holds
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
    needed: float  # how wide the standard requires the reader's range to stay
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
        # No bound is written as a very large one: HiGHS then never answers "unbounded or
        # infeasible", and a maximum that reaches it means "no bound" to the reader.
        self.bounds = Bounds(np.array(low), np.minimum(np.array(high), NO_BOUND))
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
        if result.x is None:
            raise ValueError(f"the published numbers contradict each other around {key}")
        value = float(result.x[self.keys.index(key)])
        return math.inf if value >= NO_BOUND * 0.999 else value


def required_width(system: System, pattern: Pattern, key: Key, grant: float) -> float:
    """How wide the range a reader can work out for a hidden quantity must stay.

    A count of 1 to t-1 people keeps a range as wide as 1..t-1 (under a "< t" marker, whose
    bounds are 1 and t-1, that is all of 1..t-1); a count that moved by 1 to t-1 since readers
    last saw it keeps a range of t-1 around it, so the change cannot be told; money keeps what
    those people would receive at the usual grant; anything else only has to stay unpinned.
    """
    t = pattern.threshold
    quantity = system.quantities[key]
    count = key if quantity.kind == "count" else quantity.twin
    scale = 1.0 if quantity.kind == "count" else grant
    width = EXACT
    if count in pattern.small:
        width = max(width, scale * (t - 2))
    if key in pattern.changed or count in pattern.changed:
        width = max(width, scale * (t - 1))
    return width


def audit_key(program: Program, system, pattern, key: Key, grant: float) -> Finding | None:
    low, high = program.extreme(key, 1.0), program.extreme(key, -1.0)
    needed = required_width(system, pattern, key, grant)
    if high - low < needed - 1e-6 or high - low < EXACT:
        return Finding(key, low, high, needed)
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
        Finding(q.twin, math.nan, math.nan, math.nan, beside=key)
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
