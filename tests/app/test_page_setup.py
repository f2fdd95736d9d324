"""Every page's setup, in each language: one h1 then h2 sections (no h3 right under the title),
the tab's title, the document's language and direction, a local page icon, deltas and Latin
names that read right in Arabic, figures written by Babel in charts and tables."""

from __future__ import annotations

import html
import json

import pytest
import streamlit as st
from streamlit.proto.Metric_pb2 import Metric

from lib.i18n import t
from lib.ui import blocks, shell
from tests.app.helpers import assert_clean, open_page, plotly_charts, plotly_spec, texts

PAGES = (
    "overview",
    "budgets",
    "regions",
    "placements",
    "interventions",
    "outcomes",
    "simulator",
    "sources",
    "public",
    "data_admin",
)
LRI, FSI, PDI, LRM = "\u2066", "\u2068", "\u2069", "\u200e"


@pytest.mark.parametrize("page", PAGES)
def test_one_title_then_sections_never_a_skipped_level(page):
    at = open_page(page)
    assert_clean(at)
    assert len(at.main.title) == 1
    assert at.main.header  # h2 sections
    assert not at.main.subheader and not at.sidebar.subheader  # no h3 under the h1


@pytest.mark.parametrize(
    ("lang", "title"),
    [("fr", "Idmaj — Budgets"), ("ar", "إدماج — الميزانيات"), ("en", "Idmaj — Budgets")],
)
def test_the_tab_names_the_page_in_its_language_with_a_local_icon(monkeypatch, lang, title):
    calls = []
    real = st.set_page_config

    def recorded(**config):
        calls.append(config)
        return real(**config)

    monkeypatch.setattr(st, "set_page_config", recorded)
    open_page("budgets", {"lang": lang})
    assert calls[-1]["page_title"] == title
    # A file of the app's own, served by Streamlit: not a Material icon from a font host.
    assert {call["page_icon"] for call in calls if "page_icon" in call} == {shell.FAVICON}
    assert shell.FAVICON.is_file()


@pytest.mark.parametrize(("lang", "direction"), [("fr", "ltr"), ("ar", "rtl"), ("en", "ltr")])
def test_the_document_gets_the_language_and_direction_shown(lang, direction):
    at = open_page("overview", {"lang": lang})
    scripts = [html for html in at.get("html") if html.proto.unsafe_allow_javascript]
    assert len(scripts) == 1
    body = scripts[0].proto.body
    assert f'data-lang="{lang}"' in body and f'data-dir="{direction}"' in body
    assert f'data-description="{html.escape(t("site.description", lang))}"' in body
    # One constant script (a policy may allow it by its hash); Streamlit's sanitizer would drop
    # a script whose text holds an angle bracket.
    assert f"<script>{shell.DOCUMENT_SCRIPT}</script>" in body
    assert "<" not in shell.DOCUMENT_SCRIPT and ">" not in shell.DOCUMENT_SCRIPT.replace("=>", "")
    styles = [html.proto.body for html in at.get("html") if not html.proto.unsafe_allow_javascript]
    assert any(("direction: rtl" in style) == (lang == "ar") for style in styles)


def _metric(at, key: str, lang: str):
    return next(metric for metric in at.metric if metric.label == t(key, lang))


def test_arabic_deltas_read_plus_six_percent_not_six_percent_minus():
    at = open_page("overview", {"lang": "ar"})
    cost = _metric(at, "overview.kpi_cost", "ar")
    assert cost.delta == f"{LRI}-6%{PDI}"
    # The isolate hides the leading "-" Streamlit reads: colour and arrow are given (a falling
    # cost per beneficiary is good news, lib.tiles: green, pointing down).
    assert cost.proto.color == Metric.MetricColor.GREEN
    assert cost.proto.direction == Metric.MetricDirection.DOWN
    budget = _metric(at, "overview.kpi_programme_budget", "ar")
    assert budget.delta == f"{LRI}+67%{PDI}" and budget.proto.color == Metric.MetricColor.GREEN
    women = _metric(at, "overview.kpi_share_women", "ar")
    assert women.delta.startswith(f"{LRI}+2,2{PDI}")  # the figure alone, not the word


def test_french_deltas_are_plain_text_with_their_colour():
    at = open_page("overview")
    budget = _metric(at, "overview.kpi_programme_budget", "fr")
    assert budget.delta == "+67\xa0%" and budget.proto.direction == Metric.MetricDirection.UP


def test_latin_source_names_keep_their_brackets_in_arabic():
    at = open_page("overview", {"lang": "ar"})
    notes = [caption for caption in texts(at.caption) if "Libération" in caption]
    # Isolated, the Latin name keeps its own brackets where an Arabic line would mirror them.
    assert notes and all(f"{FSI}Libération (MAP){PDI}" in note for note in notes)


def test_public_tables_align_figures_and_keep_markers_left_to_right_in_arabic():
    at = open_page("public", {"lang": "ar"})
    assert_clean(at)
    table = at.main.dataframe[0]
    column = t("common.beneficiaries", "ar")
    config = json.loads(table.proto.columns)
    assert config[column]["alignment"] == "right"
    cells = table.value[column].tolist()
    assert f"{LRM}< 10{LRM}" in cells  # a canvas ignores isolates: marks keep "< 10"
    # Under its long header, the rate column is narrowed so its figures stay in sight.
    rate = t("public.rate_census", "ar", year=2014)  # 2019 divided by its nearest census
    assert config[rate]["width"] == blocks.FIGURE_COLUMN_PX and config[rate]["help"] == rate


def test_the_french_donut_writes_percentages_as_babel_does():
    at = open_page("interventions")
    donut = plotly_spec(plotly_charts(at)[0])["data"][0]
    assert donut["type"] == "pie" and donut["textinfo"] == "text"
    assert all(share.endswith("\xa0%") for share in donut["text"])


def test_the_simulator_compares_regions_with_horizontal_bars():
    at = open_page("simulator")
    bars = next(chart for chart in plotly_charts(at) if chart.key == "sim_bars")
    traces = plotly_spec(bars)["data"]
    assert {trace["orientation"] for trace in traces} == {"h"}
    assert len(traces[0]["y"]) == 12


def test_the_upload_box_says_its_limit_in_the_pages_language():
    at = open_page("data_admin", {"lang": "ar"})
    assert t("admin.upload_limit", "ar", size=20) in texts(at.caption)
