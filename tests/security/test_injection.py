"""Nothing injected: outside values never render as Markdown, and no table that leaves the app
(CSV, JSON, zip, site, the app's downloads) holds a cell a spreadsheet would run."""

from __future__ import annotations

import io
import json
import re
import zipfile
from pathlib import Path

import pandas as pd
import pytest

from lib.config import get_settings
from lib.export import csv_bytes
from lib.ingest import pipeline, transaction
from lib.public.publish import publish
from lib.ui.text import escaped
from lib.warehouse import db
from lib.warehouse.build import build
from tests.app.helpers import new_app, open_page

ATTACKS = [
    "[un lien](https://evil.example/x)",
    "![image](https://evil.example/x.png)",
    ":red[alerte] **gras** <b>html</b>",
    "`code` $x^2$ | table |",
]
FORMULAS = [
    '=HYPERLINK("https://evil.example","clic")',
    "+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(1)",
    "\t=1+1",
    "\r=1+1",
]
UNESCAPED_LINK = re.compile(r"(?<!\\)\]\((?<!\\)")  # "](" that Markdown would read as a link


@pytest.mark.parametrize("attack", ATTACKS)
def test_escaped_values_read_as_the_same_text(attack):
    shown = escaped(attack)
    read = re.sub(r"\\(.)", r"\1", shown).replace("\u200b", "")
    assert read == attack  # the reader sees exactly the value
    assert not UNESCAPED_LINK.search(shown) and "<b>" not in shown


@pytest.mark.parametrize("attack", ATTACKS)
@pytest.mark.parametrize(
    ("page", "name"),
    [("overview", "year"), ("public", "year"), ("regions", "region"), ("overview", "lang")],
)
def test_a_crafted_link_is_echoed_as_text(page, name, attack):
    at = new_app({name: attack})  # the link opens this page first, as a bookmark would
    at.switch_page(f"pages/{page}.py")
    at.run()
    assert not at.exception
    echoed = [w.value for w in [*at.warning, *at.sidebar.warning]]
    assert echoed, "the bad value is said"
    for value in echoed:
        assert not UNESCAPED_LINK.search(value), value
        assert ":red[" not in value and "<b>" not in value


@pytest.mark.parametrize("value", ["9" * 5000, "²", "٢٠١٩", "2019" * 300])
def test_absurd_years_are_refused_not_crashed(value):
    for page in ("overview", "public", "simulator"):
        at = open_page(page, {"year": value})
        assert not at.exception, page


def _figures_with_formulas(folder: Path) -> Path:
    settings = get_settings(data_dir=folder, publication_min_days=0)
    build(settings)
    database = db.get_database(settings)
    header = "Indicateur;Valeur;Unité;Période;Périmètre;Source;Lien de la source;Note;Déjà public\n"
    rows = "".join(
        f"programme_budget;{1000 + i};MAD;{2001 + i};national;{title};https://ex.org/{i};{title};oui\n"
        for i, title in enumerate(FORMULAS[:4])
    )
    parsed = pipeline.parse((header + rows).encode(), "f.csv", "published_figures", database)
    assert parsed.ok, parsed.problems
    transaction.commit(parsed, database, "amina")
    target = publish(settings)
    db.close_all()
    return target


def _cells(frame: pd.DataFrame) -> list[str]:
    return [v for v in frame.astype(str).to_numpy().ravel() if isinstance(v, str)]


def test_formulas_in_imported_figures_never_reach_a_public_file_as_formulas(tmp_path):
    public = _figures_with_formulas(tmp_path)
    csv = pd.read_csv(public / "published_figures.csv", dtype=str, keep_default_na=False)
    records = json.loads((public / "published_figures.json").read_text(encoding="utf-8"))
    with zipfile.ZipFile(public / "idmaj-donnees-ouvertes.zip") as archive:
        zipped = pd.read_csv(io.BytesIO(archive.read("published_figures.csv")), dtype=str,
                             keep_default_na=False)  # fmt: skip
    site_copy = pd.read_csv(public / "site" / "data" / "published_figures.csv", dtype=str,
                            keep_default_na=False)  # fmt: skip
    json_cells = [str(v) for row in records for v in row.values()]
    for cells in (_cells(csv), json_cells, _cells(zipped), _cells(site_copy)):
        dangerous = [c for c in cells if c.startswith(("=", "+", "@", "\t", "\r"))]
        assert not dangerous, dangerous
        assert any(c.startswith("'=HYPERLINK") for c in cells)


def test_the_apps_own_downloads_escape_formulas_and_keep_their_rows():
    frame = pd.DataFrame({"title": FORMULAS, "value": range(len(FORMULAS))})
    back = pd.read_csv(io.BytesIO(csv_bytes(frame)), dtype=str, encoding="utf-8-sig")
    assert back["value"].tolist() == [str(i) for i in range(len(FORMULAS))]  # no row split
    assert all(v.startswith("'") for v in back["title"])
