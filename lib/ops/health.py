"""Is this installation healthy: the warehouse opens, the public snapshot is current, the last
backup is fresh.

    python -m lib health        (JSON on stdout; exit 1 when something is not healthy)

:func:`health` is what a monitoring probe or the serve supervisor reads: a dict that JSON
writes as it is. Ages are in hours, from the files' modification times (a write of the
warehouse, like a publication, puts a new file in place). The snapshot is stale when a newer
one was refused (``status.json`` beside it), or when the warehouse changed after it and it
could have been published again (demonstration data at once, real data once the
publication calendar allows). The last backup is fresh when younger than 26 hours (a nightly
backup, with slack). ``IDMAJ_MODE=public`` serves the snapshot alone: only it counts there.
Pure: no streamlit.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from lib.config import Settings, get_settings
from lib.ops import backup
from lib.warehouse.db import fetch, get_database, get_public_database

BACKUP_FRESH_HOURS = 26.0
STATUS_NAME = "status.json"  # written beside the snapshot when a newer one was refused


def _age_hours(moment: datetime, now: datetime) -> float:
    return round((now - moment).total_seconds() / 3600, 2)


def _modified(path: Path) -> datetime:
    return datetime.fromtimestamp(path.stat().st_mtime, UTC)


def _opens(settings: Settings) -> bool:
    """True when the process's (read-only) warehouse connection answers a query."""
    try:
        get_database(settings).execute_fn(lambda cursor: fetch(cursor, "build/table_names"))
        return True
    except Exception:  # any reason it does not open is "not healthy"
        return False


def _warehouse(settings: Settings, now: datetime) -> dict:
    path = settings.warehouse_path
    if not path.exists():
        return {"ok": False, "opens": False, "age_hours": None}
    opens = _opens(settings)
    return {"ok": opens, "opens": opens, "age_hours": _age_hours(_modified(path), now)}


def _snapshot_is_demo(settings: Settings) -> bool:
    listed = get_public_database(settings).execute_uncached("publish/public_metadata")
    return dict(zip(listed["key"], listed["value"], strict=True)).get("demo") == "True"


def _snapshot(settings: Settings, now: datetime) -> dict:
    path = settings.public_dir / "public.duckdb"
    if not path.exists():
        return {"ok": False, "age_hours": None, "stale": True, "refused": False}
    published = _modified(path)
    refused = (settings.public_dir / STATUS_NAME).exists()
    warehouse = settings.warehouse_path
    changed = warehouse.exists() and _modified(warehouse) > published
    try:
        demo = _snapshot_is_demo(settings)
    except Exception:  # a snapshot that does not open is not healthy
        return {"ok": False, "age_hours": _age_hours(published, now), "stale": True,
                "refused": refused}  # fmt: skip
    due = demo or (now - published).days >= settings.publication_min_days
    stale = refused or (changed and due)
    return {"ok": not stale, "age_hours": _age_hours(published, now), "stale": stale,
            "refused": refused, "demo": demo}  # fmt: skip


def _backup(settings: Settings, now: datetime) -> dict:
    newest = backup.latest(settings.backup_folder)
    if newest is None:
        return {"ok": False, "age_hours": None, "fresh": False, "name": None}
    age = _age_hours(newest.created_at.replace(tzinfo=UTC), now)
    fresh = age < BACKUP_FRESH_HOURS
    return {"ok": fresh, "age_hours": age, "fresh": fresh, "name": newest.path.name}


def health(settings: Settings | None = None, now: datetime | None = None) -> dict:
    """The health of the installation: ``healthy`` and one entry per part (``warehouse``,
    ``snapshot``, ``backup``), each with ``ok`` and its age in hours."""
    settings = settings or get_settings()
    now = now or datetime.now(UTC)
    parts = {"snapshot": _snapshot(settings, now)}
    if not settings.is_public_only:
        parts = {"warehouse": _warehouse(settings, now), **parts, "backup": _backup(settings, now)}
    return {
        "healthy": all(part["ok"] for part in parts.values()),
        "checked_at": now.isoformat(timespec="seconds"),
        **parts,
    }
