"""Build the warehouse ``data/idmaj.duckdb`` from the seed files and the demo generator.

The build writes a temporary file in the same folder and puts it in place with
``os.replace``: readers see the old warehouse or the new one, never half of one, and a failed
build leaves the previous warehouse intact. Same seed, same records: the build is repeatable.

    python -m lib build [--scale N] [--seed S] [--if-missing]
"""

from __future__ import annotations

import os
import threading
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd

from lib.config import Settings, get_settings
from lib.warehouse import demo, migrate
from lib.warehouse.db import (
    create_file,
    get_database,
    remove_leftovers,
    run_script,
    swap_in,
    writer_lock,
)

SCHEMA_PATH = Path(__file__).resolve().parent / "schema.sql"
RECORD_TABLES = ("beneficiary", "placement", "intervention", "follow_up")
OPTIONAL_TABLES = frozenset({"follow_up"})  # records made by hand may leave them out

_build_lock = threading.Lock()
_migrated: set[Path] = set()  # warehouses this process has brought up to date


def _insert_records(con, records: dict[str, pd.DataFrame]) -> None:
    for table in RECORD_TABLES:
        if table in OPTIONAL_TABLES and table not in records:
            continue
        frame = records[table]
        con.register("incoming", frame)
        columns = ", ".join(frame.columns)
        con.execute(f"INSERT INTO {table} ({columns}) SELECT {columns} FROM incoming")
        con.unregister("incoming")


def _write_build_info(con, scale: int, seed: int) -> None:
    info = {
        "built_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "generator_version": demo.GENERATOR_VERSION,
        "demo_scale": str(scale),
        "demo_seed": str(seed),
    }
    con.executemany("INSERT INTO build_info VALUES (?, ?)", list(info.items()))


def build(
    settings: Settings | None = None,
    scale: int | None = None,
    seed: int = demo.DEFAULT_SEED,
    records: dict[str, pd.DataFrame] | None = None,
) -> Path:
    """Write a complete warehouse next to the target, then swap it in. Returns its path."""
    settings = settings or get_settings()
    scale = scale or settings.demo_scale
    target = settings.warehouse_path
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = target.with_name(f".{target.name}.{os.getpid()}.{threading.get_ident()}.tmp")
    temporary.unlink(missing_ok=True)
    remove_leftovers(target)  # what builds and writes killed mid-way left behind
    try:
        records = records if records is not None else demo.generate(scale, seed, settings.seed_dir)

        def fill(con) -> None:
            con.execute(SCHEMA_PATH.read_text(encoding="utf-8"))
            run_script(con, "build/load_seed", seed_dir=str(settings.seed_dir))
            _insert_records(con, records)
            run_script(con, "build/refresh_aggregates")
            run_script(con, "build/record_migrations", names=migrate.names())
            _write_build_info(con, scale, seed)

        create_file(temporary, fill)
        with writer_lock(target):  # never in the middle of another process's write
            swap_in(temporary, target)
    finally:
        temporary.unlink(missing_ok=True)
        Path(f"{temporary}.wal").unlink(missing_ok=True)
    return target


def ensure_warehouse(settings: Settings | None = None) -> Path:
    """Build the warehouse once when it is missing (the app's first start)."""
    settings = settings or get_settings()
    with _build_lock:
        if not settings.warehouse_path.exists():
            build(settings)
        elif settings.warehouse_path not in _migrated:
            migrate.migrate(get_database(settings), settings.seed_dir)  # an older warehouse
            _migrated.add(settings.warehouse_path)
    return settings.warehouse_path
