"""Category names in a language the public tables do not carry: Tamazight.

The public tables name regions and intervention types in French, Arabic and English
(``name_fr|ar|en``). Tamazight, which only the public face speaks, takes its names from the
seed by code (``data/seed/regions.csv`` and ``intervention_types.csv``, column ``name_zgh``) and
the total row's from the catalog, so that a snapshot published before Tamazight existed is
still shown in it. A name the seed lacks is shown in French. Pure: reads two CSV files.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import pandas as pd

from lib.config import get_settings
from lib.i18n import DEFAULT_LANGUAGE, t

SEED_FILES = {"region_code": "regions.csv", "type_code": "intervention_types.csv"}
TOTAL = "total"


@lru_cache(maxsize=8)
def seed_names(seed_dir: str, file_name: str, lang: str) -> dict[str, str]:
    """code -> name in ``lang`` of one seed list ({} when the seed has no such column)."""
    frame = pd.read_csv(Path(seed_dir) / file_name, dtype=str, keep_default_na=False)
    column = f"name_{lang}"
    if column not in frame:
        return {}
    return {code: name for code, name in zip(frame["code"], frame[column], strict=True) if name}


def names_in(frame: pd.DataFrame, lang: str, seed_dir: Path | None = None) -> pd.Series:
    """Each row's category name in ``lang``: the table's own ``name_<lang>`` column when it has
    one, else the seed's name for the row's code (the catalog's word on the total row), else
    the French name."""
    column = f"name_{lang}"
    if column in frame:
        return frame[column]
    french = frame[f"name_{DEFAULT_LANGUAGE}"]
    code_column = next((name for name in SEED_FILES if name in frame), None)
    if code_column is None:
        return french
    folder = str(seed_dir or get_settings().seed_dir)
    known = seed_names(folder, SEED_FILES[code_column], lang)
    total = t("public.total", lang)
    shown = [
        total if str(code) == TOTAL else known.get(str(code), name)
        for code, name in zip(frame[code_column], french, strict=True)
    ]
    return pd.Series(shown, index=frame.index, dtype=object)
