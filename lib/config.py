"""One frozen Settings value: paths, thresholds, mode.

Every setting can be overridden by an ``IDMAJ_*`` environment variable, so tests point
``IDMAJ_DATA_DIR`` at a temporary folder and never touch the developer's warehouse. Each
variable is read by one small parser that says what it accepts: a bad value (``abc``, an
empty value, ``١٠``) raises :class:`SettingsError` naming the variable, never a bare
``ValueError``, and nothing starts on it. Pure: no streamlit.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

REPO_DIR = Path(__file__).resolve().parent.parent
MODES = ("auto", "public")
_ASCII_INTEGER = re.compile(r"[0-9]{1,9}")


@dataclass(frozen=True)
class Settings:
    data_dir: Path = REPO_DIR / "data"
    seed_dir: Path = REPO_DIR / "data" / "seed"
    mode: str = "auto"  # auto: demo or production, decided by the data; public: public pages only
    suppression_threshold: int = 10
    demo_scale: int = 1
    max_upload_mb: int = 20
    max_upload_rows: int = 200_000
    session_timeout_minutes: int = 30
    publication_min_days: int = 28  # the public snapshot of real data changes at most this often
    backup_dir: Path | None = None  # None: data_dir / "backups" (better: another disk)
    log_dir: Path | None = None  # None: data_dir / "logs"

    @property
    def warehouse_path(self) -> Path:
        return self.data_dir / "idmaj.duckdb"

    @property
    def public_dir(self) -> Path:
        return self.data_dir / "public"

    @property
    def backup_folder(self) -> Path:
        """Where ``python -m lib backup`` writes (IDMAJ_BACKUP_DIR, else data/backups)."""
        return self.backup_dir if self.backup_dir is not None else self.data_dir / "backups"

    @property
    def log_folder(self) -> Path:
        """Where the JSON-lines log is written (IDMAJ_LOG_DIR, else data/logs)."""
        return self.log_dir if self.log_dir is not None else self.data_dir / "logs"

    @property
    def is_public_only(self) -> bool:
        return self.mode == "public"


class SettingsError(ValueError):
    """An ``IDMAJ_*`` variable holds a value its setting cannot take."""

    def __init__(self, variable: str, value: str, accepts: str, **params):
        self.variable, self.value, self.accepts, self.params = variable, value, accepts, params
        super().__init__(f"{variable}={value[:40]!r}: {self.describe('en')}")

    def describe(self, lang: str = "fr") -> str:
        """The message in ``lang``: which variable, the value, what it accepts."""
        from lib.i18n import t  # i18n reads no settings; imported late to keep this module light

        shown = self.value if len(self.value) <= 40 else self.value[:40] + "…"
        return t(
            "config.bad_setting",
            lang,
            variable=self.variable,
            value=shown,
            accepts=t(f"config.accepts_{self.accepts}", lang, **self.params),
        )


def _path(variable: str, text: str) -> Path:
    if not text.strip():
        raise SettingsError(variable, text, "path")
    return Path(text)


def _integer_at_least(minimum: int) -> Callable[[str, str], int]:
    def parse(variable: str, text: str) -> int:
        # ASCII digits only: int() would also take "١٠", " 10 " or "1_0".
        if not _ASCII_INTEGER.fullmatch(text) or int(text) < minimum:
            raise SettingsError(variable, text, "integer", minimum=minimum)
        return int(text)

    return parse


def _mode(variable: str, text: str) -> str:
    if text not in MODES:
        raise SettingsError(variable, text, "mode", modes=", ".join(MODES))
    return text


_ENV: dict[str, tuple[str, Callable[[str, str], object]]] = {
    "IDMAJ_DATA_DIR": ("data_dir", _path),
    "IDMAJ_SEED_DIR": ("seed_dir", _path),
    "IDMAJ_MODE": ("mode", _mode),
    "IDMAJ_SUPPRESSION_THRESHOLD": ("suppression_threshold", _integer_at_least(2)),
    "IDMAJ_DEMO_SCALE": ("demo_scale", _integer_at_least(1)),
    "IDMAJ_MAX_UPLOAD_MB": ("max_upload_mb", _integer_at_least(1)),
    "IDMAJ_MAX_UPLOAD_ROWS": ("max_upload_rows", _integer_at_least(1)),
    "IDMAJ_SESSION_TIMEOUT_MINUTES": ("session_timeout_minutes", _integer_at_least(1)),
    "IDMAJ_PUBLICATION_MIN_DAYS": ("publication_min_days", _integer_at_least(0)),
    "IDMAJ_BACKUP_DIR": ("backup_dir", _path),
    "IDMAJ_LOG_DIR": ("log_dir", _path),
}


def get_settings(**overrides) -> Settings:
    """Settings from the environment, then from explicit overrides (tests).

    A variable that is set counts, even when empty: an empty threshold is an error, not 10.
    """
    values = {}
    for variable, (field, parse) in _ENV.items():
        if variable in os.environ:
            values[field] = parse(variable, os.environ[variable])
    values.update(overrides)
    for field in ("data_dir", "seed_dir", "backup_dir", "log_dir"):
        if values.get(field) is not None:
            values[field] = Path(values[field])
    settings = replace(Settings(), **values)
    _mode("mode", settings.mode)
    return settings
