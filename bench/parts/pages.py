"""The pages part (``apptest`` on the command line): every page through app.py with AppTest, cold
and warm, in one worker process per warehouse (``bench.workers.apptest``); its targets (cold and
warm median of every page at the largest scale) and its section of RESULTS.md. Not pure: it
starts the workers; the targets and the Markdown are pure.
"""

from __future__ import annotations

import argparse

from bench.common import Context, run_child, target, top_scale
from bench.markdown import ms, table

NAME = KEY = "apptest"
SCALES = "all"
TARGET_COLD_S = 1.0
TARGET_WARM_S = 0.300


def options(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("apptest")
    group.add_argument("--cold", type=int, help="cold AppTest runs per page (largest scale)")
    group.add_argument("--warm", type=int, help="warm AppTest runs per page (largest scale)")


def settle(args: argparse.Namespace) -> None:
    args.cold = args.cold or (1 if args.quick else 4)
    args.warm = args.warm or (1 if args.quick else 6)


def runs(args: argparse.Namespace, scale: int, top: int) -> tuple[int, int]:
    """(cold, warm) runs per page: all of them at the scale the targets name, fewer below."""
    if scale == top:
        return args.cold, args.warm
    return min(args.cold, 2), min(args.warm, 3)


def run(context: Context) -> None:
    context.result[KEY] = {}
    for scale in context.scales:
        context.log(f"  AppTest at scale {scale}")
        work = context.scratch(f"apptest-{scale}")
        cold, warm = runs(context.args, scale, context.top)
        context.result[KEY][str(scale)] = run_child(
            "bench.workers.apptest",
            ["--cold", str(cold), "--warm", str(warm)],
            work / "apptest.json",
            context.warehouses[scale],
        )


def slow(entry: dict) -> bool:
    """Does a page of the result miss the cold or the warm target?"""
    return entry["warm"]["median_s"] >= TARGET_WARM_S or entry["cold"]["median_s"] >= TARGET_COLD_S


def targets(result: dict) -> list[dict]:
    top = top_scale(result)
    apptest = result.get(KEY, {}).get(top) if top else None
    if not apptest:
        return []
    pages = apptest["pages"]
    found = []
    for phase, limit in (("cold", TARGET_COLD_S), ("warm", TARGET_WARM_S)):
        worst = max(pages.items(), key=lambda kv: kv[1][phase]["median_s"])
        over = [p for p, v in pages.items() if v[phase]["median_s"] >= limit]
        found.append(
            target(
                f"apptest_{phase}",
                f"every page's full AppTest run, median, {phase} cache",
                f"< {limit * 1000:.0f} ms",
                f"{worst[1][phase]['median_s'] * 1000:.0f} ms ({worst[0]})",
                not over,
                ("over: " + ", ".join(over)) if over else "every page under",
                top,
            )
        )
    return found


def _row(apptest: dict, scales: list[str], page: str) -> list:
    row = [page]
    for phase in ("cold", "warm"):
        for s in scales:
            v = apptest[s]["pages"].get(page, {}).get(phase)
            row.append(f"{ms(v['median_s'])} ({ms(v['p95_s'])})" if v else "—")
    top = apptest[scales[-1]]["pages"].get(page, {})
    cpu = [top.get(f"{phase}_cpu", {}).get("median_s") for phase in ("cold", "warm")]
    row.append(" / ".join(ms(c) for c in cpu))
    return row


def section(result: dict) -> list[str]:
    apptest = result.get(KEY, {})
    if not apptest:
        return []
    scales = sorted(apptest, key=int)
    pages = list(next(iter(apptest.values()))["pages"])
    header = ["Page"] + [f"scale {s} cold" for s in scales] + [f"scale {s} warm" for s in scales]
    header.append(f"scale {scales[-1]} CPU cold / warm")
    rows = [_row(apptest, scales, page) for page in pages]
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
        + table(header, rows)
        + ([f"Problems: {'; '.join(problems)}", ""] if problems else [])
    )
