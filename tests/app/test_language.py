"""AppTest: the interface language: from the URL, the browser, or the sidebar; Arabic is RTL."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

from lib.i18n import t

APP = str(Path(__file__).resolve().parents[2] / "app.py")


def _app(locale: str | None = None, lang: str | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=30)
    if locale:
        at.context["locale"] = locale
    if lang:
        at.query_params["lang"] = lang
    return at.run()


def _title(at: AppTest) -> str:
    return at.title[0].value


def test_french_by_default():
    assert _title(_app()) == t("overview.title", "fr")


def test_the_browser_language_is_used_when_it_is_one_of_ours():
    assert len({t("overview.title", lang) for lang in ("fr", "ar", "en")}) == 3
    assert _title(_app(locale="ar-MA")) == t("overview.title", "ar")
    assert _title(_app(locale="en-GB")) == t("overview.title", "en")
    assert _title(_app(locale="de-DE")) == t("overview.title", "fr")


def test_the_url_wins_over_the_browser():
    at = _app(locale="ar-MA", lang="en")
    assert _title(at) == t("overview.title", "en")


def test_a_bad_language_in_the_url_gives_a_message():
    at = _app(lang="xx")
    assert not at.exception
    assert any("xx" in warning.value for warning in at.warning)
    assert _title(at) == t("overview.title", "fr")


def test_the_sidebar_switches_language_and_keeps_it_in_the_url():
    at = _app()
    at.segmented_control(key="lang_choice").set_value("ar").run()
    assert _title(at) == t("overview.title", "ar")
    assert at.query_params.get("lang") in ("ar", ["ar"])


def test_arabic_is_laid_out_right_to_left_with_numbers_in_arabic_style():
    at = _app(lang="ar")
    assert any("direction: rtl" in block.value for block in at.get("html"))
    budget = at.metric[0].value
    assert "مليون" in budget  # 13,5 مليون د.م.
    french = _app()
    assert not any("direction: rtl" in block.value for block in french.get("html"))


TITLE_KEYS = {
    "budgets": "budgets.title",
    "regions": "regions.title",
    "placements": "placements.title",
    "interventions": "interventions.title",
    "simulator": "sim.title",
    "sources": "sources.title",
    "public": "public.title",
}


def test_every_page_renders_in_every_language():
    for lang in ("ar", "en"):
        for page, key in TITLE_KEYS.items():
            at = _app(lang=lang)
            at.switch_page(f"pages/{page}.py").run()
            assert not at.exception, (lang, page)
            assert at.title[0].value == t(key, lang), (lang, page)
