"""The templates a data officer downloads: a file of each kind that imports as it is.

``template_xlsx`` gives a workbook with a « Données » sheet (French headers, one example row,
drop-down lists of the reference values), an « Explications » sheet (what each column takes,
the other headers accepted) and a « Listes » sheet (regions, sectors, types, centres,
follow-up statuses and closure reasons with their codes and names, read from ``data/seed``);
``template_csv`` the header and the example row as French Excel opens them. Pure: no
streamlit, no warehouse.
"""

from __future__ import annotations

import csv
import io
from datetime import date
from pathlib import Path

import openpyxl
import pandas as pd
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from lib.config import Settings, get_settings
from lib.ingest.fields import FIELDS, Field, require_kind
from lib.ingest.report import message
from lib.warehouse.demo import AGE_BANDS, SUPPORT_TYPES

TEMPLATE_SEPARATOR = ";"  # what French Excel opens without asking


def _template_cell(spec: Field, for_csv: bool) -> object:
    value = spec.example
    if isinstance(value, date) and for_csv:
        return value.strftime("%d/%m/%Y")
    return "" if value is None else value


def template_csv(kind: str) -> bytes:
    """Header (French) and one example row, ``;``-separated UTF-8 with BOM, as Excel opens it."""
    require_kind(kind)
    out = io.StringIO()
    writer = csv.writer(out, delimiter=TEMPLATE_SEPARATOR, lineterminator="\r\n")
    writer.writerow([spec.header for spec in FIELDS[kind]])
    writer.writerow([_template_cell(spec, True) for spec in FIELDS[kind]])
    return out.getvalue().encode("utf-8-sig")


def _seed_lists(settings: Settings) -> dict[str, pd.DataFrame]:
    seed = Path(settings.seed_dir)
    return {
        "regions": pd.read_csv(seed / "regions.csv").sort_values("code"),
        "sectors": pd.read_csv(seed / "sectors.csv").sort_values("sort_order"),
        "intervention_types": pd.read_csv(seed / "intervention_types.csv").sort_values(
            "sort_order"
        ),
        "centres": pd.read_csv(seed / "capc_centres.csv").sort_values("centre_id"),
        "statuses": pd.read_csv(seed / "follow_up_statuses.csv").sort_values("sort_order"),
        "reasons": pd.read_csv(seed / "closure_reasons.csv").sort_values("sort_order"),
    }


_BOLD = Font(bold=True)
_HEAD_FILL = PatternFill("solid", fgColor="DDE7F0")
_WRAP = Alignment(wrap_text=True, vertical="top")


def template_xlsx(kind: str, settings: Settings | None = None) -> bytes:
    """A workbook: « Données » (French headers, one example row, drop-down lists),
    « Explications » (what each column takes) and « Listes » (regions, sectors, types,
    centres with their codes and names)."""
    require_kind(kind)
    settings = settings or get_settings()
    lists = _seed_lists(settings)
    fields = FIELDS[kind]
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = message("ingest.template.sheet_data")
    sheet.append([spec.header for spec in fields])
    sheet.append([_template_cell(spec, False) for spec in fields])
    for position, spec in enumerate(fields, start=1):
        cell = sheet.cell(row=1, column=position)
        cell.font, cell.fill = _BOLD, _HEAD_FILL
        sheet.column_dimensions[get_column_letter(position)].width = max(14, len(spec.header) + 4)
        if isinstance(spec.example, date):
            sheet.cell(row=2, column=position).number_format = "DD/MM/YYYY"
    sheet.freeze_panes = "A2"
    listing = workbook.create_sheet(message("ingest.template.sheet_lists"))
    ranges = _write_lists(listing, lists)
    for position, spec in enumerate(fields, start=1):
        source = ranges.get(spec.parser)
        if source is None:
            continue
        letter = get_column_letter(position)
        validation = DataValidation(type="list", formula1=source, allow_blank=True)
        validation.showErrorMessage = False  # a list to pick from; other spellings still work
        sheet.add_data_validation(validation)
        validation.add(f"{letter}2:{letter}{settings.max_upload_rows + 1}")
    help_sheet = workbook.create_sheet(message("ingest.template.sheet_help"), 1)
    _write_help(help_sheet, kind)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _write_lists(sheet, lists: dict[str, pd.DataFrame]) -> dict[str, str]:
    """The reference lists side by side; returns parser -> the range a drop-down reads."""
    blocks = [
        ("region", message("ingest.template.list_regions"),
         ["code", "iso_3166_2", "name_fr", "name_ar", "name_en"], lists["regions"], 2),
        ("sector", message("ingest.template.list_sectors"),
         ["code", "name_fr", "name_ar", "name_en"], lists["sectors"], 1),
        ("intervention_type", message("ingest.template.list_types"),
         ["code", "name_fr", "name_ar", "name_en"], lists["intervention_types"], 1),
        ("centre", message("ingest.template.list_centres"),
         ["centre_id", "city", "region_code"], lists["centres"], 1),
        ("follow_up_status", message("ingest.template.list_statuses"),
         ["code", "name_fr", "name_ar", "name_en"], lists["statuses"], 1),
        ("closure_reason", message("ingest.template.list_reasons"),
         ["code", "name_fr", "name_ar", "name_en"], lists["reasons"], 1),
    ]  # fmt: skip
    small = [("sex", message("ingest.template.list_sexes"), ["F", "M"]),
             ("age_band", message("ingest.template.list_age_bands"), list(AGE_BANDS)),
             ("support_type", message("ingest.template.list_support_types"),
              [s.replace("_", "-") for s in SUPPORT_TYPES]),
             ("boolean", message("ingest.template.list_booleans"), ["oui", "non"]),
             ("qualifier", message("ingest.template.list_qualifiers"),
              ["exact", "approx", "at_least"])]  # fmt: skip
    ranges: dict[str, str] = {}
    title = sheet.title.replace("'", "''")
    column = 1
    for parser, heading, names, frame, pick in blocks:
        sheet.cell(row=1, column=column, value=heading).font = _BOLD
        for offset, name in enumerate(names):
            label = message(f"ingest.template.list_column.{name}")
            cell = sheet.cell(row=2, column=column + offset, value=label)
            cell.font, cell.fill = _BOLD, _HEAD_FILL
        for row, record in enumerate(frame[names].itertuples(index=False), start=3):
            for offset, value in enumerate(record):
                sheet.cell(row=row, column=column + offset, value=_plain(value))
        letter = get_column_letter(column + pick)
        ranges[parser] = f"'{title}'!${letter}$3:${letter}${len(frame) + 2}"
        for offset in range(len(names)):
            sheet.column_dimensions[get_column_letter(column + offset)].width = 22
        column += len(names) + 1
    for parser, heading, choices in small:
        sheet.cell(row=1, column=column, value=heading).font = _BOLD
        for row, value in enumerate(choices, start=3):
            sheet.cell(row=row, column=column, value=value)
        letter = get_column_letter(column)
        ranges[parser] = f"'{title}'!${letter}$3:${letter}${len(choices) + 2}"
        sheet.column_dimensions[letter].width = 18
        column += 2
    return ranges


def _plain(value):
    if hasattr(value, "item"):
        return value.item()
    return value


def _write_help(sheet, kind: str) -> None:
    sheet.append([message(f"ingest.template.intro.{kind}")])
    sheet["A1"].font = Font(bold=True, size=12)
    sheet.append([])
    names = ("column", "required", "content", "example", "other_headers")
    headings = [message(f"ingest.template.help_{name}") for name in names]
    sheet.append(headings)
    for cell in sheet[3]:
        cell.font, cell.fill = _BOLD, _HEAD_FILL
    for spec in FIELDS[kind]:
        required = message("ingest.value.yes" if spec.required else "ingest.value.no")
        example = _template_cell(spec, True)
        others = ", ".join([alias for alias in spec.aliases if alias.isascii()][:5])
        sheet.append(
            [spec.header, required, message(f"ingest.field.{spec.name}"), str(example), others]
        )
    sheet.append([])
    for number in range(1, 8):
        text = message(f"ingest.template.rule_{number}")
        if text != f"ingest.template.rule_{number}":
            sheet.append([text])
    for letter, width in zip("ABCDE", (30, 12, 80, 28, 40), strict=True):
        sheet.column_dimensions[letter].width = width
    for row in sheet.iter_rows(min_row=4):
        for cell in row:
            cell.alignment = _WRAP


def template_file_name(kind: str, file_format: str = "xlsx") -> str:
    """modele_beneficiaires.xlsx, modele_placements.csv..."""
    return f"{message('ingest.template.file_prefix')}_{message(f'ingest.kind_slug.{kind}')}." + (
        file_format
    )
