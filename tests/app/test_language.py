"""AppTest: the interface language: from the URL, the browser, or the sidebar; Arabic is RTL;
Tamazight (zgh) is spoken by the public page only."""

from __future__ import annotations

import re
from pathlib import Path

from streamlit.testing.v1 import AppTest

from lib.i18n import is_reviewed, t

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


# --- Tamazight (zgh): the public page only; the other pages say they are shown in French ----

TIFINAGH = re.compile(r"[\u2d30-\u2d7f]")


def test_tamazight_is_offered_and_an_internal_page_says_it_is_shown_in_french():
    at = _app(lang="zgh")
    assert not at.exception
    assert "ⵜⴰⵎⴰⵣⵉⵖⵜ" in at.segmented_control(key="lang_choice").options
    assert _title(at) == t("overview.title", "fr")
    notice = " ".join(info.value for info in at.sidebar.info)
    assert t("nav.public_only", "zgh") in notice and t("nav.public_only", "fr") in notice
    assert any('data-lang="fr"' in block.value for block in at.get("html"))
    assert at.query_params.get("lang") in ("zgh", ["zgh"])


def test_the_public_page_speaks_tamazight_in_tifinagh_left_to_right():
    at = _app(lang="zgh")
    at.switch_page("pages/public.py").run()
    assert not at.exception
    assert _title(at) == t("public.title", "zgh")
    sidebar = " ".join(info.value for info in at.sidebar.info)
    assert t("nav.public_only", "zgh") not in sidebar  # the page speaks Tamazight
    assert t("auth.demo_banner", "zgh") in sidebar  # the sidebar too
    captions = [caption.value for caption in at.caption]
    assert (t("public.unreviewed", "zgh") in captions) is not is_reviewed("zgh")
    blocks = [block.value for block in at.get("html")]
    assert any('data-lang="zgh"' in b and 'data-dir="ltr"' in b for b in blocks)
    assert any('"Noto Sans Tifinagh"' in b for b in blocks)
    assert not any("direction: rtl" in b for b in blocks)
    tiles = [metric.label for metric in at.metric]
    assert tiles and all(TIFINAGH.search(label) for label in tiles), tiles
    assert any("\xa0MAD" in metric.value for metric in at.metric)  # Babel zgh_MA: 13 500 000 MAD


def test_a_filter_chosen_in_arabic_holds_when_the_page_changes():
    # Streamlit may format a choice outside the page's run: the label must stay Arabic.
    at = AppTest.from_file(APP, default_timeout=30)
    at.query_params["lang"] = "ar"
    at.query_params["sex"] = "F"
    at.run()
    at.switch_page("pages/budgets.py").run()
    assert not at.exception
    assert at.session_state["f_sexes"] == ["F"]
    assert at.multiselect(key="f_sexes").value == ["F"]
