"""The parts of the benchmark: each runs its measurements in child processes, returns a dict."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

from bench import concurrency, frames, startup
from bench.common import REPO_DIR, SCENARIOS, page_files, run_child

# Streamlit settings the findings suggest for production (.streamlit/config.toml); the
# concurrency part measures the server with them too, passed on the command line only.
TUNED_OPTIONS = {"server.fileWatcherType": "none", "runner.postScriptGC": "false"}
PANDAS_KEYS = (
    "load_s",
    "load_seconds_by_table",
    "frames_mb",
    "rows",
    "rss",
    "cache_data_copy_s",
    "cache_data_bytes_mb",
    "process_wall_s",
)


def capture_plan(data_dir: Path, work: Path, views: list[str]) -> dict:
    """The named queries each page sends to lib.warehouse.db, per filter scenario (bench.plan)."""
    return run_child("bench.plan", ["--views", ",".join(views)], work / "plan.json", data_dir)


def _scenario_tag(uses: list[tuple[str, str]], views: int) -> str:
    scenarios = sorted({scenario for _page, scenario in uses}, key=list(SCENARIOS).index)
    return "all views" if len(scenarios) == views > 1 else "+".join(scenarios)


def queries(data_dir: Path, plan: dict, work: Path, repeats: int, pandas_repeats: int) -> dict:
    """Both query paths on one warehouse, each in its own process; timings, memory, agreement."""
    from bench.query_worker import call_key

    plan_path = work / "plan.json"
    plan_path.write_text(json.dumps(plan), encoding="utf-8")
    duck = run_child(
        "bench.query_worker",
        ["--engine", "duckdb", "--plan", str(plan_path), "--repeats", str(repeats)],
        work / "duckdb.json",
        data_dir,
    )
    pand = run_child(
        "bench.query_worker",
        ["--engine", "pandas", "--plan", str(plan_path), "--repeats", str(pandas_repeats)],
        work / "pandas.json",
        data_dir,
    )
    views = len({s for entry in plan["pages"].values() for s in entry["scenarios"]})
    uses: dict[str, list[tuple[str, str]]] = {}
    for page, entry in plan["pages"].items():
        for scenario, detail in entry["scenarios"].items():
            for call in detail["calls"]:
                uses.setdefault(call_key(call), []).append((page, scenario))

    calls: dict[str, dict] = {}
    labels: dict[str, str] = {}
    for key, measured in duck["calls"].items():
        scalars = [f"{k}={v}" for k, v in measured["params"].items() if isinstance(v, str)]
        named = f"{measured['name']}({', '.join(scalars)})" if scalars else measured["name"]
        label = f"{named} [{_scenario_tag(uses.get(key, []), views)}]"
        if measured["db"] != "warehouse":
            label = f"{measured['db']}:{label}"
        while label in calls:
            label += "'"
        labels[key] = label
        other = pand["calls"].get(key)
        entry = {
            "db": measured["db"],
            "name": measured["name"],
            "params": measured["params"],
            "used_by": sorted({page for page, _ in uses.get(key, [])}),
            "duckdb": measured["timing"],
            "duckdb_first_s": measured["first_s"],
            "rows": len(measured["result"]["rows"]),
            "numeric_total": frames.numeric_total(measured["result"]),
        }
        if other is None:
            entry["pandas"] = None
            entry["agree"] = None
        else:
            agreement = frames.compare(measured["result"], other["result"])
            entry["pandas"] = other["timing"]
            entry["pandas_first_s"] = other["first_s"]
            entry["pandas_numeric_total"] = frames.numeric_total(other["result"])
            entry["agree"] = agreement["agree"]
            if not agreement["agree"]:
                entry["problem"] = agreement["problem"]
            entry["speedup"] = other["timing"]["median_s"] / measured["timing"]["median_s"]
        calls[label] = entry

    all_pages = set(plan["pages"])
    shared = {key for key, used in uses.items() if {page for page, _ in used} == all_pages}
    pages: dict[str, dict] = {}
    for page, entry in plan["pages"].items():
        pages[page] = {}
        for scenario, detail in entry["scenarios"].items():
            keys = [call_key(c) for c in detail["calls"]]
            rows = [calls[labels[k]] for k in keys if k in labels]
            duck_s = sum(r["duckdb"]["median_s"] for r in rows)
            compared = [r for r in rows if r["pandas"] is not None]
            page_entry = {
                "queries": len(rows),
                "duckdb_s": duck_s,
                "compared_queries": len(compared),
            }
            if compared:
                duck_compared = sum(r["duckdb"]["median_s"] for r in compared)
                pandas_s = sum(r["pandas"]["median_s"] for r in compared)
                page_entry["duckdb_compared_s"] = duck_compared
                page_entry["pandas_s"] = pandas_s
                page_entry["speedup"] = pandas_s / duck_compared
            # Judge a page on its own queries, not on the router's (sent by every page): a page
            # whose own queries mostly have no record-level equivalent (the public page reads
            # the published snapshot) would be compared on the router's query alone.
            own = [k for k in keys if k in labels and k not in shared]
            own_compared = [k for k in own if calls[labels[k]]["pandas"] is not None]
            page_entry["mostly_compared"] = 2 * len(own_compared) >= len(own) > 0
            pages[page][scenario] = page_entry

    compared = [c for c in calls.values() if c["agree"] is not None]
    duck_peak = duck["rss"]["peak_mb"]
    pandas_peak = pand["rss"]["peak_mb"]
    return {
        "calls": calls,
        "pages": pages,
        "agreement": {
            "compared": len(compared),
            "agree": sum(bool(c["agree"]) for c in compared),
            "all_agree": bool(compared) and all(c["agree"] for c in compared),
            "not_compared": sorted({c["name"] for c in calls.values() if c["agree"] is None}),
        },
        "duckdb": {
            "connect_s": duck["connect_s"],
            "rss": duck["rss"],
            "process_wall_s": duck["process_wall_s"],
            "repeats": repeats,
        },
        "pandas": {key: pand[key] for key in PANDAS_KEYS if key in pand}
        | {"repeats": pandas_repeats},
        "memory_ratio_pandas_over_duckdb": pandas_peak / duck_peak if duck_peak else None,
        "slowest_duckdb_median_s": max(c["duckdb"]["median_s"] for c in calls.values()),
        "min_page_speedup": min(
            (
                s["speedup"]
                for p in pages.values()
                for s in p.values()
                if "speedup" in s and s["mostly_compared"]
            ),
            default=None,
        ),
        "pages_mostly_not_compared": sorted(
            {page for page, p in pages.items() for s in p.values() if not s["mostly_compared"]}
        ),
        "total_speedup": (
            sum(c["pandas"]["median_s"] for c in compared)
            / sum(c["duckdb"]["median_s"] for c in compared)
            if compared
            else None
        ),
    }


def apptest(data_dir: Path, work: Path, cold: int, warm: int) -> dict:
    return run_child(
        "bench.apptest_worker",
        ["--cold", str(cold), "--warm", str(warm)],
        work / "apptest.json",
        data_dir,
    )


def startup_part(repeats: int) -> dict:
    return startup.measure(repeats)


def project_has(options: dict[str, str]) -> bool:
    """Does .streamlit/config.toml already set every one of these options?"""
    import tomllib

    path = REPO_DIR / ".streamlit" / "config.toml"
    try:
        config = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    for key, value in options.items():
        section, name = key.split(".", 1)
        if str(config.get(section, {}).get(name, "")).lower() != value.lower():
            return False
    return True


def concurrency_part(
    data_dir: Path,
    sessions: list[int],
    tuned_sessions: list[int],
    sequential: int,
    log,
    public_sessions: list[int] | None = None,
    processes: int = 2,
) -> dict:
    pages = ["overview"] + (["public"] if "public" in page_files() else [])
    result: dict = {
        "pages_requested": pages,
        "public_page": "public" in page_files(),
        "sessions": sessions,
    }
    with tempfile.TemporaryDirectory(prefix="idmaj-bench-server-") as folder:
        log("  server with the project's configuration")
        one_by_one = {page: sequential for page in pages}
        result["default"] = concurrency.measure(
            data_dir, Path(folder) / "a", sessions, pages, log=log, sequential=one_by_one
        )
        if tuned_sessions and project_has(TUNED_OPTIONS):
            result["tuned_skipped"] = "the project's .streamlit/config.toml already sets them"
        elif tuned_sessions:
            log(f"  server with {TUNED_OPTIONS}")
            tuned = concurrency.measure(
                data_dir,
                Path(folder) / "b",
                tuned_sessions,
                pages,
                log=log,
                options=TUNED_OPTIONS,
                sequential={},
            )
            result["tuned"] = {"options": TUNED_OPTIONS, **tuned}
        if public_sessions and "public" in pages:
            result["public_processes"] = {}
            for count in sorted({1, processes}):
                log(f"  the public page from {count} public-only process(es)")
                result["public_processes"][str(count)] = concurrency.public_processes(
                    data_dir, Path(folder) / f"c{count}", count, public_sessions, log=log
                )
    site = data_dir / "public" / "site"
    if (site / "index.html").exists():
        log("  the static public site (data/public/site), served as plain files")
        result["static_site"] = concurrency.static_site(site, sessions, log=log)
    return result


def profile_part(data_dir: Path, work: Path, pages: list[str], server_sessions: int, log) -> dict:
    """cProfile of AppTest runs of ``pages``, and of a server under a wave of public sessions."""
    import pstats

    from bench import profiling

    result: dict = {}
    if pages:
        result["apptest"] = run_child(
            "bench.profiling",
            ["apptest", "--pages", ",".join(pages), "--warm", "3"],
            work / "profile_apptest.json",
            data_dir,
        )
        result["apptest"].pop("process_wall_s", None)
    if server_sessions:
        page = "public" if "public" in page_files() else "overview"
        stats_path = work / "server.prof"
        log(f"  profiled server: {server_sessions} sequential sessions of {page}")
        measured = concurrency.measure(
            data_dir,
            work / "server",
            [],
            [page],
            log=log,
            profile_stats=stats_path,
            sequential={page: server_sessions},
        )
        summary_ = profiling.summarize(pstats.Stats(str(stats_path)))
        result["server"] = {
            "page": page,
            "sessions": server_sessions,
            "cpu_per_session_s": measured["pages"][page].get("sequential", {}).get("cpu_per_run_s"),
            "note": "profiled process: times include cProfile's overhead",
            **summary_,
        }
    return result
