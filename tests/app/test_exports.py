"""The app's downloads, as the pages offer them: every chart as PNG and SVG, every table as CSV
and Excel, the overview's board brief as PDF; each file opened, and its source line and the
demonstration label found in it. The buttons replace Plotly's toolbar and speak the page's
language; file names say what the selection kept.

The files are made by the very functions the buttons hold (Streamlit runs them at the click):
the tests catch them where Streamlit registers them.
"""

from __future__ import annotations

import io
import json
import xml.etree.ElementTree as ET
from pathlib import PurePath

import openpyxl
import pypdf
import pytest
from babel.numbers import format_decimal, parse_decimal
from PIL import Image
from streamlit.runtime.media_file_manager import MediaFileManager

from lib.ui import downloads
from lib.warehouse import queries
from lib.warehouse.filters import Filters
from tests.app.helpers import (
    assert_clean,
    new_app,
    open_page,
    open_tables,
    options,
    plotly_charts,
)

SOURCE = "Source : Idmaj, tableau de bord de la Fondation Mohammed VI"
LABEL = "données de démonstration"
PAGES = ("overview", "budgets", "regions", "placements", "interventions", "sources")
CHART_PAGES = ("overview", "budgets", "regions", "placements", "interventions")


@pytest.fixture
def made(monkeypatch) -> dict:
    """file id -> (the function a download button runs at the click, its file name)."""
    registered = {}
    original = MediaFileManager.add_deferred

    def add_deferred(self, data, mimetype, coordinates, file_name=None, **options):
        file_id = original(self, data, mimetype, coordinates, file_name=file_name, **options)
        registered[file_id] = (data, file_name)
        return file_id

    monkeypatch.setattr(MediaFileManager, "add_deferred", add_deferred)
    # No Streamlit server here to forget the files from (lib.ui.downloads): no timer either.
    monkeypatch.setattr(downloads.threading, "Timer", _NoTimer)
    return registered


class _NoTimer:
    def __init__(self, *args, **kwargs):
        pass

    def start(self) -> None:
        pass


def files(at, made: dict, kinds=("csv", "xlsx", "png", "svg")) -> dict[str, bytes]:
    """file name -> bytes of every download of the page (of the kinds asked), as clicked; the
    charts' tables (and their CSV and Excel buttons) opened first, as a reader opens them."""
    open_tables(at)
    found = {}
    for button in at.get("download_button"):
        make, name = made[button.proto.deferred_file_id]
        if PurePath(name).suffix[1:] in kinds:
            found[name] = make()
    return found


def _svg_text(data: bytes) -> str:
    root = ET.fromstring(data)
    return " ".join(
        "".join(node.itertext()) for node in root.iter("{http://www.w3.org/2000/svg}text")
    )


def _xlsx(data: bytes):
    workbook = openpyxl.load_workbook(io.BytesIO(data))
    return workbook.worksheets[0], dict(workbook.worksheets[1].iter_rows(values_only=True))


def _numbers(sheet) -> list:
    return [
        cell
        for row in sheet.iter_rows(min_row=2, values_only=True)
        for cell in row
        if isinstance(cell, int | float)
    ]


def _opened(name: str, data: bytes) -> str:
    """What a reader finds in the file: its words, wherever the format keeps them."""
    kind = PurePath(name).suffix[1:]
    if kind == "png":
        fields = Image.open(io.BytesIO(data)).text
        return f"{fields['Source']} {fields.get('Disclaimer', '')}"
    if kind == "svg":
        return _svg_text(data)
    if kind == "xlsx":
        _, about = _xlsx(data)
        return f"Source : {about['Source']} {about['Provenance']}"
    return data.decode("utf-8-sig").replace("Source,", "Source : ").replace('"', "")


@pytest.mark.parametrize("page", PAGES)
def test_every_download_carries_its_source_and_the_demonstration_label(page, made):
    at = open_page(page)
    assert_clean(at)
    found = files(at, made)
    assert found, page
    for name, data in found.items():
        words = _opened(name, data)
        assert SOURCE in words, name
        assert LABEL in words, name
    stems = {PurePath(name).stem for name in found}
    kinds = {
        stem: {PurePath(n).suffix for n in found if PurePath(n).stem == stem} for stem in stems
    }
    expected = ({".csv", ".xlsx", ".png", ".svg"}, {".csv", ".xlsx"})
    assert all(kind in expected for kind in kinds.values()), kinds
    if page in CHART_PAGES:  # charts as images, and their tables' figures as numbers
        assert any(".png" in kind and ".svg" in kind for kind in kinds.values())
        for name, data in found.items():
            if name.endswith(".xlsx"):
                sheet, _ = _xlsx(data)
                assert any(_numbers(sheet)), name


def test_the_overview_excel_gives_the_warehouses_numbers_to_a_french_reader(made):
    at = open_page("overview")
    name = "idmaj-budget-du-programme-par-année-mad-2019.xlsx"
    sheet, about = _xlsx(files(at, made, ("xlsx",))[name])
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("Année", "Budget (MAD)", "Bénéficiaires")
    warehouse = queries.beneficiaries_by_year(Filters(2019), options())
    expected = [
        (int(row.year), int(row.budget_mad), int(row.beneficiaries))
        for row in warehouse.itertuples()
    ]
    assert rows[1:] == expected  # typed numbers: nothing for a French spreadsheet to convert
    assert (2019, 13_500_000, 478) in rows
    # As a French Excel writes the cells (their format "#,##0"), and reads them back.
    for _, budget, _ in rows[1:]:
        shown = format_decimal(budget, format="#,##0", locale="fr_MA")
        assert parse_decimal(shown, locale="fr_MA", strict=True) == budget
    assert sheet.cell(2, 2).number_format == "#,##0" and sheet.cell(2, 1).number_format == "0"
    assert about["Sélection"] == "année 2019 · Tout le programme"


def test_file_names_and_descriptions_say_what_was_filtered(made):
    at = open_page("overview", {"region": "6", "sex": "F"})
    assert_clean(at)
    found = files(at, made, ("xlsx", "svg"))
    assert "idmaj-bénéficiaires-par-année-2019-region-6-sex-F.xlsx" in found
    assert "idmaj-bénéficiaires-par-année-2019-region-6-sex-F.svg" in found
    _, about = _xlsx(found["idmaj-bénéficiaires-par-année-2019-region-6-sex-F.xlsx"])
    assert about["Sélection"] == "année 2019 · Casablanca-Settat · Femmes"
    svg = _svg_text(found["idmaj-bénéficiaires-par-année-2019-region-6-sex-F.svg"])
    assert "Sélection : année 2019 · Casablanca-Settat · Femmes" in svg


def test_the_overview_offers_the_board_brief(made):
    at = open_page("overview")
    (button,) = [b for b in at.get("download_button") if b.key == "download_brief"]
    assert button.label == "Note au conseil (PDF)"
    make, name = made[button.proto.deferred_file_id]
    assert name == "idmaj-brief-2019-fr.pdf"
    pdf = pypdf.PdfReader(io.BytesIO(make()))
    assert len(pdf.pages) == 1
    assert "Note au conseil d'administration" in pdf.pages[0].extract_text()


def test_the_app_draws_its_own_buttons_in_the_pages_language(made):
    at = open_tables(new_app({"lang": "ar"}).run())
    assert_clean(at)
    labels = {button.label for button in at.get("download_button")}
    assert {"تحميل (PNG)", "تحميل (SVG)", "تحميل (CSV)", "تحميل (Excel)"} <= labels
    assert "مذكرة مجلس الإدارة (PDF)" in labels
    for chart in plotly_charts(at):  # Plotly's own toolbar (English tooltips) is not shown
        assert json.loads(chart.proto.config)["displayModeBar"] is False
    svg = next(data for name, data in files(at, made, ("svg",)).items())
    assert "المصدر: إدماج" in _svg_text(svg) and "بيانات توضيحية" in _svg_text(svg)
