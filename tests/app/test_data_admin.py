"""AppTest: the data import page: refuse a bad file, preview and commit a good one, roll back."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from lib import auth
from lib.config import get_settings
from lib.warehouse import db, queries
from lib.warehouse.build import build
from lib.warehouse.filters import Filters

APP = str(Path(__file__).resolve().parents[2] / "app.py")
HEADER = (
    "Année du programme;Région;Secteur;Sexe;Tranche d'âge;Type d'appui;"
    "Montant de la subvention (MAD);Moussalaha;Ancien pensionnaire CPE;Remise royale"
)
GOOD = (
    HEADER + "\n2019;Casablanca-Settat;Commerce;F;25-34;micro-projet;25 000;non;non;non\n"
    "2019;L'Oriental;Agriculture;M;35-44;auto-emploi;30.000;non;non;non\n"
).encode("utf-8")
BAD = (HEADER + "\n2019;Atlantis;Commerce;F;25-34;micro-projet;-5;non;non;non\n").encode("utf-8")
PASSWORD = "correct-horse-battery"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture
def writable(fresh_data_dir, tmp_path_factory):
    build(get_settings(data_dir=fresh_data_dir))
    yield fresh_data_dir
    db.close_all()


def _open_admin(secrets: dict | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    at.secrets.update(secrets or {})
    at.run()
    at.switch_page("pages/data_admin.py").run()
    assert not at.exception
    return at


def _counts() -> tuple[int, int]:
    options = queries.filter_options()
    by_year = queries.beneficiaries_by_year(Filters(2019), options).set_index("year")
    return int(by_year.loc[2019, "beneficiaries"]), int(by_year.loc[2019, "budget_mad"])


def test_a_bad_file_is_refused_with_a_report_and_changes_nothing(writable):
    before = _counts()
    at = _open_admin()
    at.file_uploader(key="admin_upload").upload("mauvais.csv", BAD, "text/csv").run()
    assert not at.exception
    assert "Fichier refusé" in at.error[0].value
    report = at.dataframe[0].value
    assert report.shape[0] >= 2  # the region and the grant
    assert any("Atlantis" in str(cell) for cell in report.to_numpy().ravel())
    assert not [b for b in at.button if b.key == "admin_commit"]
    assert _counts() == before


def test_a_good_file_is_previewed_committed_and_rolled_back(writable, tmp_path):
    before = _counts()
    at = _open_admin()
    at.file_uploader(key="admin_upload").upload("bons.csv", GOOD, "text/csv").run()
    assert not at.exception and not at.error
    text = "\n".join(m.value for m in at.markdown)
    assert "478 → 480" in text  # bénéficiaires 2019
    assert any("premier import" in info.value for info in at.info)
    at.button(key="admin_commit").click().run()
    assert not at.exception
    assert _counts() == (before[0] + 2, before[1] + 55_000)
    assert queries.holds_real_records()
    # Real records: the import page now needs a data officer.
    secrets = tmp_path / "secrets.toml"
    auth.add_user("karim", "gestion", PASSWORD, secrets)
    at = AppTest.from_file(APP, default_timeout=60)
    at.secrets.update(tomllib.loads(secrets.read_text(encoding="utf-8")))
    at.run()
    with pytest.raises(ValueError):
        at.switch_page("pages/data_admin.py")
    at.switch_page("pages/login.py").run()
    at.text_input(key="sign_in_name").input("karim")
    at.text_input(key="sign_in_password").input(PASSWORD)
    at.form_submit_button[0].click().run()
    at.switch_page("pages/data_admin.py").run()
    assert any("bons.csv" in m.value.replace("\\", "") for m in at.markdown)  # as text
    rollback = next(b for b in at.button if b.key and b.key.startswith("rollback_"))
    rollback.click().run()
    at.button(key="rollback_yes").click().run()
    assert not at.exception
    assert _counts() == before
    assert not queries.holds_real_records()


def test_the_same_file_twice_is_refused(writable):
    at = _open_admin()
    at.file_uploader(key="admin_upload").upload("bons.csv", GOOD, "text/csv").run()
    at.button(key="admin_commit").click().run()
    counts = _counts()
    # Now in production mode: sign in is needed; check the refusal through the library.
    from lib.ingest import pipeline

    parsed = pipeline.parse(GOOD, "bons.csv", "beneficiaries", db.get_database())
    assert not parsed.ok
    assert parsed.errors[0].key == "ingest.error.already_imported"
    assert _counts() == counts


def test_templates_can_be_downloaded(writable):
    at = _open_admin()
    keys = {button.key for button in at.get("download_button")}
    assert {"template_xlsx_beneficiaries", "template_csv_published_figures"} <= keys


def _signed_in_officer(tmp_path) -> AppTest:
    secrets = tmp_path / "secrets.toml"
    auth.add_user("karim", "gestion", PASSWORD, secrets)
    at = AppTest.from_file(APP, default_timeout=60)
    at.secrets.update(tomllib.loads(secrets.read_text(encoding="utf-8")))
    at.run()
    at.switch_page("pages/login.py").run()
    at.text_input(key="sign_in_name").input("karim")
    at.text_input(key="sign_in_password").input(PASSWORD)
    at.form_submit_button[0].click().run()
    return at.switch_page("pages/data_admin.py").run()


def test_a_mixed_warehouse_is_not_published_and_the_page_says_why(writable, tmp_path):
    at = _open_admin()
    at.file_uploader(key="admin_upload").upload("bons.csv", GOOD, "text/csv").run()
    at.button(key="admin_commit").click().run()  # demo data kept: demo and real records mixed
    at = _signed_in_officer(tmp_path)
    at.button(key="admin_publish").click().run()
    assert not at.exception
    said = " ".join(e.value for e in at.error)
    assert "mêle données de démonstration et dossiers importés" in said
    assert any("démonstration" in c.value for c in at.caption)  # the snapshot in place


def test_real_data_is_published_by_the_button_then_waits_for_the_calendar(writable, tmp_path):
    at = _open_admin()
    at.file_uploader(key="admin_upload").upload("bons.csv", GOOD, "text/csv").run()
    at.checkbox(key="admin_replace_demo").check().run()
    at.checkbox(key="admin_confirm_replace").check().run()
    at.button(key="admin_commit").click().run()
    at = _signed_in_officer(tmp_path)
    at.button(key="admin_publish").click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    assert any("données réelles" in c.value for c in at.caption)
    at.button(key="admin_publish").click().run()
    assert any("trop récente" in i.value for i in at.info)


def _month(first: int, last: int) -> bytes:
    rows = [
        f"2019;Souss-Massa;Services;F;25-34;auto-emploi;{20_000 + i};non;non;non"
        for i in range(first, last)
    ]
    return (HEADER + "\n" + "\n".join(rows) + "\n").encode("utf-8")


@pytest.mark.parametrize(("choice", "added"), [("replace", 15), ("new_only", 15),
                                               ("cancel", 10)])  # fmt: skip
def test_a_cumulative_monthly_file_is_never_counted_twice(writable, tmp_path, choice, added):
    from lib.ingest import pipeline, transaction

    database = db.get_database()
    people, budget = _counts()
    january = pipeline.parse(_month(0, 10), "janvier.csv", "beneficiaries", database)
    transaction.commit(january, database, "karim")
    assert _counts() == (people + 10, budget + sum(20_000 + i for i in range(10)))
    at = _signed_in_officer(tmp_path)
    at.file_uploader(key="admin_upload").upload("fevrier.csv", _month(0, 15), "text/csv").run()
    assert any("reprend 10 des 10 lignes" in w.value.replace("\\", "") for w in at.warning)
    assert not [b for b in at.button if b.key == "admin_commit"]  # no choice yet, no import
    at.radio(key="admin_overlap").set_value(choice).run()
    if choice == "cancel":
        assert not [b for b in at.button if b.key == "admin_commit"]
    else:
        assert "488 → 493" in "\n".join(m.value for m in at.markdown)
        skipped = [c.value for c in at.caption if "déjà importée" in c.value]
        assert skipped == (["10 ligne(s) déjà importée(s) ne seront pas ajoutées."]
                           if choice == "new_only" else [])  # fmt: skip
        at.button(key="admin_commit").click().run()
        assert not at.exception
    # every KPI the file moves is exactly right: each person once, each dirham once
    assert _counts() == (people + added, budget + sum(20_000 + i for i in range(added)))


def test_the_data_officer_picks_the_sheet_when_two_hold_data(writable):
    from tests.realistic_files import FILES

    at = _open_admin()
    data = FILES["one_sheet_per_month"].make()
    at.file_uploader(key="admin_upload").upload("mensuel.xlsx", data, XLSX).run()
    assert "Feuille lue : « Février »" in _captions(at)
    assert "7 lignes" in at.success[0].value
    sheet = next(s for s in at.selectbox if s.key.startswith("admin_sheet_"))
    assert sheet.options == ["Février", "Janvier"]
    sheet.set_value("Janvier").run()
    assert "Feuille lue : « Janvier »" in _captions(at)
    assert "4 lignes" in at.success[0].value
    at.button(key="admin_commit").click().run()
    assert not at.exception
    assert _counts()[0] == 478 + 4


def _captions(at) -> str:
    return "\n".join(c.value for c in at.caption).replace("\\", "")
