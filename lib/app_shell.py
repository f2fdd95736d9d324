"""What app.py needs: the page list for this session, the mode banner, the sidebar footer.

Kept out of app.py so the router stays a few lines and this logic can be tested.
"""

from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import streamlit as st

from lib import queries
from lib.build import ensure_warehouse
from lib.config import REPO_DIR, get_settings
from lib.i18n import DEFAULT_LANGUAGE, LANGUAGES, t
from lib.publish import ensure_public_snapshot
from lib.ui import ROUTED

PAGES_DIR = REPO_DIR / "pages"


@dataclass(frozen=True)
class PageSpec:
    file: str
    title_key: str
    icon: str
    section: str  # i18n key of the navigation section


INTERNAL_PAGES = (
    PageSpec("overview.py", "nav.overview", ":material/dashboard:", "nav.section_dashboard"),
    PageSpec("budgets.py", "nav.budgets", ":material/payments:", "nav.section_dashboard"),
    PageSpec("regions.py", "nav.regions", ":material/map:", "nav.section_dashboard"),
    PageSpec("placements.py", "nav.placements", ":material/work:", "nav.section_dashboard"),
    PageSpec(
        "interventions.py", "nav.interventions", ":material/support_agent:", "nav.section_dashboard"
    ),
    PageSpec("simulator.py", "nav.simulator", ":material/calculate:", "nav.section_analysis"),
    PageSpec("sources.py", "nav.sources", ":material/menu_book:", "nav.section_about"),
)
PUBLIC_PAGES = (PageSpec("public.py", "nav.public", ":material/public:", "nav.section_public"),)


def _ensure_language() -> None:
    if st.session_state.get("lang") not in LANGUAGES:
        st.session_state["lang"] = DEFAULT_LANGUAGE


def _page(spec: PageSpec, default: bool = False) -> st.Page:
    return st.Page(
        Path(PAGES_DIR / spec.file),
        title=t(spec.title_key),
        icon=spec.icon,
        url_path=Path(spec.file).stem,
        default=default,
    )


def pages_for_session() -> dict[str, list[st.Page]]:
    """The pages this session may open, grouped in navigation sections."""
    _ensure_language()
    settings = get_settings()
    if settings.is_public_only:  # never opens the warehouse
        return {t(spec.section): [_page(spec, default=True)] for spec in PUBLIC_PAGES}
    ensure_warehouse(settings)
    ensure_public_snapshot(settings)
    sections: dict[str, list[st.Page]] = {}
    for index, spec in enumerate(INTERNAL_PAGES + PUBLIC_PAGES):
        sections.setdefault(t(spec.section), []).append(_page(spec, default=index == 0))
    return sections


@contextmanager
def routing():
    """Mark the page run as started by app.py (see ``ui.start_page``)."""
    st.session_state[ROUTED] = True
    try:
        yield
    finally:
        st.session_state[ROUTED] = False


def sidebar_footer() -> None:
    if get_settings().is_public_only:
        return
    with st.sidebar:
        if queries.holds_demo_records():
            st.caption(t("common.demo_footer"))
