"""lib.serve without starting anything: the nginx configuration it writes (stickiness, health,
gzip, caching, the site, headers, the content security policy), the supervisor's back-off and
health rules, and the serve command's refusals. The running thing is tests/e2e/test_serve.py."""

from __future__ import annotations

import base64
import hashlib
import http.server
import os
import re
import socket
import socketserver
import subprocess
import sys
import threading
import time
import urllib.request
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest

from lib import cli
from lib.serve import nginx, supervisor
from lib.serve.workers import MAX_DELAY_S, STARTUP_GRACE_S, UNHEALTHY_AFTER, Child

REPO = Path(__file__).resolve().parent.parent


def _plan(tmp_path: Path, **changes) -> nginx.ServePlan:
    values = {
        "address": "127.0.0.1",
        "port": 8080,
        "worker_ports": (8601, 8602, 8603),
        "run_dir": tmp_path / "serve",
        "site_dir": tmp_path / "public" / "site",
        "upload_limit_mb": 20,
    }
    return nginx.ServePlan(**(values | changes))


@pytest.fixture
def static_dir(tmp_path) -> Path:
    """A stand-in for Streamlit's static folder: an index.html with one inline script."""
    folder = tmp_path / "streamlit-static"
    (folder / "static").mkdir(parents=True)
    (folder / "index.html").write_text(
        '<html><script>\n  window.x = 1\n</script><script src="./static/js/a.js"></script></html>',
        encoding="utf-8",
    )
    return folder


def test_the_inline_scripts_hash_is_what_browsers_compute():
    body = "\n      window.prerenderReady = false\n    "
    expected = base64.b64encode(hashlib.sha256(body.encode()).digest()).decode()
    html = f'<script>{body}</script><script type="module" src="./static/js/index.js"></script>'
    assert nginx.inline_script_hashes(html) == [f"'sha256-{expected}'"]


def test_the_config_routes_new_clients_in_turn_and_a_cookie_to_its_worker(tmp_path, static_dir):
    text = nginx.render_config(_plan(tmp_path), static_dir)
    assert "upstream idmaj_next {" in text and "    hash " not in text  # round robin
    for number, port in enumerate((8601, 8602, 8603), start=1):
        assert f"        w{number}      idmaj_w{number};" in text
        block = text.split(f"upstream idmaj_w{number} {{", 1)[1].split("}", 1)[0]
        others = [other for other in (8601, 8602, 8603) if other != port]
        assert (
            block.split("\n")[1].strip() == f"server 127.0.0.1:{port} max_fails=1 fail_timeout=3s;"
        )
        for other in others:
            assert f"server 127.0.0.1:{other} max_fails=1 fail_timeout=3s backup;" in block
        assert f'"~127\\.0\\.0\\.1:{port}$" w{number};' in text
    assert text.count("proxy_pass http://$idmaj_upstream;") == 2  # the page and the websocket
    assert "idmaj_route=$idmaj_answered; Path=/; HttpOnly; SameSite=Lax" in text
    assert "proxy_next_upstream error timeout http_502 http_503;" in text
    assert "listen 127.0.0.1:8080;" in text
    assert "user root;" not in text


def test_the_workers_learn_the_clients_address_from_nginx_alone(tmp_path, static_dir):
    text = nginx.render_config(_plan(tmp_path), static_dir)
    assert text.count("proxy_set_header X-Forwarded-For $remote_addr;") == 2
    assert text.count("proxy_set_header X-Real-IP $remote_addr;") == 2
    assert "$proxy_add_x_forwarded_for" not in text  # a client's own list is never passed on
    environment = supervisor.worker_environment()
    assert environment["FORWARDED_ALLOW_IPS"] == "127.0.0.1"


def test_the_config_serves_assets_the_site_and_hides_metrics(tmp_path, static_dir):
    plan = _plan(tmp_path, as_root=True)
    text = nginx.render_config(plan, static_dir)
    assert "user root;" in text
    assert f"alias {static_dir / 'static'}/;" in text
    assert f"alias {plan.site_dir}/;" in text
    assert "location ^~ /_stcore/metrics {\n            return 404;" in text
    cache = text.split("map $uri $idmaj_cache_control {", 1)[1].split("}", 1)[0].split("\n")
    assert [line.split() for line in cache if line.strip()] == [
        ["~^/static/", '"public,', "max-age=31536000,", 'immutable";'],
        ["~^/site/(assets/|favicon\\.ico$)", '"public,', 'max-age=86400";'],
        ["~^/site/", '"public,', 'max-age=300";'],
        ["default", '"";'],
    ]
    assert "gzip on;" in text and "application/javascript" in text and "image/svg+xml" in text
    assert "proxy_set_header Upgrade $http_upgrade;" in text and "proxy_read_timeout 1d;" in text
    assert "client_max_body_size 21m;" in text  # the app's 20 MB upload and its envelope
    for path in (plan.run_dir, plan.logs_dir, plan.temp_dir):
        assert str(path) in text


def test_every_response_carries_the_security_headers_and_policies(tmp_path, static_dir):
    text = nginx.render_config(_plan(tmp_path), static_dir)
    for header in (
        "add_header X-Frame-Options $idmaj_frame_options always;",
        "add_header X-Content-Type-Options nosniff always;",
        "add_header Referrer-Policy strict-origin-when-cross-origin always;",
        "add_header Content-Security-Policy $idmaj_csp always;",
    ):
        assert header in text
    # Locations that added headers of their own would drop these: none does.
    assert len(re.findall(r"(?m)^\s*add_header ", text)) == 6
    app = nginx.app_policy(static_dir)
    script_src = app.split("script-src ", 1)[1].split(";", 1)[0]
    assert "'unsafe-inline'" not in script_src and "'unsafe-eval'" not in script_src
    assert nginx.inline_script_hashes((static_dir / "index.html").read_text())[0] in script_src
    assert f'default         "{app}";' in text
    assert "frame-ancestors 'self'" in app and "object-src 'none'" in app
    # The site runs no inline script; only its chart pages may be framed by other sites.
    assert "script-src 'self';" in "; ".join(nginx.SITE_POLICY) + ";"
    assert "frame-ancestors *" in nginx.EMBED_POLICY
    assert '~^/site/charts/ "";\n        default         SAMEORIGIN;' in text


def test_the_apps_own_inline_scripts_are_allowed_by_their_hashes(static_dir):
    policy = nginx.app_policy(static_dir)
    for path in nginx.APP_SCRIPTS_DIR.glob("*.js"):
        assert nginx.script_hash(path.read_text(encoding="utf-8")) in policy, path


def test_an_ipv6_address_is_bracketed():
    assert nginx.listen_directive("::1", 8080) == "[::1]:8080"
    assert nginx.listen_directive("0.0.0.0", 80) == "0.0.0.0:80"


def test_nginx_accepts_the_written_config(tmp_path, static_dir, monkeypatch):
    program = nginx.find_nginx()
    if program is None:
        pytest.skip("nginx is not installed (make nginx)")
    monkeypatch.setattr(nginx, "streamlit_static_dir", lambda: static_dir)
    plan = _plan(tmp_path)
    nginx.write_config(plan)
    assert nginx.config_problem(program, plan) is None
    plan.config_path.write_text("http { nonsense; }", encoding="utf-8")
    assert "nonsense" in nginx.config_problem(program, plan)


class _EchoWorker(http.server.BaseHTTPRequestHandler):
    """A stand-in worker: answers its own port and the forwarding headers it was given."""

    protocol_version = "HTTP/1.1"

    def do_GET(self):
        forwarded = self.headers.get("X-Forwarded-For"), self.headers.get("X-Real-IP")
        body = f"{self.server.server_address[1]} {forwarded[0]} {forwarded[1]}".encode()
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def proxied(tmp_path, static_dir, monkeypatch) -> Iterator[tuple[nginx.ServePlan, list]]:
    """The written nginx in front of two stand-in workers (threads of this process)."""
    program = nginx.find_nginx()
    if program is None:
        pytest.skip("nginx is not installed (make nginx)")
    workers = []
    for _ in range(2):
        server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), _EchoWorker)
        server.daemon_threads = True
        threading.Thread(target=server.serve_forever, daemon=True).start()
        workers.append(server)
    ports = tuple(server.server_address[1] for server in workers)
    (tmp_path / "public" / "site").mkdir(parents=True)
    (tmp_path / "public" / "site" / "index.html").write_text("<p>site</p>", encoding="utf-8")
    monkeypatch.setattr(nginx, "streamlit_static_dir", lambda: static_dir)
    plan = _plan(tmp_path, port=_free_port(), worker_ports=ports, as_root=os.geteuid() == 0)
    nginx.write_config(plan)
    process = subprocess.Popen(nginx.nginx_command(program, plan), stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 10
        while not supervisor.accepts_connections("127.0.0.1", plan.port):
            assert process.poll() is None and time.monotonic() < deadline, "nginx did not start"
            time.sleep(0.05)
        yield plan, workers
    finally:
        process.terminate()
        process.wait(timeout=10)
        for server in workers:
            server.shutdown()
            server.server_close()


def _get(plan: nginx.ServePlan, path: str = "", **headers) -> tuple[list[str], str | None]:
    """What the worker that answered said (port, X-Forwarded-For, X-Real-IP) and the route
    cookie nginx set, if any."""
    request = urllib.request.Request(plan.url + path, headers=headers)
    with urllib.request.urlopen(request, timeout=10) as answer:
        cookie = answer.headers.get("Set-Cookie")
        return answer.read().decode().split(), cookie


def test_nginx_sends_new_clients_in_turn_and_keeps_each_on_its_worker(proxied):
    plan, _ = proxied
    first, second = (str(port) for port in plan.worker_ports)
    answers = [_get(plan, "page") for _ in range(20)]
    assert Counter(said[0] for said, _ in answers) == {first: 10, second: 10}
    for said, cookie in answers:
        route = "w1" if said[0] == first else "w2"
        assert cookie == f"idmaj_route={route}; Path=/; HttpOnly; SameSite=Lax"
    for route, port in (("w1", first), ("w2", second)):
        for _ in range(3):
            assert _get(plan, Cookie=f"idmaj_route={route}") == ([port, *["127.0.0.1"] * 2], None)
    said, cookie = _get(plan, Cookie="idmaj_route=w9")  # a cookie that names no worker
    assert (
        cookie
        == f"idmaj_route={'w1' if said[0] == first else 'w2'}; Path=/; HttpOnly; SameSite=Lax"
    )
    assert _get(plan, "site/")[1] is None  # nginx answers the site itself: no route


def test_a_client_cannot_choose_the_address_the_workers_see(proxied):
    plan, _ = proxied
    said, _ = _get(plan, **{"X-Forwarded-For": "198.51.100.7", "X-Real-IP": "198.51.100.7"})
    assert said[1:] == ["127.0.0.1", "127.0.0.1"]  # what nginx saw, not what was sent


def test_a_dead_workers_clients_go_to_another_and_stay_there(proxied):
    plan, workers = proxied
    workers[0].shutdown()
    workers[0].server_close()
    second = str(plan.worker_ports[1])
    said, cookie = _get(plan, Cookie="idmaj_route=w1")
    assert said[0] == second and cookie.startswith("idmaj_route=w2;")
    assert [_get(plan)[0][0] for _ in range(4)] == [second] * 4  # new clients too


def _child(tmp_path) -> Child:
    return Child("worker-1", ["true"], tmp_path / "w.log", {}, port=8601)


def test_a_child_that_keeps_dying_waits_longer_each_time(tmp_path):
    child = _child(tmp_path)
    delays = [child.schedule_restart(now=1.0) for _ in range(10)]
    assert delays[:3] == [0.5, 1.0, 2.0] and max(delays) == MAX_DELAY_S
    child.started_at = 0.0
    assert child.schedule_restart(now=1000.0) == 0.5  # it had run well: back-off starts over


def test_a_worker_is_restarted_after_failed_checks_or_a_startup_that_never_ends(tmp_path):
    child = _child(tmp_path)
    child.started_at = 0.0
    assert not child.needs_restart_after_check(False, now=10.0)  # still starting
    assert child.needs_restart_after_check(False, now=STARTUP_GRACE_S + 1)
    child.needs_restart_after_check(True, now=1.0)
    answers = [child.needs_restart_after_check(False, now=2.0) for _ in range(UNHEALTHY_AFTER)]
    assert answers == [False] * (UNHEALTHY_AFTER - 1) + [True]


def test_free_worker_ports_skip_busy_ones():
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        taken = busy.getsockname()[1]
        ports = supervisor.free_worker_ports(taken, 2, avoid={taken + 1})
    assert taken not in ports and taken + 1 not in ports and len(ports) == 2


def test_a_second_supervisor_on_the_same_folder_is_refused(tmp_path):
    with supervisor.run_folder_lock(tmp_path):
        probe = "from lib.serve.supervisor import run_folder_lock as lock\n"
        probe += f"with lock(__import__('pathlib').Path({str(tmp_path)!r})): pass"
        other = subprocess.run(
            [sys.executable, "-c", probe], cwd=REPO, capture_output=True, text=True, check=False
        )
        assert "ServeRefused" in other.stderr


@pytest.mark.parametrize(
    "arguments",
    [["--workers", "0"], ["--workers", "99"], ["--port", "70000"], ["--address", "localhost:1"]],
)
def test_bad_serve_options_are_usage_errors(arguments, capsys):
    assert cli.main(["serve", *arguments]) == cli.USAGE
    assert capsys.readouterr().err.strip()


def test_serve_refuses_without_nginx_or_with_a_busy_port(fresh_data_dir, monkeypatch, capsys):
    monkeypatch.setattr(nginx, "find_nginx", lambda: None)
    assert cli.main(["--lang", "en", "serve"]) == cli.REFUSED
    assert "nginx was not found" in capsys.readouterr().err
    monkeypatch.setattr(nginx, "find_nginx", lambda: "/usr/sbin/nginx")
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        assert cli.main(["--lang", "en", "serve", "--port", str(port)]) == cli.REFUSED
    assert f"Port {port} of 127.0.0.1 is already taken" in capsys.readouterr().err
