"""Shared fixtures: every test runs against warehouses in temporary folders, never data/."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import settings as hypothesis_settings

from lib.config import get_settings
from lib.warehouse import db
from lib.warehouse.build import build

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def warehouse_dir(tmp_path_factory) -> Path:
    """One demo warehouse for the whole run (read-only use: build your own to write)."""
    folder = tmp_path_factory.mktemp("warehouse")
    build(get_settings(data_dir=folder))
    return folder


@pytest.fixture(autouse=True)
def isolated_data_dir(warehouse_dir, monkeypatch):
    """Point IDMAJ_DATA_DIR at the shared temporary warehouse for every test."""
    monkeypatch.setenv("IDMAJ_DATA_DIR", str(warehouse_dir))
    monkeypatch.delenv("IDMAJ_MODE", raising=False)
    yield
    db.close_all()


@pytest.fixture
def fresh_data_dir(tmp_path, monkeypatch) -> Path:
    """An empty data folder of this test's own (for builds and writes)."""
    monkeypatch.setenv("IDMAJ_DATA_DIR", str(tmp_path))
    db.close_all()
    return tmp_path


def pytest_configure(config):
    os.environ.setdefault("STREAMLIT_BROWSER_GATHER_USAGE_STATS", "false")


# Shared machines are noisy: hypothesis judges correctness here, never speed.
hypothesis_settings.register_profile("idmaj", deadline=None)
hypothesis_settings.load_profile("idmaj")
