"""``python -m bench --quick`` runs end to end and both query paths give the same numbers.

The benchmark runs in a subprocess against temporary folders (``--out``, ``--warehouses``), so
the committed bench/RESULTS.md and bench/results/latest.json are never rewritten. No timing is
asserted: only the structure of the result, that nothing failed, and that the DuckDB path and
the pandas way agree cell by cell.
"""

from __future__ import annotations

import copy
import json
import math
import os
import subprocess
import sys
from pathlib import Path

import pytest

from bench import parts, regressions
from bench.common import page_files

REPO = Path(__file__).resolve().parent.parent
COMMITTED = (REPO / "bench" / "RESULTS.md", REPO / "bench" / "results" / "latest.json")
TIMEOUT_S = 300  # a bound, not an assertion: the quick run takes well under a minute


def _timing(value: dict) -> None:
    assert set(value) >= {"n", "median_s", "p95_s", "min_s", "max_s"}
    assert value["n"] >= 1
    assert 0 <= value["min_s"] <= value["median_s"] <= value["max_s"]
    assert value["median_s"] <= value["p95_s"] <= value["max_s"]


@pytest.fixture(scope="module")
def quick_run(tmp_path_factory) -> tuple[dict, Path, str]:
    folder = tmp_path_factory.mktemp("bench")
    before = {path: path.stat().st_mtime_ns for path in COMMITTED if path.exists()}
    env = {k: v for k, v in os.environ.items() if not k.startswith("IDMAJ_")}
    command = [sys.executable, "-m", "bench", "--quick", "--out", str(folder / "out")]
    command += ["--warehouses", str(folder / "warehouses"), "--baseline", "none"]
    completed = subprocess.run(
        command,
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=TIMEOUT_S,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr[-4000:]
    after = {path: path.stat().st_mtime_ns for path in COMMITTED if path.exists()}
    assert after == before, "the quick run must not rewrite the committed results"
    result = json.loads((folder / "out" / "results" / "latest.json").read_text("utf-8"))
    return result, folder / "out", completed.stderr


@pytest.mark.slow
def test_result_describes_the_run_and_the_machine(quick_run):
    result, out, _ = quick_run
    assert result["schema"] == 1
    assert result["errors"] == {}
    assert result["options"]["quick"] is True
    machine = result["machine"]
    assert machine["cpu_count"] >= 1 and machine["memory_gb"] > 0
    assert {"duckdb", "pandas", "streamlit"} <= {k for k, v in machine["versions"].items() if v}
    assert machine["python"].count(".") == 2
    records = result["warehouses"]["1"]["records"]
    assert all(records[table] > 0 for table in ("beneficiary", "placement", "intervention"))
    assert result["warehouses"]["1"]["build_info"]["demo_scale"] == "1"
    markdown = (out / "RESULTS.md").read_text("utf-8")
    headings = ["## Machine", "## Targets", "## Warehouses", "## Queries", "## Pages through"]
    headings += ["## Startup", "## Concurrent sessions", "## Regressions", "## Reproduce"]
    positions = [markdown.find(heading) for heading in headings]
    assert -1 not in positions and positions == sorted(positions), positions
    dated = [p for p in (out / "results").glob("*.json") if p.name != "latest.json"]
    assert len(dated) == 1


@pytest.mark.slow
def test_every_page_and_its_queries_are_listed(quick_run):
    result, _, _ = quick_run
    assert set(result["plan"]) == set(page_files())
    for page, entry in result["plan"].items():
        assert entry["file"] == f"pages/{page}.py"
        for view in entry["views"].values():
            assert view["queries"], page
            assert view["exceptions"] == [], (page, view["exceptions"])


@pytest.mark.slow
def test_both_query_paths_agree_on_the_numbers(quick_run):
    result, _, _ = quick_run
    queries = result["queries"]["1"]
    assert queries["agreement"]["all_agree"] is True
    assert queries["agreement"]["compared"] >= 10
    compared = 0
    for label, call in queries["calls"].items():
        _timing(call["duckdb"])
        if call["pandas"] is None:
            continue
        compared += 1
        _timing(call["pandas"])
        assert call["agree"] is True, (label, call.get("problem"))
        assert math.isclose(call["numeric_total"], call["pandas_numeric_total"], rel_tol=1e-9)
        assert call["speedup"] > 0
    assert compared == queries["agreement"]["compared"]
    for memory in (queries["duckdb"]["rss"], queries["pandas"]["rss"]):
        assert memory["peak_mb"] >= memory["baseline_mb"] > 0


@pytest.mark.slow
def test_every_page_renders_cold_and_warm(quick_run):
    result, _, _ = quick_run
    apptest = result["apptest"]["1"]
    assert set(apptest["pages"]) == set(page_files())
    for page, entry in apptest["pages"].items():
        _timing(entry["cold"])
        _timing(entry["warm"])
        assert entry["problems"] == [], (page, entry["problems"])


@pytest.mark.slow
def test_startup_and_concurrent_sessions_ran_without_errors(quick_run):
    result, _, _ = quick_run
    startup = result["startup"]
    assert startup["problems"] == []
    _timing(startup["total"])
    assert (
        all(run["public_snapshot_written"] for run in startup["runs"])
        or not (REPO / "lib" / "public" / "publish.py").exists()
    )
    default = result["concurrency"]["default"]
    assert default["first_session_problems"] == []
    assert default["server_tracebacks"] == 0
    for page in result["concurrency"]["pages_requested"]:
        entry = default["pages"][page]
        assert "skipped" not in entry, entry
        for size, wave in entry["waves"].items():
            assert wave["sessions"] == int(size)
            assert wave["errors"] == 0, (page, wave["problems"])
            assert wave["p50_s"] <= wave["p95_s"] <= wave["max_s"]
            assert wave["server_rss_mb"]["peak"] > 0
    extras = [result["concurrency"].get("static_site", {})]
    extras += result["concurrency"].get("public_processes", {}).values()
    for extra in extras:
        for wave in extra.get("waves", {}).values():
            assert wave["errors"] == 0, wave


@pytest.mark.slow
def test_targets_are_evaluated(quick_run):
    result, _, _ = quick_run
    targets = {target["id"]: target for target in result["targets"]}
    expected = {"query_median", "speedup", "memory", "agreement", "apptest_cold", "apptest_warm"}
    assert expected | {"startup", "concurrency"} <= set(targets)
    assert targets["agreement"]["passed"] is True
    for target in targets.values():
        assert target["passed"] in (True, False, None)
        assert target["limit"] and target["measured"]


@pytest.mark.slow
def test_a_slower_median_is_flagged_as_a_regression(quick_run):
    result, _, _ = quick_run
    assert regressions.compare_with(None, result)["flagged"] == []
    assert regressions.compare_with(result, result)["flagged"] == []
    before, after = copy.deepcopy(result), copy.deepcopy(result)
    label = next(iter(result["queries"]["1"]["calls"]))
    before["queries"]["1"]["calls"][label]["duckdb"]["median_s"] = 0.010
    after["queries"]["1"]["calls"][label]["duckdb"]["median_s"] = 0.020
    flagged = regressions.compare_with(before, after)["flagged"]
    assert [f["metric"] for f in flagged] == [f"queries/1/calls/{label}/duckdb/median_s"]
    assert flagged[0]["ratio"] == pytest.approx(2.0)


def test_a_part_measured_again_updates_the_comparisons_rows():
    """After a merge, the comparison's rows give the new figure of the part measured again: a
    wave now faster than its baseline leaves the slower list; a gain shows its new size."""

    def wave(p50: float) -> dict:
        return {"default": {"pages": {"public": {"waves": {"50": {"p50_s": p50}}}}}}

    metric = "concurrency/default/pages/public/waves/50/p50_s"
    row = {"metric": metric, "before_s": 2.0, "after_s": 3.0, "ratio": 1.5}
    comparison = {"baseline": "2026-11-29", "flagged": [row], "largest_gains": []}
    faster = regressions.refreshed(comparison, {"concurrency": wave(1.0)})
    assert faster["flagged"] == [] and faster["baseline"] == "2026-11-29"
    gains = regressions.refreshed(comparison | {"flagged": [], "largest_gains": [row]},
                                  {"concurrency": wave(0.5)})  # fmt: skip
    assert gains["largest_gains"][0]["after_s"] == 0.5
    assert gains["largest_gains"][0]["ratio"] == pytest.approx(0.25)


def test_every_part_owns_its_options_run_targets_and_section():
    names = [part.NAME for part in parts.MEASURED]
    assert names[:6] == ["queries", "apptest", "startup", "concurrency", "serve", "profile"]
    assert names[-1] == "soak" and "soak" not in parts.DEFAULT_NAMES  # 20 minutes: asked for
    for part in parts.MEASURED:
        assert part.SCALES in ("all", "top", None), part.NAME
        for function in ("options", "settle", "run", "targets", "section"):
            assert callable(getattr(part, function)), (part.NAME, function)
        assert part.section({"options": {}}) == [], part.NAME
        assert part.targets({}) == [], part.NAME


def _serve_result(others_cores: float) -> dict:
    wave = {
        "sessions": 50,
        "ok": 50,
        "errors": 0,
        "p50_s": 2.0,
        "p95_s": 2.5,
        "max_s": 2.6,
        "server_cpu_per_session_s": 0.1,
        "worker_cpu_s": [2.5, 2.4],
        "nginx_cpu_per_session_s": 0.001,
        "server_rss_mb": {"before": 500.0, "peak": 550.0},
        "others_cores": others_cores,
        "load_average": [3.25, 2.0, 1.0],
    }
    serve = {"scale": "1100", "workers": 2, "sessions": [50], "pages_requested": ["public"]}
    serve["pages"] = {"public": {"waves": {"50": wave}}}
    return {"machine": {"cpu_count": 2}, "serve": serve}


def test_the_serve_section_says_how_busy_the_machine_was():
    serve_part = next(part for part in parts.MEASURED if part.NAME == "serve")
    busy = "\n".join(serve_part.section(_serve_result(1.2)))
    row = next(line for line in busy.splitlines() if line.startswith("| public | 50 |"))
    assert row.endswith("| 2.5 / 2.4 | 1.0 | 500 → 550 | 1.20 | 3.2 |")
    assert "**The machine was busy.** Other work kept up to 1.2 of its 2 cores busy" in busy
    assert "load average up to 3.2" in busy
    assert "`python -m bench --only concurrency,serve --merge`" in busy
    quiet = "\n".join(serve_part.section(_serve_result(0.1)))
    assert "The machine was busy" not in quiet
    (met,) = serve_part.targets(_serve_result(0.1))
    assert met["passed"] is True and met["measured"] == "0 errors, p95 2.5 s"
