"""Shared code of the operations tests: tiny warehouses with imports and scenarios, what a
warehouse and a store hold (every row), and writes run in a forked child that is killed or
given no room."""

from __future__ import annotations

import contextlib
import hashlib
import os
import resource
import select
import shutil
import signal
import struct
import sys
import time
import traceback
import warnings
from collections.abc import Callable
from pathlib import Path

import pandas as pd

from lib.config import Settings, get_settings
from lib.ingest import pipeline, transaction
from lib.warehouse import db
from lib.warehouse.build import build
from tests.small_records import small_records

REPO = Path(__file__).resolve().parents[2]
HEADER = (
    "Année du programme;Région;Secteur;Sexe;Tranche d'âge;Type d'appui;"
    "Montant de la subvention (MAD);Moussalaha;Ancien pensionnaire CPE;Remise royale"
)
USER = "karim"


def small_warehouse(folder: Path) -> Settings:
    """A demo warehouse of a handful of records in ``folder``; its settings."""
    settings = get_settings(data_dir=folder)
    build(settings, records=small_records())
    return settings


def copy_data(template: Path, folder: Path) -> None:
    """Copy a data folder's warehouse and state store (closed) into ``folder``."""
    db.close_all()
    for name in ("idmaj.duckdb", db.STATE_NAME, f"{db.STATE_NAME}-wal"):
        if (template / name).exists():
            shutil.copyfile(template / name, folder / name)


def beneficiaries_csv(grants: list[int]) -> bytes:
    """A valid file of beneficiaries, one row per grant (distinct grants: never a repeat)."""
    rows = [
        f"2019;Casablanca-Settat;Commerce;F;25-34;micro-projet;{grant};non;non;non"
        for grant in grants
    ]
    return "\n".join([HEADER, *rows, ""]).encode("utf-8")


def parsed_file(settings: Settings, grants: list[int]) -> pipeline.ParsedFile:
    """The checked file of ``grants``, ready to commit."""
    data = beneficiaries_csv(grants)
    parsed = pipeline.parse(data, f"import-{grants[0]}.csv", None, db.get_database(settings))
    assert parsed.ok, [problem.key for problem in parsed.problems]
    return parsed


def commit(settings: Settings, grants: list[int]) -> int:
    """Import the beneficiaries of ``grants``; the batch id."""
    parsed = parsed_file(settings, grants)
    return transaction.commit(parsed, db.get_database(settings), USER)


class Inputs:
    """What ``scenarios.save`` reads of a scenario's inputs."""

    def to_query_params(self) -> dict:
        return {"envelope": "12000000", "year": "2019"}


class Result:
    """What ``scenarios.save`` reads of a scenario's result."""

    def to_dict(self) -> dict:
        return {"beneficiaries": 478, "envelope_mad": 12_000_000}


def warehouse_tables(path: Path) -> dict[str, pd.DataFrame]:
    """Every table of a warehouse file, every row, in a stable order."""

    def read(cursor) -> dict[str, pd.DataFrame]:
        names = sorted(db.fetch(cursor, "build/table_names")["table_name"])
        tables = {}
        for name in names:
            frame = db.fetch(cursor, "ops/table_content", table_name=name)
            columns = list(frame.columns)
            tables[name] = frame.sort_values(columns).reset_index(drop=True)
        return tables

    db.close_all()  # DuckDB hands a path's open instance back: a stale one would answer
    database = db.Database(path, read_only=True)
    try:
        return database.execute_fn(read)
    finally:
        database.close()


def store_tables(path: Path) -> dict[str, pd.DataFrame]:
    """Every row the state store's named queries list (scenarios, attempts' audit, log)."""
    store = db.Store(path, read_only=True)
    queries = ("state/scenario_list", "state/audit_list", "state/publication_list")
    return {query: store.execute(query) for query in queries}


def folder_fingerprint(folder: Path) -> dict[str, str]:
    """Relative path -> sha256 of every file under ``folder``."""
    return {
        str(path.relative_to(folder)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def folder_state(folder: Path) -> dict[str, tuple[int, int, int]]:
    """Relative path -> (inode, size, modification time) of every file and folder under
    ``folder`` and of the folder itself: any write, any swap changes it (cheaper than
    hashing every file of a snapshot after each kill)."""
    paths = [folder, *sorted(folder.rglob("*"))]
    return {
        str(path.relative_to(folder)): (stat.st_ino, stat.st_size, stat.st_mtime_ns)
        for path in paths
        for stat in (path.stat(),)
    }


def leftovers(folder: Path) -> list[str]:
    """Hidden files and folders writers make while they write (none once they are done)."""
    return sorted(
        str(path.relative_to(folder))
        for path in folder.rglob(".*")
        if not path.name.endswith(".lock")
    )


# --- forked writes -------------------------------------------------------------------------------


def _fork() -> int:
    db.close_all()  # no DuckDB or SQLite connection crosses a fork
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)  # fork with threads (3.12+)
        return os.fork()


DISK_FULL_EXIT, ERROR_EXIT = 3, 4  # a write's exit codes beside a command's 0, 1, 2


def _child(write: Callable[[], object], pipe: int | None) -> None:
    """In the child: say it starts, run ``write``, say how long it took, and leave without
    running the parent's cleanups: the command's exit code if it returns one (else 0),
    ``DISK_FULL_EXIT`` or ``ERROR_EXIT`` if it raises."""
    code = 0
    try:
        if pipe is not None:
            os.write(pipe, b"1")
        started = time.perf_counter()
        outcome = write()
        if pipe is not None:
            with contextlib.suppress(BrokenPipeError):  # a parent that only waits for the start
                os.write(pipe, struct.pack("d", time.perf_counter() - started))
        code = outcome if isinstance(outcome, int) and not isinstance(outcome, bool) else 0
    except BaseException as error:
        code = DISK_FULL_EXIT if db.is_disk_full(error) else ERROR_EXIT
        if code == ERROR_EXIT:
            traceback.print_exc()  # on the test's stderr: why the write failed
    finally:
        with contextlib.suppress(Exception):
            sys.stdout.flush()
            sys.stderr.flush()
        os._exit(code)


def _wait(pid: int, timeout_s: float = 120.0) -> int:
    """The child's wait status; killed if it is still running after ``timeout_s``."""
    exited, status = _wait_until(pid, time.monotonic() + timeout_s)
    if not exited:
        os.kill(pid, signal.SIGKILL)
        status = os.waitpid(pid, 0)[1]
    return status


def _wait_until(pid: int, deadline: float) -> tuple[bool, int]:
    """(True, its status) when the child ended before ``deadline``, else (False, 0)."""
    while True:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            return True, status
        left = deadline - time.monotonic()
        if left <= 0:
            return False, 0
        time.sleep(min(left, 0.001))


def _read(descriptor: int, size: int) -> bytes:
    select.select([descriptor], [], [], 120)
    return os.read(descriptor, size)


def run_and_kill(write: Callable[[], object], delay_s: float) -> bool:
    """Run ``write`` in a forked child and SIGKILL it ``delay_s`` seconds after it started,
    unless it ended first. True when the kill came before the end."""
    reading, writing = os.pipe()
    pid = _fork()
    if pid == 0:
        os.close(reading)
        _child(write, writing)
    os.close(writing)
    try:
        _read(reading, 1)
    finally:
        os.close(reading)
    exited, status = _wait_until(pid, time.monotonic() + delay_s)
    if exited:
        assert os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0, status
        return False
    os.kill(pid, signal.SIGKILL)  # a child that ended meanwhile is a zombie: no harm
    os.waitpid(pid, 0)
    return True


def duration_s(write: Callable[[], object]) -> float:
    """How long ``write`` takes in a forked child, measured by the child from its start."""
    reading, writing = os.pipe()
    pid = _fork()
    if pid == 0:
        os.close(reading)
        _child(write, writing)
    os.close(writing)
    try:
        _read(reading, 1)
        measured = _read(reading, 8)
    finally:
        os.close(reading)
    status = _wait(pid)
    assert os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0, status
    return struct.unpack("d", measured)[0]


def run_without_room(write: Callable[[], object], limit_bytes: int) -> tuple[int, str]:
    """Run ``write`` in a forked child that may not write a file past ``limit_bytes`` (as on a
    full disk: EFBIG, SIGXFSZ ignored); its exit code and what it wrote on stderr (a pipe,
    which the limit does not apply to)."""
    reading, writing = os.pipe()
    pid = _fork()
    if pid == 0:
        os.close(reading)
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        os.dup2(writing, 2)
        sys.stderr = os.fdopen(writing, "w", buffering=1, encoding="utf-8")
        quiet = os.open(os.devnull, os.O_WRONLY)  # what a command says when done, unlimited
        os.dup2(quiet, 1)
        sys.stdout = os.fdopen(quiet, "w", buffering=1, encoding="utf-8")
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit_bytes, limit_bytes))
        _child(write, None)
    os.close(writing)
    chunks = []
    with os.fdopen(reading, "rb") as pipe:
        while chunk := pipe.read(65536):
            chunks.append(chunk)
    status = _wait(pid)
    assert os.WIFEXITED(status), status
    return os.WEXITSTATUS(status), b"".join(chunks).decode("utf-8", errors="replace")
