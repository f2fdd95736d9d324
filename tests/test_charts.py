"""lib.charts: figures carry the data, the language's separators, and need no network."""

from __future__ import annotations

import json

import pandas as pd
import plotly.graph_objects as go
import pytest

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


def _map(lang: str = "fr"):
    regions = pd.DataFrame({"region_code": [1, 6], "name": ["A", "B"], "v": [1.0, 2.0]})
    empty = pd.DataFrame({"region_code": [12], "name": ["C"]})
    return charts.region_map(
        regions,
        geo.regions_geojson(),
        "v",
        "name",
        "Map",
        "v",
        lang,
        overlays=[(empty, "none", charts.NONE_COLOUR)],
    )


def test_region_map_draws_svg_shapes_offline_with_overlays():
    fig = _map()
    shapes = [trace for trace in fig.data if trace.fill == "toself"]
    assert [trace.meta for trace in shapes] == [1, 6, 12]
    assert {trace.type for trace in fig.data} == {"scatter"}  # SVG: no tiles, no WebGL
    assert shapes[-1].fillcolor == charts.NONE_COLOUR and shapes[-1].showlegend
    assert shapes[1].fillcolor != shapes[0].fillcolor  # 2.0 darker than 1.0 on the scale
    layout = json.dumps(fig.layout.to_plotly_json())
    assert "http" not in layout  # no tile server, no CDN style
    # The map keeps its shape and fits its frame at any width; nothing to drag or zoom.
    assert fig.layout.yaxis.scaleanchor == "x" and fig.layout.yaxis.constrain == "domain"
    assert fig.layout.xaxis.fixedrange and fig.layout.dragmode is False


def test_region_map_key_and_legend_lie_under_the_map():
    fig = _map()
    key = fig.data[-1].marker.colorbar
    assert key.orientation == "h" and key.yanchor == "top" and key.y < 0
    assert fig.layout.legend.yref == "container" and fig.layout.legend.y == 0


def test_each_region_names_itself_on_hover_in_the_languages_format():
    fig = _map("fr")
    assert fig.data[0].text == "A<br>v\u00a0: 1,0"
    assert _map("en").data[1].text == "B<br>v: 2.0"


def test_arabic_titles_and_legends_sit_on_the_right_and_the_time_axis_stays_ltr():
    series = {"beneficiaries": "المستفيدون", "women": "النساء"}
    fig = charts.line_chart(FRAME, "year", series, "العنوان", "السنة", "العدد", "ar")
    assert (fig.layout.title.x, fig.layout.title.xanchor) == (1, "right")
    assert fig.layout.legend.xanchor == "right"
    assert fig.layout.xaxis.autorange is None  # never reversed
    french = charts.line_chart(FRAME, "year", series, "Titre", "Année", "N", "fr")
    assert (french.layout.title.x, french.layout.title.xanchor) == (0, "left")


def test_long_titles_wrap_for_a_phone_and_get_their_room():
    title = "Interventions des centres d'accompagnement post-carcéral par année"
    fig = charts.bar_chart(FRAME, "year", "budget_mad", title, "Année", "MAD")
    assert fig.layout.title.text.count("<br>") == 1
    assert fig.layout.title.text.replace("<br>", " ") == title
    short = charts.bar_chart(FRAME, "year", "budget_mad", "Budget", "Année", "MAD")
    assert fig.layout.margin.t == short.layout.margin.t + 22


def test_a_legend_above_the_plot_gets_rows_of_its_own_under_the_title():
    many = {column: f"Une série au nom assez long {column}" for column in FRAME.columns[1:]}
    fig = charts.line_chart(FRAME, "year", many, "T", "Année", "N")
    one = charts.line_chart(FRAME, "year", {"women": "Femmes"}, "T", "Année", "N")
    assert fig.layout.margin.t >= one.layout.margin.t + 2 * 22


@pytest.mark.parametrize(("lang", "x", "anchor"), [("fr", 0, "left"), ("ar", 1, "right")])
def test_the_title_sits_on_the_figures_edge_and_the_legend_gets_its_rows(lang, x, anchor):
    # Long region names down the side push the plot inwards: a title placed on the plot
    # ("paper") would be cut at the figure's edge, and the legend there takes more rows.
    regions = pd.DataFrame(
        {"name": ["Tanger-Tétouan-Al Hoceïma", "Oriental"], "a": [1, 2], "b": [2, 3]}
    )
    series = {"a": "A"}
    fig = charts.grouped_bar_chart(regions, "name", series, "T", "R", "N", lang, horizontal=True)
    title, legend = fig.layout.title, fig.layout.legend
    assert (title.xref, title.x, title.xanchor) == ("container", x, anchor)
    assert (legend.x, legend.xanchor) == (x, anchor)
    # On the plot, beside the names, two entries take a row each: the title keeps its room.
    one = charts.grouped_bar_chart(regions, "name", {"a": "A"}, "T", "R", "N", lang)
    two = charts.grouped_bar_chart(regions, "name", {"a": "Référence 2019", "b": "Scénario"},
                                   "T", "R", "N", lang, horizontal=True)  # fmt: skip
    assert two.layout.margin.t == one.layout.margin.t + 2 * 22


def test_a_legend_too_wide_for_one_row_is_counted_in_columns_of_its_widest_entry():
    def legend_of(*names: str) -> list[dict]:
        return [{"type": "scatter", "x": [1], "y": [1], "name": name} for name in names]

    assert charts._legend_rows(legend_of("Administratif", "Juridique")) == 1  # 131 + 103 px
    five = legend_of("Administratif", "Juridique", "Social", "Familial", "Médical")
    assert charts._legend_rows(five) == 3  # 131 px columns, two a row on a phone, as Plotly does


def test_horizontal_grouped_bars_put_names_down_the_side():
    regions = pd.DataFrame(
        {"name": [f"Région {i}" for i in range(12)], "a": range(12), "b": range(12)}
    )
    fig = charts.grouped_bar_chart(
        regions, "name", {"a": "A", "b": "B"}, "T", "Région", "N", stacked=False, horizontal=True
    )
    assert {trace.orientation for trace in fig.data} == {"h"}
    assert list(fig.data[0].y) == list(regions["name"])
    assert fig.layout.yaxis.autorange == "reversed" and fig.layout.barmode == "group"
    assert fig.layout.height >= 12 * 40  # two bars a region, each readable


def test_the_demonstration_note_is_a_line_under_the_title():
    plain = charts.bar_chart(FRAME, "year", "budget_mad", "B", "Y", "M")
    fig = charts.with_note(charts.bar_chart(FRAME, "year", "budget_mad", "B", "Y", "M"), "démo")
    assert fig.layout.title.subtitle.text == "démo"
    assert not fig.layout.annotations
    # Its own line: the plot and a legend above it move down under the note.
    assert fig.layout.margin.t == plain.layout.margin.t + charts.NOTE_ROOM


def test_donut_shows_shares_written_by_babel():
    frame = pd.DataFrame({"name": ["Social", "Médical"], "n": [3_000, 1_000]})
    fig = charts.donut_chart(frame, "name", "n", "Types")
    assert fig.data[0].hole == 0.45 and list(fig.data[0].values) == [3_000, 1_000]
    # "75 %" with a no-break space, as every other French percentage; not Plotly's "75%".
    assert list(fig.data[0].text) == ["75\xa0%", "25\xa0%"] and fig.data[0].textinfo == "text"
    assert list(fig.data[0].customdata) == ["3\u202f000", "1\u202f000"]
    assert list(charts.donut_chart(frame, "name", "n", "T", "en").data[0].text) == ["75%", "25%"]


def test_chart_text_is_dark_enough_on_white():
    """Streamlit's chart theme greys axes to #808495 (3.8:1): the figures set their own."""
    for fig in (charts.bar_chart(FRAME, "year", "budget_mad", "B", "Y", "M"), _map()):
        layout = fig.layout
        assert layout.font.color == charts.TEXT_COLOUR
        for axis in (layout.xaxis, layout.yaxis):
            assert axis.tickfont.color == axis.title.font.color == charts.AXIS_COLOUR


def test_amounts_beside_long_names_get_three_ticks_so_they_stay_level_on_a_phone():
    regions = pd.DataFrame({"name": ["Tanger-Tétouan-Al Hoceïma", "Oriental"], "mad": [2.29e6, 0]})
    money = charts.bar_chart(regions, "name", "mad", "T", "R", "MAD", horizontal=True)
    assert money.layout.xaxis.nticks == 3
    people = charts.bar_chart(
        regions.assign(mad=[79, 0]), "name", "mad", "T", "R", "N", horizontal=True
    )
    assert people.layout.xaxis.nticks == 5


def test_every_builder_gives_a_figure_plotly_validates_the_same():
    """Built from plain dictionaries (``_figure``), a figure is the one Plotly's own validation
    gives back: no property it would refuse or change."""
    series = {"beneficiaries": "Bénéficiaires", "women": "Femmes"}
    figures = [
        charts.bar_chart(FRAME, "year", "budget_mad", "B", "Y", "M", "ar", horizontal=True),
        charts.grouped_bar_chart(FRAME, "year", series, "T", "Année", "N", horizontal=True),
        charts.line_chart(FRAME, "year", series, "T", "Année", "N", "en"),
        charts.donut_chart(FRAME, "year", "women", "T", "fr"),
        _map("ar"),
    ]
    for figure in figures:
        as_json = json.loads(figure.to_json())
        assert json.loads(go.Figure(as_json).to_json()) == as_json
