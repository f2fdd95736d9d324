"""What identifies a person, in any cell, in the spellings people really use.

Idmaj stores no name or identifier of a person. A column named like one is refused by
``header``; this module looks inside the cells themselves, free text included: a Moroccan phone
number however it is punctuated (``+212-661-234567``, ``(+212) 661 23 45 67``,
``+212 (0)6 61 23 45 67``, ``00 212 6…``, ``06 61…``), a national identity card number
(``BE123456``, ``BE 123456``, ``CIN BE 123456``), an e-mail address (``a@b.ma``,
``a (at) b (dot) ma``), a birth date (a date next to "né le", "date de naissance",
"born", "تاريخ الازدياد"…), a person named with a title (``M. Alaoui``, ``Mme Bennani``,
``السيد …``). Each detector is one small registered function; ``kind_of`` runs them all and
says which kind of identifier a cell holds, never the value itself. Pure.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from lib.ingest.text import DIGITS

Detector = Callable[[str], bool]
DETECTORS: dict[str, Detector] = {}


def detector(kind: str) -> Callable[[Detector], Detector]:
    """Register a detector of one kind of identifier (its name is a catalog key's last part)."""

    def register(function: Detector) -> Detector:
        DETECTORS[kind] = function
        return function

    return register


def kind_of(text: str) -> str | None:
    """The first kind of identifier ``text`` holds (``phone``, ``cin``…), or None."""
    folded = text.translate(DIGITS)
    return next((kind for kind, found in DETECTORS.items() if found(folded)), None)


# A run of digits with the separators people type between them: spaces, dots, dashes,
# slashes, parentheses, a leading +.
_DIGIT_RUN = re.compile(r"\+?\(?\+?\d[\d\s().\-/]{6,}\d")
_TRUNK = re.compile(r"\(\s*0\s*\)")  # +212 (0)6…: the trunk 0 written in brackets
_MOROCCAN = re.compile(r"(?:(?:00|\+)?212 ?0?|0)[5-7]\d{8}")


@detector("phone")
def _phone(text: str) -> bool:
    for run in _DIGIT_RUN.findall(text):
        digits = re.sub(r"[^\d+]", "", _TRUNK.sub("", run))
        if _MOROCCAN.fullmatch(digits.replace("+", "")) or _MOROCCAN.fullmatch(digits):
            return True
    return False


_CIN = re.compile(r"(?<![A-Za-z0-9])[A-Z]{1,2}\s?-?\s?\d{5,7}(?![0-9])")
_CIN_WORD = re.compile(
    r"(?i)(?:\bc\.?\s?i\.?\s?n\.?e?\b|\bcnie\b|carte\s+(?:nationale|d.identit)|بطاقة)"
    r"[^A-Za-z0-9]{0,12}[A-Za-z]{1,2}\s?-?\s?\d{4,8}"
)


@detector("cin")
def _cin(text: str) -> bool:
    return bool(_CIN.search(text) or _CIN_WORD.search(text))


_EMAIL = re.compile(
    r"(?i)[\w.+-]+\s*(?:@|\(at\)|\[at\]|\s+at\s+)\s*[\w-]+(?:\s*(?:\.|\(dot\)|\[dot\]|\s+dot\s+)"
    r"\s*[\w-]+)*\s*(?:\.|\(dot\)|\[dot\]|\s+dot\s+)\s*[a-z]{2,}\b"
)


@detector("email")
def _email(text: str) -> bool:
    match = _EMAIL.search(text)
    return bool(match and ("@" in match.group(0) or "(at)" in match.group(0).lower() or
                           "[at]" in match.group(0).lower()))  # fmt: skip


_DATE = re.compile(
    r"\b(?:\d{1,2}[/.\-]\d{1,2}[/.\-](?:19|20)?\d{2}|(?:19|20)\d{2}[/.\-]\d{1,2}[/.\-]\d{1,2}"
    r"|\d{1,2}(?:er)?\s+[^\W\d_]{3,}\s+(?:19|20)\d{2})\b"
)
_BIRTH = re.compile(
    r"(?i)\b(?:n[ée]e?\s+le|date\s+de\s+naissance|ddn|naissance|born|birth|d\.?o\.?b)\b"
    r"|تاريخ\s*(?:الازدياد|الميلاد)|مزداد|ولد"
)


@detector("birth_date")
def _birth_date(text: str) -> bool:
    return bool(_BIRTH.search(text) and _DATE.search(text))


_TITLED = re.compile(
    r"(?:\b(?:M\.|Mr\.?|Mme\.?|Mlle\.?|Monsieur|Madame|Mademoiselle|Mrs\.?|Ms\.?)"
    r"|\b(?i:nom|prénom|prenom|name)\s*:)\s*(?:[A-ZÀ-ÖØ-Ý][\w'-]+|[\u0621-\u064A]{2,})"
    r"|(?:السيد|السيدة|الآنسة)\s+\S+"
)


@detector("name")
def _name(text: str) -> bool:
    return bool(_TITLED.search(text))


# The message of each kind (``ingest.error.identity_phone``…): never with the value in it.
IDENTITY_KEYS = frozenset(f"ingest.error.identity_{kind}" for kind in DETECTORS)
