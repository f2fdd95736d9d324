"""The static public site: data/public/site/, French and Arabic, opens from the file system.

Written by lib.public.publish from the same tables and the same lib.public.view functions as the
public page, so both show the same numbers. No server, no CDN: Plotly's script is copied next
to the pages and the map is inline SVG.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import plotly
from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup

from lib import geo
from lib.i18n import is_rtl, t
from lib.public import view
from lib.public.render import TABLES
from lib.public.svgmap import region_svg
from lib.warehouse.db import Database

TEMPLATES = Path(__file__).resolve().parent / "templates"
TABLE_NAMES = tuple(table.name for table in TABLES)
SITE_LANGUAGES = {
    "fr": ("index.html", "Français"),
    "ar": ("ar.html", "العربية"),
    "en": ("en.html", "English"),
}


def _plotly_js() -> Path:
    return Path(plotly.__file__).parent / "package_data" / "plotly.min.js"


def _figure_html(figure) -> Markup:
    html = figure.to_html(
        full_html=False,
        include_plotlyjs=False,
        default_width="100%",
        config={"displaylogo": False, "responsive": True},
    )
    return Markup(html)


def _table_html(frame: pd.DataFrame) -> Markup:
    header = "".join(f"<th>{Markup.escape(c)}</th>" for c in frame.columns)
    rows = []
    for row in frame.itertuples(index=False):
        cells = "".join(
            f'<td class="{"num" if i else ""}">{Markup.escape(str(v))}</td>'
            for i, v in enumerate(row)
        )
        rows.append(f"<tr>{cells}</tr>")
    return Markup(f"<table><thead><tr>{header}</tr></thead><tbody>{''.join(rows)}</tbody></table>")


def _charts(tables: dict[str, pd.DataFrame], metadata: dict, lang: str) -> dict:
    def drawn(figure) -> Markup:
        return _figure_html(view.demo_label(figure, metadata, lang))

    types = tables["interventions_by_type"]
    return {
        "trend_charts": [drawn(f) for f in view.trend_figures(tables["programme_by_year"], lang)],
        "placements_chart": drawn(view.placements_figure(tables["placements_by_sex"], lang)),
        "interventions_chart": drawn(view.interventions_figure(types, lang)),
    }


def _page(lang: str, tables: dict[str, pd.DataFrame], metadata: dict, status: dict) -> str:
    def tr(key: str, **params) -> str:
        return t(key, lang, **params)

    regions = tables["beneficiaries_by_region"]
    year = view.latest_year(regions)
    threshold = int(metadata["threshold"])
    values, labels, flags = view.region_map_inputs(regions, year, lang, threshold)
    types = tables["interventions_by_type"]
    environment = Environment(
        loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html", "j2"])
    )
    template = environment.get_template("public_site.html.j2")
    return template.render(
        **_charts(tables, metadata, lang),
        lang=lang,
        rtl=is_rtl(lang),
        t=tr,
        languages=[
            (code, label, page) for code, (page, label) in SITE_LANGUAGES.items() if code != lang
        ],
        demo=str(metadata["demo"]) == "True",
        notes=view.notes(metadata, lang),
        stale=view.stale_notice(status, metadata, lang),
        generated=str(metadata["generated_at"])[:10],
        year=year,
        cards=view.headline_cards(tables["published_figures"], lang),
        map_svg=Markup(
            region_svg(
                geo.regions_geojson(),
                values,
                labels,
                tr("public.regions_title", year=year),
                flags,
            )
        ),
        tables={
            "regions": _table_html(view.regions_table(regions, year, lang)),
            "placements": _table_html(view.placements_table(tables["placements_by_sex"], lang)),
            "interventions": _table_html(view.interventions_table(types, lang)),
        },
        zip_name="idmaj-donnees-ouvertes.zip",
        downloads=[(name, tr(f"public.table_{name}")) for name in tables],
        sources=view.sources(tables["published_figures"]),
    )


def write_site(
    public_folder: Path, tables: dict[str, pd.DataFrame], metadata: dict, status: dict | None = None
) -> Path:
    """Write site/ inside ``public_folder`` (which already holds the CSVs and the zip)."""
    site = public_folder / "site"
    (site / "assets").mkdir(parents=True, exist_ok=True)
    (site / "data").mkdir(exist_ok=True)
    shutil.copyfile(_plotly_js(), site / "assets" / "plotly.min.js")
    for path in public_folder.iterdir():
        if path.suffix in (".csv", ".json", ".zip"):
            shutil.copyfile(path, site / "data" / path.name)
    _write_pages(site, tables, metadata, status or {})
    return site


def _write_pages(site: Path, tables: dict[str, pd.DataFrame], metadata: dict, status: dict):
    for lang, (page, _label) in SITE_LANGUAGES.items():
        temporary = site / f".{page}.tmp"
        temporary.write_text(_page(lang, tables, metadata, status), encoding="utf-8")
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
