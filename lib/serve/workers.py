"""The processes the supervisor keeps alive: a ``Child`` (a Streamlit worker or nginx) is started
in a session of its own, tied to the supervisor's life (Linux's parent-death signal, so that a
killed supervisor leaves no orphan holding the ports), stopped by its process group, and
restarted after a back-off that doubles with each quick death and resets once it has run well
for a while. A worker also answers health checks (``/_stcore/health``); one that stops
answering for long is restarted. Pure Python, no streamlit: workers are ``streamlit run``
command lines.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import signal
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from lib.config import REPO_DIR

STOP_TIMEOUT_S = 10  # SIGTERM, then SIGKILL after this long
FIRST_DELAY_S = 0.5  # a crashed worker comes back this soon the first time...
MAX_DELAY_S = 30.0  # ...and never waits longer than this after repeated crashes
STABLE_AFTER_S = 30.0  # a child that ran this long is well again: its back-off starts over
HEALTH_TIMEOUT_S = 5.0  # a worker busy with many sessions answers slowly, not never
UNHEALTHY_AFTER = 3  # consecutive failed checks (after a first success) before a restart
STARTUP_GRACE_S = 90.0  # a worker that never answered is restarted after this long
_PR_SET_PDEATHSIG = 1


def _libc_prctl():
    """libc's prctl, looked up once here: after fork, the child may only call it."""
    try:
        return ctypes.CDLL(None, use_errno=True).prctl
    except (OSError, AttributeError):  # not Linux: children outlive a killed supervisor
        return None


_PRCTL = _libc_prctl()


def _die_with_parent() -> None:  # pragma: no cover - runs in the child between fork and exec
    """Ask Linux to send SIGTERM to this child when the supervisor dies (even by SIGKILL)."""
    if _PRCTL is not None:
        _PRCTL(_PR_SET_PDEATHSIG, signal.SIGTERM)


def worker_command(port: int) -> list[str]:
    """``streamlit run app.py`` on 127.0.0.1:port (the venv's script when there is one)."""
    script = Path(sys.executable).with_name("streamlit")
    runner = [str(script)] if script.exists() else [sys.executable, "-m", "streamlit"]
    return [
        *runner,
        "run",
        "app.py",
        "--server.address",
        "127.0.0.1",
        "--server.port",
        str(port),
        "--server.headless",
        "true",
    ]


def health_ok(port: int, timeout: float = HEALTH_TIMEOUT_S) -> bool:
    """Does the worker on ``port`` answer ``ok`` on /_stcore/health?"""
    url = f"http://127.0.0.1:{port}/_stcore/health"
    try:
        with urllib.request.urlopen(url, timeout=timeout) as answer:
            return answer.status == 200 and answer.read().strip() == b"ok"
    except OSError:
        return False


@dataclass
class Child:
    """One supervised process: how to start it, its process, its restarts and its back-off."""

    name: str
    command: list[str]
    log_path: Path
    env: dict[str, str]
    port: int | None = None  # a worker's port (health checks); None for nginx
    process: subprocess.Popen | None = None
    started_at: float = 0.0
    restarts: int = 0
    quick_deaths: int = 0
    restart_at: float | None = None  # when a dead child is due to start again
    healthy: bool = False
    failed_checks: int = 0
    last_exit: int | None = None
    pending_check: tuple | None = field(default=None, repr=False)  # (Future, pid) of a check

    @property
    def pid(self) -> int | None:
        return self.process.pid if self.running else None

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def start(self) -> None:
        with open(self.log_path, "ab") as log:
            self.process = subprocess.Popen(
                self.command,
                cwd=REPO_DIR,
                env=self.env,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # its own group: Ctrl-C reaches the supervisor alone
                # Only the supervisor's main thread starts children: the parent-death signal is
                # tied to the thread that forks.
                preexec_fn=_die_with_parent,
            )
        self.started_at = time.monotonic()
        self.restart_at = None
        self.healthy = False
        self.failed_checks = 0

    def exited(self) -> int | None:
        """The exit code if the process has just been found dead (once), else None."""
        if self.process is None or self.process.poll() is None:
            return None
        code = self.process.returncode
        self.process = None
        self.last_exit = code
        return code

    def schedule_restart(self, now: float) -> float:
        """Plan the next start after a death; returns the delay chosen."""
        if now - self.started_at >= STABLE_AFTER_S:
            self.quick_deaths = 0
        delay = min(MAX_DELAY_S, FIRST_DELAY_S * 2**self.quick_deaths)
        self.quick_deaths += 1
        self.restart_at = now + delay
        return delay

    def due(self, now: float) -> bool:
        return self.process is None and self.restart_at is not None and now >= self.restart_at

    def needs_restart_after_check(self, ok: bool, now: float) -> bool:
        """Note one health check; True when the worker should be restarted."""
        if ok:
            self.healthy, self.failed_checks = True, 0
            return False
        self.failed_checks += 1
        if self.healthy:
            return self.failed_checks >= UNHEALTHY_AFTER
        return now - self.started_at > STARTUP_GRACE_S

    def stop(self, sig: int = signal.SIGTERM) -> None:
        """Signal the child's process group (it may have children of its own)."""
        if self.running:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(self.process.pid, sig)

    def wait_stopped(self, timeout: float = STOP_TIMEOUT_S) -> None:
        """Wait for a stopped child; SIGKILL its group when it takes too long."""
        if self.process is None:
            return
        try:
            self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.stop(signal.SIGKILL)
            self.process.wait(timeout=timeout)

    def status(self) -> dict:
        """What the status file says of this child (a worker's health too)."""
        described = {
            "name": self.name,
            "pid": self.pid,
            "running": self.running,
            "restarts": self.restarts,
            "last_exit": self.last_exit,
            "log": str(self.log_path),
        }
        if self.port is not None:
            described |= {"port": self.port, "healthy": self.healthy}
        return described
