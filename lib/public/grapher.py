"""The site's four charts as grapher pages: for each, the chart drawn by
``lib.public.svgcharts``, its table view (headed in the page's language, markers and "—"
kept) and its data (the published numbers, flags and provenance, for the CSV download).

Built from the public tables only, with the same words as the public page
(``lib.public.view``): budget and beneficiaries by year, placements by year and sex,
interventions by type. Pure.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
from babel.numbers import format_compact_decimal

from lib.formatting import format_date, format_list, format_money, format_number, locale_for
from lib.i18n import is_rtl, t
from lib.public import view
from lib.public.names import names_in
from lib.public.svgcharts import Chart, Series, isolate

BLUE, VERMILION, GREEN = "#0072B2", "#C44E00", "#00795C"  # 3:1 or more against white


@dataclass(frozen=True)
class Grapher:
    """One chart of the site with everything its page offers."""

    key: str
    title: str
    chart: Chart
    table: pd.DataFrame
    data: pd.DataFrame


@dataclass(frozen=True)
class _Context:
    lang: str
    threshold: int
    footer: tuple[str, ...]
    label: str

    def tip(self, category: str, value: str, series: str = "") -> str:
        if series:
            return t("site.bar_tip_series", self.lang, category=category, series=series,
                     value=value)  # fmt: skip
        return t("site.bar_tip", self.lang, category=category, value=value)

    def hidden_tip(self, flag: str, name: str) -> str:
        return view.hidden_words(flag, name, self.threshold, self.lang)


def _series(name, colour, values, flags, context: _Context, formats, categories, named=False):
    """A series from published values and flags: None where hidden, tooltips in words."""
    shown, tips, labels = [], [], []
    for category, value, flag in zip(categories, values, flags, strict=True):
        flag = flag if isinstance(flag, str) else ""
        hidden = bool(flag) or pd.isna(value)
        shown.append(None if hidden else float(value))
        where = f"{category}, {name}" if named else category
        if hidden:
            tips.append(context.hidden_tip(flag or "s", where))
            labels.append("")
        else:
            full, short = formats
            tips.append(context.tip(category, full(value), name if named else ""))
            labels.append(short(value))
    return Series(name, colour, tuple(shown), tuple(f or "" for f in flags), tuple(tips),
                  tuple(labels))  # fmt: skip


def _compact(lang: str):
    def compact(value) -> str:
        return format_compact_decimal(float(value), locale=locale_for(lang), fraction_digits=1)

    return compact


def _counts(lang: str):
    return (lambda v: format_number(v, lang)), (lambda v: format_number(v, lang))


def _chart(key: str, title: str, categories, series, context: _Context, ticks, **extra) -> Chart:
    values = "; ".join(tip for one in series for tip in one.tips)
    return Chart(
        key=key,
        title=title,
        desc=t("site.chart_desc", context.lang, values=values),
        categories=tuple(categories),
        series=tuple(series),
        ticks=ticks,
        footer=context.footer,
        label=context.label,
        rtl=is_rtl(context.lang),
        **extra,
    )


def _programme(programme: pd.DataFrame, measure: str, context: _Context) -> Grapher:
    """Budget or beneficiaries by year, with the source of each national value."""
    lang = context.lang
    money = measure == "budget_mad"
    key, column = ("budget", "budget") if money else ("beneficiaries", "beneficiaries")
    title = t("public.chart_budget" if money else "public.chart_beneficiaries", lang)
    years = [str(year) for year in programme["year"]]
    formats = ((lambda v: format_money(v, lang)), _compact(lang)) if money else _counts(lang)
    series = _series(title, BLUE, programme[measure], programme[f"{measure}_flag"], context,
                     formats, years)  # fmt: skip
    ticks = _compact(lang) if money else (lambda v: format_number(v, lang))
    sources = [
        view.source_title({"source_title": s}, lang) if isinstance(s, str) else "—"
        for s in programme[f"{column}_source"]
    ]
    table = pd.DataFrame(
        {
            t("common.year", lang): years,
            t("common.budget" if money else "common.beneficiaries", lang): [
                view.display_value(v, f, lang)
                for v, f in zip(programme[measure], programme[f"{measure}_flag"], strict=True)
            ],
            t("site.column_source", lang): sources,
        }
    )
    columns = ["year", measure, f"{measure}_flag", f"{column}_qualifier", f"{column}_source",
               f"{column}_source_url", "provenance"]  # fmt: skip
    chart = _chart(key, title, years, [series], context, ticks)
    return Grapher(key, title, chart, table, programme[columns])


def _placements(placements: pd.DataFrame, context: _Context) -> Grapher:
    lang = context.lang
    title = t("public.chart_placements", lang)
    years = sorted(int(year) for year in placements["year"].unique())
    categories = [str(year) for year in years]
    series = []
    for sex, word, colour in (("F", "common.women", VERMILION), ("M", "common.men", BLUE)):
        rows = placements[placements["sex"] == sex].set_index("year").reindex(years)
        series.append(_series(t(word, lang), colour, rows["placements"],
                              rows["placements_flag"].fillna("s"), context, _counts(lang),
                              categories, named=True))  # fmt: skip
    chart = _chart("placements", title, categories, series, context,
                   lambda v: format_number(v, lang))  # fmt: skip
    table = view.placements_table(placements, lang)
    return Grapher("placements", title, chart, table, placements)


def _interventions(types: pd.DataFrame, context: _Context) -> Grapher:
    lang = context.lang
    rows = types[types["type_code"] != "total"]
    period = next(iter(rows["period"]), "")
    title = t("public.chart_interventions", lang, period=isolate(period))
    names = names_in(rows, lang).tolist()
    series = _series(title, GREEN, rows["interventions"], rows["interventions_flag"], context,
                     _counts(lang), names)  # fmt: skip
    chart = _chart("interventions", title, names, [series], context,
                   lambda v: format_number(v, lang), horizontal=True)  # fmt: skip
    return Grapher("interventions", title, chart, view.interventions_table(types, lang), types)


def published_on(metadata: dict, lang: str) -> str:
    """The snapshot's date, as Babel writes it in ``lang`` ("6 décembre 2026")."""
    return format_date(pd.Timestamp(metadata["generated_at"]).date(), lang)


def _footer(sources: pd.Series | None, metadata: dict, lang: str) -> tuple[str, ...]:
    """Source, date and threshold note: the source names the figures' publishers when the
    chart's values are theirs."""
    threshold = int(metadata["threshold"])
    titles = []
    for title in [] if sources is None else sources.dropna():
        named = view.source_title({"source_title": title}, lang)
        if named not in titles:
            titles.append(named)
    source = (
        t(
            "site.source_published",
            lang,
            sources=format_list([isolate(s) for s in titles], lang),
        )
        if titles
        else t("site.source_idmaj", lang)
    )
    return (
        source,
        t("public.generated", lang, date=isolate(published_on(metadata, lang))),
        t("site.chart_flags", lang, threshold=threshold, largest=threshold - 1),
    )


def graphers(tables: dict[str, pd.DataFrame], metadata: dict, lang: str) -> list[Grapher]:
    """The four charts of the site, in the order the page shows them."""
    demo = str(metadata["demo"]) == "True"
    label = t("common.demo_badge", lang) if demo else ""
    threshold = int(metadata["threshold"])
    programme = tables["programme_by_year"]

    def context(sources: pd.Series | None) -> _Context:
        return _Context(lang, threshold, _footer(sources, metadata, lang), label)

    plain = context(None)
    return [
        _programme(programme, "budget_mad", context(programme["budget_source"])),
        _programme(programme, "beneficiaries", context(programme["beneficiaries_source"])),
        _placements(tables["placements_by_sex"], plain),
        _interventions(tables["interventions_by_type"], plain),
    ]
