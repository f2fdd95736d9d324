"""Worker: every page rendered through app.py with AppTest, cold and warm, in one process per
warehouse (``python -m bench.workers.apptest --pages overview,budgets --cold 5 --warm 10 --out
x.json``). A run goes through the router to the page, as a browser session does. *Cold*: every
cache of the app emptied first (``lib.warehouse.db.close_all()``: the result cache and the
connection; every ``functools.cache`` of ``lib``: SQL texts, message catalogs, region outlines),
then a fresh AppTest. *Warm*: the same AppTest run again, caches filled (a user's next rerun).
The process's very first run (Python modules still being imported) is reported on its own.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from bench.common import APP_PATH, page_files, peak_rss_mb, summary, write_json
from bench.workers import ErrorLog

ERRORS = ErrorLog()

TIMEOUT_S = 120


def clear_app_caches() -> None:
    from lib.warehouse import db

    db.close_all()
    for name, module in list(sys.modules.items()):
        if name == "lib" or name.startswith("lib."):
            for value in list(vars(module).values()):
                if callable(getattr(value, "cache_clear", None)):
                    value.cache_clear()


def new_app(page: str, query: dict[str, str] | None = None):
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(APP_PATH), default_timeout=TIMEOUT_S)
    for key, value in (query or {}).items():
        at.query_params[key] = value
    if page != "overview":
        at.switch_page(f"pages/{page}.py")
    return at


def _problems(at) -> list[str]:
    logged = ERRORS.take()
    if at.exception and logged:
        found = [f"exception: {message}" for message in logged]
    else:
        found = [f"exception: {str(e.value)[:200]}" for e in at.exception]
    found += [f"error: {str(e.value)[:200]}" for e in at.error]
    return found


def _elements(at) -> dict[str, int]:
    return {
        "plotly_charts": len(at.get("plotly_chart")),
        "dataframes": len(at.dataframe),
        "metrics": len(at.metric),
    }


def timed_run(at, cpu: list[float] | None = None) -> float:
    """Wall seconds of one run; its CPU seconds (every thread of this process) go to ``cpu``."""
    started, cpu_started = time.perf_counter(), time.process_time()
    at.run()
    if cpu is not None:
        cpu.append(time.process_time() - cpu_started)
    return time.perf_counter() - started


def measure(pages: list[str], cold: int, warm: int) -> dict:
    ERRORS.install()
    started = time.perf_counter()
    from streamlit.testing.v1 import AppTest  # noqa: F401  (the import is part of what is timed)

    import_s = time.perf_counter() - started
    first = new_app("overview")
    first_run_s = timed_run(first)
    result: dict = {
        "import_s": import_s,
        "process_first_run_s": first_run_s,
        "process_first_run_problems": _problems(first),
        "pages": {},
    }
    for page in pages:
        cold_samples, warm_samples, problems = [], [], []
        cold_cpu: list[float] = []
        warm_cpu: list[float] = []
        at = None
        for _ in range(cold):
            clear_app_caches()
            at = new_app(page)
            cold_samples.append(timed_run(at, cold_cpu))
            problems += _problems(at)
        for _ in range(warm):
            warm_samples.append(timed_run(at, warm_cpu))
            problems += _problems(at)
        result["pages"][page] = {
            "cold": summary(cold_samples),
            "warm": summary(warm_samples),
            "cold_cpu": summary(cold_cpu),
            "warm_cpu": summary(warm_cpu),
            "problems": sorted(set(problems)),
            "elements": _elements(at),
        }
    result["peak_rss_mb"] = peak_rss_mb()
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.workers.apptest",
        description="Every page through app.py with AppTest, cold and warm; timings as JSON.",
    )
    parser.add_argument("--pages", help="comma-separated (default: every page)")
    parser.add_argument("--cold", type=int, default=5)
    parser.add_argument("--warm", type=int, default=10)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args(argv)
    pages = args.pages.split(",") if args.pages else page_files()
    write_json(args.out, measure(pages, max(1, args.cold), max(1, args.warm)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
