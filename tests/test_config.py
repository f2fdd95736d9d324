"""lib.config: settings from IDMAJ_* variables, and a clear message for a bad one."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from lib.config import SettingsError, get_settings

REPO = Path(__file__).resolve().parent.parent
BAD_THRESHOLDS = ["abc", "", "1", "١٠", " 10", "10.5", "1_0", "9" * 5000]


def test_variables_override_the_defaults(monkeypatch, tmp_path):
    monkeypatch.setenv("IDMAJ_SUPPRESSION_THRESHOLD", "20")
    monkeypatch.setenv("IDMAJ_MODE", "public")
    settings = get_settings(data_dir=tmp_path)
    assert settings.suppression_threshold == 20 and settings.is_public_only
    assert settings.warehouse_path == tmp_path / "idmaj.duckdb"


@pytest.mark.parametrize("value", BAD_THRESHOLDS)
def test_a_bad_threshold_names_the_variable_and_what_it_accepts(value, monkeypatch):
    monkeypatch.setenv("IDMAJ_SUPPRESSION_THRESHOLD", value)
    with pytest.raises(SettingsError) as refused:
        get_settings()
    for lang, accepts in (("fr", "au moins égal à 2"), ("en", "at least 2"), ("ar", "2")):
        text = refused.value.describe(lang)
        assert "IDMAJ_SUPPRESSION_THRESHOLD" in text and accepts in text
        assert len(text) < 600  # a 5 000-digit value is shortened, not echoed whole


@pytest.mark.parametrize(
    ("variable", "value"),
    [("IDMAJ_MODE", "private"), ("IDMAJ_DEMO_SCALE", "0"), ("IDMAJ_DATA_DIR", "")],
)
def test_other_bad_settings_are_refused_by_name(variable, value, monkeypatch):
    monkeypatch.setenv(variable, value)
    with pytest.raises(SettingsError, match=variable):
        get_settings()


@pytest.mark.parametrize("value", ["abc", ""])
def test_the_app_names_a_bad_threshold_and_stops(value, monkeypatch):
    monkeypatch.setenv("IDMAJ_SUPPRESSION_THRESHOLD", value)
    at = AppTest.from_file(str(REPO / "app.py"), default_timeout=30).run()
    assert not at.exception
    shown = at.error[0].value.replace("\\", "")  # the message is Markdown-escaped text
    assert "IDMAJ_SUPPRESSION_THRESHOLD" in shown
