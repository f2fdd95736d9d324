"""The programs the benchmark runs in child processes of their own, each started by
``bench.common.run_child`` as ``python -m bench.workers.NAME ... --out result.json`` (a fresh
process per measurement keeps its peak memory its own and its caches cold): ``plan`` captures
the queries each page sends, ``query`` times them on one path (``pandas_way`` is the other
path), ``apptest`` renders every page, ``profile`` runs AppTest or a server under cProfile.
This module holds what they share: the log handler that keeps the exceptions Streamlit logs.
"""

from __future__ import annotations

import logging


class ErrorLog(logging.Handler):
    """The exceptions Streamlit logs while running a script, as "Type: first line".

    The project hides error details from users (client.showErrorDetails = "none"), so an
    AppTest element only says "This app has encountered an error"; the log has the cause.
    """

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.seen: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        error = record.exc_info[1] if record.exc_info else None
        if error is not None:
            first = (str(error).strip().splitlines() or [""])[0]
            self.seen.append(f"{type(error).__name__}: {first[:200]}")

    def install(self) -> ErrorLog:
        for name in ("streamlit", "streamlit.error_util", ""):
            logging.getLogger(name).addHandler(self)
        return self

    def take(self) -> list[str]:
        seen, self.seen = self.seen, []
        return sorted(set(seen))
