"""What every part of the benchmark shares: paths, statistics, memory and CPU read from /proc,
child processes, the machine, the ``Context`` a part runs in and the row of a target. Not pure:
it reads /proc and git and starts processes, but it never writes outside the folders it is given.
"""

from __future__ import annotations

import json
import os
import platform
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
REPO_DIR = BENCH_DIR.parent
DEFAULT_WAREHOUSES = BENCH_DIR / "warehouses"
PAGES_DIR = REPO_DIR / "pages"
APP_PATH = REPO_DIR / "app.py"
CHILD_TIMEOUT_S = 900  # no child may run longer than this; the whole run aims at < 10 min

# The three filter views every page is measured with, as URL parameters (lib/warehouse/filters.py
# form).
SCENARIOS: dict[str, dict[str, str]] = {
    "default": {},
    "one_region": {"region": "6"},  # Casablanca-Settat
    "sector_sex": {"sector": "agriculture", "sex": "F"},
}


@dataclass
class Context:
    """What a part's ``run`` is given: the options, the warehouse folder of each scale it may
    measure, a scratch folder, the log, and the result it writes its figures into."""

    args: object  # the argparse.Namespace of bench.cli
    warehouses: dict[int, Path]
    work: Path
    log: Callable[[str], None]
    result: dict

    @property
    def scales(self) -> list[int]:
        return sorted(self.warehouses)

    @property
    def top(self) -> int | None:
        """The largest scale: the one the targets name."""
        return max(self.warehouses) if self.warehouses else None

    def scratch(self, name: str) -> Path:
        """A new empty folder under the run's temporary folder."""
        folder = self.work / name
        folder.mkdir()
        return folder


def target(key, description, limit, measured, passed, detail="", scale=None) -> dict:
    """One row of the Targets table (``passed``: True, False, or None when not measured)."""
    return {
        "id": key,
        "target": description,
        "limit": limit,
        "measured": measured,
        "passed": passed,
        "detail": detail,
        "scale": scale,
    }


def top_scale(result: dict) -> str | None:
    """The largest scale a result holds a warehouse of, as its key ("1100")."""
    scales = [int(s) for s in result.get("warehouses", {})]
    return str(max(scales)) if scales else None


def summary(samples: Sequence[float]) -> dict:
    """Median, p95 (linear interpolation), min, max and count of durations in seconds."""
    values = sorted(float(v) for v in samples)
    if not values:
        return {"n": 0, "median_s": None, "p95_s": None, "min_s": None, "max_s": None}
    return {
        "n": len(values),
        "median_s": statistics.median(values),
        "p95_s": percentile(values, 95),
        "min_s": values[0],
        "max_s": values[-1],
    }


def percentile(values: Sequence[float], q: float) -> float:
    """The q-th percentile with linear interpolation between closest ranks (numpy's default)."""
    ordered = sorted(values)
    if len(ordered) == 1:
        return float(ordered[0])
    position = (len(ordered) - 1) * q / 100
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return float(ordered[low] + (ordered[high] - ordered[low]) * (position - low))


def proc_status(pid: int | str = "self") -> dict[str, int]:
    """VmRSS and VmHWM (peak RSS) of a process in bytes, read from /proc/<pid>/status."""
    found = {}
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as handle:
            for line in handle:
                key, _, rest = line.partition(":")
                if key in ("VmRSS", "VmHWM"):
                    found[key] = int(rest.split()[0]) * 1024
    except (FileNotFoundError, ProcessLookupError):
        pass
    return found


def cpu_seconds(pid: int | str = "self") -> float | None:
    """User + system CPU time of a process (all its threads), from /proc/<pid>/stat."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as handle:
            fields = handle.read().rsplit(")", 1)[1].split()
    except (FileNotFoundError, ProcessLookupError):
        return None
    # After the command name: state is field 3, utime and stime are fields 14 and 15.
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def thread_cpu_seconds(pid: int) -> dict[int, float]:
    """User + system CPU time of each live thread of a process, by thread id (the main thread's
    id is the pid), from /proc/<pid>/task/*/stat. A thread that has ended is gone from here but
    its time stays in ``cpu_seconds(pid)``."""
    found = {}
    for task in Path(f"/proc/{pid}/task").glob("*"):
        seconds = cpu_seconds(f"{pid}/task/{task.name}")
        if seconds is not None:
            found[int(task.name)] = seconds
    return found


def load_average() -> list[float]:
    return [round(value, 2) for value in os.getloadavg()]


def rss_mb(pid: int | str = "self") -> float | None:
    value = proc_status(pid).get("VmRSS")
    return None if value is None else value / 2**20


def peak_rss_mb(pid: int | str = "self") -> float | None:
    value = proc_status(pid).get("VmHWM")
    return None if value is None else value / 2**20


def log_tail(path: Path, lines: int = 15) -> str:
    """The last ``lines`` lines of a server's log, for an error message ("" without a log)."""
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ""
    return "\n".join(text.splitlines()[-lines:])


def child_env(data_dir: Path | None = None, **extra: str) -> dict[str, str]:
    """The environment of a child: this repo importable, the warehouse folder chosen."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(
        [str(REPO_DIR), *filter(None, [os.environ.get("PYTHONPATH")])]
    )
    env.setdefault("STREAMLIT_BROWSER_GATHER_USAGE_STATS", "false")
    env.pop("IDMAJ_MODE", None)
    if data_dir is not None:
        env["IDMAJ_DATA_DIR"] = str(data_dir)
    env.update(extra)
    return env


def run_child(
    module: str,
    args: Sequence[str],
    out: Path,
    data_dir: Path | None = None,
    timeout: float = CHILD_TIMEOUT_S,
) -> dict:
    """Run ``python -m module args --out out`` in a fresh process; return what it wrote.

    A fresh process per measurement keeps its peak memory its own (VmHWM) and its caches cold.
    """
    command = [sys.executable, "-m", module, *args, "--out", str(out)]
    env = child_env(data_dir)
    started = time.perf_counter()
    completed = subprocess.run(
        command,
        cwd=REPO_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    elapsed = time.perf_counter() - started
    if completed.returncode != 0 or not out.exists():
        tail = "\n".join(completed.stderr.splitlines()[-30:])
        raise RuntimeError(f"{module} failed ({completed.returncode}):\n{tail}")
    result = json.loads(out.read_text(encoding="utf-8"))
    result["process_wall_s"] = elapsed
    return result


def write_json(path: Path, data) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=1, ensure_ascii=False, default=str) + "\n", "utf-8")


def _version(package: str) -> str | None:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return None


def _cpu_model() -> str | None:
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as handle:
            for line in handle:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except FileNotFoundError:
        pass
    return None


def _mem_total_gb() -> float | None:
    try:
        with open("/proc/meminfo", encoding="ascii") as handle:
            for line in handle:
                if line.startswith("MemTotal:"):
                    return round(int(line.split()[1]) / 2**20, 1)
    except FileNotFoundError:
        pass
    return None


def git_commit() -> str | None:
    """The commit the working tree is on (read-only; the tree may hold uncommitted edits)."""
    try:
        completed = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            cwd=REPO_DIR,
            capture_output=True,
            text=True,
            timeout=10,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    return completed.stdout.strip() or None


def machine() -> dict:
    """What the figures were measured on."""
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None
    return {
        "cpu_count": os.cpu_count(),
        "usable_cpus": usable,
        "cpu_model": _cpu_model(),
        "memory_gb": _mem_total_gb(),
        "os": platform.platform(),
        "python": platform.python_version(),
        "versions": {
            name: _version(name)
            for name in (
                "duckdb",
                "pandas",
                "pyarrow",
                "streamlit",
                "plotly",
                "babel",
                "numpy",
                "websockets",
                "protobuf",
            )
        },
        "git_commit": git_commit(),
    }


def source_digests() -> dict[str, str]:
    """A digest of every file the app runs (app.py, lib/, pages/, its Streamlit config and
    seed data): compared at the start and the end of a run to tell whether someone edited the
    app while it was measured."""
    import hashlib

    paths = [APP_PATH, REPO_DIR / ".streamlit" / "config.toml"]
    for folder in ("lib", "pages", "data/seed"):
        paths += sorted(p for p in (REPO_DIR / folder).rglob("*") if p.is_file())
    digests = {}
    for path in paths:
        if path.exists() and "__pycache__" not in path.parts:
            relative = path.relative_to(REPO_DIR).as_posix()
            digests[relative] = hashlib.sha256(path.read_bytes()).hexdigest()[:16]
    return digests


def changed_files(before: dict[str, str], after: dict[str, str]) -> list[str]:
    return sorted(name for name in set(before) | set(after) if before.get(name) != after.get(name))


def page_files() -> list[str]:
    """The page scripts, overview first (it is the default page), then by name."""
    names = sorted(path.stem for path in PAGES_DIR.glob("*.py") if not path.stem.startswith("_"))
    return sorted(names, key=lambda name: (name != "overview", name))


def ints(text: str) -> list[int]:
    """``"10,50,100"`` -> [10, 50, 100]; empty text -> []."""
    return [int(part) for part in text.split(",") if part.strip()] if text else []
