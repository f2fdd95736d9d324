"""lib.warehouse.migrate: a warehouse built before a schema change is brought up to date,
every record kept, and ends with the columns of a new build."""

from __future__ import annotations

import pytest

from lib.config import get_settings
from lib.warehouse import db, migrate
from lib.warehouse.build import build


def _columns(database: db.Database) -> dict[str, list[str]]:
    frame = database.execute_fn(
        lambda cursor: cursor.execute(
            "SELECT table_name, column_name FROM duckdb_columns() "
            "WHERE NOT internal ORDER BY table_name, column_index"
        ).df()
    )
    return frame.groupby("table_name")["column_name"].apply(list).to_dict()


def _figures(database: db.Database) -> int:
    return database.execute_fn(
        lambda cursor: cursor.execute("SELECT count(*) FROM published_figure").fetchone()[0]
    )


# What each migration undoes, to make a warehouse of before it (test-only SQL).
BEFORE = {
    "001_figures_already_public": "ALTER TABLE published_figure DROP COLUMN already_public",
    "002_batch_sheet": "ALTER TABLE import_batch DROP COLUMN sheet",
    "003_follow_ups": "DROP TABLE agg_follow_up_return; DROP TABLE agg_follow_up_spell; "
    "DROP TABLE follow_up; DROP TABLE closure_reason; DROP TABLE follow_up_status",
}


def test_every_migration_can_be_undone_here():
    assert set(BEFORE) == set(migrate.names())


@pytest.mark.parametrize("name", sorted(BEFORE))
def test_an_older_warehouse_is_migrated_to_the_new_schema(fresh_data_dir, name):
    settings = get_settings(data_dir=fresh_data_dir)
    build(settings)
    database = db.get_database(settings)
    assert migrate.pending(database) == []
    current, figures = _columns(database), _figures(database)

    def make_older(cursor) -> None:
        for later in [n for n in migrate.names() if n >= name][::-1]:
            cursor.execute(BEFORE[later])
            cursor.execute("DELETE FROM schema_migration WHERE name = ?", [later])

    database.execute_write_fn(make_older)
    older = [n for n in migrate.names() if n >= name]
    assert migrate.pending(database) == older
    assert migrate.migrate(database) == older
    assert migrate.pending(database) == []
    assert _columns(database) == current
    assert _figures(database) == figures
    db.close_all()
