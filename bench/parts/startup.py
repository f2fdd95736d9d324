"""The startup part: a fresh clone builds the default warehouse and shows its first page, from
nothing; its target and its section of RESULTS.md. The working tree's files (tracked, and
untracked ones that are not git-ignored: what a commit of this tree would hold) are copied to a
temporary folder (no warehouse, no public snapshot, no ``__pycache__`` of the app); then, each in
a new Python process of this virtualenv and timed from outside, ``python -m lib build`` (the
default scale, 1) and the first AppTest run of app.py (the overview), so that importing
Streamlit, pandas, DuckDB and Plotly counts, as it does for the first visitor. Their sum is the
startup time; the installed packages are the virtualenv's (a fresh clone installs them once with
``make``; that download is not part of the app's startup).
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.common import REPO_DIR, Context, child_env, summary, target
from bench.markdown import sec, table

NAME = KEY = "startup"
SCALES = None  # it builds its own warehouse in the clone
TARGET_STARTUP_S = 10.0

STEP_TIMEOUT_S = 180
FIRST_RUN = """
import json, sys, time
started = time.perf_counter()
from streamlit.testing.v1 import AppTest
imported = time.perf_counter() - started
at = AppTest.from_file(sys.argv[1], default_timeout=120)
started = time.perf_counter()
at.run()
print(json.dumps({"import_s": imported, "run_s": time.perf_counter() - started,
                  "exceptions": [str(e.value)[:200] for e in at.exception],
                  "title": [t.value for t in at.title][:1]}))
"""


def tree_files() -> list[str]:
    """Tracked and untracked-but-not-ignored files (read-only git commands)."""
    completed = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"],
        cwd=REPO_DIR,
        capture_output=True,
        timeout=30,
        check=True,
    )
    return [name for name in completed.stdout.decode().split("\0") if name]


def copy_tree(target: Path) -> int:
    count = 0
    for name in tree_files():
        source = REPO_DIR / name
        if not source.is_file() or "__pycache__" in name:
            continue
        destination = target / name
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source, destination)
        count += 1
    return count


def _env(clone: Path) -> dict[str, str]:
    env = child_env(None, PYTHONPATH=str(clone))
    for name in ("IDMAJ_DATA_DIR", "IDMAJ_DEMO_SCALE", "IDMAJ_SEED_DIR"):
        env.pop(name, None)
    return env


def _timed(command: list[str], clone: Path) -> tuple[float, subprocess.CompletedProcess]:
    started = time.perf_counter()
    completed = subprocess.run(
        command,
        cwd=clone,
        env=_env(clone),
        capture_output=True,
        text=True,
        timeout=STEP_TIMEOUT_S,
        check=False,
    )
    return time.perf_counter() - started, completed


def once() -> dict:
    with tempfile.TemporaryDirectory(prefix="idmaj-fresh-clone-") as folder:
        clone = Path(folder)
        files = copy_tree(clone)
        build_s, built = _timed([sys.executable, "-m", "lib", "build"], clone)
        if built.returncode != 0 or not (clone / "data" / "idmaj.duckdb").exists():
            raise RuntimeError(f"python -m lib build failed in the clone: {built.stderr[-800:]}")
        first_s, first = _timed([sys.executable, "-c", FIRST_RUN, str(clone / "app.py")], clone)
        if first.returncode != 0:
            raise RuntimeError(f"first AppTest run failed: {first.stderr[-800:]}")
        inside = json.loads(first.stdout.strip().splitlines()[-1])
        return {
            "files_copied": files,
            "build_s": build_s,
            "first_apptest_process_s": first_s,
            "first_apptest_inside": inside,
            "total_s": build_s + first_s,
            "public_snapshot_written": (clone / "data" / "public" / "public.duckdb").exists(),
        }


def measure(repeats: int) -> dict:
    runs = [once() for _ in range(max(1, repeats))]
    return {
        "runs": runs,
        "total": summary([r["total_s"] for r in runs]),
        "build": summary([r["build_s"] for r in runs]),
        "first_apptest": summary([r["first_apptest_process_s"] for r in runs]),
        "problems": sorted({p for r in runs for p in r["first_apptest_inside"]["exceptions"]}),
    }


# --- the part --------------------------------------------------------------------------------


def options(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("startup")
    group.add_argument("--startup-repeats", type=int)


def settle(args: argparse.Namespace) -> None:
    args.startup_repeats = args.startup_repeats or (1 if args.quick else 3)


def run(context: Context) -> None:
    context.result[KEY] = measure(context.args.startup_repeats)


def targets(result: dict) -> list[dict]:
    startup = result.get(KEY)
    if not startup:
        return []
    median = startup["total"]["median_s"]
    return [
        target(
            "startup",
            "fresh clone: `python -m lib build` (scale 1) + first AppTest run",
            f"< {TARGET_STARTUP_S:.0f} s",
            f"{median:.1f} s",
            median < TARGET_STARTUP_S and not startup["problems"],
            f"build {startup['build']['median_s']:.1f} s + first run "
            f"{startup['first_apptest']['median_s']:.1f} s (median of {startup['total']['n']})",
            "1",
        )
    ]


def section(result: dict) -> list[str]:
    if not result.get(KEY):
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
        for i, r in enumerate(result[KEY]["runs"])
    ]
    out = [
        "## Startup on a fresh clone",
        "",
        "The working tree's files copied to a new temporary folder (no warehouse, no public "
        "snapshot, no bytecode of the app), then `python -m lib build` and a first "
        "AppTest run of app.py, each in a new process (its first run also writes `data/public/`).",
        "",
    ]
    header = ["Run", "lib build s", "first AppTest process s", "of which import s"]
    out += table([*header, "of which run s", "Total s"], rows)
    return out
