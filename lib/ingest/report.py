"""What is wrong with a file, said so that a data officer can fix it: problems and their report.

A problem is a message key with parameters and a place (``Problem``); ``describe`` renders it
from the ``[ingest]`` messages of ``lib/locales``, always saying which cell, line or column to
look at (``where``). While a file is read, a cell that is wrong raises ``Bad`` and a value
accepted with a warning comes back ``Warned``; a ``Collector`` gathers the problems, listing at
most ``MAX_PROBLEMS`` of each severity. ``report`` and ``report_csv`` give the table shown on
the page and its download. Pure: no streamlit, no warehouse.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import pandas as pd
from openpyxl.utils import get_column_letter

from lib import i18n
from lib.export import csv_bytes
from lib.formatting import colon
from lib.ingest.text import shown_lines

if TYPE_CHECKING:
    from lib.ingest.pipeline import ParsedFile

MAX_PROBLEMS = 1_000  # problems listed in a report; the rest are counted in one last line


@dataclass(frozen=True)
class Problem:
    """One thing wrong (or worth a look) in a file: a message key, its parameters, a place.

    ``line`` is the row as the spreadsheet shows it (header = 1), ``column`` the header as
    written in the file and ``column_index`` its position (0 = column A); ``value`` the cell
    as read (never filled for a column refused for privacy).
    """

    key: str
    params: Mapping[str, object] = field(default_factory=dict)
    line: int | None = None
    column: str | None = None
    column_index: int | None = None
    value: str | None = None
    severity: str = "error"  # or "warning": shown in the preview, does not block
    sheet: str | None = None  # the workbook's sheet the problem is in

    @property
    def is_error(self) -> bool:
        return self.severity == "error"

    @property
    def letter(self) -> str | None:
        return None if self.column_index is None else get_column_letter(self.column_index + 1)


class IngestError(Exception):
    """A refused import or rollback; ``problems`` say why (render them with ``describe``)."""

    def __init__(self, problems: list[Problem]):
        self.problems = list(problems)
        super().__init__("; ".join(describe(problem) for problem in self.problems))


class ImportRefused(IngestError):
    """``commit`` refused the file: it has errors, or the warehouse changed since ``parse``."""


class Bad(Exception):
    """A cell, a column or the whole file is wrong: the message key and its parameters
    (``line``: where in the file, for the problems found while reading it)."""

    def __init__(self, key: str, line: int | None = None, **params):
        super().__init__(key)
        self.key = key
        self.line = line
        self.params = params


@dataclass(frozen=True)
class Warned:
    """A value accepted with a warning."""

    value: object
    key: str
    params: Mapping[str, object] = field(default_factory=dict)


# --- Messages -------------------------------------------------------------------------------


class _Format(dict):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def message(key: str, lang: str = "fr", **params) -> str:
    """One ``[ingest]`` message in ``lang`` (French when missing), formatted with ``params``."""
    template = i18n.catalog(lang).get(key) or i18n.catalog(i18n.DEFAULT_LANGUAGE).get(key) or key
    listed = i18n.listed(params, lang)  # the allowed values: "A, B et C", "A وB وC"
    shown = {name: _shown(value, name in _TYPED) for name, value in listed.items()}
    return template.format_map(_Format(shown))


_TYPED = frozenset(
    {"value", "fixed", "example", "column", "sheet"}
)  # what the file says: may be long


def _shown(value, shorten: bool) -> str:
    text = "" if value is None else str(value)
    return text if not shorten or len(text) <= 80 else text[:77] + "…"


def where(problem: Problem, lang: str = "fr") -> str:
    """Where to look: the cell, the line, the column or the whole file, and in a workbook the
    sheet ("Feuille « Données », ligne 4, colonne C « Région »")."""
    params = {"line": problem.line, "letter": problem.letter, "column": problem.column}
    if problem.line is not None and problem.column_index is not None:
        place = "cell"
    elif problem.line is not None:
        place = "line"
    elif problem.column_index is not None:
        place = "column"
    else:
        place = "file"
    if problem.sheet is not None:
        return message(f"ingest.where.sheet_{place}", lang, sheet=problem.sheet, **params)
    return message(f"ingest.where.{place}", lang, **params)


def describe(problem: Problem, lang: str = "fr") -> str:
    """The problem as a sentence a data officer can act on: where, what, how to fix it."""
    params = {"value": problem.value, "column": problem.column, "line": problem.line}
    params.update(problem.params)
    return f"{where(problem, lang)}{colon(lang)}{message(problem.key, lang, **params)}"


def reading(parsed: ParsedFile, lang: str = "fr") -> list[str]:
    """How the file was read, one sentence each: the sheet (or the CSV's encoding and
    separator), the header's line, the lines skipped and why."""
    if parsed.sheet is not None:
        lines = [message("ingest.reading.sheet", lang, sheet=parsed.sheet)]
    elif parsed.encoding is not None:
        separator = message("ingest.reading.tab", lang) if parsed.separator == "\t" else None
        lines = [
            message(
                "ingest.reading.csv",
                lang,
                encoding=parsed.encoding,
                separator=separator or parsed.separator,
            )
        ]
    else:
        return []
    if parsed.header_line is not None:
        lines.append(message("ingest.reading.header", lang, line=parsed.header_line))
        if parsed.header_line > 1:
            lines.append(message("ingest.reading.above", lang, last=parsed.header_line - 1))
    if parsed.skipped_lines:
        lines.append(
            message(
                "ingest.reading.blank",
                lang,
                count=len(parsed.skipped_lines),
                lines=shown_lines(list(parsed.skipped_lines)),
            )
        )
    return lines


def kind_label(kind: str, lang: str = "fr") -> str:
    return message(f"ingest.kind.{kind}", lang)


# --- Collecting -----------------------------------------------------------------------------


class Collector:
    """The problems found so far: at most MAX_PROBLEMS errors and as many warnings listed."""

    def __init__(self):
        self.problems: list[Problem] = []
        self.listed = Counter()
        self.dropped = Counter()

    def add(self, key: str, params: Mapping | None = None, **where) -> None:
        """A problem by its key; ``where`` holds its place and, for a warning, ``severity``."""
        self.extend([Problem(key, dict(params or {}), **where)])

    def bad(self, bad: Bad, **where) -> None:
        self.add(bad.key, bad.params, **where)

    def extend(self, problems: Iterable[Problem]) -> None:
        """Problems a rule found, listed while there is room for their severity."""
        for problem in problems:
            if self.listed[problem.severity] >= MAX_PROBLEMS:
                self.dropped[problem.severity] += 1
            else:
                self.keep(problem)

    def keep(self, problem: Problem) -> None:
        """A problem listed whatever the count (the warehouse's: few, and each one decisive)."""
        self.listed[problem.severity] += 1
        self.problems.append(problem)

    @property
    def has_errors(self) -> bool:
        return self.listed["error"] > 0

    def finish(self) -> list[Problem]:
        problems = list(self.problems)
        keys = {
            "error": "ingest.error.too_many_problems",
            "warning": "ingest.warning.too_many_problems",
        }
        for severity, count in self.dropped.items():
            problems.append(Problem(keys[severity], {"count": count}, severity=severity))
        return problems


# --- The report -----------------------------------------------------------------------------


def report(parsed: ParsedFile, lang: str = "fr", warnings: bool = True) -> pd.DataFrame:
    """One row per problem: line, column, value, severity, message (in ``lang``)."""
    headers = [
        message(f"ingest.report.{name}", lang)
        for name in ("line", "column", "value", "severity", "message")
    ]
    chosen = [p for p in parsed.problems if warnings or p.is_error]
    chosen.sort(key=lambda p: (p.line or 0, p.column_index or -1, not p.is_error))
    rows = [
        (
            problem.line,
            " ".join(part for part in (problem.letter, problem.column) if part) or None,
            problem.value,
            message(f"ingest.severity.{problem.severity}", lang),
            describe(problem, lang),
        )
        for problem in chosen
    ]
    frame = pd.DataFrame(rows, columns=headers)
    frame[headers[0]] = frame[headers[0]].astype("Int64")
    return frame


def report_csv(parsed: ParsedFile, lang: str = "fr") -> bytes:
    """The report as a CSV to download: no cell can start a spreadsheet formula."""
    return csv_bytes(report(parsed, lang))
