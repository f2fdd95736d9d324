"""The KPI tiles as a reader sees them, in one language: the value, the previous value and its
year, the change (with the year it is measured against when that is not the year before), the
tone (good or bad news for that measure), the demonstration mark and the published figures'
sources. Shared by the overview's tiles and the board brief, so both say the same. Pure.

Texts are plain (not escaped): a source title comes from a file, so the caller passes its own
``escape`` (Markdown for Streamlit); Jinja2 escapes the brief's HTML itself.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from lib.formatting import (
    format_change,
    format_date,
    format_money,
    format_money_short,
    format_number,
    format_percent_value,
    format_signed,
    isolated,
    signed_isolated,
)
from lib.i18n import t
from lib.public.translations import translated
from lib.warehouse.filters import Filters
from lib.warehouse.kpis import Kpi, Source

# How each tile writes its value (money short on the tile, whole dirhams for a unit cost).
FORMATS: dict[str, Callable[[float, str], str]] = {
    "programme_budget": format_money_short,
    "programme_beneficiaries": format_number,
    "cost": format_money,
    "share_women": format_percent_value,
    "programme_regions_covered": format_number,
    "placements_in_companies": format_number,
    "capc_interventions": format_number,
}
TONES = {1: "good", -1: "bad", 0: "neutral"}


@dataclass(frozen=True)
class Line:
    """A line under a tile; ``url`` is the source's address where it has one (a link)."""

    text: str
    url: str | None = None


@dataclass(frozen=True)
class TileText:
    """What a tile writes. ``change`` already names its base year when it is not the year
    before ("-74 % par rapport à 2015"); ``tone`` is +1 (good news), -1 (bad) or 0; ``demo``
    says whether to show the demonstration mark (``demo_label``); ``sources`` are the lines
    naming the published figures (:class:`Line`, with the source's address); ``notes``
    anything else the reader must know."""

    key: str
    label: str
    value: str
    previous: str | None
    change: str | None
    tone: int
    demo: bool
    demo_label: str
    sources: tuple[Line, ...] = ()
    notes: tuple[str, ...] = ()

    @property
    def tone_name(self) -> str:
        """good, bad or neutral: a colour's meaning (green, red, grey)."""
        return TONES[self.tone]


def formatter(key: str) -> Callable[[float, str], str]:
    return FORMATS.get(key, format_number)


def change_text(kpi: Kpi, lang: str) -> str | None:
    """ "+67 %", "+2,0 pts" for a share, "-74 % par rapport à 2015" when the base year is not
    the year before; None without a previous value. Signed figures isolated in Arabic."""
    if kpi.in_points:
        if kpi.difference is None:
            return None
        value = signed_isolated(format_signed(kpi.difference * 100, lang, digits=1), lang)
        text = t("common.points", lang, value=value)
    elif kpi.change is None:
        return None
    else:
        text = signed_isolated(format_change(kpi.change, lang), lang)
    if kpi.compares_year_before:
        return text
    return t("tiles.change_since", lang, change=text, year=kpi.previous_year)


def published_value(source: Source, lang: str) -> str:
    """A published figure as its source gave it: "plus de 13 500 000 MAD", "près de 270"."""
    money = source.unit == "MAD"
    shown = format_money(source.value, lang) if money else format_number(source.value, lang)
    if source.qualifier in ("at_least", "approx"):
        shown = t(f"common.{source.qualifier}", lang, value=shown)
    return isolated(shown, lang)


def source_title(source: Source, lang: str, escape: Callable[[str], str] = str) -> str:
    """The source's title in ``lang`` where the seed translates it (``lib.public.translations``),
    escaped by ``escape`` and set apart from an Arabic sentence."""
    return isolated(escape(translated("source_title", source.title, lang)), lang)


def source_line(source: Source, lang: str, escape: Callable[[str], str] = str) -> str:
    """ "Source : Libération (MAP), 29 mai 2019"."""
    title = source_title(source, lang, escape)
    if source.date is None:
        return t("tiles.source_undated", lang, source=title)
    return t("tiles.source", lang, source=title, date=format_date(source.date, lang))


def _source_lines(kpi: Kpi, lang: str, escape: Callable[[str], str]) -> tuple[Line, ...]:
    """The published figures a tile is (with their value where it is qualified), is made of
    (cost per beneficiary), or stands beside (a figure published for a span of years)."""
    if not kpi.sources:
        return ()
    if not kpi.published:
        first = kpi.sources[0]
        title = source_title(first, lang, escape)
        value = published_value(first, lang)
        period = isolated(first.period, lang)  # "2018-2019" kept whole in Arabic
        note = t("overview.published_note", lang, value=value, period=period, source=title)
        return (Line(note, first.url),)
    lines = [] if len(kpi.sources) == 1 else [Line(t("tiles.derived", lang))]
    seen = set()
    for source in kpi.sources:
        if len(kpi.sources) == 1 and source.qualifier != "exact":
            lines.append(Line(t("tiles.published_as", lang, value=published_value(source, lang))))
        if (source.title, source.date) not in seen:
            seen.add((source.title, source.date))
            lines.append(Line(source_line(source, lang, escape), source.url))
    return tuple(lines)


def tile_text(
    kpi: Kpi, filters: Filters, lang: str, escape: Callable[[str], str] = str
) -> TileText:
    """Everything a tile writes for ``kpi`` shown under the selection ``filters``."""
    label = t(f"overview.kpi_{kpi.key}", lang)
    if kpi.year is not None and kpi.year != filters.year:
        label = t("overview.kpi_in_year", lang, label=label, year=kpi.year)
    fmt = formatter(kpi.key)
    if kpi.value is None:
        value = t("common.no_data_year", lang, year=filters.year)
    else:
        value = fmt(kpi.value, lang)
    previous = None
    if kpi.previous is not None:
        shown = isolated(fmt(kpi.previous, lang), lang)
        previous = t("tiles.previous", lang, year=kpi.previous_year, value=shown)
    notes = ()
    if kpi.key == "capc_interventions" and filters.sectors:
        notes = (t("overview.no_sector", lang),)
    return TileText(
        key=kpi.key,
        label=label,
        value=value,
        previous=previous,
        change=change_text(kpi, lang),
        tone=kpi.tone,
        demo=kpi.demo_mark,
        demo_label=t("common.demo_badge", lang),
        sources=_source_lines(kpi, lang, escape),
        notes=notes,
    )
