"""Every page in headless Chromium against a real `streamlit run app.py` server.

One server (its own copy of the demo warehouse: DuckDB lets one process hold a file it writes)
and one browser for the module; each test opens a fresh browser context, i.e. a new session.
Full-page screenshots go to tests/artifacts/<page>.png (git-ignored).

The first test opens /sources before any other page: on a fresh server, Streamlit runs that
first request's page file on its own ("pages directory" mode) and ``ui.start_page`` must hand
it back to app.py. Keep it first.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect, sync_playwright

from lib.charts import NONE_COLOUR
from tests.e2e.server import running_server

pytestmark = pytest.mark.e2e

REPO = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO / "tests" / "artifacts"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
STARTUP_TIMEOUT = 60  # seconds, until /_stcore/health answers ok
TIMEOUT_MS = 30_000  # one page's wait for an element
VIEWPORT = {"width": 1400, "height": 1000}

# page -> (URL path, French title)
PAGES = {
    "overview": ("/", "Vue d'ensemble"),
    "budgets": ("/budgets", "Budgets"),
    "regions": ("/regions", "Régions"),
    "placements": ("/placements", "Placements en entreprise"),
    "interventions": ("/interventions", "Interventions des CAPC"),
    "sources": ("/sources", "Sources et méthode"),
}
ERROR_TEXTS = ("Traceback", "This app has encountered an error")

if not CHROMIUM.exists() and not os.environ.get("CI"):
    pytest.skip(
        f"{CHROMIUM} is missing (apt-get install chromium, or `make browser`); "
        "with CI set this is a failure",
        allow_module_level=True,
    )


# --- the server and the browser ------------------------------------------------------------


@pytest.fixture(scope="session")
def server(warehouse_dir, tmp_path_factory) -> str:
    """`streamlit run app.py` on a free port, on its own copy of the demo warehouse."""
    data_dir = tmp_path_factory.mktemp("e2e-data")
    shutil.copy2(warehouse_dir / "idmaj.duckdb", data_dir / "idmaj.duckdb")
    with running_server(data_dir) as url:
        yield url


@pytest.fixture(scope="module")
def browser_context(server):
    """One Chromium and one context for the module: its HTTP cache keeps Streamlit's scripts."""
    if not CHROMIUM.exists():
        pytest.fail(f"CI is set and {CHROMIUM} is missing: install Debian's chromium")
    # expect() waits 5 s by default: too short for Plotly on a busy 2-core machine.
    expect.set_options(timeout=TIMEOUT_MS)
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        # The app speaks the browser's language: French here, as the titles checked below.
        context = chromium.new_context(viewport=VIEWPORT, locale="fr-MA", base_url=server)
        context.set_default_timeout(TIMEOUT_MS)
        yield context
        context.close()
        chromium.close()
    expect.set_options(timeout=None)  # back to Playwright's default for other modules


@pytest.fixture
def page(browser_context) -> Page:
    """A new tab: a new Streamlit session (sessions live on a tab's websocket)."""
    tab = browser_context.new_page()
    yield tab
    tab.close()


# --- helpers --------------------------------------------------------------------------------


def open_path(page: Page, path: str, charts: bool = True) -> Page:
    """Open ``path`` and wait until Streamlit has drawn the page and stopped running."""
    page.goto(path)
    settle(page, charts)
    return page


def settle(page: Page, charts: bool = True) -> None:
    """The title is drawn, the script has stopped, and no element is still a placeholder.

    Elements whose code is still loading (Plotly, metrics...) show as skeletons until then;
    ``charts=False`` waits for the metric tiles only, which is quicker on a loaded machine.
    """
    page.locator("h1").first.wait_for()
    page.locator('[data-testid="stApp"][data-test-script-state="notRunning"]').wait_for()
    expect(page.locator('[data-testid="stStatusWidget"]')).to_have_count(0)
    if charts:
        expect(page.locator('[data-testid="stSkeleton"]')).to_have_count(0)
    else:
        page.locator('[data-testid="stMetricValue"]').first.wait_for()
    page.wait_for_timeout(300)


def assert_no_error(page: Page) -> None:
    assert page.locator('[data-testid="stException"]').count() == 0
    assert page.locator('[data-testid="stAlertContentError"]').count() == 0
    body = page.locator("body").inner_text()
    for text in ERROR_TEXTS:
        assert text not in body


def full_screenshot(page: Page, name: str) -> Path:
    """The whole page, not only the viewport: Streamlit scrolls inside stMain, not the body."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    height = page.evaluate("() => document.querySelector('[data-testid=\"stMain\"]').scrollHeight")
    page.set_viewport_size({"width": VIEWPORT["width"], "height": max(height, VIEWPORT["height"])})
    page.wait_for_timeout(500)  # charts redraw at the new size
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    page.set_viewport_size(VIEWPORT)
    return path


def metric_values(page: Page) -> list[str]:
    return page.locator('[data-testid="stMetricValue"]').all_inner_texts()


def _hex(colour: str) -> tuple[int, int, int]:
    return tuple(int(colour[i : i + 2], 16) for i in (1, 3, 5))


# --- tests ----------------------------------------------------------------------------------


def test_first_request_naming_a_page_goes_through_app_py(page):
    """Must run first on the server (see the module docstring)."""
    open_path(page, "/sources")
    expect(page.locator("h1")).to_have_text("Sources et méthode")
    assert page.url.endswith("/sources")
    # app.py ran: its navigation lists every page, and its sidebar footer is there.
    nav = page.locator('[data-testid="stSidebarNavLink"]').all_inner_texts()
    for _path, title in PAGES.values():
        assert any(link.endswith(title) for link in nav), (title, nav)
    expect(page.locator('[data-testid="stSidebar"]')).to_contain_text("données de démonstration")
    assert_no_error(page)


def check_overview(page: Page) -> None:
    """The published 2019 figures on the tiles."""
    values = metric_values(page)
    assert values[:3] == ["13,5\xa0M\xa0MAD", "478", "28\u202f243\xa0MAD"], values
    assert "10" in values and "453" in values, values
    expect(page.locator('[data-testid="stMetricDelta"]').first).to_have_text("+67\xa0%")


def check_regions(page: Page) -> None:
    """The map draws: twelve region shapes (SVG, no tile server), two of them in sand."""
    chart = page.locator('[data-testid="stPlotlyChart"]').first
    regions = chart.locator(".scatterlayer path.js-fill")  # not the legend's swatch
    expect(regions).to_have_count(12)
    box = chart.bounding_box()
    assert box and box["width"] > 300 and box["height"] > 300, box
    fills = [regions.nth(i).evaluate("e => getComputedStyle(e).fill") for i in range(12)]
    sand = "rgb({}, {}, {})".format(*_hex(NONE_COLOUR))
    # The two regions without beneficiaries in 2019 are filled in sand, the ten others in blue.
    assert fills.count(sand) == 2, fills
    blue = [f for f in fills if f != sand]
    assert all(int(f[4:-1].split(",")[2]) > int(f[4:-1].split(",")[0]) for f in blue), blue


def check_sources(page: Page) -> None:
    assert page.locator('[data-testid="stDataFrame"]').count() == 3
    expect(page.locator('[data-testid="stMetricValue"]')).to_have_text("25 / 25")


PAGE_CHECKS = {"overview": check_overview, "regions": check_regions, "sources": check_sources}


@pytest.mark.parametrize("name", list(PAGES))
def test_page_loads_with_title_figures_and_no_error(page, name):
    path, title = PAGES[name]
    open_path(page, path)
    expect(page.locator("h1")).to_have_text(title)
    if name == "sources":  # tables, no chart
        expect(page.locator('[data-testid="stDataFrame"]').first).to_be_visible()
    else:
        expect(page.locator('[data-testid="stPlotlyChart"] .js-plotly-plot').first).to_be_visible()
    # The demo badge (st.badge) under the title.
    badge = page.locator('[data-testid="stMain"]').get_by_text("données de démonstration")
    expect(badge.first).to_be_visible()
    if name in PAGE_CHECKS:
        PAGE_CHECKS[name](page)
    assert_no_error(page)
    full_screenshot(page, name)


def test_a_link_with_a_year_opens_that_year(page):
    open_path(page, "/?year=2018", charts=False)
    assert metric_values(page)[:2] == ["8,1\xa0M\xa0MAD", "270"]
    year = page.locator('[data-testid="stSidebar"]').get_by_role("combobox", name="Année")
    expect(year).to_have_value("2018")
    assert page.url.endswith("/?year=2018")
    assert_no_error(page)


def test_a_bad_link_shows_a_warning_and_the_default_view(page):
    open_path(page, "/?year=abc", charts=False)
    warning = page.locator('[data-testid="stAlertContentWarning"]')
    expect(warning).to_have_count(1)
    expect(warning).to_contain_text("L'année « abc » du lien n'est pas valide")
    assert metric_values(page)[:2] == ["13,5\xa0M\xa0MAD", "478"]
    assert "year=abc" not in page.url  # the ignored parameter left the address bar
    assert_no_error(page)
