"""The static public site: data/public/site/, in French (index.html), Arabic (ar.html),
English (en.html) and Standard Moroccan Tamazight in Tifinagh (zgh.html); it opens from the
file system or any static host.

Written by lib.public.publish from the published tables, with the same lib.public.view
functions as the public page, so both show the same numbers. No chart JavaScript and nothing
from another host: the charts are SVG drawn at publish time (lib.public.grapher,
lib.public.svgcharts), the map is inline SVG (lib.public.svgmap), the favicon is the site's
own, and one small local script only copies links and fills in absolute addresses. Each chart
has its table view, PNG, SVG and CSV downloads, a link, an embed page
(``charts/<chart>-<lang>.html``) and a citation in the page's language.
"""

from __future__ import annotations

import re
import shutil
from functools import lru_cache
from pathlib import Path

import pandas as pd
from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup, escape

from lib import geo
from lib.export import csv_bytes
from lib.i18n import DEFAULT_LANGUAGE, catalog, is_reviewed, is_rtl, t
from lib.public import images, svgcharts, view
from lib.public.grapher import Grapher, graphers, published_on
from lib.public.publish import ZIP_NAME
from lib.public.render import TABLES
from lib.public.svgmap import region_svg
from lib.warehouse.db import Database

TEMPLATES = Path(__file__).resolve().parent / "templates"
TABLE_NAMES = tuple(table.name for table in TABLES)
SITE_LANGUAGES = {
    "fr": ("index.html", "Français"),
    "ar": ("ar.html", "العربية"),
    "en": ("en.html", "English"),
    "zgh": ("zgh.html", "ⵜⴰⵎⴰⵣⵉⵖⵜ"),
}
CHARTS = "charts"
_MARKER_SPACE = re.compile(r"(?<=[«<]) (?=[<\d])|(?<=[<\d]) (?=»)|(?<=«) (?=s »)|(?<=s) (?=»)")
_NUMERIC = re.compile(r"^[\u2066\u2069\u200f]*(—|s|< ?\d+|[-+]?\d.*)[\u2066\u2069\u200f]*$")


def tight(text: str) -> str:
    """A marker never broken across lines: "« < 10 »" keeps its spaces unbreakable."""
    return _MARKER_SPACE.sub("\u00a0", text or "")


@lru_cache(maxsize=1)
def _environment() -> Environment:
    environment = Environment(
        loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html", "j2"])
    )
    environment.filters["tight"] = tight
    return environment


def rich(key: str, lang: str, **params) -> Markup:
    """A message as HTML, each parameter isolated in ``<bdi>`` (a Latin name, a number or a
    date inside Arabic text keeps its order); Markup parameters are kept as they are."""
    template = catalog(lang).get(key) or catalog(DEFAULT_LANGUAGE)[key]
    wrapped = {
        name: value if isinstance(value, Markup) else Markup("<bdi>{}</bdi>").format(value)
        for name, value in params.items()
    }
    return escape(template).format(**wrapped)


def link(url: str, text: str) -> Markup:
    """``text`` isolated in ``<bdi>``, as a link when there is an address."""
    inner = Markup("<bdi>{}</bdi>").format(text)
    return Markup('<a href="{}">{}</a>').format(url, inner) if url else inner


def strong(text: str) -> Markup:
    return Markup('<bdi class="value">{}</bdi>').format(text)


def _here(page: str):
    def here(anchor: str) -> Markup:
        """This chart's address; the site's script writes the absolute one once loaded."""
        return Markup('<span data-cite-url="{}">{}#{}</span>').format(anchor, page, anchor)

    return here


def _cell(value) -> str:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return "—"
    text = str(value).strip()
    return text if text and text.lower() not in ("nan", "none", "<na>") else "—"


def _table_html(frame: pd.DataFrame, caption: str = "", lang: str = DEFAULT_LANGUAGE) -> Markup:
    """A table whose number columns are aligned to the end; no empty or "None" cell."""
    cells = [[_cell(v) for v in row] for row in frame.itertuples(index=False)]
    numeric = [
        i > 0 and all(_NUMERIC.match(row[i]) for row in cells) for i in range(len(frame.columns))
    ]
    head = "".join(f'<th scope="col">{escape(c)}</th>' for c in frame.columns)
    body = "".join(
        "<tr>"
        + "".join(
            f'<td class="num">{escape(v)}</td>' if numeric[i] else f"<td>{escape(v)}</td>"
            for i, v in enumerate(row)
        )
        + "</tr>"
        for row in cells
    )
    title = f'<caption class="sr-only">{escape(caption)}</caption>' if caption else ""
    table = f"<table>{title}<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
    # On the narrowest screens a wide table scrolls inside its frame, never the page.
    named = f"{t('public.table', lang)} — {caption}"
    label = f' aria-label="{escape(named)}"' if caption else ""
    return Markup(f'<div class="table-wrap" role="region" tabindex="0"{label}>{table}</div>')


def _links(site: Path, key: str, lang: str) -> dict[str, str]:
    """The files of one chart, relative to the pages (PNG only when it could be made)."""
    links = {ext: f"{CHARTS}/{key}-{lang}.{ext}" for ext in ("svg", "png", "html")}
    links["csv"] = f"{CHARTS}/{key}.csv"
    if not (site / links["png"]).exists():
        del links["png"]
    return links


def _chart_view(site: Path, grapher: Grapher, lang: str, page: str) -> dict:
    """What the page shows of one chart: both widths of the SVG, the table, the files."""
    chart = grapher.chart
    anchor = f"chart-{grapher.key}"
    return {
        "key": grapher.key,
        "anchor": anchor,
        "title": grapher.title,
        "wide": Markup(svgcharts.draw(chart, svgcharts.WIDE, with_title=False)),
        "narrow": Markup(svgcharts.draw(chart, svgcharts.NARROW, with_title=False)),
        "table": _table_html(grapher.table, grapher.title, lang),
        "links": _links(site, grapher.key, lang),
        "page": page,
    }


def _context(lang: str, tables: dict[str, pd.DataFrame], metadata: dict, status: dict) -> dict:
    """Everything the page template needs besides the charts."""
    regions = tables["beneficiaries_by_region"]
    year = view.latest_year(regions)
    threshold = int(metadata["threshold"])
    values, labels, flags = view.region_map_inputs(regions, year, lang, threshold)
    notes = view.notes(metadata, lang)
    demo = str(metadata["demo"]) == "True"
    date = published_on(metadata, lang)
    map_title = t("public.regions_title", lang, year=year)
    map_svg = region_svg(
        geo.regions_geojson(),
        values,
        labels,
        map_title,
        flags,
        footer=(
            t("site.source_idmaj", lang),
            t("public.generated", lang, date=svgcharts.isolate(date)),
        ),
        label=t("common.demo_badge", lang) if demo else "",
        rtl=is_rtl(lang),
    )
    figures = tables["published_figures"]
    return {
        "demo": demo,
        "notes": notes,
        "stale": view.stale_notice(status, metadata, lang),
        "date": date,
        "year": year,
        "cards": view.headline_cards(figures, lang),
        "map_svg": Markup(map_svg),
        "regions_table": _table_html(view.regions_table(regions, year, lang), map_title, lang),
        "downloads": [(name, t(f"public.table_{name}", lang)) for name in tables],
        "sources": view.sources(figures, lang),
        "figures": view.figure_rows(figures, regions, lang),
    }


def _page(
    site: Path,
    lang: str,
    tables: dict[str, pd.DataFrame],
    metadata: dict,
    status: dict,
    drawn: list[Grapher] | None = None,
) -> str:
    """One language's page; ``drawn``: its charts, when the chart files were just made."""
    page = SITE_LANGUAGES[lang][0]
    drawn = graphers(tables, metadata, lang) if drawn is None else drawn
    charts = [_chart_view(site, g, lang, page) for g in drawn]
    template = _environment().get_template("public_site.html.j2")
    return template.render(
        **_context(lang, tables, metadata, status),
        charts={view_["key"]: view_ for view_ in charts},
        lang=lang,
        rtl=is_rtl(lang),
        unreviewed=not is_reviewed(lang),  # Tamazight, until a qualified translator confirms it
        page=page,
        t=lambda key, **params: t(key, lang, **params),
        rich=lambda key, **params: rich(key, lang, **params),
        languages=[
            (code, label, href) for code, (href, label) in SITE_LANGUAGES.items() if code != lang
        ],
        zip_name=ZIP_NAME,
        link=link,
        strong=strong,
        here=_here(page),
    )


def _embed_page(grapher: Grapher, lang: str, metadata: dict, wide: str) -> str:
    """The chart's own page: ``wide`` is its drawing with its title, as in its SVG file."""
    template = _environment().get_template("chart_embed.html.j2")
    return template.render(
        lang=lang,
        rtl=is_rtl(lang),
        t=lambda key, **params: t(key, lang, **params),
        title=grapher.title,
        wide=Markup(wide),
        narrow=Markup(svgcharts.draw(grapher.chart, svgcharts.NARROW)),
        back=f"../{SITE_LANGUAGES[lang][0]}#chart-{grapher.key}",
        date=published_on(metadata, lang),
    )


def _graphers(tables: dict[str, pd.DataFrame], metadata: dict) -> dict[str, list[Grapher]]:
    """The site's charts in each of its languages, made once for the chart files and pages."""
    return {lang: graphers(tables, metadata, lang) for lang in SITE_LANGUAGES}


def _write_charts(site: Path, drawn: dict[str, list[Grapher]], metadata: dict) -> None:
    """Each chart's files: SVG and PNG with its title drawn in, embed page (per language);
    CSV (its data is the same in every language: written once)."""
    folder = site / CHARTS
    folder.mkdir(exist_ok=True)
    for lang, charts in drawn.items():
        for grapher in charts:
            svg = svgcharts.draw(grapher.chart, svgcharts.WIDE)
            base = folder / f"{grapher.key}-{lang}"
            base.with_suffix(".svg").write_text(
                '<?xml version="1.0" encoding="UTF-8"?>\n' + svg, encoding="utf-8"
            )
            image = images.png(svg)
            if image is not None:
                base.with_suffix(".png").write_bytes(image)
            base.with_suffix(".html").write_text(
                _embed_page(grapher, lang, metadata, svg), encoding="utf-8"
            )
    for grapher in next(iter(drawn.values()), []):
        (folder / f"{grapher.key}.csv").write_bytes(csv_bytes(grapher.data))


def write_site(
    public_folder: Path, tables: dict[str, pd.DataFrame], metadata: dict, status: dict | None = None
) -> Path:
    """Write site/ inside ``public_folder`` (which already holds the CSVs and the zip)."""
    site = public_folder / "site"
    (site / "assets").mkdir(parents=True, exist_ok=True)
    (site / "data").mkdir(exist_ok=True)
    shutil.copyfile(TEMPLATES / "public_site.js", site / "assets" / "idmaj.js")
    (site / "favicon.ico").write_bytes(images.favicon())
    for path in public_folder.iterdir():
        if path.suffix in (".csv", ".json", ".zip"):
            shutil.copyfile(path, site / "data" / path.name)
    drawn = _graphers(tables, metadata)
    _write_charts(site, drawn, metadata)
    _write_pages(site, tables, metadata, status or {}, drawn)
    return site


def _write_pages(
    site: Path,
    tables: dict[str, pd.DataFrame],
    metadata: dict,
    status: dict,
    drawn: dict[str, list[Grapher]] | None = None,
) -> None:
    for lang, (page, _label) in SITE_LANGUAGES.items():
        temporary = site / f".{page}.tmp"
        html = _page(site, lang, tables, metadata, status, (drawn or {}).get(lang))
        temporary.write_text(html, encoding="utf-8")
        temporary.replace(site / page)  # a reader sees the old page or the new one


def mark_stale(public_folder: Path, status: dict) -> None:
    """Write the site's pages again from the snapshot in place, saying it was not updated."""
    site = public_folder / "site"
    database = Database(public_folder / "public.duckdb", read_only=True)
    try:
        tables = {
            name: database.execute_uncached("publish/public_table", name=name)
            for name in TABLE_NAMES
        }
        listed = database.execute_uncached("publish/public_metadata")
    finally:
        database.close()
    if site.exists():
        _write_pages(site, tables, dict(zip(listed["key"], listed["value"], strict=True)), status)
