"""lib.warehouse.build: the demo warehouse reproduces every published total; builds are atomic."""

from __future__ import annotations

import duckdb
import pytest

from lib.config import get_settings
from lib.warehouse import build as build_module
from lib.warehouse import db, queries
from lib.warehouse.build import build, ensure_warehouse
from lib.warehouse.filters import Filters

BUDGETS = {
    2014: 4_500_000,
    2015: 5_000_000,
    2016: 5_200_000,
    2017: 7_300_000,
    2018: 8_100_000,
    2019: 13_500_000,
}
HEADCOUNTS = {2014: 230, 2015: 317, 2016: 333, 2017: 391, 2018: 270, 2019: 478}
PLACEMENTS = {2013: 3_142, 2014: 933, 2015: 1_719, 2018: 453}


def _one(path, sql):
    with duckdb.connect(str(path), read_only=True) as con:
        return con.execute(sql).fetchall()


def test_programme_totals_per_year_match_the_published_figures():
    options = queries.filter_options()
    by_year = queries.beneficiaries_by_year(Filters(2019), options).set_index("year")
    assert by_year["beneficiaries"].to_dict() == HEADCOUNTS
    assert by_year["budget_mad"].to_dict() == BUDGETS


def test_2019_details_match_the_published_figures():
    options = queries.filter_options()
    row = queries.beneficiaries_by_year(Filters(2019), options).set_index("year").loc[2019]
    assert row["regions_covered"] == 10
    assert row["moussalaha"] == 18
    assert row["royal_handover"] == 26
    regions = queries.beneficiaries_by_region(Filters(2019), options).set_index("region_code")
    assert regions.loc[5, "beneficiaries"] == 0  # Béni Mellal-Khénifra
    assert regions.loc[12, "beneficiaries"] == 0  # Dakhla-Oued Ed-Dahab


def test_casablanca_settat_2017_matches_the_published_figure():
    options = queries.filter_options()
    regions = queries.beneficiaries_by_region(Filters(2017), options).set_index("region_code")
    assert regions.loc[6, "beneficiaries"] == 117
    assert regions.loc[6, "budget_mad"] == 2_300_000


def test_placements_and_interventions_match_the_published_figures():
    options = queries.filter_options()
    placements = queries.placements_by_year(Filters(2018), options).set_index("year")
    assert placements["placements"].to_dict() == PLACEMENTS
    assert placements.loc[2018, "women"] == 87
    interventions = queries.interventions_by_year(Filters(2019), options)
    assert interventions["interventions"].sum() == 9_183
    assert set(interventions["year"]) == {2018, 2019}


def test_every_reconcilable_figure_matches():
    reconciliation = queries.reconciliation()
    assert len(reconciliation) >= 25
    assert reconciliation["matches"].all(), reconciliation[~reconciliation["matches"]]


def test_seed_tables_keep_every_source_column(warehouse_dir):
    path = warehouse_dir / "idmaj.duckdb"
    columns = {row[0] for row in _one(path, "DESCRIBE published_figure")}
    assert {"source_title", "source_url", "source_date", "quote", "note", "qualifier"} <= columns
    assert _one(path, "SELECT count(*) FROM region") == [(12,)]
    assert _one(path, "SELECT count(*) FROM centre") == [(16,)]
    assert _one(path, "SELECT count(*) FROM sector") == [(7,)]
    assert _one(path, "SELECT count(*) FROM intervention_type") == [(5,)]
    names = _one(path, "SELECT name_ar FROM region WHERE code = 6")
    assert names == [("الدار البيضاء - سطات",)]


def test_every_record_is_demo_data_and_no_column_names_a_person(warehouse_dir):
    path = warehouse_dir / "idmaj.duckdb"
    for table in ("beneficiary", "placement", "intervention"):
        assert _one(path, f"SELECT bool_and(is_demo) FROM {table}") == [(True,)]
        columns = {row[0] for row in _one(path, f"DESCRIBE {table}")}
        assert not columns & {"name", "first_name", "last_name", "cin", "national_id", "phone"}


def test_build_is_repeatable(fresh_data_dir):
    settings = get_settings(data_dir=fresh_data_dir)
    first = _one(build(settings), "SELECT sum(hash(COLUMNS(*))) FROM beneficiary")
    db.close_all()
    second = _one(build(settings), "SELECT sum(hash(COLUMNS(*))) FROM beneficiary")
    assert first == second


def test_failed_build_leaves_the_previous_warehouse_intact(fresh_data_dir, monkeypatch):
    settings = get_settings(data_dir=fresh_data_dir)
    path = build(settings)
    before = path.read_bytes()

    def broken(*args, **kwargs):
        raise RuntimeError("generator failed half-way")

    monkeypatch.setattr(build_module.demo, "generate", broken)
    with pytest.raises(RuntimeError, match="half-way"):
        build(settings)
    assert path.read_bytes() == before
    left = [p.name for p in fresh_data_dir.iterdir() if p.suffix != ".lock"]  # the writer lock
    assert left == ["idmaj.duckdb"]


def test_ensure_warehouse_builds_only_when_missing(fresh_data_dir):
    settings = get_settings(data_dir=fresh_data_dir)
    path = ensure_warehouse(settings)
    stamp = path.stat().st_mtime_ns
    assert ensure_warehouse(settings).stat().st_mtime_ns == stamp


def test_scale_multiplies_the_records(fresh_data_dir):
    path = build(get_settings(data_dir=fresh_data_dir), scale=2)
    assert _one(path, "SELECT count(*) FROM beneficiary WHERE programme_year = 2019") == [(956,)]
    assert _one(path, "SELECT value FROM build_info WHERE key = 'demo_scale'") == [("2",)]
