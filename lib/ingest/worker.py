"""Read an upload in a process of its own, with a time and a memory budget.

A spreadsheet can be made to cost the server minutes of CPU or gigabytes of memory (a zip bomb
is refused from the ZIP's directory, ``readers``; a huge honest file is not). The app never
parses an upload in its own process: ``parse_in_worker`` starts a fresh process (``spawn``:
nothing of the server's threads is inherited), caps its address space, waits at most
``time_s`` and kills it past that. Whatever happens, the answer is a ``ParsedFile``: the
records, or the problems, including "too slow" and "too large to read". Pure: no streamlit.
"""

from __future__ import annotations

import multiprocessing
import resource
from dataclasses import replace

from lib.config import Settings, get_settings
from lib.ingest.pipeline import ParsedFile, parse
from lib.ingest.report import Problem

TIME_S = 120.0  # an honest file of 200 000 rows is read in well under a minute
MEMORY_MB = 3_000  # the worker's address space, interpreter and libraries included


def _work(data: bytes, file_name: str, kind: str | None, settings: Settings, memory_mb, out):
    resource.setrlimit(resource.RLIMIT_AS, (memory_mb * 2**20, memory_mb * 2**20))
    from lib.warehouse.db import get_database  # the child opens the warehouse read-only

    try:
        out.send(parse(data, file_name, kind, get_database(settings), settings))
    except MemoryError:
        out.send("memory")


def _refused(data: bytes, file_name: str, kind: str | None, key: str, **params) -> ParsedFile:
    import hashlib

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
) -> ParsedFile:
    """``pipeline.parse`` in a process of its own; refused when it runs out of time or memory."""
    settings = settings or get_settings()
    context = multiprocessing.get_context("spawn")
    receive, send = context.Pipe(duplex=False)
    worker = context.Process(
        target=_work, args=(bytes(data), file_name, kind, settings, memory_mb, send), daemon=True
    )
    worker.start()
    send.close()
    try:
        if not receive.poll(time_s):
            return _refused(data, file_name, kind, "ingest.error.too_slow", seconds=int(time_s))
        answer = receive.recv()
    except EOFError:  # the worker died: killed for its memory
        answer = "memory"
    finally:
        worker.kill()
        worker.join()
    if answer == "memory":
        return _refused(data, file_name, kind, "ingest.error.too_big_to_read")
    return answer
