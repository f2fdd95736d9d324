"""Deterministic DEMO follow-up visits: what became of the demo's beneficiaries and placements.

The only published outcome is TelQuel's (22 June 2016): 134 of the 3 893 people the foundation
followed had returned to prison (3.44 %). The demo reproduces it exactly, times ``scale``, for
its *published cohort*: the records of 2015 or before (beneficiaries of 2014-2015, placements
of 2013-2015) with a follow-up record dated in 2015 or before, of whom exactly 134 have a
return to prison dated in 2015 or before. Everything else is a demonstration assumption
(``data/seed/README.md``, "Follow-ups"): all beneficiaries are followed, the placements of
2015 or before just enough to make 3 893 people, 60 % of later placements; visits 3, 6, 12,
24... months after 1 July of the record's year; piecewise-constant monthly hazards for a
micro-project closing, a job ending, a return to prison and loss to follow-up.

Time is counted in *ticks*: 28 per month after the origin (1 July of the record's year), so a
tick is a date (its month after the origin, a day 1-28) and months are whole for the cubes.
Draws come from a child generator of the seed (``FOLLOW_UP_STREAM``): the other tables keep
their draws, byte for byte. Pure: no streamlit, vectorised (no loop per record).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from lib.outcomes.cohorts import ORIGIN_MONTH, PUBLISHED_COHORT_LAST_YEAR

# --- Published (data/seed/published_figures.csv: foundation_followed_reoffending_rate 2015) --
FOLLOWED_2015, RETURNED_2015 = 3_893, 134  # of PUBLISHED_COHORT_LAST_YEAR's cohort

# --- Demonstration assumptions (data/seed/README.md, "Follow-ups") --------------------------
# Changing one changes the follow-up records of a seed: bump demo.GENERATOR_VERSION with it.
FOLLOW_UP_STREAM = 22  # the child generator's key (issue 22)
FOLLOW_UP_END = "2019-12"  # the demo's horizon: its records stop at the end of 2019
TICKS = 28  # ticks per month: day 1 to 28 of the month
VISIT_MONTHS = (3, 6, 12, 24, 36, 48, 60, 72)  # scheduled visits, months after the origin
LATER_PLACEMENTS_FOLLOWED = 0.60  # placements after 2015 with follow-up visits
# Monthly hazards, piecewise constant: (from month, rate).
PROJECT_HAZARD = ((0, 0.018), (12, 0.012), (24, 0.008))  # a micro-project closes
JOB_HAZARD = ((0, 0.05), (6, 0.03), (12, 0.015))  # a placed person leaves the job
RETURN_HAZARD = 0.0036  # a return to prison (4 % a year): near 134 by 2015 unforced
LOSS_HAZARD = 0.004  # the foundation loses touch, after the first visit
PAUSED_SHARE = 0.07  # visits that find a running micro-project paused
DISMISSED_SHARE = 0.35  # jobs that end in a dismissal rather than a departure
COHORT_SIGMA = 0.15  # lognormal spread of each year's hazards
PROJECT_SECTOR_FACTOR = {"restauration": 1.20, "commerce": 1.10, "batiment": 1.10,
                         "services": 0.95, "industrie": 0.90, "artisanat": 0.85,
                         "agriculture": 0.80}  # fmt: skip
JOB_SECTOR_FACTOR = {"agriculture": 1.30, "batiment": 1.30, "restauration": 1.20,
                     "commerce": 1.00, "services": 1.00, "artisanat": 1.00,
                     "industrie": 0.85}  # fmt: skip
WOMEN_PROJECT_FACTOR = 0.90
RETURN_AGE_FACTOR = (1.5, 1.1, 0.8, 0.5)  # 18-24, 25-34, 35-44, 45+
RETURN_WOMEN_FACTOR = 0.4  # DGAPR: 7.8 % of women return, 25.3 % of men
REASON_SHARE = {"revenus_insuffisants": 0.34, "dettes": 0.18, "local_perdu": 0.05,
                "sante": 0.10, "famille": 0.10, "demenagement": 0.08,
                "emploi_salarie": 0.12, "autre": 0.03}  # fmt: skip

COLUMNS = (  # exactly the columns of follow_up in lib/warehouse/schema.sql, in order
    "follow_up_id",
    "beneficiary_id",
    "placement_id",
    "visit_date",
    "status_code",
    "reason_code",
    "is_demo",
    "batch_id",
)


@dataclass
class Followed:
    """The followed records, one entry per record, aligned arrays."""

    placement: np.ndarray  # bool: a placement (a job), else a beneficiary (a micro-project)
    record_id: np.ndarray  # int64
    year: np.ndarray  # int16
    sector: np.ndarray  # int8: index in ``sectors``
    sectors: tuple[str, ...]  # the sector codes, in the frames' order
    woman: np.ndarray  # bool
    age: np.ndarray  # int8: index in the age bands
    cohort: np.ndarray  # bool: in the published cohort (2015 or before)

    def __len__(self) -> int:
        return len(self.record_id)


def follow_ups(
    beneficiary: pd.DataFrame, placement: pd.DataFrame, seed: int, scale: int, seed_dir: Path
) -> pd.DataFrame:
    """The follow_up frame of the demo records: visits and returns, ids in date order."""
    rng = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(FOLLOW_UP_STREAM,)))
    statuses, reasons = (
        tuple(pd.read_csv(Path(seed_dir) / name).sort_values("sort_order")["code"])
        for name in ("follow_up_statuses.csv", "closure_reasons.csv")
    )
    followed = _followed(rng, beneficiary, placement, scale)
    timeline = _timeline(rng, followed, scale)
    rows = _rows(rng, followed, timeline, statuses, reasons)
    return _frame(followed, rows, statuses, reasons)


# --- Who is followed ---------------------------------------------------------------------


def _records(frame: pd.DataFrame, key: str, year: str, is_placement: bool) -> dict:
    n = len(frame)
    return {
        "placement": np.full(n, is_placement),
        "record_id": frame[key].to_numpy(np.int64),
        "year": frame[year].to_numpy(np.int16),
        "sector": frame["sector_code"].cat.codes.to_numpy(np.int8),
        "woman": (
            frame["sex"].cat.codes == list(frame["sex"].cat.categories).index("F")
        ).to_numpy(),
        "age": frame["age_band"].cat.codes.to_numpy(np.int8),
    }


def _followed(rng, beneficiary: pd.DataFrame, placement: pd.DataFrame, scale: int) -> Followed:
    """Every beneficiary; of the placements of 2015 or before, exactly enough to make the
    published cohort; a share of the later ones."""
    early = (placement["year"] <= PUBLISHED_COHORT_LAST_YEAR).to_numpy()
    early_beneficiaries = int((beneficiary["programme_year"] <= PUBLISHED_COHORT_LAST_YEAR).sum())
    wanted = FOLLOWED_2015 * scale - early_beneficiaries
    if not 0 <= wanted <= early.sum():
        raise ValueError(f"cannot follow {wanted} of {early.sum()} placements of 2015 or before")
    chosen = np.zeros(len(placement), dtype=bool)
    chosen[rng.choice(np.flatnonzero(early), size=wanted, replace=False)] = True
    chosen |= ~early & (rng.random(len(placement)) < LATER_PLACEMENTS_FOLLOWED)
    parts = [
        _records(beneficiary, "beneficiary_id", "programme_year", False),
        _records(placement[chosen], "placement_id", "year", True),
    ]
    cols = {name: np.concatenate([part[name] for part in parts]) for name in parts[0]}
    sectors = tuple(beneficiary["sector_code"].cat.categories)
    if tuple(placement["sector_code"].cat.categories) != sectors:
        raise ValueError("beneficiaries and placements must share their sector codes")
    return Followed(**cols, sectors=sectors, cohort=cols["year"] <= PUBLISHED_COHORT_LAST_YEAR)


# --- When things happen --------------------------------------------------------------------


def _month_index(text: str) -> int:
    return int(np.datetime64(text, "M").astype(np.int64))


def _origin(year: np.ndarray) -> np.ndarray:
    """Months since 1970-01 of 1 July of each year."""
    return (year.astype(np.int64) - 1970) * 12 + ORIGIN_MONTH - 1


def _last_tick(origin: np.ndarray, month: str) -> np.ndarray:
    """The tick of the 28th of ``month``, for each origin: no record goes beyond it."""
    return (_month_index(month) - origin) * TICKS + TICKS - 1


def _hazard_times(rng, hazard: tuple, factor: np.ndarray) -> np.ndarray:
    """Months until an event of piecewise-constant monthly ``hazard`` times ``factor``."""
    target = rng.exponential(size=len(factor)) / factor  # cumulative hazard to reach
    months = np.full(len(factor), np.inf)
    reached = 0.0
    for index, (start, rate) in enumerate(hazard):
        end = hazard[index + 1][0] if index + 1 < len(hazard) else np.inf
        inside = np.isinf(months) & (target <= reached + rate * (end - start))
        months[inside] = start + (target[inside] - reached) / rate
        reached += rate * (end - start)
    return months


def _year_factor(rng, followed: Followed) -> np.ndarray:
    """One lognormal factor per (kind, year) present, in that order: each cohort has its luck."""
    keys = (followed.year.astype(np.int64) - followed.year.min()) * 2 + followed.placement
    present = np.bincount(keys) > 0
    table = np.zeros(len(present))
    table[present] = rng.lognormal(0.0, COHORT_SIGMA, int(present.sum()))
    return table[keys]


def _spell_ticks(rng, followed: Followed) -> np.ndarray:
    """When each micro-project closes or each job ends, in ticks (inf: beyond 100 years)."""
    project = np.array([PROJECT_SECTOR_FACTOR.get(s, 1.0) for s in followed.sectors])
    job = np.array([JOB_SECTOR_FACTOR.get(s, 1.0) for s in followed.sectors])
    project, job = project[followed.sector], job[followed.sector]
    women = np.where(followed.woman & ~followed.placement, WOMEN_PROJECT_FACTOR, 1.0)
    factor = np.where(followed.placement, job, project * women) * _year_factor(rng, followed)
    months = np.where(
        followed.placement,
        _hazard_times(rng, JOB_HAZARD, factor),
        _hazard_times(rng, PROJECT_HAZARD, factor),
    )
    return months * TICKS


@dataclass
class Timeline:
    """Per followed record: visit ticks (n x visits), the visit that ends the spell, the
    return to prison (tick, or -1), the last tick a visit may have."""

    origin: np.ndarray
    visits: np.ndarray  # int32, n x len(VISIT_MONTHS)
    ending: np.ndarray  # index of the visit that sees the spell end (len: none)
    returned: np.ndarray  # int32 tick of the return to prison; -1: none recorded
    last: np.ndarray  # int32: the last tick of a visit (horizon and loss to follow-up)


def _timeline(rng, followed: Followed, scale: int) -> Timeline:
    """Visits, the spell's end, loss to follow-up and returns to prison of every record."""
    n = len(followed)
    origin = _origin(followed.year)
    visits = np.asarray(VISIT_MONTHS, dtype=np.int32) * TICKS + rng.integers(
        0, TICKS, size=(n, len(VISIT_MONTHS)), dtype=np.int32
    )
    spell = _spell_ticks(rng, followed)
    seen = visits >= spell[:, None]
    ending = np.where(seen.any(axis=1), seen.argmax(axis=1), len(VISIT_MONTHS))
    loss = visits[:, 0] + rng.exponential(1 / LOSS_HAZARD, n) * TICKS
    last = np.minimum(_last_tick(origin, FOLLOW_UP_END), loss).astype(np.int32)
    end_visit = np.where(ending < len(VISIT_MONTHS), _at(visits, ending), np.iinfo(np.int32).max)
    returned = _returns(rng, followed, visits[:, 0], np.minimum(end_visit - 1, last), scale)
    returned = np.where(returned <= np.minimum(end_visit - 1, last), returned, -1)
    return Timeline(origin, visits, ending, returned.astype(np.int32), last)


def _at(matrix: np.ndarray, column: np.ndarray) -> np.ndarray:
    """matrix[i, column[i]] for each row (column clipped to the matrix)."""
    clipped = np.minimum(column, matrix.shape[1] - 1)
    return np.take_along_axis(matrix, clipped[:, None], axis=1)[:, 0]


def _returns(rng, followed: Followed, first: np.ndarray, open_until: np.ndarray, scale: int):
    """The tick of each return to prison: exactly ``RETURNED_2015 * scale`` of the published
    cohort back in prison by the end of 2015, after their first visit while still followed;
    the rest of the cohort not before 2016; everyone else as the hazard says."""
    rate = RETURN_HAZARD * np.take(RETURN_AGE_FACTOR, followed.age)
    rate = rate * np.where(followed.woman, RETURN_WOMEN_FACTOR, 1.0)
    ticks = np.floor(rng.exponential(1 / rate) * TICKS)  # whole ticks: dates
    end_2015 = _last_tick(_origin(followed.year), f"{PUBLISHED_COHORT_LAST_YEAR}-12")
    until = np.minimum(open_until, end_2015)
    eligible = followed.cohort & (until > first)
    wanted = RETURNED_2015 * scale
    if eligible.sum() < wanted:
        raise ValueError(f"only {eligible.sum()} followed people could return by 2015")
    weight = -np.expm1(-rate[eligible] * (until - first)[eligible] / TICKS)
    chosen = rng.choice(
        np.flatnonzero(eligible), size=wanted, replace=False, p=weight / weight.sum()
    )
    later = followed.cohort & (ticks <= end_2015)
    ticks[later] = end_2015[later] + 1 + np.floor(rng.exponential(1 / rate[later]) * TICKS)
    span = (until - first)[chosen]
    ticks[chosen] = first[chosen] + 1 + rng.integers(0, span)
    return ticks.astype(np.int64)


# --- The rows ------------------------------------------------------------------------------


@dataclass
class Rows:
    """The follow-up records, one entry per row: which followed record, when, what status."""

    record: np.ndarray  # index into Followed
    tick: np.ndarray
    status: np.ndarray  # index into the statuses
    reason: np.ndarray  # index into the reasons, -1: none


def _kept(timeline: Timeline) -> np.ndarray:
    """The visits that happen: before the horizon and loss to follow-up, up to the one that
    sees the spell end, before a return to prison."""
    column = np.arange(timeline.visits.shape[1])[None, :]
    returned = timeline.returned[:, None]
    return (
        (timeline.visits <= timeline.last[:, None])
        & (column <= timeline.ending[:, None])
        & ((returned < 0) | (timeline.visits < returned))
    )


def _rows(rng, followed: Followed, timeline: Timeline, statuses, reasons) -> Rows:
    """Each visit kept with the status it saw, and each return to prison, in record order (a
    record's rows by date): placed by position, without sorting."""
    kept = _kept(timeline)
    record, visit = np.nonzero(kept)  # record-major, visits in date order
    per_record = kept.sum(axis=1)
    back = timeline.returned >= 0
    start = np.cumsum(per_record + back) - (per_record + back)
    rank = np.arange(len(record)) - (np.cumsum(per_record) - per_record)[record]
    position = start[record] + rank
    n = len(record) + int(back.sum())
    rows = Rows(np.empty(n, np.int64), np.empty(n, np.int32), np.empty(n, np.int8),
                np.full(n, -1, np.int8))  # fmt: skip
    rows.record[position], rows.tick[position] = record, timeline.visits[record, visit]
    rows.status[position] = _visit_status(rng, followed.placement[record],
                                          visit == timeline.ending[record], statuses)  # fmt: skip
    closed = position[rows.status[position] == statuses.index("projet_ferme")]
    share = np.array([REASON_SHARE.get(reason, 0.01) for reason in reasons])
    cuts = np.cumsum(share / share.sum())[:-1]
    rows.reason[closed] = np.searchsorted(cuts, rng.random(len(closed)), side="right")
    returns = np.flatnonzero(back)
    at = start[returns] + per_record[returns]
    rows.record[at], rows.tick[at] = returns, timeline.returned[returns]
    rows.status[at] = statuses.index("retour_prison")
    return rows


def _visit_status(rng, placement: np.ndarray, ends: np.ndarray, statuses) -> np.ndarray:
    """What a visit saw: a micro-project running (or paused), closed; a job held, left or
    lost (dismissed). One uniform draw per visit."""
    table = np.array(
        [statuses.index(code) for code in (
            "projet_actif", "projet_suspendu", "projet_ferme", "projet_ferme",
            "en_poste", "en_poste", "depart", "licencie",
        )],
        dtype=np.int8,
    )  # fmt: skip
    share = np.where(placement, DISMISSED_SHARE, PAUSED_SHARE)
    flag = rng.random(len(placement), dtype=np.float32) < share
    return table[placement.astype(np.int8) * 4 + ends.astype(np.int8) * 2 + flag]


def _frame(followed: Followed, rows: Rows, statuses, reasons) -> pd.DataFrame:
    """The follow_up frame: ids 1..n in record order, one key of the two, codes as
    categoricals."""
    months = _origin(followed.year)[rows.record] + rows.tick // TICKS
    first = months.min() if len(months) else 0
    first_days = np.arange(first, months.max() + 1 if len(months) else 1).astype("datetime64[M]")
    days = first_days.astype("datetime64[D]").astype(np.int64)[months - first] + rows.tick % TICKS
    placement = followed.placement[rows.record]
    keys = followed.record_id[rows.record]
    n = len(keys)
    return pd.DataFrame(
        {
            "follow_up_id": np.arange(1, n + 1, dtype=np.int64),
            "beneficiary_id": pd.arrays.IntegerArray(keys, placement),
            "placement_id": pd.arrays.IntegerArray(keys.copy(), ~placement),
            "visit_date": (days * 86_400).astype("datetime64[s]"),
            "status_code": pd.Categorical.from_codes(rows.status, categories=statuses),
            "reason_code": pd.Categorical.from_codes(rows.reason, categories=reasons),
            "is_demo": np.ones(n, dtype=bool),
            "batch_id": pd.arrays.IntegerArray(np.zeros(n, np.int32), np.ones(n, dtype=bool)),
        },
        columns=list(COLUMNS),
        copy=False,
    )
