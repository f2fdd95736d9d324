"""Workbooks as staff really make them: several sheets, hidden rows, merged cells.

``choose_sheet`` picks the data sheet by its content, not its place: a sheet *qualifies* when
its header names every required column of a kind, rows follow it and none of them is a total
(a pivot-table summary placed first does not, even with its value field renamed to the data's
header: it ends with "Total général"); of several that qualify, the one whose header names the
most columns, then the one with the most rows, is read, and the others are offered
(``Sheets.others``) so the data officer can pick another. ``layout`` reads the chosen sheet's
XML once for what the values alone do not say: the rows Excel hides, and the merged cells,
whose value ``fill_merged`` repeats on every row of the range (a region merged over ten rows
is the region of those ten people). Pure: no streamlit.
"""

from __future__ import annotations

import io
import itertools
import re
import zipfile
from dataclasses import dataclass, field
from xml.etree.ElementTree import iterparse

from openpyxl.utils.cell import range_boundaries

from lib.ingest.header import fits, locate_header
from lib.ingest.text import clean, display, header_key, is_blank

ROWS_SAMPLED = 500  # rows of each sheet looked at to tell a data sheet from a summary
# A row labelled so is a pivot table's or a summary's total: no sheet of records has one.
TOTAL_LABELS = frozenset(
    header_key(label)
    for label in ("Total", "Total général", "Grand Total", "Sous-total", "Subtotal",
                  "المجموع", "المجموع العام", "الإجمالي")
)  # fmt: skip
_NAMESPACE = re.compile(r"^\{[^}]*\}")


@dataclass(frozen=True)
class Sheets:
    """The sheet to read and the other sheets that qualify as data too."""

    chosen: object  # an openpyxl worksheet
    others: tuple[str, ...] = ()


def _score(sheet, kinds: tuple[str, ...]) -> tuple[bool, int, int]:
    """(qualifies, header columns named, rows below the header) of one sheet."""
    sheet.reset_dimensions()
    rows = itertools.islice(sheet.iter_rows(values_only=True), ROWS_SAMPLED)
    records = [(line, list(cells)) for line, cells in enumerate(rows, 1) if not is_blank(cells)]
    if not records:
        return False, -1, 0
    index, kind, matched = locate_header(records, kinds)
    below = records[index + 1 :]
    summary = any(_first_label(cells) in TOTAL_LABELS for _, cells in below)
    qualifies = bool(matched and fits(records[index][1], kind) and below and not summary)
    return qualifies, matched, len(below)


def _first_label(cells: list) -> str:
    """The row's first filled cell, folded: "Total général" on a pivot table's last row."""
    first = next((cell for cell in cells if clean(cell) is not None), None)
    return header_key(display(clean(first))) if isinstance(first, str) else ""


def choose_sheet(sheets: list, kinds: tuple[str, ...], wanted: str | None = None) -> Sheets:
    """The data sheet (``wanted`` when it is one of the sheets), and the others that qualify."""
    scores = {sheet.title: _score(sheet, kinds) for sheet in sheets}
    qualified = [sheet for sheet in sheets if scores[sheet.title][0]]
    by_title = {sheet.title: sheet for sheet in sheets}
    if wanted in by_title:
        chosen = by_title[wanted]
    elif qualified:
        chosen = max(qualified, key=lambda sheet: scores[sheet.title][1:])
    else:  # none qualifies: the best header, for the clearest refusal
        chosen = max(sheets, key=lambda sheet: scores[sheet.title][1])
    others = tuple(sheet.title for sheet in qualified if sheet is not chosen)
    return Sheets(chosen, others)


@dataclass
class Layout:
    """What the sheet's XML says beyond its values."""

    hidden: list[int] = field(default_factory=list)  # spreadsheet lines Excel hides
    merged: list[str] = field(default_factory=list)  # merged ranges, as "B3:B9"


def layout(data: bytes, sheet) -> Layout:
    """The hidden rows and merged ranges of ``sheet``, read from its XML in one pass."""
    found = Layout()
    path = (getattr(sheet, "_worksheet_path", None) or "").lstrip("/")
    if not path:
        return found
    with zipfile.ZipFile(io.BytesIO(data)) as archive, archive.open(path) as xml:
        for _, element in iterparse(xml):
            tag = _NAMESPACE.sub("", element.tag)
            if tag == "row" and element.get("hidden") in ("1", "true"):
                found.hidden.append(int(element.get("r", 0)))
            elif tag == "mergeCell" and element.get("ref"):
                found.merged.append(element.get("ref"))
            if tag in ("row", "c"):
                element.clear()  # a sheet of 200 000 rows stays small in memory
    return found


def fill_merged(records: list[tuple[int, list]], merged: list[str]) -> list[str]:
    """Repeat the value of each range merged down several rows (its top-left cell) on every
    row of the range; the ranges so filled. A range merged across one row only (a title over
    the columns) is left as Excel shows it: its value once."""
    by_line = {line: cells for line, cells in records}
    filled = []
    for ref in merged:
        first_col, first_row, last_col, last_row = range_boundaries(ref)
        top = by_line.get(first_row)
        if last_row == first_row or top is None or first_col - 1 >= len(top):
            continue
        value = top[first_col - 1]
        for line in range(first_row + 1, last_row + 1):
            cells = by_line.get(line)
            if cells is None:  # a blank line inside the range stays a blank line
                continue
            cells.extend([None] * (last_col - len(cells)))
            for column in range(first_col - 1, last_col):
                cells[column] = value
        filled.append(ref)
    return filled
