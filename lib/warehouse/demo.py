"""Deterministic record-level DEMO data whose totals match the published figures exactly.

The foundation's records are not public, so the app ships this generator: every figure a source
states (beneficiaries and budget per programme year, the 2017 Casablanca-Settat split, the 2019
regions and royal hand-overs, placements, CAPC interventions) holds exactly, multiplied by
``scale``. Everything the sources leave open (regions, sectors, sex, age, dates, grant amounts)
is drawn from plausible distributions with ``numpy.random.default_rng(seed)``, so the same
(scale, seed) always gives the same frames. The follow-up visits (``demo_outcomes``) come from a
child generator of the same seed, so they leave the other tables' draws untouched. Pure: no
streamlit, vectorised (no loop per record).

    python -m lib.warehouse.demo --scale N [--seed S] [--out DIR]
"""

from __future__ import annotations

import argparse
import operator
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from lib.config import get_settings
from lib.warehouse import demo_outcomes

DEFAULT_SEED = 20190527  # the day the 2019 programme was launched
GENERATOR_VERSION = "1"  # bump when the same seed would give different records

# --- Published figures (data/seed/published_figures.csv), at scale 1 -------------------------
BENEFICIARIES = {  # programme year: (beneficiaries, budget in MAD)
    2014: (230, 4_500_000),
    2015: (317, 5_000_000),
    2016: (333, 5_200_000),
    2017: (391, 7_300_000),
    2018: (270, 8_100_000),
    2019: (478, 13_500_000),
}
SPLIT_YEAR, SPLIT_REGION, SPLIT_COUNT, SPLIT_BUDGET = 2017, 6, 117, 2_300_000  # Casablanca-Settat
REGIONS_2014 = (1, 2, 3, 4, 6, 7, 9, 11)  # the regions of the 12 cities named in July 2014
HANDOVER_YEAR = 2019
ABSENT_REGIONS_2019 = (5, 12)  # "all regions except" Béni Mellal-Khénifra, Dakhla-Oued Ed-Dahab
MOUSSALAHA_2019, ROYAL_2019, ROYAL_WOMEN_2019, ROYAL_CPE_2019 = 18, 26, 6, 2
PLACEMENTS = {2013: 3_142, 2014: 933, 2015: 1_719, 2018: 453}
PLACEMENT_WOMEN = {2018: 87}
INTERVENTIONS, INTERVENTION_YEARS = 9_183, (2018, 2019)

# --- Assumptions: nothing below is published; only plausible ---------------------------------
SEXES = ("F", "M")
AGE_BANDS = ("18-24", "25-34", "35-44", "45+")
SUPPORT_TYPES = ("micro_projet", "auto_emploi")
AGE_SHARE = (0.22, 0.43, 0.24, 0.11)
PLACEMENT_AGE_SHARE = (0.30, 0.42, 0.20, 0.08)  # companies hire younger people
WOMEN_SHARE = (0.08, 0.15)  # bounds of a uniform draw per year: women are a small minority
PLACEMENT_WOMEN_SHARE = (0.12, 0.20)  # 87 of 453 in 2018 is 19 %
INTERVENTION_WOMEN_SHARE = (0.07, 0.12)
MICRO_PROJECT_SHARE = (0.60, 0.80)
SECTOR_SHARE = {
    "commerce": 0.26,
    "services": 0.20,
    "artisanat": 0.14,
    "restauration": 0.12,
    "agriculture": 0.12,
    "batiment": 0.10,
    "industrie": 0.06,
}
PLACEMENT_SECTOR_SHARE = {
    "industrie": 0.28,
    "services": 0.24,
    "batiment": 0.18,
    "commerce": 0.12,
    "restauration": 0.08,
    "agriculture": 0.07,
    "artisanat": 0.03,
}
# Relative mean grant: equipment-heavy projects (farming, workshops) cost more than a stall.
SECTOR_GRANT_FACTOR = {
    "agriculture": 1.40,
    "industrie": 1.35,
    "batiment": 1.15,
    "restauration": 1.00,
    "artisanat": 0.95,
    "commerce": 0.85,
    "services": 0.80,
}
SUPPORT_GRANT_FACTOR = (1.0, 0.8)  # micro_projet, auto_emploi
GRANT_SIGMA, GRANT_CLIP = 0.35, (0.4, 2.5)  # lognormal spread, clipped to avoid absurd grants
GRANT_STEP = 100  # grants are round amounts in MAD
TYPE_SHARE = {
    "administratif": 0.34,
    "social": 0.24,
    "juridique": 0.16,
    "familial": 0.14,
    "medical": 0.12,
}
REGION_SIGMA = 0.30  # noise around a population-proportional split
MIN_PER_REGION = 3  # 2019: "every other region at least a few" (times scale)
CPE_SHARE_YOUNG = 0.04  # former child-protection-centre residents among 18-24 non-hand-overs
# Fewer interventions in summer and around Ramadan (May-June in 2018-2019), more at rentrée.
MONTH_WEIGHT = (1.10, 1.05, 1.10, 1.00, 0.85, 0.85, 0.80, 0.65, 1.05, 1.15, 1.10, 1.00)
WEEKDAY_WEIGHT = (1.0, 1.0, 1.0, 1.0, 0.9, 0.3, 0.05)  # Monday..Sunday: centres are offices
FIRST_YEAR_SHARE = (0.42, 0.48)  # activity grew from 2018 to 2019
OLD_CENTRE_BOOST = 1.5  # centres operating in 2015 are better known and busier

COLUMNS = {  # exactly the columns of lib/warehouse/schema.sql, in order
    "beneficiary": (
        "beneficiary_id",
        "programme_year",
        "region_code",
        "sector_code",
        "sex",
        "age_band",
        "support_type",
        "grant_mad",
        "is_moussalaha",
        "is_former_cpe",
        "is_royal_handover",
        "is_demo",
        "batch_id",
    ),
    "placement": (
        "placement_id",
        "year",
        "region_code",
        "sector_code",
        "sex",
        "age_band",
        "is_demo",
        "batch_id",
    ),
    "intervention": (
        "intervention_id",
        "intervention_date",
        "centre_id",
        "region_code",
        "type_code",
        "sex",
        "is_demo",
        "batch_id",
    ),
    "follow_up": demo_outcomes.COLUMNS,
}


@dataclass(frozen=True)
class Reference:
    """The seed tables the generator needs, as arrays aligned on the CSV rows."""

    region_codes: np.ndarray  # int8
    population: np.ndarray  # float, 2014 census: the programme years are 2013-2019
    sector_codes: tuple[str, ...]
    type_codes: tuple[str, ...]
    centre_ids: np.ndarray  # int16
    centre_regions: np.ndarray  # int8
    centre_old: np.ndarray  # bool: operating in 2015


def load_reference(seed_dir: Path | None = None) -> Reference:
    seed_dir = Path(seed_dir or get_settings().seed_dir)
    regions = pd.read_csv(seed_dir / "regions.csv").sort_values("code")
    sectors = pd.read_csv(seed_dir / "sectors.csv").sort_values("sort_order")
    types = pd.read_csv(seed_dir / "intervention_types.csv").sort_values("sort_order")
    centres = pd.read_csv(seed_dir / "capc_centres.csv").sort_values("centre_id")
    return Reference(
        region_codes=regions["code"].to_numpy(np.int8),
        population=regions["population_2014"].to_numpy(float),
        sector_codes=tuple(sectors["code"]),
        type_codes=tuple(types["code"]),
        centre_ids=centres["centre_id"].to_numpy(np.int16),
        centre_regions=centres["region_code"].to_numpy(np.int8),
        centre_old=(centres["status_2015"] == "operating").to_numpy(),
    )


def generate(
    scale: int = 1, seed: int = DEFAULT_SEED, seed_dir: Path | None = None
) -> dict[str, pd.DataFrame]:
    """Beneficiary, placement, intervention and follow-up frames; every published total times
    ``scale`` (of the follow-ups: 134 of 3 893 followed people back in prison by 2015)."""
    scale = operator.index(scale)
    if scale < 1:
        raise ValueError(f"scale must be a positive integer, not {scale}")
    seed_dir = Path(seed_dir or get_settings().seed_dir)
    ref = load_reference(seed_dir)
    rng = np.random.default_rng(seed)
    # Fixed order of draws: adding a table later must not change the ones before it.
    frames = {
        "beneficiary": _beneficiaries(ref, rng, scale),
        "placement": _placements(ref, rng, scale),
        "intervention": _interventions(ref, rng, scale),
    }
    frames["follow_up"] = demo_outcomes.follow_ups(
        frames["beneficiary"], frames["placement"], seed, scale, seed_dir
    )
    return frames


# --- Small exact-arithmetic and sampling helpers ---------------------------------------------


def allocate(total: int, weights, floor: int = 0) -> np.ndarray:
    """Split ``total`` into integers proportional to ``weights`` (largest remainder).

    Every positive weight first gets ``floor``; zero weights get nothing. The sum is exact.
    """
    weights = np.asarray(weights, dtype=float)
    base = np.where(weights > 0, floor, 0).astype(np.int64)
    rest = int(total) - int(base.sum())
    if rest < 0 or weights.sum() <= 0:
        raise ValueError(f"cannot split {total} with floor {floor} over these weights")
    quota = rest * weights / weights.sum()
    counts = np.floor(quota).astype(np.int64)
    short = rest - int(counts.sum())
    # Stable sort: equal remainders are broken by position, so the result is reproducible.
    counts[np.argsort(counts - quota, kind="stable")[:short]] += 1
    return base + counts


def _jitter(rng: np.random.Generator, share, concentration: float = 300.0) -> np.ndarray:
    """Shares drawn around ``share`` so each year and seed has its own mix."""
    share = np.asarray(share, dtype=float)
    return rng.dirichlet(share / share.sum() * concentration)


def _draw(rng: np.random.Generator, share, n: int) -> np.ndarray:
    """``n`` category codes (int8) drawn with probabilities ``share``."""
    cuts = np.cumsum(np.asarray(share, dtype=float))[:-1] / np.sum(share)
    uniform = rng.random(n, dtype=np.float32)
    codes = np.zeros(n, dtype=np.int8)
    # One comparison pass per category: several times faster than rng.choice(p=...) at 10 M.
    for cut in cuts.astype(np.float32):
        codes += uniform >= cut
    return codes


def _exactly(rng: np.random.Generator, n: int, k: int) -> np.ndarray:
    """Boolean mask of length ``n`` with exactly ``k`` True at random places."""
    mask = np.zeros(n, dtype=bool)
    mask[rng.choice(n, size=k, replace=False)] = True
    return mask


def _pick(rng: np.random.Generator, mask: np.ndarray, k: int) -> np.ndarray:
    """Positions of ``k`` distinct True entries of ``mask``."""
    return rng.choice(np.flatnonzero(mask), size=k, replace=False)


def _shares(codes: tuple[str, ...], table: dict[str, float]) -> np.ndarray:
    # A sector or type added to the seed later still appears, with a small share.
    return np.array([table.get(code, 0.05) for code in codes])


def _noisy(rng: np.random.Generator, weights: np.ndarray, sigma: float) -> np.ndarray:
    return weights * rng.lognormal(0.0, sigma, len(weights))


# --- Beneficiaries -----------------------------------------------------------------------


def _beneficiaries(ref: Reference, rng: np.random.Generator, scale: int) -> pd.DataFrame:
    years = [_beneficiary_year(ref, rng, year, scale) for year in BENEFICIARIES]
    cols = {name: np.concatenate([y[name] for y in years]) for name in years[0]}
    categories = {
        "sector_code": ref.sector_codes,
        "sex": SEXES,
        "age_band": AGE_BANDS,
        "support_type": SUPPORT_TYPES,
    }
    return _frame("beneficiary", cols, categories)


def _beneficiary_year(ref: Reference, rng: np.random.Generator, year: int, scale: int) -> dict:
    n = BENEFICIARIES[year][0] * scale
    counts = _region_counts(ref, rng, year, n, scale)
    female = _exactly(rng, n, round(n * rng.uniform(*WOMEN_SHARE)))
    cols = {
        "programme_year": np.full(n, year, dtype=np.int16),
        "region_code": rng.permutation(np.repeat(ref.region_codes, counts)),
        "sector_code": _draw(rng, _jitter(rng, _shares(ref.sector_codes, SECTOR_SHARE)), n),
        "sex": np.where(female, 0, 1).astype(np.int8),
        "age_band": _draw(rng, _jitter(rng, AGE_SHARE), n),
        "support_type": (rng.random(n) >= rng.uniform(*MICRO_PROJECT_SHARE)).astype(np.int8),
    }
    cols.update(_flags(rng, year, cols, scale))
    cols["grant_mad"] = _grants(ref, rng, year, cols, scale)
    return cols


def _region_counts(ref: Reference, rng: np.random.Generator, year: int, n: int, scale: int):
    """Beneficiaries per region: population-proportional with noise, published splits exact."""
    weights = _noisy(rng, ref.population, REGION_SIGMA)
    if year == 2014:  # only the regions of the 12 cities the source names
        weights[~np.isin(ref.region_codes, REGIONS_2014)] = 0
    if year == HANDOVER_YEAR:
        weights[np.isin(ref.region_codes, ABSENT_REGIONS_2019)] = 0
        return allocate(n, weights, floor=MIN_PER_REGION * scale)
    if year != SPLIT_YEAR:
        return allocate(n, weights, floor=scale)
    fixed = ref.region_codes == SPLIT_REGION
    counts = allocate(n - SPLIT_COUNT * scale, np.where(fixed, 0, weights), floor=scale)
    counts[fixed] = SPLIT_COUNT * scale
    return counts


def _flags(rng: np.random.Generator, year: int, cols: dict, scale: int) -> dict:
    """Moussalaha, royal hand-over and former-CPE flags; exact counts in 2019, else false."""
    n = len(cols["sex"])
    royal, moussalaha = np.zeros(n, dtype=bool), np.zeros(n, dtype=bool)
    cpe = (cols["age_band"] == 0) & (rng.random(n) < CPE_SHARE_YOUNG)
    if year == HANDOVER_YEAR:
        female = cols["sex"] == 0
        royal[_pick(rng, female, ROYAL_WOMEN_2019 * scale)] = True
        royal[_pick(rng, ~female, (ROYAL_2019 - ROYAL_WOMEN_2019) * scale)] = True
        cpe &= ~royal  # so that "royal hand-over and former CPE" is exactly the published 2
        royal_cpe = _pick(rng, royal, ROYAL_CPE_2019 * scale)
        cpe[royal_cpe] = True
        cols["age_band"][royal_cpe] = 0  # a child-protection centre means a young adult now
        # Moussalaha participants (extremism convictions) are picked among men not handed over.
        moussalaha[_pick(rng, ~female & ~royal, MOUSSALAHA_2019 * scale)] = True
    return {"is_moussalaha": moussalaha, "is_former_cpe": cpe, "is_royal_handover": royal}


def _grants(ref: Reference, rng: np.random.Generator, year: int, cols: dict, scale: int):
    """Grants in MAD: sector and support-type means with noise, scaled to the exact budget."""
    sector_factor = _shares(ref.sector_codes, SECTOR_GRANT_FACTOR)
    noise = np.clip(rng.lognormal(0.0, GRANT_SIGMA, len(cols["sex"])), *GRANT_CLIP)
    support_factor = np.take(SUPPORT_GRANT_FACTOR, cols["support_type"])
    weights = sector_factor[cols["sector_code"]] * support_factor * noise
    grants = np.empty(len(weights), dtype=np.int64)
    for mask, budget in _budget_groups(year, cols["region_code"], scale):
        grants[mask] = _exact_grants(weights[mask], budget)
    return grants


def _budget_groups(year: int, regions: np.ndarray, scale: int) -> Iterator[tuple]:
    budget = BENEFICIARIES[year][1] * scale
    if year != SPLIT_YEAR:
        yield np.ones(len(regions), dtype=bool), budget
        return
    split = regions == SPLIT_REGION
    yield split, SPLIT_BUDGET * scale
    yield ~split, budget - SPLIT_BUDGET * scale


def _exact_grants(weights: np.ndarray, budget: int) -> np.ndarray:
    """Multiples of GRANT_STEP (at least one step each) adding up exactly to ``budget``."""
    grants = allocate(budget // GRANT_STEP, weights, floor=1) * GRANT_STEP
    grants[np.argmax(grants)] += budget % GRANT_STEP  # only if a budget is not a round sum
    return grants


# --- Placements --------------------------------------------------------------------------


def _placements(ref: Reference, rng: np.random.Generator, scale: int) -> pd.DataFrame:
    years = [_placement_year(ref, rng, year, scale) for year in PLACEMENTS]
    cols = {name: np.concatenate([y[name] for y in years]) for name in years[0]}
    categories = {"sector_code": ref.sector_codes, "sex": SEXES, "age_band": AGE_BANDS}
    return _frame("placement", cols, categories)


def _placement_year(ref: Reference, rng: np.random.Generator, year: int, scale: int) -> dict:
    n = PLACEMENTS[year] * scale
    # Placements go through the CAPCs: regions with more centres place more people.
    operating = ref.centre_old if year <= 2015 else np.ones(len(ref.centre_ids), dtype=bool)
    centres = np.array([np.sum(operating & (ref.centre_regions == c)) for c in ref.region_codes])
    counts = allocate(n, _noisy(rng, ref.population * (1 + centres), REGION_SIGMA))
    if year in PLACEMENT_WOMEN:
        women = PLACEMENT_WOMEN[year] * scale
    else:
        women = round(n * rng.uniform(*PLACEMENT_WOMEN_SHARE))
    sectors = _shares(ref.sector_codes, PLACEMENT_SECTOR_SHARE)
    return {
        "year": np.full(n, year, dtype=np.int16),
        "region_code": rng.permutation(np.repeat(ref.region_codes, counts)),
        "sector_code": _draw(rng, _jitter(rng, sectors), n),
        "sex": np.where(_exactly(rng, n, women), 0, 1).astype(np.int8),
        "age_band": _draw(rng, _jitter(rng, PLACEMENT_AGE_SHARE), n),
    }


# --- Interventions -----------------------------------------------------------------------


def _interventions(ref: Reference, rng: np.random.Generator, scale: int) -> pd.DataFrame:
    n = INTERVENTIONS * scale
    first = rng.uniform(*FIRST_YEAR_SHARE)
    per_year = allocate(n, [first, 1 - first])
    years = zip(INTERVENTION_YEARS, per_year, strict=True)
    dates = np.concatenate([_intervention_dates(rng, year, k) for year, k in years])
    centre = _draw(rng, _centre_weights(ref, rng), n)
    cols = {
        "intervention_date": dates.astype("datetime64[s]"),
        "centre_id": ref.centre_ids[centre],
        "region_code": ref.centre_regions[centre],
        "type_code": _draw(rng, _jitter(rng, _shares(ref.type_codes, TYPE_SHARE)), n),
        "sex": (rng.random(n) >= rng.uniform(*INTERVENTION_WOMEN_SHARE)).astype(np.int8),
    }
    return _frame("intervention", cols, {"type_code": ref.type_codes, "sex": SEXES})


def _intervention_dates(rng: np.random.Generator, year: int, k: int) -> np.ndarray:
    """``k`` dates of ``year``, already sorted, with monthly and weekday seasonality."""
    days = np.arange(f"{year}-01-01", f"{year + 1}-01-01", dtype="datetime64[D]")
    month = days.astype("datetime64[M]").astype(np.int64) % 12
    weekday = (days.astype(np.int64) + 3) % 7  # 1970-01-01 was a Thursday; Monday is 0
    month_weight = _noisy(rng, np.asarray(MONTH_WEIGHT), 0.08)
    weights = month_weight[month] * np.take(WEEKDAY_WEIGHT, weekday)
    # Counts per day rather than one draw per record: sorted for free, and cheap at any scale.
    return np.repeat(days, rng.multinomial(k, weights / weights.sum()))


def _centre_weights(ref: Reference, rng: np.random.Generator) -> np.ndarray:
    """Each centre serves its region's population, shared with the region's other centres."""
    region_index = np.searchsorted(ref.region_codes, ref.centre_regions)
    per_region = np.bincount(region_index, minlength=len(ref.region_codes))
    weights = ref.population[region_index] / per_region[region_index]
    weights = weights * np.where(ref.centre_old, OLD_CENTRE_BOOST, 1.0)
    return _noisy(rng, weights, REGION_SIGMA)


# --- Frames ------------------------------------------------------------------------------


def _frame(table: str, cols: dict, categories: dict) -> pd.DataFrame:
    """The table's columns in schema order; codes become categoricals, batch_id all null."""
    n = len(next(iter(cols.values())))
    data = {COLUMNS[table][0]: np.arange(1, n + 1, dtype=np.int64)}
    for name, values in cols.items():
        if name in categories:
            values = pd.Categorical.from_codes(values, categories=list(categories[name]))
        data[name] = values
    data["is_demo"] = np.ones(n, dtype=bool)
    data["batch_id"] = pd.arrays.IntegerArray(np.zeros(n, np.int32), np.ones(n, dtype=bool))
    return pd.DataFrame(data, columns=list(COLUMNS[table]), copy=False)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m lib.warehouse.demo", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--scale", type=int, default=1, help="multiply every total by N")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--out", type=Path, help="write <table>.parquet files to this folder")
    args = parser.parse_args(argv)
    frames = generate(scale=args.scale, seed=args.seed)
    if args.out:
        args.out.mkdir(parents=True, exist_ok=True)
    for name, frame in frames.items():
        if args.out:
            frame.to_parquet(args.out / f"{name}.parquet", index=False)
        print(f"{name}: {len(frame):,} rows")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
