"""The brief's four trend charts as vector SVG, drawn by the public site's bar charts
(``lib.public.svgcharts``): budget (in millions of dirhams), beneficiaries, placements and CAPC
interventions per year, up to the brief's year. A count of 1 to threshold-1 has no bar but its
``< t`` marker, and the budget of such a year is hidden with it (``s``). Pure.

WeasyPrint draws SVG text without Arabic shaping or bidirectional ordering, so the drawings
hold figures only (years, values, markers): each chart's title and demonstration mark are the
brief's HTML, laid out by Pango like the rest of the page.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd

from lib.formatting import format_number
from lib.i18n import is_rtl, t
from lib.public import svgcharts

WIDTH = 520  # user units of each chart's drawing; CSS gives it the width of its column
BLUE, GREEN, PURPLE, ORANGE = "#0072B2", "#009E73", "#CC79A7", "#E69F00"  # Okabe-Ito
SUPPRESSED = "s"
MILLION = 1_000_000


@dataclass(frozen=True)
class Trend:
    """One chart: its title's message key, the frame (``year`` and the column drawn), how a
    value is written, its colour, and the count that decides whether a bar may be shown (the
    column itself when None)."""

    title_key: str
    frame: pd.DataFrame
    column: str
    fmt: Callable[[float, str], str]
    colour: str
    people: str | None = None

    @property
    def demo(self) -> bool:
        """Whether a demonstration record is counted in any bar."""
        frame = self.frame
        return "any_demo" in frame and bool(frame["any_demo"].fillna(False).astype(bool).any())


def small(count, threshold: int) -> bool:
    """A count from 1 to threshold-1: hidden wherever it appears (zeros are shown)."""
    return count is not None and not pd.isna(count) and 1 <= count < threshold


def shows_a_bar(trend: Trend, threshold: int) -> bool:
    """Whether any year of the chart has a value that may be shown (a chart of markers alone
    is left out: the tiles already say what is hidden)."""
    counts = trend.frame[trend.people or trend.column]
    shown = trend.frame[trend.column].notna() & ~counts.map(lambda c: small(c, threshold))
    return bool(shown.any())


def millions(value: float, lang: str) -> str:
    """13 500 000 as "13,5" (the chart's title says "millions of MAD")."""
    shown = value / MILLION
    return format_number(shown, lang, digits=0 if float(shown).is_integer() else 1)


def _series(trend: Trend, threshold: int, lang: str) -> svgcharts.Series:
    values, flags, tips, labels = [], [], [], []
    for _, row in trend.frame.iterrows():
        count = row[trend.people or trend.column]
        value = row[trend.column]
        if small(count, threshold):
            dependent = trend.people is not None  # money hidden with its small count
            values.append(None)
            flags.append(SUPPRESSED if dependent else f"< {threshold}")
            key = "brief.hidden_value" if dependent else "brief.hidden_count"
            tips.append(t(key, lang, threshold=threshold))
            labels.append("")
            continue
        shown = None if pd.isna(value) else float(value)
        text = trend.fmt(shown, lang) if shown is not None else ""
        values.append(shown)
        flags.append("")
        tips.append(f"{int(row['year'])}: {text}")
        labels.append(text)
    return svgcharts.Series(
        name=t(trend.title_key, lang),
        colour=trend.colour,
        values=tuple(values),
        flags=tuple(flags),
        tips=tuple(tips),
        labels=tuple(labels),
    )


def draw(trend: Trend, threshold: int, lang: str) -> str:
    """The chart as one ``<svg>``: bars, value axis, years (its title is the brief's HTML)."""
    series = _series(trend, threshold, lang)
    title = t(trend.title_key, lang)
    years = [str(int(year)) for year in trend.frame["year"]]
    pairs = zip(years, series.labels, series.flags, strict=True)
    said = "; ".join(f"{year}: {label or flag}" for year, label, flag in pairs)
    chart = svgcharts.Chart(
        key=f"brief-{trend.column}",
        title=title,
        desc=f"{title}. {said}",
        categories=tuple(years),
        series=(series,),
        ticks=lambda value: trend.fmt(value, lang),
        footer=(),
        label="",
        rtl=is_rtl(lang),
    )
    return svgcharts.draw(chart, WIDTH, with_title=False)


def trends(by_year: pd.DataFrame, placements: pd.DataFrame, interventions: pd.DataFrame):
    """The brief's charts, each over the years of its frame; a chart without data is left out."""
    charts = (
        Trend("brief.chart_budget", by_year, "budget_mad", millions, BLUE, "beneficiaries"),
        Trend("overview.chart_beneficiaries", by_year, "beneficiaries", format_number, ORANGE),
        Trend("overview.chart_placements", placements, "placements", format_number, GREEN),
        Trend(
            "overview.chart_interventions", interventions, "interventions", format_number, PURPLE
        ),
    )
    return [trend for trend in charts if trend.frame[trend.column].notna().any()]
