"""A real Streamlit server and browser-like sessions against it, through Streamlit's own
websocket protocol: what the concurrency part measures and the profiles part profiles. The
server is ``streamlit run app.py`` on a free port of 127.0.0.1 (no other address is ever
contacted), with ``IDMAJ_DATA_DIR`` pointing at the bench warehouse. Each light client does what
the browser does on opening a page: it connects to ``/_stcore/stream`` (subprotocol
``streamlit``), sends a ``BackMsg`` whose ``rerun_script`` carries the page's
``page_script_hash``, ``page_name`` and query string, and reads ``ForwardMsg`` frames until
``script_finished`` (a finish "early for rerun" means the script goes on); the time measured
runs from opening the connection to that message. Behind nginx (``python -m lib serve``) a
client first fetches the page's HTML as a browser does, keeps the route cookie nginx sets and
sends it with the websocket's handshake (``page_load``), so its session sticks to one worker.
An exception element, an error alert, ``page_not_found``, a compile error, a timeout or a
failed connection counts as an error. All N sessions of a wave start together and stay
connected until the last one is done (as N people looking at the page); the server's RSS is
sampled from /proc/<pid>/status meanwhile. Every loop is bounded by a count and a timeout. Not
pure: it starts and stops servers (by pid).
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from bench.common import (
    APP_PATH,
    REPO_DIR,
    child_env,
    cpu_seconds,
    load_average,
    log_tail,
    peak_rss_mb,
    percentile,
    rss_mb,
)

HOST = "127.0.0.1"
START_TIMEOUT_S = 90
SESSION_TIMEOUT_S = 150
MAX_FRAMES = 5_000  # no page sends anywhere near this many messages
RSS_SAMPLE_S = 0.1
SETTLE_S = 1.0


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


class Server:
    """``streamlit run app.py`` on 127.0.0.1:<port>, in its own process group, stopped by pid."""

    def __init__(
        self,
        data_dir: Path,
        log_path: Path,
        extra_env: dict[str, str] | None = None,
        profile_stats: Path | None = None,
        options: dict[str, str] | None = None,
    ):
        self.data_dir = data_dir
        self.options = options or {}
        self.profile_stats = profile_stats
        self.log_path = log_path
        self.port = free_port()
        self.extra_env = extra_env or {}
        self.process: subprocess.Popen | None = None
        self.started_s: float | None = None

    @property
    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid

    def _command(self) -> list[str]:
        script = Path(sys.executable).with_name("streamlit")
        runner = [str(script)] if script.exists() else [sys.executable, "-m", "streamlit"]
        if self.profile_stats is not None:  # the same server, under cProfile
            runner = [sys.executable, "-m", "bench.workers.profile", "server"]
            runner += ["--stats", str(self.profile_stats), "--"]
        return [
            *runner,
            "run",
            str(APP_PATH),
            "--server.port",
            str(self.port),
            "--server.address",
            HOST,
            "--server.headless",
            "true",
            "--browser.gatherUsageStats",
            "false",
            *(item for key, value in self.options.items() for item in (f"--{key}", value)),
        ]

    def start(self) -> float:
        """Start and wait until /_stcore/health answers; returns the seconds that took."""
        started = time.perf_counter()
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        log = self.log_path.open("wb")
        self.process = subprocess.Popen(
            self._command(),
            cwd=REPO_DIR,
            env=child_env(self.data_dir, **self.extra_env),
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        log.close()
        url = f"http://{HOST}:{self.port}/_stcore/health"
        deadline = time.monotonic() + START_TIMEOUT_S
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"server exited: {self.log_tail()}")
            with contextlib.suppress(OSError), urllib.request.urlopen(url, timeout=2) as answer:
                if answer.status == 200:
                    self.started_s = time.perf_counter() - started
                    return self.started_s
            time.sleep(0.2)
        raise TimeoutError(f"server not healthy after {START_TIMEOUT_S} s: {self.log_tail()}")

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=15)

    def rss_mb(self) -> float | None:
        return rss_mb(self.pid)

    def cpu_s(self) -> float:
        return cpu_seconds(self.pid) or 0.0

    def peak_rss_mb(self) -> float | None:
        return peak_rss_mb(self.pid)

    def log_tail(self, lines: int = 15) -> str:
        return log_tail(self.log_path, lines)

    def tracebacks(self) -> int:
        try:
            return self.log_path.read_text(encoding="utf-8", errors="replace").count("Traceback")
        except OSError:
            return 0

    def __enter__(self) -> Server:
        return self

    def __exit__(self, *exc) -> None:
        self.stop()


# --- one light client ----------------------------------------------------------------------


def rerun_message(page_hash: str, page_name: str, query_string: str) -> bytes:
    from streamlit.proto.BackMsg_pb2 import BackMsg

    message = BackMsg()
    message.rerun_script.query_string = query_string
    message.rerun_script.page_script_hash = page_hash
    message.rerun_script.page_name = page_name
    return message.SerializeToString()


def _element_problem(forward) -> str | None:
    from streamlit.proto.Alert_pb2 import Alert

    if forward.delta.WhichOneof("type") != "new_element":
        return None
    element = forward.delta.new_element
    kind = element.WhichOneof("type")
    if kind == "exception":
        return f"exception: {element.exception.type}: {element.exception.message[:160]}"
    if kind == "alert" and element.alert.format == Alert.ERROR:
        return f"st.error: {element.alert.body[:160]}"
    return None


async def open_session(
    port: int,
    page_hash: str,
    page_name: str,
    query_string: str,
    timeout: float,
    hold: asyncio.Event | None = None,
    done: asyncio.Event | None = None,
    hold_timeout: float = SESSION_TIMEOUT_S,
    cookie: str | None = None,
) -> dict:
    """One browser-like session of a page: seconds to script_finished, and what went wrong.

    ``cookie`` is sent with the websocket's handshake, as a browser sends its cookies (behind
    nginx, the route cookie picks the worker). A connection the server closes while the
    session is held open is noted (``dropped_while_held``): a browser would reconnect.
    """
    import websockets
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

    outcome: dict = {"ok": False, "problems": []}
    started = time.perf_counter()
    try:
        async with websockets.connect(
            f"ws://{HOST}:{port}/_stcore/stream",
            subprotocols=["streamlit"],
            max_size=None,
            open_timeout=timeout,
            ping_interval=None,
            close_timeout=5,
            additional_headers={"Cookie": cookie} if cookie else None,
        ) as socket_:
            outcome["connect_s"] = time.perf_counter() - started
            try:
                async with asyncio.timeout(timeout):
                    await socket_.send(rerun_message(page_hash, page_name, query_string))
                    await _read_until_finished(socket_, outcome, started, ForwardMsg)
            except TimeoutError:
                outcome["problems"].append(f"timeout after {timeout} s")
            if done is not None:
                done.set()
            if hold is not None:
                await _hold_open(socket_, hold, hold_timeout, outcome)
    except (OSError, websockets.exceptions.WebSocketException) as failure:
        outcome["problems"].append(f"connection: {type(failure).__name__}: {failure}"[:200])
    finally:
        if done is not None:
            done.set()
    outcome["ok"] = not outcome["problems"] and "finished_s" in outcome
    return outcome


async def _hold_open(socket_, hold: asyncio.Event, timeout: float, outcome: dict) -> None:
    """Keep the session open until ``hold`` is set; note it when the server drops it first."""
    released = asyncio.ensure_future(hold.wait())
    closed = asyncio.ensure_future(socket_.wait_closed())
    finished, pending = await asyncio.wait(
        {released, closed}, timeout=timeout, return_when=asyncio.FIRST_COMPLETED
    )
    for task in pending:
        task.cancel()
    if closed in finished and not hold.is_set():
        outcome["dropped_while_held"] = True


async def first_request(port: int, path: str, timeout: float = 60) -> dict:
    """A browser's first request of a page (its HTML), as raw HTTP/1.1: the seconds it took and
    the route cookie nginx set (``idmaj_route=...``), which the session's websocket then sends.
    """
    started = time.perf_counter()
    request = f"GET /{path} HTTP/1.1\r\nHost: {HOST}:{port}\r\nConnection: close\r\n\r\n"
    try:
        async with asyncio.timeout(timeout):
            reader, writer = await asyncio.open_connection(HOST, port)
            writer.write(request.encode("ascii"))
            answer = await reader.read()  # Connection: close, so the whole answer
            writer.close()
    except (OSError, TimeoutError) as failure:
        return {"ok": False, "problem": f"first request: {type(failure).__name__}: {failure}"}
    head = answer.split(b"\r\n\r\n", 1)[0].decode("latin-1")
    status = head.split(" ", 2)[1] if " " in head else "?"
    cookies = re.findall(r"(?im)^set-cookie:\s*(idmaj_route=[^;\r\n]+)", head)
    return {
        "ok": status == "200",
        "problem": None if status == "200" else f"first request: HTTP {status}",
        "s": time.perf_counter() - started,
        "cookie": cookies[0] if cookies else None,
    }


async def page_load(
    port: int,
    page_hash: str,
    page_name: str,
    query_string: str,
    timeout: float,
    hold: asyncio.Event | None = None,
    done: asyncio.Event | None = None,
) -> dict:
    """What a browser does to open a page behind nginx: fetch its HTML (which sets the route
    cookie), then open the session's websocket with that cookie. The time is the session's,
    as ``open_session`` measures it; the HTML's is ``html_s``."""
    html = await first_request(port, page_name, timeout)
    if not html["ok"]:
        if done is not None:
            done.set()
        return {"ok": False, "problems": [html["problem"]]}
    outcome = await open_session(
        port, page_hash, page_name, query_string, timeout, hold, done, cookie=html["cookie"]
    )
    return outcome | {"html_s": html["s"], "cookie": html["cookie"]}


async def _read_until_finished(socket_, outcome: dict, started: float, ForwardMsg) -> None:
    navigation: dict[str, str] = {}
    frames = 0
    while frames < MAX_FRAMES:
        data = await socket_.recv()
        frames += 1
        outcome["bytes"] = outcome.get("bytes", 0) + len(data)
        forward = ForwardMsg()
        forward.ParseFromString(data)
        kind = forward.WhichOneof("type")
        if kind == "delta":
            outcome.setdefault("first_delta_s", time.perf_counter() - started)
            problem = _element_problem(forward)
            if problem:
                outcome["problems"].append(problem)
        elif kind == "navigation":
            navigation = {p.url_pathname: p.page_script_hash for p in forward.navigation.app_pages}
            outcome["navigation"] = navigation
        elif kind == "page_not_found":
            outcome["problems"].append("page_not_found")
        elif kind == "script_finished":
            status = forward.script_finished
            if status == ForwardMsg.FINISHED_EARLY_FOR_RERUN:
                continue  # st.rerun(): the page runs again in the same session
            if status == ForwardMsg.FINISHED_WITH_COMPILE_ERROR:
                outcome["problems"].append("compile error")
            outcome["finished_s"] = time.perf_counter() - started
            outcome["frames"] = frames
            return
    outcome["problems"].append(f"no script_finished in {MAX_FRAMES} frames")


# --- waves -----------------------------------------------------------------------------------


async def _sample_rss(server: Server, stop: asyncio.Event, peak: list[float]) -> None:
    deadline = time.monotonic() + SESSION_TIMEOUT_S * 3
    while not stop.is_set() and time.monotonic() < deadline:
        value = server.rss_mb()
        if value is not None:
            peak[0] = max(peak[0], value)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), RSS_SAMPLE_S)


async def wave(
    server: Server,
    sessions: int,
    page_hash: str,
    page_name: str,
    query: str,
    keep_times: bool = False,
    sticky: bool = False,
) -> dict:
    """``sessions`` simultaneous sessions of one page; each held open until all are done.
    ``sticky``: each session first fetches the page's HTML and keeps the route cookie that
    nginx sets (``page_load``), as a browser does."""
    hold = asyncio.Event()
    done = [asyncio.Event() for _ in range(sessions)]
    before = server.rss_mb() or 0.0
    cpu_before = server.cpu_s()
    peak = [before]
    stop = asyncio.Event()
    sampler = asyncio.create_task(_sample_rss(server, stop, peak))
    started = time.perf_counter()
    session = page_load if sticky else open_session
    tasks = [
        asyncio.create_task(
            session(server.port, page_hash, page_name, query, SESSION_TIMEOUT_S, hold, d)
        )
        for d in done
    ]
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(asyncio.gather(*(d.wait() for d in done)), SESSION_TIMEOUT_S + 30)
    all_done_s = time.perf_counter() - started
    server_cpu = server.cpu_s() - cpu_before
    connected_mb = server.rss_mb()
    hold.set()
    outcomes = await asyncio.gather(*tasks)
    stop.set()
    await sampler
    await asyncio.sleep(SETTLE_S if sessions > 5 else 0.5)  # the server drops closed sessions
    times = [o["finished_s"] for o in outcomes if "finished_s" in o]
    problems = sorted({p for o in outcomes for p in o["problems"]})
    extra = {"times_s": times} if keep_times else {}
    html_times = [o["html_s"] for o in outcomes if "html_s" in o]
    if html_times:
        extra["html_p95_s"] = percentile(html_times, 95)
    return extra | {
        "sessions": sessions,
        "ok": sum(o["ok"] for o in outcomes),
        "errors": sum(not o["ok"] for o in outcomes),
        "problems": problems[:10],
        "p50_s": percentile(times, 50) if times else None,
        "p95_s": percentile(times, 95) if times else None,
        "max_s": max(times) if times else None,
        "bytes_per_session": percentile([o.get("bytes", 0) for o in outcomes], 50),
        "first_delta_p50_s": percentile(
            [o["first_delta_s"] for o in outcomes if "first_delta_s" in o] or [0.0], 50
        ),
        "wall_s": all_done_s,
        "server_cpu_s": server_cpu,
        "server_cpu_per_session_s": server_cpu / sessions,
        "load_average": load_average(),
        "server_rss_mb": {
            "before": before,
            "peak": peak[0],
            "all_connected": connected_mb,
            "after_close": server.rss_mb(),
        },
    }


async def sequential_sessions(
    server: Server, count: int, page_hash: str, page_name: str, query: str
) -> dict:
    """``count`` sessions one after another: latency without contention, CPU per session."""
    times, cpus, sizes, problems = [], [], [], set()
    for _ in range(count):
        cpu_before = server.cpu_s()
        outcome = await open_session(server.port, page_hash, page_name, query, SESSION_TIMEOUT_S)
        cpus.append(server.cpu_s() - cpu_before)
        sizes.append(outcome.get("bytes", 0))
        problems.update(outcome["problems"])
        if "finished_s" in outcome:
            times.append(outcome["finished_s"])
    return {
        "sessions": count,
        "errors": count - len(times) if not problems else count,
        "problems": sorted(problems)[:10],
        "p50_s": percentile(times, 50) if times else None,
        "p95_s": percentile(times, 95) if times else None,
        "cpu_per_run_s": percentile(cpus, 50) if cpus else None,
        "bytes_per_session": percentile(sizes, 50) if sizes else None,
    }


async def _run(
    server: Server,
    waves: list[int],
    pages: list[str],
    query: str,
    log,
    sequential: dict[str, int],
) -> dict:
    result: dict = {"pages": {}}
    first = await open_session(server.port, "", "", query, SESSION_TIMEOUT_S)
    navigation = first.get("navigation", {})
    result["first_session_s"] = first.get("finished_s")
    result["first_session_problems"] = first["problems"]
    result["navigation"] = sorted(navigation)
    result["rss_after_first_session_mb"] = server.rss_mb()
    for page in pages:
        url_path = "" if page == "overview" and "" in navigation else page
        if url_path not in navigation:
            result["pages"][page] = {"skipped": f"no page {page!r} in the navigation"}
            continue
        page_hash = navigation[url_path]
        warm = await open_session(server.port, page_hash, url_path, query, SESSION_TIMEOUT_S)
        entry: dict = {
            "url_path": url_path,
            "page_script_hash": page_hash,
            "warmup_session_s": warm.get("finished_s"),
            "warmup_problems": warm["problems"],
            "waves": {},
        }
        if server.profile_stats is not None:  # count the measured sessions only
            os.kill(server.pid, signal.SIGUSR1)
            await asyncio.sleep(0.5)
        if sequential.get(page):
            log(f"    {page}: {sequential[page]} sequential sessions")
            entry["sequential"] = await sequential_sessions(
                server, sequential[page], page_hash, url_path, query
            )
        for size in waves:
            log(f"    {page}: {size} simultaneous sessions")
            entry["waves"][str(size)] = await wave(server, size, page_hash, url_path, query)
        result["pages"][page] = entry
    return result


def measure(
    data_dir: Path,
    log_dir: Path,
    waves: list[int],
    pages: list[str],
    query: str = "",
    log=print,
    options: dict[str, str] | None = None,
    profile_stats: Path | None = None,
    sequential: dict[str, int] | None = None,
) -> dict:
    """Start a server on the warehouse, run the sessions page by page, stop the server."""
    sequential = {page: 5 for page in pages} if sequential is None else sequential
    with Server(
        data_dir, log_dir / "server.log", options=options, profile_stats=profile_stats
    ) as server:
        started_s = server.start()
        idle = server.rss_mb()
        result = asyncio.run(_run(server, waves, pages, query, log, sequential))
        result.update(
            {
                "server_start_s": started_s,
                "server_rss_idle_mb": idle,
                "server_peak_rss_mb": server.peak_rss_mb(),
                "server_tracebacks": server.tracebacks(),
                "server_log_tail": server.log_tail(5) if server.tracebacks() else "",
                "port": server.port,
                "query_string": query,
                "options": options or {},
            }
        )
    return result


# --- the public page from several processes ------------------------------------------------


async def _split_waves(servers: list[Server], sizes: list[int], log) -> dict:
    targets = []
    for server in servers:
        first = await open_session(server.port, "", "", "", SESSION_TIMEOUT_S)
        navigation = first.get("navigation", {})
        url_path = "public" if "public" in navigation else ""
        if url_path not in navigation:
            return {"skipped": f"no public page in {sorted(navigation)}"}
        await open_session(server.port, navigation[url_path], url_path, "", SESSION_TIMEOUT_S)
        targets.append((server, navigation[url_path], url_path))
    waves = {}
    for size in sizes:
        log(f"    public, {len(servers)} processes: {size} simultaneous sessions")
        shares = [size // len(servers) + (i < size % len(servers)) for i in range(len(servers))]
        parts = await asyncio.gather(
            *(
                wave(server, share, page_hash, url_path, "", keep_times=True)
                for (server, page_hash, url_path), share in zip(targets, shares, strict=True)
            )
        )
        times = [t for part in parts for t in part.pop("times_s")]
        waves[str(size)] = {
            "sessions": size,
            "ok": sum(p["ok"] for p in parts),
            "errors": sum(p["errors"] for p in parts),
            "problems": sorted({x for p in parts for x in p["problems"]})[:10],
            "p50_s": percentile(times, 50) if times else None,
            "p95_s": percentile(times, 95) if times else None,
            "max_s": max(times) if times else None,
            "per_process": parts,
        }
    return {"waves": waves}


def public_processes(
    data_dir: Path, log_dir: Path, processes: int, sizes: list[int], log=print
) -> dict:
    """The public page served by ``processes`` public-only servers (IDMAJ_MODE=public: they open
    only the read-only public snapshot, so several can run side by side), each wave's sessions
    split evenly between them, as a reverse proxy with sticky sessions would."""
    servers = [
        Server(data_dir, log_dir / f"public-{i}.log", extra_env={"IDMAJ_MODE": "public"})
        for i in range(processes)
    ]
    try:
        for server in servers:
            server.start()
        result = asyncio.run(_split_waves(servers, sizes, log))
        result["processes"] = processes
        result["server_tracebacks"] = sum(server.tracebacks() for server in servers)
        result["server_peak_rss_mb"] = [server.peak_rss_mb() for server in servers]
    finally:
        for server in servers:
            server.stop()
    return result


# --- the static public site, for comparison ---------------------------------------------------


def _fetch_page(port: int, paths: list[str]) -> dict:
    started = time.perf_counter()
    size = 0
    try:
        for path in paths:
            with urllib.request.urlopen(f"http://{HOST}:{port}/{path}", timeout=60) as answer:
                size += len(answer.read())
    except OSError as failure:
        return {"ok": False, "problem": f"{type(failure).__name__}: {failure}"[:200]}
    return {"ok": True, "s": time.perf_counter() - started, "bytes": size}


def static_site(site_dir: Path, sessions: list[int], log=print) -> dict:
    """N visitors at once fetching the static public site (``lib.public.site`` writes it with the
    snapshot) from Python's own threaded static server: what serving it statically costs."""
    import re
    from concurrent.futures import ThreadPoolExecutor

    index = site_dir / "index.html"
    assets = sorted(set(re.findall(r'(?:src|href)="(assets/[^"]+)"', index.read_text("utf-8"))))
    paths = ["index.html", *assets]
    port = free_port()
    command = [sys.executable, "-m", "http.server", str(port), "--bind", HOST]
    server = subprocess.Popen(
        [*command, "--directory", str(site_dir)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    result: dict = {"paths": paths, "server": "python -m http.server (threads)", "waves": {}}
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and not _fetch_page(port, ["index.html"])["ok"]:
            time.sleep(0.1)
        for size in sessions:
            log(f"    static site: {size} simultaneous visitors")
            with ThreadPoolExecutor(max_workers=size) as pool:
                outcomes = list(pool.map(lambda _: _fetch_page(port, paths), range(size)))
            times = [o["s"] for o in outcomes if o["ok"]]
            result["waves"][str(size)] = {
                "sessions": size,
                "errors": sum(not o["ok"] for o in outcomes),
                "p50_s": percentile(times, 50) if times else None,
                "p95_s": percentile(times, 95) if times else None,
                "bytes_per_visitor": max((o.get("bytes", 0) for o in outcomes), default=0),
                "server_rss_mb": rss_mb(server.pid) or 0.0,
            }
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=15)
    return result
