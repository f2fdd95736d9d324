"""The 12 regions as an inline SVG map: for the static site, which must draw from the file
system with no JavaScript map library (maplibre refuses to start its worker on file://).

An image with a title and a text description (every region's value, or what its marker
means); the source, the date and the demonstration label are drawn under the outlines, as in
every chart of the site. Pure: no streamlit, no network.
"""

from __future__ import annotations

import math
from html import escape

from lib.public.svgcharts import FONT, footer_block

WIDTH, HEIGHT = 520, 560
BLUES = ("#eff3ff", "#c6dbef", "#9ecae1", "#6baed6", "#3182bd", "#08519c")
NONE_COLOUR = "#fdf1d8"
SMALL_FILL = "url(#small)"  # fewer than t people
PROTECTING_FILL = "#b0b0b0"  # hidden to protect another cell: any size


def _rings(geometry: dict) -> list[list]:
    if geometry["type"] == "Polygon":
        return geometry["coordinates"]
    return [ring for polygon in geometry["coordinates"] for ring in polygon]


def _projection(geojson: dict):
    points = [p for f in geojson["features"] for ring in _rings(f["geometry"]) for p in ring]
    lons, lats = [p[0] for p in points], [p[1] for p in points]
    squeeze = math.cos(math.radians((min(lats) + max(lats)) / 2))
    span_x, span_y = (max(lons) - min(lons)) * squeeze, max(lats) - min(lats)
    scale = min((WIDTH - 20) / span_x, (HEIGHT - 20) / span_y)
    west, north = min(lons), max(lats)  # once: project() runs for each of thousands of points

    def project(lon: float, lat: float) -> tuple[float, float]:
        return (10 + (lon - west) * squeeze * scale, 10 + (north - lat) * scale)

    return project


def colour_for(value: float, maximum: float) -> str:
    if maximum <= 0:
        return BLUES[0]
    step = min(len(BLUES) - 1, int(value / maximum * (len(BLUES) - 1) + 0.5))
    return BLUES[step]


def _fill(value, flag: str, maximum: float) -> str:
    if flag:
        return SMALL_FILL if flag.startswith("<") else PROTECTING_FILL
    return NONE_COLOUR if value == 0 else colour_for(value, maximum)


def region_svg(
    geojson: dict,
    values: dict[int, float | None],
    labels: dict[int, str],
    title: str,
    flags: dict[int, str] | None = None,
    footer: tuple[str, ...] = (),
    label: str = "",
    rtl: bool = False,
) -> str:
    """An SVG map: regions coloured by ``values``; hidden ones (None) hatched when their flag is
    "< t" and grey when "s"; 0 = nobody (sand). ``labels`` is each region's tooltip, which
    already says what a hidden value means; ``footer`` lines and the demonstration ``label``
    are drawn under the map."""
    flags = flags or {}
    project = _projection(geojson)
    shown = [v for v in values.values() if v]
    maximum = max(shown) if shown else 0
    paths = []
    for feature in geojson["features"]:
        code = int(feature["id"])
        value = values.get(code)
        fill = _fill(value, flags.get(code, "" if value is not None else "s"), maximum)
        d = " ".join(
            "M" + " L".join(f"{x:.1f},{y:.1f}" for x, y in (project(*p) for p in ring)) + " Z"
            for ring in _rings(feature["geometry"])
        )
        tip = escape(labels.get(code, ""))
        paths.append(
            f'<path d="{d}" fill="{fill}" stroke="#555" stroke-width="0.7">'
            f"<title>{tip}</title></path>"
        )
    under, bottom = footer_block(footer, label, WIDTH, HEIGHT - 6, rtl, scale=1.25)
    height = int(bottom + 10) if footer or label else HEIGHT
    said = "; ".join(labels[code] for code in sorted(labels))
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" role="img" '
        f'aria-labelledby="map-t map-d" class="map" direction="ltr" font-family="{escape(FONT)}">'
        f'<title id="map-t">{escape(title)}</title><desc id="map-d">{escape(said)}</desc>'
        '<defs><pattern id="small" width="6" height="6" patternUnits="userSpaceOnUse" '
        'patternTransform="rotate(45)"><rect width="6" height="6" fill="#e0e0e0"/>'
        '<line x1="0" y1="0" x2="0" y2="6" stroke="#888" stroke-width="2"/></pattern></defs>'
        + "".join(paths)
        + under
        + "</svg>"
    )
