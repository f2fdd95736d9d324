"""Text as spreadsheets hold it: a cell cleaned and shown, a word folded so that spellings meet.

A cell loses its invisible marks and surrounding spaces (``clean``) and is shown in the report
as the data officer typed it (``display``). A word is folded to lower case, without accents, with
Arabic letter variants and Eastern Arabic digits unified (``fold``), so that "Laâyoune",
"LAAYOUNE" and "laayoune" give one key (``compact``, ``header_key``). Every other module of the
import reads cells and names through these helpers. Pure: no streamlit, no warehouse.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Iterable
from datetime import date, datetime, time
from functools import lru_cache

_ARABIC = str.maketrans({"ة": "ه", "ى": "ي", "ـ": None})
DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")
_INVISIBLE = re.compile("[\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff\u00ad]")
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
SPACE = re.compile(r"[\s\u00a0\u202f\u2007\u2009]+")
_BRACKETS = re.compile(r"\([^)]*\)|\[[^\]]*\]")
WORD = re.compile(r"[^\W_]+")
_STOPWORDS = frozenset(
    ("de", "du", "des", "la", "le", "les", "l", "d", "of", "the", "en", "a", "au", "aux", "et")
)


# --- Folding: what makes "Laâyoune", "LAAYOUNE" and "laayoune" the same ---------------------


def fold(text: str) -> str:
    """Lower case, no accents, Arabic letter variants unified (alef, ta marbuta, ya)."""
    decomposed = unicodedata.normalize("NFKD", text.translate(DIGITS))
    bare = "".join(char for char in decomposed if not unicodedata.combining(char))
    return bare.translate(_ARABIC).casefold()


def words(text: str, drop: Iterable[str] = ()) -> list[str]:
    """The folded words of ``text``, without brackets, stop words, ``drop`` or Arabic's "al"."""
    found = WORD.findall(fold(_BRACKETS.sub(" ", text)))
    found = [word[2:] if word.startswith("ال") and len(word) > 3 else word for word in found]
    dropped = _STOPWORDS.union(drop)
    return [word for word in found if word not in dropped]


def header_key(text: str) -> str:
    return " ".join(words(str(text)))


def compact(text: str, drop: Iterable[str] = (), spellings: tuple = ()) -> str:
    """The folded words run together, with the usual misspellings (wrong, right) mended."""
    key = "".join(words(str(text), drop))
    for wrong, right in spellings:
        key = key.replace(wrong, right)
    return key


def keys(*texts: str) -> frozenset[str]:
    return frozenset(compact(text) for text in texts)


# --- Cells ----------------------------------------------------------------------------------


def display(raw) -> str:
    """A cell as the data officer typed it (near enough), for the report."""
    if raw is None:
        return ""
    if isinstance(raw, datetime):
        return raw.date().isoformat() if raw.time() == time() else raw.isoformat(sep=" ")
    if isinstance(raw, float) and raw.is_integer():
        return str(int(raw))
    return str(raw)


def text_of(raw) -> str:
    """A non-text cell (number typed in XLSX) as text, for the columns that hold codes."""
    if isinstance(raw, bool | datetime | date | time):
        raise TypeError
    return display(raw)


def clean(raw):
    """Strip spaces and invisible marks; an empty cell is None."""
    if raw is None:
        return None
    if type(raw) is str:
        return _clean_text(raw)
    if isinstance(raw, float) and math.isnan(raw):
        return None
    return raw


@lru_cache(maxsize=65_536)  # the same few values fill whole columns
def _clean_text(raw: str) -> str | None:
    text = CONTROL.sub("", _INVISIBLE.sub("", raw))
    return text.strip(" \t\r\n\u00a0\u202f\u2007\u2009\u3000") or None


def is_blank(cells: list) -> bool:
    return all(clean(cell) is None for cell in cells)


def cell_key(raw):
    """A dictionary key that keeps 1, 1.0, True and "1" apart."""
    return raw if type(raw) is str else (type(raw).__name__, raw)


def shown_lines(lines: list, most: int = 8) -> str:
    """The first lines (or ranges) of a list, for a message: "5, 8, 9…", "B3:B9, C3:C9"."""
    head = ", ".join(str(line) for line in lines[:most])
    return head + ("…" if len(lines) > most else "")
