"""The rules a file must follow against what the warehouse already holds, as a registry.

``@file_rule``: ``rule(cursor, parsed) -> problems``, on the file as a whole, whatever its kind
(the same bytes already committed); run first, and alone when they find something.
``@rule(kind, ...)``: ``rule(cursor, parsed) -> problems``, on the file's rows, once every
cell is valid (figures already published, the same rows already imported, follow-ups of
records that do not exist or of demonstration records, visits before the record's year).
``problems`` runs them on one cursor: ``pipeline.parse`` in a read, ``transaction.commit`` again
inside its write (another session may have imported meanwhile). Each rule reads through named
queries (``ingest/*.sql``). Pure: no streamlit.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import replace
from typing import TYPE_CHECKING

import pandas as pd

from lib.ingest.checks import Registry
from lib.ingest.fields import KINDS, TABLES
from lib.ingest.report import Problem
from lib.ingest.text import compact
from lib.warehouse.db import Database, fetch

if TYPE_CHECKING:
    from lib.ingest.pipeline import ParsedFile

WarehouseRule = Callable[[object, "ParsedFile"], Iterable[Problem]]
FILE_RULES: list[WarehouseRule] = []
rule = Registry()


def file_rule(check: WarehouseRule) -> WarehouseRule:
    """Register a rule on the file as a whole, run for every file whatever its kind."""
    FILE_RULES.append(check)
    return check


def run(parsed: ParsedFile, database: Database, file_only: bool) -> list[Problem]:
    """The problems of ``parsed`` against the warehouse as it stands (one read)."""
    return database.execute_fn(lambda cursor: problems(cursor, parsed, file_only=file_only))


def problems(cursor, parsed: ParsedFile, file_only: bool = False) -> list[Problem]:
    """The file rules' problems; when there are none and the rows are there (``file_only``
    false), the problems of the rules registered for the file's kind."""
    found = [problem for check in FILE_RULES for problem in check(cursor, parsed)]
    if found or file_only or parsed.kind not in KINDS or not len(parsed.rows):
        return found
    return [problem for check in rule.for_kind(parsed.kind) for problem in check(cursor, parsed)]


def _when(value) -> str:
    return pd.Timestamp(value).strftime("%d/%m/%Y à %H:%M")


def _batch(batch) -> dict[str, object]:
    """The params that tell a data officer which earlier import a file repeats."""
    return {
        "date": _when(batch.imported_at),
        "user": batch.imported_by,
        "batch_id": int(batch.batch_id),
        "file_name": batch.file_name,
    }


@file_rule
def already_imported(cursor, parsed: ParsedFile) -> list[Problem]:
    """The same file (same SHA-256), and of a workbook the same sheet, committed and not
    rolled back (another sheet of a workbook is another import)."""
    earlier = fetch(cursor, "ingest/committed_file", sha256=parsed.sha256, sheet=parsed.sheet)
    return [
        Problem("ingest.error.already_imported", _batch(batch))
        for batch in earlier.head(1).itertuples(index=False)
    ]


def _figure_key(row) -> tuple:
    return (row.indicator, row.period, row.scope, compact(str(row.source_title)))


@rule("published_figures")
def figure_exists(cursor, parsed: ParsedFile) -> list[Problem]:
    """A figure already published (same indicator, period, scope and source)."""
    figures = fetch(cursor, "ingest/figure_keys").itertuples(index=False)
    existing = {_figure_key(row): row for row in figures}
    rows = parsed.rows.itertuples(index=False)
    return [
        Problem(
            "ingest.error.figure_exists",
            {"figure_id": int(existing[_figure_key(row)].figure_id)},
            line=line,
            value=row.indicator,
        )
        for line, row in zip(parsed.row_lines, rows, strict=True)
        if _figure_key(row) in existing
    ]


@rule("beneficiaries", "placements", "interventions", "follow_ups")
def same_content(cursor, parsed: ParsedFile) -> list[Problem]:
    """The same rows as a committed batch of the same kind and size (a file saved again)."""
    table = TABLES[parsed.kind]
    candidates = fetch(
        cursor, "ingest/candidate_batches", kind=parsed.kind, row_count=len(parsed.rows)
    )
    if not len(candidates):
        return []
    cursor.register("ingest_rows", parsed.rows)
    try:
        for batch in candidates.itertuples(index=False):
            same = fetch(cursor, f"ingest/same_content_{table}", batch_id=batch.batch_id)
            if int(same["differing"].iloc[0]) == 0:
                return [Problem("ingest.error.already_imported_content", _batch(batch))]
    finally:
        cursor.unregister("ingest_rows")
    return []


_UNKNOWN = {"beneficiary": "ingest.error.unknown_beneficiary",
            "placement": "ingest.error.unknown_placement"}  # fmt: skip
_TOO_EARLY = {"beneficiary": "ingest.error.visit_before_grant",
              "placement": "ingest.error.visit_before_placement"}  # fmt: skip


def _record_problem(row, record, kind: str, key: int) -> Problem | None:
    """What is wrong with the record a follow-up names: missing, demonstration, or younger
    than the visit (``record``: its year and demo flag, None when there is no such record)."""
    params = {"record": key}
    if record is None or pd.isna(record.record_year):
        return Problem(_UNKNOWN[kind], params)
    if record.is_demo:
        return Problem("ingest.error.follow_up_of_demo_record", params)
    if pd.Timestamp(row.visit_date).year < int(record.record_year):
        return Problem(_TOO_EARLY[kind], {**params, "year": int(record.record_year)})
    return None


@rule("follow_ups")
def follow_up_records(cursor, parsed: ParsedFile) -> list[Problem]:
    """Each follow-up names a beneficiary or a placement the warehouse holds, imported (not a
    demonstration record), and is dated in its year or later."""
    cursor.register("ingest_rows", parsed.rows)
    try:
        named = fetch(cursor, "ingest/follow_up_records")
    finally:
        cursor.unregister("ingest_rows")
    records = {
        ("beneficiary", int(row.beneficiary_id)) if pd.notna(row.beneficiary_id)
        else ("placement", int(row.placement_id)): row
        for row in named.itertuples(index=False)
    }  # fmt: skip
    found = []
    rows = parsed.rows.itertuples(index=False)
    for line, row in zip(parsed.row_lines, rows, strict=True):
        kind = "beneficiary" if pd.notna(row.beneficiary_id) else "placement"
        key = int(row.beneficiary_id if kind == "beneficiary" else row.placement_id)
        problem = _record_problem(row, records.get((kind, key)), kind, key)
        if problem is not None:
            found.append(replace(problem, line=line, value=str(key)))
    return found
