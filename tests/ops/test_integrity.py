"""lib.ops.integrity: a sound warehouse passes every rule; each corruption planted in a copy is
found by its rule, and by it alone; the report reads in three languages."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from lib.config import get_settings
from lib.ingest import transaction
from lib.ops import integrity
from lib.warehouse import db, migrate
from tests.ops import helpers


@pytest.fixture(scope="module")
def imported(small_template, tmp_path_factory) -> Path:
    """The tiny warehouse with an import, and another rolled back (copied for each test)."""
    folder = tmp_path_factory.mktemp("imported")
    helpers.copy_data(small_template, folder)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("IDMAJ_DATA_DIR", str(folder))
        settings = get_settings()
        helpers.commit(settings, [71_000, 72_000, 73_000])  # batch 1
        rolled = helpers.commit(settings, [74_000])  # batch 2, rolled back
        transaction.rollback(rolled, db.get_database(settings), helpers.USER)
        db.close_all()
    return folder


@pytest.fixture
def settings(imported, fresh_data_dir):
    helpers.copy_data(imported, fresh_data_dir)
    yield get_settings()
    db.close_all()


def _failing(settings) -> dict[str, list[str]]:
    return {
        outcome.rule: [problem.key for problem in outcome.problems]
        for outcome in integrity.check(settings)
        if not outcome.ok
    }


def _plant(settings, *statements: str) -> None:
    def write(cursor) -> None:
        for statement in statements:
            cursor.execute(statement)

    db.get_database(settings).execute_write_fn(write)


def test_a_sound_warehouse_passes_every_rule(settings):
    outcomes = integrity.check(settings)
    assert [outcome.rule for outcome in outcomes] == list(integrity.RULES)
    assert integrity.passed(outcomes), _failing(settings)


LAST_OF_BATCH_1 = "(SELECT max(beneficiary_id) FROM beneficiary WHERE batch_id = 1)"
CORRUPTIONS = {
    "a missing record of a batch": (
        [f"DELETE FROM beneficiary WHERE beneficiary_id = {LAST_OF_BATCH_1}"],
        {"batches": ["ops.finding.batch_count"], "aggregates": ["ops.finding.stale_aggregate"]},
    ),
    "a stale aggregate": (
        ["UPDATE agg_beneficiary SET grant_mad = grant_mad + 1 WHERE programme_year = 2018"],
        {"aggregates": ["ops.finding.stale_aggregate"]},
    ),
    "a missing aggregate row": (
        ["DELETE FROM agg_placement WHERE year = 2018 AND region_code = 4"],
        {"aggregates": ["ops.finding.stale_aggregate"]},
    ),
    "an orphan record": (
        [
            "INSERT INTO beneficiary SELECT beneficiary_id + 1000, programme_year, region_code, "
            "sector_code, sex, age_band, support_type, grant_mad, is_moussalaha, is_former_cpe, "
            "is_royal_handover, false, 99 FROM beneficiary WHERE batch_id = 1 LIMIT 1",
            "DELETE FROM agg_beneficiary",  # the cubes recomputed, as a writer would have
            "INSERT INTO agg_beneficiary SELECT programme_year, region_code, sector_code, sex, "
            "is_demo, count(*), sum(grant_mad), count(*) FILTER (WHERE is_moussalaha), "
            "count(*) FILTER (WHERE is_royal_handover), count(*) FILTER (WHERE "
            "is_royal_handover AND is_former_cpe) FROM beneficiary GROUP BY ALL",
        ],
        {"orphans": ["ops.finding.orphans"]},
    ),
    "a rolled-back batch whose records stayed": (
        ["UPDATE import_batch SET status = 'rolled_back' WHERE batch_id = 1"],
        {"batches": ["ops.finding.batch_left"]},
    ),
    "a record in the table of another kind": (
        ["UPDATE placement SET batch_id = 1, is_demo = false WHERE placement_id = 1"],
        {"batches": ["ops.finding.batch_elsewhere"], "aggregates": ["ops.finding.stale_aggregate"]},
    ),
    "a migration not applied": (
        [f"DELETE FROM schema_migration WHERE name = '{migrate.names()[-1]}'"],
        {"migrations": ["ops.finding.migration_missing"]},
    ),
}


@pytest.mark.parametrize("corruption", sorted(CORRUPTIONS))
def test_a_planted_corruption_is_found_by_its_rule(settings, corruption):
    statements, expected = CORRUPTIONS[corruption]
    _plant(settings, *statements)
    assert _failing(settings) == expected


def test_a_store_missing_a_column_or_damaged_is_found(settings):
    path = settings.data_dir / db.STATE_NAME
    db.get_store(settings).execute("state/scenario_list")
    with sqlite3.connect(path) as connection:
        connection.execute("ALTER TABLE scenario DROP COLUMN results")
    assert _failing(settings) == {"store": ["ops.finding.store_column"]}
    db.close_all()
    path.write_bytes(b"SQLite format 3\x00" + b"\xff" * 4096)
    for suffix in ("-wal", "-shm"):
        path.with_name(path.name + suffix).unlink(missing_ok=True)
    failing = _failing(settings)
    assert list(failing) == ["store"]
    assert failing["store"][0] in ("ops.finding.store_damaged", "ops.finding.unreadable")


def test_without_a_warehouse_every_warehouse_rule_says_so(settings):
    settings.warehouse_path.unlink()
    db.close_all()
    failing = _failing(settings)
    assert set(failing) == {"warehouse", "migrations", "batches", "orphans", "aggregates"}
    assert all(keys == ["ops.finding.no_warehouse"] for keys in failing.values())


@pytest.mark.parametrize("lang", ["fr", "en", "ar"])
def test_the_report_reads_in_each_language(settings, lang):
    _plant(settings, f"DELETE FROM beneficiary WHERE beneficiary_id = {LAST_OF_BATCH_1}")
    outcomes = integrity.check(settings)
    lines = integrity.report_lines(outcomes, lang)
    text = "\n".join(lines)
    assert "ops." not in text  # every key has its words
    assert any(line.startswith("    - ") and "1" in line and "3" in line for line in lines)
    frame = integrity.report_frame(outcomes, lang)
    assert len(frame) == len(integrity.RULES) and len(frame.columns) == 3
    if lang == "fr":
        assert "l'import n° 1 compte 2 dossiers, son journal en annonce 3" in text
        assert lines[-1].startswith("Résultat : 2 règle(s) sur 7")
