"""``python -m lib serve`` as the benchmark drives it (the serve part): the supervisor started on
a warehouse folder with free ports of 127.0.0.1, its status file (``<data>/serve/status.json``)
read for the pids of nginx and the workers (CPU and RSS from /proc), a worker SIGKILLed by its
pid, the whole stopped with SIGTERM to the supervisor; and the wave in which one worker is
killed halfway: every client whose connection drops reconnects once with its route cookie and
loads its page again, as Streamlit's frontend does when its websocket closes. Not pure: it
starts processes and kills one (by pid, never by name).
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from bench.common import REPO_DIR, child_env, cpu_seconds, log_tail, percentile, rss_mb
from bench.sessions import HOST, SESSION_TIMEOUT_S, free_port, open_session, page_load
from lib.serve.supervisor import read_status

START_TIMEOUT_S = 120
STOP_TIMEOUT_S = 30
RESTART_TIMEOUT_S = 60
DROP_NOTICE_S = 2.0  # after the kill: time for nginx to close the dropped connections


class Cluster:
    """The supervisor, nginx and N workers on one warehouse folder; ``port`` is nginx's."""

    profile_stats = None  # the sessions' helpers ask; a cluster is never profiled

    def __init__(self, data_dir: Path, log_path: Path, workers: int) -> None:
        self.data_dir, self.log_path, self.workers = data_dir, log_path, workers
        self.port = free_port()
        self.first_worker_port = free_port()  # the supervisor takes free ports from here up
        self.run_dir = data_dir / "serve"
        self.process: subprocess.Popen | None = None

    def start(self) -> float:
        """Start the supervisor; wait until every worker is healthy and nginx answers."""
        started = time.perf_counter()
        command = [sys.executable, "-m", "lib", "serve", "--workers", str(self.workers)]
        command += ["--port", str(self.port), "--worker-port", str(self.first_worker_port)]
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        with self.log_path.open("wb") as log:
            self.process = subprocess.Popen(
                command,
                cwd=REPO_DIR,
                env=child_env(self.data_dir),
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        deadline = time.monotonic() + START_TIMEOUT_S
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"python -m lib serve exited: {self.log_tail()}")
            if self._ready():
                return time.perf_counter() - started
            time.sleep(0.25)
        raise TimeoutError(f"python -m lib serve not ready: {self.log_tail()}")

    def _ready(self) -> bool:
        status = self.status()
        if not status or not all(worker["healthy"] for worker in status["workers"]):
            return False
        url = f"http://{HOST}:{self.port}/_stcore/health"
        with contextlib.suppress(OSError), urllib.request.urlopen(url, timeout=2) as answer:
            return answer.status == 200
        return False

    def status(self) -> dict:
        return read_status(self.run_dir) or {}

    def worker_pids(self) -> list[int]:
        return [w["pid"] for w in self.status().get("workers", []) if w["pid"]]

    def nginx_pid(self) -> int | None:
        return self.status().get("nginx", {}).get("pid")

    def cpu_s(self) -> float:
        """The workers' CPU time together (what a wave costs them)."""
        return sum(cpu_seconds(pid) or 0.0 for pid in self.worker_pids())

    def worker_cpu_s(self) -> list[float]:
        return [cpu_seconds(pid) or 0.0 for pid in self.worker_pids()]

    def nginx_cpu_s(self) -> float:
        """nginx's master and worker processes (its workers are the master's children)."""
        master = self.nginx_pid()
        if master is None:
            return 0.0
        pids = [master]
        with contextlib.suppress(OSError):
            children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
            pids += [int(child) for child in children]
        return sum(cpu_seconds(pid) or 0.0 for pid in pids)

    def rss_mb(self) -> float | None:
        values = [rss_mb(pid) for pid in self.worker_pids()]
        return sum(v for v in values if v is not None) if values else None

    def kill_worker(self, index: int = 0) -> dict:
        """SIGKILL one worker by its pid; its status entry as it was."""
        worker = self.status()["workers"][index]
        os.kill(worker["pid"], signal.SIGKILL)
        return worker

    def wait_restarted(self, name: str, old_pid: int, since: float) -> float | None:
        """Seconds from ``since`` (monotonic) until the supervisor has the worker back and
        healthy under a new pid; None if it is not back within RESTART_TIMEOUT_S."""
        deadline = since + RESTART_TIMEOUT_S
        while time.monotonic() < deadline:
            for worker in self.status().get("workers", []):
                back = worker["pid"] not in (None, old_pid) and worker["healthy"]
                if worker["name"] == name and back:
                    return time.monotonic() - since
            time.sleep(0.1)
        return None

    def stop(self) -> None:
        """SIGTERM the supervisor (it stops nginx and the workers); SIGKILL as a last resort."""
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=STOP_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=STOP_TIMEOUT_S)

    def log_tail(self, lines: int = 15) -> str:
        return log_tail(self.log_path, lines)

    def tracebacks(self) -> int:
        """Tracebacks in the workers' logs (a killed worker leaves none: SIGKILL is silent)."""
        return sum(
            path.read_text(encoding="utf-8", errors="replace").count("Traceback")
            for path in (self.run_dir / "logs").glob("worker-*.log")
        )

    def __enter__(self) -> Cluster:
        return self

    def __exit__(self, *exc) -> None:
        self.stop()


# --- the wave with a worker killed halfway ---------------------------------------------------


def _connection_lost(outcome: dict) -> bool:
    """Did the session fail because its connection went away (what a browser reconnects on)?"""
    if outcome.get("dropped_while_held"):
        return True
    problems = outcome.get("problems", [])
    return bool(problems) and all(p.startswith(("connection:", "first request:")) for p in problems)


async def _reconnecting_client(
    port: int, target: tuple[str, str], hold: asyncio.Event, done: asyncio.Event, state: list
) -> dict:
    """Open the page; when the connection drops (while loading or while open), reconnect once
    with the same route cookie and run the page again."""
    page_hash, page_name = target
    first = await page_load(port, page_hash, page_name, "", SESSION_TIMEOUT_S, hold, done)
    result = {"first": first, "dropped": _connection_lost(first)}
    if result["dropped"]:
        state[0] = "reloading"
        cookie = first.get("cookie")
        if cookie:
            second = await open_session(
                port, page_hash, page_name, "", SESSION_TIMEOUT_S, cookie=cookie
            )
        else:
            second = await page_load(port, page_hash, page_name, "", SESSION_TIMEOUT_S)
        result["second"] = second
    state[0] = "done"
    return result


async def _kill_halfway(
    cluster: Cluster, done: list[asyncio.Event], states: list[list], hold: asyncio.Event
) -> dict:
    """When half the sessions have their page, SIGKILL worker 1; release the sessions once
    every client is either holding its page or done reconnecting."""
    deadline = time.monotonic() + SESSION_TIMEOUT_S
    while sum(d.is_set() for d in done) < len(done) // 2 and time.monotonic() < deadline:
        await asyncio.sleep(0.01)
    finished = sum(d.is_set() for d in done)
    victim = cluster.kill_worker(0)
    killed_at = time.monotonic()
    await asyncio.sleep(DROP_NOTICE_S)
    while time.monotonic() < deadline:
        if all(d.is_set() and s[0] != "reloading" for d, s in zip(done, states, strict=True)):
            break
        await asyncio.sleep(0.05)
    hold.set()
    return {"victim": victim, "killed_at": killed_at, "finished_before_kill": finished}


def _first_attempt_ok(client: dict) -> bool:
    return not client["dropped"] and client["first"]["ok"]


async def kill_wave(cluster: Cluster, sessions: int, target: tuple[str, str]) -> dict:
    """``sessions`` simultaneous page loads through nginx; worker 1 is SIGKILLed when half of
    them have their page. Counts the page loads that fail after the one reconnect."""
    hold = asyncio.Event()
    done = [asyncio.Event() for _ in range(sessions)]
    states = [["loading"] for _ in range(sessions)]
    started = time.monotonic()
    clients = [
        asyncio.create_task(_reconnecting_client(cluster.port, target, hold, d, s))
        for d, s in zip(done, states, strict=True)
    ]
    kill = await _kill_halfway(cluster, done, states, hold)
    outcomes = await asyncio.gather(*clients)
    victim = kill["victim"]
    restarted = await asyncio.to_thread(
        cluster.wait_restarted, victim["name"], victim["pid"], kill["killed_at"]
    )
    dropped = [c for c in outcomes if c["dropped"]]
    reloads = [c["second"]["finished_s"] for c in dropped if "finished_s" in c.get("second", {})]
    failed_after = [c for c in dropped if not c.get("second", {}).get("ok")]
    failed_other = [c for c in outcomes if not c["dropped"] and not c["first"]["ok"]]
    problems = {
        problem
        for client in failed_after + failed_other
        for problem in client.get("second", client["first"])["problems"]
    }
    return {
        "sessions": sessions,
        "killed": {"name": victim["name"], "port": victim["port"]},
        "finished_before_kill": kill["finished_before_kill"],
        "killed_after_s": kill["killed_at"] - started,
        "ok_first_attempt": sum(_first_attempt_ok(c) for c in outcomes),
        "dropped": len(dropped),
        "dropped_while_loading": sum(not c["first"].get("dropped_while_held") for c in dropped),
        "dropped_while_open": sum(bool(c["first"].get("dropped_while_held")) for c in dropped),
        "failed_after_reconnect": len(failed_after),
        "failed_without_drop": len(failed_other),
        "reload_p50_s": percentile(reloads, 50) if reloads else None,
        "reload_p95_s": percentile(reloads, 95) if reloads else None,
        "worker_back_after_s": restarted,
        "problems": sorted(problems)[:10],
    }
