"""The serve part (``serve`` on the command line): ``python -m lib serve --workers 2`` (what ``make
serve WORKERS=2`` runs: nginx in front of two Streamlit workers) on the largest warehouse. It
measures waves of 50 and 100 simultaneous sessions of the public page and of the overview through
nginx, each light client fetching the page's HTML first and keeping the route cookie for its
websocket, as a browser does (``bench.sessions.page_load``); a wave of 50 in which one worker is
SIGKILLed halfway, every client whose connection drops reconnecting once (``bench.cluster``);
and where one session's server CPU goes: the event loop (main thread) against the script run
(the threads the session starts), read from /proc on a one-process server, the script's share
then split by a profile (charts built, Streamlit's elements, data read, the rest). Its targets
and its section of RESULTS.md, beside the one-process figures of the concurrency part. Not
pure: it starts servers; the targets and the Markdown are pure.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import pstats
import time
from pathlib import Path

from bench import sessions
from bench.cluster import Cluster, kill_wave
from bench.common import (
    Context,
    cpu_seconds,
    ints,
    load_average,
    page_files,
    target,
    thread_cpu_seconds,
)
from bench.markdown import sec, table, wave_cells
from bench.workers.profile import script_shares

NAME = KEY = "serve"
SCALES = "top"
TARGET_SESSIONS = 50
TARGET_P95_S = 3.0
PAGES = ("public", "overview")
WARM_LOADS_PER_WORKER = 3  # random routes: every worker has run the page before a wave


def options(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("serve")
    group.add_argument(
        "--serve-workers", type=int, default=2, help="workers of python -m lib serve (default 2)"
    )
    group.add_argument("--serve-sessions", help="sessions per wave through nginx (default 50,100)")
    group.add_argument(
        "--serve-kill-sessions",
        type=int,
        help="sessions of the wave in which a worker is killed halfway (default 50; 0: none)",
    )
    group.add_argument(
        "--serve-cpu-sessions",
        type=int,
        help="one-at-a-time sessions per page whose CPU is attributed (default 4; 0: none)",
    )


def settle(args: argparse.Namespace) -> None:
    quick = args.quick
    default = [2] if quick else [50, 100]
    args.serve_session_list = ints(args.serve_sessions) if args.serve_sessions else default
    if args.serve_kill_sessions is None:
        args.serve_kill_sessions = 4 if quick else 50
    if args.serve_cpu_sessions is None:
        args.serve_cpu_sessions = 2 if quick else 4


# --- measuring -------------------------------------------------------------------------------


async def page_targets(port: int, pages: list[str]) -> dict[str, tuple[str, str]]:
    """Each page's (page_script_hash, url path), read from a first session's navigation."""
    first = await sessions.open_session(port, "", "", "", sessions.SESSION_TIMEOUT_S)
    navigation = first.get("navigation", {})
    found = {}
    for page in pages:
        url_path = "" if page == "overview" and "" in navigation else page
        if url_path in navigation:
            found[page] = (navigation[url_path], url_path)
    return found


def machine_busy_s() -> float:
    """CPU seconds every core of the machine has spent busy since boot (/proc/stat)."""
    fields = [int(value) for value in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = fields[3] + (fields[4] if len(fields) > 4 else 0)  # idle and waiting for the disk
    return (sum(fields[:8]) - idle) / os.sysconf("SC_CLK_TCK")


class OthersCpu:
    """How many cores other work (everything but the cluster and this client process) kept busy
    meanwhile: what makes a wave slower than on a quiet machine. Used as ``with``."""

    def __init__(self, cluster: Cluster) -> None:
        self.cluster = cluster

    def _ours(self) -> float:
        supervisor = self.cluster.process.pid if self.cluster.process else "self"
        own = [cpu_seconds("self"), cpu_seconds(supervisor)]
        return self.cluster.cpu_s() + self.cluster.nginx_cpu_s() + sum(c or 0.0 for c in own)

    def __enter__(self) -> OthersCpu:
        self.started, self.busy, self.ours = time.perf_counter(), machine_busy_s(), self._ours()
        return self

    def __exit__(self, *exc) -> None:
        wall = time.perf_counter() - self.started
        others = max(0.0, machine_busy_s() - self.busy - (self._ours() - self.ours))
        self.cores = min(others / wall, os.cpu_count() or 1) if wall > 0 else 0.0
        self.load_average = load_average()


async def _page_waves(cluster: Cluster, target_: tuple[str, str], sizes: list[int], log) -> dict:
    page_hash, url_path = target_
    timeout = sessions.SESSION_TIMEOUT_S
    warm = [
        await sessions.page_load(cluster.port, page_hash, url_path, "", timeout)
        for _ in range(WARM_LOADS_PER_WORKER * cluster.workers)
    ]
    entry: dict = {
        "url_path": url_path,
        "warmup_problems": sorted({p for w in warm for p in w["problems"]}),
        "waves": {},
    }
    for size in sizes:
        log(f"    {url_path or 'overview'}: {size} simultaneous sessions through nginx")
        nginx_before, workers_before = cluster.nginx_cpu_s(), cluster.worker_cpu_s()
        with OthersCpu(cluster) as others:
            measured = await sessions.wave(cluster, size, page_hash, url_path, "", sticky=True)
        measured["others_cores"] = others.cores
        measured["load_average"] = others.load_average
        measured["nginx_cpu_per_session_s"] = (cluster.nginx_cpu_s() - nginx_before) / size
        measured["worker_cpu_s"] = [
            after - before
            for before, after in zip(workers_before, cluster.worker_cpu_s(), strict=False)
        ]
        entry["waves"][str(size)] = measured
    return entry


async def _cluster_run(cluster: Cluster, pages: list[str], args, log) -> dict:
    found = await page_targets(cluster.port, pages)
    result: dict = {"pages": {}}
    for page in pages:
        if page not in found:
            result["pages"][page] = {"skipped": f"no page {page!r} in the navigation"}
            continue
        sizes = args.serve_session_list
        result["pages"][page] = await _page_waves(cluster, found[page], sizes, log)
    killed_page = next((page for page in pages if page in found), None)
    if args.serve_kill_sessions and killed_page:
        log(f"    {killed_page}: {args.serve_kill_sessions} sessions, worker 1 killed halfway")
        killed = await kill_wave(cluster, args.serve_kill_sessions, found[killed_page])
        # No "others' cores" here: the killed worker's CPU goes with it.
        result["kill"] = killed | {"page": killed_page, "load_average": load_average()}
    return result


async def _thread_split(server: sessions.Server, page: str, count: int) -> dict:
    """CPU per session of one page on one process, one session at a time: the main thread (the
    event loop: websocket, messages serialised and sent), the threads started meanwhile (the
    script runs) and the threads that lived throughout (watchers, executors)."""
    page_hash, url_path = (await page_targets(server.port, [page]))[page]
    timeout = sessions.SESSION_TIMEOUT_S
    for _ in range(2):  # caches warm, as the waves find them
        await sessions.open_session(server.port, page_hash, url_path, "", timeout)
    total_before, threads_before = cpu_seconds(server.pid), thread_cpu_seconds(server.pid)
    for _ in range(count):
        await sessions.open_session(server.port, page_hash, url_path, "", timeout)
    await asyncio.sleep(0.5)  # the last script thread and the session's clean-up are done
    total, threads = cpu_seconds(server.pid) - total_before, thread_cpu_seconds(server.pid)
    main = threads.get(server.pid, 0.0) - threads_before.get(server.pid, 0.0)
    kept = sum(
        threads[tid] - before
        for tid, before in threads_before.items()
        if tid in threads and tid != server.pid
    )
    return {
        "sessions": count,
        "cpu_per_session_s": total / count,
        "event_loop_s": main / count,
        "script_s": (total - main - kept) / count,
        "other_threads_s": kept / count,
    }


def session_cpu(data_dir: Path, work: Path, page: str, count: int, log) -> dict:
    """Where one session's server CPU goes: threads from /proc on a plain server, then the
    script's share split by a profile of another server answering the same sessions."""
    log(f"  {page}: CPU of {count} sessions, one at a time, on one process")
    with sessions.Server(data_dir, work / f"cpu-{page}.log") as server:
        server.start()
        split = asyncio.run(_thread_split(server, page, count))
    stats_path = work / f"{page}.prof"
    sessions.measure(
        data_dir,
        work / f"profile-{page}",
        [],
        [page],
        log=log,
        profile_stats=stats_path,
        sequential={page: count},
    )
    return split | {"script_shares": script_shares(pstats.Stats(str(stats_path)))}


def measure(data_dir: Path, work: Path, args: argparse.Namespace, log) -> dict:
    pages = [page for page in PAGES if page in page_files()]
    result: dict = {
        "workers": args.serve_workers,
        "pages_requested": pages,
        "sessions": args.serve_session_list,
    }
    log(f"  python -m lib serve --workers {args.serve_workers}")
    with Cluster(data_dir, work / "supervisor.log", args.serve_workers) as cluster:
        result["start_s"] = cluster.start()
        result |= asyncio.run(_cluster_run(cluster, pages, args, log))
        result["worker_tracebacks"] = cluster.tracebacks()
        result["restarts"] = {w["name"]: w["restarts"] for w in cluster.status()["workers"]}
    if args.serve_cpu_sessions:
        result["cpu"] = {
            page: session_cpu(data_dir, work, page, args.serve_cpu_sessions, log) for page in pages
        }
    return result


def run(context: Context) -> None:
    work = context.scratch("serve")
    measured = measure(context.warehouses[context.top], work, context.args, context.log)
    context.result[KEY] = {"scale": str(context.top)} | measured


# --- the targets -----------------------------------------------------------------------------


def _wave(result: dict, page: str, size: int) -> dict | None:
    return result.get(KEY, {}).get("pages", {}).get(page, {}).get("waves", {}).get(str(size))


def _one_process(result: dict, page: str, size: int) -> dict | None:
    """The same wave against one `streamlit run` (the concurrency part), when measured."""
    pages = result.get("concurrency", {}).get("default", {}).get("pages", {})
    return pages.get(page, {}).get("waves", {}).get(str(size))


def _described(wave: dict | None) -> str:
    if not wave or wave.get("p95_s") is None:
        return "not measured" if not wave else f"failed ({wave['errors']} errors)"
    return f"{wave['errors']} errors, p95 {wave['p95_s']:.1f} s"


def _page_target(result: dict, page: str) -> dict:
    wave = _wave(result, page, TARGET_SESSIONS)
    passed = None
    if wave:
        passed = wave["errors"] == 0 and (wave["p95_s"] or 1e9) < TARGET_P95_S
    notes = [
        f"{size} sessions: {_described(_wave(result, page, size))}"
        for size in result[KEY].get("sessions", [])
        if size != TARGET_SESSIONS
    ]
    one = _one_process(result, page, TARGET_SESSIONS)
    if one:
        notes.append(f"one process (concurrency part): {_described(one)}")
    workers = result[KEY].get("workers")
    return target(
        f"serve_{page}",
        f"{TARGET_SESSIONS} simultaneous sessions of the {page} page, "
        f"`make serve WORKERS={workers}` (through nginx)",
        f"0 errors, p95 < {TARGET_P95_S:.0f} s",
        _described(wave),
        passed,
        "; ".join(notes),
        result[KEY].get("scale"),
    )


def _kill_target(result: dict) -> dict:
    kill = result[KEY]["kill"]
    failed = kill["failed_after_reconnect"] + kill["failed_without_drop"]
    back = kill.get("worker_back_after_s")
    detail = (
        f"{kill['dropped']} of {kill['sessions']} connections dropped and reconnected "
        f"(reload p95 {sec(kill.get('reload_p95_s'))} s); the supervisor had the worker back "
        + (f"after {back:.1f} s" if back is not None else "NOT within 60 s")
    )
    return target(
        "serve_kill",
        f"one worker SIGKILLed halfway through {kill['sessions']} simultaneous sessions of the "
        f"{kill['page']} page",
        "0 failed page loads after a reconnect",
        f"{failed} failed",
        failed == 0 and back is not None,
        detail,
        result[KEY].get("scale"),
    )


def targets(result: dict) -> list[dict]:
    serve = result.get(KEY)
    if not serve:
        return []
    rows = [_page_target(result, page) for page in serve.get("pages_requested", [])]
    if serve.get("kill"):
        rows.append(_kill_target(result))
    return rows


# --- RESULTS.md ------------------------------------------------------------------------------

WAVE_HEADER = ["Page", "Sessions", "OK", "Errors", "p50 s", "p95 s", "max s"]
WAVE_HEADER += ["One process p95 s", "Workers' CPU s/session", "CPU s per worker"]
WAVE_HEADER += ["nginx CPU ms/session", "Workers' RSS MB", "Others' cores", "Load (1 min)"]
BUSY_CORES = 0.25  # other work that kept a quarter of a core busy makes the machine "busy"


def _wave_rows(result: dict) -> list[list]:
    rows = []
    for page, entry in result[KEY].get("pages", {}).items():
        if "skipped" in entry:
            rows.append([page, entry["skipped"], *[""] * (len(WAVE_HEADER) - 2)])
            continue
        for size, w in entry["waves"].items():
            one = _one_process(result, page, int(size)) or {}
            rss = w["server_rss_mb"]
            rows.append(
                [
                    page,
                    size,
                    *wave_cells(w),
                    sec(one.get("p95_s")),
                    sec(w["server_cpu_per_session_s"]),
                    " / ".join(f"{cpu:.1f}" for cpu in w.get("worker_cpu_s", [])),
                    f"{w.get('nginx_cpu_per_session_s', 0) * 1000:.1f}",
                    f"{rss['before']:.0f} → {rss['peak']:.0f}",
                    _cores(w.get("others_cores")),
                    _load(w.get("load_average")),
                ]
            )
    return rows


def _cores(value: float | None) -> str:
    return "" if value is None else f"{value:.2f}"


def _load(value: list | None) -> str:
    return "" if not value else f"{value[0]:.1f}"


def _busy_lines(serve: dict, cores: int | None) -> list[str]:
    """Say so when other work shared the CPU during the waves: their times are then longer
    than on a quiet machine, and how to measure them again."""
    waves = [w for e in serve.get("pages", {}).values() for w in e.get("waves", {}).values()]
    others = [w["others_cores"] for w in waves if w.get("others_cores") is not None]
    loads = [w["load_average"][0] for w in waves if w.get("load_average")]
    if not others or max(others) < BUSY_CORES:
        return []
    return [
        f"**The machine was busy.** Other work kept up to {max(others):.1f} of its "
        f"{cores or '?'} cores busy during these waves (*Others' cores*: the machine's busy "
        "CPU time from /proc/stat, less the workers', nginx's, the supervisor's and the "
        f"clients', per second of the wave; 1-minute load average up to {max(loads):.1f}), so "
        "the times above are longer than on a quiet machine. Measure again on a quiet one: "
        "`python -m bench --only concurrency,serve --merge`.",
        "",
    ]


def _kill_lines(kill: dict | None) -> list[str]:
    if not kill:
        return []
    back = kill.get("worker_back_after_s")
    problems = "; ".join(kill.get("problems", [])) or "none"
    return [
        f"**A worker killed under load.** {kill['sessions']} simultaneous sessions of the "
        f"{kill['page']} page; when {kill['finished_before_kill']} had their page, "
        f"{kill['killed']['name']} (port {kill['killed']['port']}) was SIGKILLed "
        f"({kill['killed_after_s']:.1f} s into the wave). {kill['ok_first_attempt']} of the "
        f"sessions never noticed; {kill['dropped']} lost their connection "
        f"({kill['dropped_while_loading']} while loading, {kill['dropped_while_open']} with "
        "their page open), reconnected once "
        f"with their route cookie and loaded the page again (p50 {sec(kill['reload_p50_s'])} s, "
        f"p95 {sec(kill['reload_p95_s'])} s): **{kill['failed_after_reconnect']} failed after "
        f"the reconnect**, {kill['failed_without_drop']} failed otherwise (problems: "
        f"{problems}). The supervisor had the worker back, healthy, "
        + (f"{back:.1f} s after the kill" if back is not None else "not within 60 s")
        + (f" (load average {_load(kill['load_average'])})." if kill.get("load_average") else "."),
        "",
    ]


def _cpu_rows(cpu: dict) -> tuple[list[str], list[list]]:
    parts = []
    for entry in cpu.values():
        parts += [name for name in entry.get("script_shares", {}) if name not in parts]
    header = ["Page", "CPU s/session", "event loop", *(f"script: {p}" for p in parts)]
    header.append("other threads")
    rows = [
        [
            page,
            sec(entry["cpu_per_session_s"]),
            sec(entry["event_loop_s"]),
            *(sec(entry["script_s"] * entry["script_shares"].get(p, 0.0)) for p in parts),
            sec(entry["other_threads_s"]),
        ]
        for page, entry in cpu.items()
    ]
    return header, rows


def _cpu_lines(cpu: dict | None) -> list[str]:
    if not cpu:
        return []
    header, rows = _cpu_rows(cpu)
    heaviest = []
    for page, entry in cpu.items():
        shares = entry.get("script_shares") or {"?": 0.0}
        name, share = max(shares.items(), key=lambda kv: kv[1])
        heaviest.append(f"{page}: {name} ({share:.0%} of its script run)")
    return [
        "**Where a session's server CPU goes** (seconds per session, one session at a time on "
        "one process, caches warm). *Event loop*: the main thread (websocket, messages "
        "serialised and sent); *script*: the threads the session started (its script run); "
        "both read from /proc. The script's time is split in the proportions a cProfile of "
        "another server answering the same sessions gives, as the time inside each group of "
        "functions entered from the app's code (the profiler inflates absolute times, not the "
        "shares): *Streamlit elements* = st.plotly_chart, st.dataframe, st.metric... turning "
        "figures into JSON, tables into Arrow and everything into protobuf; *charts built* = "
        "lib/charts.py and Plotly; *data read* = lib/warehouse and the public snapshot; *rest "
        "of the script* = app code, pandas, Streamlit's runner and navigation.",
        "",
        *table(header, rows),
        "The largest part of each page's script run: " + "; ".join(heaviest) + ".",
        "",
    ]


def section(result: dict) -> list[str]:
    serve = result.get(KEY)
    if not serve:
        return []
    workers = serve.get("workers")
    out = [
        f"## Several processes behind nginx (scale {serve.get('scale')})",
        "",
        f"`python -m lib serve --workers {workers}` (`make serve WORKERS={workers}`): nginx on "
        f"127.0.0.1 in front of {workers} `streamlit run app.py` workers: a new client goes "
        "to each worker in turn and the `idmaj_route` cookie keeps it there. Each light client "
        "first fetches the page's HTML (nginx sets the route cookie), then opens the websocket "
        "with that cookie and runs the page, as in the concurrency part; time = websocket "
        "opened to script finished. Supervisor and workers "
        f"ready in {sec(serve.get('start_s'))} s; tracebacks in the workers' logs: "
        f"{serve.get('worker_tracebacks')}. *One process p95* is the same wave against one "
        "`streamlit run` (concurrency part above). *Others' cores*: how many cores other work "
        "kept busy during the wave (the machine's busy time from /proc/stat less the "
        "cluster's and the clients'); *Load*: the 1-minute load average after it.",
        "",
        *table(WAVE_HEADER, _wave_rows(result)),
    ]
    out += _busy_lines(serve, result.get("machine", {}).get("cpu_count"))
    return out + _kill_lines(serve.get("kill")) + _cpu_lines(serve.get("cpu"))
