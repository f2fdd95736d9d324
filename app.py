"""Idmaj: the router. Page setup, language, mode, and st.navigation over the pages; no data code."""

from __future__ import annotations

import streamlit as st

from lib.ui import shell

st.set_page_config(page_title="Idmaj", page_icon=shell.FAVICON, layout="wide")
shell.stop_on_bad_settings()
navigation = st.navigation(shell.pages_for_session(), position="sidebar")
shell.set_page_language(navigation)  # Tamazight: the public page only
shell.document_title(navigation)
shell.language_selector()
shell.sidebar_footer()
with shell.routing():
    navigation.run()
