"""The import takes the files staff really make (tests/realistic_files.py generates them):
several sheets, Arabic throughout, hidden rows, merged cells, the template's example left in,
months that repeat; and refuses, naming the sheet, what it must refuse."""

from __future__ import annotations

import shutil
from dataclasses import dataclass

import pytest

from lib.config import get_settings
from lib.ingest import pipeline, report, transaction
from lib.ingest.reference import reference
from lib.warehouse import db
from lib.warehouse.build import build
from tests import realistic_files
from tests.realistic_files import FILES, Realistic
from tests.small_records import small_records


@dataclass
class Warehouse:
    settings: object
    database: db.Database


@pytest.fixture(scope="module")
def small_file(tmp_path_factory):
    folder = tmp_path_factory.mktemp("realistic_small")
    build(get_settings(data_dir=folder), records=small_records())
    return folder / "idmaj.duckdb"


def _copy(source, folder) -> Warehouse:
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copy(source, folder / "idmaj.duckdb")
    settings = get_settings(data_dir=folder)
    return Warehouse(settings, db.get_database(settings))


@pytest.fixture(scope="module")
def shared_warehouse(small_file, tmp_path_factory) -> Warehouse:
    """Read only: every file is parsed against it, none committed."""
    return _copy(small_file, tmp_path_factory.mktemp("realistic_shared"))


@pytest.fixture
def fresh_warehouse(small_file, tmp_path) -> Warehouse:
    return _copy(small_file, tmp_path / "fresh")


def parse(case: Realistic, where, sheet: str | None = None) -> pipeline.ParsedFile:
    return pipeline.parse(
        case.make(), case.file_name, case.kind, where.database, where.settings, sheet
    )


def _read_as(parsed: pipeline.ParsedFile, name: str, value, ref):
    if name == "centre_id":
        return ref.centre_names[value]
    return value


@pytest.mark.parametrize("case", FILES.values(), ids=FILES)
def test_a_realistic_file_gives_what_it_must(case: Realistic, shared_warehouse):
    parsed = parse(case, shared_warehouse)
    errors = [problem.key for problem in parsed.errors]
    warnings = [problem.key for problem in parsed.warnings]
    assert set(case.errors) <= set(errors), errors
    assert set(case.warnings) <= set(warnings), warnings
    if case.rows is None:
        assert not parsed.ok
    else:
        assert parsed.ok and not errors, [report.describe(p) for p in parsed.errors]
        assert len(parsed.rows) == case.rows
    if case.sheet is not None:
        assert parsed.sheet == case.sheet
        assert report.reading(parsed)[0] == f"Feuille lue : « {case.sheet} »."
        assert all(report.describe(p).startswith(f"Feuille « {case.sheet} »")
                   for p in parsed.problems)  # fmt: skip
    assert parsed.other_sheets == case.others
    ref = reference(shared_warehouse.database)
    for (row, name), expected in case.values.items():
        value = parsed.rows[name].iloc[row]
        assert _read_as(parsed, name, value, ref) == expected, (row, name)
    if case.secret is not None:  # an identifier is never copied into the report
        shown = report.report_csv(parsed).decode("utf-8-sig")
        assert case.secret not in shown and case.secret.replace("-", "") not in shown


def test_the_other_sheet_is_read_when_the_data_officer_picks_it(shared_warehouse):
    case = FILES["one_sheet_per_month"]
    parsed = parse(case, shared_warehouse, sheet="Janvier")
    assert parsed.ok and parsed.sheet == "Janvier" and len(parsed.rows) == 4
    assert parsed.other_sheets == ("Février",)


def test_hidden_rows_and_merged_ranges_are_named_in_the_preview(shared_warehouse):
    hidden = parse(FILES["hidden_rows"], shared_warehouse)
    message = report.describe(next(p for p in hidden.warnings if "hidden" in p.key))
    assert message.startswith("Feuille « Données », ligne 3") and "(3, 4)" in message
    merged = parse(FILES["region_merged_down_its_rows"], shared_warehouse)
    message = report.describe(next(p for p in merged.warnings if "merged" in p.key))
    assert "B2:B4, B5:B6" in message


def test_blank_lines_and_a_title_are_skipped_and_said(shared_warehouse):
    rows = [["Suivi 2019 — Souss-Massa"], [], list(realistic_files.BENEFICIARIES_FR),
            realistic_files.person(), [], [], realistic_files.person()]  # fmt: skip
    data = realistic_files.workbook_bytes({"Données": rows})
    parsed = pipeline.parse(
        data, "f.xlsx", "beneficiaries", shared_warehouse.database, shared_warehouse.settings
    )
    assert parsed.ok and len(parsed.rows) == 2
    assert report.reading(parsed) == [
        "Feuille lue : « Données ».",
        "En-tête trouvé à la ligne 3.",
        "Lignes 1 à 2, au-dessus de l'en-tête : ignorées (titre, notes).",
        "2 ligne(s) vide(s) ignorée(s) : 5, 6.",
    ]


def test_a_cumulative_month_is_caught_in_the_workbooks_too(fresh_warehouse):
    database = fresh_warehouse.database
    january = parse(FILES["january"], fresh_warehouse)
    transaction.commit(january, database, "amina")
    february = parse(FILES["february_repeats_january"], fresh_warehouse)
    assert [overlap.shared for overlap in february.overlaps] == [4]
    preview = pipeline.preview(february, database, choice="new_only")
    assert preview.rows_to_add == 3


def test_the_generator_writes_every_file(tmp_path):
    written = realistic_files.write_all(tmp_path)
    assert sorted(path.name for path in written) == sorted(c.file_name for c in FILES.values())
    assert all(path.stat().st_size > 0 for path in written)
