"""Fixtures of the operations tests: a tiny warehouse built once, copied for each test; chart
images made cheap for the tests that publish."""

from __future__ import annotations

from pathlib import Path

import pytest

from lib.config import get_settings
from lib.public import images
from lib.warehouse import db
from tests.ops import helpers


@pytest.fixture(scope="session")
def small_template(tmp_path_factory) -> Path:
    """A demo warehouse of a handful of records, built once (copy it before writing)."""
    folder = tmp_path_factory.mktemp("small")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("IDMAJ_DATA_DIR", str(folder))  # even the log stays in the folder
        helpers.small_warehouse(folder)
        db.close_all()
    return folder


@pytest.fixture
def small(small_template, fresh_data_dir):
    """This test's own copy of the tiny warehouse; its settings."""
    helpers.copy_data(small_template, fresh_data_dir)
    yield get_settings()
    db.close_all()


@pytest.fixture
def quick_images(monkeypatch):
    """The charts' PNGs drawn as one tiny image: the tests spend their time on writes."""
    tiny = images.png("<svg xmlns='http://www.w3.org/2000/svg' width='2' height='2'/>")
    monkeypatch.setattr(images, "png", lambda *args, **kwargs: tiny)
