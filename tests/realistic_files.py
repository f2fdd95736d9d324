"""Spreadsheets as the foundation's regional staff really make them, generated, never edited by
hand: ``python -m tests.realistic_files OUT`` writes each one to OUT to open in Excel or
LibreOffice; ``tests/test_ingest_realistic.py`` imports each and checks what it must give.

One function per file, registered with ``@realistic(...)`` and the outcome it must have:
accepted (``rows``: how many records) with the warnings named, or refused with the errors
named. ``values`` gives, for some records, the value a field must be read as.
"""

from __future__ import annotations

import io
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import openpyxl

BENEFICIARIES_FR = (
    "Année du programme", "Région", "Secteur", "Sexe", "Tranche d'âge", "Type d'appui",
    "Montant de la subvention (MAD)", "Moussalaha", "Ancien pensionnaire CPE", "Remise royale",
)  # fmt: skip
BENEFICIARIES_AR = (
    "سنة البرنامج", "الجهة", "القطاع", "الجنس", "الفئة العمرية", "نوع الدعم",
    "مبلغ المنحة (درهم)", "مصالحة", "نزيل سابق بمركز حماية الطفولة", "تسليم ملكي",
)  # fmt: skip
PLACEMENTS_AR = ("سنة الإدماج", "الجهة", "القطاع", "الجنس", "الفئة العمرية")
INTERVENTIONS_AR = ("تاريخ التدخل", "مركز المواكبة", "نوع التدخل", "الجنس")
FIGURES_AR = (
    "المؤشر", "القيمة", "الوحدة", "الدقة", "الفترة", "النطاق", "المصدر", "تاريخ المصدر",
    "رابط المصدر", "اقتباس", "ملاحظة",
)  # fmt: skip


@dataclass(frozen=True)
class Realistic:
    """A generated file and what importing it must give."""

    name: str
    file_name: str
    make: Callable[[], bytes]
    kind: str | None = "beneficiaries"
    rows: int | None = None  # accepted with this many records; None: refused
    errors: tuple[str, ...] = ()  # message keys that must be among the errors
    warnings: tuple[str, ...] = ()  # message keys that must be among the warnings
    sheet: str | None = None  # the sheet that must be read
    others: tuple[str, ...] = ()  # the other sheets that must be offered
    values: dict = field(default_factory=dict)  # (row, field) -> value read
    secret: str | None = None  # text that must never appear in the report


FILES: dict[str, Realistic] = {}


def realistic(file_name: str, **expected) -> Callable:
    """Register a generator: the function's name is the case's name."""

    def register(make: Callable[[], bytes]) -> Callable[[], bytes]:
        name = make.__name__
        FILES[name] = Realistic(name, file_name, make, **expected)
        return make

    return register


def workbook_bytes(sheets: dict[str, list[list]], prepare: Callable | None = None) -> bytes:
    """A workbook with these sheets (title -> rows), in this order; ``prepare(workbook)``
    hides rows or merges cells before it is saved."""
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    for title, rows in sheets.items():
        sheet = workbook.create_sheet(title)
        for row in rows:
            sheet.append(row)
    if prepare is not None:
        prepare(workbook)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def person(region="Souss-Massa", sector="Services", sex="F", age="25-34", grant=20_000):
    return [2019, region, sector, sex, age, "auto-emploi", grant, "non", "non", "non"]


def people(count: int, start: int = 0) -> list[list]:
    regions = ("Souss-Massa", "Casablanca-Settat", "L'Oriental", "Fès-Meknès")
    return [person(regions[i % 4], grant=20_000 + 100 * i) for i in range(start, start + count)]


# --- Identity in free text --------------------------------------------------------------------


def _figures(note: str) -> bytes:
    header = ["Indicateur", "Valeur", "Unité", "Période", "Source", "Date de la source", "Note"]
    row = ["programme_beneficiaries", 512, "personnes", "2031", "Communiqué", date(2031, 1, 5)]
    return workbook_bytes({"Chiffres": [header, [*row, note]]})


@realistic(
    "chiffres-note-telephone.xlsx",
    kind="published_figures",
    errors=("ingest.error.identity_phone",),
    secret="661-234567",
)
def phone_with_dashes_in_a_note() -> bytes:
    return _figures("Contact du bénéficiaire : +212-661-234567")


@realistic(
    "chiffres-note-cin.xlsx",
    kind="published_figures",
    errors=("ingest.error.identity_cin",),
    secret="123456",
)
def identity_card_with_a_space_in_a_note() -> bytes:
    return _figures("Dossier suivi (CIN BE 123456), versement fait")


# --- Arabic throughout --------------------------------------------------------------------------


@realistic("مستفيدون.xlsx", kind=None, rows=3, sheet="المستفيدون",
           values={(0, "is_former_cpe"): True, (0, "is_royal_handover"): True,
                   (1, "grant_mad"): 25_000, (2, "grant_mad"): 25_000})  # fmt: skip
def beneficiaries_in_arabic_with_dirhams_in_arabic() -> bytes:
    rows = [
        list(BENEFICIARIES_AR),
        [2019, "سوس ماسة", "الخدمات", "أنثى", "25-34", "مشروع صغير", 30_000, "لا", "نعم", "نعم"],
        [2019, "الدار البيضاء سطات", "التجارة", "ذكر", "35-44", "تشغيل ذاتي", "25 000,00 د.م.",
         "لا", "لا", "لا"],
        [2019, "الجهة الشرقية", "الفلاحة", "ذكر", "18-24", "تشغيل ذاتي", "25000 درهم", "لا", "لا",
         "لا"],
    ]  # fmt: skip
    return workbook_bytes({"المستفيدون": rows})


@realistic("ادماج.xlsx", kind=None, rows=2)
def placements_in_arabic() -> bytes:
    rows = [
        list(PLACEMENTS_AR),
        [2019, "طنجة تطوان الحسيمة", "الصناعة", "ذكر", "18-24"],
        [2019, "الرباط سلا القنيطرة", "الخدمات", "أنثى", "25-34"],
    ]
    return workbook_bytes({"الإدماج": rows})


@realistic("تدخلات.xlsx", kind=None, rows=3,
           values={(0, "centre_id"): "Casablanca", (1, "centre_id"): "Tanger",
                   (2, "centre_id"): "Oujda"})  # fmt: skip
def interventions_with_centres_named_in_arabic_and_english() -> bytes:
    rows = [
        list(INTERVENTIONS_AR),
        [date(2019, 5, 27), "الدار البيضاء", "اجتماعي", "ذكر"],
        [date(2019, 6, 3), "Tangier", "قانوني", "أنثى"],
        [date(2019, 6, 4), "وجدة", "طبي", "ذكر"],
    ]
    return workbook_bytes({"التدخلات": rows})


# --- Several sheets ---------------------------------------------------------------------------


def _pivot() -> list[list]:
    """A pivot table in tabular form, its value field renamed like the data's column."""
    header = ["Année du programme", "Région", "Secteur", "Sexe", "Tranche d'âge", "Type d'appui",
              "Montant de la subvention (MAD)"]  # fmt: skip
    return [
        header,
        [2019, "Souss-Massa", "Services", "F", "25-34", "auto-emploi", 40_200],
        [2019, "Casablanca-Settat", "Services", "F", "25-34", "auto-emploi", 20_100],
        ["Total général", None, None, None, None, None, 60_300],
    ]


@realistic("suivi-2019.xlsx", rows=6, sheet="Données")
def pivot_table_summary_before_the_data() -> bytes:
    return workbook_bytes({"TCD": _pivot(), "Données": [list(BENEFICIARIES_FR), *people(6)]})


@realistic("mensuel-2019.xlsx", rows=7, sheet="Février", others=("Janvier",),
           warnings=("ingest.warning.several_sheets",))  # fmt: skip
def one_sheet_per_month() -> bytes:
    january = [list(BENEFICIARIES_FR), *people(4)]
    february = [list(BENEFICIARIES_FR), *people(7)]
    return workbook_bytes({"Janvier": january, "Février": february, "Notes": [["À relire"]]})


@realistic("feuille-erreur.xlsx", errors=("ingest.error.unknown_region",), sheet="Saisie")
def a_refusal_names_the_sheet() -> bytes:
    return workbook_bytes(
        {"Lisez-moi": [["Saisir une ligne par bénéficiaire"]],
         "Saisie": [list(BENEFICIARIES_FR), person(region="Atlantis")]}
    )  # fmt: skip


# --- What Excel shows differently ---------------------------------------------------------------


def _hide_rows(workbook) -> None:
    for line in (3, 4):
        workbook["Données"].row_dimensions[line].hidden = True


@realistic("lignes-masquees.xlsx", rows=5, warnings=("ingest.warning.hidden_rows",))
def hidden_rows() -> bytes:
    return workbook_bytes({"Données": [list(BENEFICIARIES_FR), *people(5)]}, _hide_rows)


def _merge_regions(workbook) -> None:
    sheet = workbook["Données"]
    sheet.merge_cells("B2:B4")  # three people of one region, the region written once
    sheet.merge_cells("B5:B6")


@realistic(
    "cellules-fusionnees.xlsx",
    rows=5,
    warnings=("ingest.warning.merged_cells",),
    values={(1, "region_code"): 9, (2, "region_code"): 9, (4, "region_code"): 6},
)
def region_merged_down_its_rows() -> bytes:
    rows = [list(BENEFICIARIES_FR), *people(5)]
    for row in rows[1:4]:
        row[1] = "Souss-Massa"
    for row in rows[4:6]:
        row[1] = "Casablanca-Settat"
    return workbook_bytes({"Données": rows}, _merge_regions)


@realistic("exemple-oublie.xlsx", rows=3, warnings=("ingest.warning.example_row",))
def template_example_row_left_in() -> bytes:
    example = [2019, "Casablanca-Settat", "Commerce", "F", "25-34", "micro-projet", 25_000, "non",
               "non", "non"]  # fmt: skip
    return workbook_bytes({"Données": [list(BENEFICIARIES_FR), example, *people(2)]})


# --- Months that repeat ---------------------------------------------------------------------------


def cumulative_month(count: int) -> bytes:
    """A monthly file that repeats every earlier month: the first ``count`` people."""
    return workbook_bytes({"Données": [list(BENEFICIARIES_FR), *people(count)]})


@realistic("janvier.xlsx", rows=4)
def january() -> bytes:
    return cumulative_month(4)


@realistic("fevrier.xlsx", rows=7)
def february_repeats_january() -> bytes:
    return cumulative_month(7)


def write_all(folder: Path) -> list[Path]:
    """Every generated file, written to ``folder`` under its file name."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for case in FILES.values():
        path = folder / case.file_name
        path.write_bytes(case.make())
        written.append(path)
    return written


if __name__ == "__main__":
    for path in write_all(Path(sys.argv[1] if len(sys.argv) > 1 else "realistic-files")):
        print(path)
