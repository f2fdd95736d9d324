"""Bytes to a table of cells: what an uploaded file holds, before any of it is interpreted.

``read`` refuses what is not a spreadsheet (too large, empty, XLS 97, PDF, HTML, OpenDocument,
a ZIP that is not a workbook or would unpack to more than ``XLSX_UNPACKED_MB`` or ``XLSX_RATIO``
times its size)
and gives the non-blank rows of a CSV or of an XLSX's data sheet as a ``Table``. A CSV is
decoded as UTF-8 (with or without BOM), UTF-16 with BOM or Windows-1252, and its separator is
sniffed (Excel's ``sep=`` line is honoured); ``mojibake`` spots UTF-8 text that was read as
Windows-1252 somewhere on its way. Pure: no streamlit, no warehouse.
"""

from __future__ import annotations

import csv
import io
import itertools
import re
import zipfile
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import openpyxl

from lib.config import Settings
from lib.ingest import workbook as workbook_layout
from lib.ingest.header import HEADER_SCAN_ROWS
from lib.ingest.report import Bad
from lib.ingest.text import CONTROL, is_blank

# A workbook of the largest allowed size (200 000 rows) unpacks to about 110 MB, 15 times its
# size; a zip bomb unpacks to hundreds of times its own. Both are read from the ZIP's directory,
# before anything is unpacked.
XLSX_UNPACKED_MB = 150  # an XLSX may unpack to this much, not more
XLSX_RATIO = 100  # nor to more than this many times its own size
SNIFF_RECORDS = 50
SEPARATORS = (";", ",", "\t")


@dataclass
class Table:
    """The non-blank rows of a file as (spreadsheet line, cells), before any interpretation."""

    records: list[tuple[int, list]]
    truncated: bool  # more rows than the limit: reading stopped
    file_format: str
    encoding: str | None = None
    separator: str | None = None
    sheet: str | None = None  # the sheet read, of a workbook
    other_sheets: tuple[str, ...] = ()  # the workbook's other sheets that hold such data too
    hidden: tuple[int, ...] = ()  # the lines Excel hides
    merged: tuple[str, ...] = ()  # the merged ranges whose value was repeated down the rows


def read(
    data: bytes, settings: Settings, kinds: tuple[str, ...], sheet: str | None = None
) -> Table:
    """The file's rows, or ``Bad`` when it is not a table this import can read; of a workbook,
    the data sheet (``sheet`` when it names one: the data officer's choice)."""
    limit = settings.max_upload_mb * 1024 * 1024
    if len(data) > limit:
        size = f"{len(data) / 1024 / 1024:.1f}".replace(".", ",")
        raise Bad("ingest.error.file_too_large", size_mb=size, max_mb=settings.max_upload_mb)
    if not data.strip():
        raise Bad("ingest.error.empty_file")
    head = data[:8]
    if head.startswith(b"PK\x03\x04"):
        return _read_xlsx(data, settings, kinds, sheet)
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        raise Bad("ingest.error.unsupported_format", format="XLS (Excel 97-2003)")
    if head.startswith(b"%PDF"):
        raise Bad("ingest.error.unsupported_format", format="PDF")
    return _read_csv(data, settings)


def _keep_rows(rows: Iterable[tuple[int, list]], limit: int, records: list) -> bool:
    """Append the non-blank rows to ``records``, up to ``limit``; True when more were left."""
    for line, cells in rows:
        if is_blank(cells):
            continue
        if len(records) >= limit:
            return True
        records.append((line, cells))
    return False


# --- CSV ------------------------------------------------------------------------------------


def _decode(data: bytes) -> tuple[str, str]:
    for bom, encoding in (
        (b"\xef\xbb\xbf", "utf-8"),
        (b"\xff\xfe", "utf-16-le"),
        (b"\xfe\xff", "utf-16-be"),
    ):
        if data.startswith(bom):
            try:
                return data[len(bom) :].decode(encoding), f"{encoding} (BOM)"
            except UnicodeDecodeError as error:
                line = data[: error.start].count(b"\n") + 1
                raise Bad("ingest.error.bad_encoding", line=line) from None
    if b"\x00" in data:
        raise Bad("ingest.error.not_a_table")
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252"), "cp1252"
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise Bad("ingest.error.bad_encoding", line=line) from None


def mojibake(text: str) -> str | None:
    """UTF-8 read as Windows-1252 ("FÃ¨s" for "Fès"): the repaired text, or None if fine."""
    if text.isascii():
        return None
    runs = re.findall(r"[^\x00-\x7f]{2,}", text)
    for run in runs:
        try:
            fixed = run.encode("cp1252").decode("utf-8")
        except (UnicodeEncodeError, UnicodeDecodeError):
            continue
        if fixed != run:
            try:
                return text.encode("cp1252").decode("utf-8")
            except (UnicodeEncodeError, UnicodeDecodeError):
                return text.replace(run, fixed)
    return None


def _records(text: str, separator: str) -> Iterator[list[str]]:
    return csv.reader(io.StringIO(text, newline=""), delimiter=separator, quotechar='"')


def _sniff(text: str) -> str:
    best, best_score = SEPARATORS[0], None
    for separator in SEPARATORS:
        try:
            sample = [r for r in itertools.islice(_records(text, separator), SNIFF_RECORDS)]
        except csv.Error:
            continue
        counts = [len(r) for r in sample if not is_blank(r)]
        if not counts:  # nothing but this separator and spaces: an empty table
            return separator
        common = Counter(counts).most_common(1)[0][0]
        score = (counts[0] > 1, counts.count(common) / len(counts), counts[0])
        if best_score is None or score > best_score:
            best, best_score = separator, score
    return best


def _read_csv(data: bytes, settings: Settings) -> Table:
    text, encoding = _decode(data)
    if len(CONTROL.findall(text)) > max(5, len(text) // 100):
        raise Bad("ingest.error.not_a_table")
    if text.lstrip().lower().startswith(("<html", "<!doctype", "<?xml", "<table")):
        raise Bad("ingest.error.unsupported_format", format="HTML/XML")
    forced = re.match(r'"?sep=(.)"?[ \t]*\r?\n', text, flags=re.IGNORECASE)
    if forced:  # Excel's hint line: Excel hides it, so it does not count as a line
        text = text[forced.end() :]
    separator = forced[1] if forced else _sniff(text)
    limit = settings.max_upload_rows + HEADER_SCAN_ROWS + 1
    records: list[tuple[int, list]] = []
    try:
        truncated = _keep_rows(enumerate(_records(text, separator), start=1), limit, records)
    except csv.Error as error:
        line = len(records) + 1 if not records else records[-1][0] + 1
        raise Bad("ingest.error.malformed_csv", line=line, detail=str(error)) from None
    if text.count('"') % 2 and records and not truncated:  # the lenient reader ran to the end
        opened = next((line for line, cells in records if any("\n" in c for c in cells)), None)
        raise Bad("ingest.error.unclosed_quote", line=opened or records[-1][0])
    return Table(records, truncated, "csv", encoding=encoding, separator=separator)


# --- XLSX -----------------------------------------------------------------------------------


def _read_xlsx(data: bytes, settings: Settings, kinds: tuple[str, ...], sheet: str | None) -> Table:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        names = set(archive.namelist())
        unpacked = sum(info.file_size for info in archive.infolist())
        mimetype = archive.read("mimetype") if "mimetype" in names else b""
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, KeyError, ValueError):
        raise Bad("ingest.error.unreadable_xlsx") from None
    if b"opendocument" in mimetype:
        raise Bad("ingest.error.unsupported_format", format="OpenDocument (.ods)")
    if "xl/workbook.xml" not in names:
        raise Bad("ingest.error.unsupported_format", format="ZIP")
    if unpacked > XLSX_UNPACKED_MB * 1024 * 1024 or unpacked > XLSX_RATIO * len(data):
        raise Bad("ingest.error.xlsx_too_large", max_mb=settings.max_upload_mb)
    try:
        return _xlsx_table(data, settings, kinds, sheet)
    except Bad:
        raise
    except Exception:  # openpyxl raises many kinds of error on a damaged workbook
        raise Bad("ingest.error.unreadable_xlsx") from None


def _xlsx_table(data: bytes, settings: Settings, kinds: tuple[str, ...], wanted) -> Table:
    workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    try:
        sheets = [ws for ws in workbook.worksheets if ws.sheet_state == "visible"]
        if not sheets:
            raise Bad("ingest.error.empty_file")
        found = workbook_layout.choose_sheet(sheets, kinds, wanted)
        chosen = found.chosen
        chosen.reset_dimensions()
        limit = settings.max_upload_rows + HEADER_SCAN_ROWS + 1
        rows = enumerate(map(list, chosen.iter_rows(values_only=True)), start=1)
        records: list[tuple[int, list]] = []
        truncated = _keep_rows(rows, limit, records)
        shape = workbook_layout.layout(data, chosen)
        merged = workbook_layout.fill_merged(records, shape.merged)
        return Table(
            records,
            truncated,
            "xlsx",
            sheet=chosen.title,
            other_sheets=found.others,
            hidden=tuple(shape.hidden),
            merged=tuple(merged),
        )
    finally:
        workbook.close()
