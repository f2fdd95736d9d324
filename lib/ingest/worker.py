"""Read an upload in a process of its own, with a time and a memory budget.

A spreadsheet can be made to cost the server minutes of CPU or gigabytes of memory (a zip bomb
is refused from the ZIP's directory, ``readers``; a huge honest file is not). The app never
parses an upload in its own process: ``parse_in_worker`` runs ``python -m lib.ingest.worker``,
a fresh interpreter that inherits nothing of the server (not its threads, and not its
``__main__``: a ``multiprocessing`` child would run the app's own script again first), caps
its address space, and is killed past ``time_s``. The job goes in on stdin and the
``ParsedFile`` comes back on stdout, both pickled between two processes of this code.
Whatever happens, the answer is a ``ParsedFile``: the records, or the problems, including
"too slow" and "too large to read". Pure: no streamlit.
"""

from __future__ import annotations

import hashlib
import pickle
import resource
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

from lib.config import Settings, get_settings
from lib.ingest.pipeline import ParsedFile, parse
from lib.ingest.report import Problem

TIME_S = 120.0  # an honest file of 200 000 rows is read in well under a minute
MEMORY_MB = 3_000  # the worker's address space, interpreter and libraries included
_ROOT = Path(__file__).resolve().parents[2]  # where ``lib`` is imported from
_OUT_OF_MEMORY = 3  # the worker's exit status when reading ran out of its memory


def _refused(data: bytes, file_name: str, kind: str | None, key: str, **params) -> ParsedFile:
    digest = hashlib.sha256(data).hexdigest()
    return replace(
        ParsedFile(kind or "", file_name, digest, len(data)), problems=[Problem(key, params)]
    )


def parse_in_worker(
    data: bytes,
    file_name: str,
    kind: str | None,
    settings: Settings | None = None,
    time_s: float = TIME_S,
    memory_mb: int = MEMORY_MB,
    sheet: str | None = None,
) -> ParsedFile:
    """``pipeline.parse`` in a process of its own; refused when it runs out of time or memory."""
    settings = settings or get_settings()
    job = pickle.dumps((bytes(data), file_name, kind, settings, sheet, memory_mb))
    try:
        done = subprocess.run(
            [sys.executable, "-m", "lib.ingest.worker"],
            input=job,
            capture_output=True,
            timeout=time_s,
            check=False,
            cwd=_ROOT,
        )
    except subprocess.TimeoutExpired:  # run() has killed the worker
        return _refused(data, file_name, kind, "ingest.error.too_slow", seconds=int(time_s))
    if done.returncode != 0 or not done.stdout:  # out of memory, or killed for it
        return _refused(data, file_name, kind, "ingest.error.too_big_to_read")
    return pickle.loads(done.stdout)


def _main() -> int:
    """The worker: read the job on stdin, write the ``ParsedFile`` on stdout."""
    data, file_name, kind, settings, sheet, memory_mb = pickle.loads(sys.stdin.buffer.read())
    resource.setrlimit(resource.RLIMIT_AS, (memory_mb * 2**20, memory_mb * 2**20))
    from lib.warehouse.db import get_database  # the worker opens the warehouse read-only

    try:
        answer = pickle.dumps(parse(data, file_name, kind, get_database(settings), settings, sheet))
    except MemoryError:
        return _OUT_OF_MEMORY
    sys.stdout.buffer.write(answer)
    return 0


if __name__ == "__main__":
    sys.exit(_main())
