"""Source titles and notes of the published figures in French, Arabic and English.

A source is quoted under the title its row was given (sometimes English, "DGAPR 2023 report
(press)"), and its note is often English: ``data/seed/source_translations.csv`` keeps, for each
original text (``kind`` = ``source_title`` or ``note``), its French, Arabic and English
versions. The original stays the key and is still shown; a text with no translation is shown
as it is, so an imported figure with a new source needs nothing here. A ``zgh`` column holds
the Tamazight versions, read when the public face is shown in Tamazight (the public tables keep
the three columns of the whole interface). Pure: reads one CSV.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import pandas as pd

from lib.config import get_settings
from lib.i18n import LANGUAGES, PUBLIC_LANGUAGES

FILE_NAME = "source_translations.csv"
KINDS = ("source_title", "note")


@lru_cache(maxsize=4)
def _table(seed_dir: str) -> dict[tuple[str, str], dict[str, str]]:
    path = Path(seed_dir) / FILE_NAME
    if not path.exists():
        return {}
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    return {
        (row["kind"], row["original"]): {
            lang: row[lang] for lang in PUBLIC_LANGUAGES if row.get(lang)
        }
        for row in frame.to_dict(orient="records")
    }


def translated(kind: str, original, lang: str, seed_dir: Path | None = None) -> str:
    """``original`` (a source title or a note) in ``lang``; "" when there is no text at all."""
    if original is None or (not isinstance(original, str) and pd.isna(original)):
        return ""
    folder = str(seed_dir or get_settings().seed_dir)
    return _table(folder).get((kind, str(original)), {}).get(lang, str(original))


def with_translations(figures: pd.DataFrame, seed_dir: Path | None = None) -> pd.DataFrame:
    """``figures`` with ``source_title_fr|ar|en`` and ``note_fr|ar|en`` beside the originals."""
    out = figures.copy()
    for kind in KINDS:
        for lang in LANGUAGES:
            texts = [translated(kind, value, lang, seed_dir) for value in figures[kind]]
            out[f"{kind}_{lang}"] = pd.Series(
                [text or None for text in texts], index=figures.index, dtype="object"
            )
    return out
