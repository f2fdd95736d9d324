"""The Streamlit layer: the only code in lib/ that imports streamlit (ruff enforces it).

``shell`` (the pages each role may open, the language selector, the banners), ``session``
(the signed-in user), ``blocks`` (page header, tiles, chart + table + download), ``filters``
(the sidebar selection and its URL form), ``admin`` (the data import page), ``simulator``
(the simulator's controls) and ``public`` (the public page's year, figures and downloads).
Importing the package tells ``lib.i18n`` to speak the language of the session being served.
"""

from __future__ import annotations

import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

from lib import i18n


def _session_language() -> str | None:
    # Outside a script run (a worker thread, a plain import) there is no session to ask.
    if get_script_run_ctx(suppress_warning=True) is None:
        return None
    return st.session_state.get("lang")


i18n.set_language_source(_session_language)
