"""Against a real server, in headless Chromium: a download is fetched by the session that made
it and is gone for anyone else; a crafted link draws no link or image; the server listens on
this machine only unless told otherwise."""

from __future__ import annotations

import time
import tomllib
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from lib.ui.downloads import FORGET_AFTER_S
from tests.e2e.server import chromium_context, running_server, settle

pytestmark = pytest.mark.e2e
REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def server(warehouse_dir, tmp_path_factory) -> str:
    folder = tmp_path_factory.mktemp("security_server")
    for name in ("idmaj.duckdb",):
        (folder / name).write_bytes((warehouse_dir / name).read_bytes())
    with running_server(folder) as url:
        yield url


def _status(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def test_a_download_is_not_left_at_an_address_another_client_can_fetch(server):
    with chromium_context(server) as context:
        page = context.new_page()
        page.goto(server)  # the overview is the default page
        settle(page)
        page.get_by_text("Données du graphique").first.click()
        page.get_by_role("button", name="Télécharger (CSV)").first.wait_for(state="visible")
        with page.expect_download(timeout=120_000) as done:
            page.get_by_role("button", name="Télécharger (CSV)").first.click()
        download = done.value
        assert Path(download.path()).read_bytes().startswith(b"\xef\xbb\xbf")  # the session got it
        address = download.url
    time.sleep(FORGET_AFTER_S + 1)  # the browser has long fetched it
    assert _status(address) == 404, address  # a stranger, or a leaked link, gets nothing


def test_a_crafted_link_draws_no_link_and_no_image(server):
    with chromium_context(server) as context:
        page = context.new_page()
        page.goto(
            f"{server}/overview?year=[clic](https://evil.example)&region=![x](https://evil.example/x.png)"
        )
        settle(page)
        assert page.locator("a[href*='evil.example']").count() == 0
        assert page.locator("img[src*='evil.example']").count() == 0
        assert page.get_by_text("[clic](").count() >= 1  # said as text


def test_the_server_listens_on_this_machine_only_by_default():
    config = tomllib.loads((REPO / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert config["server"]["address"] == "127.0.0.1"
