"""The concurrency part: waves of simultaneous browser-like sessions (``bench.sessions``) against
``streamlit run app.py`` on the largest warehouse, with the project's configuration and with the
server settings the findings suggest; the public page from several public-only processes; the
static public site served as plain files, for comparison; its target (50 sessions of the public
page) and its section of RESULTS.md. Not pure: it starts servers; the targets and the Markdown
are pure.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import tomllib
from pathlib import Path

from bench import sessions
from bench.common import REPO_DIR, Context, ints, page_files, target
from bench.markdown import sec, table, wave_cells

NAME = KEY = "concurrency"
SCALES = "top"
TARGET_CONCURRENT_SESSIONS = 50
TARGET_CONCURRENT_P95_S = 3.0
# Streamlit settings the findings suggest for production (.streamlit/config.toml); the
# concurrency part measures the server with them too, passed on the command line only.
TUNED_OPTIONS = {"server.fileWatcherType": "none", "runner.postScriptGC": "false"}


def options(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("concurrency")
    group.add_argument("--sessions", help="simultaneous sessions per wave (default 10,50,100)")
    group.add_argument(
        "--tuned-sessions", help="waves with the suggested server settings (default 50; '' = none)"
    )
    group.add_argument(
        "--processes",
        type=int,
        default=min(os.cpu_count() or 1, 4),
        help="public-only server processes for the scaled-out public page (default: cores)",
    )
    group.add_argument(
        "--scaled-sessions", help="waves against those processes (default 50; '' = none)"
    )
    group.add_argument("--sequential", type=int, help="one-at-a-time sessions per page")


def settle(args: argparse.Namespace) -> None:
    quick = args.quick
    args.sequential = args.sequential if args.sequential is not None else (0 if quick else 3)
    args.session_list = ints(args.sessions) if args.sessions else ([2] if quick else [10, 50, 100])
    if args.tuned_sessions is None:
        args.tuned_list = [] if quick else [50]
    else:
        args.tuned_list = ints(args.tuned_sessions)
    args.scaled_list = ints(args.scaled_sessions) if args.scaled_sessions else [2 if quick else 50]


def project_has(options: dict[str, str]) -> bool:
    """Does .streamlit/config.toml already set every one of these options?"""
    path = REPO_DIR / ".streamlit" / "config.toml"
    try:
        config = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    for key, value in options.items():
        section, name = key.split(".", 1)
        if str(config.get(section, {}).get(name, "")).lower() != value.lower():
            return False
    return True


def _servers(data_dir: Path, folder: Path, pages: list[str], args, log) -> dict:
    """The project's server, then the same with the suggested settings (unless it has them)."""
    log("  server with the project's configuration")
    one_by_one = {page: args.sequential for page in pages}
    sizes = args.session_list
    result = {
        "default": sessions.measure(
            data_dir, folder / "a", sizes, pages, log=log, sequential=one_by_one
        )
    }
    if args.tuned_list and project_has(TUNED_OPTIONS):
        result["tuned_skipped"] = "the project's .streamlit/config.toml already sets them"
    elif args.tuned_list:
        log(f"  server with {TUNED_OPTIONS}")
        tuned = sessions.measure(
            data_dir,
            folder / "b",
            args.tuned_list,
            pages,
            log=log,
            options=TUNED_OPTIONS,
            sequential={},
        )
        result["tuned"] = {"options": TUNED_OPTIONS, **tuned}
    return result


def measure(data_dir: Path, args: argparse.Namespace, log) -> dict:
    pages = ["overview"] + (["public"] if "public" in page_files() else [])
    result: dict = {
        "pages_requested": pages,
        "public_page": "public" in page_files(),
        "sessions": args.session_list,
    }
    with tempfile.TemporaryDirectory(prefix="idmaj-bench-server-") as folder:
        result |= _servers(data_dir, Path(folder), pages, args, log)
        if args.scaled_list and "public" in pages:
            result["public_processes"] = {}
            for count in sorted({1, args.processes}):
                log(f"  the public page from {count} public-only process(es)")
                result["public_processes"][str(count)] = sessions.public_processes(
                    data_dir, Path(folder) / f"c{count}", count, args.scaled_list, log=log
                )
    site = data_dir / "public" / "site"
    if (site / "index.html").exists():
        log("  the static public site (data/public/site), served as plain files")
        result["static_site"] = sessions.static_site(site, args.session_list, log=log)
    return result


def run(context: Context) -> None:
    measured = measure(context.warehouses[context.top], context.args, context.log)
    context.result[KEY] = {"scale": str(context.top), **measured}


# --- the target ------------------------------------------------------------------------------


def _p95(wave: dict | None, prefix: str) -> list[str]:
    if wave and wave.get("p95_s") is not None:
        return [f"{prefix}p95 {wave['p95_s']:.1f} s, {wave['errors']} errors"]
    return []


def _notes(concurrency: dict, page: str, size: str) -> str:
    """The target's detail: the same wave with the suggested settings, from several processes,
    and the static site."""
    notes = [] if page == "public" else ["no pages/public.py: measured on the overview"]
    tuned = concurrency.get("tuned", {}).get("pages", {}).get(page, {}).get("waves", {}).get(size)
    notes += _p95(tuned, "with the suggested server settings: ")
    for count, measured in sorted(
        concurrency.get("public_processes", {}).items(), key=lambda kv: int(kv[0])
    ):
        plural = "es" if int(count) > 1 else ""
        prefix = f"from {count} public-only process{plural}: "
        notes += _p95(measured.get("waves", {}).get(size), prefix)
    site = concurrency.get("static_site", {}).get("waves", {}).get(size)
    notes += _p95(site, f"the static public site (data/public/site) to {size} visitors: ")
    return "; ".join(notes)


def targets(result: dict) -> list[dict]:
    concurrency = result.get(KEY)
    if not concurrency:
        return []
    page = "public" if concurrency.get("public_page") else "overview"
    size = str(TARGET_CONCURRENT_SESSIONS)
    wave = concurrency.get("default", {}).get("pages", {}).get(page, {}).get("waves", {}).get(size)
    if not wave:
        measured, passed = "not measured in this run", None
    else:
        measured = (
            f"{wave['errors']} errors, p95 {wave['p95_s']:.1f} s" if wave["p95_s"] else "failed"
        )
        passed = wave["errors"] == 0 and (wave["p95_s"] or 1e9) < TARGET_CONCURRENT_P95_S
    return [
        target(
            "concurrency",
            f"{TARGET_CONCURRENT_SESSIONS} simultaneous sessions of the {page} page",
            f"0 errors, p95 < {TARGET_CONCURRENT_P95_S:.0f} s",
            measured,
            passed,
            _notes(concurrency, page, size),
            concurrency.get("scale"),
        )
    ]


# --- RESULTS.md ------------------------------------------------------------------------------

INTRO = (
    "`streamlit run app.py` on 127.0.0.1; light clients speak the browser's protocol "
    "(websocket `/_stcore/stream`, `BackMsg.rerun_script` with the page's "
    "`page_script_hash`, until `ForwardMsg.script_finished`). A wave's sessions start "
    "together and stay connected until the last one finishes. Time = connection to "
    "script finished. CPU = the server process's user+system time per session."
)
WAVE_HEADER = ["Server", "Page", "Sessions", "OK", "Errors", "p50 s", "p95 s", "max s"]
WAVE_HEADER += ["CPU s/session", "Server RSS MB", "KB sent/session"]


def _page_rows(name: str, page: str, entry: dict) -> list[list]:
    """The rows of one page on one server: one-at-a-time sessions, then each wave."""
    if "skipped" in entry:
        return [[name, page, entry["skipped"], "", "", "", "", "", "", "", ""]]
    rows = []
    seq = entry.get("sequential")
    if seq:
        rows.append(
            [
                name,
                page,
                f"1 at a time ×{seq['sessions']}",
                seq["sessions"] - seq["errors"],
                seq["errors"],
                sec(seq["p50_s"]),
                sec(seq["p95_s"]),
                "",
                sec(seq["cpu_per_run_s"]),
                "",
                f"{(seq.get('bytes_per_session') or 0) / 1024:.0f}",
            ]
        )
    for size, w in entry["waves"].items():
        rss = w["server_rss_mb"]
        rows.append(
            [
                name,
                page,
                size,
                *wave_cells(w),
                sec(w["server_cpu_per_session_s"]),
                f"{rss['before']:.0f} → {rss['peak']:.0f}",
                f"{w.get('bytes_per_session', 0) / 1024:.0f}",
            ]
        )
    return rows


def _waves(concurrency: dict) -> list[str]:
    rows = []
    for config, name in (("default", "project config"), ("tuned", "suggested settings")):
        measured = concurrency.get(config)
        for page, entry in (measured or {}).get("pages", {}).items():
            rows += _page_rows(name, page, entry)
    default = concurrency.get("default", {})
    out = [
        *table(WAVE_HEADER, rows),
        f"Server start (until /_stcore/health): {sec(default.get('server_start_s'))} s; first "
        f"session after start: {sec(default.get('first_session_s'))} s; server RSS idle "
        f"{default.get('server_rss_idle_mb', 0):.0f} MB, peak "
        f"{default.get('server_peak_rss_mb', 0):.0f} MB; "
        f"tracebacks in the server log: {default.get('server_tracebacks')}.",
    ]
    if concurrency.get("tuned"):
        options = ", ".join(f"`{k} = {v}`" for k, v in concurrency["tuned"]["options"].items())
        out += [f"*Suggested settings*: the same server started with {options}.", ""]
    if concurrency.get("tuned_skipped"):
        out += [
            "No separate run with the suggested server settings (`fileWatcherType = none`, "
            f"`postScriptGC = false`): {concurrency['tuned_skipped']}.",
            "",
        ]
    return out


def _public_processes(concurrency: dict) -> list[str]:
    scaled = concurrency.get("public_processes", {})
    rows = [
        [
            count,
            size,
            *wave_cells(w),
            " / ".join(sec(p["server_cpu_per_session_s"]) for p in w["per_process"]),
        ]
        for count, measured in sorted(scaled.items(), key=lambda kv: int(kv[0]))
        for size, w in measured.get("waves", {}).items()
    ]
    if not rows:
        return []
    header = ["Processes", "Sessions", "OK", "Errors", "p50 s", "p95 s", "max s"]
    return [
        "",
        "The public page from public-only servers (`IDMAJ_MODE=public`: they open only the "
        "read-only public snapshot, so several can run side by side), a wave's sessions "
        "split evenly between them as a reverse proxy with sticky sessions would:",
        "",
        *table([*header, "CPU s/session each"], rows),
    ]


def _static_site(concurrency: dict) -> list[str]:
    site = concurrency.get("static_site")
    if not site:
        return []
    rows = [
        [
            size,
            w["errors"],
            sec(w["p50_s"]),
            sec(w["p95_s"]),
            f"{w['bytes_per_visitor'] / 2**20:.1f}",
            f"{w['server_rss_mb']:.0f}",
        ]
        for size, w in site["waves"].items()
    ]
    return [
        "",
        "For comparison, the static public site that `lib.public.publish` writes "
        f"(`data/public/site/`: {', '.join(site['paths'])}) fetched by N simultaneous "
        f"visitors from {site['server']}:",
        "",
        *table(["Visitors", "Errors", "p50 s", "p95 s", "MB each", "Server RSS MB"], rows),
    ]


def section(result: dict) -> list[str]:
    concurrency = result.get(KEY)
    if not concurrency:
        return []
    out = [f"## Concurrent sessions (scale {concurrency.get('scale')})", "", INTRO, ""]
    if not concurrency.get("public_page"):
        out += ["`pages/public.py` does not exist: only the overview is measured.", ""]
    out += _waves(concurrency) + _public_processes(concurrency) + _static_site(concurrency)
    out.append("")
    return out
