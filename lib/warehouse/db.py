"""The one door to SQL (as Datasette's ``Database.execute``).

Only this module opens DuckDB connections. Queries are named files in ``lib/warehouse/sql/``
run with bound parameters; each call takes its own cursor, so Streamlit's session threads never
share one; code that needs several statements hands a function to ``execute_fn`` (reads) or
``execute_write_fn`` (one transaction). Results are cached per warehouse version: a rebuild (a
new file put in place with ``os.replace``) or a committed write changes the version and so
empties the cache.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import TypeVar

import duckdb
import pandas as pd

from lib.config import Settings, get_settings

SQL_DIR = Path(__file__).resolve().parent / "sql"
RESULT_CACHE_SIZE = 512
WRITE_RETRIES = 5
T = TypeVar("T")


class WarehouseMissing(RuntimeError):
    """The warehouse file does not exist (build it with ``python -m lib.warehouse.build``)."""


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
    connection = duckdb.connect(str(path))
    try:
        fill(connection)
        connection.execute("CHECKPOINT")
    finally:
        connection.close()


def _freeze(value):
    if isinstance(value, list | tuple | set | frozenset):
        return tuple(_freeze(item) for item in value)
    return value


class WriteConflict(RuntimeError):
    """Another writer kept winning: the write was retried and gave up, nothing was written."""


class Database:
    """One DuckDB file, one connection per process, a cursor per query.

    Reads: :meth:`execute` (a named query, cached per warehouse version), :meth:`execute_fn`
    (a function of a cursor). Writes: :meth:`execute_write_fn`, one at a time per process,
    in one transaction. Nothing outside this class holds the connection.
    """

    def __init__(self, path: Path, read_only: bool = False):
        self.path = Path(path)
        self.read_only = read_only
        self._lock = threading.RLock()
        self._write_lock = threading.Lock()
        self._connection: duckdb.DuckDBPyConnection | None = None
        self._inode: int | None = None
        self._writes = 0
        self._results: OrderedDict[tuple, pd.DataFrame] = OrderedDict()

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
                self._results.clear()
            return self._connection.cursor()

    def close(self) -> None:
        with self._lock:
            if self._connection is not None:
                self._connection.close()
            self._connection = None
            self._results.clear()

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
        """``write(cursor)`` in one transaction: all of it is committed, or none of it.

        One writer at a time in this process; a conflict with another connection's write is
        retried a few times, then :class:`WriteConflict` is raised with nothing written.
        """
        with self._write_lock:
            for attempt in range(WRITE_RETRIES):
                try:
                    return self._write_once(write)
                except duckdb.TransactionException as conflict:
                    last = conflict
                    time.sleep(0.02 * (attempt + 1))
            raise WriteConflict(str(self.path)) from last

    def _write_once(self, write: Callable[[duckdb.DuckDBPyConnection], T]) -> T:
        cursor = self._cursor()
        cursor.execute("BEGIN TRANSACTION")
        try:
            result = write(cursor)
            cursor.execute("COMMIT")
            return result
        except BaseException:
            cursor.execute("ROLLBACK")
            raise
        finally:
            cursor.close()
            with self._lock:
                self._writes += 1
                self._results.clear()


_databases: dict[tuple[Path, bool], Database] = {}
_registry_lock = threading.Lock()


def get_database(settings: Settings | None = None, read_only: bool = False) -> Database:
    """The process-wide Database for the configured warehouse."""
    settings = settings or get_settings()
    key = (settings.warehouse_path.resolve(), read_only)
    with _registry_lock:
        if key not in _databases:
            _databases[key] = Database(settings.warehouse_path, read_only=read_only)
        return _databases[key]


def get_public_database(settings: Settings | None = None) -> Database:
    """The public snapshot (data/public/public.duckdb), read-only: all the public page reads."""
    settings = settings or get_settings()
    key = ((settings.public_dir / "public.duckdb").resolve(), True)
    with _registry_lock:
        if key not in _databases:
            _databases[key] = Database(key[0], read_only=True)
        return _databases[key]


def close_all() -> None:
    """Close every open connection (tests, and before a rebuild in this process)."""
    with _registry_lock:
        for database in _databases.values():
            database.close()
        _databases.clear()
