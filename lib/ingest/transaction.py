"""Commit a checked file, roll back a batch: each one transaction, through the warehouse's writer.

``commit`` writes a file's records with their ``import_batch`` (who, when, file, SHA-256) and
refreshes the cubes in the same transaction, after running ``warehouse_checks`` again inside it
(another session may have imported the same file meanwhile); ``rollback`` deletes a batch's
records and marks it rolled back. Both go through ``Database.execute_write_fn`` and the named
scripts of ``lib/warehouse/sql/ingest``; a write that kept conflicting with other sessions'
is refused with nothing written. ``batches`` lists every import. Pure: no streamlit.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING

import pandas as pd

from lib.ingest import overlap, warehouse_checks
from lib.ingest.fields import ID_COLUMNS, TABLES
from lib.ingest.report import ImportRefused, IngestError, Problem
from lib.ops.logs import event
from lib.warehouse.db import Database, fetch, run_script

if TYPE_CHECKING:
    from lib.ingest.pipeline import ParsedFile

# published_figure has no batch_id column: batch b's figures take the ids b * BLOCK + 1, + 2...
FIGURE_ID_BLOCK = 1_000_000
MAX_FIGURE_BATCH = (2**31 - 1) // FIGURE_ID_BLOCK - 1  # figure_id is an INTEGER


def _now() -> datetime:
    """UTC, without time zone (the TIMESTAMP columns of import_batch)."""
    return datetime.now(UTC).replace(tzinfo=None, microsecond=0)


def _who(user: str, refusal: str) -> str:
    """The name the audit keeps; ``ValueError(refusal)`` when there is none."""
    name = str(user or "").strip()
    if not name:
        raise ValueError(refusal)
    return name


# --- Commit ---------------------------------------------------------------------------------


def commit(
    parsed: ParsedFile,
    database: Database,
    user: str,
    replace_demo: bool = False,
    choice: str | None = None,
) -> int:
    """Write the file's records in one transaction with their ``import_batch``; refresh the
    cubes in it. ``replace_demo`` removes every demo record in the same transaction; when the
    file repeats an earlier import, ``choice`` says whether to replace it or to add only the
    new rows (``overlap.CHOICES``). Returns the batch id. Raises ``ImportRefused`` (nothing
    written) when the file has errors, when a repeated import has no choice, or when the
    warehouse changed since ``parse`` (the same file imported meanwhile)."""
    user = _who(user, "commit needs the name of the person who imports")
    if not parsed.ok:
        raise ImportRefused(parsed.errors or [Problem("ingest.error.no_rows")])
    # One writer at a time, across processes: a second import waits for the first, then
    # checks the warehouse again inside its own transaction (the same file is then refused).
    batch_id = database.execute_write_fn(
        lambda cursor: _commit(cursor, parsed, user, replace_demo, choice)
    )
    # The log says which import, never a cell or the file's name (it may name a person).
    event("import", batch=batch_id, kind=parsed.kind, sha256=parsed.sha256, user=user)
    return batch_id


def _rows_to_write(cursor, parsed: ParsedFile, user: str, choice: str | None) -> pd.DataFrame:
    """The file's rows, once what it repeats of earlier imports has been dealt with."""
    overlaps = overlap.overlapping(cursor, parsed)  # again, inside the write
    if not overlaps:
        return parsed.rows
    first = {"batch_id": overlaps[0].batch_id, "file_name": overlaps[0].file_name}
    if choice not in overlap.CHOICES:
        raise ImportRefused([Problem("ingest.error.overlap_choice_needed", first)])
    if choice == "replace":
        for earlier in overlaps:
            _rollback(cursor, earlier.batch_id, user)
        return parsed.rows
    rows = overlap.new_rows(cursor, parsed, overlaps)
    if not len(rows):
        raise ImportRefused([Problem("ingest.error.nothing_new", first)])
    return rows


def _commit(cursor, parsed: ParsedFile, user: str, replace_demo: bool, choice) -> int:
    problems = warehouse_checks.problems(cursor, parsed)  # again: another session may have won
    if problems:
        raise ImportRefused(problems)
    written = _rows_to_write(cursor, parsed, user, choice)
    latest = fetch(cursor, "ingest/next_ids").iloc[0]
    batch_id = int(latest["import_batch"]) + 1
    rows = _with_ids(parsed.kind, written, latest, batch_id)
    if replace_demo:
        run_script(cursor, "ingest/delete_demo")
    cursor.register("ingest_rows", rows)
    try:
        run_script(cursor, f"ingest/insert_{TABLES[parsed.kind]}")
    finally:
        cursor.unregister("ingest_rows")
    run_script(
        cursor,
        "ingest/record_batch",
        batch_id=batch_id,
        kind=parsed.kind,
        file_name=parsed.file_name,
        sha256=parsed.sha256,
        sheet=parsed.sheet,
        imported_by=user,
        imported_at=_now(),
        row_count=len(rows),
    )
    run_script(cursor, "build/refresh_aggregates")
    return batch_id


def _with_ids(kind: str, written: pd.DataFrame, latest: pd.Series, batch_id: int) -> pd.DataFrame:
    """The rows as written: their ids after the latest, their batch, not demo."""
    table = TABLES[kind]
    rows = written.copy()
    if table == "published_figure":
        if batch_id > MAX_FIGURE_BATCH or int(latest[table]) >= batch_id * FIGURE_ID_BLOCK:
            raise ImportRefused([Problem("ingest.error.figure_ids_exhausted")])
        first = batch_id * FIGURE_ID_BLOCK + 1
    else:
        first = int(latest[table]) + 1
        rows["is_demo"] = False
        rows["batch_id"] = batch_id
    rows.insert(0, ID_COLUMNS[table], range(first, first + len(rows)))
    return rows


# --- Rollback -------------------------------------------------------------------------------


def rollback(batch_id: int, database: Database, user: str) -> int:
    """Undo a committed batch in one transaction: delete its records, mark it rolled_back
    (when, by whom), refresh the cubes. Returns the number of records removed. Demo records
    that the batch replaced are not brought back (rebuild the warehouse for that). Raises
    ``IngestError`` for an unknown or already rolled-back batch, and for a batch of
    beneficiaries or placements that committed follow-ups still name."""
    user = _who(user, "rollback needs the name of the person who rolls back")
    batch_id = int(batch_id)
    removed = database.execute_write_fn(lambda cursor: _rollback(cursor, batch_id, user))
    event("rollback", batch=batch_id, rows=removed, user=user)
    return removed


def _rollback(cursor, batch_id: int, user: str) -> int:
    batches = fetch(cursor, "ingest/batches")
    batch = batches[batches["batch_id"] == batch_id]
    if batch.empty:
        raise IngestError([Problem("ingest.error.unknown_batch", {"batch_id": batch_id})])
    status = batch["status"].iloc[0]
    if status != "committed":
        params = {"batch_id": batch_id, "status": status}
        raise IngestError([Problem("ingest.error.batch_not_committed", params)])
    if batch["kind"].iloc[0] in ("beneficiaries", "placements"):
        _refuse_orphan_follow_ups(cursor, batch_id)
    run_script(
        cursor,
        "ingest/rollback",
        batch_id=batch_id,
        figure_low=batch_id * FIGURE_ID_BLOCK + 1,
        figure_high=(batch_id + 1) * FIGURE_ID_BLOCK - 1,
        rolled_back_at=_now(),
        rolled_back_by=user,
    )
    run_script(cursor, "build/refresh_aggregates")
    return int(batch["row_count"].iloc[0])


def _refuse_orphan_follow_ups(cursor, batch_id: int) -> None:
    """``IngestError`` when committed follow-ups name records of the batch: rolling it back
    would leave them without a record (roll those batches back first)."""
    dependents = fetch(cursor, "ingest/follow_up_dependents", batch_id=batch_id)["batch_id"]
    if len(dependents):
        params = {"batch_id": batch_id, "batches": ", ".join(str(int(b)) for b in dependents)}
        raise IngestError([Problem("ingest.error.follow_ups_depend_on_batch", params)])


def batches(database: Database) -> pd.DataFrame:
    """Every import, newest first: batch_id, kind, file_name, sheet (of a workbook), sha256,
    imported_by, imported_at, row_count, status (committed, rolled_back), rolled_back_at,
    rolled_back_by."""
    return database.execute_uncached("ingest/batches")
