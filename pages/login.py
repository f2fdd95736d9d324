"""Sign in: OpenID Connect when configured, else a local account."""

import math

import streamlit as st

from lib.i18n import t
from lib.ui import blocks, session

lang = blocks.start_page()
if session.current().signed_in:  # signed in (just now, or by OIDC): on to the dashboard
    st.switch_page("pages/overview.py")
blocks.page_header(t("auth.title"), t("auth.intro"))

if session.oidc_configured():
    st.button(t("auth.sign_in_oidc"), icon=":material/key:", on_click=st.login, type="primary")
    st.divider()

with st.form("sign_in", clear_on_submit=True, border=True):
    name = st.text_input(t("auth.name"), key="sign_in_name", autocomplete="username")
    password = st.text_input(
        t("auth.password"), type="password", key="sign_in_password", autocomplete="current-password"
    )
    submitted = st.form_submit_button(t("auth.sign_in"), icon=":material/login:", type="primary")
if submitted:
    result = session.sign_in_local(name, password)
    if result.ok:
        st.rerun()
    st.error(t(result.reason, minutes=max(1, math.ceil(result.wait_s / 60))))
