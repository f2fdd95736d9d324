"""The nginx in front of the workers: its configuration, written from
``templates/nginx.conf.j2`` into the run folder (``data/serve/``, where its pid, logs and
temporary files live too, so it never touches /etc), and the command lines that check and run
it. The content security policy is built here: Streamlit's pages run script files of their own
origin and inline scripts only by their hashes, read at each start (the one of the installed
Streamlit's ``index.html``, so an upgrade gets the right hash, and the app's constant scripts of
``lib/ui/static/``); the static site gets a policy of its own, and its chart pages, made to be
embedded by other sites, one that lets them be framed. Pure but for the files it writes and
``nginx -t``.
"""

from __future__ import annotations

import base64
import hashlib
import importlib.util
import ipaddress
import os
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from lib.config import REPO_DIR

TEMPLATES = Path(__file__).resolve().parent / "templates"
APP_SCRIPTS_DIR = REPO_DIR / "lib" / "ui" / "static"  # scripts the pages inject with st.html
NGINX_SEARCH_PATH = "/usr/sbin:/usr/local/sbin:/sbin"  # Debian's nginx is not on a user's PATH
TEMP_FOLDERS = ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
# Room for the multipart envelope around an upload of the app's largest size.
UPLOAD_MARGIN_MB = 1
_INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>(.*?)</script>", re.DOTALL | re.I)

# The smallest policy Streamlit's pages pass in headless Chromium (tests/e2e/test_serve.py; each
# source below was removed in turn and the pages reloaded): emotion writes <style> elements and
# style attributes ('unsafe-inline' styles, not scripts); Streamlit's bundled fonts include
# data: fonts; the map draws in a blob: worker; a WebAssembly module is compiled
# ('wasm-unsafe-eval' allows that, not JavaScript's eval); Plotly's "download as PNG" draws a
# blob: image; the one inline script of index.html and the app's own constant scripts
# (lib/ui/static/*.js, which the pages inject with st.html) are allowed by their hashes. The
# websocket needs no source of its own: in CSP 3, 'self' (default-src) covers ws:/wss: to the
# page's own host.
APP_POLICY = (
    "default-src 'self'",
    "script-src 'self' {script_hashes} 'wasm-unsafe-eval'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' blob:",
    "font-src 'self' data:",
    "worker-src blob:",
    "frame-ancestors 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
)
# The static site (lib/public/site.py) runs one script file of its own (assets/idmaj.js, a copy
# of lib/public/templates/public_site.js) and no inline script; its pages carry an inline
# stylesheet and draw their charts as inline SVG with PNG images beside them.
SITE_POLICY = (
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    "frame-ancestors 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
)
# The site's chart pages (site/charts/*.html) are made to be embedded in an <iframe> by other
# sites (newspapers, partners): any page may frame them, and no X-Frame-Options is sent there.
EMBED_POLICY = tuple(
    "frame-ancestors *" if rule.startswith("frame-ancestors") else rule for rule in SITE_POLICY
)


@dataclass(frozen=True)
class ServePlan:
    """Where nginx listens, the workers' ports, and the folders it reads and writes."""

    address: str
    port: int
    worker_ports: tuple[int, ...]
    run_dir: Path
    site_dir: Path
    upload_limit_mb: int
    as_root: bool = False

    @property
    def logs_dir(self) -> Path:
        return self.run_dir / "logs"

    @property
    def temp_dir(self) -> Path:
        return self.run_dir / "temp"

    @property
    def config_path(self) -> Path:
        return self.run_dir / "nginx.conf"

    @property
    def status_path(self) -> Path:
        return self.run_dir / "status.json"

    @property
    def url(self) -> str:
        host = f"[{self.address}]" if ":" in self.address else self.address
        return f"http://{host}:{self.port}/"


def streamlit_static_dir() -> Path:
    """The installed Streamlit's ``static/`` folder (found without importing Streamlit)."""
    spec = importlib.util.find_spec("streamlit")
    if spec is None or spec.origin is None:
        raise FileNotFoundError("streamlit is not installed")
    return Path(spec.origin).parent / "static"


def inline_script_hashes(html: str) -> list[str]:
    """The CSP source (``'sha256-…'``) of each inline ``<script>`` of an HTML page."""
    return [script_hash(body) for body in _INLINE_SCRIPT.findall(html)]


def script_hash(body: str) -> str:
    """The CSP source that allows one inline script, its text exactly."""
    digest = hashlib.sha256(body.encode("utf-8")).digest()
    return "'sha256-{}'".format(base64.b64encode(digest).decode("ascii"))


def app_script_hashes() -> list[str]:
    """The constant scripts the app's pages inject inline (``st.html`` with the text of a file
    of lib/ui/static/), allowed by their hashes."""
    scripts = sorted(APP_SCRIPTS_DIR.glob("*.js"))
    return [script_hash(path.read_text(encoding="utf-8")) for path in scripts]


def app_policy(static_dir: Path) -> str:
    """The content security policy of Streamlit's pages, with the hashes of the inline scripts
    of Streamlit's index.html and of the app's own."""
    index = (static_dir / "index.html").read_text(encoding="utf-8")
    hashes = " ".join([*inline_script_hashes(index), *app_script_hashes()])
    return "; ".join(APP_POLICY).replace("{script_hashes}", hashes).replace("  ", " ")


def listen_directive(address: str, port: int) -> str:
    """``address:port`` as nginx's ``listen`` takes it (IPv6 in brackets)."""
    parsed = ipaddress.ip_address(address)
    host = f"[{parsed}]" if parsed.version == 6 else str(parsed)
    return f"{host}:{port}"


def render_config(plan: ServePlan, static_dir: Path | None = None) -> str:
    """The text of nginx.conf for this plan."""
    static_dir = static_dir or streamlit_static_dir()
    environment = Environment(
        loader=FileSystemLoader(TEMPLATES),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    return environment.get_template("nginx.conf.j2").render(
        as_root=plan.as_root,
        run_dir=plan.run_dir,
        logs_dir=plan.logs_dir,
        temp_dir=plan.temp_dir,
        upload_limit_mb=plan.upload_limit_mb + UPLOAD_MARGIN_MB,
        site_csp="; ".join(SITE_POLICY),
        embed_csp="; ".join(EMBED_POLICY),
        app_csp=app_policy(static_dir),
        worker_ports=plan.worker_ports,
        listen=listen_directive(plan.address, plan.port),
        streamlit_static_dir=static_dir / "static",
        site_dir=plan.site_dir,
    )


def write_config(plan: ServePlan) -> Path:
    """Write nginx.conf into the run folder, with the log and temporary folders it names."""
    for folder in (plan.logs_dir, *(plan.temp_dir / name for name in TEMP_FOLDERS)):
        folder.mkdir(parents=True, exist_ok=True)
    plan.config_path.write_text(render_config(plan), encoding="utf-8")
    return plan.config_path


def find_nginx() -> str | None:
    """The nginx program: on the PATH, else where Debian puts it."""
    return shutil.which("nginx") or shutil.which("nginx", path=NGINX_SEARCH_PATH)


def nginx_command(nginx: str, plan: ServePlan, *extra: str) -> list[str]:
    """nginx on the run folder (``-p``) and its configuration, in the foreground."""
    prefix = f"{plan.run_dir}{os.sep}"
    return [nginx, "-p", prefix, "-c", str(plan.config_path), "-g", "daemon off;", *extra]


def config_problem(nginx: str, plan: ServePlan) -> str | None:
    """What ``nginx -t`` says is wrong with the written configuration, or None."""
    checked = subprocess.run(
        nginx_command(nginx, plan, "-t", "-q"),
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    if checked.returncode == 0:
        return None
    return (checked.stderr or checked.stdout).strip()[-2000:] or f"exit {checked.returncode}"
