"""lib.ingest: real files in, refused with a message a person can act on, or imported whole.

The malformed corpus lives in tests/ingest_corpus (cases.toml says what each file must give).
Every test writes to a warehouse of its own, copied from one built once per module.
"""

from __future__ import annotations

import csv
import dataclasses
import io
import re
import shutil
import threading
import time
import tomllib
import zipfile
from datetime import date, datetime, timedelta
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lib import i18n
from lib.config import get_settings
from lib.export import FORMULA_START, csv_bytes
from lib.ingest import checks, fields, pipeline, report, templates, transaction
from lib.warehouse import db
from lib.warehouse.build import build
from tests.small_records import small_records

CORPUS = Path(__file__).resolve().parent / "ingest_corpus"
CASES = tomllib.loads((CORPUS / "cases.toml").read_text(encoding="utf-8"))["case"]
# --- Warehouses -----------------------------------------------------------------------------


@dataclasses.dataclass
class Warehouse:
    settings: object
    database: db.Database


@pytest.fixture(scope="module")
def small_file(tmp_path_factory) -> Path:
    """A warehouse of 11 hand-made demo records (tests/small_records.py) and the seed."""
    folder = tmp_path_factory.mktemp("ingest_small")
    build(get_settings(data_dir=folder), records=small_records())
    return folder / "idmaj.duckdb"


@pytest.fixture(scope="module")
def imported_file(tmp_path_factory) -> Path:
    """The same 11 records as ``small_file``, as if imported (follow-ups may name them)."""
    folder = tmp_path_factory.mktemp("ingest_imported")
    build(get_settings(data_dir=folder), records=small_records(demo=False))
    return folder / "idmaj.duckdb"


@pytest.fixture(scope="module")
def imported_warehouse(imported_file, tmp_path_factory) -> Warehouse:
    """A warehouse of imported records, for read-only follow-up checks."""
    return _copy(imported_file, tmp_path_factory.mktemp("ingest_imported_shared"))


@pytest.fixture(scope="module")
def demo_file(tmp_path_factory) -> Path:
    """The demo warehouse (2019: 478 beneficiaries)."""
    folder = tmp_path_factory.mktemp("ingest_demo")
    build(get_settings(data_dir=folder))
    return folder / "idmaj.duckdb"


def _copy(source: Path, folder: Path) -> Warehouse:
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copy(source, folder / "idmaj.duckdb")
    settings_ = get_settings(data_dir=folder)
    return Warehouse(settings_, db.get_database(settings_))


@pytest.fixture
def warehouse(small_file, tmp_path) -> Warehouse:
    return _copy(small_file, tmp_path / "small")


@pytest.fixture
def demo_warehouse(demo_file, tmp_path) -> Warehouse:
    return _copy(demo_file, tmp_path / "demo")


@pytest.fixture(scope="module")
def shared_warehouse(small_file, tmp_path_factory) -> Warehouse:
    """One warehouse for the read-only corpus and the fuzz test (each restores what it does)."""
    return _copy(small_file, tmp_path_factory.mktemp("ingest_shared"))


def checksum(database: db.Database, skip: tuple[str, ...] = ()) -> dict[str, tuple]:
    """Row count and an order-independent hash of every row, for every table (one query)."""

    def read(cursor) -> dict[str, tuple]:
        tables = sorted(
            row[0] for row in cursor.execute("SELECT table_name FROM duckdb_tables()").fetchall()
        )
        query = " UNION ALL ".join(
            f"SELECT '{table}', count(*), coalesce(sum(hash(t)::HUGEINT), 0) FROM {table} t"
            for table in tables
            if table not in skip
        )
        return {table: (count, total) for table, count, total in cursor.execute(query).fetchall()}

    return database.execute_fn(read)


def records(database: db.Database, table: str, batch_id: int) -> pd.DataFrame:
    return database.execute_fn(
        lambda cursor: cursor.execute(
            f"SELECT * FROM {table} WHERE batch_id = ? ORDER BY 1", [batch_id]
        ).df()
    )


def xlsx(rows: list[list], title: str = "Données") -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = title
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def parse(data: bytes, kind: str | None, where: Warehouse, name: str = "f.csv", **overrides):
    return pipeline.parse(
        data, name, kind, where.database, dataclasses.replace(where.settings, **overrides)
    )


def keys(parsed: pipeline.ParsedFile) -> list[str]:
    return [problem.key for problem in parsed.errors]


# --- The malformed corpus -------------------------------------------------------------------


def test_the_corpus_holds_at_least_30_files_and_cases():
    files = [path for path in CORPUS.iterdir() if path.name != "cases.toml"]
    assert len(files) >= 30
    assert len(CASES) >= 30
    assert {case["file"] for case in CASES if "file" in case} == {path.name for path in files}


@pytest.mark.parametrize("case", CASES, ids=[case["name"] for case in CASES])
def test_a_malformed_file_is_refused_with_a_clear_message(case, shared_warehouse):
    database = shared_warehouse.database
    data = (CORPUS / case["file"]).read_bytes() if "file" in case else xlsx(case["rows"])
    before = checksum(database)
    parsed = parse(
        data,
        case.get("kind"),
        shared_warehouse,
        case.get("file", "case.xlsx"),
        **case.get("settings", {}),
    )
    assert not parsed.ok
    found = [problem for problem in parsed.errors if problem.key == case["expect"]]
    assert found, f"expected {case['expect']}, got {keys(parsed)}"
    problem = found[0]
    text = report.describe(problem)
    assert case["fragment"] in text, text
    if "line" in case:
        assert problem.line == case["line"], text
    if "column" in case:
        assert problem.letter == case["column"], text
    for error in parsed.errors:  # every message is complete and says where to look
        sentence = report.describe(error)
        assert "{" not in sentence and "ingest." not in sentence, sentence
        place = r"^(Feuille « [^»]+ »|Ligne \d+\b|Colonne [A-Z]+\b|Fichier\b)"
        assert re.match(place, sentence), sentence
    assert len(report.report(parsed)) == len(parsed.problems)
    assert parsed.rows.empty
    with pytest.raises(report.ImportRefused):
        transaction.commit(parsed, database, "test")
    assert checksum(database) == before


def _valid_beneficiaries(count: int = 3) -> bytes:
    lines = ["Année;Région;Secteur;Sexe;Tranche d'âge;Type d'appui;Montant (MAD)"]
    lines += [
        f"2019;Casablanca-Settat;Commerce;F;25-34;micro-projet;{20000 + i}" for i in range(count)
    ]
    return ("\r\n".join(lines) + "\r\n").encode("utf-8")


def _zip(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    return buffer.getvalue()


GENERATED = {  # files too big to commit, or built from other files
    "file over the size limit": (
        lambda: _valid_beneficiaries(24_000),
        {"max_upload_mb": 1},
        "ingest.error.file_too_large",
        "1 Mo",
    ),
    "a cell longer than the CSV reader allows": (
        lambda: _valid_beneficiaries(1) + b"2019;" + b"A" * 200_000 + b";x;F;25-34;x;1\r\n",
        {},
        "ingest.error.malformed_csv",
        "trop longue",
    ),
    "a Word document": (
        lambda: _zip({"[Content_Types].xml": b"<x/>", "word/document.xml": b"<x/>"}),
        {},
        "ingest.error.unsupported_format",
        "ZIP",
    ),
    "an OpenDocument spreadsheet": (
        lambda: _zip({"mimetype": b"application/vnd.oasis.opendocument.spreadsheet"}),
        {},
        "ingest.error.unsupported_format",
        ".ods",
    ),
    "a truncated workbook": (
        lambda: templates.template_xlsx("beneficiaries")[:3000],
        {},
        "ingest.error.unreadable_xlsx",
        "endommagé",
    ),
    "a workbook that unpacks to far more than the limit (zip bomb)": (
        lambda: _zip({"xl/workbook.xml": b"<x/>", "xl/worksheets/sheet1.xml": bytes(12 << 20)}),
        {"max_upload_mb": 1},
        "ingest.error.xlsx_too_large",
        "décompressé",
    ),
}


@pytest.mark.parametrize("name", list(GENERATED))
def test_a_generated_malformed_file_is_refused(name, shared_warehouse):
    make, overrides, key, fragment = GENERATED[name]
    before = checksum(shared_warehouse.database)
    parsed = parse(make(), "beneficiaries", shared_warehouse, "generated", **overrides)
    assert key in keys(parsed)
    assert fragment in report.describe(parsed.errors[keys(parsed).index(key)])
    with pytest.raises(report.ImportRefused):
        transaction.commit(parsed, shared_warehouse.database, "test")
    assert checksum(shared_warehouse.database) == before


def test_a_registered_rule_runs_on_the_files_of_its_kinds_only(shared_warehouse, monkeypatch):
    registry = checks.Registry()
    monkeypatch.setattr(checks, "rule", registry)  # the loop finds rules through the registry

    @registry("placements")
    def no_industry(records: checks.Records):
        for line, sector in zip(records.lines, records.values["sector_code"], strict=True):
            if sector == "industrie":
                where = records.where("sector_code", line)
                yield report.Problem("ingest.error.unknown_sector", {"allowed": "-"}, **where)

    placements = "Année;Région;Secteur;Sexe;Tranche d'âge\r\n2019;Souss-Massa;Industrie;M;18-24\r\n"
    parsed = parse(placements.encode(), "placements", shared_warehouse)
    assert [(p.key, p.line, p.letter) for p in parsed.errors] == [
        ("ingest.error.unknown_sector", 2, "C")
    ]
    assert parse(_valid_beneficiaries(), "beneficiaries", shared_warehouse).ok
    with pytest.raises(ValueError):
        registry("patients")


# --- Every dialect gives the same records ---------------------------------------------------

REGIONS = pd.read_csv(get_settings().seed_dir / "regions.csv").set_index("code")
SECTORS = pd.read_csv(get_settings().seed_dir / "sectors.csv").set_index("code")
TYPES = pd.read_csv(get_settings().seed_dir / "intervention_types.csv").set_index("code")

# year, region, sector, sex, age band, support type, grant, moussalaha, former CPE
PEOPLE = [
    (2019, 1, "commerce", "F", "25-34", "micro_projet", 25_000, False, False),
    (2019, 11, "agriculture", "M", "18-24", "auto_emploi", 13_500, True, False),
    (2018, 2, "artisanat", "M", "45+", "micro_projet", 30_000, False, True),
    (2017, 6, "batiment", "F", "35-44", "micro_projet", 125_000, False, False),
    (2019, 2, "services", "M", "25-34", "auto_emploi", 0, True, False),
]
EXPECTED_PEOPLE = pd.DataFrame(
    [(*person[:8], person[8], False) for person in PEOPLE],
    columns=list(fields.RECORD_COLUMNS["beneficiaries"]),
).astype(
    {
        "programme_year": "int16",
        "region_code": "int8",
        "grant_mad": "int64",
        "sector_code": "str",
        "sex": "str",
        "age_band": "str",
        "support_type": "str",
    }
)


def _region_variant(code: int, style: str) -> str:
    row = REGIONS.loc[code]
    return {
        "fr": row["name_fr"],
        "ascii": {
            1: "Tanger-Tetouan-Al Hoceima",
            11: "Laayoune Sakia El Hamra",
            2: "Oriental",
            6: "CASABLANCA-SETTAT",
        }.get(code, row["name_en"]),
        "loose": {
            1: "tanger tétouan al hoceïma",
            11: "Laâyoune - Saguia El Hamra",
            2: "L'Oriental",
            6: "Région de Casablanca-Settat",
        }.get(code, row["name_fr"]),
        "iso": row["iso_3166_2"],
        "number": str(code),
        "ar": row["name_ar"],
        "en": row["name_en"],
    }[style]


SEX = {
    "letter": {"F": "F", "M": "M"},
    "word": {"F": "Femme", "M": "homme"},
    "en": {"F": "female", "M": "Male"},
    "ar": {"F": "أنثى", "M": "ذكر"},
    "fr_h": {"F": "F", "M": "H"},
}
AGE = {
    "plain": lambda a: a,
    "words": lambda a: {"45+": "45 ans et plus"}.get(a, a.replace("-", " à ") + " ans"),
    "dash": lambda a: a.replace("-", " – "),
}
SUPPORT = {
    "fr": {"micro_projet": "micro-projet", "auto_emploi": "auto-emploi"},
    "loose": {"micro_projet": "Micro projet", "auto_emploi": "AUTO EMPLOI"},
    "en": {"micro_projet": "micro-project", "auto_emploi": "self-employment"},
    "code": {"micro_projet": "micro_projet", "auto_emploi": "auto_emploi"},
}
BOOLEAN = {
    "fr": ("oui", "non"),
    "en": ("yes", "no"),
    "digit": ("1", "0"),
    "vrai": ("VRAI", "FAUX"),
    "x": ("x", ""),
    "ar": ("نعم", "لا"),
}


def _grant(value: int, style: str) -> str:
    grouped = f"{value:,}"
    return {
        "plain": str(value),
        "space": grouped.replace(",", " "),
        "nbsp": grouped.replace(",", "\u00a0"),
        "narrow": grouped.replace(",", "\u202f"),
        "dot": grouped.replace(",", "."),
        "decimal_comma": f"{value},00",
        "currency": grouped.replace(",", " ") + ",00 MAD",
    }[style]


HEADERS = {
    "fr": [
        "Année",
        "Région",
        "Secteur",
        "Sexe",
        "Tranche d'âge",
        "Type d'appui",
        "Montant (MAD)",
        "Moussalaha",
        "Ancien pensionnaire CPE",
    ],
    "fr_plain": [
        "annee",
        "region",
        "secteur",
        "sexe",
        "tranche d'age",
        "type d'appui",
        "subvention",
        "moussalaha",
        "ancien cpe",
    ],
    "en": [
        "programme_year",
        "region",
        "sector",
        "sex",
        "age band",
        "support type",
        "grant",
        "is_moussalaha",
        "is_former_cpe",
    ],
    "en_title": [
        "Year",
        "Region",
        "Sector",
        "Sex",
        "Age group",
        "Support type",
        "Grant (MAD)",
        "Moussalaha",
        "Former CPE",
    ],
}

DIALECTS = {  # name: how each field is written, and how the file is saved
    "utf-8, semicolon, French": dict(
        headers="fr",
        region="fr",
        sector="name_fr",
        sex="letter",
        age="plain",
        support="fr",
        grant="plain",
        boolean="fr",
        encoding="utf-8",
        sep=";",
    ),
    "utf-8 BOM, comma, decimal comma": dict(
        headers="fr_plain",
        region="ascii",
        sector="name_fr",
        sex="word",
        age="words",
        support="loose",
        grant="decimal_comma",
        boolean="en",
        encoding="utf-8-sig",
        sep=",",
    ),
    "cp1252, tab, thousands with spaces": dict(
        headers="fr",
        region="loose",
        sector="name_fr",
        sex="fr_h",
        age="dash",
        support="code",
        grant="space",
        boolean="digit",
        encoding="cp1252",
        sep="\t",
    ),
    "utf-8, semicolon, Arabic names": dict(
        headers="fr",
        region="ar",
        sector="name_ar",
        sex="ar",
        age="plain",
        support="fr",
        grant="nbsp",
        boolean="ar",
        encoding="utf-8",
        sep=";",
    ),
    "English headers and names": dict(
        headers="en",
        region="en",
        sector="name_en",
        sex="en",
        age="plain",
        support="en",
        grant="narrow",
        boolean="en",
        encoding="utf-8",
        sep=",",
    ),
    "ISO codes, thousands with dots, currency": dict(
        headers="en_title",
        region="iso",
        sector="code",
        sex="letter",
        age="plain",
        support="code",
        grant="dot",
        boolean="vrai",
        encoding="utf-8",
        sep=";",
    ),
    "region numbers, UTF-16 (Excel unicode text)": dict(
        headers="fr",
        region="number",
        sector="code",
        sex="letter",
        age="plain",
        support="fr",
        grant="currency",
        boolean="x",
        encoding="utf-16",
        sep="\t",
    ),
    "Excel sep= line and a title row": dict(
        headers="fr",
        region="fr",
        sector="name_fr",
        sex="letter",
        age="plain",
        support="fr",
        grant="plain",
        boolean="fr",
        encoding="utf-8",
        sep=";",
        preamble="sep=;\r\nBénéficiaires du programme 2017-2019\r\n\r\n",
    ),
    "columns in another order": dict(
        headers="fr",
        region="fr",
        sector="name_fr",
        sex="letter",
        age="plain",
        support="fr",
        grant="plain",
        boolean="fr",
        encoding="utf-8",
        sep=";",
        order=[6, 0, 3, 1, 2, 8, 4, 7, 5],
    ),
}


def _person_cells(person, dialect) -> list[str]:
    year, region, sector, sex, age, support, grant, moussalaha, cpe = person
    yes, no = BOOLEAN[dialect["boolean"]]
    sector_text = sector if dialect["sector"] == "code" else SECTORS.loc[sector, dialect["sector"]]
    return [
        str(year),
        _region_variant(region, dialect["region"]),
        sector_text,
        SEX[dialect["sex"]][sex],
        AGE[dialect["age"]](age),
        SUPPORT[dialect["support"]][support],
        _grant(grant, dialect["grant"]),
        yes if moussalaha else no,
        yes if cpe else no,
    ]


def render(dialect: dict) -> bytes:
    order = dialect.get("order", list(range(9)))
    out = io.StringIO()
    writer = csv.writer(out, delimiter=dialect["sep"], lineterminator="\r\n")
    writer.writerow([HEADERS[dialect["headers"]][i] for i in order])
    for person in PEOPLE:
        cells = _person_cells(person, dialect)
        writer.writerow([cells[i] for i in order])
    return (dialect.get("preamble", "") + out.getvalue()).encode(dialect["encoding"])


def render_xlsx() -> bytes:
    rows = [HEADERS["fr"]]
    for year, region, sector, sex, age, support, grant, moussalaha, cpe in PEOPLE:
        rows.append(
            [
                year,
                REGIONS.loc[region, "name_fr"],
                SECTORS.loc[sector, "name_fr"],
                sex,
                age,
                support.replace("_", "-"),
                grant,
                moussalaha,
                cpe,
            ]
        )
    return xlsx([["Export du 2 janvier 2020"], *rows])


@pytest.mark.parametrize("name", [*DIALECTS, "xlsx with typed cells"])
def test_every_dialect_gives_the_same_records(name, shared_warehouse):
    data = render_xlsx() if name.startswith("xlsx") else render(DIALECTS[name])
    parsed = parse(data, "beneficiaries", shared_warehouse, f"{name}.csv")
    assert parsed.ok, [report.describe(problem) for problem in parsed.errors]
    pd.testing.assert_frame_equal(parsed.rows, EXPECTED_PEOPLE)


def test_the_kind_is_guessed_from_english_headers(shared_warehouse):
    data = render(DIALECTS["English headers and names"])
    parsed = parse(data, None, shared_warehouse)
    assert parsed.kind == "beneficiaries" and parsed.ok
    assert parsed.separator == "," and parsed.encoding == "utf-8"


@pytest.mark.parametrize(
    "header, kind",
    [
        ("Année;Région;Secteur;Sexe;Tranche d'âge", "placements"),
        ("Année;Région;Secteur;Sexe;Tranche d'âge;Type d'appui", "beneficiaries"),
        ("Date;Centre;Type;Sexe", "interventions"),
        ("indicator;value;unit;period;source", "published_figures"),
    ],
)
def test_the_kind_is_guessed_from_the_header(header, kind, shared_warehouse):
    assert parse(header.encode() + b"\n", None, shared_warehouse).kind == kind


def test_a_name_that_is_not_a_person_is_not_refused(shared_warehouse):
    data = "Date;Nom du centre;Nom de la région;Type;Sexe\n27/05/2019;Fès;Fès-Meknès;social;F\n"
    parsed = parse(data.encode(), "interventions", shared_warehouse)
    assert parsed.ok, [report.describe(problem) for problem in parsed.errors]
    assert list(parsed.rows["centre_id"]) == [6]


def test_older_published_figures_are_accepted(shared_warehouse):
    data = (
        "Indicateur;Valeur;Unité;Période;Source;Date de la source\r\n"
        "prison_population;54 000;personnes;2002;Rapport DGAPR;15/01/2003\r\n"
    ).encode()
    parsed = parse(data, "published_figures", shared_warehouse)
    assert parsed.ok, [report.describe(problem) for problem in parsed.errors]
    assert parsed.rows["source_date"].iloc[0] == pd.Timestamp("2003-01-15")
    published = len(shared_warehouse.database.execute("dashboard/published_figures"))
    lines = pipeline.preview(parsed, shared_warehouse.database).lines()
    assert lines == [f"chiffres publiés : {published} → {published + 1}"]


def test_dialects_commit_the_same_records(warehouse):
    database = warehouse.database
    first = transaction.commit(
        parse(render(DIALECTS["utf-8, semicolon, French"]), "beneficiaries", warehouse),
        database,
        "amina",
    )
    a = records(database, "beneficiary", first)
    assert list(a["beneficiary_id"]) == list(range(6, 11))  # after the current max
    assert not a["is_demo"].any() and set(a["batch_id"]) == {first}
    resaved = parse(render_xlsx(), "beneficiaries", warehouse, "f.xlsx")
    assert keys(resaved) == ["ingest.error.already_imported_content"]  # the same rows again
    transaction.rollback(first, database, "amina")
    second = transaction.commit(
        parse(render_xlsx(), "beneficiaries", warehouse, "f.xlsx"), database, "amina"
    )
    b = records(database, "beneficiary", second)
    columns = list(fields.RECORD_COLUMNS["beneficiaries"])
    pd.testing.assert_frame_equal(a[columns], b[columns])
    assert list(b["beneficiary_id"]) == list(range(6, 11))  # after the max, as it is now


INTERVENTIONS = [  # date, centre, type, sex
    (date(2019, 5, 27), 1, "social", "M"),
    (date(2019, 1, 3), 3, "juridique", "F"),
    (date(2020, 12, 1), 2, "medical", "M"),
]


@pytest.mark.parametrize(
    "date_style, centre_style, type_style, with_region",
    [
        ("%d/%m/%Y", "city", "name_fr", False),
        ("%Y-%m-%d", "id", "name_ar", True),
        ("%d.%m.%Y", "capc", "name_en", True),
        ("xlsx", "city", "code", False),
    ],
)
def test_interventions_in_every_form(
    date_style, centre_style, type_style, with_region, shared_warehouse
):
    cities = {1: "Casablanca", 2: "Sale", 3: "AGADIR"}
    regions = {1: "Casablanca-Settat", 2: "Rabat-Salé-Kénitra", 3: "MA-09"}
    header = ["Date", "Centre", "Type d'intervention", "Sexe"] + (["Région"] if with_region else [])
    rows = [header]
    for day, centre, kind, sex in INTERVENTIONS:
        centre_text = {"city": cities[centre], "id": str(centre), "capc": f"CAPC {cities[centre]}"}[
            centre_style
        ]
        kind_text = kind if type_style == "code" else TYPES.loc[kind, type_style]
        when = day if date_style == "xlsx" else day.strftime(date_style)
        rows.append(
            [when, centre_text, kind_text, sex] + ([regions[centre]] if with_region else [])
        )
    if date_style == "xlsx":
        data = xlsx(rows)
    else:
        data = "\n".join(";".join(str(cell) for cell in row) for row in rows).encode()
    parsed = parse(data, "interventions", shared_warehouse)
    assert parsed.ok, [report.describe(problem) for problem in parsed.errors]
    assert list(parsed.rows["intervention_date"].dt.date) == [row[0] for row in INTERVENTIONS]
    assert list(parsed.rows["centre_id"]) == [1, 3, 2]
    assert list(parsed.rows["region_code"]) == [6, 9, 4]
    assert list(parsed.rows["type_code"]) == ["social", "juridique", "medical"]


@pytest.mark.parametrize(
    "written, expected",
    [
        ("13.500.000", 13_500_000),
        ("13 500 000", 13_500_000),
        ("13\u00a0500\u00a0000", 13_500_000),
        ("13\u202f500\u202f000", 13_500_000),
        ("13500000", 13_500_000),
        ("1,35E+07", 13_500_000),
        ("13 500 000,00 MAD", 13_500_000),
        ("3,44", 3.44),
        ("3,44 %", 3.44),
        ("9.183", 9_183),
        ("0.5", 0.5),
        ("13,500,000", 13_500_000),
        ("13.500.000,50", 13_500_000.5),
    ],
)
def test_published_values_as_people_write_them(written, expected, shared_warehouse):
    data = (
        f"Indicateur;Valeur;Unité;Période;Source\r\ntest_indicator;{written};MAD;2019;Test\r\n"
    ).encode()
    parsed = parse(data, "published_figures", shared_warehouse)
    assert parsed.ok, [report.describe(problem) for problem in parsed.errors]
    assert parsed.rows["value"].iloc[0] == pytest.approx(expected)
    assert parsed.rows["scope"].iloc[0] == "national"
    assert parsed.rows["qualifier"].iloc[0] == "exact"


def test_region_variants_all_resolve(shared_warehouse):
    variants = {
        "Tanger-Tetouan-Al Hoceima": 1,
        "TANGER-TÉTOUAN-AL HOCEÏMA": 1,
        "طنجة - تطوان - الحسيمة": 1,
        "L'Oriental": 2,
        "Oriental": 2,
        "l oriental": 2,
        "الشرق": 2,
        "Fès-Meknès": 3,
        "Fez-Meknes": 3,
        "MA-06": 6,
        "ma06": 6,
        "6": 6,
        "06": 6,
        "Région Casablanca-Settat": 6,
        "جهة الدار البيضاء سطات": 6,
        "Marrakesh-Safi": 7,
        "Draa-Tafilalet": 8,
        "Laayoune Sakia El Hamra": 11,
        "Laâyoune-Sakia El Hamra": 11,
        "LAAYOUNE-SAGUIA EL HAMRA": 11,
        "Dakhla-Oued Eddahab": 12,
        "Eddakhla-Oued-Eddahab": 12,
        "Beni Mellal-Khenifra": 5,
    }
    lines = ["Année;Région;Secteur;Sexe;Tranche d'âge"]
    lines += [f"2019;{variant};Industrie;M;18-24" for variant in variants]
    parsed = parse("\n".join(lines).encode(), "placements", shared_warehouse)
    assert parsed.ok, [report.describe(problem) for problem in parsed.errors]
    assert list(parsed.rows["region_code"]) == list(variants.values())


# --- Warnings: accepted, but worth a look ---------------------------------------------------


def test_warnings_do_not_block(shared_warehouse):
    data = (
        "Montant;Année;Région;Secteur;Sexe;Tranche d'âge;Type d'appui\r\n"
        "25000,40;2019;Souss-Massa;Commerce;F;25-34;micro-projet\r\n"
        "2 500 000;2019;Souss-Massa;Commerce;F;25-34;micro-projet\r\n"
    ).encode()
    parsed = parse(data, "beneficiaries", shared_warehouse)
    assert parsed.ok
    warned = {problem.key for problem in parsed.warnings}
    assert {
        "ingest.warning.grant_rounded",
        "ingest.warning.grant_unusual",
        "ingest.warning.optional_column_missing",
    } <= warned
    assert list(parsed.rows["grant_mad"]) == [25000, 2_500_000]
    assert list(parsed.rows["is_moussalaha"]) == [False, False]


def test_identical_records_are_legitimate_but_a_file_pasted_twice_is_flagged(shared_warehouse):
    parsed = parse(
        _valid_beneficiaries(1) * 1 + b"2019;Casablanca-Settat;Commerce;F;25-34;"
        b"micro-projet;20000\r\n",
        "beneficiaries",
        shared_warehouse,
    )
    assert parsed.ok and len(parsed.rows) == 2  # two people with the same profile
    assert "ingest.warning.repeated_block" not in {p.key for p in parsed.warnings}
    header, *rows = _valid_beneficiaries(3).decode().splitlines()
    doubled = "\r\n".join([header, *rows, *rows]).encode()
    parsed = parse(doubled, "beneficiaries", shared_warehouse)
    assert parsed.ok
    assert "ingest.warning.repeated_block" in {p.key for p in parsed.warnings}


# --- Templates ------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", fields.KINDS)
def test_templates_import_as_one_example_row(kind, shared_warehouse, imported_warehouse):
    if kind == "follow_ups":  # a follow-up names an imported record, never a demo one
        shared_warehouse = imported_warehouse
    workbook = openpyxl.load_workbook(io.BytesIO(templates.template_xlsx(kind)))
    assert workbook.sheetnames == ["Données", "Explications", "Listes"]
    explained = [row[0] for row in workbook["Explications"].iter_rows(values_only=True)]
    assert all(spec.header in explained for spec in fields.FIELDS[kind])
    assert [cell.value for cell in workbook["Données"][1]] == [
        spec.header for spec in fields.FIELDS[kind]
    ]
    from_xlsx = parse(templates.template_xlsx(kind), kind, shared_warehouse, "modele.xlsx")
    from_csv = parse(templates.template_csv(kind), kind, shared_warehouse, "modele.csv")
    for parsed in (from_xlsx, from_csv):
        assert parsed.ok, [report.describe(problem) for problem in parsed.errors]
        assert len(parsed.rows) == 1
        assert "ingest.warning.example_row" in {problem.key for problem in parsed.warnings}
    assert from_csv.separator == ";" and from_csv.encoding == "utf-8 (BOM)"
    pd.testing.assert_frame_equal(from_xlsx.rows, from_csv.rows)
    assert templates.template_file_name(kind, "csv").startswith("modele_")


# --- Commit, preview, replace the demo, rollback --------------------------------------------


def grant(i: int) -> int:
    return 10_000 + 100 * (i % 50)


def _beneficiaries_2019(count: int, region: str = "Souss-Massa") -> bytes:
    lines = ["Année;Région;Secteur;Sexe;Tranche d'âge;Type d'appui;Montant (MAD)"]
    lines += [
        f"2019;{region};Services;{'FM'[i % 2]};25-34;auto-emploi;{grant(i)}" for i in range(count)
    ]
    return "\n".join(lines).encode()


def test_preview_shows_how_each_kpi_moves(demo_warehouse):
    parsed = parse(_beneficiaries_2019(34), "beneficiaries", demo_warehouse)
    before = checksum(demo_warehouse.database)
    preview = pipeline.preview(parsed, demo_warehouse.database)
    assert checksum(demo_warehouse.database) == before  # a preview writes nothing
    assert preview.rows_to_add == 34
    assert "bénéficiaires 2019 : 478 → 512" in preview.lines()
    budget = preview.kpis.set_index(["kpi", "year"]).loc[("budget_mad", 2019)]
    assert budget["before"] == 13_500_000
    assert budget["change"] == sum(grant(i) for i in range(34))
    assert set(preview.kpis["kpi"]) == {"beneficiaries", "budget_mad", "women"}
    replacing = pipeline.preview(parsed, demo_warehouse.database, replace_demo=True)
    moved = replacing.kpis.set_index(["kpi", "year"])
    assert moved.loc[("beneficiaries", 2019), "after"] == 34
    assert moved.loc[("placements", 2013), "after"] == 0
    assert replacing.demo_rows_removed["beneficiary"] == 230 + 317 + 333 + 391 + 270 + 478


def test_commit_writes_one_batch_with_its_audit_record(warehouse):
    database = warehouse.database
    parsed = parse(_beneficiaries_2019(4), "beneficiaries", warehouse, "export.csv")
    batch_id = transaction.commit(parsed, database, "amina.b")
    batch = transaction.batches(database).set_index("batch_id").loc[batch_id]
    assert batch["kind"] == "beneficiaries" and batch["file_name"] == "export.csv"
    assert batch["sha256"] == parsed.sha256 and batch["row_count"] == 4
    assert batch["status"] == "committed" and batch["imported_by"] == "amina.b"
    assert abs(pd.Timestamp(batch["imported_at"]) - pd.Timestamp.now("UTC").tz_localize(None)) < (
        pd.Timedelta(minutes=1)
    )
    written = records(database, "beneficiary", batch_id)
    assert len(written) == 4 and not written["is_demo"].any()
    by_year = database.execute(
        "dashboard/beneficiaries_by_year",
        regions=list(range(1, 13)),
        sectors=list(SECTORS.index),
        sexes=["F", "M"],
    )
    assert by_year.set_index("year").loc[2019, "beneficiaries"] == 3 + 4  # cubes refreshed


def test_the_same_file_twice_is_refused(warehouse):
    data = _beneficiaries_2019(3)
    stale = parse(data, "beneficiaries", warehouse)
    batch_id = transaction.commit(
        parse(data, "beneficiaries", warehouse), warehouse.database, "amina"
    )
    again = parse(data, "beneficiaries", warehouse)
    assert keys(again) == ["ingest.error.already_imported"]
    text = report.describe(again.errors[0])
    assert "a déjà été importé le" in text and "amina" in text and f"n° {batch_id}" in text
    before = checksum(warehouse.database)
    with pytest.raises(report.ImportRefused) as refused:  # parsed before the first commit
        transaction.commit(stale, warehouse.database, "amina")
    assert refused.value.problems[0].key == "ingest.error.already_imported"
    resaved = data.replace(b";", b"\t")  # same rows, another file
    assert keys(parse(resaved, "beneficiaries", warehouse)) == [
        "ingest.error.already_imported_content"
    ]
    assert checksum(warehouse.database) == before
    transaction.rollback(batch_id, warehouse.database, "amina")
    assert parse(data, "beneficiaries", warehouse).ok  # a rolled-back file may come again


def test_rollback_restores_the_earlier_state_exactly(demo_warehouse):
    database = demo_warehouse.database
    before = checksum(database, skip=("import_batch",))
    figures = (
        "Indicateur;Valeur;Unité;Période;Périmètre;Source\r\n"
        "programme_beneficiaries;512;personnes;2020;national;Rapport 2020\r\n"
        "programme_budget;14 000 000;MAD;2020;MA-06;Rapport 2020\r\n"
    ).encode()
    placements = (
        b"Year,Region,Sector,Sex,Age band\n2020,6,industrie,F,18-24\n2020,1,services,M,45+\n"
    )
    interventions = b"Date;Centre;Type;Sexe\n02/01/2020;Oujda;Familial;F\n"
    batch_ids = [
        transaction.commit(parse(data, kind, demo_warehouse), database, "amina")
        for kind, data in [
            ("beneficiaries", _beneficiaries_2019(5)),
            ("placements", placements),
            ("interventions", interventions),
            ("published_figures", figures),
        ]
    ]
    assert checksum(database, skip=("import_batch",)) != before
    assert database.execute("dashboard/published_figures")["figure_id"].max() == 4 * 1_000_000 + 2
    for batch_id in [batch_ids[1], batch_ids[3], batch_ids[0], batch_ids[2]]:
        transaction.rollback(batch_id, database, "youssef")
    assert checksum(database, skip=("import_batch",)) == before
    audit = transaction.batches(database)
    assert set(audit["status"]) == {"rolled_back"} and set(audit["rolled_back_by"]) == {"youssef"}
    assert audit["rolled_back_at"].notna().all()
    with pytest.raises(report.IngestError) as twice:
        transaction.rollback(batch_ids[0], database, "youssef")
    assert twice.value.problems[0].key == "ingest.error.batch_not_committed"
    with pytest.raises(report.IngestError) as unknown:
        transaction.rollback(99, database, "youssef")
    assert "99" in report.describe(unknown.value.problems[0])


def test_replace_demo_removes_every_demo_record_in_the_same_transaction(demo_warehouse):
    database = demo_warehouse.database
    parsed = parse(_beneficiaries_2019(34), "beneficiaries", demo_warehouse)
    transaction.commit(parsed, database, "amina", replace_demo=True)
    provenance = database.execute("dashboard/record_provenance").set_index("record_table")
    assert provenance["demo"].sum() == 0
    assert provenance.loc["beneficiary", "imported"] == 34
    demo_cubes = database.execute_fn(
        lambda cursor: cursor.execute(
            "SELECT (SELECT count(*) FROM agg_beneficiary WHERE is_demo)"
            " + (SELECT count(*) FROM agg_placement WHERE is_demo)"
            " + (SELECT count(*) FROM agg_intervention WHERE is_demo)"
        ).fetchall()[0][0]
    )
    assert demo_cubes == 0


def test_a_failed_commit_leaves_nothing(warehouse, monkeypatch):
    before = checksum(warehouse.database)
    parsed = parse(_beneficiaries_2019(3), "beneficiaries", warehouse)

    def broken(cursor, name, **params):
        if name == "build/refresh_aggregates":
            raise RuntimeError("disk full")
        return db.run_script(cursor, name, **params)

    monkeypatch.setattr(transaction, "run_script", broken)
    with pytest.raises(RuntimeError):
        transaction.commit(parsed, warehouse.database, "amina", replace_demo=True)
    assert checksum(warehouse.database) == before


def test_a_reader_never_sees_a_partial_import(warehouse):
    database = warehouse.database
    parsed = parse(_beneficiaries_2019(20_000), "beneficiaries", warehouse)
    query = (
        "SELECT (SELECT count(*) FROM beneficiary), (SELECT sum(beneficiaries) "
        "FROM agg_beneficiary), (SELECT count(*) FROM import_batch)"
    )
    seen: list[tuple] = []
    stop, errors = threading.Event(), []

    def read():  # each read a cursor of its own, as a page run: a swapped file is reopened
        try:
            while not stop.is_set():
                seen.append(database.execute_fn(lambda c: tuple(c.execute(query).fetchall()[0])))
        except Exception as error:  # surfaced by the assertion below
            errors.append(error)

    reader = threading.Thread(target=read)
    reader.start()
    try:
        while not seen:
            time.sleep(0.001)
        batch_id = transaction.commit(parsed, database, "amina")
        mark = len(seen)
        deadline = time.monotonic() + 5
        while len(seen) < mark + 3 and time.monotonic() < deadline:
            time.sleep(0.001)
        transaction.rollback(batch_id, database, "amina")
        mark = len(seen)
        while len(seen) < mark + 3 and time.monotonic() < deadline:
            time.sleep(0.001)
    finally:
        stop.set()
        reader.join()
    assert not errors
    before, after, rolled_back = (5, 5, 0), (20_005, 20_005, 1), (5, 5, 1)
    assert set(seen) <= {before, after, rolled_back}, set(seen) - {before, after, rolled_back}
    assert {before, after, rolled_back} <= set(seen)


def test_imports_committed_at_the_same_moment_all_land_or_are_refused_whole(warehouse):
    database = warehouse.database
    regions = ["Souss-Massa", "Oriental", "Fès-Meknès"]  # other people in each file
    files = [_beneficiaries_2019(200 + i, regions[i]) for i in range(3)]
    files.append(_beneficiaries_2019(200))
    parsed = [parse(data, "beneficiaries", warehouse) for data in files]
    start, outcomes = threading.Barrier(len(parsed)), []

    def run(one):
        start.wait()
        try:
            outcomes.append(transaction.commit(one, database, "amina"))
        except report.ImportRefused as refused:
            outcomes.append(refused.problems[0].key)

    threads = [threading.Thread(target=run, args=(one,)) for one in parsed]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    # the same file twice: one lands, the other is refused; the others all land, one by one
    assert sorted(outcomes, key=str) == [1, 2, 3, "ingest.error.already_imported"]
    audit = transaction.batches(database)
    assert sorted(audit["row_count"]) == [200, 201, 202]
    provenance = database.execute("dashboard/record_provenance").set_index("record_table")
    assert provenance.loc["beneficiary", "imported"] == 603


def test_a_long_list_of_errors_is_capped_with_a_count(shared_warehouse):
    lines = ["Année;Région;Secteur;Sexe;Tranche d'âge"]
    lines += ["2019;Atlantis;Industrie;M;18-24"] * (report.MAX_PROBLEMS + 250)
    parsed = parse("\n".join(lines).encode(), "placements", shared_warehouse)
    assert len(parsed.errors) == report.MAX_PROBLEMS + 1
    assert parsed.errors[-1].key == "ingest.error.too_many_problems"
    assert "250 autres problèmes" in report.describe(parsed.errors[-1])


# --- Exports can never run a formula --------------------------------------------------------


def _cells(data: bytes) -> list[str]:
    return [cell for row in csv.reader(io.StringIO(data.decode("utf-8-sig"))) for cell in row]


def test_the_error_report_never_starts_a_formula(shared_warehouse):
    parsed = parse((CORPUS / "formula_region.csv").read_bytes(), "beneficiaries", shared_warehouse)
    exported = report.report_csv(parsed)
    assert any(cell.startswith("'=HYPERLINK") for cell in _cells(exported))
    assert not [cell for cell in _cells(exported) if cell.startswith(FORMULA_START)]


def test_a_formula_in_a_text_cell_is_kept_as_text_and_neutralised_on_export(warehouse):
    data = (
        "Indicateur;Valeur;Unité;Période;Source;Citation\r\n"
        'programme_budget;14 000 000;MAD;2020;Rapport 2020;"=HYPERLINK(""http://x"")"\r\n'
    ).encode()
    parsed = parse(data, "published_figures", warehouse)
    assert parsed.ok
    assert "ingest.warning.formula_text" in {problem.key for problem in parsed.warnings}
    transaction.commit(parsed, warehouse.database, "amina")
    figures = warehouse.database.execute("dashboard/published_figures")
    assert '=HYPERLINK("http://x")' in set(figures["quote"])  # stored as written
    assert not [c for c in _cells(csv_bytes(figures)) if c.startswith(FORMULA_START)]


# --- Fuzz: never an exception; a refused file changes nothing -------------------------------

VALID_CSV = _valid_beneficiaries(4)
VALID_XLSX = xlsx(
    [
        ["Année", "Région", "Secteur", "Sexe", "Tranche d'âge", "Type d'appui", "Montant"],
        [2019, "Souss-Massa", "Commerce", "M", "18-24", "micro-projet", 15000],
    ]
)


@st.composite
def mutated(draw) -> bytes:
    base = draw(st.sampled_from([VALID_CSV, VALID_CSV, VALID_XLSX, b""]))
    if draw(st.booleans()) and base:
        data = bytearray(base)
        for _ in range(draw(st.integers(1, 4))):
            start = draw(st.integers(0, len(data)))
            end = min(len(data), start + draw(st.integers(0, 12)))
            data[start:end] = draw(
                st.one_of(
                    st.binary(max_size=8),
                    st.sampled_from(
                        [
                            b";",
                            b",",
                            b"\t",
                            b"\n",
                            b'"',
                            b"\xef\xbb\xbf",
                            b"\x00",
                            b"\xe9",
                            "é".encode(),
                            b"-",
                            b"=",
                            b"1990",
                            b"2099",
                            b" ",
                        ]
                    ),
                )
            )
        return bytes(data)
    return base or draw(st.binary(max_size=300))


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(data=mutated(), kind=st.sampled_from([*fields.KINDS, None]))
def test_fuzz_any_file_is_imported_or_refused_never_an_exception(data, kind, shared_warehouse):
    database = shared_warehouse.database
    before = checksum(database)
    parsed = parse(data, kind, shared_warehouse, "fuzz.csv")
    for problem in parsed.problems:
        assert report.describe(problem)
    if parsed.ok:
        table = fields.TABLES[parsed.kind]
        batch_id = transaction.commit(parsed, database, "fuzz")
        assert (
            len(records(database, table, batch_id)) == len(parsed.rows)
            if table != ("published_figure")
            else True
        )
        transaction.rollback(batch_id, database, "fuzz")
        assert checksum(database, ("import_batch",)) == {
            table: value for table, value in before.items() if table != "import_batch"
        }
    else:
        assert parsed.errors or parsed.kind not in fields.KINDS or parsed.rows.empty
        with pytest.raises(report.ImportRefused):
            transaction.commit(parsed, database, "fuzz")
        assert checksum(database) == before


# --- Messages -------------------------------------------------------------------------------


def _catalog() -> dict[str, str]:
    """The [ingest] messages of fr.toml."""
    return {key: text for key, text in i18n.catalog("fr").items() if key.startswith("ingest.")}


def test_every_message_key_has_a_french_text_and_every_text_is_used():
    catalog = _catalog()
    package = Path(pipeline.__file__).parent  # every module of lib/ingest
    source = "\n".join(path.read_text(encoding="utf-8") for path in sorted(package.glob("*.py")))
    literal = set(re.findall(r"""["'](ingest(?:\.[a-zA-Z0-9_]+)+)["']""", source))
    prefixes = set(re.findall(r"""f["'](ingest\.[a-zA-Z0-9_.]*)\{""", source))
    assert literal and prefixes and "ingest." not in prefixes
    assert not literal - set(catalog), literal - set(catalog)
    unused = [
        key
        for key in catalog
        if key not in literal and not any(key.startswith(p) for p in prefixes)
    ]
    assert not unused, unused
    for kind in fields.KINDS:
        assert f"ingest.kind.{kind}" in catalog and f"ingest.template.intro.{kind}" in catalog
        for spec in fields.FIELDS[kind]:
            assert f"ingest.field.{spec.name}" in catalog
    for key, text in catalog.items():
        if key.startswith("ingest.error."):
            assert text.rstrip().endswith("."), key  # a full sentence: what to do


def test_describe_renders_a_key_with_its_params_and_place():
    problem = report.Problem(
        "ingest.error.unknown_region", {}, line=7, column="Région", column_index=1, value="Atlantis"
    )
    text = report.describe(problem)
    assert text.startswith("Ligne 7, colonne B « Région »\xa0: région inconnue « Atlantis »")
    assert report.describe(report.Problem("ingest.error.empty_file")).startswith("Fichier\xa0: ")


def test_dates_just_around_today(shared_warehouse):
    today, tomorrow = date.today(), date.today() + timedelta(days=1)
    data = (
        f"Date;Centre;Type;Sexe\r\n{today:%d/%m/%Y};1;social;F\r\n"
        f"{tomorrow:%d/%m/%Y};1;social;F\r\n{datetime(2008, 1, 1):%Y-%m-%d};1;social;F\r\n"
        "31/12/2007;1;social;F\r\n"
    ).encode()
    parsed = parse(data, "interventions", shared_warehouse)
    assert [(problem.key, problem.line) for problem in parsed.errors] == [
        ("ingest.error.future_date", 3),
        ("ingest.error.date_too_old", 5),
    ]
