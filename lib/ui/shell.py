"""What app.py needs: the page list for this session, the mode banner, the sidebar footer.

Kept out of app.py so the router stays a few lines and this logic can be tested.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

import streamlit as st

from lib import auth
from lib.config import REPO_DIR, SettingsError, get_settings
from lib.i18n import DEFAULT_LANGUAGE, LANGUAGES, current_language, is_rtl, t
from lib.public.publish import ensure_public_snapshot
from lib.ui import blocks, session
from lib.ui.text import escaped, said, url_params
from lib.warehouse import queries
from lib.warehouse.build import ensure_warehouse

PAGES_DIR = REPO_DIR / "pages"
log = logging.getLogger(__name__)

# Arabic reads right to left: text, sidebar, tables and tiles. Charts keep a left-to-right time
# axis, as Arabic-language statistical publications do. The browser draws Arabic letters with
# a system font (Debian's fonts-noto-core) where the theme's font has none.
# KPI tiles hold amounts such as "28 243 MAD": a smaller figure fits four tiles a row on a laptop.
BASE_CSS = """<style>
[data-testid="stMetricValue"] { font-size: 1.85rem; }
</style>"""
RTL_CSS = """<style>
[data-testid="stMain"], [data-testid="stSidebar"], [data-testid="stSidebarContent"] {
  direction: rtl; text-align: right; }
.js-plotly-plot, .js-plotly-plot *, .maplibregl-map { direction: ltr; }
[data-testid="stDataFrame"] { direction: rtl; }
[data-testid="stMetricValue"], [data-testid="stMetricDelta"] { direction: rtl; }
</style>"""


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
ADMIN_PAGES = (
    PageSpec("data_admin.py", "nav.data_admin", ":material/upload_file:", "nav.section_admin"),
)
SIGN_IN = PageSpec("login.py", "nav.login", ":material/login:", "nav.section_account")


LANGUAGE_NAMES = {"fr": "Français", "ar": "العربية", "en": "English"}


def _browser_language() -> str | None:
    locale = (st.context.locale or "").split("-")[0].lower()
    return locale if locale in LANGUAGES else None


def _ensure_language() -> None:
    """The session's language: ?lang= if valid, else the browser's if one of ours, else French."""
    if st.session_state.get("lang") in LANGUAGES:
        return
    asked = url_params().get("lang")
    if asked in LANGUAGES:
        st.session_state["lang"] = asked
        return
    if asked is not None:
        st.session_state["lang_problem"] = asked
    st.session_state["lang"] = _browser_language() or DEFAULT_LANGUAGE


def _on_language_change() -> None:
    st.session_state["lang"] = st.session_state["lang_choice"]


def language_selector() -> None:
    """The sidebar's language choice, kept in the URL (?lang=ar)."""
    lang = st.session_state["lang"]
    st.session_state["lang_choice"] = lang
    with st.sidebar:
        st.segmented_control(
            t("nav.language"),
            LANGUAGES,
            key="lang_choice",
            required=True,
            format_func=LANGUAGE_NAMES.get,
            on_change=_on_language_change,
        )
    wants_param = lang != DEFAULT_LANGUAGE or "lang" in st.query_params
    if wants_param and st.query_params.get("lang") != lang:
        st.query_params["lang"] = lang
    problem = st.session_state.pop("lang_problem", None)
    if problem is not None:
        st.warning(said("nav.bad_language", value=problem), icon=":material/translate:")
    st.html(BASE_CSS + (RTL_CSS if is_rtl(lang) else ""))


def _page(spec: PageSpec, default: bool = False, hidden: bool = False) -> st.Page:
    return st.Page(
        Path(PAGES_DIR / spec.file),
        title=t(spec.title_key),
        icon=spec.icon,
        url_path=Path(spec.file).stem,
        default=default,
        visibility="hidden" if hidden else "visible",
    )


def stop_on_bad_settings() -> None:
    """A bad ``IDMAJ_*`` value stops every page with a message naming the variable to fix."""
    try:
        get_settings()
    except SettingsError as error:
        st.error(escaped(error.describe(current_language())), icon=":material/settings_alert:")
        st.stop()


def current_mode() -> str:
    """public, demo or production: decided by the settings, then by the data."""
    settings = get_settings()
    if settings.is_public_only:  # never opens the warehouse
        return "public"
    ensure_warehouse(settings)
    try:
        ensure_public_snapshot(settings)
    except Exception:  # the internal pages still work; the public page says it is missing
        log.exception("the public snapshot could not be written")
    return auth.mode_for(False, queries.in_production())


def allowed_specs(mode: str, role: str) -> list[PageSpec]:
    """The pages (that exist) this role may open in this mode; sign-in for anonymous staff."""
    allowed = set(auth.pages_for(role, mode))
    specs = [
        spec
        for spec in INTERNAL_PAGES + ADMIN_PAGES + PUBLIC_PAGES
        if spec.file in allowed and (PAGES_DIR / spec.file).exists()
    ]
    if mode == "production":
        specs.append(SIGN_IN)  # hidden once signed in: it then forwards to the dashboard
    return specs


def pages_for_session() -> dict[str, list[st.Page]]:
    """The pages this session may open, grouped in navigation sections. A page left out is
    not registered at all, so it cannot be opened by URL either."""
    _ensure_language()
    mode = current_mode()
    identity = session.current() if mode == "production" else session.ANONYMOUS
    st.session_state["auth_mode"] = mode
    sections: dict[str, list[st.Page]] = {}
    for index, spec in enumerate(allowed_specs(mode, identity.role)):
        hidden = spec is SIGN_IN and identity.signed_in
        sections.setdefault(t(spec.section), []).append(
            _page(spec, default=index == 0, hidden=hidden)
        )
    return sections


def routing():
    """Mark the page run as started by app.py (see ``blocks.start_page``)."""
    return blocks.routed()


def sidebar_footer() -> None:
    """Who is signed in (and a way out), or the demo banner."""
    mode = st.session_state.get("auth_mode")
    with st.sidebar:
        notice = st.session_state.pop(session.NOTICE_KEY, None)
        if notice:
            st.info(t(notice))
        if mode == "demo":
            st.info(t("auth.demo_banner"), icon=":material/lock_open:")
            st.caption(t("common.demo_footer"))
        elif mode == "production":
            identity = session.current()
            if identity.signed_in:
                role = t(f"auth.role_{identity.role}")
                st.caption(said("auth.signed_in_as", name=identity.name, role=role))
                if st.button(t("auth.sign_out"), icon=":material/logout:", key="sign_out"):
                    session.sign_out(notice="auth.signed_out")
                    st.rerun()
