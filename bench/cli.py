"""``python -m bench``: the command line. It reads the options (each part adds its own), builds
or reuses the warehouses, runs the chosen parts in order (one failing does not stop the others),
evaluates the targets, compares with the previous result and writes RESULTS.md and
results/*.json; ``--render`` rewrites RESULTS.md from results/latest.json without measuring."""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
import traceback
from datetime import UTC, datetime
from pathlib import Path

from bench import parts, regressions, report, targets
from bench.common import (
    BENCH_DIR,
    DEFAULT_WAREHOUSES,
    Context,
    changed_files,
    ints,
    load_average,
    machine,
    source_digests,
    write_json,
)
from bench.parts import warehouses

FULL_SCALES = (1, 100, 1100)  # default data; a step between; ~10 M interventions (2.2 M benef.)
QUICK_PARTS = ("queries", "apptest", "startup", "concurrency")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m bench",
        description="Idmaj benchmark: queries (DuckDB vs pandas), pages (AppTest), startup, "
        "concurrent sessions, profiles. Writes RESULTS.md and results/latest.json.",
    )
    parser.add_argument("--quick", action="store_true", help="scale 1 only, few repeats")
    parser.add_argument("--scales", help="comma-separated demo scales (default 1,100,1100)")
    parser.add_argument("--only", help=f"comma-separated parts among {','.join(parts.NAMES)}")
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
    parser.add_argument(
        "--render",
        action="store_true",
        help="measure nothing: rewrite <out>/RESULTS.md from <out>/results/latest.json "
        "(after editing bench/findings.md)",
    )
    parser.add_argument(
        "--merge",
        action="store_true",
        help="put the parts measured now into <out>/results/latest.json (default: bench/) in "
        "place of their earlier figures, keep the other parts', evaluate the targets again and "
        "rewrite RESULTS.md (with --only: one part measured again without the whole run)",
    )
    for part in parts.MEASURED:
        part.options(parser)
    return parser


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = _parser()
    args = parser.parse_args(argv)
    default_parts = QUICK_PARTS if args.quick else parts.DEFAULT_NAMES
    args.parts = tuple(args.only.split(",")) if args.only else default_parts
    unknown = set(args.parts) - set(parts.NAMES)
    if unknown:
        parser.error(f"unknown parts {sorted(unknown)}; choose among {parts.NAMES}")
    args.scale_list = ints(args.scales) if args.scales else ([1] if args.quick else FULL_SCALES)
    args.full = not args.quick and not args.only and not args.scales
    for part in parts.MEASURED:
        part.settle(args)
    return args


class Log:
    """Progress on stderr, each line stamped with the seconds since the run started."""

    def __init__(self) -> None:
        self.started = time.perf_counter()

    def __call__(self, message: str) -> None:
        print(f"[{time.perf_counter() - self.started:6.1f} s] {message}", file=sys.stderr)


def _new_result(args, started_at: str) -> dict:
    """The result before anything is measured: the command, the machine, the options."""
    info = machine()
    info["load_average_start"] = load_average()
    return {
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


def _warehouses(args, selected: list, result: dict, log: Log) -> dict[int, Path]:
    """Build or reuse the warehouses the selected parts measure: every scale, or the largest."""
    needs = {part.SCALES for part in selected}
    scales = sorted(set(args.scale_list)) if "all" in needs else []
    if "top" in needs and not scales:
        scales = [max(args.scale_list)]
    for scale in scales:
        log(f"warehouse scale {scale}")
        result["warehouses"][str(scale)] = warehouses.ensure(args.warehouses, scale, args.rebuild)
    result["options"]["reused_all"] = all(w["reused"] for w in result["warehouses"].values())
    return {scale: warehouses.folder_for(args.warehouses, scale) for scale in scales}


def _run_part(part, context: Context) -> None:
    context.log(part.NAME)
    try:
        part.run(context)
    except Exception as failure:  # one part failing must not lose the others
        trace = "".join(traceback.format_exception(failure))[-3000:]
        context.result["errors"][part.NAME] = trace
        context.log(f"{part.NAME} FAILED: {failure}")


def run(args, log: Log) -> dict:
    started_at = datetime.now(UTC).isoformat(timespec="seconds")
    started = time.perf_counter()
    result = _new_result(args, started_at)
    sources = source_digests()
    selected = [part for part in parts.MEASURED if part.NAME in args.parts]
    folders = _warehouses(args, selected, result, log)
    with tempfile.TemporaryDirectory(prefix="idmaj-bench-") as tmp:
        context = Context(args, folders, Path(tmp), log, result)
        for part in selected:
            _run_part(part, context)
    result["duration_s"] = time.perf_counter() - started
    result["machine"]["load_average_end"] = load_average()
    result["source_changed_during_run"] = changed_files(sources, source_digests())
    result["targets"] = targets.evaluate(result)
    return result


def merged_result(previous: dict, result: dict) -> dict:
    """``previous`` with the parts ``result`` measured put in place of its own figures; its
    warehouses and its comparison with the run before it are kept, each merge is listed."""
    measured = [part for part in parts.MEASURED if part.NAME in result["options"]["parts"]]
    names = {part.NAME for part in measured}
    merged = dict(previous)
    errors = {k: v for k, v in previous.get("errors", {}).items() if k not in names}
    for part in measured:
        merged.pop(part.KEY, None)
        if part.KEY in result:
            merged[part.KEY] = result[part.KEY]
        if part.NAME in result["errors"]:
            errors[part.NAME] = result["errors"][part.NAME]
    merged["errors"] = errors
    merged["warehouses"] = result["warehouses"] | previous.get("warehouses", {})
    earlier = [m for m in previous.get("merged", []) if not set(m["parts"]) <= names]
    merged["merged"] = [
        *earlier,
        {
            "parts": sorted(names),
            "command": result["command"],
            "started_at": result["started_at"],
            "duration_s": result["duration_s"],
            "git_commit": result["machine"]["git_commit"],
            "load_average": [
                result["machine"]["load_average_start"],
                result["machine"].get("load_average_end"),
            ],
            "source_changed_during_run": result["source_changed_during_run"],
        },
    ]
    merged["targets"] = targets.evaluate(merged)
    if "regressions" in previous:
        merged["regressions"] = regressions.refreshed(previous["regressions"], merged)
    return merged


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
        result["regressions"] = regressions.compare_with(load_baseline(baseline), result)
    elif "regressions" in result:  # parts merged in since the comparison: their new figures
        result["regressions"] = regressions.refreshed(result["regressions"], result)
    write_json(latest, result)
    (out / "RESULTS.md").write_text(report.markdown(result), encoding="utf-8")
    report.write_files(out, result)
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
    stamp = result["started_at"].replace(":", "").replace("-", "").replace("+0000", "Z")
    changed = result["source_changed_during_run"]
    merged_into = (args.out or BENCH_DIR) / "results" / "latest.json"
    previous = load_baseline(str(merged_into)) if args.merge else None  # read only to merge
    if previous:
        out = args.out or BENCH_DIR
        result = merged_result(previous, result)
    else:
        result["regressions"] = regressions.compare_with(baseline, result)
    written = report.write(out, result, stamp)
    for target in result["targets"]:
        mark = {True: "met   ", False: "MISSED", None: "n/a   "}[target["passed"]]
        log(f"{mark} {target['target']}: {target['measured']} (limit {target['limit']})")
    if changed:
        changed = ", ".join(changed[:10])
        log(f"WARNING: the app's files changed while it was measured: {changed}")
    flagged = result["regressions"]["flagged"]
    if flagged:
        log(f"{len(flagged)} medians slower than the previous result (see RESULTS.md)")
    log("wrote " + ", ".join(str(p) for p in written))
    if result["errors"]:
        log("parts that failed: " + ", ".join(result["errors"]))
        return 1
    return 0
