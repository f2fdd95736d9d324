"""lib.public.outcomes: the public snapshot's outcome tables (micro-projects and jobs 12 months
on) pass the disclosure control of every other table; a small cohort is "not published", never
a rate on fewer than the threshold; a cohort is split by region only where every number of the
split may be shown; and the intruder of ``tests/public_files_audit.py``, taught to read these
tables too, recovers nothing."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import tests.public_files_audit as intruder
from lib.config import get_settings
from lib.public import outcomes
from lib.public.audit import Pattern
from lib.public.publish import PublicationRefused, publish
from lib.public.system import System
from lib.warehouse import db
from lib.warehouse.build import build
from tests.test_publish_disclosure import GRANT, published, records

STATUSES = outcomes.STATUSES
VISITS = {  # a person's status 12 months on -> their visits (months after 1 July, status)
    "active": [(3, "projet_actif"), (13, "projet_actif")],
    "ended": [(3, "projet_actif"), (8, "projet_ferme")],
    "unknown": [(3, "projet_actif")],  # last seen at 3 months: censored
    "none": [],  # never followed
}


def people_of(groups) -> list[tuple[int, int, str]]:
    """(year, region, status) per person, from (year, region, status, how many) groups."""
    return [(year, region, status) for year, region, status, count in groups for _ in range(count)]


def with_follow_ups(people: list[tuple[int, int, str]]) -> dict[str, pd.DataFrame]:
    """Imported beneficiaries (commerce, men) and their follow-up visits."""
    recs = records([(year, region, "commerce", "M", GRANT) for year, region, _ in people])
    rows = []
    for key, (year, _, status) in enumerate(people, start=1):
        for months, code in VISITS[status]:
            when = pd.Timestamp(date(year, 7, 10)) + pd.DateOffset(months=months)
            reason = "dettes" if code == "projet_ferme" else None
            rows.append((key, when, code, reason))
    frame = pd.DataFrame(rows, columns=["beneficiary_id", "visit_date", "status_code",
                                        "reason_code"])  # fmt: skip
    frame.insert(0, "follow_up_id", range(1, len(frame) + 1))
    frame["beneficiary_id"] = frame["beneficiary_id"].astype("Int64")
    frame.insert(2, "placement_id", pd.array([None] * len(frame), dtype="Int64"))
    frame["visit_date"] = pd.to_datetime(frame["visit_date"])
    frame["is_demo"] = False
    frame["batch_id"] = pd.array([1] * len(frame), dtype="Int32")
    return {**recs, "follow_up": frame}


def true_outcomes(people: list[tuple[int, int, str]]) -> dict[tuple, float]:
    """Every number of the snapshot as the records make it, the outcome counts included (for
    the cohorts whose 12 months the latest visit of all reaches)."""
    values = intruder.true_values(with_follow_ups(people))
    last = [12 * year + VISITS[status][-1][0] for year, _, status in people if VISITS[status]]
    reached = max(last, default=0)  # in months after July of year 0
    for year in {year for year, _, _ in people if 12 * year + 12 <= reached}:
        for status in STATUSES:
            for region in range(1, 13):
                count = sum(1 for y, r, s in people if (y, r) == (year, region)
                            and (s == status or (status == "unknown" and s == "none")))  # fmt: skip
                values[(f"projects_12_{status}", str(year), "region_code", str(region))] = count
            values[(f"projects_12_{status}", str(year))] = sum(
                values[(f"projects_12_{status}", str(year), "region_code", str(r))]
                for r in range(1, 13)
            )
    return values


class WithOutcomes(intruder.Snapshot):
    """The intruder, reading the outcome tables too: each cohort's statuses add up to its
    people, nationally and in each region shown, and the regions to the nation."""

    def __init__(self, folder: Path):
        super().__init__(folder)
        for name, base in (("projects_at_12_months", "beneficiaries"),
                           ("jobs_at_12_months", "placements")):  # fmt: skip
            frame = pd.read_csv(folder / f"{name}.csv", dtype=str)
            for (year,), rows in frame.groupby(["year"]):
                self._cohort(name.split("_")[0], base, year, rows)

    def _cohort(self, prefix: str, base: str, year: str, rows: pd.DataFrame) -> None:
        by_status: dict[str, list] = {status: [] for status in STATUSES}
        for row in rows.to_dict(orient="records"):
            code = row["region_code"]
            where = (year,) if code == "total" else (year, "region_code", code)
            keys = [(f"{prefix}_12_{status}", *where) for status in STATUSES]
            for key, status in zip(keys, STATUSES, strict=True):
                self._cell(key, row[f"{status}_12"], row[f"{status}_12_flag"])
                if code != "total":
                    by_status[status].append(key)
            self.sums.append(((base, *where), keys))
        for status, parts in by_status.items():
            if parts:
                self.sums.append(((f"{prefix}_12_{status}", year), parts))


@pytest.fixture
def reads_outcomes(monkeypatch):
    monkeypatch.setattr(intruder, "Snapshot", WithOutcomes)


def table(folder: Path, name: str = "projects_at_12_months") -> pd.DataFrame:
    return pd.read_csv(folder / f"{name}.csv", dtype=str).fillna("")


def row_of(frame: pd.DataFrame, year: int, region: str = "total") -> dict:
    rows = frame[(frame["year"] == str(year)) & (frame["region_code"] == region)]
    assert len(rows) == 1, (year, region)
    return rows.iloc[0].to_dict()


LARGE_2018 = [  # 620 people: at least 5 x 10 per region on average, every count 0 or >= 10
    (2018, 6, "active", 200), (2018, 6, "ended", 80), (2018, 6, "unknown", 20),
    (2018, 1, "active", 150), (2018, 1, "ended", 40), (2018, 1, "none", 10),
    (2018, 9, "active", 90), (2018, 9, "ended", 20), (2018, 9, "unknown", 10),
]  # fmt: skip
SMALL_2019 = [(2019, 6, "active", 3), (2019, 6, "ended", 2)]  # 5 people


def test_a_large_cohort_is_split_by_region_and_a_small_one_is_not_published(
    tmp_path, reads_outcomes
):
    people = people_of(LARGE_2018 + SMALL_2019)
    folder = published(tmp_path, with_follow_ups(people))
    projects = table(folder)
    region = row_of(projects, 2018, "6")
    assert [region[f"{s}_12"] for s in STATUSES] == ["200", "80", "20"]
    assert region["share_active_12"] == "0.7143" and region["share_active_12_flag"] == ""
    assert row_of(projects, 2018, "1")["unknown_12"] == "10"  # never followed: unknown
    assert row_of(projects, 2018, "12")["active_12"] == "0"  # zeros are published
    national = row_of(projects, 2018)
    assert [national[f"{s}_12"] for s in STATUSES] == ["440", "140", "40"]
    assert national["beneficiaries"] == "620"
    # 2019: five people, national row only, every count hidden but the zero, no rate.
    small = projects[projects["year"] == "2019"]
    assert small["region_code"].tolist() == ["total"]
    cohort = small.iloc[0]
    assert [cohort[f"{s}_12"] for s in STATUSES] == ["", "", "0"]
    assert cohort["active_12_flag"] and cohort["ended_12_flag"] and not cohort["unknown_12_flag"]
    assert cohort["share_active_12"] == "" and cohort["share_active_12_flag"] == "s"
    view = outcomes.national_view(pd.read_csv(folder / "projects_at_12_months.csv"),
                                  "beneficiary", "fr")  # fmt: skip
    assert view.set_index("Cohorte").loc["2019", "Part encore active"] == "non publié"
    assert view.set_index("Cohorte").loc["2018", "Part encore active"] == "75,9\xa0%"
    assert intruder.breaches(folder, 10, true_outcomes(people)) == []


def test_a_small_count_in_one_region_keeps_the_cohort_national(tmp_path, reads_outcomes):
    people = people_of([*LARGE_2018, (2018, 4, "ended", 3), (2018, 4, "active", 30)])
    folder = published(tmp_path, with_follow_ups(people))
    projects = table(folder)
    assert projects["region_code"].tolist() == ["total"]
    national = row_of(projects, 2018)
    assert [national[f"{s}_12"] for s in STATUSES] == ["470", "143", "40"]
    assert national["share_active_12"] == "0.7667"
    assert intruder.breaches(folder, 10, true_outcomes(people)) == []


def test_a_region_split_only_where_every_number_may_be_shown():
    system = System()
    system.add(("beneficiaries", 2018), 40, "count")
    for code, people in (("1", 25), ("2", 15)):
        system.add(("beneficiaries", 2018, "region", code), people, "count")
    frame = pd.DataFrame({"record_kind": "beneficiary", "year": 2018, "region_code": [1, 2],
                          "active": [20, 12], "ended": [5, 0]})  # fmt: skip
    cohorts = outcomes.add_outcomes(system, frame, ["1", "2"], {"beneficiaries": [2018],
                                                                 "placements": []})  # fmt: skip
    unknown = ("projects_12_unknown", 2018)
    assert system.value(unknown) == 3 and system.value(("projects_12_active", 2018)) == 32
    pattern = Pattern(10)
    split = outcomes.split_by_region(system, pattern, cohorts, 2, earlier={})
    assert split == {"projects": {2018: True}, "jobs": {}}
    assert system.value(("projects_12_unknown", 2018, "region", "2")) == 3
    # Under a threshold of 10, the region's 3 unknown (and 5 ended) are too few: no split.
    assert not outcomes._may_split(system, pattern, cohorts[0], 10, earlier={})
    # A hidden national count, or a region's count that moved by fewer than t: no split.
    hidden = Pattern(2, hidden={unknown})
    assert not outcomes._may_split(system, hidden, cohorts[0], 2, earlier={})
    moved = {("projects_12_active", 2018, "region", "1"): 19}
    assert not outcomes._may_split(system, pattern, cohorts[0], 2, earlier=moved)


@pytest.fixture(scope="module")
def demo_folder(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("demo_outcomes")
    settings = get_settings(data_dir=folder)
    build(settings)
    try:
        return publish(settings)
    finally:
        db.close_all()


def test_the_demonstration_snapshot_publishes_each_cohort_nationally(demo_folder):
    projects = table(demo_folder)
    assert projects["region_code"].unique().tolist() == ["total"]  # scale 1: too few per region
    assert projects["year"].tolist() == ["2014", "2015", "2016", "2017", "2018"]
    assert projects["provenance"].unique().tolist() == ["données de démonstration"]
    cohort = row_of(projects, 2017)
    assert [
        cohort[c]
        for c in ("beneficiaries", "active_12", "ended_12", "unknown_12", "share_active_12")
    ] == ["391", "300", "81", "10", "0.7874"]
    # 2014: 230 people, of whom fewer than 10 of unknown status: hidden, with a complement.
    cohort = row_of(projects, 2014)
    assert (cohort["active_12"], cohort["unknown_12_flag"]) == ("184", "< 10")
    assert cohort["ended_12_flag"] == "s" and cohort["share_active_12_flag"] == "s"
    jobs = table(demo_folder, "jobs_at_12_months")
    assert row_of(jobs, 2013)["share_active_12"] == "0.5246"


def test_no_rate_is_ever_published_on_fewer_than_the_threshold(demo_folder):
    for name in ("projects_at_12_months", "jobs_at_12_months"):
        frame = pd.read_csv(demo_folder / f"{name}.csv", dtype={"share_active_12_flag": str})
        shown = frame["share_active_12"].notna()
        assert (frame.loc[shown, "active_12"] + frame.loc[shown, "ended_12"] >= 10).all()
        assert frame.loc[~shown, "share_active_12_flag"].eq("s").all()


group = st.tuples(
    st.sampled_from([2018, 2019]),
    st.sampled_from([1, 6, 9]),
    st.sampled_from(list(VISITS)),
    st.integers(1, 40),
)


@settings(
    max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(groups=st.lists(group, min_size=1, max_size=12), threshold=st.sampled_from([2, 3, 10]))
def test_random_cohorts_publish_nothing_that_can_be_worked_back(
    tmp_path_factory, reads_outcomes, groups, threshold
):
    people = people_of(groups)
    folder = tmp_path_factory.mktemp("random_outcomes")
    try:
        target = published(folder, with_follow_ups(people), threshold=threshold)
    except PublicationRefused as refused:
        assert refused.reason == "disclosure"
        return
    assert intruder.breaches(target, threshold, true_outcomes(people)) == []
    projects = pd.read_csv(
        target / "projects_at_12_months.csv", dtype={"share_active_12_flag": str}
    )
    shown = projects["share_active_12"].notna()
    assert (projects.loc[shown, "active_12"] + projects.loc[shown, "ended_12"] >= threshold).all()
