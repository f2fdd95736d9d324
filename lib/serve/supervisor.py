"""``python -m lib serve``: N Streamlit workers behind nginx, kept alive by one supervisor.

It writes nginx's configuration into the run folder (``data/serve/``), checks it with
``nginx -t``, starts the workers (``streamlit run app.py`` on 127.0.0.1, ports from 8601), waits
until they answer ``/_stcore/health``, then starts nginx in the foreground as its child. Then
it watches: a child that dies is started again after a back-off, a worker that stops answering
its health check is killed and started again, and ``status.json`` in the run folder says which
pid serves which port (tests and the benchmark kill workers by it). SIGTERM or SIGINT stops
nginx and the workers and removes the status file. The workers share one cookie secret, so a
session's signed cookies (XSRF, sign-in) still hold when nginx moves it to another worker. One
supervisor per run folder (a file lock). Pure Python, no streamlit.
"""

from __future__ import annotations

import fcntl
import json
import os
import secrets
import signal
import socket
import threading
import time
import tomllib
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from lib.config import REPO_DIR, Settings
from lib.serve import nginx
from lib.serve.workers import Child, health_ok, worker_command

TICK_S = 0.25  # how often the supervisor looks at its children
HEALTH_INTERVAL_S = 2.0  # between two health checks of one worker
STARTUP_TIMEOUT_S = 90.0  # workers that never answer by then: nginx starts anyway
NGINX_START_TIMEOUT_S = 15.0
PORT_SCAN = 1000  # how far above the first worker port a free one is looked for
COOKIE_SECRET = "STREAMLIT_SERVER_COOKIE_SECRET"
FORWARDED_ALLOW_IPS = "FORWARDED_ALLOW_IPS"  # read by uvicorn

Notify = Callable[..., None]  # notify(message_key, **params): the command line prints it


class ServeRefused(RuntimeError):
    """The supervisor cannot start; ``key`` names the message (``cli.<key>``)."""

    def __init__(self, key: str, **params) -> None:
        super().__init__(key)
        self.key, self.params = key, params


def port_free(address: str, port: int) -> bool:
    """Could a server bind ``address:port`` now (with SO_REUSEADDR, as nginx and uvicorn do)?"""
    family = socket.AF_INET6 if ":" in address else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((address, port))
        except OSError:
            return False
    return True


def free_worker_ports(first: int, count: int, avoid: set[int]) -> tuple[int, ...]:
    """``count`` free ports of 127.0.0.1 from ``first`` upwards, skipping busy ones."""
    chosen: list[int] = []
    for port in range(first, min(first + PORT_SCAN, 65536)):
        if port not in avoid and port_free("127.0.0.1", port):
            chosen.append(port)
            if len(chosen) == count:
                return tuple(chosen)
    raise ServeRefused("serve_no_worker_port", first=first)


def accepts_connections(address: str, port: int) -> bool:
    try:
        with socket.create_connection((address, port), timeout=1):
            return True
    except OSError:
        return False


def _config_sets_cookie_secret() -> bool:
    try:
        config = tomllib.loads((REPO_DIR / ".streamlit" / "config.toml").read_text("utf-8"))
    except (OSError, ValueError):
        return False
    return bool(config.get("server", {}).get("cookieSecret"))


def worker_environment() -> dict[str, str]:
    """The workers' environment: this one, plus a cookie secret they all share (unless the
    operator set one), so that cookies one worker signed are good on the others, and the one
    proxy whose X-Forwarded-For their server believes: nginx, on this machine."""
    env = dict(os.environ)
    env.setdefault("STREAMLIT_BROWSER_GATHER_USAGE_STATS", "false")
    # uvicorn (Streamlit's server) takes the client's address from X-Forwarded-For when the
    # peer is one of these, and the sign-in back-off keys on that address (lib/ui/session.py).
    # The workers listen on 127.0.0.1 and nginx replaces that header, so this is the one peer
    # to believe; set here rather than left to uvicorn's default or to the shell's value.
    env[FORWARDED_ALLOW_IPS] = "127.0.0.1"
    if COOKIE_SECRET not in env and not _config_sets_cookie_secret():
        env[COOKIE_SECRET] = secrets.token_hex(32)
    return env


@contextmanager
def run_folder_lock(run_dir: Path) -> Iterator[None]:
    """Hold ``supervisor.lock`` while serving: a second supervisor on the folder is refused."""
    run_dir.mkdir(parents=True, exist_ok=True)
    with open(run_dir / "supervisor.lock", "a+") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise ServeRefused("serve_already_running", path=run_dir) from None
        yield


def write_status(path: Path, status: dict) -> None:
    """Replace the status file in one step: a reader never sees half of it."""
    partial = path.with_suffix(".tmp")
    partial.write_text(json.dumps(status, indent=1) + "\n", encoding="utf-8")
    os.replace(partial, path)


def read_status(run_dir: Path) -> dict | None:
    """The status a running supervisor wrote in ``run_dir``, or None."""
    try:
        return json.loads((run_dir / "status.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


class Supervisor:
    """nginx and the workers of one plan, watched until ``stopping`` is set."""

    def __init__(self, plan: nginx.ServePlan, nginx_program: str, notify: Notify) -> None:
        self.plan, self.notify = plan, notify
        env = worker_environment()
        self.workers = [
            Child(
                f"worker-{number}",
                worker_command(port),
                plan.logs_dir / f"worker-{number}.log",
                env,
                port=port,
            )
            for number, port in enumerate(plan.worker_ports, start=1)
        ]
        self.nginx = Child(
            "nginx", nginx.nginx_command(nginx_program, plan), plan.logs_dir / "nginx.log", env
        )
        self.stopping = threading.Event()
        self.started_at = datetime.now(UTC).isoformat(timespec="seconds")
        self._checks = ThreadPoolExecutor(max_workers=len(self.workers), thread_name_prefix="hc")
        self._last_check: dict[str, float] = {}
        self._written = ""

    @property
    def children(self) -> list[Child]:
        return [*self.workers, self.nginx]

    def status(self) -> dict:
        return {
            "supervisor_pid": os.getpid(),
            "url": self.plan.url,
            "address": self.plan.address,
            "port": self.plan.port,
            "run_dir": str(self.plan.run_dir),
            "config": str(self.plan.config_path),
            "started_at": self.started_at,
            "nginx": self.nginx.status(),
            "workers": [worker.status() for worker in self.workers],
        }

    def _save_status(self) -> None:
        status = self.status()
        text = json.dumps(status, sort_keys=True)
        if text != self._written:  # rewritten only when something changed
            write_status(self.plan.status_path, status)
            self._written = text

    # --- watching ---------------------------------------------------------------------------

    def _revive(self, now: float) -> None:
        """Note children found dead and start those whose back-off has passed."""
        for child in self.children:
            code = child.exited()
            if code is not None:
                delay = child.schedule_restart(now)
                self.notify("serve_child_exited", name=child.name, code=code, delay=f"{delay:g}")
            if child.due(now):
                child.restarts += 1
                child.start()
                self.notify("serve_child_restarted", name=child.name, pid=child.pid)

    def _check_health(self, now: float) -> None:
        """Collect finished health checks, kill a worker that stopped answering, start checks."""
        for worker in self.workers:
            pending = worker.pending_check
            if pending is not None and pending[0].done():
                future, pid = pending
                worker.pending_check = None
                if worker.pid == pid and worker.needs_restart_after_check(future.result(), now):
                    self.notify("serve_unresponsive", name=worker.name, port=worker.port)
                    worker.stop(signal.SIGKILL)  # it is stuck: SIGTERM might never be handled
            due = now - self._last_check.get(worker.name, 0.0) >= HEALTH_INTERVAL_S
            if worker.pending_check is None and worker.running and due:
                self._last_check[worker.name] = now
                worker.pending_check = (self._checks.submit(health_ok, worker.port), worker.pid)

    def tick(self) -> None:
        now = time.monotonic()
        self._revive(now)
        self._check_health(now)
        self._save_status()

    def _wait_for(self, condition: Callable[[], bool], timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        while not self.stopping.is_set() and time.monotonic() < deadline:
            self.tick()
            if condition():
                return True
            self.stopping.wait(TICK_S)
        return condition()

    # --- starting and stopping --------------------------------------------------------------

    def _start(self) -> None:
        """Workers first (nginx would answer 502 until they listen), then nginx."""
        for worker in self.workers:
            worker.start()
        if not self._wait_for(lambda: all(w.healthy for w in self.workers), STARTUP_TIMEOUT_S):
            self.notify("serve_workers_slow", seconds=f"{STARTUP_TIMEOUT_S:g}")
        self.nginx.start()
        listening = self._wait_for(
            lambda: accepts_connections(self.plan.address, self.plan.port), NGINX_START_TIMEOUT_S
        )
        if not listening and not self.stopping.is_set():
            raise ServeRefused("serve_nginx_failed", log=self.plan.logs_dir / "nginx.log")

    def stop_all(self) -> None:
        """nginx first (no new requests), then the workers; wait for all of them."""
        for child in [self.nginx, *self.workers]:
            child.stop()
        for child in [self.nginx, *self.workers]:
            child.wait_stopped()
        self._checks.shutdown(wait=False, cancel_futures=True)
        self.plan.status_path.unlink(missing_ok=True)

    def run(self) -> None:
        """Serve until SIGTERM or SIGINT."""
        for sig in (signal.SIGTERM, signal.SIGINT):
            signal.signal(sig, lambda *_: self.stopping.set())
        try:
            self._start()
            if not self.stopping.is_set():
                ports = ", ".join(str(w.port) for w in self.workers)
                self.notify(
                    "serve_started", url=self.plan.url, workers=len(self.workers), ports=ports
                )
            while not self.stopping.is_set():
                self.tick()
                self.stopping.wait(TICK_S)
            self.notify("serve_stopping")
        finally:
            self.stop_all()


def plan_for(
    settings: Settings, workers: int, address: str, port: int, first_worker_port: int
) -> nginx.ServePlan:
    """Where everything goes, with free ports for the workers; refused when nginx's is busy."""
    if not port_free(address, port):
        raise ServeRefused("serve_port_busy", address=address, port=port)
    return nginx.ServePlan(
        address=address,
        port=port,
        worker_ports=free_worker_ports(first_worker_port, workers, avoid={port}),
        run_dir=(settings.data_dir / "serve").resolve(),
        site_dir=(settings.public_dir / "site").resolve(),
        upload_limit_mb=settings.max_upload_mb,
        as_root=os.geteuid() == 0,
    )


def serve(
    settings: Settings,
    notify: Notify,
    workers: int = 2,
    address: str = "127.0.0.1",
    port: int = 8080,
    first_worker_port: int = 8601,
) -> None:
    """Check, write and run everything until stopped; ServeRefused when it cannot start."""
    program = nginx.find_nginx()
    if program is None:
        raise ServeRefused("serve_no_nginx")
    run_dir = (settings.data_dir / "serve").resolve()
    with run_folder_lock(run_dir):
        plan = plan_for(settings, workers, address, port, first_worker_port)
        nginx.write_config(plan)
        problem = nginx.config_problem(program, plan)
        if problem:
            raise ServeRefused("serve_bad_config", path=plan.config_path, problem=problem)
        Supervisor(plan, program, notify).run()
    notify("serve_stopped")
