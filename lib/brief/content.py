"""What the board brief says, gathered from the warehouse for one year, selection and language:
the overview's tiles (``lib.warehouse.kpis``, written by ``lib.tiles``), the trend charts, the
selection, the data's date and version, the sources and the rule. Pure: reads the warehouse
through ``lib.warehouse.queries`` only.

The brief may leave the building (a board pack, the annual report), so its small counts follow
the disclosure rule's first steps: a count from 1 to threshold-1 is written "moins de t", and
the money, cost or share that depends on it is hidden with it.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime

import pandas as pd

from lib.brief import charts
from lib.formatting import format_date, format_list, isolated
from lib.i18n import is_rtl, t
from lib.outcomes import headline
from lib.tiles import TileText, source_title, tile_text
from lib.warehouse import kpis, queries
from lib.warehouse.db import Database
from lib.warehouse.filters import Filters

# The counts behind each tile's value: when one is small, the value is hidden.
PEOPLE = {
    "programme_budget": ("beneficiaries",),
    "programme_beneficiaries": ("beneficiaries",),
    "cost": ("beneficiaries",),
    "share_women": ("women", "men"),
    "placements_in_companies": ("placements",),
    "capc_interventions": ("interventions",),
}
COUNTS = {"programme_beneficiaries", "placements_in_companies", "capc_interventions"}


@dataclass(frozen=True)
class Frames:
    """The yearly frames of a selection, up to the brief's year."""

    programme: pd.DataFrame
    placements: pd.DataFrame
    interventions: pd.DataFrame

    def of(self, measure: kpis.Measure) -> pd.DataFrame:
        return getattr(self, measure.frame)


def load_frames(database: Database, filters: Filters) -> Frames:
    """The three yearly frames for ``filters``, years after the brief's cut off."""
    options = queries.filter_options(database)
    by_year = kpis.with_ratios(queries.beneficiaries_by_year(filters, options, database))
    by_year["men"] = by_year["beneficiaries"] - by_year["women"].fillna(0)
    frames = (
        by_year,
        queries.placements_by_year(filters, options, database),
        queries.interventions_by_year(filters, options, database),
    )
    return Frames(
        *(frame[frame["year"] <= filters.year].reset_index(drop=True) for frame in frames)
    )


def _hidden(kpi: kpis.Kpi, frame: pd.DataFrame, year: int | None, threshold: int) -> bool:
    counts = frame.loc[frame["year"] == year, list(PEOPLE.get(kpi.key, ()))]
    return any(charts.small(value, threshold) for value in counts.to_numpy().ravel())


def protected(text: TileText, kpi: kpis.Kpi, frame: pd.DataFrame, threshold: int, lang: str):
    """The tile's text with its small counts, and what depends on them, hidden."""
    now = _hidden(kpi, frame, kpi.year, threshold)
    before = _hidden(kpi, frame, kpi.previous_year, threshold)
    if not (now or before):
        return text
    key = "brief.hidden_count" if kpi.key in COUNTS else "brief.hidden_value"
    masked = t(key, lang, threshold=threshold)
    changes = {"change": None, "tone": 0}
    if now:
        changes["value"] = masked
    if before:
        changes["previous"] = t("tiles.previous", lang, year=kpi.previous_year, value=masked)
    return replace(text, **changes)


def tiles(frames: Frames, database: Database, filters: Filters, threshold: int, lang: str):
    """The overview's tiles as the brief writes them: (Kpi, TileText) pairs."""
    published = queries.published_lookup(database)
    shown = kpis.overview_tiles(
        frames.programme, frames.placements, frames.interventions, published, filters
    )
    pairs = []
    for kpi in shown:
        frame = frames.of(kpis.MEASURE_BY_KEY[kpi.key])
        text = protected(tile_text(kpi, filters, lang), kpi, frame, threshold, lang)
        pairs.append((kpi, text))
    return pairs


def selection_text(database: Database, filters: Filters, lang: str) -> str:
    """What the figures cover: "Casablanca-Settat · Femmes", or the whole programme."""
    if not filters.is_narrowed:
        return t("filters.summary_all", lang)
    parts = []
    if filters.regions:
        names = queries.names("region", lang, database)
        parts.append(format_list((isolated(names[str(c)], lang) for c in filters.regions), lang))
    if filters.sectors:
        names = queries.names("sector", lang, database)
        parts.append(format_list((names[code] for code in filters.sectors), lang))
    if filters.sexes:
        parts.append(format_list((t(f"common.sex_{c}", lang) for c in filters.sexes), lang))
    return " · ".join(parts)


def _day(value) -> date | None:
    if value is None:
        return None
    if isinstance(value, str):
        return datetime.fromisoformat(value).date()
    return pd.Timestamp(value).date()


def version_text(database: Database, lang: str) -> str:
    """The data's date and version: when the warehouse was built, and its last import."""
    version = queries.data_version(database)
    built = format_date(_day(version["built_at"]), lang)
    text = t("brief.version", lang, built=built, generator=version["generator_version"])
    if version["last_batch"] is None:
        return f"{text} {t('brief.no_import', lang)}"
    changed = format_date(_day(version["last_change_at"]), lang)
    return f"{text} {t('brief.last_import', lang, batch=int(version['last_batch']), date=changed)}"


def source_list(pairs, lang: str) -> list[dict]:
    """Every published figure the tiles cite, once: its title, date and address."""
    seen, listed = set(), []
    for kpi, _ in pairs:
        for source in kpi.sources:
            if (source.title, source.url, source.date) in seen:
                continue
            seen.add((source.title, source.url, source.date))
            when = format_date(source.date, lang) if source.date else None
            listed.append({"title": source_title(source, lang), "date": when, "url": source.url})
    return listed


def gather(database: Database, filters: Filters, lang: str, threshold: int, today: date) -> dict:
    """Everything the template shows, as text and SVG."""
    frames = load_frames(database, filters)
    pairs = tiles(frames, database, filters, threshold, lang)
    trends = charts.trends(frames.programme, frames.placements, frames.interventions)
    demo = any(kpi.demo for kpi, _ in pairs)
    return {
        "lang": lang,
        "dir": "rtl" if is_rtl(lang) else "ltr",
        "year": filters.year,
        "tiles": [text for _, text in pairs],
        "charts": [
            {
                "title": t(trend.title_key, lang),
                "svg": charts.draw(trend, threshold, lang),
                "demo": trend.demo,
            }
            for trend in trends
            if charts.shows_a_bar(trend, threshold)
        ],
        "selection": selection_text(database, filters, lang),
        "version": version_text(database, lang),
        "issued": format_date(today, lang),
        "sources": source_list(pairs, lang),
        "demo": demo,
        "tones": {"good": t("brief.tone_good", lang), "bad": t("brief.tone_bad", lang)},
        "threshold": threshold,
        "largest": threshold - 1,
        "marker": f"< {threshold}",  # as the charts draw it
        "outcome": outcome_line(database, filters, lang, threshold),
    }


def outcome_line(database: Database, filters: Filters, lang: str, threshold: int) -> str | None:
    """The micro-projects still running 12 months after the grant, for the latest cohort of
    the brief's year or before (issue 22); None where no cohort was followed that long."""
    options = queries.filter_options(database)
    figure = headline.still_running(filters, options, database, up_to=filters.year)
    return headline.brief_line(figure, lang, threshold)
