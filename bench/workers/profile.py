"""Worker: where the time goes, measured with cProfile (standard library) in every thread, for
AppTest runs (``python -m bench.workers.profile apptest --pages overview,public --out x.json``)
or a whole server (``python -m bench.workers.profile server --stats x.prof -- <streamlit run
arguments>``; SIGUSR1 clears what was recorded, SIGTERM writes the stats). Streamlit runs each
script run in a thread of its own, and the server's event loop in the main thread, so a single
``cProfile.Profile`` sees little: ``ThreadProfiler`` gives each new thread its own profile (by
wrapping ``threading.Thread.run``) plus one for the calling thread, and merges them.
``summarize`` groups self time by package (streamlit, plotly, pandas, babel, duckdb, protobuf,
the app's lib/ and pages/...) and lists the heaviest functions.
"""

from __future__ import annotations

import argparse
import atexit
import contextlib
import cProfile
import pstats
import signal
import sys
import threading
import time
from pathlib import Path

from bench.common import REPO_DIR, write_json

AREAS = (
    ("/streamlit/proto/", "protobuf (streamlit.proto)"),
    ("/google/protobuf/", "protobuf"),
    ("/streamlit/", "streamlit"),
    ("/plotly/", "plotly"),
    ("/_plotly_utils/", "plotly"),
    ("/pandas/", "pandas"),
    ("/numpy/", "numpy"),
    ("/pyarrow/", "pyarrow"),
    ("/babel/", "babel"),
    ("/duckdb", "duckdb"),
    ("/narwhals/", "narwhals"),
    ("/json/", "json"),
    ("/asyncio/", "asyncio"),
    ("/uvicorn/", "uvicorn/starlette/websockets"),
    ("/starlette/", "uvicorn/starlette/websockets"),
    ("/websockets/", "uvicorn/starlette/websockets"),
    ("/watchdog/", "watchdog"),
    (str(REPO_DIR / "lib") + "/", "app: lib/"),
    (str(REPO_DIR / "pages") + "/", "app: pages/"),
    (str(REPO_DIR / "app.py"), "app: app.py"),
)


# Threads that wait (the AppTest caller polling, the server's event loop, idle workers): their
# time is not work, so it is kept out of the areas and reported on its own.
WAITS = (
    "time.sleep",
    "'acquire' of '_thread.lock'",
    "'get' of '_queue.SimpleQueue'",
    "'poll' of 'select.epoll'",
    "select.select",
    "'wait' of",
)
WAITING = "waiting (sleep, locks, queues, epoll)"


def area(filename: str, name: str = "") -> str:
    if filename == "~" and any(wait in name for wait in WAITS):
        return WAITING
    for marker, label in AREAS:
        if marker in filename:
            return label
    if filename.startswith("<") or filename == "~":
        return "builtins / C calls"
    if "/lib/python3" in filename and "site-packages" not in filename:
        return "python stdlib"
    return "other"


class ThreadProfiler:
    """cProfile in the current thread and in every thread started while it is active."""

    def __init__(self) -> None:
        self.profiles: list[cProfile.Profile] = []
        self._main = cProfile.Profile()
        self._original_run = threading.Thread.run
        self._lock = threading.Lock()

    def start(self) -> ThreadProfiler:
        profiles, lock, original = self.profiles, self._lock, self._original_run

        def run(thread):
            profile = cProfile.Profile()
            with lock:
                profiles.append(profile)
            profile.enable()
            try:
                original(thread)
            finally:
                profile.disable()

        threading.Thread.run = run
        self._main.enable()
        return self

    def clear(self) -> None:
        """Forget what was recorded so far (startup, warm-up), keep profiling."""
        with self._lock:
            for profile in [self._main, *self.profiles]:
                profile.clear()

    def stop(self) -> pstats.Stats | None:
        self._main.disable()
        threading.Thread.run = self._original_run
        with self._lock:
            parts = [self._main, *self.profiles]
        stats = None
        for profile in parts:
            try:
                if stats is None:
                    stats = pstats.Stats(profile)
                else:
                    stats.add(profile)
            except TypeError:  # a profile that never recorded anything
                continue
        return stats

    def __enter__(self) -> ThreadProfiler:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stats = self.stop()


# Functions named in the findings (all parts of a marker must match), followed by their
# cumulative time (callees included).
SUSPECTS = (
    (
        "Streamlit LocalSourcesWatcher (every session resolves every module's path)",
        ("local_sources_watcher.py", "(update_watched_modules)"),
    ),
    ("watchdog: start a recursive folder watch", ("watchdog/observers/api.py", "(schedule)")),
    ("watchdog: stop a folder watch", ("watchdog/observers/api.py", "(unschedule)")),
    ("gc.collect after each script run (runner.postScriptGC)", ("gc.collect",)),
    ("plotly figure to dict (deep copies)", ("plotly/basedatatypes.py", "(to_dict)")),
    ("lib/charts.py _figure (one validated Figure a chart)", ("lib/charts.py", "(_figure)")),
)


def summarize(stats: pstats.Stats, top: int = 25) -> dict:
    """Self time per area, and the heaviest functions by self and by cumulative time.

    ``total_self_s`` leaves out waiting; cumulative times of functions that wait include it.
    """
    by_area: dict[str, float] = {}
    rows = []
    total = 0.0
    for (filename, line, name), (_cc, calls, tottime, cumtime, _callers) in stats.stats.items():
        where = area(filename, name)
        by_area[where] = by_area.get(where, 0.0) + tottime
        if where == WAITING:
            continue
        total += tottime
        short = filename.replace(str(REPO_DIR) + "/", "")
        if "site-packages/" in short:
            short = short.split("site-packages/", 1)[1]
        rows.append(
            {
                "function": f"{short}:{line}({name})",
                "calls": calls,
                "self_s": tottime,
                "cumulative_s": cumtime,
            }
        )
    suspects = {}
    for label, marker in SUSPECTS:
        hits = [r for r in rows if all(part in r["function"] for part in marker)]
        if hits:
            suspects[label] = {
                "cumulative_s": max(r["cumulative_s"] for r in hits),
                "calls": sum(r["calls"] for r in hits),
            }
    by_self = sorted(rows, key=lambda r: -r["self_s"])[:top]
    app_rows = [r for r in rows if r["function"].startswith(("lib/", "pages/", "app.py"))]
    by_cumulative = sorted(app_rows, key=lambda r: -r["cumulative_s"])[:top]
    return {
        "total_self_s": total,
        "self_s_by_area": dict(sorted(by_area.items(), key=lambda kv: -kv[1])),
        "top_self": by_self,
        "top_app_cumulative": by_cumulative,
        "suspects": suspects,
    }


# --- where the script's time goes --------------------------------------------------------------

# The script thread's time, split by what it is spent on: each part is the time spent inside a
# group of functions (callees included), counted on cProfile's caller edges that come from the
# app's own code (or from Streamlit's wrapper of st.* calls), so that a group re-entered
# through a builtin (reduce, deepcopy...) is not counted twice.
SCRIPT_THREAD = ("streamlit/runtime/scriptrunner/script_runner.py", "_run_script_thread")
APP_CODE = (str(REPO_DIR / "lib") + "/", str(REPO_DIR / "pages") + "/", str(REPO_DIR / "app.py"))
ST_WRAPPER = ("/streamlit/runtime/metrics_util.py",)
SCRIPT_PARTS = {
    # Streamlit turning what the page draws into messages: figures to JSON, tables to Arrow,
    # elements to protobuf (st.plotly_chart, st.dataframe, st.metric...).
    "Streamlit elements": (
        ("/streamlit/elements/", "/streamlit/dataframe_util.py", "/streamlit/delta_generator"),
        APP_CODE + ST_WRAPPER,
    ),
    "charts built": (  # lib/charts.py and the Plotly calls the app makes
        (str(REPO_DIR / "lib" / "charts.py"), "/plotly/", "/_plotly_utils/"),
        APP_CODE,
    ),
    "data read": (  # lib/warehouse/ and the public snapshot's reader
        (str(REPO_DIR / "lib" / "warehouse") + "/", str(REPO_DIR / "lib/public/snapshot.py")),
        APP_CODE,
    ),
}
SCRIPT_REST = "rest of the script"  # app code, pandas, Streamlit's runner and navigation


def _in(paths: tuple[str, ...]):
    return lambda function: any(path in function[0] for path in paths)


def entered_s(stats: pstats.Stats, group: tuple[str, ...], callers_from: tuple[str, ...]) -> float:
    """Seconds spent in the functions of ``group`` (files), counted where a caller of
    ``callers_from`` (and not of the group) calls them."""
    member, outside = _in(group), _in(callers_from)
    return sum(
        edge[3]
        for function, (_cc, _nc, _tt, _ct, callers) in stats.stats.items()
        if member(function)
        for caller, edge in callers.items()
        if outside(caller) and not member(caller)
    )


def cumulative_s(stats: pstats.Stats, path: str, name: str) -> float:
    """The cumulative seconds of one function, named by a part of its file and its name."""
    found = [v[3] for (f, _, n), v in stats.stats.items() if path in f and n == name]
    return max(found, default=0.0)


def script_shares(stats: pstats.Stats) -> dict[str, float]:
    """How the script thread's time divides between ``SCRIPT_PARTS`` and the rest (shares that
    add up to 1), from a profile of a server answering sessions."""
    script = cumulative_s(stats, *SCRIPT_THREAD)
    if script <= 0:
        return {}
    parts = {name: entered_s(stats, *spec) for name, spec in SCRIPT_PARTS.items()}
    parts[SCRIPT_REST] = max(0.0, script - sum(parts.values()))
    return {name: value / script for name, value in parts.items()}


# --- AppTest runs under the profiler ----------------------------------------------------------


def profile_apptest(pages: list[str], warm: int) -> dict:
    from bench.workers.apptest import clear_app_caches, new_app

    new_app("overview").run()  # imports done before profiling: they are not a per-run cost
    result = {}
    for page in pages:
        entry = {}
        clear_app_caches()
        at = new_app(page)
        with ThreadProfiler() as cold:
            started = time.perf_counter()
            at.run()
            entry["cold_wall_s"] = time.perf_counter() - started
        entry["cold"] = summarize(cold.stats)
        with ThreadProfiler() as hot:
            started = time.perf_counter()
            for _ in range(warm):
                at.run()
            entry["warm_wall_s_per_run"] = (time.perf_counter() - started) / warm
        entry["warm"] = summarize(hot.stats)
        entry["warm"]["runs"] = warm
        result[page] = entry
    return result


# --- a server under the profiler --------------------------------------------------------------


def serve_profiled(stats_path: Path, streamlit_args: list[str]) -> None:
    """Run ``streamlit <args>`` in this process, profiled; write the stats when it exits."""
    profiler = ThreadProfiler().start()

    def dump() -> None:
        stats = profiler.stop()
        if stats is not None:
            stats.dump_stats(str(stats_path))

    atexit.register(dump)
    # SIGUSR1: start afresh (sent once the server is warm, so that startup is not counted).
    signal.signal(signal.SIGUSR1, lambda *_: profiler.clear())
    from streamlit.web import cli

    sys.argv = ["streamlit", *streamlit_args]
    with contextlib.suppress(SystemExit):
        cli.main()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.workers.profile",
        description="cProfile, in every thread, of AppTest runs or of a Streamlit server.",
    )
    sub = parser.add_subparsers(dest="mode", required=True)
    apptest = sub.add_parser("apptest")
    apptest.add_argument("--pages", required=True)
    apptest.add_argument("--warm", type=int, default=5)
    apptest.add_argument("--out", type=Path, required=True)
    server = sub.add_parser("server")
    server.add_argument("--stats", type=Path, required=True)
    server.add_argument("streamlit_args", nargs=argparse.REMAINDER)
    args = parser.parse_args(argv)
    if args.mode == "apptest":
        write_json(args.out, profile_apptest(args.pages.split(","), max(1, args.warm)))
    else:
        serve_profiled(args.stats, [a for a in args.streamlit_args if a != "--"])
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
