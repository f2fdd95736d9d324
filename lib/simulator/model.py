"""What-if budget model: how many people an envelope funds, where and in which sectors.

Pure code (stdlib, numpy, pandas; no streamlit) so the simulator page can rerun
:func:`simulate` on every slider move (a few milliseconds for 12 regions x 7 sectors).

Modelling choices
-----------------
* **Cost.** A beneficiary of sector *s* costs the sector's mean grant ``g_s`` wherever they
  live (default: the reference year's national mean, ``grant_mad_total / beneficiaries``; a
  sector without reference beneficiaries, or whose recorded money is under 1 MAD a head,
  defaults to the national mean over all sectors; a grant is at least 1 MAD).
* **Region weights** (the share of the envelope each included region should receive):

  - ``reference``: the region's reference-year beneficiaries valued at the reference national
    mean grant of each sector, ``W_r = sum_s P_rs * g_s``. This is the region's share of the
    reference money once regional differences of grant size within a sector are removed, so
    that the reference inputs give back *every region's* reference beneficiaries exactly. The
    shares stay fixed when the grants are changed. A region included without reference
    beneficiaries (a region "opened") gets ``population_2024 x`` the average of
    ``W_r / population_2024`` over all regions funded in the reference year, i.e. it is funded
    like the average funded region, per inhabitant.
  - ``population``: the 2024 census population; ``equal``: one share each; ``custom``: the
    given weights (a region without a weight gets 0).

  A region left out gets nothing, whatever its weight.
* **Sector mix.** ``sector_mix=None`` (the default) keeps each region's own reference-year mix
  of beneficiaries by sector, and the national reference mix for a region without reference
  beneficiaries. A given ``sector_mix`` is a national mix applied to every included region (it
  is normalised to sum to 1, so sliders need not add up exactly).
* **Whole people.** Cell (region, sector) should receive people in proportion to
  ``v_rs = w_r * mix_rs / c_r`` where ``c_r = sum_s mix_rs * g_s`` is the region's mean cost
  per person; this spends each region's share of the money on its mix. People are handed out
  one at a time in the order of the Sainte-Laguë divisor method on ``v`` (seat ``j`` of a
  cell has priority ``(j + 0.5) / v_rs``; ties go to the lower region code, then the earlier
  sector) and the allocation is the longest run of that order whose cost fits the envelope.
  Because the order does not depend on the envelope, a larger envelope never gives fewer
  people, in total or in any region or sector (largest-remainder rounding would not
  guarantee that: Alabama paradox). With the reference inputs the first ``P`` people of the
  order are exactly the reference people, which cost exactly the reference money.
* **Money** is one national pool: ``allocated + unspent == envelope``. What is left is less
  than the grant of the next person in the order, and stays unspent (a cheaper grant further
  down the order is not bought: that would break monotonicity). Money is counted in exact
  fractions: the envelope and each float grant are snapped to the nearest fraction with a
  denominator up to 10^6 (which recovers ``grant_mad_total / beneficiaries`` exactly), so no
  float rounding makes the last grant "not fit".
* **Floors.** ``min_per_region`` people are first given to every included region (following
  the region's sector mix, Sainte-Laguë order), then the proportional order resumes, counting
  them; if they alone cost more than the envelope, :class:`ScenarioError`
  ``sim.error.floor_unaffordable`` is raised. ``women_min_share`` is a national floor.
* **Women.** Each cell keeps its reference share of women (the region-sector share, else the
  sector's national share, else the national share); the total is rounded, raised to
  ``ceil(women_min_share x people)`` if needed (the extra women are spread in proportion to
  the men of each cell), and split among cells by largest remainder, never above a cell's
  people. Women cost the same as men.

Every message is a key plus parameters (``sim.error.*``, ``sim.assumption.*``): the page
translates them; region and sector parameters are codes, money is in MAD, shares in 0..1.
"""

from __future__ import annotations

import heapq
import math
import numbers
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, fields
from fractions import Fraction
from types import MappingProxyType
from typing import Any

import numpy as np
import pandas as pd

SECTORS: tuple[str, ...] = (
    "commerce",
    "industrie",
    "services",
    "artisanat",
    "restauration",
    "agriculture",
    "batiment",
)
REGION_CODES: tuple[int, ...] = tuple(range(1, 13))
RULES: tuple[str, ...] = ("reference", "population", "equal", "custom")
REFERENCE_COLUMNS = ("region_code", "sector_code", "beneficiaries", "women", "grant_mad_total")
REGION_COLUMNS = ("code", "population_2024")
MAX_GRANT_DENOMINATOR = 10**6
MAX_ENVELOPE_MAD = 1e12  # keeps every count far below 2**53 (grants are at least 1 MAD)
MIN_GRANT_MAD = 1.0

_SECTOR_INDEX = {code: i for i, code in enumerate(SECTORS)}

_MESSAGES = {
    "sim.error.negative_envelope": "The envelope must be a number of MAD >= 0, not {envelope}.",
    "sim.error.envelope_too_large": (
        "The envelope of {envelope:g} MAD exceeds the model's limit of {maximum:g} MAD."
    ),
    "sim.error.no_region": "At least one region must be included.",
    "sim.error.unknown_region": "Unknown region code: {region}.",
    "sim.error.unknown_sector": "Unknown sector code: {sector}.",
    "sim.error.unknown_rule": "Unknown allocation rule {rule!r}; expected one of {allowed}.",
    "sim.error.negative_weight": "The weight of region {region} must be >= 0, not {weight}.",
    "sim.error.zero_weights": "Under rule {rule!r} the weights of the included regions sum to 0.",
    "sim.error.non_positive_grant": (
        "The mean grant of sector {sector} must be at least {minimum:g} MAD, not {value}."
    ),
    "sim.error.share_out_of_range": "The share of sector {sector} must lie in [0, 1], not {value}.",
    "sim.error.zero_mix": "The sector mix sums to 0.",
    "sim.error.women_share_out_of_range": (
        "The minimum share of women must lie in [0, 1], not {value}."
    ),
    "sim.error.negative_floor": (
        "The minimum number of beneficiaries per region must be a whole number >= 0, not {value}."
    ),
    "sim.error.floor_unaffordable": (
        "{min_per_region} beneficiaries in each of the {regions} included regions cost "
        "{required:.0f} MAD, more than the envelope of {envelope:.0f} MAD."
    ),
    "sim.error.bad_param": "Malformed scenario parameter {name}={value!r}.",
    "sim.error.missing_param": "Missing scenario parameter {name}.",
    "sim.error.reference_columns": "The reference data lacks the columns: {columns}.",
    "sim.error.reference_values": "The reference data has invalid values in column {column}.",
    "sim.error.empty_reference": "The reference year {year} has no beneficiaries.",
}


class ScenarioError(ValueError):
    """Impossible scenario inputs: ``key`` and ``params`` for translation, English ``str``."""

    def __init__(self, key: str, params: Mapping[str, Any] | None = None) -> None:
        self.key = key
        self.params = dict(params or {})
        template = _MESSAGES.get(key)
        try:
            text = template.format(**self.params) if template else f"{key} {self.params}"
        except (KeyError, IndexError, ValueError):
            text = f"{key} {self.params}"
        super().__init__(text)

    def __reduce__(self):
        return (type(self), (self.key, self.params))


# ---------------------------------------------------------------------------------------------
# Inputs


def _finite(value: Any, name: str) -> float:
    """A finite float, or ScenarioError bad_param."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise ScenarioError("sim.error.bad_param", {"name": name, "value": str(value)})
    number = float(value)
    if not math.isfinite(number):
        raise ScenarioError("sim.error.bad_param", {"name": name, "value": str(value)})
    return number


def _whole(value: Any, name: str) -> int:
    """An int (an integral float is accepted), or ScenarioError bad_param."""
    if isinstance(value, bool):
        raise ScenarioError("sim.error.bad_param", {"name": name, "value": str(value)})
    if isinstance(value, numbers.Integral):
        return int(value)
    if isinstance(value, numbers.Real) and math.isfinite(value) and float(value).is_integer():
        return int(value)
    raise ScenarioError("sim.error.bad_param", {"name": name, "value": str(value)})


def _region(value: Any) -> int:
    try:
        code = _whole(value, "region")
    except ScenarioError:
        raise ScenarioError("sim.error.unknown_region", {"region": str(value)}) from None
    if code not in REGION_CODES:
        raise ScenarioError("sim.error.unknown_region", {"region": code})
    return code


def _sector(value: Any) -> str:
    if value not in _SECTOR_INDEX:
        raise ScenarioError("sim.error.unknown_sector", {"sector": str(value)})
    return value


@dataclass(frozen=True)
class ScenarioInputs:
    """Everything a scenario depends on besides the reference data (validated on creation).

    ``mean_grant_mad``: sector -> MAD; a sector left out takes the reference mean.
    ``sector_mix``: None for the reference mix (per region), else a national mix sector ->
    share in [0, 1] (missing sectors 0; normalised). ``custom_weights``: region -> weight >= 0,
    used by rule ``custom`` only. Mappings are stored read-only, in a canonical order.
    """

    envelope_mad: float
    reference_year: int
    included_regions: frozenset[int]
    rule: str = "reference"
    mean_grant_mad: Mapping[str, float] = field(default_factory=dict)
    sector_mix: Mapping[str, float] | None = None
    custom_weights: Mapping[int, float] | None = None
    women_min_share: float = 0.0
    min_per_region: int = 0

    def __post_init__(self) -> None:
        def put(name: str, value: Any) -> None:
            object.__setattr__(self, name, value)

        envelope = _finite(self.envelope_mad, "envelope_mad")
        if envelope < 0:
            raise ScenarioError("sim.error.negative_envelope", {"envelope": envelope})
        if envelope > MAX_ENVELOPE_MAD:
            raise ScenarioError(
                "sim.error.envelope_too_large", {"envelope": envelope, "maximum": MAX_ENVELOPE_MAD}
            )
        put("envelope_mad", envelope)
        put("reference_year", _whole(self.reference_year, "reference_year"))

        if isinstance(self.included_regions, str | bytes) or not isinstance(
            self.included_regions, Iterable
        ):
            raise ScenarioError(
                "sim.error.bad_param",
                {"name": "included_regions", "value": str(self.included_regions)},
            )
        included = frozenset(_region(code) for code in self.included_regions)
        if not included:
            raise ScenarioError("sim.error.no_region")
        put("included_regions", included)

        if self.rule not in RULES:
            raise ScenarioError(
                "sim.error.unknown_rule", {"rule": str(self.rule), "allowed": ", ".join(RULES)}
            )

        grants: dict[str, float] = {}
        for sector, value in dict(self.mean_grant_mad or {}).items():
            sector = _sector(sector)
            number = _finite(value, f"grant_{sector}")
            if number < MIN_GRANT_MAD:
                raise ScenarioError(
                    "sim.error.non_positive_grant",
                    {"sector": sector, "value": number, "minimum": MIN_GRANT_MAD},
                )
            grants[sector] = number
        put("mean_grant_mad", MappingProxyType({s: grants[s] for s in SECTORS if s in grants}))

        if self.sector_mix is not None:
            given = {_sector(s): _finite(v, f"mix_{s}") for s, v in dict(self.sector_mix).items()}
            for sector, share in given.items():
                if not 0.0 <= share <= 1.0:
                    raise ScenarioError(
                        "sim.error.share_out_of_range", {"sector": sector, "value": share}
                    )
            if sum(given.values()) <= 0:
                raise ScenarioError("sim.error.zero_mix")
            put("sector_mix", MappingProxyType({s: given.get(s, 0.0) for s in SECTORS}))

        if self.custom_weights is not None:
            weights: dict[int, float] = {}
            for code, value in dict(self.custom_weights).items():
                code = _region(code)
                weight = _finite(value, f"weight_{code}")
                if weight < 0:
                    raise ScenarioError(
                        "sim.error.negative_weight", {"region": code, "weight": weight}
                    )
                weights[code] = weight
            put("custom_weights", MappingProxyType(dict(sorted(weights.items()))) or None)

        women = _finite(self.women_min_share, "women_min_share")
        if not 0.0 <= women <= 1.0:
            raise ScenarioError("sim.error.women_share_out_of_range", {"value": women})
        put("women_min_share", women)

        try:
            floor = _whole(self.min_per_region, "min_per_region")
        except ScenarioError:
            raise ScenarioError(
                "sim.error.negative_floor", {"value": str(self.min_per_region)}
            ) from None
        if floor < 0:
            raise ScenarioError("sim.error.negative_floor", {"value": floor})
        put("min_per_region", floor)

    def __hash__(self) -> int:
        return hash(tuple(sorted(self.to_query_params().items())))

    def to_query_params(self) -> dict[str, str]:
        """A flat dict of strings (URL query, JSON column); :meth:`from_query_params` inverts it.

        Keys: envelope, year, rule, regions ("1,2,4"), grant_<sector>, mix_<sector> (only when
        a mix is set), weight_<region> (only when custom weights are set), women_min and
        min_per_region (only when > 0).
        """
        params = {
            "envelope": _format_number(self.envelope_mad),
            "year": str(self.reference_year),
            "rule": self.rule,
            "regions": ",".join(str(code) for code in sorted(self.included_regions)),
        }
        for sector, value in self.mean_grant_mad.items():
            params[f"grant_{sector}"] = _format_number(value)
        if self.sector_mix is not None:
            for sector, share in self.sector_mix.items():
                params[f"mix_{sector}"] = _format_number(share)
        if self.custom_weights is not None:
            for code, weight in self.custom_weights.items():
                params[f"weight_{code}"] = _format_number(weight)
        if self.women_min_share > 0:
            params["women_min"] = _format_number(self.women_min_share)
        if self.min_per_region > 0:
            params["min_per_region"] = str(self.min_per_region)
        return params

    @classmethod
    def from_query_params(
        cls, params: Mapping[str, Any], defaults: ScenarioInputs | None = None
    ) -> ScenarioInputs:
        """Inputs from :meth:`to_query_params` output (or a URL's query).

        Keys the model does not know are ignored (a URL carries other parameters). A missing key
        takes its value from ``defaults`` (e.g. :func:`default_inputs`); without defaults,
        envelope, year and regions are required. Grants given override the defaults' one by
        one; mix_* or weight_* keys, when present, replace the defaults' mix or weights
        (missing sectors or regions count 0). Malformed values raise :class:`ScenarioError`.
        """
        values: dict[str, Any] = (
            {f.name: getattr(defaults, f.name) for f in fields(cls)} if defaults else {}
        )
        flat = {str(key): _last(value) for key, value in params.items()}
        if "envelope" in flat:
            values["envelope_mad"] = _parse_float("envelope", flat["envelope"])
        if "year" in flat:
            values["reference_year"] = _parse_int("year", flat["year"])
        if "rule" in flat:
            values["rule"] = flat["rule"].strip()
        if "regions" in flat:
            text = flat["regions"].strip()
            values["included_regions"] = frozenset(
                _parse_int("regions", part) for part in text.split(",") if part.strip()
            )
        grants = dict(values.get("mean_grant_mad") or {})
        mix: dict[str, float] = {}
        weights: dict[int, float] = {}
        for key, text in flat.items():
            if key.startswith("grant_"):
                grants[_sector(key.removeprefix("grant_"))] = _parse_float(key, text)
            elif key.startswith("mix_"):
                mix[_sector(key.removeprefix("mix_"))] = _parse_float(key, text)
            elif key.startswith("weight_"):
                code = _region(_parse_int(key, key.removeprefix("weight_")))
                weights[code] = _parse_float(key, text)
        values["mean_grant_mad"] = grants
        if mix:
            values["sector_mix"] = mix
        if weights:
            values["custom_weights"] = weights
        if "women_min" in flat:
            values["women_min_share"] = _parse_float("women_min", flat["women_min"])
        if "min_per_region" in flat:
            values["min_per_region"] = _parse_int("min_per_region", flat["min_per_region"])
        for name, key in (
            ("envelope_mad", "envelope"),
            ("reference_year", "year"),
            ("included_regions", "regions"),
        ):
            if name not in values:
                raise ScenarioError("sim.error.missing_param", {"name": key})
        return cls(**values)


def _format_number(value: float) -> str:
    """Shortest text that reads back to the same float; whole numbers without '.0'."""
    value = float(value)
    if value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return repr(value)


def _last(value: Any) -> str:
    if isinstance(value, list | tuple):
        value = value[-1] if value else ""
    return str(value)


def _parse_float(name: str, text: str) -> float:
    try:
        number = float(text.strip())
    except ValueError:
        raise ScenarioError("sim.error.bad_param", {"name": name, "value": text}) from None
    if not math.isfinite(number):
        raise ScenarioError("sim.error.bad_param", {"name": name, "value": text})
    return number


def _parse_int(name: str, text: str) -> int:
    try:
        return int(text.strip())
    except ValueError:
        raise ScenarioError("sim.error.bad_param", {"name": name, "value": text}) from None


# ---------------------------------------------------------------------------------------------
# Reference data


@dataclass(frozen=True, eq=False)
class _Reference:
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


def _prepare(reference: pd.DataFrame, regions: pd.DataFrame | None) -> _Reference:
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
            _region(int(code))
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
    cols = np.array([_SECTOR_INDEX[_sector(code)] for code in sectors], dtype=np.int64)
    shape = (n_regions, n_sectors)
    grid_people = np.zeros(shape, dtype=np.int64)
    grid_women = np.zeros(shape, dtype=np.int64)
    grid_money = np.zeros(shape, dtype=float)
    np.add.at(grid_people, (rows, cols), people)
    np.add.at(grid_women, (rows, cols), women)
    np.add.at(grid_money, (rows, cols), money)
    return _Reference(codes, grid_people, grid_women, grid_money, population)


def reference_mean_grants(reference: pd.DataFrame) -> dict[str, float]:
    """Reference mean grant per sector (MAD); a sector without people gets the national mean."""
    ref = _prepare(reference, None)
    return {s: float(g) for s, g in zip(SECTORS, ref.sector_grants(), strict=True)}


def reference_sector_mix(reference: pd.DataFrame) -> dict[str, float]:
    """National reference share of beneficiaries by sector (the mix sliders' starting point)."""
    mix = _prepare(reference, None).national_mix()
    return {s: float(v) for s, v in zip(SECTORS, mix, strict=True)}


def default_inputs(
    reference: pd.DataFrame, regions: pd.DataFrame, reference_year: int
) -> ScenarioInputs:
    """The reference year as a scenario: its envelope, regions, grants and mix (per region)."""
    ref = _prepare(reference, regions)
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


# ---------------------------------------------------------------------------------------------
# Allocation


def _seats(votes: np.ndarray, t: float) -> np.ndarray:
    """Per cell, how many seats j have the priority (j + 0.5) / votes <= t (0 if votes == 0).

    Computed so as to agree exactly with the float priorities the heap in
    :func:`_longest_prefix` compares.
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


def _longest_prefix(
    votes: np.ndarray, costs: list[int], base: np.ndarray, budget: int
) -> np.ndarray:
    """Seats per cell after the longest run of the Sainte-Laguë order that fits ``budget``.

    Seat j of cell i has priority (j + 0.5) / votes[i] (lower first; ties: lower i first) and
    costs costs[i] (> 0). Seats j < base[i] are already held (floors, whose cost must fit);
    the run continues with the other seats in priority order and stops at the first seat that
    does not fit. The order does not depend on the budget: a larger budget gives a superset.
    """
    base = base.astype(np.int64)

    def cost(counts: np.ndarray) -> int:
        return sum(k * c for k, c in zip(counts.tolist(), costs, strict=True) if k)

    def held(t: float) -> np.ndarray:
        return np.maximum(base, _seats(votes, t))

    active = votes > 0
    if not active.any():
        return base
    weight = float(np.dot(votes[active], np.array(costs, dtype=object)[active].astype(float)))
    lo = 0.0
    hi = max(float(budget) / weight, 1.0 / float(votes[active].max()))
    while cost(held(hi)) <= budget:
        lo, hi = hi, hi * 2.0
    n_lo, n_hi = held(lo), held(hi)
    while int(n_hi.sum() - n_lo.sum()) > 16:
        mid = (lo + hi) / 2.0
        if not lo < mid < hi:
            break
        n_mid = held(mid)
        if cost(n_mid) <= budget:
            lo, n_lo = mid, n_mid
        else:
            hi, n_hi = mid, n_mid

    counts = n_lo.tolist()
    spent = cost(n_lo)
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


def _women(ref: _Reference, people: np.ndarray, floor_share: float) -> np.ndarray:
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
    floor = math.ceil(_snap(floor_share) * total_people)
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


def _snap(value: float) -> Fraction:
    """The exact fraction a float stands for (10^6 bounds the denominator)."""
    return Fraction(value).limit_denominator(MAX_GRANT_DENOMINATOR)


def _region_weights(inputs: ScenarioInputs, ref: _Reference, included: np.ndarray) -> np.ndarray:
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


def _sector_mix(inputs: ScenarioInputs, ref: _Reference) -> np.ndarray:
    if inputs.sector_mix is not None:
        mix = np.array([inputs.sector_mix[s] for s in SECTORS], dtype=float)
        return np.tile(mix / mix.sum(), (len(ref.codes), 1))
    national = ref.national_mix()
    region_people = ref.people.sum(axis=1, keepdims=True)
    own = ref.people / np.where(region_people > 0, region_people, 1)
    return np.where(region_people > 0, own, national)


# ---------------------------------------------------------------------------------------------
# Result


@dataclass(frozen=True, eq=False)
class ScenarioResult:
    """What an envelope buys. Money in MAD (floats: mean grants need not be whole), people whole.

    ``by_cell``: region_code, sector_code, beneficiaries, women, grant_mad, mean_grant_mad (one
    row per region of ``regions`` x sector, zeros where nothing goes).
    ``by_region``: region_code, included, weight_share (share of the envelope aimed at),
    target_mad, beneficiaries, women, grant_mad, cost_per_beneficiary (NaN without people).
    ``by_sector``: sector_code, beneficiaries, women, grant_mad, mean_grant_mad, share.
    ``comparison``: region_code, included, reference_beneficiaries, scenario_beneficiaries,
    change, change_pct (NaN when the reference is 0), reference_grant_mad, scenario_grant_mad.
    """

    inputs: ScenarioInputs
    by_cell: pd.DataFrame
    by_region: pd.DataFrame
    by_sector: pd.DataFrame
    comparison: pd.DataFrame
    envelope_mad: float
    allocated_mad: float
    unspent_mad: float
    beneficiaries: int
    women: int
    women_share: float | None
    cost_per_beneficiary: float | None
    reference_beneficiaries: int
    reference_women: int
    reference_grant_mad: float

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: inputs (query params), totals, and each table as records (NaN -> None)."""

        def records(frame: pd.DataFrame) -> list[dict[str, Any]]:
            rows = frame.astype(object).where(frame.notna(), None).to_dict("records")
            return [{k: _plain(v) for k, v in row.items()} for row in rows]

        return {
            "inputs": self.inputs.to_query_params(),
            "envelope_mad": self.envelope_mad,
            "allocated_mad": self.allocated_mad,
            "unspent_mad": self.unspent_mad,
            "beneficiaries": self.beneficiaries,
            "women": self.women,
            "women_share": self.women_share,
            "cost_per_beneficiary": self.cost_per_beneficiary,
            "reference_beneficiaries": self.reference_beneficiaries,
            "reference_women": self.reference_women,
            "reference_grant_mad": self.reference_grant_mad,
            "by_region": records(self.by_region),
            "by_sector": records(self.by_sector),
            "comparison": records(self.comparison),
        }


def _plain(value: Any) -> Any:
    if isinstance(value, np.generic):
        return value.item()
    return value


def simulate(
    inputs: ScenarioInputs, reference: pd.DataFrame, regions: pd.DataFrame
) -> ScenarioResult:
    """Allocate ``inputs.envelope_mad`` to whole beneficiaries (see the module docstring)."""
    ref = _prepare(reference, regions)
    if ref.total_people == 0:
        raise ScenarioError("sim.error.empty_reference", {"year": inputs.reference_year})
    known = {int(code) for code in ref.codes}
    for code in sorted(inputs.included_regions | set(inputs.custom_weights or {})):
        if code not in known:
            raise ScenarioError("sim.error.unknown_region", {"region": code})
    included = np.isin(ref.codes, sorted(inputs.included_regions))

    reference_grants = ref.sector_grants()
    grants = [
        _snap(inputs.mean_grant_mad[s]) if s in inputs.mean_grant_mad else reference_grants[s_i]
        for s_i, s in enumerate(SECTORS)
    ]
    grant_floats = np.array([float(g) for g in grants])
    shares = _region_weights(inputs, ref, included)
    mix = _sector_mix(inputs, ref)
    mean_cost = mix @ grant_floats
    votes = shares[:, None] * mix / mean_cost[:, None]
    votes = votes / votes.sum()

    # Exact money: every amount in units of 1/scale MAD; the envelope is snapped like a grant,
    # so that an envelope typed equal to a grant buys it.
    envelope = _snap(inputs.envelope_mad)
    scale = math.lcm(envelope.denominator, *(g.denominator for g in grants))
    unit = [int(g * scale) for g in grants]
    budget = int(envelope * scale)
    n_regions, n_sectors = mix.shape

    floors = np.zeros((n_regions, n_sectors), dtype=np.int64)
    if inputs.min_per_region > 0:
        for r in np.nonzero(included)[0]:
            floors[r] = _longest_prefix(
                mix[r], [1] * n_sectors, np.zeros(n_sectors), inputs.min_per_region
            )
        floor_cost = int((floors.sum(axis=0) * np.array(unit, dtype=object)).sum())
        if floor_cost > budget:
            raise ScenarioError(
                "sim.error.floor_unaffordable",
                {
                    "min_per_region": inputs.min_per_region,
                    "regions": int(included.sum()),
                    "required": float(Fraction(floor_cost, scale)),
                    "envelope": inputs.envelope_mad,
                },
            )
    people = _longest_prefix(votes.ravel(), unit * n_regions, floors.ravel(), budget).reshape(
        n_regions, n_sectors
    )
    women = _women(ref, people, inputs.women_min_share)

    spent_units = sum(int(k) * u for k, u in zip(people.sum(axis=0).tolist(), unit, strict=True))
    allocated = Fraction(spent_units, scale)
    money = people * grant_floats[None, :]
    return _result(inputs, ref, included, shares, grant_floats, people, women, money, allocated)


def _result(
    inputs: ScenarioInputs,
    ref: _Reference,
    included: np.ndarray,
    shares: np.ndarray,
    grants: np.ndarray,
    people: np.ndarray,
    women: np.ndarray,
    money: np.ndarray,
    allocated: Fraction,
) -> ScenarioResult:
    n_regions, n_sectors = people.shape
    codes = ref.codes.astype(np.int64)
    by_cell = pd.DataFrame(
        {
            "region_code": np.repeat(codes, n_sectors),
            "sector_code": np.tile(np.array(SECTORS, dtype=object), n_regions),
            "beneficiaries": people.ravel(),
            "women": women.ravel(),
            "grant_mad": money.ravel(),
            "mean_grant_mad": np.tile(grants, n_regions),
        }
    )
    region_people = people.sum(axis=1)
    region_money = money.sum(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        region_cost = np.where(region_people > 0, region_money / region_people, np.nan)
    by_region = pd.DataFrame(
        {
            "region_code": codes,
            "included": included,
            "weight_share": shares,
            "target_mad": shares * inputs.envelope_mad,
            "beneficiaries": region_people,
            "women": women.sum(axis=1),
            "grant_mad": region_money,
            "cost_per_beneficiary": region_cost,
        }
    )
    sector_people = people.sum(axis=0)
    total = int(people.sum())
    by_sector = pd.DataFrame(
        {
            "sector_code": list(SECTORS),
            "beneficiaries": sector_people,
            "women": women.sum(axis=0),
            "grant_mad": money.sum(axis=0),
            "mean_grant_mad": grants,
            "share": sector_people / total if total else np.zeros(n_sectors),
        }
    )
    reference_people = ref.people.sum(axis=1)
    change = region_people - reference_people
    with np.errstate(divide="ignore", invalid="ignore"):
        change_pct = np.where(reference_people > 0, change / reference_people, np.nan)
    comparison = pd.DataFrame(
        {
            "region_code": codes,
            "included": included,
            "reference_beneficiaries": reference_people,
            "scenario_beneficiaries": region_people,
            "change": change,
            "change_pct": change_pct,
            "reference_grant_mad": ref.money.sum(axis=1),
            "scenario_grant_mad": region_money,
        }
    )
    allocated_mad = min(float(allocated), inputs.envelope_mad)  # equal up to float rounding
    women_total = int(women.sum())
    return ScenarioResult(
        inputs=inputs,
        by_cell=by_cell,
        by_region=by_region,
        by_sector=by_sector,
        comparison=comparison,
        envelope_mad=inputs.envelope_mad,
        allocated_mad=allocated_mad,
        unspent_mad=float(Fraction(inputs.envelope_mad) - Fraction(allocated_mad)),
        beneficiaries=total,
        women=women_total,
        women_share=women_total / total if total else None,
        cost_per_beneficiary=float(allocated / total) if total else None,
        reference_beneficiaries=ref.total_people,
        reference_women=int(ref.women.sum()),
        reference_grant_mad=float(ref.money.sum()),
    )


# ---------------------------------------------------------------------------------------------
# Assumptions, for the page to translate


def describe_assumptions(
    inputs: ScenarioInputs, reference: pd.DataFrame
) -> list[tuple[str, dict[str, Any]]]:
    """The scenario's assumptions as (message key, params), in reading order.

    Keys and params (regions and sectors as codes, money in MAD, shares in 0..1):
    envelope {value, reference, year}; rule_reference {year}; rule_population {};
    rule_equal {regions}; rule_custom {regions}; region_excluded {region, reference};
    region_opened_reference {region, year}; region_opened {region};
    grant_reference {year}; grant_sector {sector, value, reference};
    mix_reference {year}; mix_custom {}; mix_sector {sector, value, reference};
    women_reference {year, reference}; women_floor {value, reference};
    region_floor {value, regions}; cost_model {}; rounding {}; all prefixed "sim.assumption.".
    """
    ref = _prepare(reference, None)
    year = inputs.reference_year
    out: list[tuple[str, dict[str, Any]]] = []

    def add(name: str, **params: Any) -> None:
        out.append((f"sim.assumption.{name}", params))

    add("envelope", value=inputs.envelope_mad, reference=float(ref.money.sum()), year=year)
    if inputs.rule == "reference":
        add("rule_reference", year=year)
    elif inputs.rule == "population":
        add("rule_population")
    elif inputs.rule == "equal":
        add("rule_equal", regions=len(inputs.included_regions))
    else:
        weights = inputs.custom_weights or {}
        add("rule_custom", regions=sum(1 for c in inputs.included_regions if weights.get(c, 0) > 0))

    reference_people = {
        int(code): int(p) for code, p in zip(ref.codes, ref.people.sum(axis=1), strict=True)
    }
    for code, count in reference_people.items():
        if count > 0 and code not in inputs.included_regions:
            add("region_excluded", region=code, reference=count)
    for code in sorted(inputs.included_regions):
        if reference_people.get(code, 0) == 0:
            if inputs.rule == "reference":
                add("region_opened_reference", region=code, year=year)
            else:
                add("region_opened", region=code)

    changed = False
    for sector, default in zip(SECTORS, ref.sector_grants(), strict=True):
        value = inputs.mean_grant_mad.get(sector)
        if value is not None and _snap(value) != default:
            changed = True
            add("grant_sector", sector=sector, value=value, reference=round(float(default), 2))
    if not changed:
        add("grant_reference", year=year)

    if inputs.sector_mix is None:
        add("mix_reference", year=year)
    else:
        add("mix_custom")
        total = sum(inputs.sector_mix.values())
        for sector, national in zip(SECTORS, ref.national_mix(), strict=True):
            share = inputs.sector_mix[sector] / total
            if abs(share - national) > 1e-9:
                add("mix_sector", sector=sector, value=share, reference=float(national))

    reference_share = int(ref.women.sum()) / ref.total_people if ref.total_people else 0.0
    if inputs.women_min_share > 0:
        add("women_floor", value=inputs.women_min_share, reference=reference_share)
    else:
        add("women_reference", year=year, reference=reference_share)
    if inputs.min_per_region > 0:
        add("region_floor", value=inputs.min_per_region, regions=len(inputs.included_regions))
    add("cost_model")
    add("rounding")
    return out
