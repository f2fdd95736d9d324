"""Files users download: CSV that opens cleanly in a spreadsheet and cannot run a formula, and
the registry of the formats a table (CSV, XLSX) or a chart (PNG, SVG) leaves the app in, each
file carrying its title, source, selection, date and demonstration label.

Pure: no streamlit.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

import pandas as pd

from lib.formatting import format_date
from lib.i18n import is_rtl, t
from lib.warehouse.filters import Filters

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


# --- files that keep their meaning ---------------------------------------------------------
# A chart or a table that leaves the app says what it is: its title, its source, the selection
# it shows, the data's version, the day it was made and, where demonstration records are
# behind it, the demonstration label. ``About`` carries those, in the reader's language; each
# format is one small function registered in ``FORMATS`` (rules as data): the buttons of the
# app are made from that registry, and a test opens every file it makes.

CSV_DIGITS = 6  # a float in a CSV: 28243.514644, not 28243.514644351464
MIME_XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_WIDEST_COLUMN = 60  # characters: a column of long sentences stops widening there


@dataclass(frozen=True)
class About:
    """What a file says about itself. ``selection`` names the filters ("2019 · Tout le
    programme"), ``source`` where the figures come from, ``data`` the warehouse's version;
    ``stem`` is the file's name without its extension (``file_stem``)."""

    title: str
    lang: str
    selection: str
    source: str
    data: str
    made: date
    demo: bool
    stem: str

    @property
    def demo_label(self) -> str:
        """The demonstration label, or "" when no demonstration record is behind the file."""
        return t("common.demo_badge", self.lang) if self.demo else ""

    @property
    def provenance(self) -> str:
        if self.demo:
            return f"{self.demo_label}. {t('common.demo_help', self.lang)}"
        return t("export.provenance_imported", self.lang)

    def fields(self) -> list[tuple[str, str]]:
        """(label, text) pairs: the rows of an XLSX's description sheet and a CSV's head."""
        lang = self.lang
        return [
            (t("export.title_label", lang), self.title),
            (t("export.selection_label", lang), self.selection),
            (t("export.source_label", lang), self.source),
            (t("export.data_label", lang), self.data),
            (t("export.provenance_label", lang), self.provenance),
            (t("export.made_label", lang), format_date(self.made, lang)),
        ]

    def footer(self) -> tuple[str, ...]:
        """The lines drawn under a chart (the demonstration label is drawn after them)."""
        lang = self.lang
        made = t("export.made", lang, date=format_date(self.made, lang))
        return (
            self.source_line,
            t("export.selection_line", lang, value=self.selection),
            f"{t('export.data_line', lang, value=self.data)} {made}",
        )

    @property
    def source_line(self) -> str:
        return t("export.source_line", self.lang, value=self.source)


def file_stem(title: str, filters: Filters | None = None) -> str:
    """``idmaj-budget-du-programme-par-annee-mad-2019``; a narrowed selection says what it kept
    (``…-2019-region-1-6-sex-F``), in codes that read the same in every language."""
    parts = [f"idmaj-{file_slug(title)}"]
    if filters is None:
        return parts[0]
    if str(filters.year) not in parts[0]:  # the title may name the year already
        parts.append(str(filters.year))
    for name, chosen in (
        ("region", filters.regions),
        ("sector", filters.sectors),
        ("sex", filters.sexes),
    ):
        if chosen:
            parts.append("-".join([name, *(str(value) for value in chosen)]))
    return "-".join(parts)


def about(
    title: str,
    lang: str,
    filters: Filters | None,
    covered: str,
    data: str,
    demo: bool,
    made: date,
) -> About:
    """The description of a file showing ``title`` under ``filters`` (None: a view that no
    filter narrows); ``covered`` says what the selection covers ("Casablanca-Settat · Femmes"),
    ``data`` the data's version."""
    if filters is None:
        selection = t("export.no_filter", lang)
    else:
        selection = t("export.selection", lang, year=filters.year, covered=covered)
    source = t("export.source", lang)
    stem = file_stem(title, filters)
    return About(title, lang, selection, source, data, made=made, demo=demo, stem=stem)


@dataclass(frozen=True)
class Format:
    """One kind of file: what it is made from (``table`` or ``chart``), its MIME type, and the
    function that makes its bytes from the thing and its ``About``."""

    name: str
    kind: str
    mime: str
    make: Callable[[object, About], bytes]

    def file_name(self, about: About) -> str:
        return f"{about.stem}.{self.name}"


FORMATS: dict[str, Format] = {}


def registered(name: str, kind: str, mime: str):
    """Register the decorated function as the maker of ``name`` files (in button order)."""

    def register(make: Callable[[object, About], bytes]):
        FORMATS[name] = Format(name, kind, mime, make)
        return make

    return register


def formats(kind: str) -> list[Format]:
    """The formats a table or a chart is offered in, in the order they were registered."""
    return [one for one in FORMATS.values() if one.kind == kind]


def exported(name: str, thing, about: About) -> bytes:
    """The bytes of ``thing`` (a table's frame, a chart's figure) as a ``name`` file."""
    return FORMATS[name].make(thing, about)


def _rounded(frame: pd.DataFrame) -> pd.DataFrame:
    rounded = frame.copy()
    for column in rounded.columns:
        if pd.api.types.is_float_dtype(rounded[column]):
            rounded[column] = rounded[column].round(CSV_DIGITS)
    return rounded


@registered("csv", "table", "text/csv")
def table_csv(frame: pd.DataFrame, about: About) -> bytes:
    """UTF-8 CSV (with a byte-order mark): the description, one "label,text" row each, an
    empty row, then the table; escaped against formulas like every CSV of the app."""
    head = pd.DataFrame(about.fields())
    described = safe_frame(head).to_csv(index=False, header=False, lineterminator="\r\n")
    table = csv_bytes(_rounded(frame), bom=False).decode("utf-8")
    return ("\ufeff" + described + "\r\n" + table).encode("utf-8")


def _cell(value):
    """A frame's value as an openpyxl cell value: numbers stay numbers, missing is empty."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    if isinstance(value, pd.Timestamp):
        return value.to_pydatetime()
    if hasattr(value, "item"):  # a numpy number
        return value.item()
    return neutralise_formula(value)


def _number_format(series: pd.Series, plain: bool) -> str | None:
    if pd.api.types.is_bool_dtype(series):
        return None
    if pd.api.types.is_datetime64_any_dtype(series):
        return "yyyy-mm-dd"
    if not pd.api.types.is_numeric_dtype(series):
        return None
    if plain:
        return "0"
    return "#,##0" if pd.api.types.is_integer_dtype(series) else "#,##0.00"


def _text_cells(sheet) -> None:
    """Every text cell stays text: openpyxl would store "=…" as a formula."""
    for row in sheet.iter_rows():
        for cell in row:
            if isinstance(cell.value, str):
                cell.data_type = "s"


def _widths(sheet, rows: list[list]) -> None:
    from openpyxl.utils import get_column_letter

    for index, column in enumerate(zip(*rows, strict=False), start=1):
        longest = max((len(str(value)) for value in column if value is not None), default=8)
        sheet.column_dimensions[get_column_letter(index)].width = min(longest + 2, _WIDEST_COLUMN)


def _data_sheet(sheet, frame: pd.DataFrame, lang: str) -> None:
    from openpyxl.styles import Font

    plain = {t(key, lang) for key in ("common.year", "common.rank")}
    header = [neutralise_formula(str(column)) for column in frame.columns]
    rows = [[_cell(value) for value in row] for row in frame.itertuples(index=False)]
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    for index, column in enumerate(frame.columns, start=1):
        number_format = _number_format(frame[column], column in plain)
        if number_format:
            for (cell,) in sheet.iter_rows(min_row=2, min_col=index, max_col=index):
                cell.number_format = number_format
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"
    _widths(sheet, [header, *rows])


@registered("xlsx", "table", MIME_XLSX)
def table_xlsx(frame: pd.DataFrame, about: About) -> bytes:
    """An Excel workbook: the table on its first sheet, numbers as numbers (a French Excel
    shows them its own way, with nothing to convert), and a second sheet describing it."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    workbook = Workbook()
    data = workbook.active
    data.title = t("export.sheet_data", about.lang)
    _data_sheet(data, frame, about.lang)
    described = workbook.create_sheet(t("export.sheet_about", about.lang))
    for label, text in about.fields():
        described.append([neutralise_formula(label), neutralise_formula(text)])
    for cell in described["A"]:
        cell.font = Font(bold=True)
    for cell in described["B"]:
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    described.column_dimensions["A"].width = 22
    described.column_dimensions["B"].width = 90
    for sheet in (data, described):
        sheet.sheet_view.rightToLeft = is_rtl(about.lang)
        _text_cells(sheet)
    workbook.properties.title = about.title
    workbook.properties.description = "\n".join(about.footer())
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


@registered("png", "chart", "image/png")
def chart_png(figure, about: About) -> bytes:
    from lib.chart_files import figure_png

    return figure_png(figure, about)


@registered("svg", "chart", "image/svg+xml")
def chart_svg(figure, about: About) -> bytes:
    from lib.chart_files import figure_svg

    return figure_svg(figure, about).encode("utf-8")
