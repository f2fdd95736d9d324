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
from lib.public.svgmap import region_svg

TEMPLATES = Path(__file__).resolve().parent / "templates"
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


def _page(lang: str, tables: dict[str, pd.DataFrame], metadata: dict) -> str:
    def tr(key: str, **params) -> str:
        return t(key, lang, **params)

    regions = tables["beneficiaries_by_region"]
    year = view.latest_year(regions)
    values, labels = view.region_map_inputs(regions, year, lang)
    types = tables["interventions_by_type"]
    environment = Environment(
        loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html", "j2"])
    )
    template = environment.get_template("public_site.html.j2")
    return template.render(
        lang=lang,
        rtl=is_rtl(lang),
        t=tr,
        languages=[
            (code, label, page) for code, (page, label) in SITE_LANGUAGES.items() if code != lang
        ],
        demo=metadata["demo"],
        generated=metadata["generated_at"][:10],
        threshold=metadata["threshold"],
        year=year,
        cards=view.headline_cards(tables["published_figures"], lang),
        trend_charts=[
            _figure_html(f) for f in view.trend_figures(tables["programme_by_year"], lang)
        ],
        map_svg=Markup(
            region_svg(
                geo.regions_geojson(),
                values,
                labels,
                tr("public.regions_title", year=year),
                tr("public.legend_hidden"),
            )
        ),
        tables={
            "regions": _table_html(view.regions_table(regions, year, lang)),
            "placements": _table_html(view.placements_table(tables["placements_by_sex"], lang)),
            "interventions": _table_html(view.interventions_table(types, lang)),
        },
        placements_chart=_figure_html(view.placements_figure(tables["placements_by_sex"], lang)),
        interventions_chart=_figure_html(view.interventions_figure(types, lang)),
        zip_name="idmaj-donnees-ouvertes.zip",
        downloads=[(name, tr(f"public.table_{name}")) for name in tables],
        sources=view.sources(tables["published_figures"]),
    )


def write_site(public_folder: Path, tables: dict[str, pd.DataFrame], metadata: dict) -> Path:
    """Write site/ inside ``public_folder`` (which already holds the CSVs and the zip)."""
    site = public_folder / "site"
    (site / "assets").mkdir(parents=True, exist_ok=True)
    (site / "data").mkdir(exist_ok=True)
    shutil.copyfile(_plotly_js(), site / "assets" / "plotly.min.js")
    for path in public_folder.iterdir():
        if path.suffix in (".csv", ".json", ".zip"):
            shutil.copyfile(path, site / "data" / path.name)
    for lang, (page, _label) in SITE_LANGUAGES.items():
        (site / page).write_text(_page(lang, tables, metadata), encoding="utf-8")
    return site
