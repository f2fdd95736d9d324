"""Files users download: CSV that opens cleanly in a spreadsheet and cannot run a formula.

Pure: no streamlit.
"""

from __future__ import annotations

import re

import pandas as pd

# A cell starting with one of these is run as a formula by Excel or LibreOffice (CSV injection).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"^[+-]?\d[\d\s.,\u202f\xa0]*%?$")


def neutralise_formula(value):
    """Prefix text that a spreadsheet would read as a formula with an apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_START) and not _NUMBER.match(value):
        return "'" + value
    return value


def safe_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy whose text cells can never start a spreadsheet formula."""
    safe = frame.copy()
    for column in safe.columns:
        if not pd.api.types.is_numeric_dtype(safe[column]):
            safe[column] = safe[column].map(neutralise_formula)
    safe.columns = [neutralise_formula(str(column)) for column in safe.columns]
    return safe


def csv_bytes(frame: pd.DataFrame, bom: bool = True) -> bytes:
    """CSV that no spreadsheet runs, rows ended by CRLF (so a line break inside a cell is
    quoted, never a new row); with a byte-order mark, Excel shows accents and Arabic."""
    text = safe_frame(frame).to_csv(index=False, lineterminator="\r\n")
    return text.encode("utf-8-sig" if bom else "utf-8")


def file_slug(text: str) -> str:
    """A download file name from a title, keeping letters of any script."""
    slug = re.sub(r"[^\w-]+", "-", text.strip().lower(), flags=re.UNICODE).strip("-")
    return slug or "idmaj"
