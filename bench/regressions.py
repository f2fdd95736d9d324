"""The comparison of a result with the previous one: every median found in both, the ones more
than 20 % (and 2 ms) slower flagged, the largest gains listed; and its section of RESULTS.md.
Pure: results in, a comparison or Markdown lines out."""

from __future__ import annotations

from bench.markdown import ms, table

REGRESSION_RATIO = 1.20  # flag a median more than 20 % slower...
REGRESSION_MIN_S = 0.002  # ...and slower by at least 2 ms (sub-millisecond noise is not news)
MEDIAN_KEYS = ("median_s", "p50_s")
NOT_COMPARED = ("profile", "runs", "machine", "targets", "regressions")


def medians(data, path: tuple[str, ...] = ()) -> dict[str, float]:
    """Every median in a result, keyed by its path ("queries/1100/calls/<query>/duckdb")."""
    found: dict[str, float] = {}
    if isinstance(data, dict):
        for key, value in data.items():
            if key in NOT_COMPARED:
                continue
            if key in MEDIAN_KEYS and isinstance(value, int | float):
                found["/".join(path) + f"/{key}"] = float(value)
            else:
                found.update(medians(value, (*path, str(key))))
    return found


def compare_with(baseline: dict | None, result: dict) -> dict:
    if not baseline:
        return {"baseline": None, "compared": 0, "flagged": [], "faster": 0}
    before, after = medians(baseline), medians(result)
    flagged, faster, compared = [], [], 0
    for key, new in after.items():
        old = before.get(key)
        if old is None or old <= 0:
            continue
        compared += 1
        change = {"metric": key, "before_s": old, "after_s": new, "ratio": new / old}
        if new > old * REGRESSION_RATIO and new - old >= REGRESSION_MIN_S:
            flagged.append(change)
        elif new < old / REGRESSION_RATIO and old - new >= REGRESSION_MIN_S:
            faster.append(change)
    flagged.sort(key=lambda f: -f["ratio"])
    faster.sort(key=lambda f: f["before_s"] - f["after_s"], reverse=True)
    return {
        "baseline": baseline.get("started_at"),
        "baseline_commit": baseline.get("machine", {}).get("git_commit"),
        "baseline_load_average": baseline.get("machine", {}).get("load_average_start"),
        "compared": compared,
        "flagged": flagged,
        "faster": len(faster),
        "largest_gains": faster[:15],
        "rule": f"median > {REGRESSION_RATIO:.2f}x the previous one and >= "
        f"{REGRESSION_MIN_S * 1000:.0f} ms slower",
    }


def refreshed(regressions: dict, result: dict) -> dict:
    """The comparison of a full run, its listed medians read again from ``result`` (parts
    measured again and merged in since): a row keeps its baseline, takes the new figure, and
    stays only while it is still slower (or faster) by the rule."""
    now = medians(result)

    def kept(rows: list[dict], slower: bool) -> list[dict]:
        out = []
        for row in rows:
            new, old = now.get(row["metric"], row["after_s"]), row["before_s"]
            ratio, gap = new / old, (new - old if slower else old - new)
            holds = ratio > REGRESSION_RATIO if slower else ratio < 1 / REGRESSION_RATIO
            if holds and gap >= REGRESSION_MIN_S:
                out.append(row | {"after_s": new, "ratio": ratio})
        return out

    if not regressions.get("baseline"):
        return regressions
    return regressions | {
        "flagged": kept(regressions["flagged"], slower=True),
        "largest_gains": kept(regressions.get("largest_gains", []), slower=False),
    }


def _rows(changes: list[dict]) -> list[list]:
    return [
        [f"`{f['metric']}`", ms(f["before_s"]), ms(f["after_s"]), f"{f['ratio']:.2f}x"]
        for f in changes
    ]


def section(result: dict) -> list[str]:
    regressions = result.get("regressions", {})
    out = ["## Regressions against the previous result", ""]
    if not regressions.get("baseline"):
        out += ["No previous result to compare with.", ""]
        return out
    out += [
        f"Previous: {regressions['baseline']} (commit {regressions.get('baseline_commit')}, "
        f"load average {regressions.get('baseline_load_average')}). Rule: {regressions['rule']}. "
        f"{regressions['compared']} medians compared, {len(regressions['flagged'])} slower, "
        f"{regressions['faster']} faster.",
        "",
    ]
    header = ["Metric", "Before ms", "After ms", "Ratio"]
    if regressions["flagged"]:
        out += ["Slower (a few milliseconds at scale 1 are usually noise; rerun to confirm):", ""]
        out += table(header, _rows(regressions["flagged"][:30]))
    if regressions.get("largest_gains"):
        out += ["Largest gains (by time saved):", ""]
        out += table(header, _rows(regressions["largest_gains"]))
    return out
