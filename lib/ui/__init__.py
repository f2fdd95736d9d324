"""The Streamlit layer: the only code in lib/ that imports streamlit (ruff enforces it).

``shell`` (the pages each role may open, the language selector, the banners), ``session``
(the signed-in user), ``blocks`` (page header, tiles, chart + table + download), ``filters``
(the sidebar selection and its URL form), ``exports`` (the download buttons: charts as PNG
and SVG, tables as CSV and Excel, the board brief), ``admin`` (the data import page), ``simulator``
(the simulator's controls) and ``public`` (the public page's year, figures and downloads);
``static/`` holds the app's CSS, the one script it runs in the page and its favicon.
Importing the package tells ``lib.i18n`` to speak the language of the session being served.
"""

from __future__ import annotations

import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

from lib import i18n

PAGE_LANGUAGE = "page_lang"  # session key: the language of this run's page (lib.ui.shell)


def _session_language() -> str | None:
    # Outside a script run (a worker thread, a plain import) there is no session to ask.
    if get_script_run_ctx(suppress_warning=True) is None:
        return None
    # The page's own language once app.py knows the page (only the public page speaks
    # Tamazight), the session's choice before that (the sidebar's page names).
    return st.session_state.get(PAGE_LANGUAGE) or st.session_state.get("lang")


i18n.set_language_source(_session_language)
