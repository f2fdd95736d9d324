"""lib.warehouse.demo_outcomes: the demo's follow-ups reproduce the published 134 of 3 893 people
followed by the foundation back in prison (2015) exactly, are deterministic, leave the other
tables' draws untouched, and are consistent with the records they follow."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lib.outcomes import cohorts
from lib.warehouse import demo, demo_outcomes, queries
from lib.warehouse.filters import Filters

SEED_DIR = Path(__file__).resolve().parent.parent / "data" / "seed"
END_2015 = pd.Timestamp("2015-12-31")


@pytest.fixture(scope="module")
def frames() -> dict[str, pd.DataFrame]:
    return demo.generate(seed_dir=SEED_DIR)


def with_records(frames: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Each follow-up with the year of the record it names (and which kind of record)."""
    follow = frames["follow_up"]
    years = frames["beneficiary"].set_index("beneficiary_id")["programme_year"]
    placement_years = frames["placement"].set_index("placement_id")["year"]
    is_placement = follow["placement_id"].notna()
    record_year = np.where(
        is_placement,
        follow["placement_id"].map(placement_years),
        follow["beneficiary_id"].map(years),
    )
    key = np.where(
        is_placement, -follow["placement_id"].fillna(0), follow["beneficiary_id"].fillna(0)
    )
    return follow.assign(record_year=record_year, placement=is_placement, key=key)


def published_counts(frames: dict[str, pd.DataFrame]) -> tuple[int, int]:
    """(followed, returned) of the published cohort, counted straight from the frames."""
    rows = with_records(frames)
    early = rows[(rows["record_year"] <= 2015) & (rows["visit_date"] <= END_2015)]
    back = early[early["status_code"] == "retour_prison"]
    return early["key"].nunique(), back["key"].nunique()


def test_the_published_cohort_is_exactly_134_of_3893(frames):
    assert published_counts(frames) == (3_893, 134)


def test_the_warehouse_cubes_give_134_of_3893_and_the_published_rate():
    options = queries.filter_options()
    returns = queries.outcome_returns(Filters(2019), options)
    cohort = cohorts.published_cohort(returns)
    assert (cohort["followed"], cohort["returned"]) == (3_893, 134)
    assert round(100 * cohort["rate"], 2) == 3.44  # the published 3.44 %
    assert cohort["any_demo"]
    published = queries.published_figures()
    rate = published[published["indicator"] == "foundation_followed_reoffending_rate"]
    assert rate["value"].tolist() == [3.44] and rate["period"].tolist() == ["2015"]


@settings(max_examples=4, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(min_value=0, max_value=2**63 - 1), scale=st.integers(1, 2))
def test_the_published_cohort_holds_for_any_seed_and_scale(seed, scale):
    generated = demo.generate(scale=scale, seed=seed, seed_dir=SEED_DIR)
    assert published_counts(generated) == (3_893 * scale, 134 * scale)


def test_the_published_cohort_is_exact_at_a_larger_scale():
    # Rare edges (a return drawn within a day of the end of 2015) show only in many people.
    assert published_counts(demo.generate(scale=40, seed=5, seed_dir=SEED_DIR)) == (
        3_893 * 40,
        134 * 40,
    )


def test_deterministic_and_the_other_tables_keep_their_draws(frames):
    again = demo.generate(seed_dir=SEED_DIR)
    pd.testing.assert_frame_equal(frames["follow_up"], again["follow_up"])
    ref = demo.load_reference(SEED_DIR)
    rng = np.random.default_rng(demo.DEFAULT_SEED)  # the draws before follow-ups existed
    pd.testing.assert_frame_equal(frames["beneficiary"], demo._beneficiaries(ref, rng, 1))
    pd.testing.assert_frame_equal(frames["placement"], demo._placements(ref, rng, 1))
    pd.testing.assert_frame_equal(frames["intervention"], demo._interventions(ref, rng, 1))
    other = demo.generate(seed=demo.DEFAULT_SEED + 1, seed_dir=SEED_DIR)["follow_up"]
    assert not other["visit_date"].equals(frames["follow_up"]["visit_date"])


def test_every_follow_up_is_consistent_with_its_record(frames):
    rows = with_records(frames)
    assert rows["record_year"].notna().all()  # every key names a demo record
    assert (rows["beneficiary_id"].isna() != rows["placement_id"].isna()).all()
    assert (rows["visit_date"].dt.year >= rows["record_year"]).all()
    assert rows["visit_date"].max() <= pd.Timestamp("2019-12-31")
    statuses = pd.read_csv(SEED_DIR / "follow_up_statuses.csv").set_index("code")
    applies = rows["status_code"].astype(str).map(statuses["applies_to"])
    assert (
        (applies == "both") | (applies == np.where(rows["placement"], "placement", "beneficiary"))
    ).all()
    closed = rows["status_code"] == "projet_ferme"
    assert rows.loc[closed, "reason_code"].notna().all()
    assert rows.loc[~closed, "reason_code"].isna().all()
    assert rows["is_demo"].all() and rows["batch_id"].isna().all()


def test_nothing_follows_an_ending_and_ids_run_record_by_record(frames):
    rows = with_records(frames)
    ends = (
        rows["status_code"]
        .astype(str)
        .isin(["projet_ferme", "depart", "licencie", "retour_prison"])
    )
    last = rows.groupby("key")["visit_date"].transform("max")
    assert (rows.loc[ends, "visit_date"] == last[ends]).all()
    assert (rows.groupby("key")["visit_date"].apply(lambda d: d.is_monotonic_increasing)).all()
    assert not rows.duplicated(["key", "visit_date"]).any()
    assert np.array_equal(rows["follow_up_id"], np.arange(1, len(rows) + 1))


def test_plausible_outcomes_elsewhere(frames):
    options = queries.filter_options()
    projects = queries.outcome_spells("beneficiary", Filters(2019), options)
    jobs = queries.outcome_spells("placement", Filters(2019), options)
    at_12 = cohorts.share_active(projects, by="cohort_year", horizons=[12]).dropna()
    assert at_12["share"].between(0.6, 0.95).all()
    assert 2018 in set(at_12["cohort_year"]) and 2019 not in set(at_12["cohort_year"])
    kept = cohorts.share_active(jobs, horizons=[12])["share"].iloc[0]
    assert 0.4 < kept < 0.75  # jobs are lost faster than micro-projects close
    assert len(frames["follow_up"]) < 4 * (len(frames["beneficiary"]) + len(frames["placement"]))


def test_refuses_a_cohort_it_cannot_make(frames):
    few = frames["placement"].head(100)
    with pytest.raises(ValueError, match="cannot follow"):
        demo_outcomes.follow_ups(frames["beneficiary"], few, 1, 1, SEED_DIR)
