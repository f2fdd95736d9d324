"""What the public page and the static site show, computed once from the public tables.

Pure (no streamlit): both ``pages/public.py`` and ``lib/public/site.py`` call these functions on the
same frames, so the page and the site cannot disagree. Suppressed cells keep their marker
("< t" for 1 to t-1 people, "s" for a cell hidden to protect another, of any size) in every
table, tooltip and legend, and are missing (never zero) in every chart.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import plotly.graph_objects as go

from lib import charts
from lib.formatting import format_date, format_money, format_number, format_percent_value
from lib.i18n import current_language, t
from lib.public.names import names_in
from lib.public.translations import translated

SMALL_COLOUR = "#e8e0f0"  # hidden, fewer than t people
PROTECTING_COLOUR = "#a8a8a8"  # hidden to protect another cell, of any size
HEADLINES = (  # (indicator, scope): the national figures a source published, newest period
    "programme_budget",
    "programme_beneficiaries",
    "programme_regions_covered",
    "programme_beneficiaries_moussalaha",
    "placements_in_companies",
    "capc_interventions",
)


def _true(value) -> bool:
    """A metadata flag, whether it comes from the snapshot (bool) or read back (text)."""
    return str(value) == "True"


def notes(metadata: dict, lang: str) -> dict[str, str]:
    """The texts that explain a snapshot: its demonstration note, what the markers mean, the
    method, the map's keys; all driven by the snapshot's own threshold."""
    threshold = int(metadata["threshold"])
    params = {"threshold": threshold, "largest": threshold - 1}
    days = metadata.get("publication_min_days", 28)
    demo_key = (
        "public.demo_note"
        if _true(metadata.get("totals_match_published"))
        else ("public.demo_note_rescaled")
    )
    return {
        "demo": t(demo_key, lang) if _true(metadata["demo"]) else "",
        "flags": t("public.flags_note", lang, **params),
        "method": t("public.method_text", lang, days=days, **params),
        "legend_small": t("public.legend_small", lang, **params),
        "legend_protecting": t("public.legend_protecting", lang),
    }


def stale_notice(status: dict, metadata: dict, lang: str) -> str | None:
    """'Not updated since ...' when a newer snapshot was refused, else None."""
    if not status.get("refused_at"):
        return None
    published = pd.Timestamp(metadata["generated_at"]).date()
    reason = t(f"publish.refused.{status['reason']}", lang, next_date="")
    return t("public.stale", lang, date=format_date(published, lang), reason=reason)


def demo_label(figure: go.Figure, metadata: dict, lang: str) -> go.Figure:
    """The demonstration label drawn inside a chart of a demonstration snapshot."""
    return (
        charts.with_note(figure, t("common.demo_badge", lang))
        if _true(metadata["demo"])
        else figure
    )


@dataclass(frozen=True)
class Card:
    """A headline figure: ``source`` is the whole line; its parts let the site isolate the
    source's name and date inside Arabic text."""

    label: str
    value: str
    source: str
    source_title: str = ""
    source_date: str = ""
    source_url: str = ""


def figure_value(row: dict, lang: str) -> str:
    """A published figure in the language's format (money, count or percentage), with its
    qualifier ("plus de", "près de"), or its disclosure marker when it is hidden."""
    value, flag = row["value"], row.get("value_flag") or ""
    if flag or pd.isna(value):
        return display_value(value, flag if isinstance(flag, str) else "", lang)
    if row["unit"] == "MAD":
        text = format_money(value, lang)
    elif row["unit"] == "percent":
        digits = len(f"{float(value):g}".partition(".")[2])
        text = format_percent_value(float(value) / 100, lang, digits=min(digits, 2))
    else:
        text = format_number(value, lang)
    qualifier = row["qualifier"]
    return t(f"common.{qualifier}", lang, value=text) if qualifier != "exact" else text


def source_title(row: dict, lang: str) -> str:
    """A figure's source in ``lang`` (the translation kept with the seed), else as given."""
    shown = row.get(f"source_title_{lang}")
    if isinstance(shown, str) and shown:
        return shown
    return translated("source_title", row["source_title"], lang)


def figure_note(row: dict, lang: str) -> str:
    """A figure's note in ``lang``, "" when it has none."""
    shown = row.get(f"note_{lang}")
    if isinstance(shown, str) and shown:
        return shown
    return translated("note", row.get("note"), lang)


def source_date(row: dict, lang: str) -> str:
    when = row["source_date"]
    return format_date(pd.Timestamp(when).date(), lang) if pd.notna(when) else ""


def _source_line(row: dict, lang: str) -> str:
    date_text = source_date(row, lang)
    return t("public.source_line", lang, source=source_title(row, lang), date=date_text)


def headline_cards(figures: pd.DataFrame, lang: str) -> list[Card]:
    """The latest published national value of each headline indicator, with its source."""
    national = figures[figures["scope"] == "national"]
    cards = []
    for indicator in HEADLINES:
        rows = national[national["indicator"] == indicator]
        if rows.empty:
            continue
        row = rows.sort_values("period").iloc[-1].to_dict()
        label = t(
            "public.card_label",
            lang,
            name=t(f"indicator.{indicator}", lang),
            period=isolated(str(row["period"])),  # "2018-2019" keeps its order in Arabic
        )
        url = row.get("source_url")
        cards.append(
            Card(
                label,
                figure_value(row, lang),
                _source_line(row, lang),
                source_title(row, lang),
                source_date(row, lang),
                url if isinstance(url, str) else "",
            )
        )
    return cards


def display_value(value, flag: str, lang: str, money: bool = False) -> str:
    """A published number in the language's format, or its disclosure marker."""
    if flag:
        return isolated(flag)
    if pd.isna(value):
        return "—"
    return format_money(value, lang) if money else format_number(value, lang)


def isolated(marker: str) -> str:
    """A marker kept left-to-right inside Arabic text ("< 10" must not become "10 >")."""
    return f"\u2066{marker}\u2069"


def _name(frame: pd.DataFrame, lang: str) -> pd.Series:
    return names_in(frame, lang)  # Tamazight names come from the seed


def trend_figures(programme: pd.DataFrame, lang: str) -> list[go.Figure]:
    year = t("common.year", lang)
    budget = charts.bar_chart(
        programme,
        "year",
        "budget_mad",
        t("public.chart_budget", lang),
        year,
        t("common.budget", lang),
        lang,
    )
    people = charts.line_chart(
        programme,
        "year",
        {"beneficiaries": t("common.beneficiaries", lang)},
        t("public.chart_beneficiaries", lang),
        year,
        t("common.beneficiaries", lang),
        lang,
    )
    return [budget, people]


def latest_year(frame: pd.DataFrame) -> int:
    return int(frame["year"].max())


def regions_of_year(regions: pd.DataFrame, year: int) -> pd.DataFrame:
    """The 12 regions of one programme year (the total row left out)."""
    of_year = regions[(regions["year"] == year) & (regions["region_code"] != "total")].copy()
    of_year["region_code"] = of_year["region_code"].astype(int)
    return of_year


def _rates(rows: pd.DataFrame) -> tuple[pd.Series, int | None]:
    """Each region's rate per 100 000 and the census it divides by (an older snapshot has only
    ``rate_per_100k_2024``)."""
    if "rate_per_100k" in rows:
        censuses = rows["census_year"].dropna()
        return rows["rate_per_100k"], int(censuses.iloc[0]) if len(censuses) else None
    return rows["rate_per_100k_2024"], 2024


def regions_table(regions: pd.DataFrame, year: int, lang: str) -> pd.DataFrame:
    """The regions of one year: names, beneficiaries, rate per 100 000 inhabitants (at the
    census nearest to the year) and budget, hidden cells by their marker. Budget amounts are
    written as numbers: the header says they are in MAD."""
    rows = regions[regions["year"] == year]
    rate_flag = rows["beneficiaries_flag"].where(rows["beneficiaries_flag"] == "", "s")
    rates, census = _rates(rows)
    rate_header = t("public.rate_census", lang, year=census) if census else t("common.rate", lang)
    return pd.DataFrame(
        {
            t("common.region", lang): _name(rows, lang).fillna("—").tolist(),
            t("common.beneficiaries", lang): [
                display_value(v, f, lang)
                for v, f in zip(rows["beneficiaries"], rows["beneficiaries_flag"], strict=True)
            ],
            rate_header: [
                isolated(f) if f else "—" if pd.isna(v) else format_number(v, lang, digits=1)
                for v, f in zip(rates, rate_flag, strict=True)
            ],
            t("common.budget", lang): [
                display_value(v, f, lang)
                for v, f in zip(rows["budget_mad"], rows["budget_mad_flag"], strict=True)
            ],
        }
    )


def placements_by_year(placements: pd.DataFrame) -> pd.DataFrame:
    """year, women, men, total (missing where suppressed): for the chart."""
    if placements.empty:
        return pd.DataFrame(columns=["year", "women", "men", "total"])
    wide = placements.pivot_table(index="year", columns="sex", values="placements", aggfunc="first")
    wide = wide.reindex(columns=["F", "M", "total"])  # a hidden sex is missing, not absent
    return wide.rename(columns={"F": "women", "M": "men"}).reset_index()


def placements_table(placements: pd.DataFrame, lang: str) -> pd.DataFrame:
    rows = []
    for year, group in placements.groupby("year"):
        cells = {
            row["sex"]: display_value(row["placements"], row["placements_flag"], lang)
            for row in group.to_dict(orient="records")
        }
        rows.append(
            {
                t("common.year", lang): str(year),
                t("common.women", lang): cells["F"],
                t("common.men", lang): cells["M"],
                t("public.total", lang): cells["total"],
            }
        )
    return pd.DataFrame(rows)


def placements_figure(placements: pd.DataFrame, lang: str) -> go.Figure:
    wide = placements_by_year(placements)
    return charts.grouped_bar_chart(
        wide,
        "year",
        {"men": t("common.men", lang), "women": t("common.women", lang)},
        t("public.chart_placements", lang),
        t("common.year", lang),
        t("common.placements", lang),
        lang,
    )


def interventions_table(types: pd.DataFrame, lang: str) -> pd.DataFrame:
    return pd.DataFrame(
        {
            t("common.type", lang): _name(types, lang),
            t("common.interventions", lang): [
                display_value(v, f, lang)
                for v, f in zip(types["interventions"], types["interventions_flag"], strict=True)
            ],
        }
    )


def interventions_figure(types: pd.DataFrame, lang: str) -> go.Figure:
    rows = types[types["type_code"] != "total"].assign(name=lambda f: _name(f, lang))
    return charts.bar_chart(
        rows,
        "name",
        "interventions",
        t("public.chart_interventions", lang, period=next(iter(rows["period"]), "")),
        t("common.type", lang),
        t("common.interventions", lang),
        lang,
        horizontal=True,
        color=charts.PALETTE[2],
    )


def hidden_words(flag: str, name: str, threshold: int, lang: str) -> str:
    """What a hidden region's tooltip says: fewer than t people, or hidden to protect another
    cell (which says nothing of its size: it may be large)."""
    key = "public.tip_small" if flag.startswith("<") else "public.tip_protecting"
    return t(key, lang, name=name, threshold=threshold)


def region_map_inputs(regions: pd.DataFrame, year: int, lang: str, threshold: int):
    """Values (None where hidden), tooltips and flags for the maps of the page and the site."""
    rows = regions_of_year(regions, year)
    values, labels, flags = {}, {}, {}
    for code, name, value, flag in zip(
        rows["region_code"],
        _name(rows, lang),
        rows["beneficiaries"],
        rows["beneficiaries_flag"],
        strict=True,
    ):
        values[int(code)] = None if flag else float(value)
        flags[int(code)] = flag
        shown = display_value(value, flag, lang)
        labels[int(code)] = (
            hidden_words(flag, name, threshold, lang)
            if flag
            else t("site.bar_tip", lang, category=name, value=shown)
        )
    return values, labels, flags


def sources(figures: pd.DataFrame, lang: str | None = None) -> list[dict]:
    """Each source once: ``title`` in ``lang`` (default: the session's), ``original`` as the
    row gave it (shown beside a translation), ``url`` ("" when there is none)."""
    lang = lang or current_language()
    unique = figures.drop_duplicates("source_title")
    listed: list[dict] = []
    for row in unique.to_dict(orient="records"):
        url = row.get("source_url")
        listed.append(
            {
                "title": source_title(row, lang),
                "original": row["source_title"],
                "url": url if isinstance(url, str) else "",
            }
        )
    return listed


def _indicator_name(indicator: str, lang: str) -> str:
    key = f"indicator.{indicator}"
    name = t(key, lang)
    return indicator if name == key else name  # an imported indicator has no message


def scope_names(regions: pd.DataFrame, lang: str) -> dict[str, str]:
    """ISO code (MA-06) -> the region's name in ``lang``, from the regions table."""
    if "iso_3166_2" not in regions:
        return {}
    named = regions.dropna(subset=["iso_3166_2"]).drop_duplicates("iso_3166_2")
    return dict(zip(named["iso_3166_2"], _name(named, lang), strict=True))


def figure_rows(figures: pd.DataFrame, regions: pd.DataFrame, lang: str) -> list[dict]:
    """Every published figure as a reader reads it: indicator, period, scope by name, value,
    source (translated, with its original, address and date) and note; "—" where empty."""
    scopes = scope_names(regions, lang)
    rows = []
    for row in figures.sort_values(["indicator", "period", "scope"]).to_dict(orient="records"):
        scope = row["scope"]
        url = row.get("source_url")
        rows.append(
            {
                "indicator": _indicator_name(row["indicator"], lang),
                "period": str(row["period"]),
                "scope": (
                    t("site.national", lang) if scope == "national" else scopes.get(scope, scope)
                ),
                "value": figure_value(row, lang),
                "source": source_title(row, lang),
                "original": row["source_title"],
                "url": url if isinstance(url, str) else "",
                "date": source_date(row, lang) or "—",
                "note": figure_note(row, lang) or "—",
            }
        )
    return rows


def region_map_figure(regions: pd.DataFrame, year: int, lang: str, threshold: int) -> go.Figure:
    """The public map: published counts in blue; hidden ones light when fewer than t people,
    grey when hidden to protect another cell; none in sand."""
    from lib import geo

    shown = regions_of_year(regions, year).assign(name=lambda f: _name(f, lang))
    published = shown["beneficiaries_flag"] == ""
    visible = shown[published & (shown["beneficiaries"] > 0)]
    return charts.region_map(
        visible.assign(beneficiaries=visible["beneficiaries"].astype(float)),
        geo.regions_geojson(),
        "beneficiaries",
        "name",
        t("public.regions_title", lang, year=year),
        t("common.beneficiaries", lang),
        lang,
        value_format=",.0f",
        overlays=[
            (
                shown[published & (shown["beneficiaries"] == 0)],
                t("public.legend_none", lang),
                charts.NONE_COLOUR,
            ),
            (
                shown[shown["beneficiaries_flag"].str.startswith("<")],
                t("public.legend_small", lang, threshold=threshold),
                SMALL_COLOUR,
            ),
            (
                shown[shown["beneficiaries_flag"] == "s"],
                t("public.legend_protecting", lang),
                PROTECTING_COLOUR,
            ),
        ],
    )
