"""The reference year as the model sees it: people, women and money per region and sector.

Pure (numpy, pandas): :func:`prepare` checks the reference frames and lays them on a
region x sector grid; :func:`default_inputs` turns the reference year into a scenario.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

import numpy as np
import pandas as pd

from lib.simulator.inputs import (
    MIN_GRANT_MAD,
    REGION_CODES,
    SECTOR_INDEX,
    SECTORS,
    ScenarioError,
    ScenarioInputs,
    region_code,
    sector_code,
)

REFERENCE_COLUMNS = ("region_code", "sector_code", "beneficiaries", "women", "grant_mad_total")
REGION_COLUMNS = ("code", "population_2024")


@dataclass(frozen=True, eq=False)
class Reference:
    codes: np.ndarray  # region codes, sorted (rows)
    people: np.ndarray  # int64 [region, sector]
    women: np.ndarray  # int64 [region, sector]
    money: np.ndarray  # float64 [region, sector]
    population: np.ndarray  # float64 [region]; NaN when unknown

    @property
    def total_people(self) -> int:
        return int(self.people.sum())

    def sector_grants(self) -> list[Fraction]:
        """Exact reference mean grant per sector (national mean for a sector without people)."""
        people = self.people.sum(axis=0)
        money = self.money.sum(axis=0)
        total_people = int(people.sum())
        overall = Fraction(float(money.sum())) / total_people if total_people else Fraction(0)
        fallback = max(overall, Fraction(MIN_GRANT_MAD))
        means = [
            Fraction(float(money[s])) / int(people[s]) if people[s] > 0 else fallback
            for s in range(len(SECTORS))
        ]
        return [mean if mean >= MIN_GRANT_MAD else fallback for mean in means]

    def national_mix(self) -> np.ndarray:
        people = self.people.sum(axis=0).astype(float)
        total = people.sum()
        return people / total if total > 0 else people


def _column(frame: pd.DataFrame, name: str, integer: bool) -> np.ndarray:
    try:
        values = frame[name].to_numpy(dtype=float, na_value=np.nan)
    except (ValueError, TypeError):
        raise ScenarioError("sim.error.reference_values", {"column": name}) from None
    if not np.isfinite(values).all() or (values < 0).any():
        raise ScenarioError("sim.error.reference_values", {"column": name})
    if integer and not (values == np.round(values)).all():
        raise ScenarioError("sim.error.reference_values", {"column": name})
    return values


def prepare(reference: pd.DataFrame, regions: pd.DataFrame | None) -> Reference:
    missing = [c for c in REFERENCE_COLUMNS if c not in reference.columns]
    if missing:
        raise ScenarioError("sim.error.reference_columns", {"columns": ", ".join(missing)})
    region_codes = _column(reference, "region_code", integer=True).astype(np.int64)
    sectors = reference["sector_code"].astype(str).to_numpy()
    people = _column(reference, "beneficiaries", integer=True).astype(np.int64)
    women = _column(reference, "women", integer=True).astype(np.int64)
    money = _column(reference, "grant_mad_total", integer=False)
    if (women > people).any():
        raise ScenarioError("sim.error.reference_values", {"column": "women"})

    if regions is not None:
        missing = [c for c in REGION_COLUMNS if c not in regions.columns]
        if missing:
            raise ScenarioError("sim.error.reference_columns", {"columns": ", ".join(missing)})
        codes = _column(regions, "code", integer=True).astype(np.int64)
        population = _column(regions, "population_2024", integer=False)
        for code in codes:
            region_code(int(code))
        order = np.argsort(codes, kind="stable")
        codes, population = codes[order], population[order]
        if len(np.unique(codes)) != len(codes):
            raise ScenarioError("sim.error.reference_values", {"column": "code"})
    else:
        codes = np.array(REGION_CODES, dtype=np.int64)
        population = np.full(len(codes), np.nan)

    row = {int(code): i for i, code in enumerate(codes)}
    n_regions, n_sectors = len(codes), len(SECTORS)
    try:
        rows = np.array([row[int(code)] for code in region_codes], dtype=np.int64)
    except KeyError as error:
        raise ScenarioError("sim.error.unknown_region", {"region": error.args[0]}) from None
    cols = np.array([SECTOR_INDEX[sector_code(code)] for code in sectors], dtype=np.int64)
    shape = (n_regions, n_sectors)
    grid_people = np.zeros(shape, dtype=np.int64)
    grid_women = np.zeros(shape, dtype=np.int64)
    grid_money = np.zeros(shape, dtype=float)
    np.add.at(grid_people, (rows, cols), people)
    np.add.at(grid_women, (rows, cols), women)
    np.add.at(grid_money, (rows, cols), money)
    return Reference(codes, grid_people, grid_women, grid_money, population)


def reference_mean_grants(reference: pd.DataFrame) -> dict[str, float]:
    """Reference mean grant per sector (MAD); a sector without people gets the national mean."""
    ref = prepare(reference, None)
    return {s: float(g) for s, g in zip(SECTORS, ref.sector_grants(), strict=True)}


def reference_sector_mix(reference: pd.DataFrame) -> dict[str, float]:
    """National reference share of beneficiaries by sector (the mix sliders' starting point)."""
    mix = prepare(reference, None).national_mix()
    return {s: float(v) for s, v in zip(SECTORS, mix, strict=True)}


def default_inputs(
    reference: pd.DataFrame, regions: pd.DataFrame, reference_year: int
) -> ScenarioInputs:
    """The reference year as a scenario: its envelope, regions, grants and mix (per region)."""
    ref = prepare(reference, regions)
    if ref.total_people == 0:
        raise ScenarioError("sim.error.empty_reference", {"year": reference_year})
    included = frozenset(int(c) for c in ref.codes[ref.people.sum(axis=1) > 0])
    return ScenarioInputs(
        envelope_mad=float(ref.money.sum()),
        reference_year=reference_year,
        included_regions=included,
        rule="reference",
        mean_grant_mad={s: float(g) for s, g in zip(SECTORS, ref.sector_grants(), strict=True)},
    )
