"""Streamlit side of the data import page: upload, report, preview, commit, batches, rollback.

The logic is ``lib.ingest`` (pure): ``pipeline`` reads and checks, ``transaction`` writes.
After a commit or a rollback the public snapshot is written again, so the public page never
shows figures the warehouse no longer holds.
"""

from __future__ import annotations

import hashlib
import logging
from functools import partial

import streamlit as st

from lib.config import get_settings
from lib.export import file_slug
from lib.formatting import format_date, format_number
from lib.i18n import current_language, t
from lib.ingest import pipeline, report, transaction
from lib.ingest.fields import KINDS
from lib.ingest.templates import template_csv, template_file_name, template_xlsx
from lib.ingest.worker import parse_in_worker
from lib.public.publish import (
    PublicationRefused,
    publication_status,
    publish,
    republish_after_write,
)
from lib.ui import session
from lib.ui.downloads import made_on_click
from lib.ui.text import escaped, said
from lib.warehouse import queries
from lib.warehouse.db import get_database

log = logging.getLogger(__name__)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def upload_limit_mb() -> int:
    """The largest file the upload box takes: the app's limit, or Streamlit's if lower."""
    return min(get_settings().max_upload_mb, int(st.get_option("server.maxUploadSize")))


def importer_name() -> str:
    """Who imports: the signed-in user, or a label saying it was the open demo mode."""
    identity = session.current()
    return identity.name if identity.signed_in else t("admin.demo_user")


def parse_upload(upload, kind: str, sheet: str | None = None) -> pipeline.ParsedFile:
    """The uploaded file read and checked against the warehouse (never raises on a bad file),
    in a worker process with a time and memory budget, once: the page's reruns reuse it.
    ``sheet``: the workbook's sheet the data officer chose (None: the one that holds data)."""
    data = upload.getvalue()
    key = (upload.name, hashlib.sha256(data).hexdigest(), kind, sheet)
    kept = st.session_state.setdefault("admin_parsed", {})
    if key not in kept:
        if len(kept) >= 4:  # a few readings of one file (its sheets), not every file ever sent
            kept.clear()
        kept[key] = parse_in_worker(data, upload.name, kind, sheet=sheet)
    return kept[key]


def read_upload(upload, kind: str) -> pipeline.ParsedFile:
    """The upload as read, then as the data officer wants it read: when several sheets of a
    workbook hold such data, a choice of sheet (the one read first is preselected)."""
    parsed = parse_upload(upload, kind)
    if not parsed.other_sheets:
        return parsed
    chosen = st.selectbox(
        t("admin.sheet_choice"),
        (parsed.sheet, *parsed.other_sheets),
        key=f"admin_sheet_{parsed.sha256[:16]}",
        help=t("admin.sheet_choice_help"),
    )
    return parsed if chosen == parsed.sheet else parse_upload(upload, kind, chosen)


def show_reading(parsed: pipeline.ParsedFile) -> None:
    """How the file was read: sheet or encoding, header line, lines skipped and why."""
    notes = report.reading(parsed, current_language())
    if notes:
        st.caption("  \n".join(escaped(note) for note in notes))


def templates() -> None:
    lang = current_language()
    st.caption(t("admin.templates_intro"))
    columns = st.columns(len(KINDS))
    for column, kind in zip(columns, KINDS, strict=True):
        with column:
            st.markdown(f"**{report.kind_label(kind, lang)}**")
            xlsx_name, csv_name = template_file_name(kind, "xlsx"), template_file_name(kind, "csv")
            st.download_button(
                t("admin.template_xlsx"),
                made_on_click(partial(template_xlsx, kind), XLSX, xlsx_name),
                file_name=xlsx_name,
                mime=XLSX,
                key=f"template_xlsx_{kind}",
                on_click="ignore",
                icon=":material/table_view:",
            )
            st.download_button(
                t("admin.template_csv"),
                made_on_click(partial(template_csv, kind), "text/csv", csv_name),
                file_name=csv_name,
                mime="text/csv",
                key=f"template_csv_{kind}",
                on_click="ignore",
                icon=":material/csv:",
            )


def show_refusal(parsed: pipeline.ParsedFile) -> None:
    lang = current_language()
    st.error(
        t("admin.refused", errors=format_number(len(parsed.errors), lang)), icon=":material/block:"
    )
    st.dataframe(report.report(parsed, lang), hide_index=True)
    file_name = f"rapport-{file_slug(parsed.file_name)}.csv"
    st.download_button(
        t("admin.report_csv"),
        made_on_click(partial(report.report_csv, parsed, lang), "text/csv", file_name),
        file_name=file_name,
        mime="text/csv",
        key="report_csv",
        on_click="ignore",
        icon=":material/download:",
    )


def overlap_choice(parsed: pipeline.ParsedFile) -> str | None:
    """When the file repeats an earlier import: what to do with it (``replace``, ``new_only``),
    or None until the data officer has chosen (or when they cancel)."""
    if not parsed.overlaps:
        return "none"
    lang = current_language()
    for problem in parsed.warnings:
        if problem.key == "ingest.warning.contains_batch":
            st.warning(escaped(report.describe(problem, lang)), icon=":material/content_copy:")
    choice = st.radio(
        t("admin.overlap_question"),
        ("replace", "new_only", "cancel"),
        index=None,
        key="admin_overlap",
        format_func=lambda option: t(f"admin.overlap_{option}"),
    )
    if choice == "cancel":
        st.info(t("admin.overlap_cancelled"), icon=":material/cancel:")
    return choice if choice in ("replace", "new_only") else None


def show_preview(
    parsed: pipeline.ParsedFile, replace_demo: bool, choice: str | None = None
) -> pipeline.Preview:
    lang = current_language()
    preview = pipeline.preview(parsed, get_database(), replace_demo=replace_demo, choice=choice)
    st.success(
        t(
            "admin.valid",
            rows=format_number(preview.rows_to_add, lang),
            kind=report.kind_label(parsed.kind, lang),
        ),
        icon=":material/task_alt:",
    )
    skipped = len(parsed.rows) - preview.rows_to_add
    if skipped > 0:
        st.caption(t("admin.rows_skipped_overlap", count=format_number(skipped, lang)))
    st.markdown("\n".join(f"- {line}" for line in preview.lines(lang)) or t("admin.no_move"))
    if preview.warnings:
        with st.expander(t("admin.warnings", count=len(preview.warnings))):
            st.dataframe(report.report(parsed, lang), hide_index=True)
    with st.expander(t("admin.rows_preview")):
        st.dataframe(preview.rows.head(200), hide_index=True)
    return preview


def commit(parsed: pipeline.ParsedFile, replace_demo: bool, choice: str | None = None) -> None:
    try:
        batch_id = transaction.commit(
            parsed, get_database(), importer_name(), replace_demo, choice=choice
        )
    except report.IngestError as error:
        for problem in error.problems:
            st.error(escaped(report.describe(problem, current_language())))
        return
    _republish()
    st.session_state["admin_notice"] = t("admin.committed", batch=batch_id)
    st.session_state.pop("admin_upload_version", None)
    st.session_state.pop("admin_parsed", None)  # the file is in the warehouse now
    st.rerun()


def rollback(batch_id: int) -> None:
    try:
        removed = transaction.rollback(batch_id, get_database(), importer_name())
    except report.IngestError as error:
        for problem in error.problems:
            st.error(escaped(report.describe(problem, current_language())))
        return
    _republish()
    st.session_state["admin_notice"] = t(
        "admin.rolled_back", batch=batch_id, rows=format_number(removed, current_language())
    )
    st.rerun()


def _republish() -> None:
    if not republish_after_write():
        st.session_state["admin_publish_failed"] = True


def publication() -> None:
    """The public snapshot: when it was published, why the last attempt was refused, and a
    button to publish now (real data follows a publication calendar)."""
    lang = current_language()
    status = publication_status()
    if status.published_at is None:
        st.caption(t("admin.publish_never"))
    else:
        kind = t("admin.publish_demo" if status.demo else "admin.publish_real")
        when = format_date(status.published_at.date(), lang)
        st.caption(t("admin.published_at", date=when, kind=kind))
    if status.reason:
        reason = t(f"publish.refused.{status.reason}", **{"next_date": "", **status.params})
        when = format_date(status.refused_at.date(), lang)
        show = st.info if status.reason == "calendar" else st.error
        show(t("admin.publish_refused", date=when, reason=reason), icon=":material/public_off:")
    if status.imports_since:
        st.caption(t("admin.publish_pending"))
    if st.button(t("admin.publish_now"), key="admin_publish", icon=":material/publish:"):
        try:
            publish()
        except PublicationRefused:
            pass  # recorded: the message above says why on the rerun
        else:
            st.session_state["admin_notice"] = t("admin.published_ok")
        st.rerun()


def history() -> None:
    lang = current_language()
    batches = transaction.batches(get_database())
    if batches.empty:
        st.caption(t("admin.no_batches"))
        return
    for row in batches.to_dict(orient="records"):
        left, right = st.columns([5, 1], vertical_alignment="center")
        left.markdown(
            said(
                f"admin.batch_{row['status']}",
                batch=row["batch_id"],
                kind=report.kind_label(row["kind"], lang),
                file=_file_read(row["file_name"], row.get("sheet")),
                rows=format_number(row["row_count"], lang),
                who=row["imported_by"],
                when=row["imported_at"].strftime("%Y-%m-%d %H:%M"),
            )
        )
        if row["status"] == "committed" and right.button(
            t("admin.rollback"), key=f"rollback_{row['batch_id']}", icon=":material/undo:"
        ):
            st.session_state["admin_confirm_rollback"] = int(row["batch_id"])
    pending = st.session_state.get("admin_confirm_rollback")
    if pending is not None:
        st.warning(t("admin.confirm_rollback", batch=pending))
        yes, no = st.columns(2)
        if yes.button(t("admin.confirm"), key="rollback_yes", type="primary"):
            st.session_state.pop("admin_confirm_rollback")
            rollback(pending)
        if no.button(t("admin.cancel"), key="rollback_no"):
            st.session_state.pop("admin_confirm_rollback")
            st.rerun()


def _file_read(file_name: str, sheet: str | None) -> str:
    """The file, and of a workbook the sheet read: two sheets of one workbook are two imports."""
    if sheet is None or sheet != sheet:  # None or NaN: a CSV
        return file_name
    return t("admin.file_sheet", file=file_name, sheet=sheet)


def demo_records_present() -> bool:
    return queries.holds_demo_records()
