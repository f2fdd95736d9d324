"""``python -m bench``: build the warehouses, run the parts, write the results, compare."""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
import traceback
from datetime import UTC, datetime
from pathlib import Path

from bench import report, suite, warehouses
from bench.common import (
    BENCH_DIR,
    DEFAULT_WAREHOUSES,
    SCENARIOS,
    changed_files,
    load_average,
    machine,
    page_files,
    source_digests,
)

PARTS = ("queries", "apptest", "startup", "concurrency", "profile")
FULL_SCALES = (1, 100, 1100)  # default data; a step between; ~10 M interventions (2.2 M benef.)
QUICK_PARTS = ("queries", "apptest", "startup", "concurrency")


def _ints(text: str) -> list[int]:
    return [int(part) for part in text.split(",") if part.strip()] if text else []


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bench",
        description="Idmaj benchmark: queries (DuckDB vs pandas), pages (AppTest), startup, "
        "concurrent sessions, profiles. Writes RESULTS.md and results/latest.json.",
    )
    parser.add_argument("--quick", action="store_true", help="scale 1 only, few repeats")
    parser.add_argument("--scales", help="comma-separated demo scales (default 1,100,1100)")
    parser.add_argument("--only", help=f"comma-separated parts among {','.join(PARTS)}")
    parser.add_argument(
        "--out",
        type=Path,
        help="folder for RESULTS.md and results/ (default: bench/ for a full run, "
        "a new temporary folder otherwise, so a partial run never replaces the committed files)",
    )
    parser.add_argument("--warehouses", type=Path, default=DEFAULT_WAREHOUSES)
    parser.add_argument("--rebuild", action="store_true", help="rebuild even current warehouses")
    parser.add_argument(
        "--baseline",
        help="previous result to compare with (default: bench/results/latest.json as it was "
        "before this run; 'none' to skip)",
    )
    parser.add_argument("--repeats", type=int, help="timed runs per query, DuckDB path")
    parser.add_argument("--pandas-repeats", type=int, help="timed runs per query, pandas way")
    parser.add_argument("--cold", type=int, help="cold AppTest runs per page (largest scale)")
    parser.add_argument("--warm", type=int, help="warm AppTest runs per page (largest scale)")
    parser.add_argument("--startup-repeats", type=int)
    parser.add_argument("--sessions", help="simultaneous sessions per wave (default 10,50,100)")
    parser.add_argument(
        "--tuned-sessions", help="waves with the suggested server settings (default 50; '' = none)"
    )
    parser.add_argument("--profile-sessions", type=int, help="profiled server sessions")
    parser.add_argument(
        "--processes",
        type=int,
        default=min(os.cpu_count() or 1, 4),
        help="public-only server processes for the scaled-out public page (default: cores)",
    )
    parser.add_argument(
        "--scaled-sessions", help="waves against those processes (default 50; '' = none)"
    )
    parser.add_argument(
        "--views", help=f"filter views among {','.join(SCENARIOS)} (default all; quick: default)"
    )
    parser.add_argument("--sequential", type=int, help="one-at-a-time sessions per page")
    parser.add_argument(
        "--render",
        action="store_true",
        help="measure nothing: rewrite <out>/RESULTS.md from <out>/results/latest.json "
        "(after editing bench/findings.md)",
    )
    args = parser.parse_args(argv)
    default_parts = QUICK_PARTS if args.quick else PARTS
    args.parts = tuple(args.only.split(",")) if args.only else default_parts
    unknown = set(args.parts) - set(PARTS)
    if unknown:
        parser.error(f"unknown parts {sorted(unknown)}; choose among {PARTS}")
    args.scale_list = _ints(args.scales) if args.scales else ([1] if args.quick else FULL_SCALES)
    args.full = not args.quick and not args.only and not args.scales
    quick = args.quick
    args.repeats = args.repeats or (3 if quick else 20)
    args.cold = args.cold or (1 if quick else 4)
    args.warm = args.warm or (1 if quick else 6)
    args.view_list = (
        args.views.split(",") if args.views else (["default"] if quick else list(SCENARIOS))
    )
    args.sequential = args.sequential if args.sequential is not None else (0 if quick else 3)
    args.startup_repeats = args.startup_repeats or (1 if quick else 3)
    args.session_list = _ints(args.sessions) if args.sessions else ([2] if quick else [10, 50, 100])
    if args.tuned_sessions is None:
        args.tuned_list = [] if quick else [50]
    else:
        args.tuned_list = _ints(args.tuned_sessions)
    args.scaled_list = _ints(args.scaled_sessions) if args.scaled_sessions else [2 if quick else 50]
    if args.profile_sessions is None:
        args.profile_sessions = 0 if quick else 4
    return args


def pandas_repeats(args, scale: int) -> int:
    """Runs after the first (which counts): a pass over every query takes ~20 s at 10 M."""
    if args.pandas_repeats is not None:
        return args.pandas_repeats
    if args.quick:
        return 1
    return 3 if scale <= 100 else 1


def apptest_runs(args, scale: int, top: int) -> tuple[int, int]:
    """(cold, warm) runs per page: all of them at the scale the targets name, fewer below."""
    if scale == top:
        return args.cold, args.warm
    return min(args.cold, 2), min(args.warm, 3)


class Log:
    def __init__(self) -> None:
        self.started = time.perf_counter()

    def __call__(self, message: str) -> None:
        print(f"[{time.perf_counter() - self.started:6.1f} s] {message}", file=sys.stderr)


def compact_plan(plan: dict) -> dict:
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


def profile_pages(result: dict) -> list[str]:
    """The pages to profile: those missing an AppTest target at the top scale, and the overview
    and public pages (the ones the targets name)."""
    wanted = [p for p in ("overview", "public") if p in page_files()]
    apptest = result.get("apptest", {})
    if apptest:
        top = apptest[max(apptest, key=int)]["pages"]
        for page, entry in top.items():
            slow = entry["warm"]["median_s"] >= report.TARGET_WARM_S
            if (slow or entry["cold"]["median_s"] >= report.TARGET_COLD_S) and page not in wanted:
                wanted.append(page)
    return wanted


def run(args, log: Log) -> dict:
    started_at = datetime.now(UTC).isoformat(timespec="seconds")
    started = time.perf_counter()
    info = machine()
    info["load_average_start"] = load_average()
    sources = source_digests()
    result: dict = {
        "schema": 1,
        "command": " ".join(["python -m bench", *sys.argv[1:]]),
        "started_at": started_at,
        "machine": info,
        "options": {
            "full": args.full,
            "quick": args.quick,
            "parts": list(args.parts),
            "scales": args.scale_list,
            "repeats": args.repeats,
            "cold": args.cold,
            "warm": args.warm,
            "views": args.view_list,
            "sessions": args.session_list,
            "sequential_sessions": args.sequential,
            "tuned_sessions": args.tuned_list,
            "processes": args.processes,
            "scaled_sessions": args.scaled_list,
        },
        "warehouses": {},
        "errors": {},
    }
    needs_all = {"queries", "apptest"} & set(args.parts)
    needs_top = {"concurrency", "profile"} & set(args.parts)
    scales = sorted(set(args.scale_list)) if needs_all else []
    if needs_top and not scales:
        scales = [max(args.scale_list)]
    for scale in scales:
        log(f"warehouse scale {scale}")
        result["warehouses"][str(scale)] = warehouses.ensure(args.warehouses, scale, args.rebuild)
    result["options"]["reused_all"] = all(w["reused"] for w in result["warehouses"].values())
    folder = lambda scale: warehouses.folder_for(args.warehouses, scale)  # noqa: E731
    top = max(scales) if scales else None

    with tempfile.TemporaryDirectory(prefix="idmaj-bench-") as tmp:
        work = Path(tmp)

        def part(name: str, action) -> None:
            log(name)
            try:
                action()
            except Exception as failure:  # one part failing must not lose the others
                result["errors"][name] = "".join(traceback.format_exception(failure))[-3000:]
                log(f"{name} FAILED: {failure}")

        if "queries" in args.parts:

            def queries() -> None:
                plan = suite.capture_plan(folder(min(scales)), work, args.view_list)
                result["plan"] = compact_plan(plan)
                result["queries"] = {}
                for scale in scales:
                    log(f"  queries at scale {scale}")
                    scale_work = work / f"queries-{scale}"
                    scale_work.mkdir()
                    result["queries"][str(scale)] = suite.queries(
                        folder(scale), plan, scale_work, args.repeats, pandas_repeats(args, scale)
                    )

            part("queries", queries)
        if "apptest" in args.parts:

            def apptest() -> None:
                result["apptest"] = {}
                for scale in scales:
                    log(f"  AppTest at scale {scale}")
                    scale_work = work / f"apptest-{scale}"
                    scale_work.mkdir()
                    cold, warm = apptest_runs(args, scale, top)
                    result["apptest"][str(scale)] = suite.apptest(
                        folder(scale), scale_work, cold, warm
                    )

            part("apptest", apptest)
        if "startup" in args.parts:

            def startup() -> None:
                result["startup"] = suite.startup_part(args.startup_repeats)

            part("startup", startup)
        if "concurrency" in args.parts:

            def concurrency() -> None:
                measured = suite.concurrency_part(
                    folder(top),
                    args.session_list,
                    args.tuned_list,
                    args.sequential,
                    log,
                    public_sessions=args.scaled_list,
                    processes=args.processes,
                )
                result["concurrency"] = {"scale": str(top), **measured}

            part("concurrency", concurrency)
        if "profile" in args.parts:

            def profile() -> None:
                profile_work = work / "profile"
                profile_work.mkdir()
                result["profile"] = {"scale": str(top)} | suite.profile_part(
                    folder(top), profile_work, profile_pages(result), args.profile_sessions, log
                )

            part("profile", profile)

    result["duration_s"] = time.perf_counter() - started
    result["machine"]["load_average_end"] = load_average()
    result["source_changed_during_run"] = changed_files(sources, source_digests())
    result["targets"] = report.evaluate_targets(result)
    return result


def load_baseline(path: str | None) -> dict | None:
    if not path or path.lower() == "none":
        return None
    try:
        return json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def render(out: Path, baseline: str | None) -> int:
    """RESULTS.md again from results/latest.json; with --baseline, the comparison too."""
    latest = out / "results" / "latest.json"
    result = json.loads(latest.read_text(encoding="utf-8"))
    if baseline:
        result["regressions"] = report.compare_with(load_baseline(baseline), result)
        from bench.common import write_json

        write_json(latest, result)
    (out / "RESULTS.md").write_text(report.markdown(result), encoding="utf-8")
    print(f"rewrote {out / 'RESULTS.md'}", file=sys.stderr)
    return 0


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.render:
        return render(args.out or BENCH_DIR, args.baseline)
    log = Log()
    # Read before this run can replace it.
    baseline = load_baseline(args.baseline or str(BENCH_DIR / "results" / "latest.json"))
    out = args.out or (BENCH_DIR if args.full else Path(tempfile.mkdtemp(prefix="idmaj-bench-")))
    result = run(args, log)
    result["regressions"] = report.compare_with(baseline, result)
    stamp = result["started_at"].replace(":", "").replace("-", "").replace("+0000", "Z")
    written = report.write(out, result, stamp)
    for target in result["targets"]:
        mark = {True: "met   ", False: "MISSED", None: "n/a   "}[target["passed"]]
        log(f"{mark} {target['target']}: {target['measured']} (limit {target['limit']})")
    if result["source_changed_during_run"]:
        changed = ", ".join(result["source_changed_during_run"][:10])
        log(f"WARNING: the app's files changed while it was measured: {changed}")
    flagged = result["regressions"]["flagged"]
    if flagged:
        log(f"{len(flagged)} medians slower than the previous result (see RESULTS.md)")
    log("wrote " + ", ".join(str(p) for p in written))
    if result["errors"]:
        log("parts that failed: " + ", ".join(result["errors"]))
        return 1
    return 0
