"""One frozen Settings value: paths, thresholds, mode.

Every setting can be overridden by an ``IDMAJ_*`` environment variable, so tests point
``IDMAJ_DATA_DIR`` at a temporary folder and never touch the developer's warehouse.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, replace
from pathlib import Path

REPO_DIR = Path(__file__).resolve().parent.parent
MODES = ("auto", "public")


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

    @property
    def warehouse_path(self) -> Path:
        return self.data_dir / "idmaj.duckdb"

    @property
    def public_dir(self) -> Path:
        return self.data_dir / "public"

    @property
    def is_public_only(self) -> bool:
        return self.mode == "public"


_ENV = {
    "IDMAJ_DATA_DIR": ("data_dir", Path),
    "IDMAJ_SEED_DIR": ("seed_dir", Path),
    "IDMAJ_MODE": ("mode", str),
    "IDMAJ_SUPPRESSION_THRESHOLD": ("suppression_threshold", int),
    "IDMAJ_DEMO_SCALE": ("demo_scale", int),
    "IDMAJ_MAX_UPLOAD_MB": ("max_upload_mb", int),
    "IDMAJ_MAX_UPLOAD_ROWS": ("max_upload_rows", int),
    "IDMAJ_SESSION_TIMEOUT_MINUTES": ("session_timeout_minutes", int),
}


def get_settings(**overrides) -> Settings:
    """Settings from the environment, then from explicit overrides (tests)."""
    values = {}
    for var, (field, cast) in _ENV.items():
        if os.environ.get(var):
            values[field] = cast(os.environ[var])
    values.update(overrides)
    for field in ("data_dir", "seed_dir"):
        if field in values:
            values[field] = Path(values[field])
    settings = replace(Settings(), **values)
    if settings.mode not in MODES:
        raise ValueError(f"IDMAJ_MODE must be one of {MODES}, not {settings.mode!r}")
    return settings
