"""The lighthouse part (``lighthouse`` on the command line): Lighthouse (pinned, installed from
the npm registry into .venv/node/lighthouse by ``bench/tools/install_lighthouse.sh``) with its
mobile settings (a 412 px phone, simulated slow 4G and a 4x slower CPU) in Debian's headless
chromium, on the static public site in its three languages and on the app's /public page.
Scores out of 100 for performance, accessibility, best practices and SEO, the bytes sent, the
requests and the timings behind the performance score; the audits that cost points.

The default data (scale 1) is built and published in a scratch folder, each in a child process;
the site is served by a local threaded HTTP server that compresses text with gzip and lets
browsers keep files an hour, as any static host or CDN does (``make serve``'s nginx does the
same for ``/site/``); the app by ``streamlit run app.py``. Not pure: it installs, builds and
starts servers; the targets and the Markdown are pure. Run it alone, its figures merged into
bench/RESULTS.md: ``python -m bench --only lighthouse --merge``.
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import gzip
import json
import mimetypes
import statistics
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from bench import sessions
from bench.common import BENCH_DIR, REPO_DIR, Context, child_env, load_average, target
from bench.markdown import table

NAME = KEY = "lighthouse"
SCALES = None  # it builds and publishes the default data itself
# Not part of a plain `python -m bench` (some 7 minutes: three runs of each page of the site, in
# every language): `python -m bench --only lighthouse --merge` puts its section into RESULTS.md.
DEFAULT = False
INSTALL = BENCH_DIR / "tools" / "install_lighthouse.sh"
LIGHTHOUSE = REPO_DIR / ".venv" / "node" / "lighthouse" / "node_modules" / ".bin" / "lighthouse"
CHROMIUM = Path("/usr/bin/chromium")
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
# The site's targets (issue 18): scores out of 100, and the bytes a first visit transfers.
SITE_TARGETS = {"performance": 90, "accessibility": 100, "best-practices": 95, "seo": 95}
TARGET_TRANSFER_KB = 600
APP_PAGES = {"fr": "public", "ar": "public?lang=ar"}
METRICS = {  # Lighthouse audit -> (column, unit it is shown in)
    "first-contentful-paint": "FCP s",
    "largest-contentful-paint": "LCP s",
    "total-blocking-time": "TBT ms",
    "cumulative-layout-shift": "CLS",
    "speed-index": "Speed index s",
}
RUN_TIMEOUT_S = 300
TEXT_TYPES = ("text/", "application/json", "application/javascript", "image/svg+xml")


def options(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("lighthouse")
    group.add_argument(
        "--lighthouse-runs",
        type=int,
        help="Lighthouse runs per page of the site, whose median is kept (default 3; 1 with "
        "--quick); the app's page is audited once",
    )
    group.add_argument(
        "--lighthouse-app",
        choices=("yes", "no"),
        help="also audit the app's /public page in French and Arabic (default yes)",
    )


def settle(args: argparse.Namespace) -> None:
    args.lighthouse_runs = max(1, args.lighthouse_runs or (1 if args.quick else 3))
    args.lighthouse_app = args.lighthouse_app or "yes"


# --- serving and auditing ------------------------------------------------------------------


class _StaticHandler(SimpleHTTPRequestHandler):
    """Files of one folder, text compressed with gzip when the browser accepts it, kept an hour
    by the browser: what a static host sends."""

    def log_message(self, *args) -> None:  # quiet: the benchmark logs what it measures
        pass

    def end_headers(self) -> None:
        self.send_header("Cache-Control", "public, max-age=3600")
        super().end_headers()

    def do_GET(self) -> None:
        path = Path(self.translate_path(self.path))
        kind = mimetypes.guess_type(path.name)[0] or ""
        gzipped = "gzip" in self.headers.get("Accept-Encoding", "")
        if not (gzipped and path.is_file() and kind.startswith(TEXT_TYPES)):
            super().do_GET()
            return
        body = gzip.compress(path.read_bytes(), compresslevel=6)
        self.send_response(200)
        self.send_header("Content-Type", f"{kind}; charset=utf-8" if "svg" not in kind else kind)
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Vary", "Accept-Encoding")
        self.end_headers()
        self.wfile.write(body)


@contextlib.contextmanager
def static_server(folder: Path) -> Iterator[str]:
    """The base URL of ``folder`` served on 127.0.0.1 while the block runs."""
    handler = functools.partial(_StaticHandler, directory=str(folder))
    server = ThreadingHTTPServer((sessions.HOST, sessions.free_port()), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://{sessions.HOST}:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


def install() -> str:
    """Install the pinned Lighthouse if it is missing; return its version."""
    subprocess.run(["sh", str(INSTALL)], cwd=REPO_DIR, check=True, timeout=900)
    completed = subprocess.run(
        [str(LIGHTHOUSE), "--version"], capture_output=True, text=True, check=True, timeout=60
    )
    return completed.stdout.strip()


def audit(url: str, out: Path) -> dict:
    """One Lighthouse run (mobile, the four categories) on ``url``; its report's figures."""
    command = [
        str(LIGHTHOUSE),
        url,
        "--output=json",
        f"--output-path={out}",
        "--quiet",
        "--form-factor=mobile",
        f"--only-categories={','.join(CATEGORIES)}",
        "--chrome-flags=--headless=new --no-sandbox --disable-dev-shm-usage",
    ]
    env = child_env(None, CHROME_PATH=str(CHROMIUM))
    completed = subprocess.run(
        command, env=env, capture_output=True, text=True, timeout=RUN_TIMEOUT_S, check=False
    )
    if completed.returncode != 0 or not out.exists():
        raise RuntimeError(f"lighthouse failed on {url}: {completed.stderr[-1500:]}")
    return report_figures(json.loads(out.read_text(encoding="utf-8")))


def report_figures(report: dict) -> dict:
    """What the benchmark keeps of a Lighthouse report: the scores (0-100), the bytes and
    requests, the timings, and every audit of the scored categories that is not passed."""
    audits = report["audits"]
    requests = audits.get("network-requests", {}).get("details", {}).get("items", [])
    failed = {}
    for category in CATEGORIES:
        for ref in report["categories"][category]["auditRefs"]:
            found = audits.get(ref["id"], {})
            if ref.get("weight") and found.get("score") is not None and found["score"] < 1:
                failed[ref["id"]] = found.get("displayValue") or found.get("title", "")
    metrics = {}
    for audit_id, column in METRICS.items():
        value = audits.get(audit_id, {}).get("numericValue")
        metrics[column] = None if value is None else value / (1000 if column.endswith(" s") else 1)
    return {
        "scores": {c: round(report["categories"][c]["score"] * 100) for c in CATEGORIES},
        "transfer_kb": audits["total-byte-weight"]["numericValue"] / 1000,
        "requests": len(requests),
        "metrics": metrics,
        "failed_audits": failed,
        "warnings": report.get("runWarnings", []),
    }


def median_run(runs: list[dict]) -> dict:
    """One page's figures over its runs: the median of every score and figure, the audits that
    failed in any run."""

    def median(values: list) -> float | None:
        present = [value for value in values if value is not None]
        return statistics.median(present) if present else None

    return {
        "runs": len(runs),
        "scores": {c: median([r["scores"][c] for r in runs]) for c in CATEGORIES},
        "transfer_kb": median([r["transfer_kb"] for r in runs]),
        "requests": median([r["requests"] for r in runs]),
        "metrics": {m: median([r["metrics"][m] for r in runs]) for m in METRICS.values()},
        "failed_audits": {k: v for r in runs for k, v in r["failed_audits"].items()},
        "warnings": sorted({w for r in runs for w in r["warnings"]}),
    }


def _publish(data_dir: Path, log) -> Path:
    """The default data built and published into ``data_dir``; the site's folder."""
    for command in ("build", "publish"):
        log(f"  python -m lib {command}")
        subprocess.run(
            [sys.executable, "-m", "lib", command],
            cwd=REPO_DIR,
            env=child_env(data_dir),
            capture_output=True,
            check=True,
            timeout=600,
        )
    return data_dir / "public" / "site"


def site_pages(site: Path) -> dict[str, str]:
    """The site's page of each language: index.html is French, the others are named after
    their language (ar.html, en.html...)."""
    others = sorted(path.name for path in site.glob("*.html") if path.name != "index.html")
    return {"fr": "index.html"} | {Path(name).stem: name for name in others}


def _audited(base: str, pages: dict[str, str], work: Path, runs: int, log, label: str) -> dict:
    measured = {}
    for lang, path in pages.items():
        log(f"  {label} {lang}: {runs} Lighthouse run(s) of {path}")
        reports = [audit(base + path, work / f"{label}-{lang}-{i}.json") for i in range(runs)]
        measured[lang] = {"path": path} | median_run(reports)
    return measured


def run(context: Context) -> None:
    args, log = context.args, context.log
    work = context.scratch("lighthouse")
    version = install()
    site = _publish(work / "data", log)
    result: dict = {"version": version, "runs": args.lighthouse_runs, "chromium": str(CHROMIUM)}
    result["load_average"] = [load_average()]
    with static_server(site) as base:
        pages = site_pages(site)
        result["site"] = _audited(base, pages, work, args.lighthouse_runs, log, "site")
    if args.lighthouse_app == "yes":
        with sessions.Server(work / "data", work / "app.log") as server:
            server.start()
            base = f"http://{sessions.HOST}:{server.port}/"
            result["app"] = _audited(base, APP_PAGES, work, 1, log, "app")
    result["load_average"].append(load_average())
    context.result[KEY] = result


# --- the targets ---------------------------------------------------------------------------

LABELS = {
    "performance": "performance",
    "accessibility": "accessibility",
    "best-practices": "best practices",
    "seo": "SEO",
}


def _by_language(site: dict, value) -> str:
    return ", ".join(f"{lang} {value(entry)}" for lang, entry in site.items())


def targets(result: dict) -> list[dict]:
    site = result.get(KEY, {}).get("site")
    if not site:
        return []
    rows = []
    for category, limit in SITE_TARGETS.items():
        worst = min(entry["scores"][category] for entry in site.values())
        rows.append(
            target(
                f"lighthouse_{category}",
                f"Lighthouse (mobile) {LABELS[category]} of the static site, every language",
                f">= {limit}" if limit < 100 else "100",
                f"{worst:.0f} (lowest)",
                worst >= limit,
                _by_language(site, lambda e, c=category: f"{e['scores'][c]:.0f}"),
            )
        )
    heaviest = max(entry["transfer_kb"] for entry in site.values())
    rows.append(
        target(
            "lighthouse_transfer",
            "bytes a first visit of the static site transfers (Lighthouse, mobile)",
            f"<= {TARGET_TRANSFER_KB} kB",
            f"{heaviest:.0f} kB (heaviest)",
            heaviest <= TARGET_TRANSFER_KB,
            _by_language(site, lambda e: f"{e['transfer_kb']:.0f} kB"),
        )
    )
    return rows


# --- RESULTS.md ----------------------------------------------------------------------------


def _number(value, digits: int = 0) -> str:
    return "—" if value is None else f"{value:,.{digits}f}"


def _rows(label: str, pages: dict) -> list[list]:
    rows = []
    for lang, entry in pages.items():
        metrics = entry["metrics"]
        rows.append(
            [
                f"{label} `{entry['path']}` ({lang})",
                *(_number(entry["scores"][c]) for c in CATEGORIES),
                _number(entry["transfer_kb"]),
                _number(entry["requests"]),
                *(
                    _number(metrics[m], 3 if m == "CLS" else 0 if m.endswith("ms") else 1)
                    for m in METRICS.values()
                ),
            ]
        )
    return rows


def _failed_lines(measured: dict) -> list[str]:
    lines = []
    for label in ("site", "app"):
        for lang, entry in measured.get(label, {}).items():
            failed = entry["failed_audits"]
            if failed:
                said = "; ".join(f"`{key}` {value}".strip() for key, value in failed.items())
                lines.append(f"- {label} ({lang}): {said}")
    if not lines:
        return ["Every scored audit passed on every page.", ""]
    return ["Audits that cost points (any run):", "", *lines, ""]


def _loads(measured: dict) -> str:
    loads = measured.get("load_average") or []
    return f"{loads[0]} at the start, {loads[1]} at the end" if len(loads) == 2 else "—"


def section(result: dict) -> list[str]:
    measured = result.get(KEY)
    if not measured:
        return []
    header = ["Page", "Performance", "Accessibility", "Best practices", "SEO"]
    header += ["Transfer kB", "Requests", *METRICS.values()]
    rows = _rows("site", measured.get("site", {})) + _rows("app", measured.get("app", {}))
    return [
        "## Lighthouse: the public site and the public page",
        "",
        f"Lighthouse {measured['version']} in Debian's headless chromium, mobile settings (a "
        "412 px phone, simulated slow 4G, 4x CPU slowdown); each page of the site the median "
        f"of {measured['runs']} run(s), the app's page one run. *site*: the static site that "
        "`python -m lib publish` writes (default data), served by a local HTTP server with gzip "
        "and an hour's cache, as a static host serves it; *app*: the app's /public page "
        "(`streamlit run app.py`). Targets for the site: performance >= 90, accessibility 100, "
        f"best practices >= 95, SEO >= 95, at most {TARGET_TRANSFER_KB} kB; the app's page has "
        "none (Streamlit's own bundle weighs several MB). The blocking time is the main "
        "thread's observed work times four, so other work on the machine lowers the score: "
        f"load average {_loads(measured)}.",
        "",
        *table(header, rows),
        *_failed_lines(measured),
    ]
