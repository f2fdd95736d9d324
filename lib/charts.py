"""Plotly figure builders: (DataFrame, columns, labels) -> Figure. No streamlit here.

Every builder takes already translated labels, so the same code draws French, Arabic and
English charts; numbers follow the language's separators. Colours come from the Okabe-Ito
palette, which stays distinct for the common forms of colour blindness.
"""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

# Okabe & Ito (2008), "Color Universal Design".
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000")
SEQUENTIAL = "Blues"
NONE_COLOUR = "#fdf1d8"  # a region with nothing to show: pale sand, off the blue scale
MUTED_COLOUR = "#d9d9d9"  # a region outside the selection
# Plotly's `separators`: decimal mark then thousands separator, as each locale writes them.
SEPARATORS = {"fr": ", ", "ar": ",.", "en": ".,"}
FONT = "Noto Sans, Noto Sans Arabic, DejaVu Sans, Arial, sans-serif"


def _layout(fig: go.Figure, title: str, lang: str, height: int = 380) -> go.Figure:
    fig.update_layout(
        title={"text": title, "x": 0, "xanchor": "left", "font": {"size": 16}},
        separators=SEPARATORS.get(lang, SEPARATORS["fr"]),
        font={"family": FONT, "size": 13},
        colorway=list(PALETTE),
        height=height,
        margin={"l": 10, "r": 10, "t": 50, "b": 10},
        plot_bgcolor="white",
        hoverlabel={"font": {"family": FONT, "size": 13}, "bgcolor": "white"},
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.0, "x": 0, "title": None},
    )
    # Arabic statistical publications keep a left-to-right time axis: never reverse x.
    fig.update_xaxes(showgrid=False, linecolor="#888", automargin=True)
    fig.update_yaxes(gridcolor="#e5e5e5", zeroline=True, zerolinecolor="#888", automargin=True)
    return fig


def with_note(fig: go.Figure, note: str) -> go.Figure:
    """Draw ``note`` inside the figure, top right, so that an exported image keeps it (the
    demonstration label: a chart that leaves the page alone still says what it shows)."""
    # Top right, above the plot: it never covers a bar or a region.
    fig.add_annotation(
        text=note, xref="paper", yref="paper", x=1, y=1, xanchor="right", yanchor="bottom",
        showarrow=False, font={"size": 12, "color": "#8a4b00"}, bgcolor="rgba(253,235,208,0.85)",
    )  # fmt: skip
    return fig


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
    bar = go.Bar(
        x=values if horizontal else categories,
        y=categories if horizontal else values,
        orientation="h" if horizontal else "v",
        marker_color=color,
        hovertemplate=hover,
        text=frame[text] if text else None,
        textposition="auto" if text else None,
        cliponaxis=False,
    )
    fig = _layout(
        go.Figure(bar), title, lang, height=max(320, 34 * len(frame) + 90) if horizontal else 380
    )
    if horizontal:
        fig.update_yaxes(title=x_label, autorange="reversed", type="category")
        fig.update_xaxes(title=y_label, tickformat=value_format)
    else:
        fig.update_xaxes(title=x_label, type="category")
        fig.update_yaxes(title=y_label, tickformat=value_format)
    return fig


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
) -> go.Figure:
    """Bars for several columns of ``frame``: ``series`` maps column -> legend label."""
    fig = go.Figure()
    for (column, label), color in zip(series.items(), PALETTE, strict=False):
        fig.add_trace(
            go.Bar(
                x=frame[x],
                y=frame[column],
                name=label,
                marker_color=color,
                hovertemplate=f"%{{x}}<br>{label}: %{{y:{value_format}}}<extra></extra>",
            )
        )
    _layout(fig, title, lang)
    fig.update_layout(barmode="stack" if stacked else "group")
    fig.update_xaxes(title=x_label, type="category")
    fig.update_yaxes(title=y_label, tickformat=value_format)
    return fig


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
    fig = go.Figure()
    for (column, label), color in zip(series.items(), PALETTE, strict=False):
        x_hover = "%{x|%m/%Y}" if x_is_date else "%{x}"
        fig.add_trace(
            go.Scatter(
                x=frame[x],
                y=frame[column],
                name=label,
                mode="lines+markers",
                line={"color": color, "width": 2.5},
                marker={"size": 7},
                connectgaps=False,
                hovertemplate=f"{x_hover}<br>{label}: %{{y:{value_format}}}<extra></extra>",
            )
        )
    _layout(fig, title, lang)
    fig.update_xaxes(
        title=x_label,
        type="date" if x_is_date else "linear",
        dtick=None if x_is_date else 1,
        # Numeric months: Plotly only ships English month names.
        tickformat="%m/%Y" if x_is_date else None,
    )
    fig.update_yaxes(title=y_label, tickformat=value_format, rangemode="tozero")
    fig.update_layout(showlegend=len(series) > 1)
    return fig


def region_map(
    frame: pd.DataFrame,
    geojson: dict,
    value: str,
    name: str,
    title: str,
    value_label: str,
    lang: str = "fr",
    center: dict | None = None,
    zoom: float = 4.1,
    value_format: str = ",.1f",
    hover_extra: str | None = None,
    overlays: list[tuple[pd.DataFrame, str, str]] | None = None,
) -> go.Figure:
    """The regions of ``frame`` filled by ``value``; ``overlays`` draw other regions flat.

    Each overlay is (rows, hover label, colour): regions with no beneficiary, regions filtered
    out. They are named in the hover and never mistaken for the lowest value.

    Drawn from the regions' own GeoJSON with no tile server:
    ``go.Choroplethmap`` with the "white-bg" style needs no network at all (``go.Choropleth``
    waits for a world base map from a CDN and draws nothing offline).
    """
    trace = _values_trace(frame, geojson, value, name, value_label, value_format, hover_extra)
    fig = _layout(go.Figure(trace), title, lang, height=620)
    for rows, label, colour in overlays or []:
        if not rows.empty:
            fig.add_trace(_flat_trace(rows, geojson, name, label, colour))
    fig.update_layout(
        map={"style": "white-bg", "center": center or {"lat": 28.4, "lon": -9.2}, "zoom": zoom},
    )
    return fig


def _values_trace(
    frame: pd.DataFrame,
    geojson: dict,
    value: str,
    name: str,
    value_label: str,
    value_format: str,
    hover_extra: str | None,
) -> go.Choroplethmap:
    """The regions of ``frame`` on the blue scale from 0, named (and ``hover_extra``) on hover."""
    custom = frame[[name, hover_extra]] if hover_extra else frame[[name]]
    extra = "<br>%{customdata[1]}" if hover_extra else ""
    return go.Choroplethmap(
        geojson=geojson,
        locations=frame["region_code"],
        featureidkey="id",
        z=frame[value],
        customdata=custom,
        colorscale=SEQUENTIAL,
        zauto=False,
        zmin=0,
        zmax=max(float(frame[value].max()), 1.0) if not frame.empty else 1.0,
        marker={"line": {"color": "#555", "width": 0.8}, "opacity": 0.9},
        colorbar={"title": {"text": value_label, "side": "right"}, "thickness": 14},
        hovertemplate=(
            f"%{{customdata[0]}}<br>{value_label}: %{{z:{value_format}}}{extra}<extra></extra>"
        ),
    )


def _flat_trace(
    rows: pd.DataFrame, geojson: dict, name: str, label: str, colour: str
) -> go.Choroplethmap:
    """The regions of ``rows`` in one flat colour, no scale, their name and ``label`` on hover."""
    return go.Choroplethmap(
        geojson=geojson,
        locations=rows["region_code"],
        featureidkey="id",
        z=[0] * len(rows),
        customdata=rows[[name]],
        colorscale=[[0, colour], [1, colour]],
        showscale=False,
        marker={"line": {"color": "#888", "width": 0.6}},
        hovertemplate=f"%{{customdata[0]}}<br>{label}<extra></extra>",
    )


def donut_chart(
    frame: pd.DataFrame, labels: str, values: str, title: str, lang: str = "fr"
) -> go.Figure:
    """Shares of a whole (types of intervention): few categories, each labelled."""
    trace = go.Pie(
        labels=frame[labels],
        values=frame[values],
        hole=0.45,
        marker={"colors": list(PALETTE)},
        sort=False,
        textinfo="percent",
        hovertemplate="%{label}<br>%{value:,.0f} (%{percent})<extra></extra>",
    )
    fig = _layout(go.Figure(trace), title, lang)
    fig.update_layout(legend={"orientation": "v", "y": 0.5, "yanchor": "middle", "x": 1.02})
    return fig
