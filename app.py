"""Idmaj: the router. Page setup, language, mode, and st.navigation over the pages; no data code."""

from __future__ import annotations

import streamlit as st

from lib.ui import shell as app_shell

st.set_page_config(page_title="Idmaj", page_icon=":material/handshake:", layout="wide")
navigation = st.navigation(app_shell.pages_for_session(), position="sidebar")
app_shell.language_selector()
app_shell.sidebar_footer()
with app_shell.routing():
    navigation.run()
