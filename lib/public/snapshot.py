"""What the public page reads: the tables of data/public/ and nothing else.

The warehouse is never opened here, so a public-only deployment (IDMAJ_MODE=public) runs with
no warehouse at all.
"""

from __future__ import annotations

import json
from functools import lru_cache

import pandas as pd

from lib.config import Settings, get_settings
from lib.warehouse.db import WarehouseMissing, get_public_database

TABLES = (
    "published_figures",
    "programme_by_year",
    "beneficiaries_by_region",
    "beneficiaries_by_sector",
    "beneficiaries_by_sex",
    "placements_by_sex",
    "placements_by_sector",
    "placements_by_region",
    "interventions_by_year",
    "interventions_by_type",
    "interventions_by_centre",
    "projects_at_12_months",
    "jobs_at_12_months",
)


class SnapshotMissing(RuntimeError):
    """data/public/ has not been written yet (python -m lib publish)."""


def available(settings: Settings | None = None) -> bool:
    """Whether a snapshot holding every public table is there: one written by an older Idmaj
    (before a table was added) is as good as none (the app publishes demonstration data again
    at its start, ``publish.ensure_public_snapshot``; real data waits for an administrator)."""
    settings = settings or get_settings()
    path = settings.public_dir / "public.duckdb"
    return path.exists() and _complete(settings, path.stat().st_mtime_ns)


@lru_cache(maxsize=8)
def _complete(settings: Settings, version: int) -> bool:
    """Whether the snapshot, as of ``version`` (asked once per snapshot), holds every table of
    ``TABLES``."""
    del version  # the cache's key only
    names = get_public_database(settings).execute("publish/public_table_names")["table_name"]
    return set(TABLES) <= set(names)


def table(name: str) -> pd.DataFrame:
    """One public table by name (only the fixed list: no free query reaches the public)."""
    if name not in TABLES:
        raise KeyError(name)
    try:
        return get_public_database().execute("publish/public_table", name=name)
    except WarehouseMissing as missing:
        raise SnapshotMissing(str(missing)) from missing


def version() -> int:
    """Changes whenever lib.public.publish writes a new snapshot (it swaps the folder in)."""
    return (get_settings().public_dir / "public.duckdb").stat().st_mtime_ns


def metadata() -> dict[str, str]:
    frame = get_public_database().execute("publish/public_metadata")
    return dict(zip(frame["key"], frame["value"], strict=True))


def status() -> dict:
    """What the publish step said after this snapshot: {} or {"refused_at", "reason"}."""
    from lib.public.publish import STATUS_NAME

    path = get_settings().public_dir / STATUS_NAME
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (FileNotFoundError, ValueError):
        return {}


def zip_path():
    from lib.public.publish import ZIP_NAME

    return get_settings().public_dir / ZIP_NAME
