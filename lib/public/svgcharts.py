"""Bar charts drawn as SVG at publish time, for the static site and its downloads.

No JavaScript: each chart is an ``<svg role="img">`` named by its ``<title>`` and described by
a ``<desc>`` that says its data in words, sized by its ``viewBox`` (CSS gives it the width of
its column), with one ``<rect>`` per bar whose ``<title>`` tooltip gives the value as Babel
formats it. A hidden cell has no bar: its marker (``< t`` or ``s``) stands where the bar would
be, never a zero. The source, the date, the threshold note and, for a demonstration snapshot,
the demonstration label are drawn inside, so a copied or downloaded chart keeps them. Arabic
lines run right to left inside Unicode isolates (with the Latin names, numbers and dates in
them isolated by the caller, ``isolate``), while a time axis keeps running left to right. Two
widths are drawn: ``WIDE`` for screens from a tablet up and ``NARROW`` for phones. Pure.
"""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from html import escape

from lib.formatting import FSI, LRI, PDI

WIDE, NARROW = 720, 360
PAD = 16
FONT = "'Noto Sans', 'Noto Sans Arabic', 'Noto Sans Tifinagh', 'DejaVu Sans', Arial, sans-serif"
INK, MUTED, GRID, DEMO_INK = "#1a1a1a", "#4a4a4a", "#d0d0d0", "#8a4b00"
RLI = "\u2067"  # right-to-left isolate (FSI, LRI and PDI: lib.formatting)
OPENERS = (LRI, RLI, FSI)  # each closed by PDI


def isolate(text: str) -> str:
    """A run (a Latin name, a number, a date) kept whole inside text of either direction."""
    return f"{FSI}{text}{PDI}"


@dataclass(frozen=True)
class Series:
    """One colour of bars: a value per category (None where hidden) with its flag, the
    tooltip of each bar (the value in words, or what the marker means) and the short text
    drawn at the bar's end ("" for none)."""

    name: str
    colour: str
    values: tuple
    flags: tuple[str, ...]
    tips: tuple[str, ...]
    labels: tuple[str, ...]


@dataclass(frozen=True)
class Chart:
    """What a chart shows and says: ``footer`` lines (source, date, threshold note) and the
    demonstration ``label`` are drawn under the bars; ``ticks`` writes the value axis."""

    key: str
    title: str
    desc: str
    categories: tuple[str, ...]
    series: tuple[Series, ...]
    ticks: Callable[[float], str]
    footer: tuple[str, ...]
    label: str = ""
    rtl: bool = False
    horizontal: bool = False


def text_width(text: str, size: float, bold: bool = False) -> float:
    """An estimate of the drawn width of ``text`` (no font metrics at publish time)."""
    visible = [c for c in text if unicodedata.category(c) not in ("Cf", "Mn")]
    wide = sum(1 for c in visible if c.isupper() or c in "MWm%")
    return size * (0.56 * len(visible) + 0.14 * wide) * (1.06 if bold else 1.0)


def wrap(text: str, size: float, width: float, bold: bool = False) -> list[str]:
    """Lines of ``text`` that fit ``width`` (words kept whole; a long word gets a line). An
    isolate cut by a line break is closed at the end of its line and opened again on the
    next, so that each line, drawn on its own, still orders its names right."""
    lines: list[str] = []
    for word in text.split(" "):
        if lines and text_width(f"{lines[-1]} {word}", size, bold) <= width:
            lines[-1] = f"{lines[-1]} {word}"
        else:
            lines.append(word)
    balanced, carried = [], ""
    for line in lines:
        line, still_open = carried + line, []
        for char in line:
            if char in OPENERS:
                still_open.append(char)
            elif char == PDI and still_open:
                still_open.pop()
        balanced.append(line + PDI * len(still_open))
        carried = "".join(still_open)
    return balanced


def svg_text(x: float, y: float, content: str, size: float, rtl: bool = False, **style) -> str:
    """One ``<text>``; in a right-to-left chart the line is isolated as right to left."""
    body = escape(f"{RLI}{content}{PDI}" if rtl else content)
    attributes = {"x": f"{x:.1f}", "y": f"{y:.1f}", "font-size": f"{size:g}", "fill": INK}
    attributes.update({k.replace("_", "-"): str(v) for k, v in style.items()})
    listed = " ".join(f'{k}="{escape(v)}"' for k, v in attributes.items())
    return f"<text {listed}>{body}</text>"


def nice_scale(maximum: float, steps: int = 4) -> tuple[float, float]:
    """The top of the value axis and its step: round numbers that cover ``maximum``."""
    if maximum <= 0:
        return 1.0, 1.0
    raw = maximum / steps
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    step = max(step, 1.0) if maximum >= 1 else step
    return math.ceil(maximum / step - 1e-9) * step, step


class Canvas:
    """Elements drawn top to bottom; ``y`` is where the next block starts. The bar charts
    draw on it, and so do ``lib.chart_files``' lines and map."""

    def __init__(self, chart: Chart, width: int):
        self.chart, self.width, self.y, self.parts = chart, width, float(PAD), []
        self.inner = width - 2 * PAD

    @property
    def start(self) -> tuple[float, str]:
        """Where a line of text starts, and its anchor: the reading side."""
        return (self.width - PAD, "end") if self.chart.rtl else (PAD, "start")

    def lines(self, text: str, size: float, height: float, **style) -> None:
        bold = style.get("font_weight") == "bold"
        x, anchor = self.start
        for line in wrap(text, size, self.inner, bold):
            self.y += height
            drawn = svg_text(x, self.y - height * 0.28, line, size, self.chart.rtl,
                             text_anchor=anchor, **style)  # fmt: skip
            self.parts.append(drawn)

    def legend(self, entries: list[tuple[str, str]]) -> None:
        """Coloured squares and their names (name, colour), from the reading side, on as many
        rows as they need."""
        if not entries:
            return
        self.y += 8
        used = 0.0
        for name, colour in entries:
            span = 18 + text_width(name, 13) + 14
            if used and used + span > self.inner:
                self.y, used = self.y + 20, 0.0
            left = self.width - PAD - used - span if self.chart.rtl else PAD + used
            self.parts.append(
                f'<rect x="{left:.1f}" y="{self.y:.1f}" width="12" height="12" fill="{colour}"/>'
                + svg_text(left + 17, self.y + 11, name, 13, rtl=self.chart.rtl)
            )
            used += span
        self.y += 18

    def footer(self, scale: float = 1.0) -> None:
        self.y += 6
        for line in self.chart.footer:
            self.lines(line, 12 * scale, 17 * scale, fill=MUTED)
        if self.chart.label:
            self.lines(self.chart.label, 13 * scale, 19 * scale, fill=DEMO_INK, font_weight="bold")


def footer_block(
    lines: tuple[str, ...], label: str, width: int, top: float, rtl: bool, scale: float = 1.0
) -> tuple[str, float]:
    """Source, date and demonstration label as drawn under a chart, for another drawing
    (the map): the elements, and where they end."""
    chart = Chart("", "", "", (), (), str, tuple(lines), label, rtl)
    canvas = Canvas(chart, width)
    canvas.y = top
    canvas.footer(scale)
    return "".join(canvas.parts), canvas.y


def _hidden(x: float, y: float, flag: str, tip: str) -> str:
    return (
        f'<g class="hidden-cell"><title>{escape(tip)}</title>'
        + svg_text(x, y, flag, 11, text_anchor="middle", fill=MUTED, font_style="italic")
        + "</g>"
    )


def _bar(x: float, y: float, width: float, height: float, colour: str, tip: str) -> str:
    return (
        f'<rect class="bar" x="{x:.1f}" y="{y:.1f}" width="{max(width, 0):.1f}" '
        f'height="{max(height, 0):.1f}" fill="{colour}"><title>{escape(tip)}</title></rect>'
    )


def _maximum(chart: Chart) -> float:
    shown = [v for one in chart.series for v in one.values if v is not None]
    return max(shown, default=0.0)


def _value_axis(canvas: Canvas, top: float, step: float, box: tuple) -> None:
    """Grid lines and their values, on the reading side."""
    left, right, plot_top, bottom = box
    chart, rtl = canvas.chart, canvas.chart.rtl
    for index in range(round(top / step) + 1):
        value = index * step
        y = bottom - (bottom - plot_top) * value / top
        canvas.parts.append(
            f'<line x1="{left:.1f}" x2="{right:.1f}" y1="{y:.1f}" y2="{y:.1f}" '
            f'stroke="{INK if index == 0 else GRID}" stroke-width="1"/>'
        )
        x, anchor = (right + 6, "start") if rtl else (left - 6, "end")
        canvas.parts.append(svg_text(x, y + 4, chart.ticks(value), 12, text_anchor=anchor, rtl=rtl))


def plot_box(canvas: Canvas, maximum: float, plot_height: float) -> tuple[tuple, float]:
    """Draw the value axis of a plot ``plot_height`` high whose values reach ``maximum``;
    return the plot's (left, right, top, bottom) beside that axis, and the axis' top value."""
    chart = canvas.chart
    top, step = nice_scale(maximum)
    ticks = (chart.ticks(i * step) for i in range(round(top / step) + 1))
    axis = max(text_width(tick, 12) for tick in ticks) + 10
    left = PAD + (0 if chart.rtl else axis)
    right = canvas.width - PAD - (axis if chart.rtl else 0)
    box = (left, right, canvas.y + 14, canvas.y + 14 + plot_height)
    _value_axis(canvas, top, step, box)
    return box, top


def _columns(canvas: Canvas, plot_height: float) -> None:
    """Vertical bars, one group per category, categories left to right in every language."""
    chart = canvas.chart
    (left, right, plot_top, bottom), top = plot_box(canvas, _maximum(chart), plot_height)
    slot = (right - left) / max(len(chart.categories), 1)
    group = slot * 0.74
    bar = group / len(chart.series)
    for i, category in enumerate(chart.categories):
        start = left + i * slot + (slot - group) / 2
        for j, one in enumerate(chart.series):
            x, value = start + j * bar, one.values[i]
            if value is None:
                canvas.parts.append(_hidden(x + bar / 2, bottom - 6, one.flags[i], one.tips[i]))
                continue
            height = (bottom - plot_top) * value / top
            canvas.parts.append(_bar(x + 1, bottom - height, bar - 2, height, one.colour,
                                     one.tips[i]))  # fmt: skip
            room = bar if len(chart.series) > 1 else slot * 0.96
            if one.labels[i] and text_width(one.labels[i], 11) <= room:
                label = svg_text(x + bar / 2, bottom - height - 4, one.labels[i], 11,
                                 text_anchor="middle", fill=MUTED, rtl=chart.rtl)  # fmt: skip
                canvas.parts.append(label)
        canvas.parts.append(svg_text(left + (i + 0.5) * slot, bottom + 17, category, 12,
                                     text_anchor="middle", rtl=chart.rtl))  # fmt: skip
    canvas.y = bottom + 24


def _rows(canvas: Canvas) -> None:
    """Horizontal bars, one row per category: names on the reading side, bars growing away
    from them (to the left in Arabic)."""
    chart, rtl = canvas.chart, canvas.chart.rtl
    one = chart.series[0]
    names = min(
        max((text_width(c, 13) for c in chart.categories), default=0) + 10, canvas.inner * 0.42
    )
    values = max((text_width(label, 12) for label in one.labels), default=0) + 8
    length = canvas.inner - names - values
    maximum = _maximum(chart) or 1.0
    origin = canvas.width - PAD - names if rtl else PAD + names
    for i, category in enumerate(chart.categories):
        y = canvas.y + 8 + i * 34
        name_x, anchor = (origin + 8, "start") if rtl else (origin - 8, "end")
        canvas.parts.append(svg_text(name_x, y + 16, category, 13, text_anchor=anchor, rtl=rtl))
        value = one.values[i]
        if value is None:
            canvas.parts.append(_hidden(origin + (-14 if rtl else 14), y + 16, one.flags[i],
                                        one.tips[i]))  # fmt: skip
            continue
        size = length * value / maximum
        x = origin - size if rtl else origin
        canvas.parts.append(_bar(x, y + 2, size, 22, one.colour, one.tips[i]))
        label_x, anchor = (x - 5, "end") if rtl else (x + size + 5, "start")
        canvas.parts.append(
            svg_text(label_x, y + 17, one.labels[i], 12, text_anchor=anchor, rtl=rtl)
        )
    canvas.parts.append(
        f'<line x1="{origin:.1f}" x2="{origin:.1f}" y1="{canvas.y + 4:.1f}" '
        f'y2="{canvas.y + 12 + 34 * len(chart.categories):.1f}" stroke="{INK}"/>'
    )
    canvas.y += 16 + 34 * len(chart.categories)


def draw(chart: Chart, width: int = WIDE, with_title: bool = True) -> str:
    """The chart as one ``<svg>`` element, ``width`` user units wide (its height follows).
    Without its title (the page's heading says it), the title still names the image."""
    variant = "wide" if width >= WIDE else "narrow"
    ident = f"{chart.key}-{variant}{'' if with_title else '-inline'}"
    canvas = Canvas(chart, width)
    if with_title:
        canvas.lines(chart.title, 18, 25, font_weight="bold")
    several = len(chart.series) > 1  # one colour needs no key: the title says it
    canvas.legend([(one.name, one.colour) for one in chart.series] if several else [])
    if chart.horizontal:
        _rows(canvas)
    else:
        _columns(canvas, 230 if variant == "wide" else 200)
    canvas.footer()
    height = math.ceil(canvas.y + PAD)
    said = " ".join([chart.desc, *chart.footer, chart.label]).strip()
    body = "".join(canvas.parts)
    return document(width, height, ident, chart.title, said, body, f"chart-svg {variant}")


def document(
    width: int, height: int, ident: str, title: str, desc: str, body: str, css_class: str = ""
) -> str:
    """A standalone ``<svg>`` on white, named by its ``title`` and described by ``desc``."""
    ident = escape(ident)
    classed = f' class="{css_class}"' if css_class else ""
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img" aria-labelledby="{ident}-t {ident}-d" '
        f'direction="ltr" font-family="{escape(FONT)}"{classed}>'
        f'<title id="{ident}-t">{escape(title)}</title>'
        f'<desc id="{ident}-d">{escape(desc)}</desc>'
        f'<rect width="{width}" height="{height}" fill="#ffffff"/>' + body + "</svg>"
    )
