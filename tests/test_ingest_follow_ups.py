"""lib.ingest, the follow-ups kind: a file made from the template is imported and rolled back
exactly; a follow-up dated before its record's year, or naming a record the warehouse does not
hold (or a demonstration record), is refused with a message in French, English and Arabic."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path

import openpyxl
import pytest

from lib.config import get_settings
from lib.ingest import pipeline, report, templates, transaction
from lib.outcomes import cohorts
from lib.warehouse import db
from lib.warehouse.build import build
from lib.warehouse.filters import FilterOptions, Filters
from tests.small_records import small_records
from tests.test_ingest import Warehouse, _copy, checksum, keys, parse

HEADER = "Clé bénéficiaire;Clé placement;Date du suivi;Statut;Motif de fermeture"
ALL = FilterOptions(years=(2018, 2019), regions=tuple(range(1, 13)), sectors=(
    "commerce", "industrie", "services", "artisanat", "restauration", "agriculture", "batiment"
))  # fmt: skip


@pytest.fixture(scope="module")
def imported_file(tmp_path_factory) -> Path:
    """tests/small_records.py as imported records: 5 beneficiaries, 3 placements, follow-ups."""
    folder = tmp_path_factory.mktemp("follow_ups_imported")
    build(get_settings(data_dir=folder), records=small_records(demo=False))
    return folder / "idmaj.duckdb"


@pytest.fixture(scope="module")
def demo_file(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("follow_ups_demo")
    build(get_settings(data_dir=folder), records=small_records())
    return folder / "idmaj.duckdb"


@pytest.fixture
def warehouse(imported_file, tmp_path) -> Warehouse:
    return _copy(imported_file, tmp_path / "imported")


@pytest.fixture
def demo_warehouse(demo_file, tmp_path) -> Warehouse:
    return _copy(demo_file, tmp_path / "demo")


def csv(*rows: str) -> bytes:
    return ("\r\n".join([HEADER, *rows]) + "\r\n").encode("utf-8")


def from_template(rows: list[list]) -> bytes:
    """The downloaded template, its example row replaced by ``rows``."""
    workbook = openpyxl.load_workbook(io.BytesIO(templates.template_xlsx("follow_ups")))
    sheet = workbook["Données"]
    sheet.delete_rows(2)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def follow_ups_of(database: db.Database, batch_id: int) -> list[tuple]:
    return database.execute_fn(
        lambda cursor: cursor.execute(
            "SELECT beneficiary_id, placement_id, visit_date, status_code, reason_code, is_demo "
            "FROM follow_up WHERE batch_id = ? ORDER BY follow_up_id",
            [batch_id],
        ).fetchall()
    )


def test_a_file_made_from_the_template_is_imported_then_rolled_back_exactly(warehouse):
    database = warehouse.database
    before = checksum(database, skip=("import_batch",))
    data = from_template(
        [
            [
                4,
                None,
                date(2020, 4, 2),
                "Micro-projet fermé",
                "Dettes ou manque de fonds de roulement",
            ],
            [None, 3, "15/10/2018", "en poste", None],
            [None, 3, "2019-02-01", "Licencié", None],
        ]
    )
    parsed = parse(data, "follow_ups", warehouse, "suivis.xlsx")
    assert parsed.ok, [report.describe(problem) for problem in parsed.errors]
    preview = pipeline.preview(parsed, database)
    assert preview.lines() == [
        "visites de suivi 2018 : 4 → 5",
        "visites de suivi 2019 : 9 → 10",
        "visites de suivi 2020 : 3 → 4",
    ]
    batch_id = transaction.commit(parsed, database, "amina")
    assert follow_ups_of(database, batch_id) == [
        (4, None, date(2020, 4, 2), "projet_ferme", "dettes", False),
        (None, 3, date(2018, 10, 15), "en_poste", None, False),
        (None, 3, date(2019, 2, 1), "licencie", None, False),
    ]
    spells = database.execute(
        "dashboard/outcome_spells", record_kind="beneficiary", **Filters(2019).sql_params(ALL)
    )
    closed = spells[(spells["cohort_year"] == 2019) & spells["ended"]]
    assert sorted(closed["months"].tolist()) == [2, 6, 9]  # beneficiary 4 closed at 9 months
    shares = cohorts.share_active(spells, by="cohort_year", horizons=[6])
    assert shares["share"].tolist() == pytest.approx([1.0, 1 / 3])
    transaction.rollback(batch_id, database, "youssef")
    assert checksum(database, skip=("import_batch",)) == before


def test_a_visit_before_the_grant_or_the_placement_year_is_refused(warehouse):
    data = csv("3;;31/12/2018;actif;", ";2;2017-06-30;en poste;", "3;;01/01/2019;actif;")
    parsed = parse(data, "follow_ups", warehouse)
    assert keys(parsed) == [
        "ingest.error.visit_before_grant",
        "ingest.error.visit_before_placement",
    ]
    grant, placement = parsed.errors
    assert (grant.line, placement.line) == (2, 3)
    assert report.describe(grant) == (
        "Ligne 2\xa0: ce suivi est daté d'avant 2019, l'année du programme du bénéficiaire 3 : un "
        "micro-projet ne peut pas être suivi avant sa subvention. Corrigez la date ou la clé."
    )
    assert "before 2019" in report.describe(grant, "en")
    assert "2019" in report.describe(grant, "ar") and "قبل" in report.describe(grant, "ar")
    with pytest.raises(report.ImportRefused):
        transaction.commit(parsed, warehouse.database, "amina")


def test_a_record_that_does_not_exist_or_is_demo_data_is_refused(warehouse, demo_warehouse):
    before = checksum(warehouse.database)
    parsed = parse(
        csv("99;;01/03/2020;actif;", ";42;01/03/2020;en poste;"), "follow_ups", warehouse
    )
    assert keys(parsed) == ["ingest.error.unknown_beneficiary", "ingest.error.unknown_placement"]
    assert "aucun bénéficiaire n'a la clé 99" in report.describe(parsed.errors[0])
    assert "no placement has the key 42" in report.describe(parsed.errors[1], "en")
    assert checksum(warehouse.database) == before
    demo = parse(csv("1;;01/03/2020;actif;"), "follow_ups", demo_warehouse)
    assert keys(demo) == ["ingest.error.follow_up_of_demo_record"]
    assert "démonstration" in report.describe(demo.errors[0])


def test_the_kind_is_guessed_from_french_or_english_headers(warehouse):
    assert parse(csv("3;;01/03/2020;actif;"), None, warehouse).kind == "follow_ups"
    english = b"Beneficiary key,Visit date,Status\n3,2020-03-01,running\n"
    parsed = parse(english, None, warehouse)
    assert parsed.kind == "follow_ups" and parsed.ok
    assert parsed.rows["status_code"].tolist() == ["projet_actif"]


def test_row_rules_point_at_the_cell(warehouse):
    data = csv(
        "1;2;01/03/2020;actif;",  # two keys
        ";;01/03/2020;actif;",  # no key
        "1;;02/03/2020;en poste;",  # a job's status for a beneficiary
        "1;;03/03/2020;fermé;",  # closed without a reason
        "1;;04/03/2020;actif;dettes",  # a reason without a closure
        "2;;05/03/2020;actif;",
        "2;;05/03/2020;suspendu;",  # the same record twice on one date
        "x;;06/03/2020;actif;",  # not a key (only that error for this row)
    )
    parsed = parse(data, "follow_ups", warehouse)
    found = [(problem.key, problem.line, problem.letter) for problem in parsed.errors]
    assert found == [
        ("ingest.error.invalid_record_key", 9, "A"),
        ("ingest.error.follow_up_two_keys", 2, "B"),
        ("ingest.error.follow_up_key_missing", 3, None),
        ("ingest.error.job_status_for_a_beneficiary", 4, "D"),
        ("ingest.error.closure_reason_missing", 5, "E"),
        ("ingest.error.reason_without_closure", 6, "E"),
        ("ingest.error.duplicate_follow_up", 8, "C"),
    ]
    for problem in parsed.errors:
        for lang in ("fr", "en", "ar"):
            text = report.describe(problem, lang)
            assert "{" not in text and "ingest." not in text, text


def test_a_batch_of_records_that_follow_ups_name_cannot_be_rolled_back_first(warehouse):
    database = warehouse.database
    people = "Année;Région;Secteur;Sexe;Tranche d'âge;Type d'appui;Montant (MAD)\r\n"
    people += "2020;Souss-Massa;Services;F;25-34;micro-projet;20000\r\n"
    people_batch = transaction.commit(
        parse(people.encode(), "beneficiaries", warehouse), database, "a"
    )
    visits = csv("6;;01/10/2020;actif;")  # the new beneficiary's key follows the 5 records
    visits_batch = transaction.commit(parse(visits, "follow_ups", warehouse), database, "a")
    with pytest.raises(report.IngestError) as refused:
        transaction.rollback(people_batch, database, "a")
    assert refused.value.problems[0].key == "ingest.error.follow_ups_depend_on_batch"
    assert f"n° {visits_batch}" in report.describe(refused.value.problems[0])
    transaction.rollback(visits_batch, database, "a")
    transaction.rollback(people_batch, database, "a")
    assert (
        parse(visits, "follow_ups", warehouse).errors[0].key == "ingest.error.unknown_beneficiary"
    )


def test_a_cumulative_export_overlaps_the_earlier_one(warehouse):
    database = warehouse.database
    first = csv("3;;01/03/2020;actif;", "4;;01/03/2020;actif;")
    transaction.commit(parse(first, "follow_ups", warehouse), database, "a")
    again = csv("3;;01/03/2020;actif;", "4;;01/03/2020;actif;", "4;;01/09/2020;suspendu;")
    parsed = parse(again, "follow_ups", warehouse, "cumul.csv")
    assert [problem.key for problem in parsed.warnings] == ["ingest.warning.contains_batch"]
    batch_id = transaction.commit(parsed, database, "a", choice="new_only")
    assert follow_ups_of(database, batch_id) == [
        (4, None, date(2020, 9, 1), "projet_suspendu", None, False)
    ]


def test_replacing_the_demo_removes_its_follow_ups(demo_warehouse):
    database = demo_warehouse.database
    people = b"Year,Region,Sector,Sex,Age band\n2020,6,industrie,F,18-24\n"
    transaction.commit(
        parse(people, "placements", demo_warehouse), database, "a", replace_demo=True
    )
    left = database.execute_fn(
        lambda cursor: cursor.execute("SELECT count(*) FROM follow_up").fetchone()[0]
    )
    assert left == 0
    assert database.execute("dashboard/outcome_provenance")["demo"].tolist() == [0]
