"""The operations log: one JSON object per line in ``data/logs/idmaj.log``, rotated.

What is logged: imports, roll backs, publications, backups, restores, sign-ins (events, with
:func:`event`), and every warning or error a module of ``lib`` logs (``logging.getLogger
(__name__)`` is below the ``lib`` logger this module equips). What is never logged: a cell's
value, a file's name (it may name a person), a password or a hash, a client's address, an
exception's message (it may quote a cell): an error keeps its type and where it was raised.
A staff member's account name is kept, as the audit trail keeps it; the name typed in a
failed sign-in is not (it may be a password typed in the wrong box).

Every process of the app writes the same file: a line is written under an exclusive lock on
``idmaj.log.lock``, and the process that finds the file full rotates it (``idmaj.log.1`` ...
``.10``); the others follow to the new file. Pure: no streamlit.
"""

from __future__ import annotations

import fcntl
import logging
import logging.handlers
import os
import sys
import threading
import traceback
from pathlib import Path

from pythonjsonlogger.json import JsonFormatter

from lib.config import Settings, get_settings
from lib.warehouse.db import is_disk_full

LOG_NAME = "idmaj.log"
MAX_BYTES = 10 * 1024 * 1024
BACKUP_COUNT = 10  # 10 rotated files of 10 MB: months of events for a small team
ROOT = logging.getLogger("lib")  # the parent of every module's logger in lib/
EVENTS = logging.getLogger("lib.events")
_configure_lock = threading.Lock()


class _Formatter(JsonFormatter):
    """python-json-logger's JSON lines, with a UTC time, and errors without their message."""

    def formatException(self, ei) -> str:
        kind, _, trace = ei
        frames = traceback.extract_tb(trace)[-5:]  # where it was raised, never the message
        where = " < ".join(f"{Path(f.filename).name}:{f.lineno} {f.name}" for f in frames)
        return f"{kind.__name__} at {where}" if kind else ""


class SharedRotatingFileHandler(logging.handlers.RotatingFileHandler):
    """A rotating file several processes write: each line under an exclusive ``flock``, and a
    process reopens the file when another one rotated it meanwhile."""

    def emit(self, record: logging.LogRecord) -> None:
        try:
            with open(f"{self.baseFilename}.lock", "a+b") as lock:  # per line: fork-safe
                fcntl.flock(lock, fcntl.LOCK_EX)
                self._follow_rotation()
                super().emit(record)
        except Exception:
            self.handleError(record)

    def handleError(self, record: logging.LogRecord) -> None:
        # A full disk is said to whoever wrote (lib.warehouse.db.DiskFull); its log line is
        # dropped rather than printed as a logging error over the message that says so.
        if not is_disk_full(sys.exc_info()[1]):
            super().handleError(record)

    def _follow_rotation(self) -> None:
        if self.stream is None:
            return
        try:
            current = os.stat(self.baseFilename).st_ino
        except FileNotFoundError:
            current = None
        if current != os.fstat(self.stream.fileno()).st_ino:
            self.stream.close()
            self.stream = self._open()


def log_path(settings: Settings) -> Path:
    """The log file of these settings."""
    return settings.log_folder / LOG_NAME


def configure(settings: Settings | None = None) -> Path | None:
    """Send ``lib``'s events, warnings and errors to the JSON log of ``settings`` (once per
    file; a later call with other settings moves the log there). The log's path, or None when
    its folder cannot be written (the app runs on without a log file)."""
    path = log_path(settings or get_settings())
    with _configure_lock:
        current = [h for h in ROOT.handlers if isinstance(h, SharedRotatingFileHandler)]
        if current and Path(current[0].baseFilename) == path.resolve():
            return path
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            handler = SharedRotatingFileHandler(
                path, maxBytes=MAX_BYTES, backupCount=BACKUP_COUNT, encoding="utf-8"
            )
        except OSError:
            return None
        handler.setFormatter(
            _Formatter(
                "{levelname}{name}{message}",
                style="{",
                timestamp="time",
                rename_fields={"levelname": "level", "name": "logger"},
            )
        )
        for old in current:
            ROOT.removeHandler(old)
            old.close()
        ROOT.addHandler(handler)
        ROOT.setLevel(logging.INFO)
    return path


def event(name: str, **fields) -> None:
    """Log one operation (``import``, ``rollback``, ``publish``, ``backup``, ``restore``,
    ``sign_in``) with its fields: ids, counts, outcomes, a staff name; never a value."""
    try:
        configure()
    except Exception:  # a bad setting is said elsewhere; a log never fails what it reports
        return
    EVENTS.info(name, extra={"event": name, **fields})
