"""The one door to SQL: the DuckDB warehouse, and the small state the app's processes share.

Only this module opens connections. Queries are named files in ``lib/warehouse/sql/`` run with
bound parameters; each call takes its own cursor, so Streamlit's session threads never share
one; code that needs several statements hands a function to ``execute_fn`` (reads) or
``execute_write_fn`` (one transaction).

Many processes, one warehouse. Every app process opens the warehouse **read-only**, so any
number of them (and an analyst's ``duckdb -readonly``) read it at once. A write never touches
the file readers have open: under an exclusive lock on ``idmaj.duckdb.lock`` (one writer at a
time, across processes) the writer copies the file, applies its transaction to the copy,
checkpoints it and swaps it in with ``os.replace``; readers see the old file or the new one,
and reopen on their next query (the inode changed). Results are cached per warehouse version,
so an import committed by one process empties every process's cache at its next run.

The small mutable state the app writes often (saved scenarios, sign-in attempts, the
publication log) would cost a copy of the warehouse per write: it lives in ``state.sqlite3``
instead (``Store``), a SQLite file in WAL mode made for concurrent writers, queried through
named files in ``sql/state/``.

A write that finds no room (a full disk, a quota, a file size limit) raises :class:`DiskFull`
whatever wrote (Python, DuckDB, SQLite), and changes nothing: the copy it was writing is
removed, and one left by a writer killed mid-write is removed by the next write
(``remove_leftovers``).
"""

from __future__ import annotations

import ctypes
import errno
import fcntl
import os
import shutil
import sqlite3
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path
from typing import TypeVar

import duckdb
import pandas as pd

from lib.config import Settings, get_settings

SQL_DIR = Path(__file__).resolve().parent / "sql"
RESULT_CACHE_SIZE = 512
STATE_NAME = "state.sqlite3"
STORE_BUSY_MS = 10_000  # how long a state write waits for another process's before failing
T = TypeVar("T")


class WarehouseMissing(RuntimeError):
    """The warehouse file does not exist (build it with ``python -m lib.warehouse.build``)."""


FULL_ERRNOS = frozenset({errno.ENOSPC, errno.EFBIG, errno.EDQUOT})
_FULL_WORDS = tuple(os.strerror(number) for number in FULL_ERRNOS)  # as DuckDB words them
_SQLITE_FULL, _SQLITE_IOERR = 13, 10  # primary result codes: full, a write the disk refused


class DiskFull(OSError):
    """A write found no room (disk full, quota, file size limit) and changed nothing.
    ``key`` is the message a person reads (the catalogs' ``ops.disk_full``)."""

    key = "ops.disk_full"

    def __init__(self, detail: str):
        super().__init__(errno.ENOSPC, detail)


def is_disk_full(error: BaseException) -> bool:
    """True for an error that says the disk had no room for a write, whoever raised it."""
    return isinstance(error, OSError) and error.errno in FULL_ERRNOS


def _as_disk_full(error: Exception) -> Exception:
    """DuckDB's and SQLite's words for a full disk, as :class:`DiskFull`; others unchanged."""
    if isinstance(error, duckdb.Error) and any(word in str(error) for word in _FULL_WORDS):
        return DiskFull(str(error))
    code = getattr(error, "sqlite_errorcode", None)
    if isinstance(error, sqlite3.Error) and code and code & 0xFF in (_SQLITE_FULL, _SQLITE_IOERR):
        return DiskFull(str(error))
    return error


@cache
def load_sql(name: str) -> str:
    """The text of ``lib/warehouse/sql/<name>.sql``."""
    path = SQL_DIR / f"{name}.sql"
    if not path.is_file():
        raise KeyError(f"no query named {name!r} in {SQL_DIR}")
    return path.read_text(encoding="utf-8")


def _statements(script: str) -> list[str]:
    # Our SQL files end each statement with ";" at the end of a line and never inside a string.
    body = "\n".join(line for line in script.splitlines() if not line.lstrip().startswith("--"))
    return [part.strip() for part in body.split(";\n") if part.strip().rstrip(";").strip()]


def run_script(cursor: duckdb.DuckDBPyConnection, query_name: str, **params) -> None:
    """Run every statement of ``lib/warehouse/sql/<query_name>.sql``, each with the parameters it
    names."""
    for statement in _statements(load_sql(query_name)):
        used = {name: value for name, value in params.items() if f"${name}" in statement}
        cursor.execute(statement.rstrip(";"), used or None)


def fetch(cursor: duckdb.DuckDBPyConnection, query_name: str, **params) -> pd.DataFrame:
    """Run the named query on a cursor handed to an ``execute_fn`` / ``execute_write_fn``."""
    return cursor.execute(load_sql(query_name), params or None).df()


def create_file(path: Path, fill: Callable[[duckdb.DuckDBPyConnection], None]) -> None:
    """Write a new DuckDB file: ``fill(cursor)``, then a checkpoint (build, publish).

    The caller writes into a temporary path and puts it in place itself, so that no reader
    ever opens half a file.
    """
    try:
        connection = duckdb.connect(str(path))
    except duckdb.Error as error:
        raise _as_disk_full(error) from error
    try:
        fill(connection)
        connection.execute("CHECKPOINT")
    except duckdb.Error as error:
        raise _as_disk_full(error) from error
    finally:
        connection.close()


def _freeze(value):
    if isinstance(value, list | tuple | set | frozenset):
        return tuple(_freeze(item) for item in value)
    return value


@contextmanager
def writer_lock(path: Path) -> Iterator[None]:
    """One writer at a time for the file at ``path``, across every process of the machine
    (an exclusive ``flock`` on ``<path>.lock``, released when the holder ends, even killed)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(f"{path}.lock", "a+b") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def fsync_path(path: Path) -> None:
    """Flush a file, or a folder's entries (a rename in it), to the disk."""
    descriptor = os.open(path, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def swap_in(temporary: Path, target: Path) -> None:
    """Put a finished file in place atomically, durable once this returns."""
    fsync_path(temporary)
    os.replace(temporary, target)
    fsync_path(target.parent)


def swap_folder_in(staging: Path, target: Path) -> None:
    """Put a finished folder in place of ``target`` in one step: readers see the old folder or
    the new one, never none (Linux exchanges the two names atomically); the old one is gone
    after. A process killed after the exchange leaves the old folder at ``staging``."""
    old = target.with_name(f".{target.name}.old")  # where the two renames below keep it
    if not target.exists() and old.exists():  # a swap killed between its two renames
        old.rename(target)
    if target.exists() and _exchange(staging, target):
        shutil.rmtree(staging, ignore_errors=True)  # now the old folder
        return
    shutil.rmtree(old, ignore_errors=True)  # no exchange (some file systems): two renames
    if target.exists():
        target.rename(old)
    staging.rename(target)
    shutil.rmtree(old, ignore_errors=True)


def _exchange(first: Path, second: Path) -> bool:
    """Swap two paths atomically (renameat2 RENAME_EXCHANGE); False where unsupported."""
    try:
        renameat2 = ctypes.CDLL(None, use_errno=True).renameat2
    except (AttributeError, OSError):
        return False
    at_cwd, rename_exchange = -100, 2
    done = renameat2(at_cwd, bytes(first), at_cwd, bytes(second), rename_exchange) == 0
    if not done and ctypes.get_errno() not in (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP):
        raise OSError(ctypes.get_errno(), os.strerror(ctypes.get_errno()), str(first))
    return done


def _process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process: alive
        return True
    return True


def remove_leftovers(path: Path) -> list[Path]:
    """Remove what writers killed mid-write left beside ``path`` (a write's copy, a build's or
    a restore's temporary: ``.<name>.<pid>.…``) once their process is gone; the files removed.
    A live writer's files are left alone."""
    prefix = f".{path.name}."
    removed = []
    for leftover in path.parent.glob(f"{prefix}*"):
        pid = leftover.name[len(prefix) :].split(".", 1)[0]
        if pid.isdigit() and not _process_alive(int(pid)):
            leftover.unlink(missing_ok=True)
            removed.append(leftover)
    return removed


def _write_copy(path: Path, write: Callable[[duckdb.DuckDBPyConnection], T]) -> T:
    """Apply ``write`` to a copy of the file in one transaction, then swap the copy in."""
    remove_leftovers(path)
    copy = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}.write")
    try:
        shutil.copyfile(path, copy)
        if Path(f"{path}.wal").exists():  # left by an older version that wrote in place
            shutil.copyfile(f"{path}.wal", f"{copy}.wal")
        connection = duckdb.connect(str(copy))
        try:
            connection.execute("BEGIN TRANSACTION")
            result = write(connection)
            connection.execute("COMMIT")
            connection.execute("CHECKPOINT")
        finally:
            connection.close()
        swap_in(copy, path)
        Path(f"{path}.wal").unlink(missing_ok=True)
        return result
    except duckdb.Error as error:
        raise _as_disk_full(error) from error
    finally:
        copy.unlink(missing_ok=True)
        Path(f"{copy}.wal").unlink(missing_ok=True)


class Database:
    """One DuckDB file, one read-only connection per process, a cursor per query.

    Reads: :meth:`execute` (a named query, cached per warehouse version), :meth:`execute_fn`
    (a function of a cursor). Writes: :meth:`execute_write_fn` (copy, write, swap; see the
    module's docstring). Nothing outside this class holds the connection.
    """

    def __init__(self, path: Path, read_only: bool = True):
        self.path = Path(path)
        self.read_only = read_only
        self._lock = threading.RLock()
        self._connection: duckdb.DuckDBPyConnection | None = None
        self._inode: int | None = None
        self._writes = 0
        self._results: OrderedDict[tuple, pd.DataFrame] = OrderedDict()
        self._derived: OrderedDict[tuple, object] = OrderedDict()

    def _current_inode(self) -> int:
        try:
            return self.path.stat().st_ino
        except FileNotFoundError as missing:
            raise WarehouseMissing(str(self.path)) from missing

    def _cursor(self) -> duckdb.DuckDBPyConnection:
        """A new cursor on the process's connection, reopened when a rebuild replaced the file."""
        with self._lock:
            inode = self._current_inode()
            if self._connection is None or inode != self._inode:
                self.close()
                self._connection = duckdb.connect(str(self.path), read_only=self.read_only)
                self._inode = inode
                self._forget()
            return self._connection.cursor()

    def close(self) -> None:
        with self._lock:
            if self._connection is not None:
                self._connection.close()
            self._connection = None
            self._forget()

    def _forget(self) -> None:
        self._results.clear()
        self._derived.clear()

    @property
    def version(self) -> tuple[int, int]:
        """Changes whenever what the queries would return may have changed."""
        self._cursor().close()
        return (self._inode or 0, self._writes)

    def execute(self, query_name: str, **params) -> pd.DataFrame:
        """Run the named query with bound parameters; a fresh DataFrame the caller may change."""
        key = (self.version, query_name, tuple(sorted((k, _freeze(v)) for k, v in params.items())))
        with self._lock:
            cached = self._results.get(key)
            if cached is not None:
                self._results.move_to_end(key)
                return cached.copy()
        frame = self.execute_uncached(query_name, **params)
        with self._lock:
            self._results[key] = frame
            while len(self._results) > RESULT_CACHE_SIZE:
                self._results.popitem(last=False)
        return frame.copy()

    def derived(self, name: str, key: Hashable, compute: Callable[[], T]) -> T:
        """``compute()`` once per warehouse version, ``name`` and ``key``: a figure worked out
        from query results (a Kaplan-Meier share, a page's tiles) is shared by every session
        of the process until the warehouse changes. Shared: the caller never changes it.
        ``compute`` reads what it needs itself; a value worked out while the warehouse changed
        is returned but not kept (it may mix both versions)."""
        version = self.version
        cache_key = (version, name, key)
        with self._lock:
            if cache_key in self._derived:
                self._derived.move_to_end(cache_key)
                return self._derived[cache_key]  # type: ignore[return-value]
        value = compute()
        if self.version != version:
            return value
        with self._lock:
            self._derived[cache_key] = value
            while len(self._derived) > RESULT_CACHE_SIZE:
                self._derived.popitem(last=False)
        return value

    def execute_uncached(self, query_name: str, **params) -> pd.DataFrame:
        return self.execute_fn(lambda cursor: fetch(cursor, query_name, **params))

    def execute_fn(self, read: Callable[[duckdb.DuckDBPyConnection], T]) -> T:
        """``read(cursor)`` on a cursor of its own (as Datasette's ``execute_fn``)."""
        cursor = self._cursor()
        try:
            return read(cursor)
        finally:
            cursor.close()

    def execute_write_fn(self, write: Callable[[duckdb.DuckDBPyConnection], T]) -> T:
        """``write(cursor)`` in one transaction, all of it or none of it, visible to every
        process at once: applied to a copy of the file under the writer lock, then swapped in.
        Writes from several processes queue on the lock; none is lost or half visible."""
        try:
            with writer_lock(self.path):
                self._current_inode()  # a missing warehouse is said as such
                return _write_copy(self.path, write)
        finally:
            with self._lock:
                self._writes += 1
                self._forget()


# --- the state store --------------------------------------------------------------------------


def store_run(connection: sqlite3.Connection, query_name: str, **params) -> None:
    """Run every statement of ``sql/<query_name>.sql`` on a state store connection."""
    for statement in _statements(load_sql(query_name)):
        connection.execute(statement.rstrip(";"), params)


def store_fetch(connection: sqlite3.Connection, query_name: str, **params) -> pd.DataFrame:
    cursor = connection.execute(load_sql(query_name), params)
    columns = [column[0] for column in cursor.description]
    return pd.DataFrame(cursor.fetchall(), columns=columns)


def _read_only_uri(path: Path) -> str:
    """SQLite's URI of a file opened read-only (quoted: a folder may hold spaces or '#')."""
    return f"{Path(path).resolve().as_uri()}?mode=ro"


def _names_per_author(connection: sqlite3.Connection) -> None:
    """A store made when scenario names were unique across authors gets its scenario table
    rebuilt with names unique per author, once, in one transaction (two processes opening it
    at once: the second finds it done)."""
    old = "NOT NULL UNIQUE"
    if old not in str(store_fetch(connection, "state/scenario_table")["sql"].iloc[0]):
        return
    connection.execute("BEGIN IMMEDIATE")
    try:
        if old in str(store_fetch(connection, "state/scenario_table")["sql"].iloc[0]):
            store_run(connection, "state/scenario_rebuild")
        connection.execute("COMMIT")
    except BaseException:
        connection.execute("ROLLBACK")
        raise


class Store:
    """The state the app's processes write often (``state.sqlite3``): a connection per call,
    writers serialised by SQLite itself across processes (``BEGIN IMMEDIATE``).
    ``read_only`` opens a file as it is, changing nothing in it (a backup being checked)."""

    def __init__(self, path: Path, read_only: bool = False):
        self.path = Path(path)
        self.read_only = read_only
        self._ready = False

    def _connect(self) -> sqlite3.Connection:
        if self.read_only:
            return sqlite3.connect(_read_only_uri(self.path), uri=True, isolation_level=None)
        if self._ready and not self.path.exists():  # removed under us (a restore, a test)
            self._ready = False
        if not self._ready:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        connection = sqlite3.connect(self.path, timeout=STORE_BUSY_MS / 1000, isolation_level=None)
        if not self._ready:
            connection.execute("PRAGMA journal_mode = WAL")
            store_run(connection, "state/schema")
            _names_per_author(connection)
            self._ready = True
        connection.execute("PRAGMA synchronous = FULL")  # a committed write survives a crash
        return connection

    def execute(self, query_name: str, **params) -> pd.DataFrame:
        """Run a named read on its own connection; a DataFrame."""
        return self.execute_fn(lambda connection: store_fetch(connection, query_name, **params))

    def execute_fn(self, read: Callable[[sqlite3.Connection], T]) -> T:
        """``read(connection)`` on a connection of its own."""
        try:
            connection = self._connect()  # may write: the first connection makes the schema
        except sqlite3.Error as error:
            raise _as_disk_full(error) from error
        try:
            return read(connection)
        finally:
            connection.close()

    def execute_write_fn(self, write: Callable[[sqlite3.Connection], T]) -> T:
        """``write(connection)`` in one transaction that no other process interleaves with."""
        try:
            connection = self._connect()
        except sqlite3.Error as error:
            raise _as_disk_full(error) from error
        try:
            connection.execute("BEGIN IMMEDIATE")
            try:
                result = write(connection)
                connection.execute("COMMIT")
            except BaseException:
                if connection.in_transaction:  # SQLite may have rolled back on its own
                    connection.execute("ROLLBACK")
                raise
            return result
        except sqlite3.Error as error:
            raise _as_disk_full(error) from error
        finally:
            connection.close()

    def backup_to(self, target: Path) -> None:
        """A consistent copy of the whole store at ``target``, one self-contained file
        (SQLite's online backup: the app's processes go on writing meanwhile)."""
        source = self._connect()
        try:
            copy = sqlite3.connect(target, isolation_level=None)
            try:
                source.backup(copy)
                copy.execute("PRAGMA journal_mode = DELETE")  # no -wal file beside the copy
            finally:
                copy.close()
        except sqlite3.Error as error:
            raise _as_disk_full(error) from error
        finally:
            source.close()

    def restore_from(self, copy: Path) -> None:
        """Replace the store's whole content by ``copy``'s, in one SQLite write transaction:
        other processes wait for it (their busy timeout), then read the restored state."""
        source = sqlite3.connect(_read_only_uri(copy), uri=True)
        try:
            live = self._connect()
            try:
                source.backup(live)
                store_run(live, "state/schema")  # a store of an older version: its new tables
                _names_per_author(live)  # ... and its scenario names unique per author
            finally:
                live.close()
        except sqlite3.Error as error:
            raise _as_disk_full(error) from error
        finally:
            source.close()


_stores: dict[Path, Store] = {}
_databases: dict[tuple[Path, bool], Database] = {}
_registry_lock = threading.Lock()


def get_database(settings: Settings | None = None) -> Database:
    """The process-wide (read-only) Database of the configured warehouse."""
    settings = settings or get_settings()
    key = (settings.warehouse_path.resolve(), True)
    with _registry_lock:
        if key not in _databases:
            _databases[key] = Database(settings.warehouse_path)
        return _databases[key]


def get_public_database(settings: Settings | None = None) -> Database:
    """The public snapshot (data/public/public.duckdb), read-only: all the public page reads."""
    settings = settings or get_settings()
    key = ((settings.public_dir / "public.duckdb").resolve(), True)
    with _registry_lock:
        if key not in _databases:
            _databases[key] = Database(key[0], read_only=True)
        return _databases[key]


def get_store(settings: Settings | None = None) -> Store:
    """The state store next to the configured warehouse."""
    settings = settings or get_settings()
    path = (settings.data_dir / STATE_NAME).resolve()
    with _registry_lock:
        if path not in _stores:
            _stores[path] = Store(path)
        return _stores[path]


def close_all() -> None:
    """Close every open connection (tests, and before a rebuild in this process)."""
    with _registry_lock:
        for database in _databases.values():
            database.close()
        _databases.clear()
        _stores.clear()
