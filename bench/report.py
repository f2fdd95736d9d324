"""Targets, the comparison with the previous result, and RESULTS.md."""

from __future__ import annotations

from pathlib import Path

from bench.common import BENCH_DIR

FINDINGS = BENCH_DIR / "findings.md"
REGRESSION_RATIO = 1.20  # flag a median more than 20 % slower...
REGRESSION_MIN_S = 0.002  # ...and slower by at least 2 ms (sub-millisecond noise is not news)
MEDIAN_KEYS = ("median_s", "p50_s")
TARGET_QUERY_S = 0.100
TARGET_SPEEDUP = 5.0
TARGET_MEMORY_RATIO = 3.0
TARGET_COLD_S = 1.0
TARGET_WARM_S = 0.300
TARGET_STARTUP_S = 10.0
TARGET_CONCURRENT_SESSIONS = 50
TARGET_CONCURRENT_P95_S = 3.0
TARGET_RUNTIME_S = 600.0


# --- targets ---------------------------------------------------------------------------------


def _target(key, description, limit, measured, passed, detail="", scale=None) -> dict:
    return {
        "id": key,
        "target": description,
        "limit": limit,
        "measured": measured,
        "passed": passed,
        "detail": detail,
        "scale": scale,
    }


def evaluate_targets(result: dict) -> list[dict]:
    scales = [int(s) for s in result.get("warehouses", {})]
    top = str(max(scales)) if scales else None
    found = []
    queries = result.get("queries", {}).get(top) if top else None
    if queries:
        slowest = max(queries["calls"].items(), key=lambda kv: kv[1]["duckdb"]["median_s"])
        found.append(
            _target(
                "query_median",
                "every dashboard query, median with caches cleared",
                f"< {TARGET_QUERY_S * 1000:.0f} ms",
                f"{slowest[1]['duckdb']['median_s'] * 1000:.1f} ms (slowest)",
                slowest[1]["duckdb"]["median_s"] < TARGET_QUERY_S,
                f"slowest: {slowest[0]}",
                top,
            )
        )
        per_query = [(k, c["speedup"]) for k, c in queries["calls"].items() if c.get("speedup")]
        worst_query = min(per_query, key=lambda kv: kv[1]) if per_query else ("-", None)
        min_page = queries["min_page_speedup"]
        found.append(
            _target(
                "speedup",
                "DuckDB path vs the pandas way, per page view (sum of its queries)",
                f">= {TARGET_SPEEDUP:.0f}x",
                f"{times(min_page)} (slowest page view)" if min_page else "n/a",
                bool(min_page and min_page >= TARGET_SPEEDUP),
                f"all queries together {times(queries['total_speedup'])}; lowest single query "
                f"{times(worst_query[1])} ({worst_query[0]}); pandas also needs "
                f"{queries['pandas']['load_s']:.1f} s to load the records once"
                + _excluded(queries),
                top,
            )
        )
        duck_mb = queries["duckdb"]["rss"]["peak_mb"]
        pandas_mb = queries["pandas"]["rss"]["peak_mb"]
        found.append(
            _target(
                "memory",
                "DuckDB path peak RSS at most a third of the pandas way's",
                f"<= {pandas_mb / TARGET_MEMORY_RATIO:.0f} MB (1/3 of {pandas_mb:.0f})",
                f"{duck_mb:.0f} MB ({times(pandas_mb / duck_mb)} less than {pandas_mb:.0f} MB)",
                duck_mb * TARGET_MEMORY_RATIO <= pandas_mb,
                "peak RSS (VmHWM) of each path's own process, Python and libraries included",
                top,
            )
        )
        agreement = queries["agreement"]
        found.append(
            _target(
                "agreement",
                "both paths give the same numbers (check, not a speed target)",
                "all cells equal",
                f"{agreement['agree']}/{agreement['compared']} queries",
                agreement["all_agree"],
                "not compared (no record-level equivalent): "
                + (", ".join(agreement["not_compared"]) or "none"),
                top,
            )
        )
    apptest = result.get("apptest", {}).get(top) if top else None
    if apptest:
        pages = apptest["pages"]
        for phase, limit in (("cold", TARGET_COLD_S), ("warm", TARGET_WARM_S)):
            worst = max(pages.items(), key=lambda kv: kv[1][phase]["median_s"])
            over = [p for p, v in pages.items() if v[phase]["median_s"] >= limit]
            found.append(
                _target(
                    f"apptest_{phase}",
                    f"every page's full AppTest run, median, {phase} cache",
                    f"< {limit * 1000:.0f} ms",
                    f"{worst[1][phase]['median_s'] * 1000:.0f} ms ({worst[0]})",
                    not over,
                    ("over: " + ", ".join(over)) if over else "every page under",
                    top,
                )
            )
    startup = result.get("startup")
    if startup:
        median = startup["total"]["median_s"]
        found.append(
            _target(
                "startup",
                "fresh clone: `python -m lib.warehouse.build` (scale 1) + first AppTest run",
                f"< {TARGET_STARTUP_S:.0f} s",
                f"{median:.1f} s",
                median < TARGET_STARTUP_S and not startup["problems"],
                f"build {startup['build']['median_s']:.1f} s + first run "
                f"{startup['first_apptest']['median_s']:.1f} s (median of {startup['total']['n']})",
                "1",
            )
        )
    concurrency = result.get("concurrency")
    if concurrency:
        found.append(_concurrency_target(concurrency))
    runtime = result.get("duration_s")
    if runtime is not None and result.get("options", {}).get("full"):
        found.append(
            _target(
                "runtime",
                "`python -m bench` in total",
                f"< {TARGET_RUNTIME_S / 60:.0f} min",
                f"{runtime / 60:.1f} min",
                runtime < TARGET_RUNTIME_S,
                "warehouses reused" if result.get("options", {}).get("reused_all") else "",
                None,
            )
        )
    return found


def _excluded(queries: dict) -> str:
    pages = queries.get("pages_mostly_not_compared") or []
    if not pages:
        return ""
    return (
        f"; pages left out: {', '.join(pages)} (most of their own queries read tables with "
        "no record-level equivalent: the published snapshot, scenarios, imports)"
    )


def _concurrency_target(concurrency: dict) -> dict:
    page = "public" if concurrency.get("public_page") else "overview"
    size = str(TARGET_CONCURRENT_SESSIONS)
    wave = concurrency.get("default", {}).get("pages", {}).get(page, {}).get("waves", {}).get(size)
    notes = [] if page == "public" else ["no pages/public.py: measured on the overview"]
    tuned = concurrency.get("tuned", {}).get("pages", {}).get(page, {}).get("waves", {}).get(size)
    if tuned and tuned.get("p95_s") is not None:
        notes.append(
            f"with the suggested server settings: p95 {tuned['p95_s']:.1f} s, "
            f"{tuned['errors']} errors"
        )
    for count, measured in sorted(
        concurrency.get("public_processes", {}).items(), key=lambda kv: int(kv[0])
    ):
        scaled = measured.get("waves", {}).get(size)
        if scaled and scaled.get("p95_s") is not None:
            notes.append(
                f"from {count} public-only process{'es' if int(count) > 1 else ''}: "
                f"p95 {scaled['p95_s']:.1f} s, {scaled['errors']} errors"
            )
    site = concurrency.get("static_site", {}).get("waves", {}).get(size)
    if site and site.get("p95_s") is not None:
        notes.append(
            f"the static public site (data/public/site) to {size} visitors: "
            f"p95 {site['p95_s']:.1f} s, {site['errors']} errors"
        )
    detail = "; ".join(notes)
    if not wave:
        return _target(
            "concurrency",
            f"{TARGET_CONCURRENT_SESSIONS} simultaneous sessions of the {page} page",
            f"0 errors, p95 < {TARGET_CONCURRENT_P95_S:.0f} s",
            "not measured in this run",
            None,
            detail,
            concurrency.get("scale"),
        )
    return _target(
        "concurrency",
        f"{TARGET_CONCURRENT_SESSIONS} simultaneous sessions of the {page} page",
        f"0 errors, p95 < {TARGET_CONCURRENT_P95_S:.0f} s",
        f"{wave['errors']} errors, p95 {wave['p95_s']:.1f} s" if wave["p95_s"] else "failed",
        wave["errors"] == 0 and (wave["p95_s"] or 1e9) < TARGET_CONCURRENT_P95_S,
        detail,
        concurrency.get("scale"),
    )


# --- regressions -----------------------------------------------------------------------------


def medians(data, path: tuple[str, ...] = ()) -> dict[str, float]:
    """Every median in a result, keyed by its path ("queries/1100/calls/<query>/duckdb")."""
    found: dict[str, float] = {}
    if isinstance(data, dict):
        for key, value in data.items():
            if key in ("profile", "runs", "machine", "targets", "regressions"):
                continue
            if key in MEDIAN_KEYS and isinstance(value, int | float):
                found["/".join(path) + f"/{key}"] = float(value)
            else:
                found.update(medians(value, (*path, str(key))))
    return found


def compare_with(baseline: dict | None, result: dict) -> dict:
    if not baseline:
        return {"baseline": None, "compared": 0, "flagged": [], "faster": 0}
    before, after = medians(baseline), medians(result)
    flagged, faster, compared = [], [], 0
    for key, new in after.items():
        old = before.get(key)
        if old is None or old <= 0:
            continue
        compared += 1
        change = {"metric": key, "before_s": old, "after_s": new, "ratio": new / old}
        if new > old * REGRESSION_RATIO and new - old >= REGRESSION_MIN_S:
            flagged.append(change)
        elif new < old / REGRESSION_RATIO and old - new >= REGRESSION_MIN_S:
            faster.append(change)
    flagged.sort(key=lambda f: -f["ratio"])
    faster.sort(key=lambda f: f["before_s"] - f["after_s"], reverse=True)
    return {
        "baseline": baseline.get("started_at"),
        "baseline_commit": baseline.get("machine", {}).get("git_commit"),
        "baseline_load_average": baseline.get("machine", {}).get("load_average_start"),
        "compared": compared,
        "flagged": flagged,
        "faster": len(faster),
        "largest_gains": faster[:15],
        "rule": f"median > {REGRESSION_RATIO:.2f}x the previous one and >= "
        f"{REGRESSION_MIN_S * 1000:.0f} ms slower",
    }


# --- Markdown --------------------------------------------------------------------------------


def times(ratio) -> str:
    """A speedup or memory ratio: 0.6x, 4.2x, 37x."""
    if ratio is None:
        return "—"
    return f"{ratio:.1f}x" if ratio < 10 else f"{ratio:,.0f}x"


def ms(seconds) -> str:
    return "—" if seconds is None else f"{seconds * 1000:,.1f}"


def sec(seconds) -> str:
    return "—" if seconds is None else f"{seconds:,.2f}"


def _table(header: list[str], rows: list[list]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(str(cell) for cell in row) + " |" for row in rows]
    lines.append("")
    return lines


def _mark(passed) -> str:
    return {True: "✅ met", False: "❌ missed", None: "— not measured"}[passed]


def markdown(result: dict) -> str:
    out: list[str] = []
    machine = result["machine"]
    out += [
        "# Idmaj: benchmark results",
        "",
        f"Generated by `{result['command']}` on {result['started_at']} in "
        f"{result['duration_s'] / 60:.1f} min. Do not edit by hand: rerun the benchmark (the "
        "*Findings* section is copied from `bench/findings.md`). Raw figures: "
        "`bench/results/latest.json`.",
        "",
        "## Machine",
        "",
    ]
    versions = machine["versions"]
    out += _table(
        ["", ""],
        [
            ["CPU", f"{machine['cpu_count']} cores ({machine['cpu_model']})"],
            ["Memory", f"{machine['memory_gb']} GB"],
            ["OS", machine["os"]],
            ["Python", machine["python"]],
            [
                "Packages",
                ", ".join(f"{name} {version}" for name, version in versions.items() if version),
            ],
            ["Commit", f"{machine['git_commit']} (working tree, with uncommitted edits if any)"],
            [
                "Load average (1, 5, 15 min)",
                f"{machine['load_average_start']} at the start, "
                f"{machine.get('load_average_end')} at the end",
            ],
        ],
    )
    changed = result.get("source_changed_during_run")
    if changed:
        out += [
            "**Warning**: these files of the app changed while it was being measured, so some "
            f"figures may mix two versions: {', '.join(f'`{c}`' for c in changed[:20])}.",
            "",
        ]
    if result.get("errors"):
        out += [f"**Parts that failed**: {', '.join(result['errors'])} (see latest.json).", ""]
    out += _targets_md(result)
    out += _warehouses_md(result)
    out += _queries_md(result)
    out += _apptest_md(result)
    out += _startup_md(result)
    out += _concurrency_md(result)
    out += _profile_md(result)
    if FINDINGS.exists():
        out += [FINDINGS.read_text(encoding="utf-8").rstrip(), ""]
    out += _regressions_md(result)
    out += [
        "## Reproduce",
        "",
        "```sh",
        ".venv/bin/python -m bench                 # everything (< 10 min; builds warehouses once)",
        ".venv/bin/python -m bench --quick         # scale 1, few repeats (what the test runs)",
        ".venv/bin/python -m bench --only queries,apptest --scales 1,100",
        ".venv/bin/python -m bench --rebuild       # rebuild bench/warehouses/",
        "```",
        "",
    ]
    return "\n".join(out)


def _targets_md(result: dict) -> list[str]:
    targets = result.get("targets", [])
    if not targets:
        return []
    warehouses = result.get("warehouses", {})
    top = max(warehouses, key=int) if warehouses else None
    head = ["## Targets", ""]
    if top:
        records = warehouses[top]["records"]
        head += [
            f"Measured at demo scale {top}: {records['beneficiary']:,} beneficiaries, "
            f"{records['placement']:,} placements, {records['intervention']:,} interventions "
            "(the startup target at scale 1).",
            "",
        ]
    rows = [
        [t["target"], t["limit"], t["measured"], _mark(t["passed"]), t["detail"]] for t in targets
    ]
    return head + _table(["Target", "Limit", "Measured", "", "Detail"], rows)


def _warehouses_md(result: dict) -> list[str]:
    warehouses = result.get("warehouses", {})
    if not warehouses:
        return []
    rows = []
    for scale, w in sorted(warehouses.items(), key=lambda kv: int(kv[0])):
        r = w["records"]
        built = "reused" if w["reused"] else f"built in {w.get('build_s', 0):.1f} s"
        rows.append(
            [
                scale,
                f"{r['beneficiary']:,}",
                f"{r['placement']:,}",
                f"{r['intervention']:,}",
                w["warehouse_mb"],
                built,
                sec(w.get("publish_s")) if "publish_s" in w else "—",
            ]
        )
    header = ["Scale", "Beneficiaries", "Placements", "Interventions", "File MB", "This run"]
    out = ["## Warehouses", "", *_table([*header, "lib.public.publish s"], rows)]
    out += [
        "Built by `python -m lib.warehouse.build --scale N` (then `python -m lib.public.publish`) "
        "under "
        "`bench/warehouses/scale-N/`, reused while `build_info` (scale, seed, generator "
        "version) and the schema/seed files match.",
        "",
    ]
    return out


def _queries_md(result: dict) -> list[str]:
    queries = result.get("queries", {})
    if not queries:
        return []
    descriptions = {
        "default": "default",
        "one_region": "one region (?region=6)",
        "sector_sex": "one sector + sex (?sector=agriculture&sex=F)",
    }
    views = ", ".join(descriptions.get(v, v) for v in result["options"].get("views", []))
    out = [
        "## Queries: the app's DuckDB path vs the pandas way",
        "",
        "*DuckDB*: each query the pages send (captured from real AppTest runs of every page in "
        f"these views: {views}), run with "
        "`Database.execute_uncached` (no result cache) on the pre-aggregated `agg_*` tables. "
        "*pandas*: the same KPIs computed the way a typical Streamlit dashboard does it: "
        "`SELECT * FROM beneficiary` (and placement, intervention, reference tables) into "
        "DataFrames once, then boolean masks and `groupby` on every rerun (frames kept in "
        "memory, as `st.cache_resource` would; the records' load time is shown apart). Each path "
        "runs in its own process; peak memory is that process's VmHWM. Both results are "
        "compared cell by cell.",
        "",
    ]
    rows = []
    for scale, q in sorted(queries.items(), key=lambda kv: int(kv[0])):
        rows.append(
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
        )
    out += _table(
        [
            "Scale",
            "Slowest DuckDB median ms",
            "Speedup, all queries",
            "Speedup, slowest page view",
            "pandas load s",
            "DuckDB peak MB",
            "pandas peak MB",
            "Memory ratio",
            "Same numbers",
        ],
        rows,
    )
    top = max(queries, key=int)
    q = queries[top]
    pandas = q["pandas"]
    if "cache_data_copy_s" in pandas:
        out += [
            f"At scale {top} the pandas way holds {pandas['frames_mb']:,.0f} MB of DataFrames; "
            f"with `st.cache_data` instead of `st.cache_resource` every rerun would also unpickle "
            f"a {pandas['cache_data_bytes_mb']:,.0f} MB copy ({pandas['cache_data_copy_s']:.1f} s "
            f"measured; peak {pandas['rss'].get('peak_with_cache_data_copy_mb', 0):,.0f} MB).",
            "",
        ]
    out += [f"### Per page view, scale {top} (sum of the medians of the page's queries)", ""]
    rows = []
    for page, scenarios in q["pages"].items():
        for scenario, s in scenarios.items():
            rows.append(
                [
                    page,
                    scenario,
                    s["queries"],
                    ms(s["duckdb_s"]),
                    ms(s.get("pandas_s")),
                    times(s.get("speedup")),
                ]
            )
    out += _table(["Page", "View", "Queries", "DuckDB ms", "pandas ms", "Speedup"], rows)
    out += [f"### Per query, scale {top}", ""]
    rows = []
    for label, c in sorted(q["calls"].items()):
        rows.append(
            [
                f"`{label}`",
                ", ".join(c["used_by"]),
                ms(c["duckdb"]["median_s"]),
                ms(c["duckdb"]["p95_s"]),
                ms(c["pandas"]["median_s"]) if c["pandas"] else "—",
                times(c.get("speedup")),
                {True: "yes", False: f"**no**: {c.get('problem', '')}", None: "—"}[c["agree"]],
            ]
        )
    out += _table(
        [
            "Query [views]",
            "Pages",
            "DuckDB median ms",
            "DuckDB p95 ms",
            "pandas median ms",
            "Speedup",
            "Same numbers",
        ],
        rows,
    )
    out += [
        f"DuckDB: {q['duckdb']['repeats']} timed runs per query after one untimed run; "
        f"pandas: {pandas['repeats'] + 1} timed runs (the first counts: nothing to warm, and "
        "one pass over every query takes ~20 s at 10 M records).",
        "",
    ]
    return out


def _apptest_md(result: dict) -> list[str]:
    apptest = result.get("apptest", {})
    if not apptest:
        return []
    scales = sorted(apptest, key=int)
    pages = list(next(iter(apptest.values()))["pages"])
    header = ["Page"] + [f"scale {s} cold" for s in scales] + [f"scale {s} warm" for s in scales]
    header.append(f"scale {scales[-1]} CPU cold / warm")
    rows = []
    for page in pages:
        row = [page]
        for phase in ("cold", "warm"):
            for s in scales:
                v = apptest[s]["pages"].get(page, {}).get(phase)
                row.append(f"{ms(v['median_s'])} ({ms(v['p95_s'])})" if v else "—")
        top = apptest[scales[-1]]["pages"].get(page, {})
        cpu = [top.get(f"{phase}_cpu", {}).get("median_s") for phase in ("cold", "warm")]
        row.append(" / ".join(ms(c) for c in cpu))
        rows.append(row)
    problems = sorted(
        {f"{p}: {x}" for s in scales for p, v in apptest[s]["pages"].items() for x in v["problems"]}
    )
    first = ", ".join(f"scale {s}: {apptest[s]['process_first_run_s']:.2f} s" for s in scales)
    n = apptest[scales[-1]]["pages"][pages[0]]
    return (
        [
            "## Pages through AppTest",
            "",
            "Full run of app.py routed to each page (default view), median (p95) in ms. *Cold*: "
            "result cache, DuckDB connection and every `functools.cache` of `lib` emptied, new "
            f"AppTest ({n['cold']['n']} runs); *warm*: the same AppTest rerun ({n['warm']['n']} "
            f"runs). First run in a new process (imports included): {first}. CPU: the "
            "process's CPU time during the run (all threads), less sensitive than wall time to "
            "other processes competing for the 2 cores.",
            "",
        ]
        + _table(header, rows)
        + ([f"Problems: {'; '.join(problems)}", ""] if problems else [])
    )


def _startup_md(result: dict) -> list[str]:
    startup = result.get("startup")
    if not startup:
        return []
    rows = [
        [
            i + 1,
            sec(r["build_s"]),
            sec(r["first_apptest_process_s"]),
            sec(r["first_apptest_inside"]["import_s"]),
            sec(r["first_apptest_inside"]["run_s"]),
            sec(r["total_s"]),
        ]
        for i, r in enumerate(startup["runs"])
    ]
    out = [
        "## Startup on a fresh clone",
        "",
        "The working tree's files copied to a new temporary folder (no warehouse, no public "
        "snapshot, no bytecode of the app), then `python -m lib.warehouse.build` and a first "
        "AppTest run of app.py, each in a new process (its first run also writes `data/public/`).",
        "",
    ]
    header = ["Run", "lib.warehouse.build s", "first AppTest process s", "of which import s"]
    out += _table([*header, "of which run s", "Total s"], rows)
    return out


def _concurrency_md(result: dict) -> list[str]:
    concurrency = result.get("concurrency")
    if not concurrency:
        return []
    out = [
        f"## Concurrent sessions (scale {concurrency.get('scale')})",
        "",
        "`streamlit run app.py` on 127.0.0.1; light clients speak the browser's protocol "
        "(websocket `/_stcore/stream`, `BackMsg.rerun_script` with the page's "
        "`page_script_hash`, until `ForwardMsg.script_finished`). A wave's sessions start "
        "together and stay connected until the last one finishes. Time = connection to "
        "script finished. CPU = the server process's user+system time per session.",
        "",
    ]
    if not concurrency.get("public_page"):
        out += ["`pages/public.py` does not exist: only the overview is measured.", ""]
    rows = []
    for config in ("default", "tuned"):
        measured = concurrency.get(config)
        if not measured:
            continue
        name = "project config" if config == "default" else "suggested settings"
        for page, entry in measured["pages"].items():
            if "skipped" in entry:
                rows.append([name, page, entry["skipped"], "", "", "", "", "", "", "", ""])
                continue
            seq = entry.get("sequential")
            if seq:
                rows.append(
                    [
                        name,
                        page,
                        f"1 at a time ×{seq['sessions']}",
                        seq["sessions"] - seq["errors"],
                        seq["errors"],
                        sec(seq["p50_s"]),
                        sec(seq["p95_s"]),
                        "",
                        sec(seq["cpu_per_run_s"]),
                        "",
                        f"{(seq.get('bytes_per_session') or 0) / 1024:.0f}",
                    ]
                )
            for size, w in entry["waves"].items():
                rss = w["server_rss_mb"]
                rows.append(
                    [
                        name,
                        page,
                        size,
                        w["ok"],
                        w["errors"],
                        sec(w["p50_s"]),
                        sec(w["p95_s"]),
                        sec(w["max_s"]),
                        sec(w["server_cpu_per_session_s"]),
                        f"{rss['before']:.0f} → {rss['peak']:.0f}",
                        f"{w.get('bytes_per_session', 0) / 1024:.0f}",
                    ]
                )
    out += _table(
        [
            "Server",
            "Page",
            "Sessions",
            "OK",
            "Errors",
            "p50 s",
            "p95 s",
            "max s",
            "CPU s/session",
            "Server RSS MB",
            "KB sent/session",
        ],
        rows,
    )
    default = concurrency.get("default", {})
    out += [
        f"Server start (until /_stcore/health): {sec(default.get('server_start_s'))} s; first "
        f"session after start: {sec(default.get('first_session_s'))} s; server RSS idle "
        f"{default.get('server_rss_idle_mb', 0):.0f} MB, peak "
        f"{default.get('server_peak_rss_mb', 0):.0f} MB; "
        f"tracebacks in the server log: {default.get('server_tracebacks')}.",
    ]
    if concurrency.get("tuned"):
        options = ", ".join(f"`{k} = {v}`" for k, v in concurrency["tuned"]["options"].items())
        out += [f"*Suggested settings*: the same server started with {options}.", ""]
    if concurrency.get("tuned_skipped"):
        out += [
            "No separate run with the suggested server settings (`fileWatcherType = none`, "
            f"`postScriptGC = false`): {concurrency['tuned_skipped']}.",
            "",
        ]
    scaled = concurrency.get("public_processes", {})
    rows = [
        [
            count,
            size,
            w["ok"],
            w["errors"],
            sec(w["p50_s"]),
            sec(w["p95_s"]),
            sec(w["max_s"]),
            " / ".join(sec(p["server_cpu_per_session_s"]) for p in w["per_process"]),
        ]
        for count, measured in sorted(scaled.items(), key=lambda kv: int(kv[0]))
        for size, w in measured.get("waves", {}).items()
    ]
    if rows:
        out += [
            "",
            "The public page from public-only servers (`IDMAJ_MODE=public`: they open only the "
            "read-only public snapshot, so several can run side by side), a wave's sessions "
            "split evenly between them as a reverse proxy with sticky sessions would:",
            "",
            *_table(
                [
                    "Processes",
                    "Sessions",
                    "OK",
                    "Errors",
                    "p50 s",
                    "p95 s",
                    "max s",
                    "CPU s/session each",
                ],
                rows,
            ),
        ]
    site = concurrency.get("static_site")
    if site:
        rows = [
            [
                size,
                w["errors"],
                sec(w["p50_s"]),
                sec(w["p95_s"]),
                f"{w['bytes_per_visitor'] / 2**20:.1f}",
                f"{w['server_rss_mb']:.0f}",
            ]
            for size, w in site["waves"].items()
        ]
        out += [
            "",
            "For comparison, the static public site that `lib.public.publish` writes "
            f"(`data/public/site/`: {', '.join(site['paths'])}) fetched by N simultaneous "
            f"visitors from {site['server']}:",
            "",
            *_table(["Visitors", "Errors", "p50 s", "p95 s", "MB each", "Server RSS MB"], rows),
        ]
    out.append("")
    return out


def _areas_line(summary: dict, runs: int = 1, limit: int = 7) -> str:
    areas = [(k, v) for k, v in summary["self_s_by_area"].items() if not k.startswith("waiting")]
    return ", ".join(f"{name} {v / runs * 1000:.0f}" for name, v in areas[:limit])


def _profile_md(result: dict) -> list[str]:
    profile = result.get("profile")
    if not profile:
        return []
    out = [
        "## Profiles (cProfile, every thread)",
        "",
        "Self time per area in ms (waiting threads left out); measured under the profiler, so "
        "absolute times are inflated, proportions hold. `python -m bench --only profile`.",
        "",
    ]
    for page, entry in profile.get("apptest", {}).items():
        warm = entry["warm"]
        runs = warm.get("runs", 1)
        out += [
            f"- AppTest **{page}**, warm, per run: {_areas_line(warm, runs)}; heaviest "
            "functions (self ms/run): "
            + ", ".join(
                f"`{r['function'].split('/')[-1]}` {r['self_s'] / runs * 1000:.0f}"
                for r in warm["top_self"][:5]
            )
            + "; "
            + ", ".join(
                f"{label} {v['cumulative_s'] / runs * 1000:.0f} cumulative"
                for label, v in warm.get("suspects", {}).items()
                if label.startswith(("plotly", "lib/"))
            ),
            f"- AppTest **{page}**, cold: {_areas_line(entry['cold'])}",
        ]
    server = profile.get("server")
    if server:
        n = server["sessions"]
        out += [
            f"- Server (project config, warmed up, then profiled), {n} sessions one after the "
            f"other of **{server['page']}**, per session: "
            f"{_areas_line(server, n)}; heaviest functions (self ms/session): "
            + ", ".join(
                f"`{r['function'].split('/')[-1]}` {r['self_s'] / n * 1000:.0f} "
                f"({r['calls'] / n:,.0f} calls)"
                for r in server["top_self"][:6]
            ),
        ]
        suspects = server.get("suspects", {})
        if suspects:
            out += [
                "",
                "  Named in the findings, cumulative ms per session (calls): "
                + "; ".join(
                    f"{label} {v['cumulative_s'] / n * 1000:.0f} ({v['calls'] / n:,.0f})"
                    for label, v in suspects.items()
                ),
            ]
    out.append("")
    return out


def _regressions_md(result: dict) -> list[str]:
    regressions = result.get("regressions", {})
    out = ["## Regressions against the previous result", ""]
    if not regressions.get("baseline"):
        out += ["No previous result to compare with.", ""]
        return out
    out += [
        f"Previous: {regressions['baseline']} (commit {regressions.get('baseline_commit')}, "
        f"load average {regressions.get('baseline_load_average')}). Rule: {regressions['rule']}. "
        f"{regressions['compared']} medians compared, {len(regressions['flagged'])} slower, "
        f"{regressions['faster']} faster.",
        "",
    ]

    def rows(changes):
        return [
            [f"`{f['metric']}`", ms(f["before_s"]), ms(f["after_s"]), f"{f['ratio']:.2f}x"]
            for f in changes
        ]

    if regressions["flagged"]:
        out += ["Slower (a few milliseconds at scale 1 are usually noise; rerun to confirm):", ""]
        out += _table(
            ["Metric", "Before ms", "After ms", "Ratio"], rows(regressions["flagged"][:30])
        )
    if regressions.get("largest_gains"):
        out += ["Largest gains (by time saved):", ""]
        out += _table(
            ["Metric", "Before ms", "After ms", "Ratio"], rows(regressions["largest_gains"])
        )
    return out


def write(out_dir: Path, result: dict, stamp: str) -> list[Path]:
    from bench.common import write_json

    latest = out_dir / "results" / "latest.json"
    dated = out_dir / "results" / f"{stamp}.json"
    write_json(latest, result)
    write_json(dated, result)
    md = out_dir / "RESULTS.md"
    md.write_text(markdown(result), encoding="utf-8")
    return [md, latest, dated]
