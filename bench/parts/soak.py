"""The soak part: one server for twenty minutes or more (``bench.soak``), its memory, file
descriptors and threads every minute; its targets (2 000 page runs or more, 0 errors; memory
after the warm-up grows by less than 10 %; descriptors and threads flat), its section of
RESULTS.md and the plot of memory over time (``soak.svg`` beside it). Not in the default run
(it takes 20 minutes): ``python -m bench --only soak --merge``. Not pure: it builds a
warehouse and starts a server; the targets, the Markdown and the SVG are pure.
"""

from __future__ import annotations

import argparse
import secrets
import statistics

from bench import soak
from bench.common import Context, target
from bench.markdown import sec, table

NAME = KEY = "soak"
SCALES = None  # a warehouse of its own: the soak imports into it
DEFAULT = False  # not part of a plain `python -m bench`
TARGET_MINUTES = 20.0
TARGET_PAGE_RUNS = 2000
TARGET_GROWTH = 0.10  # memory after the warm-up may grow by less than this
FLAT_SLACK = 0.10  # descriptors and threads: within 10 % (or FLAT_MIN) of their warm level
FLAT_MIN = 4
PLOT_NAME = "soak.svg"


def options(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("soak")
    group.add_argument("--soak-minutes", type=float, help="how long (default 24; --quick 1)")
    group.add_argument("--soak-clients", type=int, help="sessions at a time (default 3)")
    group.add_argument("--soak-warmup", type=float, help="warm-up minutes (default 6)")
    group.add_argument("--soak-sample", type=float, help="seconds between samples (default 60)")
    group.add_argument("--soak-imports", type=float, help="minutes between imports (default 3)")


def settle(args: argparse.Namespace) -> None:
    quick = args.quick
    defaults = (1.0, 2, 0.25, 10.0, 0.4) if quick else (24.0, 3, 6.0, 60.0, 3.0)
    names = ("soak_minutes", "soak_clients", "soak_warmup", "soak_sample", "soak_imports")
    for name, default in zip(names, defaults, strict=True):
        if getattr(args, name) is None:
            setattr(args, name, default)


def _prepare(folder, log) -> str:
    """The soak's warehouse: built, published, one import (real records: sign-in needed)."""
    for args in (("build",), ("publish",)):
        done = soak.cli(folder, *args)
        if done.returncode != 0:
            raise RuntimeError(f"{args[0]} failed: {done.stderr[-2000:]}")
    first = soak.cli(folder, "import", str(soak.import_file(folder, 0)), "--commit")
    if first.returncode != 0:
        raise RuntimeError(f"first import failed: {first.stderr[-2000:]}")
    log("  soak warehouse built, published, one import committed")
    return secrets.token_urlsafe(18)


def run(context: Context) -> None:
    args = context.args
    folder = context.scratch("soak")
    password = _prepare(folder, context.log)
    accounts = soak.accounts(folder, password)
    plan = {
        "minutes": args.soak_minutes,
        "clients": args.soak_clients,
        "sample_s": args.soak_sample,
        "import_every_s": args.soak_imports * 60,
    }
    context.log(f"  soak: {plan['minutes']:g} min, {plan['clients']} sessions at a time")
    measured = soak.serve_and_soak(folder, accounts, password, plan, context.log)
    context.result[KEY] = {"plan": plan, "warmup_minutes": args.soak_warmup, **measured}


# --- the targets -----------------------------------------------------------------------------


def _after_warmup(result: dict) -> list[dict]:
    return [s for s in result["samples"] if s["minute"] >= result["warmup_minutes"]]


def levels(result: dict, key: str) -> tuple[float, float] | None:
    """The level of ``key`` just after the warm-up (median of the first third of the samples
    after it) and at the end (median of the last third); None with too few samples."""
    values = [s[key] for s in _after_warmup(result) if s.get(key) is not None]
    if len(values) < 3:
        return None
    third = max(1, len(values) // 3)
    return statistics.median(values[:third]), statistics.median(values[-third:])


def growth(result: dict) -> float | None:
    """How much the memory grew after the warm-up (0.05: 5 %)."""
    found = levels(result, "rss_mb")
    return None if found is None else found[1] / found[0] - 1


def flat(result: dict, key: str) -> bool | None:
    found = levels(result, key)
    if found is None:
        return None
    start, end = found
    return end - start <= max(FLAT_MIN, FLAT_SLACK * start)


def _runs_target(result: dict) -> dict:
    minutes = result["plan"]["minutes"]
    runs, errors = result["page_runs"], result["errors"]
    passed = runs >= TARGET_PAGE_RUNS and minutes >= TARGET_MINUTES and errors == 0
    detail = f"{result['sessions']} sessions, {result['sign_ins']} sign-ins, "
    detail += f"{len(result['imports'])} imports; {'; '.join(result['problems'][:3])}"
    return target(
        "soak_runs",
        "soak: page runs against one server",
        f">= {TARGET_PAGE_RUNS} over >= {TARGET_MINUTES:.0f} min, 0 errors",
        f"{runs} runs over {minutes:g} min, {errors} errors",
        passed,
        detail.rstrip("; "),
    )


def _memory_target(result: dict) -> dict:
    grew, found = growth(result), levels(result, "rss_mb")
    measured = "too few samples" if grew is None else (
        f"{grew * 100:+.1f} % ({found[0]:.0f} → {found[1]:.0f} MB)")  # fmt: skip
    return target(
        "soak_memory",
        "soak: server memory (RSS) after the warm-up",
        f"grows < {TARGET_GROWTH * 100:.0f} %",
        measured,
        None if grew is None else grew < TARGET_GROWTH,
        f"warm-up {result['warmup_minutes']:g} min; peak {result['server_peak_rss_mb']:.0f} MB",
    )


def _flat_target(result: dict) -> dict:
    found = {key: levels(result, key) for key in ("fds", "threads")}
    verdicts = [flat(result, key) for key in found]
    measured = ", ".join(
        f"{key} {level[0]:.0f} → {level[1]:.0f}" if level else f"{key}: too few samples"
        for key, level in found.items()
    )
    return target(
        "soak_flat",
        "soak: open file descriptors and threads",
        f"flat (within {FLAT_SLACK * 100:.0f} % or {FLAT_MIN})",
        measured,
        None if None in verdicts else all(verdicts),
    )


def targets(result: dict) -> list[dict]:
    soaked = result.get(KEY)
    if not soaked or "samples" not in soaked:
        return []
    return [_runs_target(soaked), _memory_target(soaked), _flat_target(soaked)]


# --- the plot -----------------------------------------------------------------------------------


def _polyline(points: list[tuple[float, float]], scale) -> str:
    return " ".join(f"{x:.1f},{y:.1f}" for x, y in (scale(px, py) for px, py in points))


def plot_svg(result: dict) -> str:
    """Memory over time as an SVG line: the samples, the warm-up's end, the 10 % limit."""
    soaked = result[KEY]
    samples = [s for s in soaked["samples"] if s.get("rss_mb")]
    width, height, left, bottom, top, right = 720, 320, 60, 40, 30, 20
    end = max(soaked["plan"]["minutes"], max(s["minute"] for s in samples))
    found = levels(soaked, "rss_mb")
    limit = found[0] * (1 + TARGET_GROWTH) if found else None
    high = max([s["rss_mb"] for s in samples] + [limit or 0]) * 1.1

    def scale(minute: float, mb: float) -> tuple[float, float]:
        x = left + (width - left - right) * minute / end
        return x, height - bottom - (height - bottom - top) * mb / high

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" font-family="sans-serif" font-size="12">',
        "<title>Server memory (RSS) during the soak</title>",
        '<rect width="100%" height="100%" fill="white"/>',
        f'<text x="{left}" y="18">Server memory (RSS, MB) over {end:g} minutes</text>',
    ]
    for mb in range(0, int(high) + 1, max(50, int(high / 5) // 50 * 50 or 50)):
        x0, y = scale(0, mb)
        parts.append(f'<line x1="{x0}" x2="{width - right}" y1="{y:.1f}" y2="{y:.1f}" '
                     f'stroke="#ddd"/><text x="{left - 6}" y="{y + 4:.1f}" '
                     f'text-anchor="end">{mb}</text>')  # fmt: skip
    for minute in range(0, int(end) + 1, 5):
        x, y0 = scale(minute, 0)
        parts.append(f'<text x="{x:.1f}" y="{y0 + 16:.1f}" text-anchor="middle">{minute}</text>')
    x, _ = scale(soaked["warmup_minutes"], 0)
    parts.append(f'<line x1="{x:.1f}" x2="{x:.1f}" y1="{top}" y2="{height - bottom}" '
                 'stroke="#999" stroke-dasharray="4 3"/>')  # fmt: skip
    parts.append(f'<text x="{x + 4:.1f}" y="{top + 12}" fill="#555">end of warm-up</text>')
    if limit:
        _, y = scale(0, limit)
        parts.append(f'<line x1="{left}" x2="{width - right}" y1="{y:.1f}" y2="{y:.1f}" '
                     'stroke="#D55E00" stroke-dasharray="6 3"/>'
                     f'<text x="{width - right}" y="{y - 5:.1f}" text-anchor="end" '
                     'fill="#D55E00">target: +10 %</text>')  # fmt: skip
    points = [(s["minute"], s["rss_mb"]) for s in samples]
    parts.append(f'<polyline fill="none" stroke="#0072B2" stroke-width="2" '
                 f'points="{_polyline(points, scale)}"/>')  # fmt: skip
    parts.append(f'<text x="{width / 2}" y="{height - 6}" text-anchor="middle">minutes</text>')
    return "\n".join([*parts, "</svg>", ""])


def files(result: dict) -> dict[str, str]:
    """The files this part writes beside RESULTS.md: the plot."""
    soaked = result.get(KEY)
    if not soaked or not [s for s in soaked.get("samples", []) if s.get("rss_mb")]:
        return {}
    return {PLOT_NAME: plot_svg(result)}


# --- RESULTS.md ------------------------------------------------------------------------------


def _sample_rows(soaked: dict) -> list[list]:
    return [
        [
            f"{s['minute']:.1f}",
            s["rss_mb"],
            s["fds"],
            s["threads"],
            s["page_runs"],
            s["errors"],
            s["cpu_s"],
            s["load_average"],
        ]
        for s in soaked["samples"]
    ]


def section(result: dict) -> list[str]:
    soaked = result.get(KEY)
    if not soaked or "samples" not in soaked:
        return []
    plan, by = soaked["plan"], soaked["runs_by"]
    mix = "; ".join(
        f"{name}: " + ", ".join(f"{key} {count}" for key, count in counts.items())
        for name, counts in by.items()
    )
    loads = [s["load_average"] for s in soaked["samples"]]
    intro = (
        f"One `streamlit run app.py` for {plan['minutes']:g} min, {plan['clients']} sessions at "
        "a time (`bench/soak.py`): each session signs in through the form when it plays a "
        "staff role, opens 2 to 6 of its pages in one language, and leaves; an import every "
        f"{plan['import_every_s'] / 60:g} min (every other one rolled back) by "
        "`python -m lib import|rollback` beside the server. Run time: p50 "
        f"{sec(soaked['run_p50_s'])} s, p95 {sec(soaked['run_p95_s'])} s. Load average "
        f"(1 min) {min(loads):.1f} to {max(loads):.1f} (the machine is shared). Runs by {mix}."
    )
    return [
        "## Soak",
        "",
        intro,
        "",
        f"![Server memory over the soak]({PLOT_NAME})",
        "",
        *table(
            ["Minute", "RSS MB", "FDs", "Threads", "Page runs", "Errors", "CPU s", "Load"],
            _sample_rows(soaked),
        ),
    ]
