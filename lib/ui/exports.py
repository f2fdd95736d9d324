"""The app's own download buttons: a chart as PNG or SVG, a table as CSV or Excel (the formats
registered in ``lib.export.FORMATS``), and the board brief as PDF.

They replace Plotly's toolbar, whose tooltips speak English only: labelled in the page's
language, each file is made when clicked (``lib.ui.downloads``) and says what it shows: its
title, source, selection, the data's version, the day it was made and, where demonstration
records feed the page, the demonstration label.

What a page's files describe is told once per run: ``lib.ui.filters`` notes the selection the
sidebar shows (``note_selection``), ``blocks.page_header`` whether demonstration records feed
the page (``note_demo``), and ``blocks.start_page`` forgets the previous run's (``begin_page``).
A page that says nothing about demonstration records gets the label whenever the warehouse
holds any.
"""

from __future__ import annotations

import threading
from datetime import date
from functools import partial

import streamlit as st

from lib import export
from lib.i18n import current_language, t
from lib.ui.downloads import made_on_click
from lib.warehouse import queries
from lib.warehouse.filters import Filters

LABELS = {
    "csv": "common.download_csv",
    "xlsx": "export.download_xlsx",
    "png": "export.download_png",
    "svg": "export.download_svg",
}
PDF = "application/pdf"
# This run's selection and demonstration flag: one run, one thread (reset by begin_page).
_page = threading.local()


def begin_page() -> None:
    _page.selection, _page.demo = None, None


def note_selection(selection: Filters) -> None:
    _page.selection = selection


def note_demo(demo: bool | None) -> None:
    _page.demo = demo


def _about(title: str, lang: str, selection: Filters | None, demo: bool | None) -> export.About:
    """Made at the click: the data's version (and, when the page did not say, whether any
    demonstration record is in the warehouse) as they are then."""
    from lib.brief import content  # loaded at the first click, not with every page

    covered = content.selection_text(None, selection, lang) if selection else ""
    if demo is None:
        demo = queries.holds_demo_records()
    data = content.version_text(None, lang)
    return export.about(title, lang, selection, covered, data, demo, date.today())


def _file(form: export.Format, thing, title: str, lang: str, selection, demo) -> bytes:
    return form.make(thing, _about(title, lang, selection, demo))


def buttons(kind: str, thing, title: str, key: str) -> None:
    """One button per format of ``kind`` (``table``: a frame; ``chart``: a Plotly figure),
    side by side, each file named after ``title`` and what the selection kept."""
    lang = current_language()
    selection, demo = getattr(_page, "selection", None), getattr(_page, "demo", None)
    stem = export.file_stem(title, selection)
    with st.container(horizontal=True, gap="small"):
        for form in export.formats(kind):
            name = f"{stem}.{form.name}"
            make = partial(_file, form, thing, title, lang, selection, demo)
            st.download_button(
                t(LABELS[form.name]),
                data=made_on_click(make, form.mime, name),
                file_name=name,
                mime=form.mime,
                # The CSV keeps the key it always had (links and tests name it).
                key=f"download_{key}" if form.name == "csv" else f"download_{key}_{form.name}",
                icon=":material/download:",
                on_click="ignore",
                width="content",
            )


def brief_button(selection: Filters) -> None:
    """The board brief of the selection's year, as one A4 page (PDF), in the page's language."""
    from lib.brief import brief_pdf, file_name

    lang = current_language()
    name = file_name(selection.year, selection, lang)
    make = partial(brief_pdf, None, selection.year, selection, lang)
    st.download_button(
        t("overview.download_brief"),
        data=made_on_click(make, PDF, name),
        file_name=name,
        mime=PDF,
        key="download_brief",
        icon=":material/picture_as_pdf:",
        help=t("overview.brief_help", year=selection.year),
        on_click="ignore",
    )
