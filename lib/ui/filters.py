"""The sidebar filters (year, regions, sectors, sex) and their URL form, for Streamlit pages.

Reads the selection from the URL on a session's first run, keeps it in the session, writes it
back to the URL when it changes, and says which link parameter could not be read. The parsing
itself is pure: ``lib.warehouse.filters``.
"""

from __future__ import annotations

from dataclasses import replace

import streamlit as st

from lib.formatting import format_list
from lib.i18n import current_language as lang
from lib.i18n import t
from lib.ui import exports
from lib.ui.text import said, url_params, url_values
from lib.warehouse import filters as flt
from lib.warehouse import queries

WIDGET_KEYS = {"year": "f_year", "regions": "f_regions", "sectors": "f_sectors", "sexes": "f_sexes"}


def _default_year(options: flt.FilterOptions) -> int:
    return max(options.years)


def _shadow(options: flt.FilterOptions) -> flt.Filters:
    """The session's selection; read from the URL on the session's first run."""
    if flt.SHADOW not in st.session_state:
        parsed, problems = flt.parse_query_params(
            url_params() | _repeated_params(), options, _default_year(options)
        )
        st.session_state[flt.SHADOW] = parsed
        st.session_state["filter_problems"] = problems
    return st.session_state[flt.SHADOW]


def _repeated_params() -> dict[str, list[str]]:
    # ?region=1&region=6 as well as ?region=1,6
    return {
        key: url_values(key)
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
    shown = lang()
    with st.sidebar:
        st.header(t("filters.title"), anchor=False)  # h2: the page's own title is its h1
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
            # The language is bound now: Streamlit may format a choice outside this run.
            "sexes": (
                options.sexes,
                lambda code: t(f"common.sex_{code}", shown),
                "filters.all_sexes",
            ),
        }
        for field, (choices, label_of, placeholder) in choice_widgets.items():
            if field in fields:
                st.session_state[WIDGET_KEYS[field]] = list(getattr(shadow, field))
                _choice_list(field, choices, label_of, placeholder)
    selection = flt.with_year(st.session_state[flt.SHADOW], shown_year)
    # A filter this page does not draw does not narrow it (interventions carry no sector).
    selection = replace(
        selection, **{f: () for f in ("regions", "sectors", "sexes") if f not in fields}
    )
    _sync_url(st.session_state[flt.SHADOW], options)
    _show_param_problems()
    if shown_year != shadow.year:
        st.info(t("filters.year_fallback", asked=shadow.year, shown=shown_year))
    exports.note_selection(selection)  # the page's downloads say what it was filtered by
    return selection


def _choice_list(field: str, choices, label_of, placeholder: str) -> None:
    """One filter's list (regions, sectors, sexes), bound to the shadow selection."""
    st.multiselect(
        t(f"filters.{field}"),
        choices,
        format_func=label_of,
        key=WIDGET_KEYS[field],
        placeholder=t(placeholder),
        on_change=_store,
        args=(field,),
        # Streamlit's "Select all" entry speaks English only, and choosing nothing already
        # means all (the placeholder says so): not offered.
        select_all=False,
    )


def _sync_url(selection: flt.Filters, options: flt.FilterOptions) -> None:
    wanted = flt.to_query_params(selection, _default_year(options))
    others = {k: v for k, v in st.query_params.to_dict().items() if k not in flt.URL_KEYS.values()}
    if st.query_params.to_dict() != {**others, **wanted}:
        st.query_params.from_dict({**others, **wanted})


def _show_param_problems() -> None:
    for problem in st.session_state.get("filter_problems", []):
        st.warning(
            said(problem.message_key, name=problem.name, value=problem.value, **problem.params),
            icon=":material/link_off:",
        )


def selection_summary(selection: flt.Filters) -> str:
    """A sentence naming what the figures cover, for captions under narrowed views."""
    if not selection.is_narrowed:
        return t("filters.summary_all")
    parts = []
    if selection.regions:
        region_names = queries.names("region", lang())
        parts.append(format_list((region_names[str(code)] for code in selection.regions), lang()))
    if selection.sectors:
        sector_names = queries.names("sector", lang())
        parts.append(format_list((sector_names[code] for code in selection.sectors), lang()))
    if selection.sexes:
        parts.append(format_list((t(f"common.sex_{code}") for code in selection.sexes), lang()))
    return t("filters.summary", parts=" · ".join(parts))
