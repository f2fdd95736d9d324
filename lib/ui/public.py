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


@st.cache_resource(max_entries=64, show_spinner=False)
def public_figures(version: int, lang: str, year: int | None) -> dict:
    """The public page's figures, built once per snapshot, language and year: the same for
    every visitor (public data only), and Plotly's figure building is most of a page's CPU."""
    from lib.public import snapshot, view

    del version  # part of the cache key only
    metadata = snapshot.metadata()

    def labelled(figure):
        return view.demo_label(figure, metadata, lang)

    if year is None:
        trends = view.trend_figures(snapshot.table("programme_by_year"), lang)
        return {"trends": [labelled(figure) for figure in trends]}
    regions, threshold = snapshot.table("beneficiaries_by_region"), int(metadata["threshold"])
    types = snapshot.table("interventions_by_type")
    return {
        "map": labelled(view.region_map_figure(regions, year, lang, threshold)),
        "placements": labelled(view.placements_figure(snapshot.table("placements_by_sex"), lang)),
        "interventions": labelled(view.interventions_figure(types, lang)),
    }


@st.cache_resource(max_entries=64, show_spinner=False)
def public_content(version: int, lang: str, year: int | None) -> dict:
    """The public page's cards, tables and list of sources (``year``: the regions' table alone)
    worked out once per snapshot, language and year like its figures: the same for every
    visitor, never changed by the page. Written anew for each session, they were a quarter of
    its CPU (bench/RESULTS.md)."""
    from lib.public import outcomes, snapshot, view

    del version  # part of the cache key only
    if year is not None:
        return {
            "regions": view.regions_table(snapshot.table("beneficiaries_by_region"), year, lang)
        }
    published = snapshot.table("published_figures")
    return {
        "cards": view.headline_cards(published, lang),
        "placements": view.placements_table(snapshot.table("placements_by_sex"), lang),
        "interventions": view.interventions_table(snapshot.table("interventions_by_type"), lang),
        "outcomes": {
            name: outcomes.national_view(snapshot.table(f"{name}_at_12_months"), kind, lang)
            for kind, name in (("beneficiary", "projects"), ("placement", "jobs"))
        },
        "sources": "\n".join(source_item(source, lang) for source in view.sources(published, lang)),
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
