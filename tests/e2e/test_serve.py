"""`python -m lib serve --workers 2` in headless Chromium: nginx in front of two Streamlit workers.

One supervisor for the module, on a data folder of its own (built and published by the command
line first), on free ports. The checks: both pages render through nginx with the security
headers and without any content security policy violation; nginx serves the static site itself
(its chart pages framable by other sites), hides /_stcore/metrics and sends Streamlit's hashed
assets gzipped with long cache headers; new clients go to each worker in turn and a route
cookie keeps its worker; a SIGKILLed worker is routed around at once and restarted by the
supervisor; an import committed while both workers run is seen by each at its next run; the
sign-in back-off started on one worker holds on the other, keyed on the address nginx passes
(never one the client sends); SIGTERM stops everything. Which worker answered a request is read
from nginx's access log (``upstream=``), flushed on demand with SIGUSR1.
"""

from __future__ import annotations

import contextlib
import gzip
import json
import os
import re
import signal
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import expect, sync_playwright

from lib import auth
from lib.serve.nginx import find_nginx
from tests.e2e.server import free_port, settle

pytestmark = pytest.mark.e2e

REPO = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
START_TIMEOUT_S = 60
PASSWORD = "correct-horse-battery"
# A 2019 file of one real record: the first import ends the demonstration (internal pages then
# need a signed-in user) and the 2019 beneficiaries tile counts the warehouse's records again.
IMPORTED = (
    "Année;Région;Secteur;Sexe;Tranche d'âge;Type d'appui;Montant (MAD)\n"
    "2019;Souss-Massa;Services;F;25-34;auto-emploi;20000\n"
)
RESTART_TIMEOUT_S = 60  # a bound, not a timing: the back-off starts at 0.5 s, a worker in 1-10 s
TIMEOUT_MS = 30_000
SECURITY_HEADERS = {
    "x-frame-options": "SAMEORIGIN",
    "x-content-type-options": "nosniff",
    "referrer-policy": "strict-origin-when-cross-origin",
}
# Every CSP violation the page sees, reported on the console (the test listens to it).
REPORT_VIOLATIONS = """
document.addEventListener('securitypolicyviolation', event => console.error(
    'CSP violation: ' + event.violatedDirective + ' ' + event.blockedURI));
"""

if (not CHROMIUM.exists() or find_nginx() is None) and not os.environ.get("CI"):
    pytest.skip(
        "chromium or nginx is missing (make browser nginx); with CI set this is a failure",
        allow_module_level=True,
    )


@dataclass
class Served:
    url: str
    run_dir: Path
    data_dir: Path
    process: subprocess.Popen

    def status(self) -> dict:
        return json.loads((self.run_dir / "status.json").read_text(encoding="utf-8"))


def _environment(data_dir: Path) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if key != "IDMAJ_MODE"}
    env["IDMAJ_DATA_DIR"] = str(data_dir)
    env["STREAMLIT_BROWSER_GATHER_USAGE_STATS"] = "false"
    # The workers' accounts (streamlit run's --secrets.files, passed on by the supervisor).
    env["STREAMLIT_SECRETS_FILES"] = str(data_dir / "secrets.toml")
    return env


def _ready(served: Served) -> bool:
    """Both workers answer their health check and nginx answers too."""
    try:
        status = served.status()
    except (OSError, ValueError):
        return False
    if not all(worker["healthy"] for worker in status["workers"]):
        return False
    return fetch(served.url + "_stcore/health")[0] == 200


@pytest.fixture(scope="module")
def served(tmp_path_factory) -> Iterator[Served]:
    data_dir = tmp_path_factory.mktemp("serve-data")
    env = _environment(data_dir)
    for command in (["build"], ["publish"]):
        subprocess.run([sys.executable, "-m", "lib", *command], cwd=REPO, env=env, check=True)
    for name in ("amina", "karim"):
        auth.add_user(name, "direction", PASSWORD, data_dir / "secrets.toml")
    port = free_port()
    command = [sys.executable, "-m", "lib", "serve", "--workers", "2", "--port", str(port)]
    command += ["--worker-port", str(free_port())]
    log_path = data_dir / "supervisor.log"
    with open(log_path, "wb") as log:
        process = subprocess.Popen(
            command, cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
    result = Served(f"http://127.0.0.1:{port}/", data_dir / "serve", data_dir, process)
    try:
        deadline = time.monotonic() + START_TIMEOUT_S
        while not _ready(result):
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"python -m lib serve did not start:\n{log_path.read_text()[-3000:]}")
            time.sleep(0.25)
        yield result
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            process.wait(timeout=30)


@pytest.fixture(scope="module")
def chromium(served):
    expect.set_options(timeout=TIMEOUT_MS)  # Plotly on a busy 2-core machine
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()
    expect.set_options(timeout=None)


# --- helpers --------------------------------------------------------------------------------


def fetch(url: str, headers: dict | None = None) -> tuple[int, dict[str, str], bytes]:
    """Status, headers (lower-case names; repeated ones joined by newlines) and body."""
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=15) as answer:
            status, message, body = answer.status, answer.headers, answer.read()
    except urllib.error.HTTPError as error:
        status, message, body = error.code, error.headers, error.read()
    except OSError:
        return 0, {}, b""
    names = {name.lower() for name in message}
    return status, {name: "\n".join(message.get_all(name)) for name in names}, body


def route_of(headers: dict[str, str]) -> str:
    """The route cookie an answer sets (the worker that answered: w1, w2...)."""
    found = re.search(r"idmaj_route=([^;]+)", headers.get("set-cookie", ""))
    assert found, headers
    return found.group(1)


def route_for(served: Served, index: int) -> str:
    """The route of the index-th worker of the status file (worker-1 is w1)."""
    return "w" + served.status()["workers"][index]["name"].rsplit("-", 1)[1]


def access_log(served: Served, agent: str, count: int) -> list[dict[str, str]]:
    """The access log's lines of the ``count`` requests sent with this User-Agent: their route
    and upstream."""
    os.kill(served.status()["nginx"]["pid"], signal.SIGUSR1)  # reopen the logs: flushes them
    path = served.run_dir / "logs" / "nginx-access.log"
    lines: list[dict[str, str]] = []
    deadline = time.monotonic() + 5
    while len(lines) < count and time.monotonic() < deadline:
        time.sleep(0.2)
        lines = [
            dict(re.findall(r"(route|upstream)=(.*?) (?=upstream=|\")", line))
            for line in path.read_text(encoding="utf-8").splitlines()
            if f'"{agent}"' in line
        ]
    return lines


def worker_port(upstream: str) -> int:
    """The worker that answered in the end (a retried request lists every worker tried)."""
    return int(upstream.rstrip(",").split(",")[-1].rsplit(":", 1)[1])


def new_page(chromium, served: Served, violations: list[str], route: str | None = None):
    context = chromium.new_context(
        base_url=served.url, locale="fr-MA", viewport={"width": 1400, "height": 1000}
    )
    context.set_default_timeout(TIMEOUT_MS)
    if route:
        context.add_cookies([{"name": "idmaj_route", "value": route, "url": served.url}])
    page = context.new_page()
    page.add_init_script(REPORT_VIOLATIONS)
    page.on(
        "console",
        lambda message: (
            violations.append(message.text)
            if "Content Security Policy" in message.text or "CSP violation" in message.text
            else None
        ),
    )
    return context, page


def open_page(page, path: str, title: str):
    """Open a page, wait until Streamlit has drawn it; its first response."""
    response = page.goto(path)
    settle(page)
    expect(page.locator("h1").first).to_have_text(title)
    assert page.locator('[data-testid="stException"]').count() == 0
    return response


# --- tests ----------------------------------------------------------------------------------


def test_pages_render_through_nginx_with_security_headers_and_no_csp_violation(chromium, served):
    violations: list[str] = []
    context, page = new_page(chromium, served, violations)
    try:
        response = open_page(page, "/", "Vue d'ensemble")
        headers = response.all_headers()
        for name, value in SECURITY_HEADERS.items():
            assert headers.get(name) == value, (name, headers)
        policy = headers["content-security-policy"]
        assert "default-src 'self'" in policy and "frame-ancestors 'self'" in policy
        assert "'unsafe-inline'" not in policy.split("script-src", 1)[1].split(";", 1)[0]
        assert headers["server"] == "nginx"
        cookie = next(c for c in context.cookies() if c["name"] == "idmaj_route")
        assert cookie["httpOnly"] and cookie["sameSite"] == "Lax" and cookie["path"] == "/"
        assert cookie["value"] in ("w1", "w2")  # the worker that answered the page
        open_page(page, "/public", "Statistiques publiques")
        expect(page.locator('[data-testid="stPlotlyChart"]').first).to_be_visible()
    finally:
        context.close()
    assert violations == []


def test_nginx_serves_the_site_hides_metrics_and_compresses_cached_assets(served):
    status, headers, body = fetch(served.url + "site/index.html")
    assert status == 200 and headers["content-type"].startswith("text/html")
    assert body == (served.data_dir / "public" / "site" / "index.html").read_bytes()
    assert "script-src 'self';" in headers["content-security-policy"]
    assert "frame-ancestors 'self'" in headers["content-security-policy"]
    assert fetch(served.url + "site/")[0] == 200
    # The site's chart pages are made for other sites' <iframe>s: nginx lets anyone frame them.
    chart = sorted((served.data_dir / "public" / "site" / "charts").glob("*.html"))[0]
    status, headers, _ = fetch(served.url + f"site/charts/{chart.name}")
    assert status == 200 and "x-frame-options" not in headers
    assert "frame-ancestors *" in headers["content-security-policy"]

    # The site's files keep their names from one publication to the next: a short cache.
    assert headers["cache-control"] == "public, max-age=300"
    status, headers, _ = fetch(served.url + "site/assets/idmaj.js", {"Accept-Encoding": "gzip"})
    assert status == 200 and headers["cache-control"] == "public, max-age=86400"
    assert "javascript" in headers["content-type"] and "set-cookie" not in headers
    status, headers, _ = fetch(served.url + "site/data/programme_by_year.csv")
    assert status == 200 and headers["content-type"] == "text/csv; charset=utf-8"

    for path in ("_stcore/metrics", "_stcore/metrics/", "_stcore//metrics?families=x"):
        status, headers, _ = fetch(served.url + path)
        assert status == 404, path
        for name, value in SECURITY_HEADERS.items():
            assert headers.get(name) == value, (name, headers)

    _, page_headers, html = fetch(served.url)
    assert page_headers["cache-control"] == "no-cache"  # the page itself is never cached
    script = re.search(r'src="\./(static/js/[^"]+\.js)"', html.decode())
    assert script, html[:500]
    status, headers, body = fetch(served.url + script.group(1), {"Accept-Encoding": "gzip"})
    assert status == 200 and headers.get("content-encoding") == "gzip"
    assert headers["cache-control"] == "public, max-age=31536000, immutable"
    assert "javascript" in headers["content-type"]
    assert len(gzip.decompress(body)) > len(body)


def test_new_clients_go_to_each_worker_in_turn_and_a_cookie_keeps_its_worker(served):
    agent = f"spread-{uuid.uuid4().hex}"
    answered = []
    for _ in range(30):
        status, headers, _ = fetch(served.url + "_stcore/health", {"User-Agent": agent})
        assert status == 200
        answered.append(route_of(headers))
    assert sorted(answered) == ["w1"] * 15 + ["w2"] * 15  # round robin, not a coin toss
    ports = {route_for(served, i): w["port"] for i, w in enumerate(served.status()["workers"])}
    lines = access_log(served, agent, 30)
    assert [ports[route] for route in answered] == [worker_port(x["upstream"]) for x in lines]

    agent = f"sticky-{uuid.uuid4().hex}"
    for route in ("w1", "w2"):
        cookie = {"User-Agent": agent, "Cookie": f"idmaj_route={route}"}
        for _ in range(5):
            status, headers, _ = fetch(served.url + "_stcore/health", cookie)
            assert status == 200 and "idmaj_route" not in headers.get("set-cookie", "")
    used = [worker_port(line["upstream"]) for line in access_log(served, agent, 10)]
    assert used == [ports["w1"]] * 5 + [ports["w2"]] * 5


def _restarted(served: Served, name: str, old_pid: int) -> dict:
    """The worker's status once the supervisor has it back, healthy, under a new pid."""
    deadline = time.monotonic() + RESTART_TIMEOUT_S
    while time.monotonic() < deadline:
        worker = next(w for w in served.status()["workers"] if w["name"] == name)
        if worker["pid"] not in (None, old_pid) and worker["healthy"]:
            return worker
        time.sleep(0.2)
    raise AssertionError(f"{name} was not restarted within {RESTART_TIMEOUT_S} s")


def test_a_killed_worker_is_routed_around_and_restarted(chromium, served):
    victim, route = served.status()["workers"][0], route_for(served, 0)
    os.kill(victim["pid"], signal.SIGKILL)

    agent = f"after-kill-{uuid.uuid4().hex}"
    status, headers, _ = fetch(served.url, {"User-Agent": agent, "Cookie": f"idmaj_route={route}"})
    assert status == 200
    assert route_of(headers) == route_for(served, 1)  # it stays where it was answered
    (line,) = access_log(served, agent, 1)
    assert worker_port(line["upstream"]) != victim["port"], line

    violations: list[str] = []
    context, page = new_page(chromium, served, violations, route=route)
    try:
        open_page(page, "/", "Vue d'ensemble")  # a new session whose route is the dead worker
    finally:
        context.close()
    assert violations == []

    worker = _restarted(served, victim["name"], victim["pid"])
    assert worker["restarts"] >= 1 and worker["port"] == victim["port"]


# --- an import and the sign-in back-off, seen by both workers --------------------------------


def sign_in_attempts(served: Served, name: str) -> list[tuple[str, str]]:
    """(client, outcome) of each sign-in attempt on ``name``, oldest first (the state store
    every worker shares)."""
    store = served.data_dir / "state.sqlite3"
    with contextlib.closing(sqlite3.connect(f"{store.as_uri()}?mode=ro", uri=True)) as con:
        rows = con.execute(
            "SELECT client, outcome FROM sign_in_attempt WHERE name = ? ORDER BY attempt_id",
            (name,),
        ).fetchall()
    return [tuple(row) for row in rows]


def sign_in(page, served: Served, name: str, password: str) -> str:
    """Submit the sign-in form once; the attempt's outcome once the worker recorded it."""
    if page.locator("h1").first.text_content() != "Se connecter":
        page.goto("/login")
        settle(page)
    before = len(sign_in_attempts(served, name))
    page.get_by_label("Identifiant").fill(name)
    page.get_by_label("Mot de passe").fill(password)
    page.get_by_role("button", name="Se connecter").click()
    deadline = time.monotonic() + TIMEOUT_MS / 1000
    while time.monotonic() < deadline:
        attempts = sign_in_attempts(served, name)
        if len(attempts) > before and attempts[-1][1] != "pending":
            settle(page)
            return attempts[-1][1]
        time.sleep(0.1)
    raise AssertionError(f"no sign-in attempt of {name} recorded")


def beneficiaries_tile(page) -> str:
    tile = page.locator('[data-testid="stMetric"]').filter(has_text="Bénéficiaires").first
    return tile.locator('[data-testid="stMetricValue"]').inner_text().strip()


def test_an_import_and_the_sign_in_back_off_reach_both_workers(chromium, served):
    contexts = {}
    spoofed = {"X-Forwarded-For": "198.51.100.7", "X-Real-IP": "198.51.100.7"}
    try:
        for route in ("w1", "w2"):
            violations: list[str] = []
            context, page = new_page(chromium, served, violations, route=route)
            context.set_extra_http_headers(spoofed)  # a client naming another address
            contexts[route] = (context, page)
            open_page(page, "/", "Vue d'ensemble")  # each worker has run the page before
        before = [beneficiaries_tile(page) for _, page in contexts.values()]
        assert before == ["478", "478"]  # the demonstration records of 2019

        path = served.data_dir / "one-record.csv"
        path.write_text(IMPORTED, encoding="utf-8")
        subprocess.run(
            [sys.executable, "-m", "lib", "import", str(path), "--commit"],
            cwd=REPO,
            env=_environment(served.data_dir),
            check=True,
            capture_output=True,
        )

        first, second = (page for _, page in contexts.values())
        outcomes = [sign_in(first, served, "karim", "wrong") for _ in range(auth.MAX_ATTEMPTS)]
        assert outcomes == ["failed"] * auth.MAX_ATTEMPTS
        expect(first.get_by_text("Trop de tentatives")).to_be_visible()
        assert sign_in(second, served, "karim", PASSWORD) == "refused"  # the other worker
        expect(second.get_by_text("Trop de tentatives")).to_be_visible()
        # Keyed on the address nginx saw (this machine's: no address), not the one sent.
        assert {client for client, _ in sign_in_attempts(served, "karim")} == {""}

        after = []
        for page in (first, second):
            assert sign_in(page, served, "amina", PASSWORD) == "ok"
            expect(page.locator("h1").first).to_have_text("Vue d'ensemble")
            settle(page)
            after.append(beneficiaries_tile(page))
        assert after == ["479", "479"]  # each worker's next run reads the new warehouse
    finally:
        for context, _ in contexts.values():
            context.close()


def test_sigterm_stops_nginx_and_the_workers(served):
    status = served.status()
    pids = [status["nginx"]["pid"], *(worker["pid"] for worker in status["workers"])]
    served.process.send_signal(signal.SIGTERM)
    assert served.process.wait(timeout=30) == 0
    for pid in pids:
        with pytest.raises(ProcessLookupError):
            os.kill(pid, 0)
    assert not (served.run_dir / "status.json").exists()
    assert fetch(served.url)[0] == 0  # nobody listens any more
