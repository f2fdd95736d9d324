"""The Streamlit side of the public page: its year choice, cached figures and downloads.

Everything shown comes from the published snapshot (``lib.public.snapshot``), never from the
warehouse; the figures themselves are built by ``lib.public.view`` (pure).
"""

from __future__ import annotations

from functools import partial

import streamlit as st

from lib.export import csv_bytes
from lib.formatting import isolated
from lib.i18n import t
from lib.ui.downloads import made_on_click
from lib.ui.text import escaped, link, said, url_params
from lib.warehouse.filters import year_from_text


def public_year(years: list[int]) -> int:
    """The public page's one choice besides language: the programme year (also ?year=)."""
    if "public_year" not in st.session_state:
        asked = url_params().get("year")
        st.session_state["public_year"] = years[0]
        if asked is not None:
            if year_from_text(asked) in years:
                st.session_state["public_year"] = year_from_text(asked)
            else:
                st.warning(
                    said(
                        "filters.bad_year",
                        value=asked,
                        allowed=tuple(str(y) for y in sorted(years)),
                    )
                )
    year = st.selectbox(t("public.year"), years, key="public_year")
    if st.query_params.get("year") != str(year):
        st.query_params["year"] = str(year)
    return year


# The page's two views, each worked out once per snapshot and language (and year) and shared by
# every visitor (public data only; ``cache_resource``: no copy, never changed by the page).
# Plotly's figures and the written tables were most of a session's CPU (bench/RESULTS.md).


@st.cache_resource(max_entries=16, show_spinner=False)
def public_view(version: int, lang: str) -> dict:
    """What the page shows whatever the year: the headline cards, the trends, placements and
    interventions (figure and table), the outcome tables, the list of sources, and the years
    the regions can be shown for (newest first)."""
    from lib.public import outcomes, snapshot, view

    del version  # part of the cache key only
    metadata = snapshot.metadata()
    published = snapshot.table("published_figures")
    placements, types = snapshot.table("placements_by_sex"), snapshot.table("interventions_by_type")
    trends = view.trend_figures(snapshot.table("programme_by_year"), lang)
    regions = snapshot.table("beneficiaries_by_region")
    return {
        "years": sorted(regions["year"].unique().tolist(), reverse=True),
        "cards": view.headline_cards(published, lang),
        "trends": [view.demo_label(figure, metadata, lang) for figure in trends],
        "placements": view.demo_label(view.placements_figure(placements, lang), metadata, lang),
        "placements_table": view.placements_table(placements, lang),
        "interventions": view.demo_label(view.interventions_figure(types, lang), metadata, lang),
        "interventions_table": view.interventions_table(types, lang),
        "outcomes": {
            name: outcomes.national_view(snapshot.table(f"{name}_at_12_months"), kind, lang)
            for kind, name in (("beneficiary", "projects"), ("placement", "jobs"))
        },
        "sources": "\n".join(source_item(source, lang) for source in view.sources(published, lang)),
    }


@st.cache_resource(max_entries=64, show_spinner=False)
def regions_view(version: int, lang: str, year: int) -> dict:
    """The regions of one year: the map and its table."""
    from lib.public import snapshot, view

    del version  # part of the cache key only
    metadata, regions = snapshot.metadata(), snapshot.table("beneficiaries_by_region")
    figure = view.region_map_figure(regions, year, lang, int(metadata["threshold"]))
    return {
        "map": view.demo_label(figure, metadata, lang),
        "table": view.regions_table(regions, year, lang),
    }


def _table_csv(name: str) -> bytes:
    from lib.public import snapshot

    return csv_bytes(snapshot.table(name))


def public_downloads(tables: tuple[str, ...]) -> None:
    """Each public table as CSV (raw numbers and disclosure flags), and the whole package."""
    from lib.public import snapshot

    left, right = st.columns(2)
    with left:
        name = st.selectbox(
            t("public.table"),
            tables,
            key="public_table",
            format_func=lambda n: t(f"public.table_{n}"),
        )
        file_name = f"idmaj-{name}.csv"
        st.download_button(
            t("public.download_table"),
            data=made_on_click(partial(_table_csv, name), "text/csv", file_name),
            file_name=file_name,
            mime="text/csv",
            icon=":material/download:",
            on_click="ignore",
        )
    with right:
        archive = snapshot.zip_path()
        if archive.exists():
            st.download_button(
                t("public.download_zip"),
                data=made_on_click(archive.read_bytes, "application/zip", archive.name),
                file_name=archive.name,
                mime="application/zip",
                icon=":material/folder_zip:",
                on_click="ignore",
            )


def source_item(source: dict, lang: str) -> str:
    """One source of ``lib.public.view.sources`` as a list item: its title in the page's
    language (a link when it has an address), the original title beside a translation; Latin
    names set apart in Arabic."""
    title = isolated(escaped(source["title"]), lang)
    shown = link(isolated(source["title"], lang), source["url"]) if source["url"] else title
    original = source.get("original") or source["title"]
    if original != source["title"]:
        shown += f" ({isolated(escaped(original), lang)})"
    return f"- {shown}"
