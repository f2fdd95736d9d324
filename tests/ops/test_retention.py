"""lib.ops.retention: which backups are kept (7 daily, 4 weekly, 12 monthly), as properties."""

from __future__ import annotations

from datetime import datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from lib.ops.retention import Policy, kept, pruned

MOMENTS = st.lists(
    st.datetimes(min_value=datetime(2020, 1, 1), max_value=datetime(2026, 12, 31)),
    max_size=200,
)
POLICIES = st.builds(
    Policy,
    daily=st.integers(0, 10),
    weekly=st.integers(0, 6),
    monthly=st.integers(0, 15),
)


@given(MOMENTS, POLICIES)
def test_the_newest_backup_is_never_deleted(moments, policy):
    if moments:
        assert max(moments) in kept(moments, policy)
        assert max(moments) not in pruned(moments, policy)


@given(MOMENTS, POLICIES)
def test_kept_and_pruned_split_the_backups_and_keep_at_most_the_policy(moments, policy):
    keep, going = kept(moments, policy), pruned(moments, policy)
    assert keep | going == set(moments) and not keep & going
    assert len(keep) <= policy.most


@given(MOMENTS, POLICIES)
def test_pruning_again_deletes_nothing_more(moments, policy):
    keep = kept(moments, policy)
    assert kept(keep, policy) == keep


@given(MOMENTS)
def test_the_newest_backup_of_each_of_the_last_seven_days_is_kept(moments):
    keep = kept(moments)
    days = sorted({moment.date() for moment in moments}, reverse=True)[:7]
    for day in days:
        assert max(m for m in moments if m.date() == day) in keep


@given(MOMENTS)
def test_each_of_the_last_twelve_months_keeps_one_and_no_day_keeps_two(moments):
    keep = kept(moments)
    months = sorted({(m.year, m.month) for m in moments}, reverse=True)[:12]
    assert months == sorted({(m.year, m.month) for m in keep}, reverse=True)[:12]
    assert len({moment.date() for moment in keep}) == len(keep)


def test_a_year_of_nightly_backups_keeps_seven_days_four_weeks_twelve_months():
    nights = [datetime(2025, 1, 1, 2) + timedelta(days=n) for n in range(365)]
    keep = sorted(kept(nights), reverse=True)
    assert keep[:7] == sorted(nights, reverse=True)[:7]  # the last seven nights
    assert len(keep) <= 7 + 4 + 12
    assert min(keep) <= datetime(2025, 2, 1)  # a backup of about a year ago is still there


def test_nothing_to_keep_from_nothing():
    assert kept([]) == set() and pruned([]) == set()
