"""lib.chart_files: every kind of chart the pages draw leaves the app as an SVG and a PNG that
carry their title, source line, selection, date and demonstration label, with no browser."""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET
from datetime import date, datetime

import pandas as pd
import pytest
from PIL import Image

from lib import charts, geo
from lib.chart_files import figure_kind, figure_png, figure_svg
from lib.export import about
from lib.public.svgcharts import PDI, RLI
from lib.warehouse.filters import Filters

SVG = "{http://www.w3.org/2000/svg}"
MADE = date(2025, 1, 15)
YEARS = pd.DataFrame(
    {
        "year": [2018, 2019],
        "budget_mad": [8_100_000, 13_500_000],
        "beneficiaries": [270, 478],
        "women": [30, 67],
        "men": [240, 411],
    }
)
NAMES = pd.DataFrame({"name": ["Oriental", "Souss-Massa"], "budget_mad": [1_458_600, 1_246_800]})
MONTHS = pd.DataFrame(
    {"month": [datetime(2019, 1, 1), datetime(2019, 2, 1), datetime(2019, 3, 1)],
     "legal": [12.0, None, 30.0]}
)  # fmt: skip
REGIONS = pd.DataFrame(
    {"region_code": [1, 6], "name": ["Tanger", "Casablanca"], "rate": [1.5, 0.4]}
)


def _figures(lang: str = "fr") -> dict:
    """One figure of each kind, as lib.charts draws them for the pages."""
    return {
        "columns": charts.grouped_bar_chart(
            YEARS, "year", {"women": "Femmes", "men": "Hommes"}, "Placements", "Année", "N", lang
        ),
        "rows": charts.bar_chart(
            NAMES, "name", "budget_mad", "Enveloppe", "R", "MAD", lang, horizontal=True
        ),
        "pie": charts.donut_chart(NAMES, "name", "budget_mad", "Parts", lang),
        "lines": charts.line_chart(
            MONTHS, "month", {"legal": "Juridique"}, "Mois", "M", "N", lang, x_is_date=True
        ),
        "map": charts.region_map(
            REGIONS,
            geo.regions_geojson(),
            "rate",
            "name",
            "Carte",
            "Pour 100 000",
            lang,
            overlays=[(pd.DataFrame({"region_code": [2], "name": ["Oriental"]}), "Hors", "#ddd")],
        ),
    }


def _about(lang: str = "fr", demo: bool = True):
    return about("Le titre", lang, Filters(2019, (1, 6)), "Tanger · Casablanca", "v1", demo, MADE)


def _texts(svg: str) -> str:
    root = ET.fromstring(svg)
    return " ".join("".join(node.itertext()) for node in root.iter(f"{SVG}text"))


def _tips(svg: str) -> list[str]:
    root = ET.fromstring(svg)
    return [node.text for shape in root.iter() for node in shape.findall(f"{SVG}title")]


@pytest.mark.parametrize("kind", ["columns", "rows", "pie", "lines", "map"])
def test_every_chart_svg_says_its_title_source_selection_date_and_label(kind):
    figure = _figures()[kind]
    assert figure_kind(figure) == kind
    svg = figure_svg(figure, _about())
    drawn = _texts(svg)
    assert "Le titre" in drawn
    assert "Source : Idmaj, tableau de bord de la Fondation" in drawn
    assert "Sélection : année 2019 · Tanger · Casablanca" in drawn
    assert "Exporté le 15 janvier 2025." in drawn
    assert "données de démonstration" in drawn
    assert ET.fromstring(svg).find(f"{SVG}title").text == "Le titre"


@pytest.mark.parametrize("kind", ["columns", "rows", "pie", "lines", "map"])
def test_every_chart_png_is_drawn_without_a_browser_and_carries_the_same_words(kind):
    figure, described = _figures()[kind], _about()
    image = Image.open(io.BytesIO(figure_png(figure, described)))
    root = ET.fromstring(figure_svg(figure, described))
    assert image.size == (2 * int(root.get("width")), 2 * int(root.get("height")))
    assert image.text["Title"] == "Le titre"
    assert image.text["Source"].startswith("Source : Idmaj, tableau de bord")
    assert image.text["Disclaimer"] == "données de démonstration"
    assert "Sélection : année 2019 · Tanger · Casablanca" in image.text["Description"]
    # The footer is drawn inside the image: its lower part is not blank.
    footer = image.convert("L").crop((0, image.height - 60, image.width, image.height - 20))
    assert footer.getextrema()[0] < 128


def test_the_values_are_those_of_the_figure():
    figures = _figures()
    assert "Femmes · 2019\xa0: 67" in _tips(figure_svg(figures["columns"], _about()))
    assert "Oriental\xa0: 1\u202f458\u202f600" in _tips(figure_svg(figures["rows"], _about()))
    assert "Oriental\xa0: 1\u202f458\u202f600 (54\xa0%)" in _tips(
        figure_svg(figures["pie"], _about())
    )
    lines = figure_svg(figures["lines"], _about())
    assert _tips(lines)[1:] == ["Juridique · 01/2019\xa0: 12", "Juridique · 03/2019\xa0: 30"]
    assert lines.count("<path ") == 2  # a missing month breaks the line
    tips = _tips(figure_svg(figures["map"], _about()))
    assert "Tanger · Pour 100 000\xa0: 1,5" in tips and "Oriental · Hors" in tips


def test_without_demonstration_records_there_is_no_label():
    for figure in _figures().values():
        svg = figure_svg(figure, _about(demo=False))
        assert "démonstration" not in _texts(svg)
        assert (
            "Disclaimer" not in Image.open(io.BytesIO(figure_png(figure, _about(demo=False)))).text
        )


@pytest.mark.parametrize("kind", ["columns", "lines", "map"])
def test_arabic_charts_read_right_to_left(kind):
    svg = figure_svg(_figures("ar")[kind], _about("ar"))
    root = ET.fromstring(svg)
    heading = next(root.iter(f"{SVG}text"))
    assert heading.text == f"{RLI}Le titre{PDI}" and heading.get("text-anchor") == "end"
    assert "المصدر: إدماج" in _texts(svg) and "بيانات توضيحية" in _texts(svg)
