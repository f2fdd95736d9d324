"""lib.charts: figures carry the data, the language's separators, and need no network."""

from __future__ import annotations

import json

import pandas as pd

from lib import charts, geo

FRAME = pd.DataFrame(
    {
        "year": [2018, 2019],
        "budget_mad": [8_100_000, 13_500_000],
        "beneficiaries": [270, 478],
        "women": [30, 67],
    }
)


def test_bar_chart_carries_values_title_and_french_separators():
    fig = charts.bar_chart(FRAME, "year", "budget_mad", "Budget", "Année", "MAD", "fr")
    assert list(fig.data[0].y) == [8_100_000, 13_500_000]
    assert fig.layout.title.text == "Budget"
    assert fig.layout.separators == ", "
    assert (
        charts.bar_chart(FRAME, "year", "budget_mad", "B", "Y", "M", "en").layout.separators == ".,"
    )


def test_horizontal_bars_keep_categories_on_y():
    fig = charts.bar_chart(FRAME, "year", "budget_mad", "B", "Y", "M", horizontal=True)
    assert fig.data[0].orientation == "h"
    assert list(fig.data[0].x) == [8_100_000, 13_500_000]


def test_line_and_grouped_charts_have_one_trace_per_series():
    series = {"beneficiaries": "Bénéficiaires", "women": "Femmes"}
    line = charts.line_chart(FRAME, "year", series, "T", "Année", "N")
    assert [trace.name for trace in line.data] == ["Bénéficiaires", "Femmes"]
    bars = charts.grouped_bar_chart(FRAME, "year", series, "T", "Année", "N")
    assert bars.layout.barmode == "stack" and len(bars.data) == 2


def test_palette_is_colour_blind_safe_okabe_ito():
    assert charts.PALETTE[:3] == ("#0072B2", "#E69F00", "#009E73")


def test_region_map_draws_offline_with_overlays():
    regions = pd.DataFrame({"region_code": [1, 6], "name": ["A", "B"], "v": [1.0, 2.0]})
    empty = pd.DataFrame({"region_code": [12], "name": ["C"]})
    fig = charts.region_map(
        regions,
        geo.regions_geojson(),
        "v",
        "name",
        "Map",
        "v",
        overlays=[(empty, "none", charts.NONE_COLOUR)],
    )
    assert fig.data[0].type == "choroplethmap"
    assert list(fig.data[1].locations) == [12]
    assert fig.layout.map.style == "white-bg"
    layout = json.dumps(fig.layout.to_plotly_json())
    assert "http" not in layout  # no tile server, no CDN style


def test_donut_shows_shares():
    frame = pd.DataFrame({"name": ["Social", "Médical"], "n": [3, 1]})
    fig = charts.donut_chart(frame, "name", "n", "Types")
    assert fig.data[0].hole == 0.45 and list(fig.data[0].values) == [3, 1]
