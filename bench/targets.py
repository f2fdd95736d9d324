"""The targets of a run: every part's, in the parts' order, then the whole run's own (under ten
minutes for a full run); and the Targets table that opens RESULTS.md. Pure: a result in, target
rows or Markdown lines out."""

from __future__ import annotations

from bench import parts
from bench.common import target
from bench.markdown import table
from bench.parts import warehouses

TARGET_RUNTIME_S = 600.0


def _runtime(result: dict) -> list[dict]:
    runtime = result.get("duration_s")
    options = result.get("options", {})
    if runtime is None or not options.get("full"):
        return []
    return [
        target(
            "runtime",
            "`python -m bench` in total",
            f"< {TARGET_RUNTIME_S / 60:.0f} min",
            f"{runtime / 60:.1f} min",
            runtime < TARGET_RUNTIME_S,
            "warehouses reused" if options.get("reused_all") else "",
            None,
        )
    ]


def evaluate(result: dict) -> list[dict]:
    return [row for part in parts.MEASURED for row in part.targets(result)] + _runtime(result)


def _mark(passed) -> str:
    return {True: "✅ met", False: "❌ missed", None: "— not measured"}[passed]


def section(result: dict) -> list[str]:
    rows = [
        [t["target"], t["limit"], t["measured"], _mark(t["passed"]), t["detail"]]
        for t in result.get("targets", [])
    ]
    if not rows:
        return []
    head = ["## Targets", "", *warehouses.measured_at(result)]
    return head + table(["Target", "Limit", "Measured", "", "Detail"], rows)
