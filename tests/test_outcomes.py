"""lib.outcomes: the Kaplan-Meier estimator against hand computations and a textbook example,
its properties, the Wilson interval, and the cohort views on hand-made cube rows."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lib.outcomes import cohorts, rates, survival

# --- The estimator --------------------------------------------------------------------------

# Freireich et al. (1963), 6-MP arm: weeks in remission, "*" censored. Klein & Moeschberger,
# Survival Analysis (2003), table 4.1B: S(t) and Greenwood's standard error.
SIX_MP = "6 6 6 6* 7 9* 10 10* 11* 13 16 17* 19* 20* 22 23 25* 32* 32* 34* 35*"
SIX_MP_TABLE = {  # time: (survival, standard error)
    6: (0.857, 0.0764),
    7: (0.807, 0.0869),
    10: (0.753, 0.0963),
    13: (0.690, 0.1068),
    16: (0.627, 0.1141),
    22: (0.538, 0.1282),
    23: (0.448, 0.1346),
}


def people(spec: str) -> pd.DataFrame:
    """One row per person from "6 6* 7": a time, and "*" when censored."""
    items = spec.split()
    return pd.DataFrame(
        {
            "months": [int(item.rstrip("*")) for item in items],
            "ended": [not item.endswith("*") for item in items],
        }
    )


def test_the_six_mp_textbook_example():
    table = survival.kaplan_meier(people(SIX_MP), count=None).set_index("time")
    for time, (expected, error) in SIX_MP_TABLE.items():
        assert table.loc[time, "survival"] == pytest.approx(expected, abs=5e-4)
        assert table.loc[time, "std_error"] == pytest.approx(error, abs=5e-5)
    assert table.loc[6, ["at_risk", "events", "censored"]].tolist() == [21, 3, 1]
    assert table.loc[23, "at_risk"] == 6
    assert survival.median_survival(table.reset_index()) == 23
    # The log-log band (lifelines' and R's conf.type="log-log") at 6 weeks.
    assert table.loc[6, "lower"] == pytest.approx(0.6197, abs=5e-4)
    assert table.loc[6, "upper"] == pytest.approx(0.9516, abs=5e-4)


def test_a_small_cohort_computed_by_hand():
    # 5 people: an event at 2, one censored at 3, events at 6 and 12, one censored at 24.
    table = survival.kaplan_meier(people("2 3* 6 12 24*"), count=None)
    assert table["time"].tolist() == [2, 3, 6, 12, 24]
    assert table["at_risk"].tolist() == [5, 4, 3, 2, 1]
    expected = [4 / 5, 4 / 5, 4 / 5 * 2 / 3, 4 / 5 * 2 / 3 * 1 / 2, 4 / 5 * 2 / 3 * 1 / 2]
    assert table["survival"].tolist() == pytest.approx(expected)
    greenwood_12 = 1 / (5 * 4) + 1 / (3 * 2) + 1 / (2 * 1)
    assert table["std_error"].iloc[3] == pytest.approx(expected[3] * math.sqrt(greenwood_12))
    read = survival.survival_at(table, [0, 1, 2, 6, 11, 12, 24, 25])
    assert read["survival"].tolist()[:7] == pytest.approx(
        [1, 1, 0.8, 8 / 15, 8 / 15, 4 / 15, 4 / 15]
    )
    assert math.isnan(read["survival"].iloc[7])  # nobody followed 25 months
    assert read["at_risk"].tolist() == [5, 5, 5, 3, 2, 2, 1, 0]


def test_counts_weigh_like_repeated_rows_and_censoring_at_an_event_time_counts_at_risk():
    grouped = pd.DataFrame(
        {"months": [4, 4, 9], "ended": [True, False, True], "records": [2, 3, 5]}
    )
    single = people("4 4 4* 4* 4* 9 9 9 9 9")
    left = survival.kaplan_meier(grouped)
    right = survival.kaplan_meier(single, count=None)
    pd.testing.assert_frame_equal(left, right)
    assert left["survival"].tolist() == pytest.approx([0.8, 0.0])  # 2 of 10, then all 5 left
    assert left["lower"].iloc[1] == 0 and left["upper"].iloc[1] == 0


def test_an_empty_or_wrong_frame():
    empty = survival.kaplan_meier(people(""), count=None)
    assert empty.empty and list(empty.columns) == list(survival.TABLE_COLUMNS)
    assert survival.survival_at(empty, [6])["survival"].isna().all()
    with pytest.raises(ValueError):
        survival.kaplan_meier(people("-1 3"), count=None)
    with pytest.raises(ValueError):
        survival.kaplan_meier(people("3"), count=None, confidence=1.5)


durations = st.lists(
    st.tuples(st.integers(0, 60), st.booleans(), st.integers(1, 5)), min_size=1, max_size=40
)


def _frame(rows) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["months", "ended", "records"])


@settings(max_examples=60, deadline=None)
@given(durations)
def test_survival_never_rises_and_stays_between_0_and_1(rows):
    table = survival.kaplan_meier(_frame(rows))
    values = table["survival"].to_numpy()
    assert ((values >= 0) & (values <= 1)).all()
    assert (np.diff(values) <= 1e-12).all()
    assert (table["lower"] <= table["survival"] + 1e-12).all()
    assert (table["survival"] <= table["upper"] + 1e-12).all()
    assert table["at_risk"].iloc[0] == _frame(rows)["records"].sum()


@settings(max_examples=60, deadline=None)
@given(durations)
def test_without_censoring_survival_is_the_share_without_the_event(rows):
    frame = _frame(rows).assign(ended=True)
    table = survival.kaplan_meier(frame)
    total = frame["records"].sum()
    for row in table.itertuples(index=False):
        happened = frame.loc[frame["months"] <= row.time, "records"].sum()
        assert row.survival == pytest.approx(1 - happened / total)


# --- Wilson ---------------------------------------------------------------------------------


def test_wilson_interval_known_values():
    low, high = rates.wilson_interval(134, 3_893)  # the published 3.44 %
    assert (float(low), float(high)) == pytest.approx((0.029137, 0.040622), abs=1e-6)
    low, high = rates.wilson_interval([0, 10, 3], [10, 10, 10])
    assert low.tolist() == pytest.approx([0.0, 0.722467, 0.107791], abs=1e-6)
    assert high.tolist() == pytest.approx([0.277533, 1.0, 0.603222], abs=1e-6)
    low, high = rates.wilson_interval(0, 0)
    assert math.isnan(low) and math.isnan(high)
    with pytest.raises(ValueError):
        rates.wilson_interval(3, 2)


@settings(max_examples=60, deadline=None)
@given(st.integers(0, 500).flatmap(lambda n: st.tuples(st.integers(0, n), st.just(n))))
def test_wilson_interval_holds_the_rate(pair):
    k, n = pair
    frame = rates.with_rate(pd.DataFrame({"k": [k], "n": [n]}), "k", "n").iloc[0]
    if n == 0:
        assert math.isnan(frame["rate"])
        return
    assert 0 <= frame["lower"] <= frame["rate"] <= frame["upper"] <= 1


# --- Cohort views on cube rows made by hand -------------------------------------------------


def spells() -> pd.DataFrame:
    """Micro-projects of tests/small_records.py, as outcome_spells returns them."""
    rows = [  # cohort, region, sector, sex, months, ended, end_status, reason
        (2018, 6, "commerce", "F", 12, True, "projet_ferme", "revenus_insuffisants"),
        (2018, 1, "agriculture", "M", 24, False, None, None),
        (2019, 6, "commerce", "M", 6, True, "projet_ferme", "dettes"),
        (2019, 6, "agriculture", "F", 3, False, None, None),
        (2019, 9, "services", "M", 2, True, "retour_prison", None),
    ]
    columns = ["cohort_year", "region_code", "sector_code", "sex", "months", "ended",
               "end_status", "reason_code"]  # fmt: skip
    return pd.DataFrame(rows, columns=columns).assign(records=1, any_demo=True)


def test_survival_curves_per_cohort_start_at_one():
    curves = cohorts.survival_curves(spells())
    first = curves[curves["cohort_year"] == 2018]
    assert first["time"].tolist() == [0, 12, 24]
    assert first["survival"].tolist() == [1.0, 0.5, 0.5]
    second = curves[curves["cohort_year"] == 2019]
    assert second["time"].tolist() == [0, 2, 3, 6]
    assert second["survival"].tolist() == pytest.approx([1, 2 / 3, 2 / 3, 0])
    assert set(curves["records"]) == {2, 3} and curves["any_demo"].all()


def test_share_active_by_cohort_and_by_sex():
    by_cohort = cohorts.share_active(spells(), by="cohort_year").set_index(
        ["cohort_year", "horizon"]
    )
    assert by_cohort.loc[(2018, 6), "share"] == 1.0
    assert by_cohort.loc[(2018, 12), "share"] == 0.5
    assert by_cohort.loc[(2018, 24), ["share", "at_risk", "records"]].tolist() == [0.5, 1, 2]
    assert by_cohort.loc[(2019, 6), "share"] == 0.0
    assert math.isnan(by_cohort.loc[(2019, 12), "share"])  # followed 6 months at most
    everyone = cohorts.share_active(spells()).set_index("horizon")
    assert everyone.loc[6, "share"] == pytest.approx(4 / 5 * 2 / 3)
    by_sex = cohorts.share_active(spells(), by="sex", horizons=[12]).set_index("sex")
    assert by_sex.loc["F", "share"] == 0.0  # closed at 12 after one censored at 3
    assert by_sex.loc["M", "share"] == pytest.approx(1 / 3)  # events at 2 and 6 among 3
    assert by_sex["records"].to_dict() == {"F": 2, "M": 3}


def test_the_overview_tile_takes_the_latest_cohort_followed_long_enough():
    tile = cohorts.still_running(spells(), months=12)
    assert tile["cohort_year"] == 2018 and tile["share"] == 0.5
    assert tile["records"] == 2 and tile["at_risk"] == 2 and tile["any_demo"]
    assert cohorts.still_running(spells(), months=6)["cohort_year"] == 2019
    assert cohorts.still_running(spells(), months=36) is None


def test_how_spells_ended_and_why():
    ended = cohorts.how_spells_ended(spells(), by=None)
    assert dict(zip(ended["end_status"], ended["records"], strict=True)) == {
        "projet_ferme": 2,
        "retour_prison": 1,
    }
    reasons = cohorts.how_spells_ended(spells(), column="reason_code").set_index("cohort_year")
    assert reasons.loc[2019, ["reason_code", "share"]].tolist() == ["dettes", 1.0]


def returns() -> pd.DataFrame:
    """Followed people of tests/small_records.py, as outcome_returns returns them."""
    rows = [  # kind, cohort, first visit year, last months, return year, return months
        ("beneficiary", 2018, 2018, 12, None, None),
        ("beneficiary", 2018, 2018, 24, None, None),
        ("beneficiary", 2019, 2019, 6, None, None),
        ("beneficiary", 2019, 2019, 3, None, None),
        ("beneficiary", 2019, 2019, 2, 2019, 2),
        ("placement", 2018, 2018, 6, None, None),
        ("placement", 2018, 2018, 20, 2020, 20),
    ]
    columns = ["record_kind", "cohort_year", "first_visit_year", "last_months", "return_year",
               "return_months"]  # fmt: skip
    frame = pd.DataFrame(rows, columns=columns).assign(records=1, any_demo=False)
    return frame.astype({"return_year": "Int64", "return_months": "Int64"})


def test_returns_by_cohort_with_wilson_intervals():
    by_cohort = cohorts.returns_by_cohort(returns()).set_index("cohort_year")
    assert by_cohort[["followed", "returned"]].to_dict("index") == {
        2018: {"followed": 4, "returned": 1},
        2019: {"followed": 3, "returned": 1},
    }
    low, high = rates.wilson_interval(1, 4)
    assert by_cohort.loc[2018, ["rate", "lower", "upper"]].tolist() == pytest.approx(
        [0.25, float(low), float(high)]
    )
    assert not by_cohort["any_demo"].any()
    everyone = cohorts.returns_by_cohort(returns(), by=None).iloc[0]
    assert (everyone["followed"], everyone["returned"]) == (7, 2)


def test_returns_within_months_censor_the_people_followed_less():
    within = cohorts.returns_within(returns(), months=[6, 24]).set_index(["cohort_year", "horizon"])
    # 2019: back at 2 among 3 followed (then 2 left, censored at 3 and 6): 1 - 2/3.
    assert within.loc[(2019, 6), "share"] == pytest.approx(1 / 3)
    assert math.isnan(within.loc[(2019, 24), "share"])
    # 2018: back at 20 among the 2 still followed then (of 4): 1 - 1/2.
    assert within.loc[(2018, 24), "share"] == pytest.approx(0.5)
    assert within.loc[(2018, 6), "share"] == 0.0
    assert (within["lower"].dropna() <= within["share"].dropna()).all()


def test_the_published_cohort_is_computed_from_the_cube_rows():
    frame = pd.DataFrame(
        {
            "cohort_year": [2013, 2015, 2015, 2015, 2016],
            "first_visit_year": [2013, 2015, 2016, 2015, 2016],
            "return_year": [2014, None, None, 2016, None],
            "records": [10, 20, 5, 7, 100],
            "any_demo": [True, True, True, True, False],
        }
    ).astype({"return_year": "Int64"})
    cohort = cohorts.published_cohort(frame)
    assert (cohort["followed"], cohort["returned"]) == (37, 10)  # 2016 visits and returns: out
    assert cohort["rate"] == pytest.approx(10 / 37) and cohort["any_demo"]


def test_a_curve_stops_where_fewer_than_a_tenth_of_its_cohort_is_still_followed():
    # 19 people last seen running at 3 months, 1 back in prison at 5: beyond 3 months the
    # only one left is the one something happened to; the curve must not fall to 0 there.
    rows = pd.DataFrame(
        {"cohort_year": 2019, "months": [3, 5], "ended": [False, True], "records": [19, 1],
         "any_demo": False}
    )  # fmt: skip
    curve = cohorts.survival_curves(rows)
    assert curve["time"].tolist() == [0, 3] and curve["survival"].tolist() == [1.0, 1.0]
    shares = cohorts.share_active(rows, by="cohort_year", horizons=[3, 6])
    assert shares["share"].iloc[0] == 1.0 and math.isnan(shares["share"].iloc[1])
    assert cohorts.MIN_FOLLOWED == 0.10
