"""Which numbers the public snapshot hides: primary suppression, then complements until the
audit of every table together finds nothing.

1. *Primary*: a count from 1 to t-1 is hidden wherever it appears (zeros are published:
   "nobody" identifies nobody). So is a count that moved by 1 to t-1 since a value readers
   already know (an earlier snapshot of real data). Money follows counts: the money of a
   hidden count is hidden, and the count of hidden money too.
2. *Complements*: while ``lib.public.audit`` finds a hidden number a reader can narrow, the
   cheapest further number that frees it is hidden (a cell of the same table first, the
   smallest first, a total last); when none is left to hide, the ``< t`` markers of that part
   of the system become the neutral ``s``, which gives no upper bound away.
3. When even that cannot protect a number, the snapshot is refused: nothing is published.

Figures a source already published are never hidden (they are public anyway). Pure.
"""

from __future__ import annotations

from lib.public.audit import Finding, Pattern, Program, audit_component, audit_key
from lib.public.system import Key, System

CANDIDATES_TRIED = 6  # complements tried against a finding before the cheapest is taken


class SuppressionFailed(RuntimeError):
    """No pattern protects every hidden number: the snapshot must not be published."""

    def __init__(self, finding: Finding):
        self.finding = finding
        super().__init__(str(finding))


def primary(system: System, threshold: int, earlier: dict[Key, float]) -> Pattern:
    """Small counts, counts that moved by less than t since readers last saw them, their money."""
    pattern = Pattern(threshold)
    for key, quantity in system.quantities.items():
        if quantity.kind != "count" or key in system.known:
            continue
        if 1 <= quantity.value <= threshold - 1:
            pattern.small.add(key)
            _hide_with_twin(system, pattern, key)
        before = earlier.get(key)
        moved = before is not None and 1 <= abs(quantity.value - before) <= threshold - 1
        if moved and quantity.value > 0:  # zeros are published: a hidden count is at least 1
            pattern.changed[key] = before
            _hide_with_twin(system, pattern, key)
    for key, quantity in system.quantities.items():
        twin = quantity.twin
        if quantity.kind == "amount" and twin in pattern.changed and key in earlier:
            pattern.changed[key] = earlier[key]
    return pattern


def _hide_with_twin(system: System, pattern: Pattern, key: Key) -> None:
    pattern.hide(key)
    twin = system.quantities[key].twin
    if twin in system.quantities and twin not in system.known:
        pattern.hide(twin)


def _hideable(system: System, pattern: Pattern, key: Key) -> bool:
    return key not in pattern.hidden and key not in system.known and system.value(key) != 0


def _candidates(system: System, pattern: Pattern, finding: Finding, component: set[Key]):
    """Published numbers whose hiding could free ``finding``: its own tables first."""
    near = {k for total, parts in system.equations_of(finding.key) for k in (total, *parts)}
    around = {
        k
        for hidden in component & pattern.hidden
        for total, parts in system.equations_of(hidden)
        for k in (total, *parts)
    }
    for pool in (near, around, component):
        found = [k for k in pool if _hideable(system, pattern, k)]
        if found:
            return sorted(found, key=lambda k: (system.quantities[k].is_total, system.value(k)))
    return []


def _frees(system, pattern: Pattern, component, finding: Finding, key: Key, grants) -> bool:
    trial = pattern.copy()
    _hide_with_twin(system, trial, key)
    program = Program(system, trial, component)
    grant = grants.get(finding.key[1], grants["default"])
    return audit_key(program, system, trial, finding.key, grant) is None


def _relax_markers(pattern: Pattern, component: set[Key]) -> bool:
    """Show the small hidden counts of ``component`` as 's'; False when nothing changes."""
    bounded = {k for k in component & pattern.small if k not in pattern.neutral}
    pattern.neutral |= bounded
    return bool(bounded)


def _protect_component(system, pattern: Pattern, component: set[Key], grants) -> None:
    while findings := audit_component(system, pattern, component, grants):
        finding = findings[0]
        candidates = _candidates(system, pattern, finding, component)
        if candidates:
            tried = candidates[:CANDIDATES_TRIED]
            chosen = next(
                (k for k in tried if _frees(system, pattern, component, finding, k, grants)),
                candidates[0],
            )
            _hide_with_twin(system, pattern, chosen)
        elif not _relax_markers(pattern, component):
            raise SuppressionFailed(finding)


def protect(
    system: System, threshold: int, grants: dict, earlier: dict[Key, float] | None = None
) -> Pattern:
    """The suppression pattern of the whole snapshot; raises SuppressionFailed if none exists.

    ``grants``: the usual grant per person by year (and ``"default"``), which a reader divides
    hidden money by; ``earlier``: the last value readers saw of each quantity, for real data.
    """
    pattern = primary(system, threshold, earlier or {})
    components = list(system.components())
    state = None
    while state != (len(pattern.hidden), len(pattern.neutral)):
        # hiding a count hides its money, in another component: go round until nothing moves
        state = (len(pattern.hidden), len(pattern.neutral))
        for component in components:
            if component & pattern.hidden:
                _protect_component(system, pattern, component, grants)
    return pattern
