"""The warehouses every part measures: one per demo scale under bench/warehouses/ (git-ignored),
built once by the project's own commands and reused while its ``build_info`` names the same
scale, seed and generator version and the files that shape it (schema, aggregate and seed
scripts, seed CSVs) have not changed since (a fingerprint kept next to it; ``--rebuild`` forces
a new build); and the *Warehouses* section of RESULTS.md. Not pure: it runs the builds.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import sys
import time
from pathlib import Path

import duckdb

from bench.common import REPO_DIR, child_env
from bench.markdown import sec, table

WAREHOUSE_NAME = "idmaj.duckdb"
STAMP_NAME = "bench_build.json"
SHAPING_FILES = (
    "lib/warehouse/schema.sql",
    "lib/warehouse/sql/build/load_seed.sql",
    "lib/warehouse/sql/build/refresh_aggregates.sql",
)
BUILD_TIMEOUT_S = 600


def folder_for(root: Path, scale: int) -> Path:
    return root / f"scale-{scale}"


def fingerprint() -> str:
    """A digest of what decides a warehouse's content besides scale, seed and generator."""
    digest = hashlib.sha256()
    paths = [REPO_DIR / name for name in SHAPING_FILES]
    paths += sorted((REPO_DIR / "data" / "seed").glob("*.csv"))
    for path in paths:
        if path.exists():
            digest.update(path.relative_to(REPO_DIR).as_posix().encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def read_build_info(path: Path) -> dict[str, str]:
    try:
        con = duckdb.connect(str(path), read_only=True)
    except duckdb.Error:
        return {}
    try:
        return dict(con.execute("SELECT key, value FROM build_info").fetchall())
    except duckdb.Error:
        return {}
    finally:
        con.close()


def record_counts(path: Path) -> dict[str, int]:
    con = duckdb.connect(str(path), read_only=True)
    try:
        return {
            table: con.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
            for table in ("beneficiary", "placement", "intervention")
        }
    finally:
        con.close()


def _expected(scale: int) -> dict[str, str]:
    from lib.warehouse import demo

    return {
        "generator_version": str(demo.GENERATOR_VERSION),
        "demo_scale": str(scale),
        "demo_seed": str(demo.DEFAULT_SEED),
    }


def is_current(folder: Path, scale: int) -> bool:
    """True when the warehouse in ``folder`` was built at ``scale`` by this generator."""
    path = folder / WAREHOUSE_NAME
    stamp = folder / STAMP_NAME
    if not path.exists() or not stamp.exists():
        return False
    info = read_build_info(path)
    if any(info.get(key) != value for key, value in _expected(scale).items()):
        return False
    try:
        return json.loads(stamp.read_text(encoding="utf-8")).get("fingerprint") == fingerprint()
    except (OSError, ValueError):
        return False


def _run_lib(args: list[str], folder: Path) -> float:
    """``python -m lib <args>`` (the project's command line) on ``folder``; its seconds."""
    started = time.perf_counter()
    completed = subprocess.run(
        [sys.executable, "-m", "lib", *args],
        cwd=REPO_DIR,
        env=child_env(folder),
        capture_output=True,
        text=True,
        timeout=BUILD_TIMEOUT_S,
        check=False,
    )
    if completed.returncode != 0:
        tail = "\n".join(completed.stderr.splitlines()[-20:])
        raise RuntimeError(f"python -m lib {' '.join(args)} failed:\n{tail}")
    return time.perf_counter() - started


def has_publish_step() -> bool:
    return (REPO_DIR / "lib" / "public" / "publish.py").exists()


def ensure(root: Path, scale: int, rebuild: bool = False, log=print) -> dict:
    """Build (or reuse) the warehouse of one scale, and its public snapshot when the app has one.

    Both are written by the project's own command line (``python -m lib build``, ``python -m
    lib publish``) in child processes, so what is measured is what a deployment would run.
    """
    folder = folder_for(root, scale)
    result: dict = {"scale": scale, "data_dir": str(folder)}
    if not rebuild and is_current(folder, scale):
        result["reused"] = True
    else:
        log(f"  building scale {scale} in {folder} ...")
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True, exist_ok=True)
        result["build_s"] = _run_lib(["build", "--scale", str(scale)], folder)
        if not (folder / WAREHOUSE_NAME).exists():
            raise RuntimeError(f"python -m lib build --scale {scale} wrote no {WAREHOUSE_NAME}")
        result["reused"] = False
        (folder / STAMP_NAME).write_text(
            json.dumps({"fingerprint": fingerprint(), "scale": scale}) + "\n", encoding="utf-8"
        )
    public = folder / "public" / "public.duckdb"
    if has_publish_step() and (not result["reused"] or not public.exists()):
        shutil.rmtree(folder / "public", ignore_errors=True)
        result["publish_s"] = _run_lib(["publish"], folder)
    result["build_info"] = read_build_info(folder / WAREHOUSE_NAME)
    result["records"] = record_counts(folder / WAREHOUSE_NAME)
    result["warehouse_mb"] = round((folder / WAREHOUSE_NAME).stat().st_size / 2**20, 1)
    return result


# --- RESULTS.md ------------------------------------------------------------------------------


def measured_at(result: dict) -> list[str]:
    """The sentence under the Targets heading: the records of the largest warehouse."""
    warehouses = result.get("warehouses", {})
    if not warehouses:
        return []
    top = max(warehouses, key=int)
    records = warehouses[top]["records"]
    return [
        f"Measured at demo scale {top}: {records['beneficiary']:,} beneficiaries, "
        f"{records['placement']:,} placements, {records['intervention']:,} interventions "
        "(the startup target at scale 1).",
        "",
    ]


def section(result: dict) -> list[str]:
    warehouses = result.get("warehouses", {})
    if not warehouses:
        return []
    rows = []
    for scale, w in sorted(warehouses.items(), key=lambda kv: int(kv[0])):
        r = w["records"]
        built = "reused" if w["reused"] else f"built in {w.get('build_s', 0):.1f} s"
        rows.append(
            [
                scale,
                f"{r['beneficiary']:,}",
                f"{r['placement']:,}",
                f"{r['intervention']:,}",
                w["warehouse_mb"],
                built,
                sec(w.get("publish_s")) if "publish_s" in w else "—",
            ]
        )
    header = ["Scale", "Beneficiaries", "Placements", "Interventions", "File MB", "This run"]
    out = ["## Warehouses", "", *table([*header, "lib publish s"], rows)]
    out += [
        "Built by `python -m lib build --scale N` (then `python -m lib publish`) under "
        "`bench/warehouses/scale-N/`, reused while `build_info` (scale, seed, generator "
        "version) and the schema/seed files match.",
        "",
    ]
    return out
