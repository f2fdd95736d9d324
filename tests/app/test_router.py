"""app.py routes every page run: the guard ``blocks.start_page`` hands unrouted runs to app.py."""

from __future__ import annotations

import pytest
from streamlit.runtime.pages_manager import PagesManager
from streamlit.testing.v1 import AppTest

from lib.ui import blocks
from lib.warehouse import queries
from tests.app.helpers import PAGES, REPO, assert_clean, fr, new_app, texts

TITLES = {
    "overview": "Vue d'ensemble",
    "budgets": "Budgets",
    "regions": "Régions",
    "placements": "Placements en entreprise",
    "interventions": "Interventions des CAPC",
    "sources": "Sources et méthode",
}


@pytest.fixture
def guard_calls(monkeypatch) -> list[tuple[bool, bool | None]]:
    """(routed by app.py?, pages-directory mode?) at each call of blocks.start_page."""

    calls = []
    original = blocks.start_page

    def spy():
        calls.append((blocks.is_routed(), PagesManager.uses_pages_directory))
        return original()

    monkeypatch.setattr(blocks, "start_page", spy)
    return calls


def test_switch_page_opens_every_page_through_app_py(guard_calls):
    at = new_app().run()
    assert texts(at.title) == [TITLES["overview"]]
    assert guard_calls == [(True, False)]  # app.py's default page: routed at once
    for page in PAGES:
        guard_calls.clear()
        at.switch_page(f"pages/{page}.py").run()
        assert_clean(at)
        assert texts(at.title) == [TITLES[page]], page
        # AppTest puts Streamlit back in pages-directory mode before every run (a server does
        # so only once, at its start): the page may first run alone, unrouted, then through
        # app.py. Whatever the path, the call that renders is the one app.py routed.
        assert guard_calls[-1] == (True, False), page
        assert set(guard_calls[:-1]) <= {(False, True)}, page
        # app.py ran around the page: its sidebar footer is there.
        assert fr("common.demo_footer") in texts(at.sidebar.caption), page


@pytest.mark.parametrize("page", [page for page in PAGES if page != "overview"])
def test_first_request_naming_a_page_is_routed_through_app_py(page, guard_calls):
    """A session whose first request names a page (``/regions``) before app.py ever ran.

    AppTest starts each run in Streamlit's pages-directory mode (a ``pages/`` folder exists
    next to app.py), as a fresh server does, so switching page before the first run makes
    Streamlit run the page file on its own: the guard must switch that mode off and hand the
    run to app.py, which routes to the page.
    """
    at = new_app()
    at.switch_page(f"pages/{page}.py")
    at.run()
    assert_clean(at)
    # First call: the page alone, in pages-directory mode; second: through app.py.
    assert guard_calls == [(False, True), (True, False)]
    assert texts(at.title) == [TITLES[page]]
    assert fr("common.demo_footer") in texts(at.sidebar.caption)


def test_a_page_run_as_the_main_script_never_renders_unrouted(guard_calls, monkeypatch):
    """``pages/sources.py`` as AppTest's main script: app.py never ran before it.

    Whatever the guard does with such a run (hand it to app.py, which then shows a page of
    its own choosing, or rerun the script, which AppTest can only end at its timeout), the
    page's content must not be drawn outside app.py's routing.
    """

    content_calls: list[tuple[str, bool]] = []

    def spy(name, original):
        def wrapper(*args, **kwargs):
            content_calls.append((name, blocks.is_routed()))
            return original(*args, **kwargs)

        return wrapper

    monkeypatch.setattr(queries, "published_figures", spy("figures", queries.published_figures))
    monkeypatch.setattr(blocks, "page_header", spy("header", blocks.page_header))
    at = AppTest.from_file(str(REPO / "pages" / "sources.py"), default_timeout=30)
    at.context["locale"] = "fr-MA"
    try:
        at.run(timeout=10)
    except RuntimeError as error:  # a guard that reruns this very script loops until the timeout
        assert "timed out" in str(error)
        assert len(guard_calls) > 1
        assert not any(routed for routed, _ in guard_calls)
        assert content_calls == []
        return
    assert_clean(at)
    # The page ran first, unrouted; everything drawn came from a run app.py routed.
    assert guard_calls[0][0] is False
    assert all(routed for _name, routed in content_calls), content_calls
    assert ("header", True) in content_calls
    assert fr("common.demo_footer") in texts(at.sidebar.caption)
    assert texts(at.title)[0] in TITLES.values()
