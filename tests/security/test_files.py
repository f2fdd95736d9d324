"""Files in and out: an upload cannot exhaust the server, a download is made for the session
that asks and does not stay at an address anyone can fetch."""

from __future__ import annotations

import io
import zipfile

import pytest

from lib.config import get_settings
from lib.ingest import pipeline, readers, worker
from lib.warehouse import db
from tests.app.helpers import open_page

HEADER = "Année;Région;Secteur;Sexe;Tranche d'âge;Type d'appui;Montant (MAD)\n"


def _zip_bomb(unpacked_mb: int) -> bytes:
    """A workbook-shaped ZIP whose one sheet unpacks to ``unpacked_mb`` MB of the same byte."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        chunk = b"<c/>" * (2**18)
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            for _ in range(unpacked_mb):
                sheet.write(chunk)
    return buffer.getvalue()


def test_a_zip_bomb_is_refused_from_its_directory_without_unpacking(monkeypatch):
    bomb = _zip_bomb(190)
    assert len(bomb) < 1_000_000

    def never(*args, **kwargs):
        raise AssertionError("the workbook was opened")

    monkeypatch.setattr(readers.openpyxl, "load_workbook", never)
    parsed = pipeline.parse(bomb, "bombe.xlsx", "beneficiaries", db.get_database())
    assert [p.key for p in parsed.errors] == ["ingest.error.xlsx_too_large"]


def test_an_upload_that_takes_too_long_is_stopped_with_a_clear_message():
    data = (HEADER + "2019;Souss-Massa;Services;F;25-34;auto-emploi;30000\n").encode()
    parsed = worker.parse_in_worker(data, "lent.csv", "beneficiaries", get_settings(), time_s=0.01)
    assert [p.key for p in parsed.errors] == ["ingest.error.too_slow"]
    assert not parsed.ok


def test_an_upload_that_needs_too_much_memory_is_refused():
    data = (HEADER + "2019;Souss-Massa;Services;F;25-34;auto-emploi;30000\n").encode()
    parsed = worker.parse_in_worker(data, "gros.csv", "beneficiaries", get_settings(), memory_mb=64)
    assert [p.key for p in parsed.errors] == ["ingest.error.too_big_to_read"]


def test_an_honest_upload_is_read_in_the_worker_as_in_the_app():
    data = (HEADER + "2019;Souss-Massa;Services;F;25-34;auto-emploi;30000\n").encode()
    parsed = worker.parse_in_worker(data, "bon.csv", "beneficiaries", get_settings())
    assert parsed.ok and len(parsed.rows) == 1


@pytest.mark.parametrize("page", ["overview", "budgets", "regions", "public", "data_admin"])
def test_every_download_is_made_when_clicked(page):
    at = open_page(page)
    buttons = at.get("download_button")
    assert buttons, page
    for button in buttons:
        assert button.proto.deferred_file_id and not button.proto.url, (page, button.label)
