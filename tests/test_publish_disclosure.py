"""lib.public.publish against an intruder: nothing hidden can be recovered from the files, and
demonstration figures never leave the app unlabelled.

Each warehouse here is made for its finding (a handful of people per year and region); the
intruder is ``tests/public_files_audit.py``, which reads only the published CSV files.
"""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from streamlit.testing.v1 import AppTest

from lib.config import get_settings
from lib.ingest import pipeline, transaction
from lib.public import publish as publish_module
from lib.public import snapshot
from lib.public.publish import PublicationRefused, publish
from lib.warehouse import db
from lib.warehouse.build import build
from tests.public_files_audit import breaches, true_values

APP = str(Path(__file__).resolve().parent.parent / "app.py")
GRANT = 25_000
PERSON = {"age_band": "25-34", "support_type": "micro_projet", "is_moussalaha": False,
          "is_former_cpe": False, "is_royal_handover": False}  # fmt: skip


COLUMNS = {
    "placement_id": ["year", "region_code", "sector_code", "sex", "age_band"],
    "intervention_id": ["intervention_date", "centre_id", "region_code", "type_code", "sex"],
}


def _frame(rows: list[dict], demo: bool, id_column: str) -> pd.DataFrame:
    frame = pd.DataFrame(rows) if rows else pd.DataFrame(columns=COLUMNS[id_column])
    frame.insert(0, id_column, range(1, len(frame) + 1))
    frame["is_demo"] = demo
    frame["batch_id"] = pd.array([None if demo else 1] * len(frame), dtype="Int32")
    return frame


def records(people, placements=(), visits=(), demo=False) -> dict[str, pd.DataFrame]:
    """people: (year, region, sector, sex, grant); placements: (year, region, sector, sex);
    visits: (date, centre, type). Real records (not demo) unless ``demo``."""
    beneficiaries = _frame(
        [dict(zip(("programme_year", "region_code", "sector_code", "sex", "grant_mad"), p,
                  strict=True), **PERSON) for p in people],
        demo, "beneficiary_id",
    )  # fmt: skip
    placed = _frame(
        [{"year": y, "region_code": r, "sector_code": s, "sex": x, "age_band": "18-24"}
         for y, r, s, x in placements],
        demo, "placement_id",
    )  # fmt: skip
    centres = {1: 6, 2: 4, 3: 9}
    interventions = _frame(
        [{"intervention_date": pd.Timestamp(d), "centre_id": c, "region_code": centres[c],
          "type_code": k, "sex": "M"} for d, c, k in visits],
        demo, "intervention_id",
    )  # fmt: skip
    return {"beneficiary": beneficiaries, "placement": placed, "intervention": interventions}


def published(folder: Path, recs, threshold: int = 10, min_days: int = 0) -> Path:
    settings = get_settings(
        data_dir=folder, suppression_threshold=threshold, publication_min_days=min_days
    )
    build(settings, records=recs)
    try:
        return publish(settings)
    finally:
        db.close_all()


def _people(year: int, region: int, count: int, sector="commerce", sex="M") -> list[tuple]:
    return [(year, region, sector, sex, GRANT + 100 * i) for i in range(count)]


# --- finding 1: a table without secondary suppression -------------------------------------------


def test_a_small_year_of_interventions_cannot_be_subtracted_from_the_period(tmp_path):
    visits = [("2018-03-01", 1, "social")] * 4 + [("2019-03-01", 1, "social")] * 40
    visits += [("2019-05-01", 2, "juridique")] * 25
    recs = records(_people(2019, 6, 30), visits=visits)
    folder = published(tmp_path, recs)
    by_year = pd.read_csv(folder / "interventions_by_year.csv", dtype=str).set_index("year")
    assert by_year.loc["2018", "interventions_flag"] == "< 10"
    assert by_year.loc["2019", "interventions_flag"] == "s"  # else: period total - 2019 = 2018
    assert breaches(folder, 10, true_values(recs)) == []


# --- finding 2: the words of the map ------------------------------------------------------------


def test_hidden_regions_are_described_honestly_with_the_configured_threshold(tmp_path):
    people = (
        _people(2019, 6, 60) + _people(2019, 1, 15) + _people(2019, 9, 30) + _people(2019, 4, 3)
    )
    folder = published(tmp_path, records(people), threshold=20)
    regions = pd.read_csv(folder / "beneficiaries_by_region.csv", dtype=str)
    flags = dict(zip(regions["region_code"], regions["beneficiaries_flag"].fillna(""), strict=True))
    assert flags["4"] == "< 20" and flags["1"] == "< 20"
    site = (folder / "site" / "index.html").read_text(encoding="utf-8")
    assert "moins de 20 personnes" in site
    assert "moins de 10" not in site and "< 10" not in site
    english = (folder / "site" / "en.html").read_text(encoding="utf-8")
    assert "fewer than 20 people" in english and "fewer than 10" not in english
    arabic = (folder / "site" / "ar.html").read_text(encoding="utf-8")
    assert "أقل من 20" in arabic and "أقل من 10" not in arabic
    for page in (site, english, arabic):
        assert not re.search(r"\b1 ?(à|to) ?9\b", page)


def test_a_region_hidden_to_protect_another_is_never_called_small():
    from lib.public import view

    rows = pd.DataFrame(
        {
            "year": [2019] * 3,
            "region_code": ["1", "2", "total"],
            "beneficiaries": [pd.NA, pd.NA, 60],
            "beneficiaries_flag": ["< 10", "s", ""],
            "name_fr": ["A", "B", "Total"],
        }
    )
    _, labels, _ = view.region_map_inputs(rows, 2019, "fr", threshold=10)
    assert "moins de 10" in labels[1]
    assert "moins de" not in labels[2] and "protéger" in labels[2]


# --- finding 3: money gives counts back -------------------------------------------------------


def test_no_money_rate_or_cost_is_published_beside_a_hidden_count(tmp_path):
    people = _people(2019, 6, 40) + _people(2019, 1, 4) + _people(2019, 9, 25)
    people += _people(2018, 6, 50) + _people(2018, 9, 12)
    folder = published(tmp_path, records(people))
    for name in ("beneficiaries_by_region", "beneficiaries_by_sector"):
        table = pd.read_csv(folder / f"{name}.csv", dtype=str)
        hidden = table["beneficiaries_flag"].notna()
        assert table.loc[hidden, "budget_mad"].isna().all()
        assert (table.loc[hidden, "budget_mad_flag"] == "s").all()
        if "rate_per_100k" in table:
            assert table.loc[hidden, "rate_per_100k"].isna().all()
    assert breaches(folder, 10, true_values(records(people))) == []


# --- finding 4: demonstration data leave labelled ---------------------------------------------


@pytest.fixture(scope="module")
def demo_snapshot(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("demo")
    settings = get_settings(data_dir=folder)
    build(settings)
    try:
        return publish(settings)
    finally:
        db.close_all()


def test_every_public_file_of_a_demonstration_snapshot_says_so_on_its_own(demo_snapshot):
    label = "données de démonstration"
    files = [p for p in demo_snapshot.iterdir() if p.suffix in (".csv", ".json")]
    assert len(files) == 2 * len(snapshot.TABLES) + 1  # a CSV and a JSON each, the package
    for path in files:
        text = path.read_text(encoding="utf-8")
        if path.name == "published_figures.csv" or path.name == "published_figures.json":
            continue  # figures a source published: their provenance is the source
        assert label in text, path.name
    package = json.loads((demo_snapshot / "datapackage.json").read_text(encoding="utf-8"))
    for resource in package["resources"]:
        assert "DÉMONSTRATION" in resource["description"], resource["name"]


def test_charts_of_a_demonstration_snapshot_carry_the_label_into_their_images(demo_snapshot):
    """Each chart is an SVG drawn at publish time, label inside: a copied chart, the SVG and
    PNG downloads and the embed pages keep it."""
    site = demo_snapshot / "site"
    labels = {"index.html": "données de démonstration", "ar.html": "بيانات توضيحية",
              "en.html": "demonstration data", "zgh.html": "ⵉⵙⴼⴽⴰ ⵏ ⵓⵙⴽⴰⵏ"}  # fmt: skip
    for page, label in labels.items():
        text = (site / page).read_text(encoding="utf-8")
        drawings = re.findall(r"<svg xmlns=.*?</svg>", text, flags=re.S)
        assert len(drawings) == 9  # 4 charts at two widths, and the map
        for drawing in drawings:
            assert label in drawing
    files = sorted((site / "charts").glob("*.svg"))
    assert len(files) == 16  # 4 charts x 4 languages, each with its title drawn in
    for path in files:
        text = path.read_text(encoding="utf-8")
        assert any(word in text for word in labels.values()), path.name
        assert "10" in text and "<title" in text
    for path in sorted((site / "charts").glob("*.csv")):
        assert "données de démonstration" in path.read_text(encoding="utf-8-sig"), path.name


def test_a_rescaled_demonstration_does_not_claim_the_published_totals(tmp_path):
    settings = get_settings(data_dir=tmp_path, demo_scale=2)
    build(settings)
    try:
        folder = publish(settings)
    finally:
        db.close_all()
    programme = pd.read_csv(folder / "programme_by_year.csv")
    assert programme["beneficiaries_source"].isna().all()
    site = (folder / "site" / "index.html").read_text(encoding="utf-8")
    assert "les totaux nationaux sont les chiffres publiés" not in site
    assert "ne sont pas ceux publiés" in site


# --- finding 5: failures are said -------------------------------------------------------------


def test_a_refused_publication_is_said_on_the_page_the_site_and_the_admin_page(
    tmp_path, monkeypatch
):
    recs = records(_people(2019, 6, 30) + _people(2019, 9, 20))
    folder = published(tmp_path, recs)
    mixed = records([(2019, 1, "commerce", "F", GRANT)], demo=True)["beneficiary"]
    settings = get_settings(data_dir=tmp_path, publication_min_days=0)
    database = db.get_database(settings)
    database.execute_write_fn(lambda cursor: _insert(cursor, mixed))  # a demo record slips in
    with pytest.raises(PublicationRefused) as refused:
        publish(settings)
    assert refused.value.reason == "mixed"
    site = html.unescape((folder / "site" / "index.html").read_text(encoding="utf-8"))
    assert "n'ont pas été mises à jour depuis le" in site and "mêle" in site
    db.close_all()
    monkeypatch.setenv("IDMAJ_DATA_DIR", str(tmp_path))
    public_page = AppTest.from_file(APP, default_timeout=30)
    public_page.switch_page("pages/public.py").run()
    assert any("pas été mises à jour" in w.value for w in public_page.warning)
    admin_page = AppTest.from_file(APP, default_timeout=30)
    admin_page.switch_page("pages/data_admin.py").run()
    said = " ".join(w.value for w in [*admin_page.warning, *admin_page.error, *admin_page.info])
    assert "mêle données de démonstration et dossiers importés" in said


def _insert(cursor, frame: pd.DataFrame) -> None:
    frame = frame.assign(beneficiary_id=frame["beneficiary_id"] + 10_000)
    cursor.register("extra", frame)
    columns = ", ".join(frame.columns)
    cursor.execute(f"INSERT INTO beneficiary ({columns}) SELECT {columns} FROM extra")
    cursor.unregister("extra")
    db.run_script(cursor, "build/refresh_aggregates")


# --- finding 6: differencing between snapshots ------------------------------------------------


def _cells(folder: Path) -> dict[tuple, float]:
    shown = {}
    for path in folder.glob("*_by_*.csv"):
        table = pd.read_csv(path, dtype=str)
        when = "period" if "period" in table else "year"
        dim = next(
            (c for c in table.columns if c.endswith("_code") or c in ("sex", "centre_id")), None
        )
        for column in ("beneficiaries", "budget_mad", "placements", "interventions"):
            if column not in table:
                continue
            for row in table.to_dict(orient="records"):
                if isinstance(row.get(f"{column}_flag"), str):
                    continue
                shown[(path.stem, column, row[when], row.get(dim))] = float(row[column])
    return shown


def test_one_person_imported_between_two_snapshots_cannot_be_found(tmp_path):
    people = _people(2019, 6, 40) + _people(2019, 1, 30) + _people(2019, 9, 25, sector="services")
    people += _people(2019, 4, 20, sex="F")
    recs = records(people)
    before = published(tmp_path / "a", recs)
    shown_before = _cells(before)
    import shutil

    shutil.copytree(before, tmp_path / "before")
    settings = get_settings(data_dir=tmp_path / "a", publication_min_days=0)
    database = db.get_database(settings)
    row = "Année;Région;Secteur;Sexe;Tranche d'âge;Type d'appui;Montant (MAD)\n"
    row += "2019;Souss-Massa;Services;F;25-34;auto-emploi;30000\n"
    parsed = pipeline.parse(row.encode(), "un.csv", "beneficiaries", database)
    transaction.commit(parsed, database, "amina")
    after = publish(settings)
    db.close_all()
    shown_after = _cells(after)
    for key in shown_before.keys() & shown_after.keys():
        change = abs(shown_after[key] - shown_before[key])
        if key[1] == "budget_mad":
            assert change == 0 or change >= 9 * 20_000, key
        else:
            assert change == 0 or change >= 10, (key, change)


def test_a_snapshot_of_real_data_waits_for_the_calendar(tmp_path):
    recs = records(_people(2019, 6, 30) + _people(2019, 9, 20))
    published(tmp_path, recs, min_days=28)
    settings = get_settings(data_dir=tmp_path, publication_min_days=28)
    with pytest.raises(PublicationRefused) as refused:
        publish(settings)
    db.close_all()
    assert refused.value.reason == "calendar" and "next_date" in refused.value.params


# --- finding 7 and 8: imported figures, and sources that are not the value's -------------------


def test_an_imported_figure_passes_the_same_rules_unless_a_source_already_made_it_public(tmp_path):
    recs = records(_people(2019, 6, 40) + _people(2019, 12, 2) + _people(2019, 9, 25))
    folder = published(tmp_path / "w", recs)
    settings = get_settings(data_dir=tmp_path / "w", publication_min_days=0)
    database = db.get_database(settings)
    figures = "Indicateur;Valeur;Unité;Période;Périmètre;Source\n"
    figures += "programme_beneficiaries;2;personnes;2019;MA-12;Rapport interne\n"
    parsed = pipeline.parse(figures.encode(), "chiffres.csv", "published_figures", database)
    assert parsed.ok, parsed.problems
    transaction.commit(parsed, database, "amina")
    folder = publish(settings)
    db.close_all()
    table = pd.read_csv(folder / "published_figures.csv", dtype=str)
    row = table[(table["scope"] == "MA-12") & (table["period"] == "2019")].iloc[0]
    assert pd.isna(row["value"]) and row["value_flag"] == "< 10"


def test_a_value_names_a_source_only_when_it_is_that_sources_value(tmp_path):
    folder = published(tmp_path, records(_people(2019, 6, 35)))
    programme = pd.read_csv(folder / "programme_by_year.csv", dtype=str).set_index("year")
    assert programme.loc["2019", "beneficiaries"] == "35"
    assert pd.isna(programme.loc["2019", "beneficiaries_source"])


# --- the standard, on random small warehouses -------------------------------------------------

person = st.tuples(
    st.sampled_from([2018, 2019]),
    st.sampled_from([1, 4, 6, 9, 12]),
    st.sampled_from(["commerce", "services", "agriculture"]),
    st.sampled_from(["F", "M"]),
    st.integers(10, 60).map(lambda k: k * 1000),
)
visit = st.tuples(
    st.sampled_from(["2018-04-02", "2019-06-03"]),
    st.sampled_from([1, 2, 3]),
    st.sampled_from(["social", "juridique", "medical"]),
)


@settings(
    max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    people=st.lists(person, min_size=1, max_size=60),
    visits=st.lists(visit, min_size=0, max_size=40),
    threshold=st.sampled_from([2, 3, 5, 10, 20]),
)
def test_random_small_warehouses_publish_nothing_that_can_be_worked_back(
    tmp_path_factory, people, visits, threshold
):
    recs = records(people, visits=visits)
    folder = tmp_path_factory.mktemp("random")
    try:
        target = published(folder, recs, threshold=threshold)
    except PublicationRefused as refused:
        assert refused.reason == "disclosure"  # refused rather than published unsafe
        return
    assert breaches(target, threshold, true_values(recs)) == []


def test_publish_module_says_what_it_refuses(tmp_path):
    assert publish_module.PublicationRefused("mixed").reason == "mixed"


def test_one_real_record_imported_into_the_demo_is_never_published(tmp_path):
    """Finding 6: the demo is public and deterministic; a snapshot of demo plus one real person
    would give that person away by difference. The mixed warehouse is not published at all."""
    settings = get_settings(data_dir=tmp_path, publication_min_days=0)
    build(settings)
    before = publish(settings)
    files = {p.name: p.read_bytes() for p in before.glob("*.csv")}
    database = db.get_database(settings)
    row = "Année;Région;Secteur;Sexe;Tranche d'âge;Type d'appui;Montant (MAD)\n"
    row += "2019;Dakhla-Oued Ed-Dahab;Services;F;25-34;auto-emploi;30000\n"
    parsed = pipeline.parse(row.encode(), "une.csv", "beneficiaries", database)
    transaction.commit(parsed, database, "amina")  # the demonstration data kept
    assert publish_module.republish_after_write(settings)  # imported records: it waits
    with pytest.raises(PublicationRefused):
        publish(settings)
    db.close_all()
    assert {p.name: p.read_bytes() for p in before.glob("*.csv")} == files


def test_the_public_page_speaks_of_the_configured_threshold(tmp_path, monkeypatch):
    people = _people(2019, 6, 60) + _people(2019, 1, 15) + _people(2019, 9, 30)
    published(tmp_path, records(people), threshold=20)
    monkeypatch.setenv("IDMAJ_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("IDMAJ_MODE", "public")
    db.close_all()
    for lang in ("fr", "ar", "en"):
        at = AppTest.from_file(APP, default_timeout=30)
        at.query_params["lang"] = lang
        at.run()
        assert not at.exception
        words = " ".join(m.value for m in [*at.markdown, *at.caption])
        assert "20" in words
        assert not re.search(r"(< ?10|\b10 (personnes|people|أشخاص)|1 (à|to|إلى) 9\b)", words), lang
