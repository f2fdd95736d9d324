"""The queries part: every named query the pages send (captured from AppTest runs of each page in
its filter views by ``bench.workers.plan``), timed without the result cache on the app's DuckDB
path and computed again the pandas way (``bench.workers.query``, one process per path, so that
each path's peak memory is its own), with a cell-by-cell check that both give the same numbers;
its targets (slowest query, speedup per page view, memory, agreement) and its section of
RESULTS.md. Not pure: it starts the workers; the summaries and the Markdown are pure.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from bench import frames
from bench.common import SCENARIOS, Context, run_child, target, top_scale
from bench.markdown import ms, table, times
from bench.workers.query import call_key

NAME = KEY = "queries"
SCALES = "all"
TARGET_QUERY_S = 0.100
TARGET_SPEEDUP = 5.0
TARGET_MEMORY_RATIO = 3.0
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
VIEW_DESCRIPTIONS = {
    "default": "default",
    "one_region": "one region (?region=6)",
    "sector_sex": "one sector + sex (?sector=agriculture&sex=F)",
}


def capture_plan(data_dir: Path, work: Path, views: list[str]) -> dict:
    """The named queries each page sends to lib.warehouse.db, per filter scenario."""
    args = ["--views", ",".join(views)]
    return run_child("bench.workers.plan", args, work / "plan.json", data_dir)


def compact_plan(plan: dict) -> dict:
    """The plan as the result keeps it: per page and view, the queries' names only."""
    return {
        page: {
            "file": entry["file"],
            "static_calls": plan.get("static_calls", {}).get(page, []),
            "views": {
                scenario: {
                    "query_params": detail["query_params"],
                    "queries": [f"{c['db']}:{c['name']}" for c in detail["calls"]],
                    "exceptions": detail["exceptions"],
                }
                for scenario, detail in entry["scenarios"].items()
            },
        }
        for page, entry in plan["pages"].items()
    }


def _scenario_tag(uses: list[tuple[str, str]], views: int) -> str:
    scenarios = sorted({scenario for _page, scenario in uses}, key=list(SCENARIOS).index)
    return "all views" if len(scenarios) == views > 1 else "+".join(scenarios)


def _uses(plan: dict) -> dict[str, list[tuple[str, str]]]:
    """call key -> the (page, view) pairs that send it."""
    uses: dict[str, list[tuple[str, str]]] = {}
    for page, entry in plan["pages"].items():
        for scenario, detail in entry["scenarios"].items():
            for call in detail["calls"]:
                uses.setdefault(call_key(call), []).append((page, scenario))
    return uses


def _label(measured: dict, uses: list[tuple[str, str]], views: int, taken: dict) -> str:
    """``name(scalar params) [views]``, prefixed by its database when not the warehouse."""
    scalars = [f"{k}={v}" for k, v in measured["params"].items() if isinstance(v, str)]
    named = f"{measured['name']}({', '.join(scalars)})" if scalars else measured["name"]
    label = f"{named} [{_scenario_tag(uses, views)}]"
    if measured["db"] != "warehouse":
        label = f"{measured['db']}:{label}"
    while label in taken:
        label += "'"
    return label


def _call_entry(measured: dict, other: dict | None, used_by: list[str]) -> dict:
    """One query on both paths: timings, the pandas way's result checked against DuckDB's."""
    entry = {
        "db": measured["db"],
        "name": measured["name"],
        "params": measured["params"],
        "used_by": used_by,
        "duckdb": measured["timing"],
        "duckdb_first_s": measured["first_s"],
        "rows": len(measured["result"]["rows"]),
        "numeric_total": frames.numeric_total(measured["result"]),
    }
    if other is None:
        return entry | {"pandas": None, "agree": None}
    agreement = frames.compare(measured["result"], other["result"])
    entry["pandas"] = other["timing"]
    entry["pandas_first_s"] = other["first_s"]
    entry["pandas_numeric_total"] = frames.numeric_total(other["result"])
    entry["agree"] = agreement["agree"]
    if not agreement["agree"]:
        entry["problem"] = agreement["problem"]
    entry["speedup"] = other["timing"]["median_s"] / measured["timing"]["median_s"]
    return entry


def _calls(duck: dict, pand: dict, plan: dict) -> tuple[dict[str, dict], dict[str, str]]:
    """label -> entry of every query, and call key -> label."""
    views = len({s for entry in plan["pages"].values() for s in entry["scenarios"]})
    uses = _uses(plan)
    calls: dict[str, dict] = {}
    labels: dict[str, str] = {}
    for key, measured in duck["calls"].items():
        label = _label(measured, uses.get(key, []), views, calls)
        labels[key] = label
        used_by = sorted({page for page, _ in uses.get(key, [])})
        calls[label] = _call_entry(measured, pand["calls"].get(key), used_by)
    return calls, labels


def _page_view(keys: list[str], calls: dict, labels: dict, shared: set[str]) -> dict:
    """One page in one view: the sums of its queries' medians on both paths."""
    rows = [calls[labels[k]] for k in keys if k in labels]
    compared = [r for r in rows if r["pandas"] is not None]
    entry = {
        "queries": len(rows),
        "duckdb_s": sum(r["duckdb"]["median_s"] for r in rows),
        "compared_queries": len(compared),
    }
    if compared:
        duck_compared = sum(r["duckdb"]["median_s"] for r in compared)
        pandas_s = sum(r["pandas"]["median_s"] for r in compared)
        entry["duckdb_compared_s"] = duck_compared
        entry["pandas_s"] = pandas_s
        entry["speedup"] = pandas_s / duck_compared
    # Judge a page on its own queries, not on the router's (sent by every page): a page whose
    # own queries mostly have no record-level equivalent (the public page reads the published
    # snapshot) would be compared on the router's query alone.
    own = [k for k in keys if k in labels and k not in shared]
    own_compared = [k for k in own if calls[labels[k]]["pandas"] is not None]
    entry["mostly_compared"] = 2 * len(own_compared) >= len(own) > 0
    return entry


def _pages(plan: dict, calls: dict, labels: dict) -> dict[str, dict]:
    all_pages = set(plan["pages"])
    uses = _uses(plan)
    shared = {key for key, used in uses.items() if {page for page, _ in used} == all_pages}
    return {
        page: {
            scenario: _page_view([call_key(c) for c in detail["calls"]], calls, labels, shared)
            for scenario, detail in entry["scenarios"].items()
        }
        for page, entry in plan["pages"].items()
    }


def _overall(calls: dict, pages: dict) -> dict:
    """The figures the targets read: agreement, slowest query, speedups."""
    compared = [c for c in calls.values() if c["agree"] is not None]
    page_views = [s for p in pages.values() for s in p.values()]
    return {
        "agreement": {
            "compared": len(compared),
            "agree": sum(bool(c["agree"]) for c in compared),
            "all_agree": bool(compared) and all(c["agree"] for c in compared),
            "not_compared": sorted({c["name"] for c in calls.values() if c["agree"] is None}),
        },
        "slowest_duckdb_median_s": max(c["duckdb"]["median_s"] for c in calls.values()),
        "min_page_speedup": min(
            (s["speedup"] for s in page_views if "speedup" in s and s["mostly_compared"]),
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


def measure(data_dir: Path, plan: dict, work: Path, repeats: int, pandas_repeats: int) -> dict:
    """Both query paths on one warehouse, each in its own process; timings, memory, agreement."""
    plan_path = work / "plan.json"
    plan_path.write_text(json.dumps(plan), encoding="utf-8")
    plan_args = ["--plan", str(plan_path), "--repeats"]
    duck = run_child(
        "bench.workers.query",
        ["--engine", "duckdb", *plan_args, str(repeats)],
        work / "duckdb.json",
        data_dir,
    )
    pand = run_child(
        "bench.workers.query",
        ["--engine", "pandas", *plan_args, str(pandas_repeats)],
        work / "pandas.json",
        data_dir,
    )
    calls, labels = _calls(duck, pand, plan)
    pages = _pages(plan, calls, labels)
    overall = _overall(calls, pages)
    duck_peak = duck["rss"]["peak_mb"]
    pandas_peak = pand["rss"]["peak_mb"]
    return {
        "calls": calls,
        "pages": pages,
        "agreement": overall.pop("agreement"),
        "duckdb": {
            "connect_s": duck["connect_s"],
            "rss": duck["rss"],
            "process_wall_s": duck["process_wall_s"],
            "repeats": repeats,
        },
        "pandas": {key: pand[key] for key in PANDAS_KEYS if key in pand}
        | {"repeats": pandas_repeats},
        "memory_ratio_pandas_over_duckdb": pandas_peak / duck_peak if duck_peak else None,
        **overall,
    }


# --- the part --------------------------------------------------------------------------------


def options(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("queries")
    group.add_argument("--repeats", type=int, help="timed runs per query, DuckDB path")
    group.add_argument("--pandas-repeats", type=int, help="timed runs per query, pandas way")
    group.add_argument(
        "--views", help=f"filter views among {','.join(SCENARIOS)} (default all; quick: default)"
    )


def settle(args: argparse.Namespace) -> None:
    args.repeats = args.repeats or (3 if args.quick else 20)
    args.view_list = (
        args.views.split(",") if args.views else (["default"] if args.quick else list(SCENARIOS))
    )


def pandas_repeats(args: argparse.Namespace, scale: int) -> int:
    """Runs after the first (which counts): a pass over every query takes ~20 s at 10 M."""
    if args.pandas_repeats is not None:
        return args.pandas_repeats
    if args.quick:
        return 1
    return 3 if scale <= 100 else 1


def run(context: Context) -> None:
    args, result = context.args, context.result
    plan = capture_plan(context.warehouses[min(context.scales)], context.work, args.view_list)
    result["plan"] = compact_plan(plan)
    result[KEY] = {}
    for scale in context.scales:
        context.log(f"  queries at scale {scale}")
        result[KEY][str(scale)] = measure(
            context.warehouses[scale],
            plan,
            context.scratch(f"queries-{scale}"),
            args.repeats,
            pandas_repeats(args, scale),
        )


# --- targets ---------------------------------------------------------------------------------


def _excluded(queries: dict) -> str:
    pages = queries.get("pages_mostly_not_compared") or []
    if not pages:
        return ""
    return (
        f"; pages left out: {', '.join(pages)} (most of their own queries read tables with "
        "no record-level equivalent: the published snapshot, scenarios, imports)"
    )


def _speed_targets(queries: dict, top: str) -> list[dict]:
    slowest = max(queries["calls"].items(), key=lambda kv: kv[1]["duckdb"]["median_s"])
    per_query = [(k, c["speedup"]) for k, c in queries["calls"].items() if c.get("speedup")]
    worst_query = min(per_query, key=lambda kv: kv[1]) if per_query else ("-", None)
    min_page = queries["min_page_speedup"]
    return [
        target(
            "query_median",
            "every dashboard query, median with caches cleared",
            f"< {TARGET_QUERY_S * 1000:.0f} ms",
            f"{slowest[1]['duckdb']['median_s'] * 1000:.1f} ms (slowest)",
            slowest[1]["duckdb"]["median_s"] < TARGET_QUERY_S,
            f"slowest: {slowest[0]}",
            top,
        ),
        target(
            "speedup",
            "DuckDB path vs the pandas way, per page view (sum of its queries)",
            f">= {TARGET_SPEEDUP:.0f}x",
            f"{times(min_page)} (slowest page view)" if min_page else "n/a",
            bool(min_page and min_page >= TARGET_SPEEDUP),
            f"all queries together {times(queries['total_speedup'])}; lowest single query "
            f"{times(worst_query[1])} ({worst_query[0]}); pandas also needs "
            f"{queries['pandas']['load_s']:.1f} s to load the records once" + _excluded(queries),
            top,
        ),
    ]


def targets(result: dict) -> list[dict]:
    top = top_scale(result)
    queries = result.get(KEY, {}).get(top) if top else None
    if not queries:
        return []
    duck_mb = queries["duckdb"]["rss"]["peak_mb"]
    pandas_mb = queries["pandas"]["rss"]["peak_mb"]
    agreement = queries["agreement"]
    return [
        *_speed_targets(queries, top),
        target(
            "memory",
            "DuckDB path peak RSS at most a third of the pandas way's",
            f"<= {pandas_mb / TARGET_MEMORY_RATIO:.0f} MB (1/3 of {pandas_mb:.0f})",
            f"{duck_mb:.0f} MB ({times(pandas_mb / duck_mb)} less than {pandas_mb:.0f} MB)",
            duck_mb * TARGET_MEMORY_RATIO <= pandas_mb,
            "peak RSS (VmHWM) of each path's own process, Python and libraries included",
            top,
        ),
        target(
            "agreement",
            "both paths give the same numbers (check, not a speed target)",
            "all cells equal",
            f"{agreement['agree']}/{agreement['compared']} queries",
            agreement["all_agree"],
            "not compared (no record-level equivalent): "
            + (", ".join(agreement["not_compared"]) or "none"),
            top,
        ),
    ]


# --- RESULTS.md ------------------------------------------------------------------------------


def _intro(views: list[str]) -> list[str]:
    described = ", ".join(VIEW_DESCRIPTIONS.get(v, v) for v in views)
    return [
        "## Queries: the app's DuckDB path vs the pandas way",
        "",
        "*DuckDB*: each query the pages send (captured from real AppTest runs of every page in "
        f"these views: {described}), run with "
        "`Database.execute_uncached` (no result cache) on the pre-aggregated `agg_*` tables. "
        "*pandas*: the same KPIs computed the way a typical Streamlit dashboard does it: "
        "`SELECT * FROM beneficiary` (and placement, intervention, reference tables) into "
        "DataFrames once, then boolean masks and `groupby` on every rerun (frames kept in "
        "memory, as `st.cache_resource` would; the records' load time is shown apart). Each path "
        "runs in its own process; peak memory is that process's VmHWM. Both results are "
        "compared cell by cell.",
        "",
    ]


def _per_scale(queries: dict) -> list[str]:
    rows = [
        [
            scale,
            ms(q["slowest_duckdb_median_s"]),
            times(q["total_speedup"]),
            times(q["min_page_speedup"]),
            f"{q['pandas']['load_s']:.1f}",
            f"{q['duckdb']['rss']['peak_mb']:.0f}",
            f"{q['pandas']['rss']['peak_mb']:.0f}",
            times(q["memory_ratio_pandas_over_duckdb"]),
            f"{q['agreement']['agree']}/{q['agreement']['compared']}",
        ]
        for scale, q in sorted(queries.items(), key=lambda kv: int(kv[0]))
    ]
    header = ["Scale", "Slowest DuckDB median ms", "Speedup, all queries"]
    header += ["Speedup, slowest page view", "pandas load s", "DuckDB peak MB"]
    return table([*header, "pandas peak MB", "Memory ratio", "Same numbers"], rows)


def _cache_data_note(top: str, pandas: dict) -> list[str]:
    if "cache_data_copy_s" not in pandas:
        return []
    return [
        f"At scale {top} the pandas way holds {pandas['frames_mb']:,.0f} MB of DataFrames; "
        f"with `st.cache_data` instead of `st.cache_resource` every rerun would also unpickle "
        f"a {pandas['cache_data_bytes_mb']:,.0f} MB copy ({pandas['cache_data_copy_s']:.1f} s "
        f"measured; peak {pandas['rss'].get('peak_with_cache_data_copy_mb', 0):,.0f} MB).",
        "",
    ]


def _per_page(top: str, q: dict) -> list[str]:
    rows = [
        [
            page,
            scenario,
            s["queries"],
            ms(s["duckdb_s"]),
            ms(s.get("pandas_s")),
            times(s.get("speedup")),
        ]
        for page, scenarios in q["pages"].items()
        for scenario, s in scenarios.items()
    ]
    out = [f"### Per page view, scale {top} (sum of the medians of the page's queries)", ""]
    return out + table(["Page", "View", "Queries", "DuckDB ms", "pandas ms", "Speedup"], rows)


def _per_query(top: str, q: dict) -> list[str]:
    rows = [
        [
            f"`{label}`",
            ", ".join(c["used_by"]),
            ms(c["duckdb"]["median_s"]),
            ms(c["duckdb"]["p95_s"]),
            ms(c["pandas"]["median_s"]) if c["pandas"] else "—",
            times(c.get("speedup")),
            {True: "yes", False: f"**no**: {c.get('problem', '')}", None: "—"}[c["agree"]],
        ]
        for label, c in sorted(q["calls"].items())
    ]
    header = ["Query [views]", "Pages", "DuckDB median ms", "DuckDB p95 ms", "pandas median ms"]
    out = [f"### Per query, scale {top}", ""]
    return out + table([*header, "Speedup", "Same numbers"], rows)


def section(result: dict) -> list[str]:
    queries = result.get(KEY, {})
    if not queries:
        return []
    top = max(queries, key=int)
    q = queries[top]
    out = _intro(result["options"].get("views", [])) + _per_scale(queries)
    out += _cache_data_note(top, q["pandas"]) + _per_page(top, q) + _per_query(top, q)
    out += [
        f"DuckDB: {q['duckdb']['repeats']} timed runs per query after one untimed run; "
        f"pandas: {q['pandas']['repeats'] + 1} timed runs (the first counts: nothing to warm, "
        "and one pass over every query takes ~20 s at 10 M records).",
        "",
    ]
    return out
