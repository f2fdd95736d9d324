"""Streamlit building blocks shared by the pages: header, filters, tiles, chart blocks.

Pages stay thin: they read the filters, call lib.warehouse.queries, and hand DataFrames to these
blocks.
Data first, drawing second: one frame feeds the chart, the table and the CSV download.
"""

from __future__ import annotations

import runpy
from dataclasses import replace

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from lib.config import REPO_DIR
from lib.export import csv_bytes, file_slug
from lib.formatting import format_change, format_money, format_number, format_percent_value
from lib.i18n import current_language, name_column, t
from lib.warehouse import filters as flt
from lib.warehouse import queries

PLOTLY_CONFIG = {
    "displaylogo": False,
    "toImageButtonOptions": {"format": "png", "scale": 2},
    "modeBarButtonsToRemove": ["lasso2d", "select2d"],
}
WIDGET_KEYS = {"year": "f_year", "regions": "f_regions", "sectors": "f_sectors", "sexes": "f_sexes"}


ROUTED = "_routed_by_app"
APP_PATH = REPO_DIR / "app.py"


def lang() -> str:
    return current_language()


def start_page() -> str:
    """First call of every page: make sure app.py routed this run; return the session language.

    Streamlit runs a script of ``pages/`` on its own when the first request after a server
    start names it (its "pages directory" mode; AppTest does so on every run), which would skip
    app.py: its page config and the list of pages this session may open. Such a run switches
    that mode off, runs app.py in its place within the same run (so a button's click is not
    lost), and stops.
    """
    if not st.session_state.get(ROUTED):
        from streamlit.runtime.pages_manager import PagesManager

        PagesManager.uses_pages_directory = False
        runpy.run_path(str(APP_PATH), run_name="__main__")
        st.stop()
    return current_language()


def page_header(title: str, intro: str | None = None, demo: bool = False) -> None:
    st.title(title)
    if demo:
        demo_badge()
    if intro:
        st.caption(intro)


def demo_badge() -> None:
    """Shown wherever demo records feed a figure: they are not the foundation's records."""
    st.badge(
        t("common.demo_badge"),
        icon=":material/science:",
        color="orange",
        help=t("common.demo_help"),
    )


# --- filters --------------------------------------------------------------------------------


def _default_year(options: flt.FilterOptions) -> int:
    return max(options.years)


def _shadow(options: flt.FilterOptions) -> flt.Filters:
    """The session's selection; read from the URL on the session's first run."""
    if flt.SHADOW not in st.session_state:
        parsed, problems = flt.parse_query_params(
            st.query_params.to_dict() | _repeated_params(), options, _default_year(options)
        )
        st.session_state[flt.SHADOW] = parsed
        st.session_state["filter_problems"] = problems
    return st.session_state[flt.SHADOW]


def _repeated_params() -> dict[str, list[str]]:
    # ?region=1&region=6 as well as ?region=1,6
    return {
        key: st.query_params.get_all(key)
        for key in ("region", "sector", "sex")
        if len(st.query_params.get_all(key)) > 1
    }


def _store(field: str) -> None:
    value = st.session_state[WIDGET_KEYS[field]]
    value = value if field == "year" else tuple(value)
    current = st.session_state[flt.SHADOW]
    st.session_state[flt.SHADOW] = flt.Filters(**{**current.__dict__, field: value})


def sidebar_filters(
    options: flt.FilterOptions,
    fields: tuple[str, ...] = ("year", "regions", "sectors", "sexes"),
    years: tuple[int, ...] | None = None,
) -> flt.Filters:
    """Draw the filters this page uses; return the selection this page shows."""
    shadow = _shadow(options)
    years = tuple(years or options.years)
    shown_year = flt.effective_year(shadow.year, years)
    region_names = queries.names("region", lang())
    sector_names = queries.names("sector", lang())
    with st.sidebar:
        st.subheader(t("filters.title"))
        if "year" in fields:
            st.session_state[WIDGET_KEYS["year"]] = shown_year
            st.selectbox(
                t("filters.year"),
                sorted(years, reverse=True),
                key=WIDGET_KEYS["year"],
                on_change=_store,
                args=("year",),
            )
        choice_widgets = {
            "regions": (
                options.regions,
                lambda code: region_names[str(code)],
                "filters.all_regions",
            ),
            "sectors": (options.sectors, lambda code: sector_names[code], "filters.all_sectors"),
            "sexes": (options.sexes, lambda code: t(f"common.sex_{code}"), "filters.all_sexes"),
        }
        for field, (choices, label_of, placeholder) in choice_widgets.items():
            if field in fields:
                st.session_state[WIDGET_KEYS[field]] = list(getattr(shadow, field))
                st.multiselect(
                    t(f"filters.{field}"),
                    choices,
                    format_func=label_of,
                    key=WIDGET_KEYS[field],
                    placeholder=t(placeholder),
                    on_change=_store,
                    args=(field,),
                )
    selection = flt.with_year(st.session_state[flt.SHADOW], shown_year)
    # A filter this page does not draw does not narrow it (interventions carry no sector).
    selection = replace(
        selection, **{f: () for f in ("regions", "sectors", "sexes") if f not in fields}
    )
    _sync_url(st.session_state[flt.SHADOW], options)
    _show_param_problems()
    if shown_year != shadow.year:
        st.info(t("filters.year_fallback", asked=shadow.year, shown=shown_year))
    return selection


def _sync_url(selection: flt.Filters, options: flt.FilterOptions) -> None:
    wanted = flt.to_query_params(selection, _default_year(options))
    others = {k: v for k, v in st.query_params.to_dict().items() if k not in flt.URL_KEYS.values()}
    if st.query_params.to_dict() != {**others, **wanted}:
        st.query_params.from_dict({**others, **wanted})


def _show_param_problems() -> None:
    for problem in st.session_state.get("filter_problems", []):
        st.warning(
            t(problem.message_key, name=problem.name, value=problem.value, **problem.params),
            icon=":material/link_off:",
        )


def selection_summary(selection: flt.Filters) -> str:
    """A sentence naming what the figures cover, for captions under narrowed views."""
    if not selection.is_narrowed:
        return t("filters.summary_all")
    parts = []
    if selection.regions:
        region_names = queries.names("region", lang())
        parts.append(", ".join(region_names[str(code)] for code in selection.regions))
    if selection.sectors:
        sector_names = queries.names("sector", lang())
        parts.append(", ".join(sector_names[code] for code in selection.sectors))
    if selection.sexes:
        parts.append(", ".join(t(f"common.sex_{code}") for code in selection.sexes))
    return t("filters.summary", parts=" · ".join(parts))


# --- figures --------------------------------------------------------------------------------


def chart_block(
    figure: go.Figure,
    table: pd.DataFrame,
    title: str,
    key: str,
    column_config: dict | None = None,
    table_label: str | None = None,
) -> None:
    """The chart, then the table behind it and its CSV download, in an expander (open when
    the table is a view of its own, such as the ranking of the regions)."""
    st.plotly_chart(figure, config=PLOTLY_CONFIG, key=f"chart_{key}")
    label = table_label or t("common.data_behind", title=title)
    with st.expander(label, expanded=table_label is not None):
        height = 36 * (len(table) + 1) + 4 if table_label and len(table) <= 20 else "auto"
        st.dataframe(
            display_table(table), hide_index=True, column_config=column_config, height=height
        )
        st.download_button(
            t("common.download_csv"),
            data=csv_bytes(table),
            file_name=f"idmaj-{file_slug(title)}.csv",
            mime="text/csv",
            key=f"download_{key}",
            icon=":material/download:",
            on_click="ignore",
        )


def localized_names(frame: pd.DataFrame, target: str = "name") -> pd.DataFrame:
    """Add a ``name`` column in the session's language from the name_fr/ar/en columns."""
    frame = frame.copy()
    frame[target] = frame[name_column(lang())]
    return frame


def empty_selection_message() -> None:
    st.info(t("common.empty_selection"), icon=":material/filter_alt_off:")


# --- tiles and tables -----------------------------------------------------------------------

_COLUMN_LABELS = {
    "year": "common.year",
    "beneficiaries": "common.beneficiaries",
    "budget_mad": "common.budget",
    "women": "common.women",
    "men": "common.men",
    "placements": "common.placements",
    "interventions": "common.interventions",
    "cost_per_beneficiary": "common.cost_per_beneficiary",
    "share_women": "common.share_women",
}


def column_label(column: str) -> str:
    return t(_COLUMN_LABELS.get(column, f"common.{column}"))


def labelled(frame: pd.DataFrame, columns: tuple[str, ...] | list[str]) -> pd.DataFrame:
    """The columns a table or CSV shows, headed in the session's language."""
    return frame[list(columns)].rename(columns={c: column_label(c) for c in columns})


def display_table(table: pd.DataFrame) -> pd.DataFrame:
    """Numbers written the session's way (13 500 000, 2,4); the CSV keeps raw numbers."""
    plain = {t("common.year"), t("common.rank"), t("interventions.month")}
    money = {t("common.budget"), t("common.cost_per_beneficiary"), t("sim.scenario_money")}
    shown = table.copy()
    for column in shown.columns:
        series = shown[column]
        if column in plain or not pd.api.types.is_numeric_dtype(series):
            continue
        if pd.api.types.is_bool_dtype(series):
            continue
        whole = pd.api.types.is_integer_dtype(series) or column in money
        digits = 0 if whole else 1
        shown[column] = [format_number(value, lang(), digits) for value in series]
    return shown


def year_table(frame: pd.DataFrame, columns: tuple[str, ...]) -> pd.DataFrame:
    return labelled(frame, ("year", *columns))


def _published_note(kpi, published: dict, selection) -> str | None:
    """'Publié : plus de 13 500 000 MAD (MAP, 2019-05-29)' for a national figure a source states."""
    if selection.is_narrowed or kpi.year is None:
        return None
    period = "2018-2019" if kpi.key == "capc_interventions" else str(kpi.year)
    row = published.get((kpi.key, period, "national"))
    if row is None:
        return None
    value = row["value"]
    shown = format_money(value, lang()) if row["unit"] == "MAD" else format_number(value, lang())
    if row["qualifier"] in ("at_least", "approx"):
        shown = t(f"common.{row['qualifier']}", value=shown)
    return t("overview.published_note", value=shown, period=period, source=row["source_title"])


def _delta_text(kpi) -> str | None:
    # A share moves in percentage points: 12 % -> 14 % is "+2,0 pts", not "+17 %".
    if kpi.key.startswith("share_"):
        if kpi.value is None or kpi.previous is None:
            return None
        points = (kpi.value - kpi.previous) * 100
        sign = "+" if points > 0 else ("-" if points < 0 else "")
        return t("common.points", value=sign + format_number(abs(points), lang(), digits=1))
    return format_change(kpi.change, lang()) if kpi.change is not None else None


def kpi_tile(kpi, fmt, published: dict, selection) -> None:
    """A metric with its change against the previous year and, where one exists, the source."""
    label = t(f"overview.kpi_{kpi.key}")
    if kpi.year is not None and kpi.year != selection.year:
        label = t("overview.kpi_in_year", label=label, year=kpi.year)
    value = (
        fmt(kpi.value, lang())
        if kpi.value is not None
        else t("common.no_data_year", year=selection.year)
    )
    delta = _delta_text(kpi)
    help_text = t("overview.delta_help", year=kpi.previous_year) if delta else None
    st.metric(label, value, delta, help=help_text, border=True)
    note = _published_note(kpi, published, selection)
    if note:
        st.caption(note)
    if kpi.key == "capc_interventions" and selection.sectors:
        st.caption(t("overview.no_sector"))


def download(table: pd.DataFrame, title: str, key: str) -> None:
    st.download_button(
        t("common.download_csv"),
        data=csv_bytes(table),
        file_name=f"idmaj-{file_slug(title)}.csv",
        mime="text/csv",
        key=f"download_{key}",
        icon=":material/download:",
        on_click="ignore",
    )


def _qualified(value: float, unit: str, qualifier: str) -> str:
    if unit == "MAD":
        text = format_money(value, lang())
    elif unit == "percent":
        text = format_percent_value(value / 100, lang(), digits=2)
    else:
        text = format_number(value, lang())
    return t(f"common.{qualifier}", value=text) if qualifier in ("at_least", "approx") else text


def _figure_key(frame: pd.DataFrame) -> dict:
    """Indicator, period and scope of published figures, as a reader names them."""
    return {
        t("sources.col_indicator"): [t(f"indicator.{code}") for code in frame["indicator"]],
        t("sources.col_period"): frame["period"],
        t("sources.col_scope"): [
            t("sources.national") if scope == "national" else scope for scope in frame["scope"]
        ],
    }


def _qualified_column(values, units, qualifiers) -> list[str]:
    return [_qualified(v, u, q) for v, u, q in zip(values, units, qualifiers, strict=True)]


def figure_table(figures: pd.DataFrame) -> pd.DataFrame:
    """Published figures as a reader sees them: indicator named, value qualified, source linked."""
    return pd.DataFrame(
        {
            **_figure_key(figures),
            t("sources.col_value"): _qualified_column(
                figures["value"], figures["unit"], figures["qualifier"]
            ),
            t("sources.col_source"): figures["source_title"],
            t("sources.col_date"): figures["source_date"],
            t("sources.col_url"): figures["source_url"],
            t("sources.col_quote"): figures["quote"],
            t("sources.col_note"): figures["note"],
        }
    )


def reconciliation_table(frame: pd.DataFrame) -> pd.DataFrame:
    """Published value next to the warehouse's own, figure by figure."""
    return pd.DataFrame(
        {
            **_figure_key(frame),
            t("sources.col_published"): _qualified_column(
                frame["published_value"], frame["unit"], frame["qualifier"]
            ),
            t("sources.col_warehouse"): _qualified_column(
                frame["warehouse_value"], frame["unit"], ["exact"] * len(frame)
            ),
            t("sources.col_match"): ["✓" if ok else "✗" for ok in frame["matches"]],
            t("sources.col_source"): frame["source_title"],
            t("sources.col_url"): frame["source_url"],
        }
    )


def provenance_table(frame: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame(
        {
            t("sources.col_table"): [t(f"sources.table_{name}") for name in frame["record_table"]],
            t("sources.col_demo"): frame["demo"],
            t("sources.col_imported"): frame["imported"],
        }
    )


def source_column_config() -> dict:
    return {
        t("sources.col_url"): st.column_config.LinkColumn(display_text=t("sources.open_link")),
        t("sources.col_date"): st.column_config.DateColumn(format="YYYY-MM-DD"),
    }


# --- the public page ------------------------------------------------------------------------


def public_year(years: list[int]) -> int:
    """The public page's one choice besides language: the programme year (also ?year=)."""
    if "public_year" not in st.session_state:
        asked = st.query_params.get("year")
        st.session_state["public_year"] = years[0]
        if asked is not None:
            if asked.isdigit() and int(asked) in years:
                st.session_state["public_year"] = int(asked)
            else:
                st.warning(
                    t(
                        "filters.bad_year",
                        value=asked,
                        allowed=", ".join(str(y) for y in sorted(years)),
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
    if year is None:
        return {"trends": view.trend_figures(snapshot.table("programme_by_year"), lang)}
    return {
        "map": view.region_map_figure(snapshot.table("beneficiaries_by_region"), year, lang),
        "placements": view.placements_figure(snapshot.table("placements_by_sex"), lang),
        "interventions": view.interventions_figure(snapshot.table("interventions_by_type"), lang),
    }


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
        st.download_button(
            t("public.download_table"),
            data=csv_bytes(snapshot.table(name)),
            file_name=f"idmaj-{name}.csv",
            mime="text/csv",
            icon=":material/download:",
            on_click="ignore",
        )
    with right:
        archive = snapshot.zip_path()
        if archive.exists():
            st.download_button(
                t("public.download_zip"),
                data=archive.read_bytes(),
                file_name=archive.name,
                mime="application/zip",
                icon=":material/folder_zip:",
                on_click="ignore",
            )
