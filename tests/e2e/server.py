"""A real `streamlit run app.py` for browser tests, on a free local port, stopped afterwards."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
STARTUP_TIMEOUT = 60  # seconds, until /_stcore/health answers ok


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
            return response.status == 200 and response.read().strip() == b"ok"
    except OSError:
        return False


def stop(process: subprocess.Popen) -> None:
    if process.poll() is not None:
        return
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)


@contextmanager
def running_server(data_dir: Path, *extra: str, env: dict | None = None) -> Iterator[str]:
    """The server's base URL while it runs on ``data_dir`` (IDMAJ_DATA_DIR)."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    environment = {key: value for key, value in os.environ.items() if key != "IDMAJ_MODE"}
    environment.update({"IDMAJ_DATA_DIR": str(data_dir), **(env or {})})
    environment["STREAMLIT_BROWSER_GATHER_USAGE_STATS"] = "false"
    command = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        "app.py",
        "--server.port",
        str(port),
        "--server.address",
        "127.0.0.1",
        "--server.headless",
        "true",
        # Other people edit lib/ and pages/ while tests run: no "file changed" prompt.
        "--server.fileWatcherType",
        "none",
        *extra,
    ]
    log_path = data_dir / "server.log"
    with open(log_path, "wb") as log:
        process = subprocess.Popen(
            command,
            cwd=REPO,
            env=environment,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        deadline = time.monotonic() + STARTUP_TIMEOUT
        while not healthy(url):
            if process.poll() is not None or time.monotonic() > deadline:
                tail = log_path.read_text(errors="replace")[-3000:]
                pytest.fail(f"streamlit did not start on {url}:\n{tail}")
            time.sleep(0.25)
        yield url
    finally:
        stop(process)


CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]


@contextmanager
def chromium_context(base_url: str, locale: str = "fr-MA", timeout_ms: int = 30_000):
    """Debian's Chromium through Playwright (no browser download), one context."""
    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=timeout_ms)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        context = browser.new_context(
            viewport={"width": 1400, "height": 1000}, locale=locale, base_url=base_url
        )
        context.set_default_timeout(timeout_ms)
        try:
            yield context
        finally:
            context.close()
            browser.close()
            expect.set_options(timeout=None)


def settle(page) -> None:
    """The title is drawn, the script has stopped, and nothing is still a placeholder."""
    from playwright.sync_api import expect

    page.locator("h1").first.wait_for()
    page.locator('[data-testid="stApp"][data-test-script-state="notRunning"]').wait_for()
    expect(page.locator('[data-testid="stStatusWidget"]')).to_have_count(0)
    expect(page.locator('[data-testid="stSkeleton"]')).to_have_count(0)
    page.wait_for_timeout(300)
