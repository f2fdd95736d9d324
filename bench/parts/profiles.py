"""The profiles part (``profile`` on the command line): cProfile, in every thread, of AppTest runs
of the pages that miss a target (and of the overview and public pages) and of a server answering
one session after another (``bench.workers.profile``); no target of its own; its section of
RESULTS.md, self time per area and the heaviest functions. Not pure: it starts the workers and a
server; the Markdown is pure.
"""

from __future__ import annotations

import argparse
import pstats
from pathlib import Path

from bench import sessions
from bench.common import Context, page_files, run_child
from bench.parts import pages as pages_part
from bench.workers.profile import summarize

NAME = "profile"
KEY = "profile"
SCALES = "top"


def options(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("profile")
    group.add_argument("--profile-sessions", type=int, help="profiled server sessions")


def settle(args: argparse.Namespace) -> None:
    if args.profile_sessions is None:
        args.profile_sessions = 0 if args.quick else 4


def pages_to_profile(result: dict) -> list[str]:
    """The pages to profile: those missing an AppTest target at the top scale, and the overview
    and public pages (the ones the targets name)."""
    wanted = [p for p in ("overview", "public") if p in page_files()]
    apptest = result.get(pages_part.KEY, {})
    if apptest:
        top = apptest[max(apptest, key=int)]["pages"]
        for page, entry in top.items():
            if pages_part.slow(entry) and page not in wanted:
                wanted.append(page)
    return wanted


def _server(data_dir: Path, work: Path, count: int, log) -> dict:
    """A server profiled while it answers ``count`` sessions one after the other."""
    page = "public" if "public" in page_files() else "overview"
    stats_path = work / "server.prof"
    log(f"  profiled server: {count} sequential sessions of {page}")
    measured = sessions.measure(
        data_dir,
        work / "server",
        [],
        [page],
        log=log,
        profile_stats=stats_path,
        sequential={page: count},
    )
    return {
        "page": page,
        "sessions": count,
        "cpu_per_session_s": measured["pages"][page].get("sequential", {}).get("cpu_per_run_s"),
        "note": "profiled process: times include cProfile's overhead",
        **summarize(pstats.Stats(str(stats_path))),
    }


def measure(data_dir: Path, work: Path, pages: list[str], server_sessions: int, log) -> dict:
    """cProfile of AppTest runs of ``pages``, and of a server under a wave of public sessions."""
    result: dict = {}
    if pages:
        result["apptest"] = run_child(
            "bench.workers.profile",
            ["apptest", "--pages", ",".join(pages), "--warm", "3"],
            work / "profile_apptest.json",
            data_dir,
        )
        result["apptest"].pop("process_wall_s", None)
    if server_sessions:
        result["server"] = _server(data_dir, work, server_sessions, log)
    return result


def run(context: Context) -> None:
    work = context.scratch("profile")
    measured = measure(
        context.warehouses[context.top],
        work,
        pages_to_profile(context.result),
        context.args.profile_sessions,
        context.log,
    )
    context.result[KEY] = {"scale": str(context.top)} | measured


def targets(result: dict) -> list[dict]:
    return []


# --- RESULTS.md ------------------------------------------------------------------------------


def _areas_line(summary: dict, runs: int = 1, limit: int = 7) -> str:
    areas = [(k, v) for k, v in summary["self_s_by_area"].items() if not k.startswith("waiting")]
    return ", ".join(f"{name} {v / runs * 1000:.0f}" for name, v in areas[:limit])


def _apptest_lines(page: str, entry: dict) -> list[str]:
    warm = entry["warm"]
    runs = warm.get("runs", 1)
    heaviest = ", ".join(
        f"`{r['function'].split('/')[-1]}` {r['self_s'] / runs * 1000:.0f}"
        for r in warm["top_self"][:5]
    )
    suspects = ", ".join(
        f"{label} {v['cumulative_s'] / runs * 1000:.0f} cumulative"
        for label, v in warm.get("suspects", {}).items()
        if label.startswith(("plotly", "lib/"))
    )
    return [
        f"- AppTest **{page}**, warm, per run: {_areas_line(warm, runs)}; heaviest "
        f"functions (self ms/run): {heaviest}; {suspects}",
        f"- AppTest **{page}**, cold: {_areas_line(entry['cold'])}",
    ]


def _server_lines(server: dict) -> list[str]:
    n = server["sessions"]
    heaviest = ", ".join(
        f"`{r['function'].split('/')[-1]}` {r['self_s'] / n * 1000:.0f} "
        f"({r['calls'] / n:,.0f} calls)"
        for r in server["top_self"][:6]
    )
    out = [
        f"- Server (project config, warmed up, then profiled), {n} sessions one after the "
        f"other of **{server['page']}**, per session: "
        f"{_areas_line(server, n)}; heaviest functions (self ms/session): {heaviest}",
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
    return out


def section(result: dict) -> list[str]:
    profile = result.get(KEY)
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
        out += _apptest_lines(page, entry)
    if profile.get("server"):
        out += _server_lines(profile["server"])
    out.append("")
    return out
