"""The public face in Standard Moroccan Tamazight (zgh), in headless Chromium: the app's public
page (a real `streamlit run app.py`) and the static site's zgh.html (from the file system).

Each shows Tifinagh letters (U+2D30-U+2D7F) in its title, tiles, charts (titles, axes,
tooltips, legends) and map, no French or English word of the interface, Babel's zgh_MA
numbers and dates, left to right, and the note that the translation awaits review. Letters are
drawn, not boxes: two different Tifinagh words drawn in the page's font give two different
images (every missing letter is the same box). Screenshots at 1440 and 390 px go to
tests/artifacts/tamazight-<page>-<width>.png.
"""

from __future__ import annotations

import logging
import re
import shutil
from pathlib import Path

import pandas as pd
import pytest

from lib.config import get_settings
from lib.formatting import format_date
from lib.i18n import catalog, is_reviewed, t
from lib.public import site
from lib.public.publish import publish
from lib.warehouse import db
from lib.warehouse.db import Database
from tests.e2e.server import CHROMIUM, CHROMIUM_ARGS, running_server, settle

pytestmark = pytest.mark.e2e

REPO = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO / "tests" / "artifacts"
VIEWPORTS = {"1440": (1440, 900), "390": (390, 844)}
TIFINAGH = re.compile(r"[\u2d30-\u2d7f]")
LATIN_WORD = re.compile(r"[A-Za-zÀ-ÖØ-öø-ÿ][A-Za-zÀ-ÖØ-öø-ÿ'’]*")
GROUPED = re.compile(r"\d\xa0\d{3}")  # zgh_MA writes 13 500 000 with no-break spaces
# Latin words the pages show on purpose: the brand, the other languages' names in the
# switcher, file formats, the licence and the data package's file name.
SHOWN_ON_PURPOSE = {"Idmaj", "Français", "English", "datapackage", "json"}

if not CHROMIUM.exists():
    pytest.skip(f"{CHROMIUM} is missing (make browser)", allow_module_level=True)


@pytest.fixture(scope="module")
def data_dir(warehouse_dir, tmp_path_factory) -> Path:
    """A copy of the demo warehouse and its published snapshot (site included)."""
    folder = tmp_path_factory.mktemp("tamazight")
    shutil.copy2(warehouse_dir / "idmaj.duckdb", folder / "idmaj.duckdb")
    publish(get_settings(data_dir=folder))
    db.close_all()
    return folder


@pytest.fixture(scope="module")
def snapshot(data_dir) -> tuple[dict[str, pd.DataFrame], dict]:
    database = Database(data_dir / "public" / "public.duckdb", read_only=True)
    try:
        tables = {
            name: database.execute_uncached("publish/public_table", name=name)
            for name in site.TABLE_NAMES
        }
        listed = database.execute_uncached("publish/public_metadata")
    finally:
        database.close()
    return tables, dict(zip(listed["key"], listed["value"], strict=True))


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=60_000)  # Plotly on a busy 2-core machine
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()
    expect.set_options(timeout=None)


def _allowed_latin(tables: dict[str, pd.DataFrame]) -> set[str]:
    """Latin words that are data, not interface: sources' names and addresses as published,
    and the Latin tokens the Tamazight texts keep (MAD, CSV, TelQuel, DGAPR...)."""
    figures = tables["published_figures"]
    texts = [*figures["source_title"].dropna(), *figures["source_url"].dropna()]
    translations = pd.read_csv(REPO / "data" / "seed" / "source_translations.csv", dtype=str)
    texts += [*translations["zgh"].dropna(), *catalog("zgh").values()]
    return {word for text in texts for word in LATIN_WORD.findall(text)} | SHOWN_ON_PURPOSE


def _interface_words(text: str, allowed: set[str]) -> list[str]:
    return sorted({word for word in LATIN_WORD.findall(text) if word not in allowed})


DRAWN = """(font) => {
  // Two different Tifinagh words in the page's font: boxes would make two equal images.
  const draw = (word) => {
    const canvas = document.createElement('canvas');
    canvas.width = 240; canvas.height = 60;
    const context = canvas.getContext('2d');
    context.font = '32px ' + font;
    context.fillText(word, 4, 44);
    return Array.from(context.getImageData(0, 0, 240, 60).data).join(',');
  };
  return draw('ⴰⴱⴳⴷ') !== draw('ⵣⵥⵢⵡ');
}"""


def _drawn(page, selector: str) -> bool:
    font = page.evaluate(f"getComputedStyle(document.querySelector('{selector}')).fontFamily")
    return page.evaluate(DRAWN, font)


# --- The static site: zgh.html -----------------------------------------------------------------

SITE_TEXTS = """() => {
  const texts = (selector) => [...document.querySelectorAll(selector)].map(e => e.textContent);
  return {
    lang: document.documentElement.lang, dir: document.documentElement.dir,
    title: document.title, h1: document.querySelector('h1').innerText,
    labels: texts('.card .label'), values: texts('.card .value'),
    chartTitles: texts('figure.chart h3'),
    chartText: texts('figure.chart svg.chart-svg text'),
    chartTips: texts('figure.chart svg.chart-svg title'),
    mapText: texts('svg.map text'), mapTips: texts('svg.map title'),
    legend: texts('.legend li'), body: document.body.innerText,
    unreviewed: texts('.unreviewed'), table: texts('table td.num'),
  };
}"""


@pytest.mark.parametrize("width", VIEWPORTS)
def test_the_site_speaks_tamazight_in_tifinagh(data_dir, snapshot, browser, width):
    tables, metadata = snapshot
    w, h = VIEWPORTS[width]
    context = browser.new_context(viewport={"width": w, "height": h})
    page = context.new_page()
    try:
        page.goto((data_dir / "public" / "site" / "zgh.html").as_uri())
        page.wait_for_load_state("load")
        shown = page.evaluate(SITE_TEXTS)
        drawn = _drawn(page, "h1")
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"tamazight-site-{width}.png"), full_page=True)
    finally:
        context.close()
    assert (shown["lang"], shown["dir"]) == ("zgh", "ltr")
    assert drawn, "Tifinagh letters are drawn as boxes: install fonts-noto-core"
    for part in ("title", "h1"):
        assert TIFINAGH.search(shown[part]), (part, shown[part])
    for part in ("chartText", "chartTips", "mapText", "mapTips"):  # titles, axes, tooltips
        assert any(TIFINAGH.search(text) for text in shown[part]), (part, shown[part][:5])
    for part in ("labels", "chartTitles", "legend"):
        assert shown[part] and all(TIFINAGH.search(text) for text in shown[part]), shown[part]
    assert any(GROUPED.search(value) and "MAD" in value for value in shown["values"])
    assert any(GROUPED.search(cell) for cell in shown["table"])
    published = format_date(pd.Timestamp(metadata["generated_at"]).date(), "zgh")
    assert published in shown["body"] and TIFINAGH.search(published)
    assert bool(shown["unreviewed"]) is not is_reviewed("zgh")
    assert _interface_words(shown["body"], _allowed_latin(tables)) == []


def test_the_site_asks_no_french_message_in_tamazight(snapshot, data_dir, caplog):
    tables, metadata = snapshot
    with caplog.at_level(logging.DEBUG, logger="lib.i18n"):
        html = site._page(data_dir / "public" / "site", "zgh", tables, metadata, {})
    fallbacks = [r.getMessage() for r in caplog.records if "zgh.toml" in r.getMessage()]
    assert fallbacks == []
    assert '<html lang="zgh" dir="ltr">' in html and 'hreflang="zgh"' not in html
    french = (data_dir / "public" / "site" / "index.html").read_text(encoding="utf-8")
    assert '<a href="zgh.html" lang="zgh" hreflang="zgh">ⵜⴰⵎⴰⵣⵉⵖⵜ</a>' in french  # the switcher


def test_the_data_package_carries_tamazight_titles_beside_the_french(data_dir):
    import json

    package = json.loads((data_dir / "public" / "datapackage.json").read_text(encoding="utf-8"))
    assert package["title"].startswith("Idmaj")
    assert package["title_zgh"] == t("public.package_title", "zgh")
    assert TIFINAGH.search(package["description_zgh"]) and "< 10" in package["description_zgh"]
    assert "données de démonstration" in package["description_zgh"]  # a demonstration snapshot
    assert package["reviewed_zgh"] is is_reviewed("zgh")
    titled = {r["name"]: r.get("title_zgh") for r in package["resources"]}
    assert titled["beneficiaries_by_region"] == "ⵉⵎⵏⴼⴰⵄⵏ ⵙ ⵜⵎⵏⴰⴹⵜ"
    for name in site.TABLE_NAMES:
        if f"public.table_{name}" in catalog("zgh"):
            assert TIFINAGH.search(titled[name]), name


# --- The app's public page ---------------------------------------------------------------------

APP_TEXTS = """() => {
  const DRAWN_TITLES = '.gtitle, .xtitle, .ytitle, .legendtext';
  // Icons are ligatures of their English names ("download"), drawn as pictures when their
  // font applies (checked below): not words a reader sees. Streamlit marks them translate=no.
  const iconFonts = [...document.querySelectorAll('[translate="no"]')]
    .map(e => getComputedStyle(e).fontFamily);
  const hide = document.createElement('style');
  hide.textContent = '[translate="no"] { display: none !important; }';
  document.head.appendChild(hide);
  const texts = (selector) => [...document.querySelectorAll(selector)].map(e => e.textContent);
  const plots = [...document.querySelectorAll('.js-plotly-plot')];
  const figure = (plot) => [
    plot.layout?.title?.text, plot.layout?.xaxis?.title?.text, plot.layout?.yaxis?.title?.text,
    ...(plot.data || []).flatMap(trace => [trace.name, trace.hovertemplate,
                                           ...[].concat(trace.text || [])]),
  ].filter(Boolean).join(' | ');
  return {
    lang: document.documentElement.lang,
    dir: document.querySelector('[data-testid="stMain"]').dir,
    h1: document.querySelector('h1').innerText,
    labels: texts('[data-testid="stMetricLabel"]'), values: texts('[data-testid="stMetricValue"]'),
    plots: plots.map(figure),
    drawnTitles: plots.map(plot => [...plot.querySelectorAll(DRAWN_TITLES)]
                                   .map(e => e.textContent).join(' | ')),
    main: document.querySelector('[data-testid="stMain"]').innerText,
    sidebar: document.querySelector('[data-testid="stSidebar"]').innerText,
    iconFonts, icons: hide.remove(),
  };
}"""


@pytest.fixture(scope="module")
def server(data_dir) -> str:
    with running_server(data_dir) as url:
        yield url


@pytest.mark.parametrize("width", VIEWPORTS)
def test_the_public_page_speaks_tamazight_in_tifinagh(server, snapshot, browser, width):
    tables, _ = snapshot
    w, h = VIEWPORTS[width]
    context = browser.new_context(viewport={"width": w, "height": h}, locale="fr-MA")
    context.set_default_timeout(60_000)
    page = context.new_page()
    try:
        page.goto(f"{server}/public?lang=zgh")
        settle(page)
        page.locator(".js-plotly-plot").nth(4).wait_for()  # trends, map, placements, types
        page.wait_for_timeout(1000)
        shown = page.evaluate(APP_TEXTS)
        drawn = _drawn(page, "h1")
        main_height = page.evaluate(
            "document.querySelector('[data-testid=\"stMain\"]').scrollHeight"
        )
        page.set_viewport_size({"width": w, "height": max(h, main_height)})
        page.wait_for_timeout(1500)  # charts redraw at the new size
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"tamazight-public-{width}.png"), full_page=True)
    finally:
        context.close()
    assert (shown["lang"], shown["dir"]) == ("zgh", "ltr")
    assert drawn, "Tifinagh letters are drawn as boxes: install fonts-noto-core"
    assert shown["iconFonts"] and all("Material" in f for f in shown["iconFonts"]), "icons"
    assert TIFINAGH.search(shown["h1"])
    assert shown["labels"] and all(TIFINAGH.search(label) for label in shown["labels"])
    assert any(GROUPED.search(value) and "MAD" in value for value in shown["values"])
    assert len(shown["plots"]) == 5, "two trends, the map, placements, interventions"
    for plot, drawn_titles in zip(shown["plots"], shown["drawnTitles"], strict=True):
        assert TIFINAGH.search(plot), plot  # title, axes, legend and tooltips
        assert TIFINAGH.search(drawn_titles or ""), drawn_titles
    map_figure = shown["plots"][2]
    assert "ⴷⴷⴰⵔ ⵍⴱⵉⴹⴰ - ⵙⵟⵟⴰⵜ" in map_figure  # the regions' names in the map's tooltips
    assert (t("public.unreviewed", "zgh") in shown["main"]) is not is_reviewed("zgh")
    allowed = _allowed_latin(tables)
    assert _interface_words(shown["main"], allowed) == []
    assert _interface_words(shown["sidebar"], allowed) == []
