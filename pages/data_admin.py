"""Data officers import the foundation's records: check, preview, commit, roll back."""

import streamlit as st

from lib.i18n import t
from lib.ingest import fields, report
from lib.ui import admin, blocks, integrity

lang = blocks.start_page()
blocks.page_header(t("admin.title"), t("admin.intro"))
notice = st.session_state.pop("admin_notice", None)
if notice:
    st.success(notice, icon=":material/check_circle:")
if st.session_state.pop("admin_publish_failed", False):
    st.warning(t("admin.publish_failed"))

blocks.section(t("admin.step_template"))
admin.templates()

blocks.section(t("admin.step_upload"))
kind = st.selectbox(
    t("admin.kind"),
    fields.KINDS,
    key="admin_kind",
    format_func=lambda k: report.kind_label(k, lang),
)
upload = st.file_uploader(
    t("admin.file"), type=["csv", "xlsx", "txt"], key="admin_upload", help=t("admin.file_help")
)
# Streamlit's own "20MB per file" line is English only: hidden, and said here instead.
st.caption(t("admin.upload_limit", size=admin.upload_limit_mb()))
if upload is not None:
    parsed = admin.read_upload(upload, kind)
    admin.show_reading(parsed)
    if not parsed.ok:
        admin.show_refusal(parsed)
    elif (choice := admin.overlap_choice(parsed)) is not None:
        choice = None if choice == "none" else choice
        replace_demo = False
        if admin.demo_records_present():
            st.info(t("admin.first_real_import"), icon=":material/lock:")
            replace_demo = st.checkbox(
                t("admin.replace_demo"), key="admin_replace_demo", help=t("admin.replace_demo_help")
            )
        admin.show_preview(parsed, replace_demo, choice)
        confirmed = True
        if replace_demo:
            confirmed = st.checkbox(t("admin.confirm_replace"), key="admin_confirm_replace")
        if st.button(
            t("admin.commit"),
            type="primary",
            disabled=not confirmed,
            icon=":material/cloud_upload:",
            key="admin_commit",
        ):
            admin.commit(parsed, replace_demo, choice)

blocks.section(t("admin.step_history"))
admin.history()

blocks.section(t("admin.step_publish"))
admin.publication()

integrity.integrity_section()
