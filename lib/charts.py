"""Plotly figure builders: (DataFrame, columns, labels) -> Figure. No streamlit here.

Every builder takes already translated labels, so the same code draws French, Arabic and
English charts; numbers follow the language's separators, and labels Plotly would format itself
(the donut's shares) are written by Babel. In Arabic the title and legend sit on the right while
the time axis keeps running left to right, as Arabic statistical publications draw it. Colours
come from the Okabe-Ito palette, which stays distinct for the common forms of colour blindness.
Figures fit any width from a 390 px phone to a desktop: long titles wrap, the map is drawn as
SVG shapes that scale with their frame, and nothing is drawn outside the figure.
"""

from __future__ import annotations

import math

import pandas as pd
import plotly.graph_objects as go
from plotly.colors import sample_colorscale

from lib.formatting import colon, format_number, format_percent_value
from lib.i18n import is_rtl

# Okabe & Ito (2008), "Color Universal Design".
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000")
SEQUENTIAL = "Blues"
NONE_COLOUR = "#fdf1d8"  # a region with nothing to show: pale sand, off the blue scale
MUTED_COLOUR = "#d9d9d9"  # a region outside the selection
# Plotly's `separators`: decimal mark then thousands separator, as each locale writes them.
SEPARATORS = {"fr": ", ", "ar": ",.", "en": ".,"}
FONT = "Noto Sans, Noto Sans Arabic, DejaVu Sans, Arial, sans-serif"
# Tamazight (public page): Tifinagh letters in Noto Sans Tifinagh (Debian's fonts-noto-core).
FONTS = {"zgh": f"Noto Sans Tifinagh, {FONT}"}
# Text colours: Streamlit's chart theme greys axis labels to #808495 (3.8:1 on white); these
# read at 14:1 (titles, legends) and 7:1 (axes, colour key), past WCAG AA's 4.5:1.
TEXT_COLOUR = "#262421"
AXIS_COLOUR = "#57554f"
TITLE_WRAP = 42  # characters: a 16 px title longer than this would not fit a phone's width
LEGEND_WRAP = 38  # characters: the same for a 13 px legend entry beside its symbol
LEGEND_WIDTH = 280  # pixels: a legend's room above a chart's plot on a 390 px phone
# ... and above horizontal bars, whose category names take half a phone's width (the legend
# is placed on the plot: Plotly fails to draw a legend placed on the whole figure there).
LEGEND_WIDTH_BESIDE_NAMES = 150
NOTE_ROOM = 34  # pixels: the demonstration note's line under the title (``with_note``)


def _wrapped(title: str, width: int = TITLE_WRAP) -> str:
    """``title`` on two lines (broken at the space nearest its middle) when it is too long for
    a phone; Plotly never wraps a title by itself."""
    if len(title) <= width or " " not in title:
        return title
    middle = len(title) // 2
    spaces = [i for i, char in enumerate(title) if char == " "]
    cut = min(spaces, key=lambda i: abs(i - middle))
    return f"{title[:cut]}<br>{title[cut + 1 :]}"


def _legend_rows(traces: list[dict], width: int = LEGEND_WIDTH) -> int:
    """How many rows the legend above the plot takes on a phone (0 when there is none):
    the top margin keeps that much room under the title, so they never overlap."""
    names = [
        trace["name"]
        for trace in traces
        if trace.get("name") and trace.get("showlegend") is not False and trace["type"] != "pie"
    ]
    if len(names) < 2:
        return 0
    needed = [40 + 7 * len(name) for name in names]  # the symbol, then ~7 px a character
    if sum(needed) <= width:
        return 1
    # Plotly wraps a legend that does not fit one row into columns as wide as its widest entry.
    per_row = max(1, width // max(needed))
    return -(-len(names) // per_row)


def _merged(base: dict, *updates: dict) -> dict:
    """``base`` with each of ``updates`` laid over it, nested dictionaries merged key by key and
    None meaning "leave unset", as Plotly's ``update_layout`` reads them."""
    merged = dict(base)
    for update in updates:
        for key, value in update.items():
            if value is None:
                continue
            if isinstance(value, dict) and isinstance(merged.get(key), dict):
                merged[key] = _merged(merged[key], value)
            else:
                merged[key] = value
    return merged


def _figure(traces: list[dict], layout: dict) -> go.Figure:
    """The figure, built once from plain dictionaries (Plotly validates it then). Built step by
    step (``update_layout``, ``update_xaxes``...) a chart cost ~20 ms of the server's CPU, most
    of a page's run; built this way, ~2 ms, the same figure (bench/RESULTS.md, Findings 3)."""
    return go.Figure({"data": traces, "layout": layout})


# The axes every chart shares; its builder lays its own over them.
X_AXIS = {"showgrid": False, "linecolor": "#888", "automargin": True, "fixedrange": True}
Y_AXIS = {
    "gridcolor": "#e5e5e5",
    "zeroline": True,
    "zerolinecolor": "#888",
    "automargin": True,
    "fixedrange": True,
}


def _layout(
    traces: list[dict],
    title: str,
    lang: str,
    height: int = 380,
    legend_width: int = LEGEND_WIDTH,
    xaxis: dict | None = None,
    yaxis: dict | None = None,
) -> dict:
    """The layout every chart shares, with ``xaxis`` and ``yaxis`` laid over the shared axes."""
    rtl = is_rtl(lang)
    text = _wrapped(title)
    top = 36 + 22 * text.count("<br>") + 22 * _legend_rows(traces, legend_width)
    axis_text = {"tickfont": {"color": AXIS_COLOUR}, "title": {"font": {"color": AXIS_COLOUR}}}
    return {
        "title": {
            "text": text,
            # On the figure's edge, not the plot's: long category names (regions down the side
            # of horizontal bars) push the plot inwards and would cut a title placed there.
            "x": 1 if rtl else 0,
            "xanchor": "right" if rtl else "left",
            "xref": "container",
            "y": 1,
            "yref": "container",
            "yanchor": "top",
            # Plotly anchors by the first line.
            "pad": {"t": 8 + 22 * text.count("<br>"), "l": 10, "r": 10},
            "font": {"size": 16},
        },
        "separators": SEPARATORS.get(lang, SEPARATORS["fr"]),
        "font": {"family": FONTS.get(lang, FONT), "size": 13, "color": TEXT_COLOUR},
        "colorway": list(PALETTE),
        "height": height,
        "margin": {"l": 10, "r": 10, "t": top, "b": 10},
        "plot_bgcolor": "white",
        "hoverlabel": {"font": {"family": FONTS.get(lang, FONT), "size": 13}, "bgcolor": "white"},
        "legend": {
            "orientation": "h",
            "yanchor": "bottom",
            "y": 1.0,
            "x": 1 if rtl else 0,
            "xanchor": "right" if rtl else "left",
            "font": {"color": TEXT_COLOUR},
        },
        "dragmode": False,
        # Arabic statistical publications keep a left-to-right time axis: never reverse x.
        "xaxis": _merged(X_AXIS, axis_text, xaxis or {}),
        "yaxis": _merged(Y_AXIS, axis_text, yaxis or {}),
    }


def with_note(fig: go.Figure, note: str) -> go.Figure:
    """Draw ``note`` inside the figure, under its title, so that an exported image keeps it (the
    demonstration label: a chart that leaves the page alone still says what it shows). A line
    of its own: it never covers a bar, a region or the legend, however narrow the chart."""
    title = fig.layout.title
    fig.update_layout(
        title={"subtitle": {"text": note, "font": {"size": 12, "color": "#8a4b00"}}},
        # Plotly sets the subtitle ~15 px under the title: its room keeps it off a legend.
        margin={"t": (fig.layout.margin.t or 54) + NOTE_ROOM},
    )
    if title.text is None:
        fig.update_layout(title={"text": ""})
    return fig


def _value_ticks(values: pd.Series) -> int:
    """At most this many ticks on a value axis beside long names: three for amounts of seven
    digits and more ("1 000 000" takes ~60 px; a phone leaves the plot ~180 px), else five."""
    return 3 if values.abs().max(skipna=True) >= 100_000 else 5


def bar_chart(
    frame: pd.DataFrame,
    x: str,
    y: str,
    title: str,
    x_label: str,
    y_label: str,
    lang: str = "fr",
    horizontal: bool = False,
    value_format: str = ",.0f",
    color: str = PALETTE[0],
    text: str | None = None,
) -> go.Figure:
    """One bar per row; ``text`` names a column of preformatted labels shown on the bars."""
    categories, values = frame[x], frame[y]
    category_axis, value_axis = ("y", "x") if horizontal else ("x", "y")
    hover = f"%{{{category_axis}}}<br>{y_label}: %{{{value_axis}:{value_format}}}<extra></extra>"
    bar = {
        "type": "bar",
        "x": values if horizontal else categories,
        "y": categories if horizontal else values,
        "orientation": "h" if horizontal else "v",
        "marker": {"color": color},
        "hovertemplate": hover,
        "text": frame[text] if text else None,
        "textposition": "inside" if text else None,
    }
    if horizontal:
        height = max(320, 34 * len(frame) + 90)
        names = {"title": {"text": x_label}, "autorange": "reversed", "type": "category"}
        # Few ticks: long amounts stay level, not slanted, beside long names on a phone.
        amounts = {"title": {"text": y_label}, "tickformat": value_format}
        amounts["nticks"] = _value_ticks(values)
        layout = _layout([bar], title, lang, height, xaxis=amounts, yaxis=names)
    else:
        names = {"title": {"text": x_label}, "type": "category"}
        amounts = {"title": {"text": y_label}, "tickformat": value_format}
        layout = _layout([bar], title, lang, xaxis=names, yaxis=amounts)
    return _figure([bar], layout)


def grouped_bar_chart(
    frame: pd.DataFrame,
    x: str,
    series: dict[str, str],
    title: str,
    x_label: str,
    y_label: str,
    lang: str = "fr",
    stacked: bool = True,
    value_format: str = ",.0f",
    horizontal: bool = False,
) -> go.Figure:
    """Bars for several columns of ``frame``: ``series`` maps column -> legend label.

    ``horizontal`` puts the categories (regions...) down the side, each name on one line: a
    chart of twelve long names stays readable on a phone and in Arabic."""
    category, value = ("y", "x") if horizontal else ("x", "y")
    traces = [
        {
            "type": "bar",
            category: frame[x],
            value: frame[column],
            "orientation": "h" if horizontal else "v",
            "name": label,
            "marker": {"color": color},
            "hovertemplate": (
                f"%{{{category}}}<br>{label}: %{{{value}:{value_format}}}<extra></extra>"
            ),
        }
        for (column, label), color in zip(series.items(), PALETTE, strict=False)
    ]
    per_row = 1 if stacked else len(series)
    height = max(320, (14 * per_row + 12) * len(frame) + 130) if horizontal else 380
    legend_width = LEGEND_WIDTH_BESIDE_NAMES if horizontal else LEGEND_WIDTH
    names = {"title": {"text": x_label}, "type": "category"}
    names["autorange"] = "reversed" if horizontal else None
    amounts = {"title": {"text": y_label}, "tickformat": value_format}
    amounts["nticks"] = 5 if horizontal else None
    axes = {"xaxis": amounts, "yaxis": names} if horizontal else {"xaxis": names, "yaxis": amounts}
    layout = _layout(traces, title, lang, height, legend_width, **axes)
    layout["barmode"] = "stack" if stacked else "group"
    return _figure(traces, layout)


def line_chart(
    frame: pd.DataFrame,
    x: str,
    series: dict[str, str],
    title: str,
    x_label: str,
    y_label: str,
    lang: str = "fr",
    value_format: str = ",.0f",
    x_is_date: bool = False,
) -> go.Figure:
    """One line with markers per column in ``series`` (column -> legend label)."""
    x_hover = "%{x|%m/%Y}" if x_is_date else "%{x}"
    traces = [
        {
            "type": "scatter",
            "x": frame[x],
            "y": frame[column],
            "name": label,
            "mode": "lines+markers",
            "line": {"color": color, "width": 2.5},
            "marker": {"size": 7},
            "connectgaps": False,
            "hovertemplate": f"{x_hover}<br>{label}: %{{y:{value_format}}}<extra></extra>",
        }
        for (column, label), color in zip(series.items(), PALETTE, strict=False)
    ]
    time_axis = {
        "title": {"text": x_label},
        "type": "date" if x_is_date else "linear",
        "dtick": None if x_is_date else 1,
        # Numeric months: Plotly only ships English month names.
        "tickformat": "%m/%Y" if x_is_date else None,
    }
    amounts = {"title": {"text": y_label}, "tickformat": value_format, "rangemode": "tozero"}
    layout = _layout(traces, title, lang, xaxis=time_axis, yaxis=amounts)
    layout["showlegend"] = len(series) > 1
    return _figure(traces, layout)


# --- the map --------------------------------------------------------------------------------


def _project(ring: list) -> tuple[list[float], list[float]]:
    """A ring of (lon, lat) as x, y on the map's plane: Mercator, in degrees of longitude."""
    xs = [lon for lon, _lat in ring]
    ys = [math.degrees(math.log(math.tan(math.pi / 4 + math.radians(lat) / 2))) for _, lat in ring]
    return xs, ys


def _outlines(geojson: dict) -> dict[int, tuple[list, list]]:
    """Region code -> the x and y of its outline, rings separated by None (Plotly's gaps)."""
    outlines = {}
    for feature in geojson["features"]:
        geometry = feature["geometry"]
        polygons = (
            [geometry["coordinates"]]
            if geometry["type"] == "Polygon"
            else list(geometry["coordinates"])
        )
        xs, ys = [], []
        for polygon in polygons:
            for ring in polygon:
                ring_x, ring_y = _project(ring)
                xs += [*ring_x, None]
                ys += [*ring_y, None]
        outlines[int(feature["id"])] = (xs, ys)
    return outlines


def _region_shape(
    outline: tuple[list, list], colour: str, label: str, code: int, line: str = "#555"
) -> dict:
    """One region filled with ``colour``; hovering it shows ``label``."""
    xs, ys = outline
    return {
        "type": "scatter",
        "x": xs,
        "y": ys,
        "mode": "lines",
        "fill": "toself",
        "fillcolor": colour,
        "line": {"color": line, "width": 0.8},
        "hoveron": "fills",
        "hoverinfo": "text",
        "text": label,
        "name": label,
        "meta": code,
        "showlegend": False,
    }


def _colour_bar(zmax: float, value_label: str, value_format: str) -> dict:
    """The blue scale's key, laid flat under the map (a trace with no visible point)."""
    return {
        "type": "scatter",
        "x": [None],
        "y": [None],
        "mode": "markers",
        "hoverinfo": "skip",
        "showlegend": False,
        "marker": {
            "color": [0.0, zmax],
            "colorscale": SEQUENTIAL,
            "cmin": 0.0,
            "cmax": zmax,
            "showscale": True,
            "colorbar": {
                "orientation": "h",
                "x": 0.5,
                "xanchor": "center",
                "y": -0.02,
                "yanchor": "top",
                "len": 0.9,
                "thickness": 12,
                "tickformat": value_format,
                "tickfont": {"color": AXIS_COLOUR},
                "title": {"text": value_label, "side": "top", "font": {"color": AXIS_COLOUR}},
            },
        },
    }


def region_map(
    frame: pd.DataFrame,
    geojson: dict,
    value: str,
    name: str,
    title: str,
    value_label: str,
    lang: str = "fr",
    value_format: str = ",.1f",
    hover_extra: str | None = None,
    overlays: list[tuple[pd.DataFrame, str, str]] | None = None,
) -> go.Figure:
    """The regions of ``frame`` filled by ``value``; ``overlays`` draw other regions flat.

    Each overlay is (rows, legend label, colour): regions with no beneficiary, regions filtered
    out. They are named in the legend and on hover, never mistaken for the lowest value.

    Drawn as SVG shapes on a plain plane (Mercator), with no tile server, no font server and no
    WebGL: the map keeps its proportions and every region inside its frame at any width, and
    its colour key lies under it (it fits itself: no centre or zoom to choose).
    """
    outlines = _outlines(geojson)
    zmax = max(float(frame[value].max()), 1.0) if not frame.empty else 1.0
    traces = []
    for row in frame.to_dict(orient="records"):
        shown = row[value]
        colour = sample_colorscale(SEQUENTIAL, [min(max(shown / zmax, 0.0), 1.0)])[0]
        label = f"{row[name]}<br>{value_label}{colon(lang)}{_d3_number(shown, value_format, lang)}"
        if hover_extra:
            label += f"<br>{row[hover_extra]}"
        traces.append(
            _region_shape(outlines[int(row["region_code"])], colour, label, row["region_code"])
        )
    legend_lines = 0
    for rows, label, colour in overlays or []:
        entry = _wrapped(label, LEGEND_WRAP)  # a legend line must fit a phone's width
        legend_lines += (entry.count("<br>") + 1) * (not rows.empty)
        for index, row in enumerate(rows.to_dict(orient="records")):
            outline = outlines[int(row["region_code"])]
            text = f"{row[name]}<br>{label}"
            shape = _region_shape(outline, colour, text, row["region_code"], line="#888")
            shape.update(name=entry, legendgroup=label, showlegend=index == 0)
            traces.append(shape)
    traces.append(_colour_bar(zmax, value_label, value_format))
    hidden = {"visible": False, "constrain": "domain"}
    layout = _layout(
        traces,
        title,
        lang,
        height=560 + 19 * legend_lines,
        xaxis=hidden,
        yaxis={**hidden, "scaleanchor": "x", "scaleratio": 1},
    )
    return _figure(traces, _merged(layout, _keys_under_the_map(title, lang, legend_lines)))


def _keys_under_the_map(title: str, lang: str, legend_lines: int) -> dict:
    """Under the map: its colour key, then the flat colours' legend, one entry a line, at the
    very bottom on the reading side: neither covers a region nor the title, on any screen."""
    rtl = is_rtl(lang)
    legend = {
        "orientation": "v",
        "yref": "container",
        "y": 0,
        "yanchor": "bottom",
        "x": 1 if rtl else 0,
        "xanchor": "right" if rtl else "left",
    }
    top = 36 + 22 * _wrapped(title).count("<br>")
    margin = {"b": 72 + 19 * legend_lines, "t": top}
    return {"margin": margin, "legend": legend, "hovermode": "closest"}


def _d3_number(value: float, value_format: str, lang: str) -> str:
    """A hover figure written the language's way, with the digits ``value_format`` asks for."""
    digits = int(value_format.split(".")[1][0]) if "." in value_format else 0
    return format_number(value, lang, digits)


def donut_chart(
    frame: pd.DataFrame, labels: str, values: str, title: str, lang: str = "fr"
) -> go.Figure:
    """Shares of a whole (types of intervention): few categories, each labelled. The shares and
    counts are written by Babel ("12 %" in French, as everywhere else), not by Plotly."""
    total = float(frame[values].sum()) or 1.0
    shares = [format_percent_value(v / total, lang, digits=0) for v in frame[values]]
    counts = [format_number(v, lang) for v in frame[values]]
    trace = {
        "type": "pie",
        "labels": frame[labels],
        "values": frame[values],
        "hole": 0.45,
        "marker": {"colors": list(PALETTE)},
        "sort": False,
        "text": shares,
        "textinfo": "text",
        "customdata": counts,
        "hovertemplate": "%{label}<br>%{customdata} (%{text})<extra></extra>",
    }
    legend = {"orientation": "h", "y": -0.02, "yanchor": "top", "x": 0.5, "xanchor": "center"}
    return _figure([trace], _merged(_layout([trace], title, lang), {"legend": legend}))


# --- outcomes (issue 22) ------------------------------------------------------------------------


def survival_chart(
    frame: pd.DataFrame,
    group: str,
    series: dict,
    title: str,
    x_label: str,
    y_label: str,
    lang: str = "fr",
) -> go.Figure:
    """Kaplan-Meier curves drawn as steps, one per group (``series``: group value -> legend
    label): months since the origin across, the share still active up (0 to 100 %). ``frame``
    holds time, survival and the group column (``lib.outcomes.cohorts.survival_curves``). Hover
    figures are written by Babel, as in the tables."""
    traces = []
    for index, (value, label) in enumerate(series.items()):
        rows = frame[frame[group] == value]
        shares = [format_percent_value(share, lang) for share in rows["survival"]]
        traces.append(
            {
                "type": "scatter",
                "x": rows["time"],
                "y": rows["survival"],
                "name": label,
                "mode": "lines",
                "line": {"shape": "hv", "color": PALETTE[index % len(PALETTE)], "width": 2.5},
                "customdata": shares,
                "hovertemplate": f"{label}<br>{x_label}{colon(lang)}%{{x}}<br>"
                f"{y_label}{colon(lang)}%{{customdata}}<extra></extra>",
            }
        )
    months = {"title": {"text": x_label}, "dtick": 12, "rangemode": "tozero"}
    shares_axis = {"title": {"text": y_label}, "tickformat": ".0%", "range": [0, 1.02]}
    layout = _layout(traces, title, lang, xaxis=months, yaxis=shares_axis)
    # One curve per cohort makes a long legend: under the plot, which keeps the whole width
    # (above it, it would squeeze the curves on a phone); the top keeps room for the title.
    lines = layout["title"]["text"].count("<br>")
    rtl = is_rtl(lang)
    under = {
        "legend": {"orientation": "h", "yanchor": "top", "y": -0.28, "x": 1 if rtl else 0,
                   "xanchor": "right" if rtl else "left", "xref": "paper"},
        "margin": {"t": 50 + 22 * lines, "b": 10},
    }  # fmt: skip
    return _figure(traces, _merged(layout, under))


def share_bar_chart(
    frame: pd.DataFrame, title: str, x_label: str, y_label: str, lang: str = "fr"
) -> go.Figure:
    """One horizontal bar per row of ``frame`` (name, share, lower, upper): the share with its
    95 % interval drawn as a whisker, so that a small group's wide interval shows."""
    shares = [format_percent_value(share, lang) for share in frame["share"]]
    bar = {
        "type": "bar",
        "x": frame["share"],
        "y": frame["name"],
        "orientation": "h",
        "marker": {"color": PALETTE[0]},
        "error_x": {
            "type": "data",
            "symmetric": False,
            "array": frame["upper"] - frame["share"],
            "arrayminus": frame["share"] - frame["lower"],
            "color": AXIS_COLOUR,
        },
        "customdata": shares,
        "hovertemplate": f"%{{y}}<br>{y_label}{colon(lang)}%{{customdata}}<extra></extra>",
    }
    names = {"title": {"text": x_label}, "autorange": "reversed", "type": "category"}
    shares_axis = {"title": {"text": y_label}, "tickformat": ".0%", "range": [0, 1], "dtick": 0.25}
    height = max(320, 34 * len(frame) + 90)
    return _figure([bar], _layout([bar], title, lang, height, xaxis=shares_axis, yaxis=names))
