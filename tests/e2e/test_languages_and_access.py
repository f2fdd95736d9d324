"""In headless Chromium: every page in Arabic is right to left with real Arabic letters and no
French left; English likewise; and a data officer signs in and out on a production warehouse."""

from __future__ import annotations

import os
import re
import shutil

import pytest
from playwright.sync_api import expect

from lib import auth, i18n
from lib.config import get_settings
from lib.warehouse import db
from lib.warehouse.build import build
from tests.e2e.server import CHROMIUM, REPO, chromium_context, running_server, settle
from tests.small_records import small_records

pytestmark = pytest.mark.e2e
ARTIFACTS = REPO / "tests" / "artifacts"
PAGES = (
    "",
    "budgets",
    "regions",
    "placements",
    "interventions",
    "simulator",
    "sources",
    "public",
    "data_admin",
)
PASSWORD = "correct-horse-battery"
# Data, not interface: names of sources and the words they quote stay as published.
PROPER_NOUNS = ("Libération", "MAP", "Idmaj", "Moussalaha", "Casablanca")

if not CHROMIUM.exists() and not os.environ.get("CI"):
    pytest.skip(f"{CHROMIUM} is missing; with CI set this is a failure", allow_module_level=True)


@pytest.fixture(scope="module")
def demo_server(warehouse_dir, tmp_path_factory):
    data_dir = tmp_path_factory.mktemp("e2e-languages")
    shutil.copy2(warehouse_dir / "idmaj.duckdb", data_dir / "idmaj.duckdb")
    with running_server(data_dir) as url:
        yield url


def _french_only_messages(lang: str) -> list[str]:
    """French interface sentences that the other language's catalog does not contain."""
    french, other = i18n.catalog("fr"), i18n.catalog(lang)
    texts = []
    for key, value in french.items():
        plain = re.sub(r"\{[^}]*\}", "\0", value)
        pieces = [p.strip(" .:;,«»()") for p in plain.split("\0")]
        texts += [p for p in pieces if len(p) >= 12 and p not in other.get(key, "")]
    return texts


def _arabic_draws_glyphs(page) -> bool:
    """Arabic text is measured wider than missing-glyph boxes would be, in the page's font."""
    return page.evaluate("""() => {
        const font = getComputedStyle(document.querySelector('h1')).font;
        const ctx = document.createElement('canvas').getContext('2d');
        ctx.font = font;
        const arabic = ctx.measureText('الإحصاءات العمومية').width;
        const boxes = ctx.measureText('\\uFFFF'.repeat(18)).width;
        return Math.abs(arabic - boxes) > 1;
    }""")


@pytest.mark.parametrize("lang", ["ar", "en"])
def test_every_page_in_the_language_with_no_french_left(demo_server, lang):
    french = _french_only_messages(lang)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with chromium_context(demo_server, locale="fr-MA") as context:
        for path in PAGES:
            page = context.new_page()
            page.goto(f"/{path}?lang={lang}")
            settle(page)
            main = page.locator('[data-testid="stMain"]')
            direction = main.evaluate("element => getComputedStyle(element).direction")
            assert direction == ("rtl" if lang == "ar" else "ltr"), (path, direction)
            text = page.locator("body").inner_text()
            for noun in PROPER_NOUNS:
                text = text.replace(noun, "")
            left = [sentence for sentence in french if sentence in text]
            assert not left, (lang, path or "overview", left[:5])
            if lang == "ar":
                assert _arabic_draws_glyphs(page), path
                axis = page.locator(".js-plotly-plot").first
                if axis.count():  # charts keep a left-to-right time axis
                    assert axis.evaluate("e => getComputedStyle(e).direction") == "ltr"
            page.screenshot(
                path=str(ARTIFACTS / f"{path or 'overview'}-{lang}.png"), full_page=True
            )
            page.close()


@pytest.fixture(scope="module")
def production_server(tmp_path_factory):
    data_dir = tmp_path_factory.mktemp("e2e-production")
    records = small_records()
    records["beneficiary"].loc[0, "is_demo"] = False
    build(get_settings(data_dir=data_dir), records=records)
    db.close_all()
    secrets = data_dir / "secrets.toml"
    auth.add_user("karim", "gestion", PASSWORD, secrets)
    with running_server(data_dir, "--secrets.files", str(secrets)) as url:
        yield url


def test_a_data_officer_signs_in_and_out(production_server):
    with chromium_context(production_server) as context:
        page = context.new_page()
        page.goto("/")
        settle(page)
        expect(page.locator("h1")).to_have_text("Statistiques publiques")
        page.goto("/overview")  # not registered for an anonymous visitor
        settle(page)
        expect(page.locator("h1")).to_have_text("Statistiques publiques")
        page.goto("/login")
        settle(page)
        page.get_by_label("Identifiant").fill("karim")
        page.get_by_label("Mot de passe").fill("not-the-password")
        page.get_by_role("button", name="Se connecter").click()
        expect(page.get_by_text("Identifiant ou mot de passe incorrect.")).to_be_visible()
        page.get_by_label("Identifiant").fill("karim")
        page.get_by_label("Mot de passe").fill(PASSWORD)
        page.get_by_role("button", name="Se connecter").click()
        expect(page.locator("h1")).to_have_text("Vue d'ensemble")
        settle(page)
        assert PASSWORD not in page.url and PASSWORD not in page.content()
        sidebar = page.locator('[data-testid="stSidebar"]')
        expect(sidebar).to_contain_text("Import des données")
        page.screenshot(path=str(ARTIFACTS / "signed-in.png"), full_page=True)
        sidebar.get_by_role("button", name="Se déconnecter").click()
        expect(page.get_by_text("Vous êtes déconnecté.")).to_be_visible()
        expect(page.locator("h1")).to_have_text("Statistiques publiques")
