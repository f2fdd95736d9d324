"""Bring an existing warehouse up to the current schema, without losing a record.

``schema.sql`` describes a new warehouse; each later change is also a file of
``sql/migrations/`` (``001_...sql``), applied to older warehouses in order, each once and in
its own transaction, and recorded in ``schema_migration``. A new build records them all as
applied. A migration that fills a new reference table reads it from ``data/seed`` (the
``$seed_dir`` parameter, as ``build/load_seed``). The app migrates at start
(``build.ensure_warehouse``), so an imported warehouse survives an upgrade. Pure: no streamlit.
"""

from __future__ import annotations

from lib.config import get_settings
from lib.warehouse.db import SQL_DIR, Database, fetch, run_script

MIGRATIONS_DIR = SQL_DIR / "migrations"


def names() -> list[str]:
    """Every migration, in the order it must be applied."""
    return sorted(path.stem for path in MIGRATIONS_DIR.glob("*.sql"))


def _apply(name: str, seed_dir: str):
    def write(cursor) -> None:
        run_script(cursor, f"migrations/{name}", seed_dir=seed_dir)
        run_script(cursor, "build/record_migration", name=name)

    return write


def _applied(cursor) -> set[str]:
    tables = set(fetch(cursor, "build/table_names")["table_name"])
    if "schema_migration" not in tables:
        return set()
    return set(fetch(cursor, "build/applied_migrations")["name"])


def pending(database: Database) -> list[str]:
    """The migrations this warehouse lacks, read without writing anything."""
    applied = database.execute_fn(_applied)
    return [name for name in names() if name not in applied]


def migrate(database: Database, seed_dir=None) -> list[str]:
    """Apply the migrations this warehouse lacks, in one write; returns their names.
    ``seed_dir``: where new reference tables are read from (the settings' by default)."""
    missing = pending(database)
    if missing:
        seed = str(seed_dir or get_settings().seed_dir)

        def write(cursor) -> None:
            run_script(cursor, "build/ensure_migration_table")
            for name in missing:
                _apply(name, seed)(cursor)

        database.execute_write_fn(write)
    return missing
