"""Query results as plain JSON rows, and the cell-by-cell comparison of two of them. Pure."""

from __future__ import annotations

import datetime as dt
import math
import numbers

import pandas as pd

REL_TOLERANCE = 1e-9


def _cell(value):
    if value is None or value is pd.NaT:
        return None
    if isinstance(value, bool):
        return value
    if hasattr(value, "item") and not isinstance(value, str | bytes):  # numpy scalars
        value = value.item()
    if isinstance(value, pd.Timestamp | dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, numbers.Integral) and not isinstance(value, bool):
        return int(value)
    if isinstance(value, numbers.Real):
        return None if math.isnan(value) else float(value)
    try:
        if pd.isna(value):
            return None
    except (TypeError, ValueError):
        pass
    return value if isinstance(value, str) else str(value)


def to_rows(frame: pd.DataFrame) -> dict:
    """{"columns": [...], "rows": [[...], ...]} with dates as ISO text and NULL as None."""
    columns = [str(c) for c in frame.columns]
    rows = [[_cell(v) for v in row] for row in frame.itertuples(index=False, name=None)]
    return {"columns": columns, "rows": rows}


def _same(a, b) -> bool:
    if a is None or b is None:
        return a is None and b is None
    if isinstance(a, bool) or isinstance(b, bool):
        return bool(a) == bool(b) and isinstance(a, bool | int) and isinstance(b, bool | int)
    if isinstance(a, int | float) and isinstance(b, int | float):
        return math.isclose(a, b, rel_tol=REL_TOLERANCE, abs_tol=1e-9)
    return a == b


def _key(row: list) -> tuple:
    return tuple((v is None, str(type(v).__name__ if v is not None else ""), str(v)) for v in row)


def compare(reference: dict, other: dict) -> dict:
    """Do two results hold the same cells? Rows are compared as sets (sorted canonically).

    Every column of ``reference`` (the SQL result) must be in ``other`` with equal values;
    numbers compare with a relative tolerance of 1e-9 (integers stay exact in practice).
    """
    missing = [c for c in reference["columns"] if c not in other["columns"]]
    if missing:
        return {"agree": False, "problem": f"missing columns {missing}"}
    if len(reference["rows"]) != len(other["rows"]):
        counts = f"{len(reference['rows'])} vs {len(other['rows'])}"
        return {"agree": False, "problem": f"row counts differ: {counts}"}
    positions = [other["columns"].index(c) for c in reference["columns"]]
    projected = [[row[i] for i in positions] for row in other["rows"]]
    left = sorted(reference["rows"], key=_key)
    right = sorted(projected, key=_key)
    for row_a, row_b in zip(left, right, strict=True):
        for column, a, b in zip(reference["columns"], row_a, row_b, strict=True):
            if not _same(a, b):
                return {"agree": False, "problem": f"{column}: {a!r} != {b!r} in {row_a}"}
    return {"agree": True, "rows": len(left), "cells": len(left) * len(reference["columns"])}


def numeric_total(result: dict) -> float:
    """The sum of every numeric (non-boolean) cell: a one-number fingerprint of a result."""
    total = 0.0
    for row in result["rows"]:
        for value in row:
            if isinstance(value, int | float) and not isinstance(value, bool):
                total += value
    return total
