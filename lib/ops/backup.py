"""Backups of the warehouse and the state store: make, check, restore, prune.

    python -m lib backup [--to DIR] [--prune]      python -m lib backup --verify PATH
    python -m lib restore PATH --yes

A backup is a folder ``idmaj-20250301T020000Z`` of the backup folder (``IDMAJ_BACKUP_DIR``,
else ``data/backups``) holding ``idmaj.duckdb``, ``state.sqlite3`` and ``manifest.json``: the
tables and their row counts, the sha256 and size of each file, the migrations applied, the
app's version, when. It is written under a hidden name and renamed once complete, so a
folder with a manifest is a whole backup.

Why a file copy rather than ``EXPORT DATABASE``: every write of the warehouse makes a new
file and swaps it in (``lib.warehouse.db``), so the file in place is never written again.
Opening it under the writer lock picks one version, before or after any import, never a mix,
and reading that open file once the lock is released still reads that version while imports
go on. The copy is the warehouse byte for byte: it restores as it is, its sha256 proves it,
no type or constraint is lost in a round trip through Parquet, and it takes a second. The
state store is copied with SQLite's online backup, which the app's writers do not stop.

A restore checks the backup (each file's sha256, then the row counts read from the copy),
keeps a backup of the state it replaces, brings the copy up to the current schema, swaps it
in under the writer lock (the app's processes reopen it at their next query), then restores
the store in one SQLite transaction. ``restore.json`` in the data folder says a restore is
under way: one interrupted between its two steps is reported by ``python -m lib check`` and
finished by running it again. Pure: no streamlit.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
import tomllib
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cache
from pathlib import Path

from lib.config import REPO_DIR, Settings, get_settings
from lib.formatting import format_number
from lib.i18n import t
from lib.ops import retention
from lib.ops.logs import event
from lib.warehouse import migrate
from lib.warehouse.db import (
    STATE_NAME,
    Database,
    DiskFull,
    Store,
    fetch,
    fsync_path,
    get_database,
    get_store,
    is_disk_full,
    remove_leftovers,
    swap_in,
    writer_lock,
)

MANIFEST_NAME = "manifest.json"
MANIFEST_FORMAT = 1
WAREHOUSE_NAME = "idmaj.duckdb"
PREFIX = "idmaj-"
STAMP = "%Y%m%dT%H%M%SZ"
MARKER_NAME = "restore.json"
CHUNK = 1024 * 1024
_COUNTS = frozenset({"count", "expected", "found", "rows"})  # values written with Babel


@dataclass(frozen=True)
class Problem:
    """Something wrong with a backup: a message key of the catalogs (``ops.*``) and its values."""

    key: str
    params: dict = field(default_factory=dict)

    def describe(self, lang: str) -> str:
        """The message in ``lang``, counts written as its readers write numbers."""
        shown = {
            name: format_number(value, lang) if _is_count(name, value) else value
            for name, value in self.params.items()
        }
        return t(self.key, lang, **shown)


def _is_count(name: str, value) -> bool:
    return name in _COUNTS and isinstance(value, int)


class BackupRefused(Exception):
    """A backup or a restore that was not done; ``problems`` say why. Nothing was changed."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__(", ".join(problem.key for problem in problems))


@dataclass(frozen=True)
class BackupInfo:
    """A complete backup: its folder and when it was made (UTC, without time zone)."""

    path: Path
    created_at: datetime


@cache
def app_version() -> str:
    """The version of the app that makes the backup (pyproject.toml)."""
    try:
        project = tomllib.loads((REPO_DIR / "pyproject.toml").read_text(encoding="utf-8"))
        return str(project["project"]["version"])
    except (OSError, KeyError, tomllib.TOMLDecodeError):
        return "unknown"


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def _copy_file(source, target: Path) -> dict:
    """Copy an open binary file to a new ``target``, durably; its sha256 and size."""
    digest, size = hashlib.sha256(), 0
    with open(target, "xb") as out:
        while chunk := source.read(CHUNK):
            digest.update(chunk)
            out.write(chunk)
            size += len(chunk)
        out.flush()
        os.fsync(out.fileno())
    return {"sha256": digest.hexdigest(), "bytes": size}


def _digest(path: Path) -> dict:
    """The sha256 and size of a file, read in chunks."""
    digest, size = hashlib.sha256(), 0
    with open(path, "rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
            size += len(chunk)
    return {"sha256": digest.hexdigest(), "bytes": size}


def _write_json(path: Path, data: dict) -> None:
    """Write a small JSON file whole or not at all (a temporary, then a rename)."""
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    temporary.write_text(json.dumps(data, indent=1, ensure_ascii=False), encoding="utf-8")
    swap_in(temporary, path)


# --- what a backup holds -----------------------------------------------------------------------


def copy_warehouse(settings: Settings, target: Path) -> dict:
    """Copy one version of the warehouse to a new file ``target``, while writes go on (see the
    module's docstring); the copy's sha256 and size."""
    source = settings.warehouse_path
    if not source.exists():
        raise BackupRefused([Problem("ops.backup.no_warehouse", {"path": str(source)})])
    if Path(f"{source}.wal").exists():  # left by an older version: an empty write folds it in
        get_database(settings).execute_write_fn(lambda cursor: None)
    with writer_lock(source):
        handle = open(source, "rb")  # noqa: SIM115 (this version's file, read after the lock)
    with handle:
        return _copy_file(handle, target)


def _warehouse_contents(path: Path) -> tuple[dict[str, int], list[str]]:
    """The row count of every table of a warehouse file, and the migrations it has."""

    def read(cursor) -> tuple[dict[str, int], list[str]]:
        names = sorted(fetch(cursor, "build/table_names")["table_name"])
        counts = {
            name: int(fetch(cursor, "ops/table_rows", table_name=name)["row_count"].iloc[0])
            for name in names
        }
        applied = fetch(cursor, "build/applied_migrations")["name"] if names else []
        return counts, sorted(applied)

    database = Database(path, read_only=True)
    try:
        return database.execute_fn(read)
    finally:
        database.close()


def _store_contents(path: Path) -> dict[str, int]:
    """The row count of every table of a state store file, read on a copy that the current
    schema completes (a store of an older version lacks the newer tables: none of their rows)."""
    with tempfile.TemporaryDirectory(prefix="idmaj-store-") as folder:
        copy = Path(folder) / STATE_NAME
        shutil.copyfile(path, copy)
        frame = Store(copy).execute("ops/store_row_counts")
    return {str(row.table_name): int(row.row_count) for row in frame.itertuples()}


def _name_for(folder: Path, moment: datetime) -> str:
    """A new backup's folder name: its UTC time, and a number if that second is taken."""
    name = PREFIX + moment.strftime(STAMP)
    number = 1
    while (folder / name).exists():
        number += 1
        name = f"{PREFIX}{moment.strftime(STAMP)}-{number}"
    return name


def backup(settings: Settings | None = None, folder: Path | None = None) -> Path:
    """Write a complete backup into ``folder`` (default: the settings' backup folder); its
    path. Raises ``BackupRefused`` when there is no warehouse, ``DiskFull`` when there is no
    room (the unfinished folder is removed)."""
    settings = settings or get_settings()
    folder = Path(folder or settings.backup_folder)
    folder.mkdir(parents=True, exist_ok=True)
    with writer_lock(folder / "backup"):  # one backup at a time into a folder
        _remove_unfinished(folder)
        created = _now()
        name = _name_for(folder, created)
        staging = folder / f".{name}.tmp"
        staging.mkdir()
        try:
            files = {
                WAREHOUSE_NAME: copy_warehouse(settings, staging / WAREHOUSE_NAME),
                STATE_NAME: _store_copy(settings, staging / STATE_NAME),
            }
            tables, migrations = _warehouse_contents(staging / WAREHOUSE_NAME)
            store_tables = _store_contents(staging / STATE_NAME)
            manifest = {
                "format": MANIFEST_FORMAT,
                "app": "idmaj",
                "app_version": app_version(),
                "created_at": created.isoformat() + "Z",
                "migrations": migrations,
                "files": files,
                "tables": {WAREHOUSE_NAME: tables, STATE_NAME: store_tables},
            }
            _write_json(staging / MANIFEST_NAME, manifest)
            fsync_path(staging)
            staging.rename(folder / name)
            fsync_path(folder)
        finally:
            shutil.rmtree(staging, ignore_errors=True)
    event("backup", backup=name, bytes=sum(f["bytes"] for f in files.values()))
    return folder / name


def _store_copy(settings: Settings, target: Path) -> dict:
    get_store(settings).backup_to(target)
    return _digest(target)


def _remove_unfinished(folder: Path) -> None:
    """Remove the hidden folders of backups killed before they were complete (under the lock)."""
    for unfinished in folder.glob(f".{PREFIX}*.tmp"):
        shutil.rmtree(unfinished, ignore_errors=True)


# --- checking a backup -------------------------------------------------------------------------


def read_manifest(path: Path) -> dict | None:
    """A backup's manifest, or None when it has none that can be read."""
    try:
        manifest = json.loads((Path(path) / MANIFEST_NAME).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(manifest, dict) or manifest.get("format") != MANIFEST_FORMAT:
        return None
    return manifest


def _files_problems(path: Path, manifest: dict) -> list[Problem]:
    problems = []
    for name in (WAREHOUSE_NAME, STATE_NAME):
        expected = manifest.get("files", {}).get(name, {})
        if not (path / name).is_file():
            problems.append(Problem("ops.verify.missing_file", {"file": name}))
        elif _digest(path / name).get("sha256") != expected.get("sha256"):
            problems.append(Problem("ops.verify.changed", {"file": name}))
    return problems


def _count_problems(path: Path, manifest: dict) -> list[Problem]:
    try:
        found = {
            WAREHOUSE_NAME: _warehouse_contents(path / WAREHOUSE_NAME)[0],
            STATE_NAME: _store_contents(path / STATE_NAME),
        }
    except Exception as error:  # a file that sha256 accepted but its database refuses
        if is_disk_full(error):  # no room for the copy the counts are read on: not the backup's
            raise DiskFull(str(error)) from error
        return [Problem("ops.verify.unreadable", {"error": type(error).__name__})]
    problems = []
    for file_name, tables in manifest.get("tables", {}).items():
        for table, expected in tables.items():
            count = found.get(file_name, {}).get(table)
            if count != expected:
                params = {"file": file_name, "table": table, "expected": expected, "found": count}
                problems.append(Problem("ops.verify.count", params))
    return problems


def verify(path: Path) -> list[Problem]:
    """Read a backup again: its manifest, each file's sha256, every table's row count, and
    whether this version of the app knows its migrations. No problem: a sound backup."""
    path = Path(path)
    manifest = read_manifest(path)
    if manifest is None:
        return [Problem("ops.verify.no_manifest", {"path": str(path)})]
    problems = _files_problems(path, manifest)
    if not problems:
        problems = _count_problems(path, manifest)
    unknown = sorted(set(manifest.get("migrations", [])) - set(migrate.names()))
    if unknown:
        problems.append(Problem("ops.verify.newer", {"migrations": ", ".join(unknown)}))
    return problems


# --- listing and pruning -----------------------------------------------------------------------


def backups(folder: Path) -> list[BackupInfo]:
    """The complete backups of a folder (those with a manifest), newest first."""
    found = []
    for path in Path(folder).glob(f"{PREFIX}*"):
        manifest = read_manifest(path) if path.is_dir() else None
        if manifest is None:
            continue
        try:
            created = datetime.fromisoformat(str(manifest["created_at"]).rstrip("Z"))
        except (KeyError, ValueError):
            continue
        found.append(BackupInfo(path, created))
    return sorted(found, key=lambda info: info.created_at, reverse=True)


def latest(folder: Path) -> BackupInfo | None:
    """The newest complete backup of a folder, if any."""
    listed = backups(folder)
    return listed[0] if listed else None


def prune(folder: Path, policy: retention.Policy | None = None) -> list[Path]:
    """Delete the backups the retention policy (7 daily, 4 weekly, 12 monthly unless told)
    lets go; the folders deleted."""
    folder, policy = Path(folder), policy or retention.Policy()
    if not folder.is_dir():
        return []
    with writer_lock(folder / "backup"):
        listed = backups(folder)
        going = retention.pruned([info.created_at for info in listed], policy)
        removed = [info.path for info in listed if info.created_at in going]
        for path in removed:
            shutil.rmtree(path)
    if removed:
        event("backup_pruned", removed=len(removed), kept=len(listed) - len(removed))
    return removed


# --- restoring ---------------------------------------------------------------------------------


def restore_under_way(settings: Settings) -> dict | None:
    """What ``restore.json`` says of a restore that did not finish, or None."""
    try:
        return json.loads((settings.data_dir / MARKER_NAME).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def _restore_warehouse(path: Path, manifest: dict, settings: Settings) -> None:
    """Copy the backup's warehouse next to the live one, bring it up to the current schema,
    then swap it in under the writer lock."""
    target = settings.warehouse_path
    temporary = target.with_name(f".{target.name}.{os.getpid()}.restore")
    try:
        with open(path / WAREHOUSE_NAME, "rb") as handle:
            copied = _copy_file(handle, temporary)
        if copied["sha256"] != manifest["files"][WAREHOUSE_NAME]["sha256"]:
            raise BackupRefused([Problem("ops.verify.changed", {"file": WAREHOUSE_NAME})])
        restored = Database(temporary, read_only=True)
        try:
            migrate.migrate(restored)  # a backup of an older version: the app's schema now
        finally:
            restored.close()
        with writer_lock(target):
            swap_in(temporary, target)
            Path(f"{target}.wal").unlink(missing_ok=True)
    finally:
        for leftover in (temporary, Path(f"{temporary}.wal"), Path(f"{temporary}.lock")):
            leftover.unlink(missing_ok=True)


def restore(path: Path, settings: Settings | None = None) -> Path | None:
    """Put a backup's warehouse and store in place of the live ones, after checking it.
    Returns the backup made of the state it replaced (None when there was no warehouse).
    Raises ``BackupRefused`` (nothing changed) when the backup does not check out."""
    settings = settings or get_settings()
    path = Path(path)
    problems = verify(path)
    if problems:
        raise BackupRefused(problems)
    manifest = read_manifest(path) or {}
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    with writer_lock(settings.data_dir / "restore"):  # one restore at a time
        remove_leftovers(settings.warehouse_path)  # a killed restore's copy, among others
        remove_leftovers(settings.data_dir / MARKER_NAME)  # its marker's, killed half-written
        safety = backup(settings) if settings.warehouse_path.exists() else None
        marker = settings.data_dir / MARKER_NAME
        _write_json(marker, {"backup": str(path.resolve()), "started_at": _now().isoformat()})
        try:
            _restore_warehouse(path, manifest, settings)
        except Exception:
            marker.unlink(missing_ok=True)  # nothing was swapped in: nothing left to finish
            raise
        get_store(settings).restore_from(path / STATE_NAME)
        marker.unlink()
        fsync_path(settings.data_dir)
    event("restore", backup=path.name, safety_backup=safety.name if safety else None)
    return safety
