"""bench.parts.soak: its targets, section and plot from a soak's samples (pure; the soak itself
runs for 20 minutes with ``python -m bench --only soak --merge``), and what bench.soak reads."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from bench import report, soak
from bench.parts import soak as part


def _result(rss: list[float], fds: list[int], minutes: float = 24.0, errors: int = 0) -> dict:
    step = minutes / (len(rss) - 1)
    samples = [
        {"minute": round(i * step, 2), "rss_mb": mb, "fds": fd, "threads": 28, "cpu_s": i,
         "page_runs": 100 * i, "errors": errors if i else 0, "load_average": 2.0}
        for i, (mb, fd) in enumerate(zip(rss, fds, strict=True))
    ]  # fmt: skip
    return {
        "soak": {
            "plan": {"minutes": minutes, "clients": 3, "sample_s": 60, "import_every_s": 180},
            "warmup_minutes": 6.0,
            "samples": samples,
            "page_runs": samples[-1]["page_runs"],
            "sessions": 700,
            "sign_ins": 400,
            "errors": errors,
            "problems": ["admin overview ar: exception KeyError"] if errors else [],
            "imports": [{"import": 1, "code": 0, "s": 1.0}],
            "runs_by": {"role": {"public": 1500}, "page": {"home": 800}, "lang": {"fr": 900}},
            "run_p50_s": 0.4,
            "run_p95_s": 1.2,
            "server_peak_rss_mb": max(rss),
        }
    }


FLAT = [100.0] * 4 + [300.0] * 21  # a warm-up, then flat
FDS = [7] * 4 + [400] * 21


def test_a_flat_soak_meets_every_target():
    result = _result(FLAT, FDS)
    rows = {row["id"]: row for row in part.targets(result)}
    assert [rows[key]["passed"] for key in ("soak_runs", "soak_memory", "soak_flat")] == [True] * 3
    assert part.levels(result["soak"], "rss_mb") == (300.0, 300.0)
    assert rows["soak_memory"]["measured"] == "+0.0 % (300 → 300 MB)"


def test_memory_that_keeps_growing_or_descriptors_that_pile_up_miss():
    growing = [100.0] * 4 + [300.0 + 10 * i for i in range(21)]  # +~60 % after the warm-up
    piling = [7] * 4 + [400 + 20 * i for i in range(21)]
    rows = {row["id"]: row for row in part.targets(_result(growing, piling, errors=2))}
    assert not rows["soak_memory"]["passed"] and not rows["soak_flat"]["passed"]
    assert not rows["soak_runs"]["passed"] and "KeyError" in rows["soak_runs"]["detail"]
    assert part.growth(_result(growing, piling)["soak"]) > part.TARGET_GROWTH


def test_too_short_a_soak_is_not_a_soak():
    rows = {row["id"]: row for row in part.targets(_result(FLAT, FDS, minutes=5.0))}
    assert rows["soak_runs"]["passed"] is False


def test_the_section_and_the_plot(tmp_path):
    result = _result(FLAT, FDS)
    lines = part.section(result)
    assert lines[0] == "## Soak" and f"]({part.PLOT_NAME})" in "\n".join(lines)
    assert sum(line.startswith("| ") for line in lines) == 1 + 25  # header, one row a sample
    svg = ET.fromstring(part.files(result)[part.PLOT_NAME])
    assert svg.tag.endswith("svg")
    line = next(e for e in svg.iter() if e.tag.endswith("polyline"))
    assert len(line.get("points").split()) == 25
    assert report.write_files(tmp_path, result) == [tmp_path / part.PLOT_NAME]
    assert part.section({"options": {}}) == [] and part.files({}) == {}


def test_the_batch_an_import_printed_is_read_back():
    assert soak._batch_of("Header found.\nImport no. 12 saved (3 rows of beneficiaries).") == "12"
    assert soak._batch_of("nothing") is None
