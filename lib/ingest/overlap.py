"""A file that repeats an earlier import: the February file that holds January's rows again.

Records have no natural key (two people may share a profile), so a file is compared with each
committed batch of its kind row for row, as multisets: a batch most of whose rows
(``SHARE`` or more) the new file holds again is an *overlap*. Importing such a file as it is
would count those people twice; the data officer chooses instead (``CHOICES``): ``replace``
(roll the earlier batch back and import the whole file, in one transaction) or ``new_only``
(import only the rows the earlier batch does not hold); or cancels. ``overlapping`` and
``new_rows`` read through named queries on a cursor handed by the pipeline or the commit.
Pure: no streamlit.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import pandas as pd

from lib.ingest.fields import RECORD_COLUMNS, TABLES
from lib.warehouse.db import fetch

if TYPE_CHECKING:
    from lib.ingest.pipeline import ParsedFile

SHARE = 0.8  # a batch this much of which the file repeats is the same records sent again
CHOICES = ("replace", "new_only")
RECORD_KINDS = ("beneficiaries", "placements", "interventions", "follow_ups")


@dataclass(frozen=True)
class Overlap:
    """An earlier batch that the file repeats: ``shared`` of its ``batch_rows`` rows."""

    batch_id: int
    file_name: str
    imported_by: str
    imported_at: pd.Timestamp
    batch_rows: int
    shared: int


def _registered(cursor, parsed: ParsedFile, query: str, **params) -> pd.DataFrame:
    cursor.register("ingest_rows", parsed.rows)
    try:
        return fetch(cursor, f"{query}_{TABLES[parsed.kind]}", **params)
    finally:
        cursor.unregister("ingest_rows")


def overlapping(cursor, parsed: ParsedFile) -> list[Overlap]:
    """The committed batches most of whose rows the file holds again."""
    if parsed.kind not in RECORD_KINDS or not len(parsed.rows):
        return []
    batches = _registered(cursor, parsed, "ingest/overlap", kind=parsed.kind)
    return [
        Overlap(
            int(row.batch_id),
            row.file_name,
            row.imported_by,
            row.imported_at,
            int(row.batch_rows),
            int(row.shared),
        )
        for row in batches.itertuples(index=False)
        if row.shared > 0 and row.shared >= SHARE * row.batch_rows
    ]


def new_rows(cursor, parsed: ParsedFile, overlaps: list[Overlap]) -> pd.DataFrame:
    """The file's rows the overlapping batches do not hold (as many times as they are new)."""
    ids = [overlap.batch_id for overlap in overlaps]
    rows = _registered(cursor, parsed, "ingest/new_rows", batch_ids=ids)
    return rows[list(RECORD_COLUMNS[parsed.kind])].astype(parsed.rows.dtypes.to_dict())


def replaced_rows(cursor, kind: str, overlaps: list[Overlap]) -> pd.DataFrame:
    """The records that replacing the overlapping batches removes."""
    ids = [overlap.batch_id for overlap in overlaps]
    return fetch(cursor, f"ingest/batch_records_{TABLES[kind]}", batch_ids=ids)
