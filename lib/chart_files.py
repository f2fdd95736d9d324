"""A chart as a file that leaves the app: the figure a page draws (``lib.charts``) drawn again
as SVG from its own data, with its title above and its source, selection, data version, date
and demonstration label inside the image, and a PNG of that SVG.

No browser: Plotly's own image export (kaleido) drives a Chrome that the app would have to
download at run time. The figure's traces already hold everything the reader sees (categories,
values, colours, names, the regions' outlines), so the SVG is written here: bars and the
donut's shares through ``lib.public.svgcharts`` (the static site's bar charts), lines and the
map by this module on the same canvas (``svgcharts.Canvas``: title, legend, value axis,
footer); resvg turns the SVG into a PNG (``lib.public.images``), which also carries the
title, source and label as PNG text fields. Every text is drawn in the page's language,
right to left in Arabic (a time axis still runs left to right). Pure.
"""

from __future__ import annotations

import base64
import io
import math
import re
from collections.abc import Callable
from datetime import date, datetime
from html import escape

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.colors import sample_colorscale

from lib.export import About
from lib.formatting import colon, format_number
from lib.i18n import is_rtl
from lib.public import images, svgcharts
from lib.public.svgcharts import MUTED, PAD, WIDE, svg_text, text_width

PLOT_HEIGHT = 230  # user units of a line chart's plot, as svgcharts draws its columns
MAP_HEIGHT = 520  # at most: Morocco with its southern regions is about as tall as wide
MARKER_RADIUS = 3.5
LABELLED_BARS = 12  # above this many categories, bars carry no value label (they would not fit)
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442")
_BREAK = re.compile(r"<br\s*/?>", re.IGNORECASE)


# --- reading a figure ------------------------------------------------------------------------


def _array(values) -> list:
    """A trace's array as a list: a tuple, a numpy array, or Plotly's typed array."""
    if values is None:
        return []
    if isinstance(values, dict) and "bdata" in values:
        return np.frombuffer(base64.b64decode(values["bdata"]), dtype=values["dtype"]).tolist()
    return list(values)


def _value(value) -> float | None:
    if value is None or isinstance(value, str) or pd.isna(value):
        return None
    return float(value)


def _category(value) -> str:
    """A category as the chart's axis writes it: 2019, 05/2019 (a month), a name."""
    if isinstance(value, datetime | date | pd.Timestamp | np.datetime64):
        return pd.Timestamp(value).strftime("%m/%Y")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return _plain(str(value))


def _plain(text: str) -> str:
    """Plotly's text (a hover label, a wrapped legend entry) as one plain line."""
    return _BREAK.sub(" · ", text or "").strip()


def figure_kind(figure: go.Figure) -> str:
    """map, pie, lines, rows (horizontal bars) or columns: how the figure is drawn again."""
    types = {trace.type for trace in figure.data}
    if any(trace.type == "scatter" and trace.fill == "toself" for trace in figure.data):
        return "map"
    if "pie" in types:
        return "pie"
    if "scatter" in types:
        return "lines"
    if any(trace.type == "bar" and trace.orientation == "h" for trace in figure.data):
        return "rows"
    return "columns"


def _figure(value: float, lang: str) -> str:
    """A value as the tooltips and labels write it: whole above 100, one decimal below."""
    whole = abs(value) >= 100 or float(value).is_integer()
    return format_number(value, lang, 0 if whole else 1)


def _ticks(lang: str) -> Callable[[float], str]:
    return lambda value: format_number(value, lang, 0 if float(value).is_integer() else 1)


def _colour(trace, index: int) -> str:
    colour = trace.marker.color if trace.marker is not None else None
    return colour if isinstance(colour, str) else PALETTE[index % len(PALETTE)]


def _described(about: About, pairs: list[str]) -> str:
    """The ``<desc>`` of the image: its title and its data in words."""
    return f"{about.title}. {'; '.join(pairs)}."


# --- bars and shares, drawn by svgcharts ----------------------------------------------------


def _series(name: str, colour: str, categories, values, lang: str, labelled: bool):
    shown = [_value(value) for value in values]
    written = [_figure(value, lang) if value is not None else "—" for value in shown]
    prefix = f"{name} · " if name else ""
    return svgcharts.Series(
        name=name,
        colour=colour,
        values=tuple(shown),
        flags=tuple("" if value is not None else "—" for value in shown),
        tips=tuple(
            f"{prefix}{category}{colon(lang)}{text}"
            for category, text in zip(categories, written, strict=True)
        ),
        labels=tuple(written if labelled else [""] * len(shown)),
    )


def _svgchart(about: About, categories, series, horizontal: bool, width: int) -> str:
    pairs = [tip for one in series for tip in one.tips]
    chart = svgcharts.Chart(
        key=about.stem,
        title=about.title,
        desc=_described(about, pairs),
        categories=tuple(categories),
        series=tuple(series),
        ticks=_ticks(about.lang),
        footer=about.footer(),
        label=about.demo_label,
        rtl=is_rtl(about.lang),
        horizontal=horizontal,
    )
    return svgcharts.draw(chart, width)


def _bars(figure: go.Figure, about: About, width: int) -> str:
    """Vertical bars, one colour per trace (stacked bars side by side), or horizontal bars."""
    traces = [trace for trace in figure.data if trace.type == "bar"]
    horizontal = traces[0].orientation == "h"
    axis, values = ("y", "x") if horizontal else ("x", "y")
    categories = [_category(value) for value in _array(getattr(traces[0], axis))]
    labelled = len(categories) <= LABELLED_BARS
    series = [
        _series(
            _plain(trace.name or ""),
            _colour(trace, index),
            categories,
            _array(getattr(trace, values)),
            about.lang,
            labelled,
        )
        for index, trace in enumerate(traces[:1] if horizontal else traces)
    ]
    return _svgchart(about, categories, series, horizontal, width)


def _shares(figure: go.Figure, about: About, width: int) -> str:
    """The donut as horizontal bars: each part's count and share ("1 234 (25 %)")."""
    trace = next(trace for trace in figure.data if trace.type == "pie")
    categories = [_category(value) for value in _array(trace.labels)]
    values = [_value(value) for value in _array(trace.values)]
    shares = [str(share) for share in _array(trace.text)] or [""] * len(values)
    one = _series("", PALETTE[0], categories, values, about.lang, True)
    labels = tuple(
        f"{label} ({share})" if share else label
        for label, share in zip(one.labels, shares, strict=True)
    )
    tips = tuple(
        f"{tip} ({share})" if share else tip for tip, share in zip(one.tips, shares, strict=True)
    )
    one = svgcharts.Series(one.name, one.colour, one.values, one.flags, tips, labels)
    return _svgchart(about, categories, [one], True, width)


# --- lines and the map, drawn here on the bar charts' canvas --------------------------------------


class _Sheet(svgcharts.Canvas):
    """The bar charts' canvas for a line chart or the map: the title, the footer lines and
    the demonstration label of ``about``, its language's ticks and reading side."""

    def __init__(self, about: About, width: int):
        chart = svgcharts.Chart(
            key=about.stem,
            title=about.title,
            desc="",
            categories=(),
            series=(),
            ticks=_ticks(about.lang),
            footer=about.footer(),
            label=about.demo_label,
            rtl=is_rtl(about.lang),
        )
        super().__init__(chart, width)
        self.about = about

    def heading(self) -> None:
        self.lines(self.about.title, 18, 25, font_weight="bold")

    def svg(self, desc: str) -> str:
        """The standalone SVG: what was drawn, then the footer; ``desc`` says the data."""
        self.footer()
        height = math.ceil(self.y + PAD)
        body = "".join(self.parts)
        return svgcharts.document(self.width, height, self.about.stem, self.about.title, desc, body)


def _polyline(points: list[tuple[float, float] | None], colour: str) -> str:
    """A line through ``points``, broken where a value is missing."""
    runs, current = [], []
    for point in [*points, None]:
        if point is None:
            if current:
                runs.append(current)
            current = []
        else:
            current.append(point)
    paths = []
    for run in runs:
        d = " ".join(f"{'M' if i == 0 else 'L'}{x:.1f},{y:.1f}" for i, (x, y) in enumerate(run))
        paths.append(f'<path d="{d}" fill="none" stroke="{colour}" stroke-width="2.5"/>')
    return "".join(paths)


def _category_axis(sheet: _Sheet, categories: list[str], box: tuple) -> None:
    """The categories under the plot, left to right; every n-th when they would overlap."""
    left, right, _, bottom = box
    slot = (right - left) / max(len(categories), 1)
    widest = max((text_width(category, 12) for category in categories), default=0) + 8
    every = max(1, math.ceil(widest / slot))
    for i, category in enumerate(categories):
        if i % every == 0:
            x = left + (i + 0.5) * slot
            sheet.parts.append(svg_text(x, bottom + 17, category, 12, text_anchor="middle"))


def _line(sheet: _Sheet, name: str, colour: str, points: list, written: list[str]) -> list[str]:
    """One series: its line, and a marker per value whose tooltip says it; the tooltips."""
    sheet.parts.append(_polyline([point for point, _ in points], colour))
    tips = []
    for (point, category), text in zip(points, written, strict=True):
        if point is None:
            continue
        tip = f"{name + ' · ' if name else ''}{category}{colon(sheet.about.lang)}{text}"
        tips.append(tip)
        sheet.parts.append(
            f'<circle cx="{point[0]:.1f}" cy="{point[1]:.1f}" r="{MARKER_RADIUS}" '
            f'fill="{colour}"><title>{escape(tip)}</title></circle>'
        )
    return tips


def _positions(values: list, box: tuple, top: float) -> list[tuple[float, float] | None]:
    """Where each value is drawn in the plot (None where it is missing)."""
    left, right, plot_top, bottom = box
    slot = (right - left) / max(len(values), 1)
    return [
        None if v is None else (left + (i + 0.5) * slot, bottom - (bottom - plot_top) * v / top)
        for i, v in enumerate(values)
    ]


def _lines(figure: go.Figure, about: About, width: int) -> str:
    """Lines with markers over categories that run left to right in every language."""
    traces = [trace for trace in figure.data if trace.type == "scatter"]
    sheet = _Sheet(about, width)
    categories = [_category(value) for value in _array(traces[0].x)]
    series = [[_value(value) for value in _array(trace.y)] for trace in traces]
    names = [_plain(trace.name or "") for trace in traces]
    colours = [
        trace.line.color if trace.line and trace.line.color else PALETTE[i % len(PALETTE)]
        for i, trace in enumerate(traces)
    ]
    sheet.heading()
    sheet.legend(list(zip(names, colours, strict=True)) if len(traces) > 1 else [])
    maximum = max((value for one in series for value in one if value is not None), default=0)
    box, top = svgcharts.plot_box(sheet, maximum, PLOT_HEIGHT)
    bottom = box[3]
    _category_axis(sheet, categories, box)
    tips = []
    for name, colour, values in zip(names, colours, series, strict=True):
        points = list(zip(_positions(values, box, top), categories, strict=True))
        written = [_figure(v, about.lang) if v is not None else "" for v in values]
        tips += _line(sheet, name, colour, points, written)
    sheet.y = bottom + 24
    return sheet.svg(_described(about, tips))


def _rings(trace) -> list[list[tuple[float, float]]]:
    """A region's outline as rings of points (Plotly separates them with None)."""
    rings, current = [], []
    for x, y in zip(_array(trace.x), _array(trace.y), strict=True):
        if x is None or y is None:
            if current:
                rings.append(current)
            current = []
        else:
            current.append((float(x), float(y)))
    return [*rings, current] if current else rings


def _scale(colorscale) -> list[tuple[float, str]]:
    """(offset, colour) pairs of a Plotly colour scale: its name, or the pairs it holds."""
    if not colorscale or isinstance(colorscale, str):
        steps = [i / 8 for i in range(9)]
        return list(zip(steps, sample_colorscale(colorscale or "Blues", steps), strict=True))
    return [(float(offset), str(colour)) for offset, colour in colorscale]


def _colour_key(sheet: _Sheet, key) -> None:
    """The blue scale under the map: a gradient from 0 to its largest value, and its title."""
    marker = key.marker
    top = float(marker.cmax or 1.0)
    stops = "".join(
        f'<stop offset="{offset:.3f}" stop-color="{colour}"/>'
        for offset, colour in _scale(marker.colorscale)
    )
    title = marker.colorbar.title.text if marker.colorbar and marker.colorbar.title else ""
    x, anchor = sheet.start
    if title:
        sheet.y += 20
        sheet.parts.append(
            svg_text(x, sheet.y - 5, _plain(title), 13, sheet.chart.rtl, text_anchor=anchor)
        )
    left, span = PAD + sheet.inner * 0.05, sheet.inner * 0.9
    # The scale runs from 0 on the left in every language, like the on-screen key.
    sheet.parts.append(
        f'<defs><linearGradient id="{escape(sheet.about.stem)}-key">{stops}</linearGradient></defs>'
        f'<rect x="{left:.1f}" y="{sheet.y + 4:.1f}" width="{span:.1f}" height="12" '
        f'fill="url(#{escape(sheet.about.stem)}-key)" stroke="{MUTED}" stroke-width="0.5"/>'
    )
    lang = sheet.about.lang
    sheet.parts.append(svg_text(left, sheet.y + 32, _figure(0, lang), 12, text_anchor="start"))
    sheet.parts.append(
        svg_text(left + span, sheet.y + 32, _figure(top, lang), 12, text_anchor="end")
    )
    sheet.y += 40


def _map(figure: go.Figure, about: About, width: int) -> str:
    """The regions filled as on the page, each named with its value in its tooltip, then the
    colour key and the flat colours' legend (no region, filtered out)."""
    shapes = [trace for trace in figure.data if trace.type == "scatter" and trace.fill == "toself"]
    sheet = _Sheet(about, width)
    sheet.heading()
    outlines = [(trace, _rings(trace)) for trace in shapes]
    points = [point for _, rings in outlines for ring in rings for point in ring]
    xs, ys = [x for x, _ in points], [y for _, y in points]
    span_x, span_y = (max(xs) - min(xs)) or 1.0, (max(ys) - min(ys)) or 1.0
    scale = min(sheet.inner / span_x, MAP_HEIGHT / span_y)
    offset = PAD + (sheet.inner - span_x * scale) / 2
    top = sheet.y + 10
    tips = []
    for trace, rings in outlines:
        d = " ".join(
            "M"
            + " L".join(
                f"{offset + (x - min(xs)) * scale:.1f},{top + (max(ys) - y) * scale:.1f}"
                for x, y in ring
            )
            + " Z"
            for ring in rings
        )
        tip = _plain(trace.text if isinstance(trace.text, str) else trace.name or "")
        tips.append(tip)
        line = trace.line.color if trace.line and trace.line.color else MUTED
        sheet.parts.append(
            f'<path d="{d}" fill="{trace.fillcolor}" stroke="{line}" stroke-width="0.8">'
            f"<title>{escape(tip)}</title></path>"
        )
    sheet.y = top + span_y * scale + 6
    key = next((trace for trace in figure.data if trace.marker and trace.marker.showscale), None)
    if key is not None:
        _colour_key(sheet, key)
    sheet.legend([(_plain(trace.name), trace.fillcolor) for trace in shapes if trace.showlegend])
    return sheet.svg(_described(about, tips))


DRAWERS: dict[str, Callable[[go.Figure, About, int], str]] = {
    "columns": _bars,
    "rows": _bars,
    "pie": _shares,
    "lines": _lines,
    "map": _map,
}


def figure_svg(figure: go.Figure, about: About, width: int = WIDE) -> str:
    """The chart ``figure`` (built by ``lib.charts``) as a standalone SVG document."""
    return DRAWERS[figure_kind(figure)](figure, about, width)


def figure_png(figure: go.Figure, about: About) -> bytes:
    """The same chart as a PNG image (resvg, twice the SVG's size), whose text fields repeat
    the title, the source, the selection and date, and the demonstration label."""
    from PIL import Image, PngImagePlugin

    drawn = images.png(figure_svg(figure, about))
    if drawn is None:
        raise RuntimeError("resvg-py is not installed: no PNG can be made")
    fields = PngImagePlugin.PngInfo()
    fields.add_itxt("Title", about.title)
    fields.add_itxt("Source", about.source_line)
    fields.add_itxt("Description", "\n".join(about.footer()))
    fields.add_itxt("Creation Time", about.made.isoformat())
    if about.demo:
        fields.add_itxt("Disclaimer", about.demo_label)
    out = io.BytesIO()
    Image.open(io.BytesIO(drawn)).save(out, format="PNG", pnginfo=fields, optimize=True)
    return out.getvalue()
