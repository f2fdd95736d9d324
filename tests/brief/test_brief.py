"""lib.brief: the board brief for 2019 in French, Arabic and English on the demo warehouse.

One A4 page each; its text layer (pdftotext where poppler-utils is installed, pypdf otherwise)
holds the tiles' values as formatted, the sources and the demonstration label, the Arabic words
in logical order; the charts are vectors (text, no image). Each page is also rendered to
tests/artifacts/brief/brief-<lang>.png (git-ignored) for a person to look at.
"""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import unicodedata
from datetime import date
from pathlib import Path

import pypdf
import pypdfium2
import pytest

from lib import cli
from lib.brief import brief_html, brief_pdf, file_name
from lib.brief import content as brief_content
from lib.config import get_settings
from lib.i18n import LANGUAGES, t
from lib.warehouse import db, queries
from lib.warehouse.build import build
from lib.warehouse.filters import Filters

REPO = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO / "tests" / "artifacts" / "brief"
A4 = (595.3, 841.9)  # points
ISSUED = date(2025, 1, 15)


@pytest.fixture(scope="module")
def settings(tmp_path_factory):
    """A demo warehouse of this module's own."""
    folder = tmp_path_factory.mktemp("brief-warehouse")
    build(get_settings(data_dir=folder))
    yield get_settings(data_dir=folder)
    db.close_all()


@pytest.fixture(scope="module")
def pdfs(settings) -> dict[str, bytes]:
    """The 2019 brief in each language, and its page as a PNG artifact."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    made = {}
    for lang in LANGUAGES:
        made[lang] = brief_pdf(settings, 2019, None, lang, today=ISSUED)
        page = pypdfium2.PdfDocument(made[lang])[0]
        page.render(scale=2).to_pil().save(ARTIFACTS / f"brief-{lang}.png")
    return made


def extracted(data: bytes) -> str:
    """The text layer, as pdftotext reads it when installed (else pypdf), with bidi controls
    dropped and every run of spaces (narrow and no-break ones too) written as one space."""
    if shutil.which("pdftotext"):
        text = subprocess.run(
            ["pdftotext", "-enc", "UTF-8", "-", "-"], input=data, capture_output=True, check=True
        ).stdout.decode("utf-8")
    else:
        text = "\n".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(data)).pages)
    return normalised(text)


def normalised(text: str) -> str:
    visible = "".join(c for c in text if unicodedata.category(c) != "Cf")
    return re.sub(r"\s+", " ", visible).strip()


def tiles(settings, lang: str):
    database = db.get_database(settings)
    frames = brief_content.load_frames(database, Filters(2019))
    return brief_content.tiles(frames, database, Filters(2019), 10, lang)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_brief_is_one_a4_portrait_page(pdfs, lang):
    reader = pypdf.PdfReader(io.BytesIO(pdfs[lang]))
    assert len(reader.pages) == 1
    box = reader.pages[0].mediabox
    assert (float(box.width), float(box.height)) == pytest.approx(A4, abs=1)
    assert reader.metadata.title.startswith(t("brief.title", lang))


def test_the_french_text_layer_says_what_each_tile_compares(pdfs):
    text = extracted(pdfs["fr"])
    for expected in (
        "Budget du programme",
        "13,5 M MAD",
        "2018 : 8,1 M MAD",
        "+67 % (favorable)",
        "Placements (2018)",
        "2015 : 1 719",
        "-74 % par rapport à 2015",
        "28 243 MAD",
        "-6 % (favorable)",  # a falling cost per beneficiary is good news
        "Chiffre publié : plus de 13 500 000 MAD",
        "Source : Libération (MAP), 29 mai 2019",
        "Publié pour 2018-2019 : 9 183",
        "données de démonstration",
        "Sélection : Tout le programme",
        "Note éditée le 15 janvier 2025",
        "Aucun import depuis.",
        "Seuil 10 (IDMAJ_SUPPRESSION_THRESHOLD)",
        "https://m.libe.ma/",
    ):
        assert expected in text, expected


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_text_layer_holds_every_tile_value_its_source_and_the_demo_label(settings, pdfs, lang):
    text = extracted(pdfs[lang])
    pairs = tiles(settings, lang)
    assert len(pairs) == 7
    for _, tile in pairs:
        # Arabic runs of letters and of figures are checked apart: an extractor may order
        # the runs of a mixed line its own way, never the letters or digits inside a run.
        for run in re.findall(r"[\d.,%+-]*\d[\d.,%]*|[^\W\d_]+(?: [^\W\d_]+)*", tile.value):
            assert normalised(run) in text, (tile.key, run)
        assert normalised(tile.label.split(" (")[0]) in text
    assert "Libération" in text and "MAP" in text
    assert t("common.demo_badge", lang) in text
    demo_tiles = [tile.key for _, tile in pairs if tile.demo]
    assert demo_tiles == ["share_women", "capc_interventions"]


def test_the_arabic_text_layer_holds_the_words_in_logical_order(pdfs):
    text = extracted(pdfs["ar"])
    for key in ("brief.title", "overview.kpi_programme_budget", "overview.kpi_cost",
                "overview.chart_interventions", "brief.sources_label"):  # fmt: skip
        words = t(key, "ar")
        assert re.search(r"[\u0621-\u064A]", words)
        assert words in text, key
    assert "مذكرة إلى مجلس الإدارة" in text  # the title, read back as written
    assert "الإدارة مجلس إلى مذكرة" not in text


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_charts_are_vectors_with_their_figures_as_text(pdfs, lang):
    reader = pypdf.PdfReader(io.BytesIO(pdfs[lang]))
    assert not reader.pages[0].images  # no raster anywhere: bars are paths, figures text
    text = extracted(pdfs[lang])
    for year in ("2013", "2014", "2019"):
        assert year in text
    assert {"fr": "3 142", "ar": "3.142", "en": "3,142"}[lang] in text  # placements in 2013


def test_the_arabic_page_runs_right_to_left(pdfs):
    """The header's ink sits on the right in Arabic, on the left in French."""

    def ink_centre(lang: str) -> float:
        image = pypdfium2.PdfDocument(pdfs[lang])[0].render(scale=1).to_pil().convert("L")
        width, height = image.size
        header = image.crop((0, int(height * 0.03), width, int(height * 0.09)))
        xs = [x for x in range(width) for y in range(0, header.height, 2)
              if header.getpixel((x, y)) < 128]  # fmt: skip
        return sum(xs) / len(xs) / width

    assert ink_centre("ar") > 0.6
    assert ink_centre("fr") < 0.4
    for lang in LANGUAGES:
        assert (ARTIFACTS / f"brief-{lang}.png").stat().st_size > 10_000


def test_a_narrowed_brief_names_its_selection_and_hides_small_counts(settings):
    chosen = Filters(2019, regions=(10, 11, 12), sexes=("F",))
    html = brief_html(settings, 2019, chosen, "fr", today=ISSUED)
    names = queries.names("region", "fr", db.get_database(settings))
    for code in (10, 11, 12):
        assert names[str(code)] in html
    assert "moins de 10" in html and "masqué" in html
    assert "Libération" not in html  # a national figure does not speak for three regions
    assert file_name(2019, chosen, "fr") == "idmaj-brief-2019-region-10-11-12-sex-F-fr.pdf"
    assert file_name(2019, None, "ar") == "idmaj-brief-2019-ar.pdf"


def test_the_selection_joins_its_names_as_each_language_does(settings):
    """Several regions are named "A, B et C" in French and with و in Arabic, never a Latin
    comma inside an Arabic sentence (Babel's list patterns)."""
    database = db.get_database(settings)
    chosen = Filters(2019, regions=(10, 11, 12), sexes=("F", "M"))
    french = brief_content.selection_text(database, chosen, "fr")
    assert re.fullmatch(r"[^,]+, [^,]+ et [^,]+ · Femmes et Hommes", french), french
    arabic = brief_content.selection_text(database, chosen, "ar")
    assert "," not in arabic and arabic.count(" و") >= 2, arabic


def test_a_source_title_from_the_data_is_text_not_markup(settings, monkeypatch):
    original = queries.published_lookup

    def hostile(database=None):
        rows = original(database)
        key = ("programme_budget", "2019", "national")
        rows[key] = {**rows[key], "source_title": '<img src="x" onerror="alert(1)">Presse'}
        return rows

    monkeypatch.setattr(queries, "published_lookup", hostile)
    html = brief_html(settings, 2019, None, "en", today=ISSUED)
    assert '<img src="x"' not in html
    assert "&lt;img src=&#34;x&#34; onerror=&#34;alert(1)&#34;&gt;Presse" in html


def test_python_m_lib_brief_writes_the_pdf(settings, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("IDMAJ_DATA_DIR", str(settings.data_dir))
    output = tmp_path / "brief.pdf"
    argv = ["brief", "--year", "2019", "--lang", "ar", "-o", str(output)]
    assert cli.main(argv) == cli.DONE
    assert output.read_bytes().startswith(b"%PDF")
    assert len(pypdf.PdfReader(output).pages) == 1
    assert str(output) in capsys.readouterr().out
    assert cli.main(["brief", "--year", "2030", "-o", str(tmp_path / "x.pdf")]) == cli.REFUSED
    assert cli.main(["brief", "--region", "99", "-o", str(tmp_path / "x.pdf")]) == cli.REFUSED
    error = capsys.readouterr().err
    assert "--year 2030" in error and "2019" in error and "--region 99" in error
    assert not (tmp_path / "x.pdf").exists()


def test_python_m_lib_brief_refuses_without_a_warehouse(fresh_data_dir, capsys):
    assert cli.main(["brief", "--year", "2019"]) == cli.REFUSED
    assert "python -m lib build" in capsys.readouterr().err
