"""Shared code of the AppTest suites: open a page through app.py, read what it shows.

Every AppTest starts from app.py (the router), as a browser does, then switches to the page.
Numbers are compared as the page prints them (Babel, fr_MA): U+202F between thousands,
U+00A0 before a unit, e.g. ``13\u202f500\u202f000\xa0MAD``.
"""

from __future__ import annotations

import base64
import itertools
import json
import re
from collections.abc import Callable, Iterable
from pathlib import Path

import numpy as np
import pandas as pd
from streamlit.testing.v1 import AppTest

from lib.i18n import t
from lib.ui import blocks
from lib.warehouse import queries
from lib.warehouse.filters import FilterOptions, Filters, to_query_params

REPO = Path(__file__).resolve().parents[2]
APP = REPO / "app.py"
TIMEOUT = 30
PAGES = ("overview", "budgets", "regions", "placements", "interventions", "sources")
NNBSP = "\u202f"  # thousands separator in fr_MA
NBSP = "\xa0"  # before a unit: "MAD", "%"
# One unreadable value per URL parameter: each must give a warning naming it, not an exception.
BAD_PARAMS = (("year", "abc"), ("region", "99"), ("sector", "x"), ("sex", "Z"))

# A badge is markdown in the element tree: st.badge("x", icon=..., color="orange") arrives as
# ``:orange-badge[:material/science: x]``; AppTest has no badge element of its own.
_BADGE = re.compile(r"^:(?P<color>[a-z]+)-badge\[(?::material/[a-z_]+: )?(?P<label>.*)\]$")


def fr(key: str, **params) -> str:
    """A message of the French catalog, as the page shows it."""
    return t(key, "fr", **params)


def new_app(query: dict[str, str] | None = None) -> AppTest:
    """app.py, not run yet, for a French-speaking browser in Morocco (the app's language)."""
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT)
    at.context["locale"] = "fr-MA"
    for name, value in (query or {}).items():
        at.query_params[name] = value
    return at


def open_page(page: str, query: dict[str, str] | None = None) -> AppTest:
    """Run app.py (the overview, its default page), then switch to ``page`` if it is another."""
    at = new_app(query).run()
    if page != "overview":
        at.switch_page(f"pages/{page}.py").run()
    return at


def open_with_bad_param(page: str, name: str, value: str) -> AppTest:
    """``page`` opened by a link with one unreadable parameter: exactly one warning naming the
    value, no exception, and the parameter dropped from the URL. The caller checks the view."""
    at = open_page(page, {name: value})
    assert_clean(at)
    warnings = texts(at.main.warning)
    assert len(warnings) == 1, warnings
    assert f"« {value} »" in warnings[0]
    assert at.query_params == {}
    return at


def assert_clean(at: AppTest) -> None:
    """The run raised nothing and showed no st.error."""
    assert not at.exception, [element.value for element in at.exception]
    assert not at.error, [element.value for element in at.error]


def metrics(at: AppTest) -> dict[str, tuple[str, str]]:
    """label -> (value, delta) of every st.metric; delta '' where the tile has none."""
    return {metric.label: (metric.value, metric.delta or "") for metric in at.metric}


def badges(at: AppTest) -> list[tuple[str, str]]:
    """(colour, label) of every badge in the main area."""
    found = []
    for element in at.main.markdown:
        match = _BADGE.match(element.value)
        if match:
            found.append((match["color"], match["label"]))
    return found


def plotly_charts(at: AppTest) -> list:
    """The st.plotly_chart elements (AppTest shows them as UnknownElement, type plotly_chart)."""
    return list(at.get("plotly_chart"))


def shown(element) -> pd.DataFrame:
    """A st.dataframe as the reader sees it: each cell as written on the page (the Babel
    display strings the table's Styler sends), ``—`` where missing. Years and ranks, written
    as their values, stay numbers, so that ``.loc[2019]`` still finds a year."""
    from streamlit.dataframe_util import convert_arrow_bytes_to_pandas_df

    value = element.value.reset_index(drop=True)
    styler = element.proto.arrow_data.styler
    if not styler.display_values:
        return value
    written = convert_arrow_bytes_to_pandas_df(styler.display_values).reset_index(drop=True)
    written.columns = value.columns
    for column in value.columns:
        if column in (fr("common.year"), fr("common.rank")):
            written[column] = value[column]
    return written


def _table_key(expander) -> str | None:
    """The state key of a chart's table expander (its element id ends with it), or None."""
    match = re.fullmatch(r"\$\$ID-[0-9a-f]+-(.+)", expander.proto.id)
    return match[1] if match and match[1].startswith(blocks.TABLE_KEY) else None


def open_tables(at: AppTest, labels: Iterable[str] | None = None) -> AppTest:
    """Open the charts' tables (all, or those whose expander has one of ``labels``) as a reader
    clicks them: a closed table is not drawn (``lib.ui.blocks.chart_block``), so the page
    reruns with them open."""
    wanted = None if labels is None else set(labels)
    keys = [
        key
        for expander in at.expander
        if (key := _table_key(expander)) and (wanted is None or expander.label in wanted)
    ]
    for key in keys:
        at.session_state[key] = True
    return at.run() if keys else at


def chart_table(at: AppTest, title: str) -> pd.DataFrame:
    """The table behind a chart: the dataframe in its expander 'Données du graphique : title',
    opened first if it is closed."""
    label = fr("common.data_behind", title=title)
    for _ in range(2):
        for expander in at.expander:
            if expander.label == label and len(expander.dataframe):
                return shown(expander.dataframe[0])
        open_tables(at, [label])
    raise AssertionError(f"no expander {label!r}; found {[e.label for e in at.expander]}")


def number(text: str) -> float:
    """'13\u202f500\u202f000' -> 13500000.0, '2,4' -> 2.4 (a table cell as printed)."""
    return float(str(text).replace(NNBSP, "").replace(NBSP, "").replace(",", "."))


def column_total(frame: pd.DataFrame, column: str) -> float:
    return sum(number(value) for value in frame[column])


def texts(elements: Iterable) -> list[str]:
    """What the elements show: the escapes of outside values (backslashes, zero-width spaces
    that stop bare addresses from becoming links) read as the text."""
    return [re.sub(r"\\(.)", r"\1", element.value).replace("\u200b", "") for element in elements]


def options() -> FilterOptions:
    return queries.filter_options()


def query_of(selection: Filters) -> dict[str, str]:
    """The URL parameters of a selection, as the app writes them (default year: 2019)."""
    return to_query_params(selection, max(options().years))


def candidate_selections(year: int = 2019) -> Iterable[Filters]:
    """Narrow selections to search: sector + sex, then one region, then region + sector + sex."""
    opts = options()
    for sector, sex in itertools.product(opts.sectors, opts.sexes):
        yield Filters(year, (), (sector,), (sex,))
    for region in opts.regions:
        yield Filters(year, (region,))
    for region, sector, sex in itertools.product(opts.regions, opts.sectors, opts.sexes):
        yield Filters(year, (region,), (sector,), (sex,))


def find_selection(wanted: Callable[[Filters], bool], year: int = 2019) -> Filters:
    """The first candidate selection of the demo data for which ``wanted`` holds.

    Asked of lib.warehouse.queries, so a test does not depend on which combination the demo
    generator
    happened to leave empty; fails if there is none.
    """
    for selection in candidate_selections(year):
        if wanted(selection):
            return selection
    raise AssertionError("no selection of the demo warehouse fits this test")


def select_filters(at: AppTest, selection: Filters, fields: Iterable[str]) -> AppTest:
    """Choose ``selection`` in the sidebar widgets, one change and one rerun at a time."""
    keys = {"regions": "f_regions", "sectors": "f_sectors", "sexes": "f_sexes"}
    for field in fields:
        if field == "year":
            at.selectbox(key="f_year").select(selection.year).run()
            continue
        for value in getattr(selection, field):
            at.multiselect(key=keys[field]).select(value).run()
    return at


def plotly_spec(chart) -> dict:
    """The figure a st.plotly_chart element sends to the browser."""
    return json.loads(chart.proto.spec)


def plotly_array(value) -> list:
    """A trace array as sent: a plain list, or Plotly's typed array {'dtype', 'bdata'}."""
    if isinstance(value, dict) and "bdata" in value:
        return np.frombuffer(base64.b64decode(value["bdata"]), dtype=value["dtype"]).tolist()
    return list(value)
