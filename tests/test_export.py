"""lib.export: downloads open in a spreadsheet and can never run a formula; every table and
chart file says what it shows (title, source, selection, data version, date, demo label)."""

from __future__ import annotations

import io
from datetime import date

import openpyxl
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lib.export import (
    _NUMBER,
    FORMATS,
    FORMULA_START,
    MIME_XLSX,
    About,
    about,
    csv_bytes,
    exported,
    file_slug,
    file_stem,
    formats,
    neutralise_formula,
    safe_frame,
)
from lib.warehouse.filters import Filters


def test_formula_cells_are_neutralised():
    for cell in ("=1+1", "+SUM(A1)", "-cmd|' /C calc'!A0", "@SUM(1)"):
        assert neutralise_formula(cell) == "'" + cell
    assert neutralise_formula("Casablanca") == "Casablanca"
    assert neutralise_formula("-12,5") == "-12,5"  # a negative number stays a number
    assert neutralise_formula(-3) == -3


def test_csv_has_a_bom_and_raw_numbers():
    frame = pd.DataFrame({"Région": ["Fès-Meknès", "=HYPERLINK()"], "Budget": [1_000, 2_000]})
    data = csv_bytes(frame)
    assert data.startswith(b"\xef\xbb\xbf")
    text = data.decode("utf-8-sig")
    assert "Fès-Meknès,1000" in text and "'=HYPERLINK()" in text


@settings(deadline=None)
@given(st.lists(st.text(), min_size=1, max_size=20))
def test_no_exported_text_cell_starts_a_formula(cells):
    safe = safe_frame(pd.DataFrame({"x": cells}))
    for cell in safe["x"]:
        # Only a plain number may start with a sign; anything else got its apostrophe.
        assert not cell.startswith(FORMULA_START) or _NUMBER.match(cell)
    for before, after in zip(cells, safe["x"], strict=True):
        assert after in (before, "'" + before)  # nothing else about a cell changes


def test_file_slug_keeps_any_script():
    assert file_slug("Budget par région en 2019 (MAD)") == "budget-par-région-en-2019-mad"
    assert file_slug("الميزانية") == "الميزانية"
    assert file_slug("///") == "idmaj"


# --- files that keep their meaning (lib.export.FORMATS) --------------------------------------

MADE = date(2025, 1, 15)
TABLE = pd.DataFrame(
    {
        "Année": [2018, 2019],
        "Budget (MAD)": [8_100_000, 13_500_000],
        "Coût par bénéficiaire (MAD)": [30_000.0, 28_242.677824267782],
        "Région": ["Fès-Meknès", '=HYPERLINK("x")'],
    }
)


def _about(lang: str = "fr", demo: bool = True, filters: Filters | None = None) -> About:
    filters = filters if filters is not None else Filters(2019, (1, 6), (), ("F",))
    return about("Budget par année (MAD)", lang, filters, "Oriental · Femmes", "v1", demo, MADE)


def test_a_file_is_named_after_its_title_and_what_the_selection_kept():
    assert file_stem("Budget par année (MAD)", Filters(2019)) == "idmaj-budget-par-année-mad-2019"
    assert file_stem("Enveloppe par région en 2019", Filters(2019)) == (
        "idmaj-enveloppe-par-région-en-2019"  # the title names the year already
    )
    narrowed = Filters(2018, (1, 6), ("agriculture",), ("F",))
    assert file_stem("Budget", narrowed) == "idmaj-budget-2018-region-1-6-sector-agriculture-sex-F"
    assert file_stem("Chiffres publiés", None) == "idmaj-chiffres-publiés"
    assert _about().stem == "idmaj-budget-par-année-mad-2019-region-1-6-sex-F"


def test_a_file_describes_itself_in_its_readers_language():
    described = dict(_about().fields())
    assert described["Titre"] == "Budget par année (MAD)"
    assert described["Sélection"] == "année 2019 · Oriental · Femmes"
    assert described["Source"].startswith("Idmaj, tableau de bord de la Fondation")
    assert described["Données"] == "v1"
    assert described["Provenance"].startswith("données de démonstration. Les totaux nationaux")
    assert described["Exporté le"] == "15 janvier 2025"
    assert _about().footer()[0].startswith("Source : Idmaj")
    assert _about(demo=False).demo_label == ""
    assert dict(_about(demo=False).fields())["Provenance"] == "dossiers importés par la Fondation"
    unfiltered = about("Sources", "en", None, "", "v1", False, MADE)
    assert dict(unfiltered.fields())["Selection"] == "no filter, all the data"
    assert unfiltered.stem == "idmaj-sources"
    assert _about("ar").footer()[0].startswith("المصدر: إدماج")


def test_every_format_is_registered_once_for_tables_or_charts():
    assert [form.name for form in formats("table")] == ["csv", "xlsx"]
    assert [form.name for form in formats("chart")] == ["png", "svg"]
    assert (
        FORMATS["xlsx"].file_name(_about())
        == "idmaj-budget-par-année-mad-2019-region-1-6-sex-F.xlsx"
    )
    assert {form.mime for form in FORMATS.values()} == {
        "text/csv",
        MIME_XLSX,
        "image/png",
        "image/svg+xml",
    }


def test_a_table_csv_says_what_it_is_then_gives_the_rows():
    data = exported("csv", TABLE, _about())
    assert data.startswith(b"\xef\xbb\xbf")
    text = data.decode("utf-8-sig")
    head, _, body = text.partition("\r\n\r\n")
    assert head.splitlines()[0] == "Titre,Budget par année (MAD)"
    assert 'Source,"Idmaj, tableau de bord' in head and "données de démonstration" in head
    back = pd.read_csv(io.StringIO(body))
    assert back["Budget (MAD)"].tolist() == [8_100_000, 13_500_000]
    assert back["Coût par bénéficiaire (MAD)"].tolist() == [30_000.0, 28_242.677824]  # 6 digits
    assert back["Région"].tolist() == ["Fès-Meknès", '\'=HYPERLINK("x")']


def test_a_table_xlsx_keeps_numbers_as_numbers_and_describes_itself():
    workbook = openpyxl.load_workbook(io.BytesIO(exported("xlsx", TABLE, _about())))
    data, described = workbook.worksheets
    assert (data.title, described.title) == ("Données", "À propos")
    rows = list(data.iter_rows(values_only=True))
    assert rows[0] == ("Année", "Budget (MAD)", "Coût par bénéficiaire (MAD)", "Région")
    assert rows[1:] == [
        (2018, 8_100_000, 30_000.0, "Fès-Meknès"),
        (2019, 13_500_000, pytest.approx(28_242.677824267782, rel=1e-15), '\'=HYPERLINK("x")'),
    ]  # a float keeps 15 significant digits, as a spreadsheet does
    assert [data.cell(2, column).number_format for column in (1, 2, 3)] == [
        "0", "#,##0", "#,##0.00"
    ]  # fmt: skip
    assert all(cell.data_type == "n" for row in data["A2:C3"] for cell in row)
    assert data["D3"].data_type == "s"  # text, never a formula
    about_rows = dict(described.iter_rows(values_only=True))
    assert about_rows["Source"].startswith("Idmaj, tableau de bord")
    assert about_rows["Provenance"].startswith("données de démonstration")
    assert about_rows["Sélection"] == "année 2019 · Oriental · Femmes"
    assert not data.sheet_view.rightToLeft


def test_an_arabic_workbook_reads_right_to_left():
    workbook = openpyxl.load_workbook(io.BytesIO(exported("xlsx", TABLE, _about("ar"))))
    assert [sheet.title for sheet in workbook.worksheets] == ["البيانات", "حول الملف"]
    assert all(sheet.sheet_view.rightToLeft for sheet in workbook.worksheets)
    assert (
        "بيانات توضيحية" in dict(workbook.worksheets[1].iter_rows(values_only=True))["أصل السجلات"]
    )
