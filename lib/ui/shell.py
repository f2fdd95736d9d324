"""What app.py needs: the page list for this session, the mode banner, the sidebar footer, and
each run's page setup (styles, the document's language, direction, title and icon).

Kept out of app.py so the router stays a few lines and this logic can be tested.
"""

from __future__ import annotations

import html
import logging
from dataclasses import dataclass
from pathlib import Path

import streamlit as st

from lib import auth
from lib.config import REPO_DIR, SettingsError, get_settings
from lib.i18n import (
    DEFAULT_LANGUAGE,
    LANGUAGES,
    PUBLIC_LANGUAGES,
    current_language,
    is_rtl,
    t,
)
from lib.public.publish import ensure_public_snapshot
from lib.ui import PAGE_LANGUAGE, blocks, session
from lib.ui.text import escaped, said, url_params
from lib.warehouse import queries
from lib.warehouse.build import ensure_warehouse

PAGES_DIR = REPO_DIR / "pages"
log = logging.getLogger(__name__)

STATIC_DIR = Path(__file__).resolve().parent / "static"
# The app's styles (contrast, headings, button groups) and, in Arabic, the right-to-left ones
# (lib/ui/static/*.css). Arabic letters are drawn with a system font (Debian's fonts-noto-core)
# where the theme's font has none.
APP_CSS = (STATIC_DIR / "app.css").read_text(encoding="utf-8")
RTL_CSS = (STATIC_DIR / "rtl.css").read_text(encoding="utf-8")
# Tamazight (the public page only): Noto Sans Tifinagh (Debian's fonts-noto-core) named first.
TIFINAGH_CSS = (STATIC_DIR / "tifinagh.css").read_text(encoding="utf-8")
# Sets <html lang> and the direction of the app's areas: the one script the app runs in the page
# (a constant file, so a content security policy can allow it by its hash).
DOCUMENT_SCRIPT = (STATIC_DIR / "document.js").read_text(encoding="utf-8")
FAVICON = STATIC_DIR / "favicon.png"  # served by Streamlit itself: no request to a font host


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
    PageSpec("outcomes.py", "nav.outcomes", ":material/trending_up:", "nav.section_dashboard"),
    PageSpec("simulator.py", "nav.simulator", ":material/calculate:", "nav.section_analysis"),
    PageSpec("sources.py", "nav.sources", ":material/menu_book:", "nav.section_about"),
)
PUBLIC_PAGES = (PageSpec("public.py", "nav.public", ":material/public:", "nav.section_public"),)
ADMIN_PAGES = (
    PageSpec("data_admin.py", "nav.data_admin", ":material/upload_file:", "nav.section_admin"),
)
SIGN_IN = PageSpec("login.py", "nav.login", ":material/login:", "nav.section_account")


LANGUAGE_NAMES = {"fr": "Français", "ar": "العربية", "en": "English", "zgh": "ⵜⴰⵎⴰⵣⵉⵖⵜ"}
DEFAULT_PAGE = "default_page"  # session key: the address of the page "/" opens


def _browser_language() -> str | None:
    locale = (st.context.locale or "").split("-")[0].lower()
    return locale if locale in PUBLIC_LANGUAGES else None


def _ensure_language() -> None:
    """The session's language: ?lang= if valid, else the browser's if one of ours, else French."""
    if st.session_state.get("lang") in PUBLIC_LANGUAGES:
        return
    asked = url_params().get("lang")
    if asked in PUBLIC_LANGUAGES:
        st.session_state["lang"] = asked
        return
    if asked is not None:
        st.session_state["lang_problem"] = asked
    st.session_state["lang"] = _browser_language() or DEFAULT_LANGUAGE


def _on_language_change() -> None:
    st.session_state["lang"] = st.session_state["lang_choice"]
    st.session_state.pop("lang_problem", None)  # the user has answered the bad link


def language_selector() -> None:
    """The sidebar's language choice, kept in the URL (?lang=ar). Tamazight is offered too; a
    page that does not speak it is shown in French, and the sidebar says so in both."""
    lang = st.session_state["lang"]
    shown = current_language()
    st.session_state["lang_choice"] = lang
    with st.sidebar:
        st.segmented_control(
            t("nav.language"),
            PUBLIC_LANGUAGES,
            key="lang_choice",
            required=True,
            format_func=LANGUAGE_NAMES.get,
            on_change=_on_language_change,
        )
        if shown != lang:
            notice = f"{t('nav.public_only', lang)}\n\n{t('nav.public_only', shown)}"
            st.info(notice, icon=":material/translate:")
    # Said until the user picks a language: the run that read the link may be followed at
    # once by another (the bookmark alias's switch to "/"), which must say it too.
    problem = st.session_state.get("lang_problem")
    if problem is not None:
        st.warning(said("nav.bad_language", value=problem), icon=":material/translate:")
    wants_param = lang != DEFAULT_LANGUAGE or "lang" in st.query_params
    if wants_param and st.query_params.get("lang") != lang:
        st.query_params["lang"] = lang
    page_setup(shown)


def page_setup(lang: str) -> None:
    """This run's styles, and the document's language, direction and description (``<html
    lang>``, ``dir`` on the main area and the sidebar, the description a search engine shows: the
    public statistics', which anonymous visitors see) set by the one constant script of
    lib/ui/static/."""
    rtl = is_rtl(lang)
    tifinagh = TIFINAGH_CSS if lang == "zgh" else ""
    st.html(f"<style>{APP_CSS}{RTL_CSS if rtl else ''}{tifinagh}</style>")
    code = lang if lang in PUBLIC_LANGUAGES else DEFAULT_LANGUAGE
    description = html.escape(t("site.description", code), quote=True)
    st.html(
        f'<span class="idmaj-document" data-lang="{code}" data-dir="{"rtl" if rtl else "ltr"}"'
        f' data-description="{description}" hidden></span><script>{DOCUMENT_SCRIPT}</script>',
        unsafe_allow_javascript=True,
    )


def _spec_of(page: st.Page) -> PageSpec | None:
    """The spec of this run's page ("/" is the first page this session may open)."""
    stem = page.url_path or st.session_state.get(DEFAULT_PAGE, "")
    specs = INTERNAL_PAGES + ADMIN_PAGES + PUBLIC_PAGES + (SIGN_IN,)
    return next((spec for spec in specs if Path(spec.file).stem == stem), None)


def set_page_language(page: st.Page) -> str:
    """The language this run's page is shown in, and from now on the one ``t`` speaks: the
    session's, except Tamazight, which only the public page speaks (other pages: French)."""
    lang = st.session_state["lang"]
    shown = lang if lang in LANGUAGES or _spec_of(page) in PUBLIC_PAGES else DEFAULT_LANGUAGE
    st.session_state[PAGE_LANGUAGE] = shown
    return shown


def document_title(page: st.Page) -> None:
    """The browser tab's title, in the page's language: "Idmaj — Vue d'ensemble" (the sidebar
    may name the page in Tamazight while the page itself is shown in French). The icon stays
    the one app.py set: calls add up, and each icon given is read and decoded again."""
    spec = _spec_of(page)
    name = t(spec.title_key) if spec else page.title
    st.set_page_config(page_title=t("nav.document_title", page=name))


def _page(spec: PageSpec, default: bool = False, hidden: bool = False) -> st.Page:
    return st.Page(
        Path(PAGES_DIR / spec.file),
        title=t(spec.title_key),
        icon=spec.icon,
        # The default page lives at "/"; its own address is the bookmark alias below.
        url_path="" if default else Path(spec.file).stem,
        default=default,
        visibility="hidden" if hidden else "visible",
    )


def _bookmark_alias(spec: PageSpec, default_page: st.Page) -> st.Page:
    """The default page's own address (``/overview``, a bookmark) opens it at ``/`` with the
    link's parameters, where Streamlit would show "Page not found": a hidden page there."""

    def to_default_page() -> None:
        params = {key: st.query_params.get_all(key) for key in st.query_params}
        st.switch_page(default_page, query_params=params)

    return st.Page(
        to_default_page,
        title=t(spec.title_key),
        icon=spec.icon,
        url_path=Path(spec.file).stem,
        visibility="hidden",
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
    st.session_state[PAGE_LANGUAGE] = None  # the session's language until the page is known
    mode = current_mode()
    identity = session.current() if mode == "production" else session.ANONYMOUS
    st.session_state["auth_mode"] = mode
    sections: dict[str, list[st.Page]] = {}
    specs = allowed_specs(mode, identity.role)
    st.session_state[DEFAULT_PAGE] = Path(specs[0].file).stem if specs else ""
    for index, spec in enumerate(specs):
        hidden = spec is SIGN_IN and identity.signed_in
        sections.setdefault(t(spec.section), []).append(
            _page(spec, default=index == 0, hidden=hidden)
        )
    if specs:
        first = sections[t(specs[0].section)]
        first.append(_bookmark_alias(specs[0], first[0]))
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
