"""lib.public.publish: the public snapshot holds only protected tables, and works without the
warehouse."""

from __future__ import annotations

import json
import re
import shutil
import zipfile
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from lib.config import get_settings
from lib.public import snapshot
from lib.public.publish import ensure_public_snapshot, publish
from lib.warehouse import db
from lib.warehouse.build import build

APP = str(Path(__file__).resolve().parent.parent / "app.py")
COUNT_COLUMNS = ("beneficiaries", "placements", "interventions")


@pytest.fixture(scope="module")
def public_dir(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("published")
    settings = get_settings(data_dir=folder)
    build(settings)
    target = publish(settings)
    db.close_all()
    return target


def _tables(public_dir: Path) -> dict[str, pd.DataFrame]:
    with duckdb.connect(str(public_dir / "public.duckdb"), read_only=True) as con:
        names = [row[0] for row in con.execute("SHOW TABLES").fetchall()]
        return {name: con.execute(f"SELECT * FROM {name}").df() for name in names}


def test_snapshot_holds_no_record_level_table(public_dir):
    names = set(_tables(public_dir))
    assert names == set(snapshot.TABLES) | {"metadata"}
    assert not names & {"beneficiary", "placement", "intervention", "import_batch", "scenario"}


def test_no_published_count_lies_between_1_and_9(public_dir):
    for name, frame in _tables(public_dir).items():
        for column in COUNT_COLUMNS:
            if column not in frame or f"{column}_flag" not in frame:
                continue
            shown = frame.loc[frame[f"{column}_flag"] == "", column]
            assert not shown.between(1, 9).any(), (name, column)
            assert frame.loc[frame[f"{column}_flag"] != "", column].isna().all(), (name, column)


def test_no_suppressed_cell_is_alone_in_its_table(public_dir):
    """Within each year's series (total included), 0 or at least 2 hidden cells."""
    for name, frame in _tables(public_dir).items():
        flag = next((f"{c}_flag" for c in COUNT_COLUMNS if f"{c}_flag" in frame), None)
        if flag is None:
            continue
        group = "year" if "year" in frame else "period"
        hidden = frame.groupby(group)[flag].apply(lambda flags: int((flags != "").sum()))
        assert not (hidden == 1).any(), (name, hidden.to_dict())


def test_money_behind_fewer_than_ten_people_is_hidden(public_dir):
    regions = _tables(public_dir)["beneficiaries_by_region"]
    small = regions["beneficiaries_flag"] != ""
    assert (regions.loc[small, "budget_mad_flag"] != "").all()
    assert regions.loc[small, "rate_per_100k"].isna().all()


def test_national_totals_are_the_published_figures(public_dir):
    programme = _tables(public_dir)["programme_by_year"].set_index("year")
    assert programme.loc[2019, "beneficiaries"] == 478
    assert programme.loc[2019, "budget_mad"] == 13_500_000
    assert programme.loc[2019, "budget_qualifier"] == "at_least"
    regions = _tables(public_dir)["beneficiaries_by_region"]
    total_2019 = regions[(regions["year"] == 2019) & (regions["region_code"] == "total")]
    assert total_2019["beneficiaries"].tolist() == [478]


def test_files_and_datapackage_describe_every_table(public_dir):
    package = json.loads((public_dir / "datapackage.json").read_text(encoding="utf-8"))
    assert package["licenses"][0]["name"] == "CC-BY-4.0"
    assert package["sources"]
    for resource in package["resources"]:
        csv = pd.read_csv(public_dir / resource["path"])
        assert [f["name"] for f in resource["schema"]["fields"]] == list(csv.columns)
        assert (public_dir / f"{resource['name']}.json").exists()
    with zipfile.ZipFile(public_dir / "idmaj-donnees-ouvertes.zip") as archive:
        names = set(archive.namelist())
    assert "datapackage.json" in names
    assert {f"{name}.csv" for name in snapshot.TABLES} <= names


def test_static_site_opens_from_the_file_system_in_french_and_arabic(public_dir):
    site = public_dir / "site"
    french = (site / "index.html").read_text(encoding="utf-8")
    arabic = (site / "ar.html").read_text(encoding="utf-8")
    english = (site / "en.html").read_text(encoding="utf-8")
    assert 'lang="fr" dir="ltr"' in french and 'lang="ar" dir="rtl"' in arabic
    assert 'lang="en" dir="ltr"' in english and "Public statistics" in english
    assert not (site / "assets" / "plotly.min.js").exists()  # no chart JavaScript at all
    for page in (french, arabic, english):
        scripts = re.findall(r"<script[^>]*>", page)
        assert scripts == ['<script src="assets/idmaj.js" defer>']  # copies links, nothing else
        assert "Plotly" not in page and "https://cdn" not in page
        assert page.count('<svg xmlns="http://www.w3.org/2000/svg"') == 9  # 4 charts x 2, map
        assert '<link rel="icon" href="favicon.ico"' in page
    assert (site / "favicon.ico").read_bytes()[:4] == b"\x00\x00\x01\x00"
    assert "<title>Idmaj — Statistiques publiques</title>" in french
    assert '<meta name="description" content="' in french
    assert "Statistiques publiques" in french and "الإحصاءات العمومية" in arabic
    for link in re.findall(r'href="((?:data|charts)/[^"]+)"', french):
        assert (site / link).exists(), link


def test_site_and_tables_show_the_same_numbers(public_dir):
    french = (public_dir / "site" / "index.html").read_text(encoding="utf-8")
    regions = _tables(public_dir)["beneficiaries_by_region"]
    of_2019 = regions[(regions["year"] == 2019) & (regions["beneficiaries_flag"] == "")]
    for value in of_2019["beneficiaries"]:
        assert f">{int(value)}<" in french.replace("\u202f", "")


def test_public_mode_never_opens_the_warehouse(public_dir, monkeypatch, tmp_path):
    folder = tmp_path / "public_only"
    (folder).mkdir()
    (folder / "public").symlink_to(public_dir)
    (folder / "idmaj.duckdb").write_bytes(b"not a database")  # unreadable if ever opened
    monkeypatch.setenv("IDMAJ_DATA_DIR", str(folder))
    monkeypatch.setenv("IDMAJ_MODE", "public")
    db.close_all()
    at = AppTest.from_file(APP, default_timeout=30).run()
    assert not at.exception
    assert [title.value for title in at.title] == ["Statistiques publiques"]
    assert at.metric[0].value.startswith("plus de")
    opened = {path.name for path, _ in db._databases}
    assert "idmaj.duckdb" not in opened
    assert not at.multiselect  # a fixed set of tables: no free combination of filters


def test_public_mode_without_a_snapshot_says_so(tmp_path, monkeypatch):
    monkeypatch.setenv("IDMAJ_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("IDMAJ_MODE", "public")
    db.close_all()
    at = AppTest.from_file(APP, default_timeout=30).run()
    assert not at.exception
    assert "python -m lib publish" in at.warning[0].value


def test_a_snapshot_from_an_older_idmaj_asks_for_a_new_publish(public_dir, monkeypatch, tmp_path):
    """A snapshot written before a table was added (the outcomes' tables of issue 22) is as
    good as none: the page says to publish again, instead of failing on the missing table."""
    folder = tmp_path / "older"
    shutil.copytree(public_dir, folder / "public")
    with duckdb.connect(str(folder / "public" / "public.duckdb")) as con:
        con.execute("DROP TABLE jobs_at_12_months")
    monkeypatch.setenv("IDMAJ_DATA_DIR", str(folder))
    monkeypatch.setenv("IDMAJ_MODE", "public")
    db.close_all()
    at = AppTest.from_file(APP, default_timeout=30).run()
    assert not at.exception
    assert "python -m lib publish" in at.warning[0].value
    assert not at.dataframe


def test_the_app_publishes_an_older_demonstration_snapshot_again_at_its_start(public_dir, tmp_path):
    """As the warehouse is migrated at the app's start, a snapshot of demonstration data that
    an older Idmaj wrote without a table is written again (real data would wait for an
    administrator: the page then says to publish)."""
    folder = tmp_path / "upgraded"
    shutil.copytree(public_dir, folder / "public")
    shutil.copyfile(public_dir.parent / "idmaj.duckdb", folder / "idmaj.duckdb")
    with duckdb.connect(str(folder / "public" / "public.duckdb")) as con:
        con.execute("DROP TABLE jobs_at_12_months")
    settings = get_settings(data_dir=folder)
    db.close_all()
    assert not snapshot.available(settings)
    ensure_public_snapshot(settings)
    assert snapshot.available(settings)
    db.close_all()


def test_public_page_year_choice_and_bad_year(public_dir, monkeypatch, tmp_path):
    monkeypatch.setenv("IDMAJ_DATA_DIR", str(public_dir.parent))
    monkeypatch.setenv("IDMAJ_MODE", "public")
    db.close_all()
    at = AppTest.from_file(APP, default_timeout=30)
    at.query_params["year"] = "abc"
    at.run()
    assert not at.exception and "abc" in at.warning[0].value
    table = at.dataframe[0].value
    assert "Béni Mellal-Khénifra" in table.iloc[:, 0].tolist()
    at.selectbox(key="public_year").select(2017).run()
    assert not at.exception
    assert at.dataframe[0].value.iloc[:, 1].tolist() != table.iloc[:, 1].tolist()


# --- the open data a reader can use alone ------------------------------------------------------


def _package(public_dir: Path) -> dict:
    return json.loads((public_dir / "datapackage.json").read_text(encoding="utf-8"))


def test_frictionless_finds_no_error_in_the_data_package(public_dir):
    frictionless = pytest.importorskip("frictionless")
    report = frictionless.validate(str(public_dir / "datapackage.json"))
    assert report.valid, report.flatten(["resourceName", "rowNumber", "fieldName", "type"])


def test_every_field_says_what_it_is_and_flags_say_what_they_allow(public_dir):
    package = _package(public_dir)
    for resource in package["resources"]:
        schema = resource["schema"]
        names = [field["name"] for field in schema["fields"]]
        assert schema["primaryKey"] and set(schema["primaryKey"]) <= set(names), resource["name"]
        for field in schema["fields"]:
            assert field["title"] and field["description"], (resource["name"], field["name"])
            assert "{" not in field["description"], field["description"]
            if field["name"].endswith("_flag"):
                assert field["constraints"]["enum"] == ["", "< 10", "s"]
            if field["name"] in ("beneficiaries", "budget_mad", "placements", "interventions"):
                assert field["unit"], field["name"]
        if "is_total" in names:
            assert schema["fields"][names.index("is_total")]["type"] == "boolean"


def test_totals_are_typed_and_rates_use_the_census_nearest_to_each_year(public_dir):
    regions = pd.read_csv(public_dir / "beneficiaries_by_region.csv")
    assert (regions["is_total"] == (regions["region_code"] == "total")).all()
    assert set(regions["census_year"]) == {2014}  # programme years 2014-2019
    assert "rate_per_100k_2024" not in regions
    shown = regions.dropna(subset=["beneficiaries"])
    rate = shown["beneficiaries"] / shown["census_population"] * 100_000
    assert (rate.round(2) - shown["rate_per_100k"]).abs().max() < 1e-9
    total = regions[regions["is_total"]].iloc[0]
    assert total["census_population"] == 33_848_242  # Morocco at the 2014 census
    by_sex = pd.read_csv(public_dir / "beneficiaries_by_sex.csv")
    assert by_sex.loc[by_sex["is_total"], "sex"].eq("total").all()


def test_published_figures_carry_their_translations(public_dir):
    figures = pd.read_csv(public_dir / "published_figures.csv")
    row = figures[figures["source_title"] == "DGAPR 2023 report (press)"].iloc[0]
    assert row["source_title_fr"] == "Rapport 2023 de la DGAPR (presse)"
    assert "2023" in row["source_title_ar"] and row["source_title_ar"] != row["source_title"]
    assert row["source_title_en"] == "DGAPR 2023 report (press)"
    scoped = figures[figures["scope"] == "MA-06"].iloc[0]
    assert scoped["note_fr"].startswith("région Casablanca-Settat")
