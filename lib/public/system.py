"""Everything the public snapshot shows, as one linear system: each number once, and the sums
that tie them together.

A *quantity* is one number the snapshot publishes, wherever it appears: the 2019 national count
of beneficiaries is the total row of the region, sector and sex tables and a column of
``programme_by_year``, and it is one quantity here. Each table is a partition of its total (every
person in exactly one cell), so the system is a list of equations ``total = sum of parts``;
interventions add ``period total = sum of the years``. A figure a source already published and
that equals a quantity is *known*: a constant for anyone reading the snapshot. Disclosure
control (``lib.public.suppression``) and its audit (``lib.public.audit``) work on this system,
never on one table at a time, so that a cell hidden in one table cannot be worked back from
another. Pure: pandas in, dataclasses out.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Literal

import pandas as pd

Key = tuple  # ("beneficiaries", 2019) a year's total; ("beneficiaries", 2019, "region", "6") a cell
Kind = Literal["count", "amount"]
TOTAL = "total"
SEX_CODES = ("F", "M")

# indicator of a published figure -> the measure it states (persons or MAD)
FIGURE_MEASURES = {
    "programme_beneficiaries": "beneficiaries",
    "programme_budget": "budget_mad",
    "placements_in_companies": "placements",
    "capc_interventions": "interventions",
}


@dataclass(frozen=True)
class Quantity:
    key: Key
    value: float  # the warehouse's true value: never shown unless the pattern publishes it
    kind: Kind
    twin: Key | None = None  # a count's money (or money's count): hidden together

    @property
    def is_total(self) -> bool:
        return len(self.key) == 2


@dataclass
class System:
    quantities: dict[Key, Quantity] = field(default_factory=dict)
    equations: list[tuple[Key, tuple[Key, ...]]] = field(default_factory=list)
    known: dict[Key, float] = field(default_factory=dict)  # published by a source already

    def add(self, key: Key, value: float, kind: Kind, twin: Key | None = None) -> None:
        self.quantities[key] = Quantity(key, float(value), kind, twin)

    def equation(self, total: Key, parts: Iterable[Key]) -> None:
        self.equations.append((total, tuple(parts)))

    def value(self, key: Key) -> float:
        return self.quantities[key].value

    def equations_of(self, key: Key) -> list[tuple[Key, tuple[Key, ...]]]:
        return [eq for eq in self.equations if key == eq[0] or key in eq[1]]

    def components(self) -> Iterator[set[Key]]:
        """Sets of quantities tied by equations, each audited and protected on its own."""
        neighbours: dict[Key, set[Key]] = defaultdict(set)
        for total, parts in self.equations:
            for key in (total, *parts):
                neighbours[key] |= {total, *parts}
        seen: set[Key] = set()
        for start in self.quantities:
            if start in seen:
                continue
            component, todo = set(), [start]
            while todo:
                key = todo.pop()
                if key not in component:
                    component.add(key)
                    todo.extend(neighbours[key] - component)
            seen |= component
            yield component


# --- building the system from the warehouse's aggregates ----------------------------------------


def _partition(system: System, measure: str, frame: pd.DataFrame, year, dim: str, codes, kind):
    """Cells of one table (a year's or a period's ``measure`` by ``dim``) and its equation."""
    grouped = frame.assign(**{dim: frame[dim].astype(str)}).groupby(dim)[measure]
    sums = grouped.sum() if len(frame) else pd.Series(dtype="float64")
    parts = []
    for code in codes:
        key = (measure, year, dim, str(code))
        twin = ("beneficiaries" if measure == "budget_mad" else "budget_mad", year, dim, str(code))
        paired = measure in ("beneficiaries", "budget_mad") and dim in ("region", "sector")
        system.add(key, sums.get(str(code), 0), kind, twin if paired else None)
        parts.append(key)
    system.equation((measure, year), parts)


def _add_totals(system: System, measure: str, frame: pd.DataFrame, years, kind: Kind) -> None:
    twin_of = {"beneficiaries": "budget_mad", "budget_mad": "beneficiaries"}
    for year in years:
        total = frame.loc[frame["year"] == year, measure].sum()
        twin = (twin_of[measure], int(year)) if measure in twin_of else None
        system.add((measure, int(year)), total, kind, twin)


def build_system(sources, categories: dict[str, list], years: dict[str, list]) -> System:
    """The system of every published number, from the publish step's inputs.

    ``sources`` has the frames ``beneficiaries``, ``placements``, ``interventions`` (one row
    per year and category combination) and ``figures``; ``categories`` the codes of region,
    sector, sex, type and centre, in their published order; ``years`` the years published for
    each measure (``interventions``: the years summed into the period).
    """
    system = System()
    records = {
        "beneficiaries": (sources.beneficiaries, ("region", "sector", "sex"), "count"),
        "budget_mad": (sources.beneficiaries, ("region", "sector"), "amount"),
        "placements": (sources.placements, ("region", "sector", "sex"), "count"),
    }
    for measure, (frame, dims, kind) in records.items():
        _add_totals(system, measure, frame, years[measure], kind)
        for year in years[measure]:
            of_year = frame[frame["year"] == year]
            for dim in dims:
                _partition(system, measure, of_year, int(year), dim, categories[dim], kind)
    _add_interventions(system, sources.interventions, categories, years["interventions"])
    system.known = known_figures(system, sources.figures, period_of(years["interventions"]))
    return system


def period_of(years: list) -> str:
    return f"{min(years)}-{max(years)}" if years else ""


def _add_interventions(system: System, frame: pd.DataFrame, categories, years) -> None:
    period = period_of(years)
    _add_totals(system, "interventions", frame, years, "count")
    system.add(("interventions", period), frame["interventions"].sum(), "count")
    system.equation(("interventions", period), [("interventions", year) for year in years])
    for dim in ("type", "centre"):
        _partition(system, "interventions", frame, period, dim, categories[dim], "count")


def figure_key(row: dict, period: str) -> Key | None:
    """The quantity a published figure states, if the snapshot publishes it too."""
    measure = FIGURE_MEASURES.get(row["indicator"])
    if measure is None:
        return None
    when = str(row["period"])
    if measure == "interventions" and when == period:
        when_key = period
    elif when.isdigit():
        when_key = int(when)
    else:
        return None
    scope = str(row["scope"])
    if scope == "national":
        return (measure, when_key)
    if scope.startswith("MA-") and scope[3:].isdigit():
        return (measure, when_key, "region", str(int(scope[3:])))
    return None


def known_figures(system: System, figures: pd.DataFrame, period: str) -> dict[Key, float]:
    """Quantities equal to a figure a source already published: constants for any reader.

    The worst case is assumed: a reader who sees a published figure equal to a quantity (even
    one stated as "about") may take it for that quantity, so it can never be hidden.
    """
    known = {}
    public = figures[figures["already_public"]] if "already_public" in figures else figures
    for row in public.to_dict(orient="records"):
        key = figure_key(row, period)
        if key in system.quantities and system.value(key) == float(row["value"]):
            known[key] = float(row["value"])
    return known
