"""Every app page in headless Chromium, on a desktop (1440x900) and a phone (390x844), in French,
Arabic and English: no chart's marks leave their frame, no chart's title or legend is cut or
covered, the page never scrolls sideways, text in Arabic is aligned to the right, the document
says its language and title, nothing is fetched from another host, and axe-core finds no
accessibility violation the project controls.

Full-page screenshots go to tests/artifacts/layout/<page>-<lang>-<width>.png (git-ignored): look
at them; a page that passes and looks broken is broken.

axe-core is pinned and installed from the npm registry by ``sh tests/tools/install_axe.sh``
(into .venv/node); without it the axe checks are skipped with a message saying so.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path
from urllib.parse import urlparse

import pytest
from playwright.sync_api import expect, sync_playwright

from lib import auth
from lib.config import get_settings
from lib.i18n import t
from lib.warehouse import db
from lib.warehouse.build import build
from tests.e2e.server import CHROMIUM, CHROMIUM_ARGS, REPO, running_server, settle
from tests.small_records import small_records

pytestmark = pytest.mark.e2e

ARTIFACTS = REPO / "tests" / "artifacts" / "layout"
AXE = Path(os.environ.get("IDMAJ_AXE", REPO / ".venv/node/node_modules/axe-core/axe.min.js"))
VIEWPORTS = {"desktop": {"width": 1440, "height": 900}, "phone": {"width": 390, "height": 844}}
PAGES = {  # page -> its address (the default page lives at /)
    "overview": "/",
    "budgets": "/budgets",
    "regions": "/regions",
    "placements": "/placements",
    "interventions": "/interventions",
    "simulator": "/simulator",
    "sources": "/sources",
    "public": "/public",
    "data_admin": "/data_admin",
}
TOLERANCE = 1.5  # px: anti-aliasing and sub-pixel borders
# Violations in Streamlit's own markup, which the app cannot change (rule -> the element that
# holds them). Anything else axe reports fails the test.
STREAMLIT_OWN = {
    # The sidebar's page list is a <ul> whose items Streamlit wraps in <div>s.
    "list": '[data-testid="stSidebarNavItems"]',
    "listitem": '[data-testid="stSidebarNavItems"]',
    # The upload box is a <section role="presentation" tabindex="-1">: focusable presentation.
    "presentation-role-conflict": '[data-testid="stFileUploaderDropzone"]',
}

if not CHROMIUM.exists() and not os.environ.get("CI"):
    pytest.skip(f"{CHROMIUM} is missing; with CI set this is a failure", allow_module_level=True)


# --- the server and the browser ------------------------------------------------------------


@pytest.fixture(scope="module")
def server(warehouse_dir, tmp_path_factory) -> str:
    data_dir = tmp_path_factory.mktemp("e2e-layout")
    shutil.copy2(warehouse_dir / "idmaj.duckdb", data_dir / "idmaj.duckdb")
    with running_server(data_dir) as url:
        yield url


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.exists():
        pytest.fail(f"CI is set and {CHROMIUM} is missing: install Debian's chromium")
    expect.set_options(timeout=30_000)
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()
    expect.set_options(timeout=None)


@pytest.fixture(scope="module")
def contexts(browser, server):
    """One context per screen, kept for the module (its cache keeps Streamlit's scripts)."""
    made = {}
    for name, viewport in VIEWPORTS.items():
        made[name] = browser.new_context(viewport=viewport, locale="fr-MA", base_url=server)
        made[name].set_default_timeout(30_000)
    yield made
    for context in made.values():
        context.close()


def open_page(context, path: str, lang: str):
    """A new tab (a new session) on ``path`` in ``lang``, drawn and settled, and the addresses
    of every request it made."""
    page = context.new_page()
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    page.goto(f"{path}?lang={lang}")
    settle(page)
    charts = page.locator('[data-testid="stPlotlyChart"]')
    for index in range(charts.count()):
        charts.nth(index).locator(".main-svg").first.wait_for(state="attached")
    page.wait_for_timeout(600)  # Plotly's last resize to its column
    return page, requests


# --- what is checked in the page -----------------------------------------------------------

MARKS_OUTSIDE = """() => {
  // Every drawn mark of every chart (bars, points, lines, map regions, slices) against its
  // chart's box, and every chart against the viewport.
  const marks = 'g.trace path, g.points path, path.js-fill, path.js-line, g.slice path';
  const problems = [];
  document.querySelectorAll('[data-testid="stPlotlyChart"]').forEach((chart, index) => {
    const box = chart.getBoundingClientRect();
    if (box.right > window.innerWidth + TOLERANCE || box.left < -TOLERANCE)
      problems.push(`chart ${index}: ${box.left}..${box.right} outside the viewport`);
    let count = 0;
    chart.querySelectorAll(marks).forEach(mark => {
      const r = mark.getBoundingClientRect();
      if (r.width === 0 && r.height === 0) return;  // an empty bar, a hidden trace
      count += 1;
      if (r.left < box.left - TOLERANCE || r.right > box.right + TOLERANCE ||
          r.top < box.top - TOLERANCE || r.bottom > box.bottom + TOLERANCE)
        problems.push(`chart ${index}: a mark ${Math.round(r.left)}..${Math.round(r.right)} x ` +
                      `${Math.round(r.top)}..${Math.round(r.bottom)} leaves ` +
                      `${Math.round(box.left)}..${Math.round(box.right)} x ` +
                      `${Math.round(box.top)}..${Math.round(box.bottom)}`);
    });
    if (count === 0) problems.push(`chart ${index}: no mark drawn`);
  });
  return problems;
}""".replace("TOLERANCE", str(TOLERANCE))

# Each chart's title and legend: inside the chart's frame (not cut at an edge) and apart.
TITLE_AND_LEGEND = """() => {
  const T = TOLERANCE;
  const inside = (r, box) => r.left >= box.left - T && r.right <= box.right + T &&
                             r.top >= box.top - T && r.bottom <= box.bottom + T;
  const meet = (a, b) => a.left < b.right - T && b.left < a.right - T &&
                         a.top < b.bottom - T && b.top < a.bottom - T;
  const problems = [];
  document.querySelectorAll('[data-testid="stPlotlyChart"]').forEach((chart, index) => {
    const box = chart.getBoundingClientRect();
    const title = chart.querySelector('.g-gtitle');
    const legend = chart.querySelector('g.legend');
    const words = title ? title.textContent.trim().slice(0, 30) : '';
    const t = words ? title.getBoundingClientRect() : null;
    const drawn = legend ? legend.getBoundingClientRect() : null;
    const l = drawn && drawn.width ? drawn : null;
    if (t && !inside(t, box)) problems.push(`chart ${index}: its title «${words}» is cut`);
    if (l && !inside(l, box)) problems.push(`chart ${index}: its legend is cut`);
    if (t && l && meet(t, l)) problems.push(`chart ${index}: its legend covers «${words}»`);
  });
  return problems;
}""".replace("TOLERANCE", str(TOLERANCE))

# Chart text drawn on the white page (titles, axes, legends, colour keys) and its contrast:
# axe-core does not measure SVG text.
CHART_TEXT = """() => {
  const text = '.gtitle, .g-gtitle text, .g-xtitle text, .g-ytitle text, .xtick text, ' +
               '.ytick text, .legendtext, .cbtitle text, .cbaxis text';
  const luminance = rgb => {
    const [r, g, b] = rgb.match(/\\d+/g).slice(0, 3).map(Number).map(v => v / 255)
      .map(v => v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4);
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  };
  const low = [];
  document.querySelectorAll(`[data-testid="stPlotlyChart"] :is(${text})`).forEach(e => {
    if (!e.textContent.trim()) return;
    const ratio = 1.05 / (luminance(getComputedStyle(e).fill) + 0.05);
    const words = e.textContent.slice(0, 30);
    if (ratio < 4.5) low.push(`chart text «${words}» at ${ratio.toFixed(2)}:1`);
  });
  return low;
}"""

SIDEWAYS = """() => {
  const main = document.querySelector('[data-testid="stMain"]');
  const widest = Math.max(document.documentElement.scrollWidth, main.scrollWidth);
  return widest - window.innerWidth;
}"""

# Text of the page (not inside a chart, a table or a control) and how it is aligned.
ALIGNMENT = """() => {
  const text = 'h1, h2, h3, [data-testid="stCaptionContainer"], ' +
               '[data-testid="stMarkdownContainer"] p, [data-testid="stMarkdownContainer"] li';
  const skip = '.js-plotly-plot, [data-testid="stDataFrame"], button, label, ' +
               '[data-testid="stMetric"], [data-testid="stExpander"] summary, [role="dialog"]';
  const rows = [];
  for (const area of ['stMain', 'stSidebarContent']) {
    document.querySelectorAll(`[data-testid="${area}"] :is(${text})`).forEach(element => {
      if (element.closest(skip) || !element.textContent.trim()) return;
      const style = getComputedStyle(element);
      const r = element.getBoundingClientRect();
      if (r.width === 0) return;  // hidden, or in the collapsed sidebar
      const words = document.createRange();
      words.selectNodeContents(element);
      const inked = words.getBoundingClientRect();
      rows.push({
        tag: element.tagName, text: element.textContent.trim().slice(0, 40),
        align: style.textAlign, direction: style.direction,
        gapRight: r.right - inked.right, gapLeft: inked.left - r.left,
      });
    });
  }
  return rows;
}"""

AXE_RUN = """async (own) => {
  const result = await axe.run(document, {resultTypes: ['violations']});
  const ours = [];
  for (const violation of result.violations) {
    for (const node of violation.nodes) {
      const element = document.querySelector(node.target[0]);
      const holder = own[violation.id];
      if (holder && element && element.closest(holder)) continue;
      ours.push(`${violation.id} (${violation.impact}): ${node.html.slice(0, 160)}`);
    }
  }
  return ours;
}"""


def right_aligned_problems(page) -> list[str]:
    """Arabic text that is not aligned to the right of its box (computed style and ink)."""
    rows = page.evaluate(ALIGNMENT)
    problems = [] if any(row["tag"] == "H1" for row in rows) else ["no title found to check"]
    for row in rows:
        styled_right = row["align"] in ("right", "end") or (
            row["align"] == "start" and row["direction"] == "rtl"
        )
        if row["direction"] != "rtl" or not styled_right:
            problems.append(f"{row['tag']} «{row['text']}»: {row['align']}, {row['direction']}")
        elif row["tag"] in ("H1", "H2") and row["gapRight"] > row["gapLeft"] + TOLERANCE:
            problems.append(f"{row['tag']} «{row['text']}» is drawn on the left")
    return problems


def outside_requests(requests: list[str], base_url: str) -> list[str]:
    home = urlparse(base_url).netloc
    return sorted(
        {
            url
            for url in requests
            if urlparse(url).scheme in ("http", "https", "ws", "wss")
            and urlparse(url).netloc != home
        }
    )


def full_screenshot(page, name: str, width: int) -> None:
    """The whole page (Streamlit scrolls inside stMain, not the body), then the viewport back."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    viewport = page.viewport_size
    height = page.evaluate("() => document.querySelector('[data-testid=\"stMain\"]').scrollHeight")
    page.set_viewport_size({"width": width, "height": max(height, viewport["height"])})
    page.wait_for_timeout(700)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
    page.set_viewport_size(viewport)


def document_problems(page, lang: str, name: str) -> list[str]:
    """The tab's title, <html lang>, the main area's direction, a local page icon and one
    description in the page's language."""
    problems = []
    title = page.title()
    title_page = t(f"nav.{name}", lang)
    if title != t("nav.document_title", lang, page=title_page):
        problems.append(f"title {title!r}")
    state = page.evaluate(
        """() => [document.documentElement.lang,
                  document.querySelector('[data-testid="stMain"]').dir,
                  Array.from(document.querySelectorAll('link[rel~="icon"]')).map(l => l.href),
                  Array.from(document.querySelectorAll('meta[name="description"]'))
                    .map(m => m.content)]"""
    )
    if state[3] != [t("site.description", lang)]:
        problems.append(f"description {state[3]}")
    if state[0] != lang:
        problems.append(f'<html lang="{state[0]}">')
    if state[1] != ("rtl" if lang == "ar" else "ltr"):
        problems.append(f'main dir="{state[1]}"')
    base = urlparse(page.url).netloc
    if not state[2] or any(urlparse(href).netloc != base for href in state[2]):
        problems.append(f"icon {state[2]}")
    return problems


# --- tests ---------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["fr", "ar", "en"])
@pytest.mark.parametrize("screen", list(VIEWPORTS))
@pytest.mark.parametrize("name", list(PAGES))
def test_page_fits_the_screen_in_its_language(contexts, server, name, screen, lang):
    page, requests = open_page(contexts[screen], PAGES[name], lang)
    problems = page.evaluate(MARKS_OUTSIDE) + page.evaluate(CHART_TEXT)
    problems += page.evaluate(TITLE_AND_LEGEND)
    sideways = page.evaluate(SIDEWAYS)
    if sideways > TOLERANCE:
        problems.append(f"the page scrolls {sideways}px sideways")
    if lang == "ar":
        problems += right_aligned_problems(page)
    problems += document_problems(page, lang, name)
    problems += [f"request to {url}" for url in outside_requests(requests, server)]
    if page.locator('[data-testid="stException"], [role="dialog"]').count():
        problems.append("an exception or a dialog on the page")
    if lang in ("fr", "ar") and AXE.exists():
        page.add_script_tag(path=str(AXE))
        problems += [f"axe: {found}" for found in page.evaluate(AXE_RUN, STREAMLIT_OWN)]
    full_screenshot(page, f"{name}-{lang}-{VIEWPORTS[screen]['width']}", VIEWPORTS[screen]["width"])
    page.close()
    assert not problems, json.dumps(problems, ensure_ascii=False, indent=1)


def test_axe_core_is_installed():
    """The axe checks above are skipped without it: say so rather than pass quietly."""
    if not AXE.exists():
        pytest.skip(f"axe-core is missing ({AXE}): run `sh tests/tools/install_axe.sh`")


def test_a_bookmark_of_the_default_page_opens_it(contexts):
    """/overview (a bookmark of the overview) opens the overview at / with the link's
    parameters, not Streamlit's "Page not found" dialog."""
    page = contexts["desktop"].new_page()
    page.goto("/overview?year=2018&lang=ar")
    settle(page)
    expect(page.locator("h1")).to_have_text(t("overview.title", "ar"))
    assert page.locator('[role="dialog"]').count() == 0
    assert urlparse(page.url).path == "/"
    assert "year=2018" in page.url and "lang=ar" in page.url
    page.close()


def test_changing_language_changes_the_documents_language(contexts):
    page = contexts["desktop"].new_page()
    page.goto("/budgets")
    settle(page)
    assert page.evaluate("() => document.documentElement.lang") == "fr"
    page.locator('[data-testid="stSidebar"]').get_by_text("العربية").click()
    expect(page.locator("h1")).to_have_text(t("budgets.title", "ar"))
    settle(page)
    assert page.evaluate("() => document.documentElement.lang") == "ar"
    assert page.title() == t("nav.document_title", "ar", page=t("nav.budgets", "ar"))
    page.close()


# --- the sign-in page (production mode only) -----------------------------------------------


@pytest.fixture(scope="module")
def production_server(tmp_path_factory):
    data_dir = tmp_path_factory.mktemp("e2e-layout-production")
    records = small_records()
    records["beneficiary"].loc[0, "is_demo"] = False
    build(get_settings(data_dir=data_dir), records=records)
    db.close_all()
    secrets = data_dir / "secrets.toml"
    auth.add_user("karim", "gestion", "correct-horse-battery", secrets)
    with running_server(data_dir, "--secrets.files", str(secrets)) as url:
        yield url


@pytest.mark.parametrize("lang", ["fr", "ar"])
@pytest.mark.parametrize("screen", list(VIEWPORTS))
def test_the_sign_in_page_fits_and_passes_axe(browser, production_server, screen, lang):
    context = browser.new_context(viewport=VIEWPORTS[screen], base_url=production_server)
    page, requests = open_page(context, "/login", lang)
    problems = document_problems(page, lang, "login")
    problems += [f"request to {url}" for url in outside_requests(requests, production_server)]
    if lang == "ar":
        problems += right_aligned_problems(page)
    if AXE.exists():
        page.add_script_tag(path=str(AXE))
        problems += [f"axe: {found}" for found in page.evaluate(AXE_RUN, STREAMLIT_OWN)]
    full_screenshot(page, f"login-{lang}-{VIEWPORTS[screen]['width']}", VIEWPORTS[screen]["width"])
    context.close()
    assert not problems, json.dumps(problems, ensure_ascii=False, indent=1)
