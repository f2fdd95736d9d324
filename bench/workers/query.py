"""Worker: one query path in its own process, every captured query timed, peak memory read
(``python -m bench.workers.query --engine duckdb|pandas --plan plan.json --repeats N --out
x.json``). ``duckdb``: the app's path, ``lib.warehouse.db`` with ``Database.execute_uncached``
(no result cache) against the pre-aggregated tables; each call runs once first (kept as
``first_s``, not in the statistics: DuckDB reads the blocks into its buffer pool), then
``repeats`` times. ``pandas``: ``bench.workers.pandas_way``, records loaded with ``SELECT *``
then masked and grouped; the first run counts, then ``repeats`` more. Runs go round-robin over
all calls so that drift hits every query alike. The first result of each call is kept for the
comparison. Peak memory is this process's VmHWM.
"""

from __future__ import annotations

import argparse
import gc
import json
import pickle
import time
from pathlib import Path

from bench.common import peak_rss_mb, rss_mb, summary, write_json
from bench.frames import to_rows


def call_key(call: dict) -> str:
    return json.dumps([call["db"], call["name"], call["params"]], sort_keys=True)


def unique_calls(plan: dict) -> list[dict]:
    seen: dict[str, dict] = {}
    for page in plan["pages"].values():
        for scenario in page["scenarios"].values():
            for call in scenario["calls"]:
                seen.setdefault(call_key(call), call)
    return list(seen.values())


def _measure(calls: list[dict], runner, repeats: int, count_first: bool = False) -> dict:
    """Time each call once (result kept), then ``repeats`` more times round-robin.

    ``count_first``: the first run is a sample too (the pandas way has no cache to warm, and
    a pass over every query takes ~20 s at 10 M records).
    """
    out = {}
    for call in calls:
        started = time.perf_counter()
        frame = runner(call)
        first = time.perf_counter() - started
        samples = [first] if count_first else []
        out[call_key(call)] = {**call, "first_s": first, "samples": samples}
        out[call_key(call)]["result"] = to_rows(frame)
    for _ in range(repeats):
        for call in calls:
            started = time.perf_counter()
            runner(call)
            out[call_key(call)]["samples"].append(time.perf_counter() - started)
    for entry in out.values():
        entry["timing"] = summary(entry.pop("samples"))
    return out


def run_duckdb(plan: dict, repeats: int) -> dict:
    from lib.config import get_settings
    from lib.warehouse import db

    baseline = rss_mb()
    settings = get_settings()
    public_path = settings.public_dir / "public.duckdb"

    def database(label: str):
        if label == "warehouse":
            return db.get_database()
        if label == "public" and hasattr(db, "get_public_database"):
            return db.get_public_database()
        return db.Database(public_path, read_only=True)

    started = time.perf_counter()
    database("warehouse").execute_fn(lambda cursor: None)  # opens the connection
    connect_s = time.perf_counter() - started
    calls = unique_calls(plan)

    def runner(call):
        return database(call["db"]).execute_uncached(call["name"], **call["params"])

    measured = _measure(calls, runner, repeats)
    return {
        "engine": "duckdb",
        "connect_s": connect_s,
        "calls": measured,
        "rss": {"baseline_mb": baseline, "peak_mb": peak_rss_mb(), "end_mb": rss_mb()},
    }


def run_pandas(plan: dict, repeats: int, cache_copy: bool = True) -> dict:
    import duckdb

    from bench.workers import pandas_way
    from lib.config import get_settings

    baseline = rss_mb()
    con = duckdb.connect(str(get_settings().warehouse_path), read_only=True)
    started = time.perf_counter()
    frames, load_seconds = pandas_way.load(con)
    load_s = time.perf_counter() - started
    con.close()
    calls = [
        c for c in unique_calls(plan) if c["db"] == "warehouse" and c["name"] in pandas_way.QUERIES
    ]
    skipped = [c for c in unique_calls(plan) if c not in calls]

    def runner(call):
        return pandas_way.run(frames, call["name"], call["params"])

    measured = _measure(calls, runner, repeats, count_first=True)
    result = {
        "engine": "pandas",
        "load_s": load_s,
        "load_seconds_by_table": load_seconds,
        "frames_mb": pandas_way.frames_nbytes(frames) / 2**20,
        "rows": {t: len(frames[t]) for t in pandas_way.RECORD_TABLES},
        "calls": measured,
        "skipped": [{"db": c["db"], "name": c["name"]} for c in skipped],
        "rss": {"baseline_mb": baseline, "peak_mb": peak_rss_mb(), "end_mb": rss_mb()},
    }
    if cache_copy:
        # st.cache_data hands every rerun an unpickled copy of what it cached: what that costs.
        records = {t: frames[t] for t in pandas_way.RECORD_TABLES}
        stored = pickle.dumps(records, protocol=pickle.HIGHEST_PROTOCOL)
        started = time.perf_counter()
        copy = pickle.loads(stored)
        result["cache_data_copy_s"] = time.perf_counter() - started
        result["cache_data_bytes_mb"] = len(stored) / 2**20
        del copy, stored
        gc.collect()
        result["rss"]["peak_with_cache_data_copy_mb"] = peak_rss_mb()
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.workers.query",
        description="Every captured query timed on one path (DuckDB or pandas); peak memory.",
    )
    parser.add_argument("--engine", choices=("duckdb", "pandas"), required=True)
    parser.add_argument("--plan", type=Path, required=True)
    parser.add_argument("--repeats", type=int, default=10)
    parser.add_argument("--no-cache-copy", action="store_true")
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args(argv)
    plan = json.loads(args.plan.read_text(encoding="utf-8"))
    if args.engine == "duckdb":
        result = run_duckdb(plan, args.repeats)
    else:
        result = run_pandas(plan, args.repeats, cache_copy=not args.no_cache_copy)
    write_json(args.out, result)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
