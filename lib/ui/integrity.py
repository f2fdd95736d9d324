"""Streamlit side of the integrity check: a section of the data administration page.

A button runs ``lib.ops.integrity.check`` (the same rules as ``python -m lib check``) and
shows its verdict as a table a data officer reads: each rule, whether it holds, what was
found. The check reads a private copy of the warehouse, so it never slows an import.
"""

from __future__ import annotations

import streamlit as st

from lib.i18n import current_language, t
from lib.ops import integrity
from lib.ui import blocks


def integrity_section() -> None:
    """The section: its title, what it checks, the button, and the last verdict."""
    lang = current_language()
    blocks.section(t("ops.check.section"))
    st.caption(t("ops.check.intro"))
    if st.button(t("ops.check.button"), key="admin_integrity", icon=":material/fact_check:"):
        outcomes = integrity.check()
        if integrity.passed(outcomes):
            st.success(integrity.verdict(outcomes, lang), icon=":material/verified:")
        else:
            st.error(integrity.verdict(outcomes, lang))
        st.dataframe(integrity.report_frame(outcomes, lang), hide_index=True)
