"""The rules a file must follow beyond each cell, as a registry: one small function per rule.

A rule is registered for the record kinds it applies to, and ``pipeline`` runs every rule
registered for the file's kind, in the order they are written here, without naming any.
``@table_rule(kind, ...)`` registers ``rule(header, data) -> problems``, run on the table as
read, before any cell is parsed (``data``: the rows under the header as (line, cells));
``@rule(kind, ...)`` registers ``rule(records) -> problems``, run on the ``Records`` once every
cell is read (None where a cell is wrong); such a rule may fill in a value the file leaves out.
Adding a rule is one function here, its decorator, and one case in
``tests/ingest_corpus/cases.toml``; the rules against the warehouse are in
``warehouse_checks``. Pure: no streamlit, no warehouse.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TypeVar

from lib.ingest.fields import EXAMPLES, KINDS, RECORD_COLUMNS
from lib.ingest.header import is_unnamed_column
from lib.ingest.reference import Reference
from lib.ingest.report import Problem
from lib.ingest.text import clean, compact, display

Rule = TypeVar("Rule", bound=Callable)


class Registry:
    """Rules registered for the record kinds they apply to (``@registry(kind, ...)``);
    ``for_kind`` gives a kind's rules in the order they were registered."""

    def __init__(self) -> None:
        self._rules: dict[str, list[Callable]] = {kind: [] for kind in KINDS}

    def __call__(self, *kinds: str) -> Callable[[Rule], Rule]:
        if not kinds or not set(kinds) <= set(KINDS):
            raise ValueError(f"a rule applies to some of {KINDS}, not {kinds!r}")

        def register(check: Rule) -> Rule:
            for kind in kinds:
                self._rules[kind].append(check)
            return check

        return register

    def for_kind(self, kind: str) -> tuple[Callable, ...]:
        return tuple(self._rules.get(kind, ()))


table_rule = Registry()
rule = Registry()


@dataclass
class Records:
    """A file's rows once read: each field's values, row by row, and where each came from."""

    kind: str
    values: dict[str, list]  # field name -> one value per row (None where a cell is wrong)
    lines: list[int]  # the spreadsheet line of each row
    columns: dict[str, int]  # field name -> its position in the file (absent: not in the file)
    header: list
    ref: Reference
    unread: frozenset[tuple[str, int]] = frozenset()  # (field, line): cells already reported

    def filled(self, name: str, row: int) -> bool:
        """Field ``name`` of row ``row`` (0: the first under the header) holds a value, or a
        cell that could not be read."""
        return self.values[name][row] is not None or (name, self.lines[row]) in self.unread

    def where(self, name: str, line: int) -> dict:
        """The place of field ``name`` on ``line``: the cell, or the line if the file lacks it."""
        position = self.columns.get(name)
        if position is None:
            return {"line": line}
        column = display(clean(self.header[position]))
        return {"line": line, "column_index": position, "column": column}


# --- Rules on the table as read -------------------------------------------------------------


@table_rule(*KINDS)
def extra_values(header: list, data: list[tuple[int, list]]) -> Iterator[Problem]:
    """Values beyond the last header on a row (a stray separator): an error on that line. A
    whole column of them is a column without a name, reported with the header."""
    width = len(header)
    longest = max(len(cells) for _, cells in data)
    unnamed = {p for p in range(width, longest) if is_unnamed_column(data, p, width)}
    for line, cells in data:
        extra = [
            p for p in range(width, len(cells)) if p not in unnamed and clean(cells[p]) is not None
        ]
        if extra:
            params = {"count": max(extra) + 1, "expected": width}
            yield Problem("ingest.error.extra_values", params, line=line)


# --- Rules on the records -------------------------------------------------------------------


@rule("interventions")
def centre_regions(records: Records) -> Iterator[Problem]:
    """An intervention's region is its centre's: filled in, or checked when the file has it."""
    ref, regions = records.ref, records.values["region_code"]
    for i, (centre, region) in enumerate(zip(records.values["centre_id"], regions, strict=True)):
        if centre is None:
            continue
        expected = ref.centre_regions[centre]
        if "region_code" in records.columns and region is not None and region != expected:
            yield Problem(
                "ingest.error.centre_region_mismatch",
                {"centre": ref.centre_names[centre], "expected": ref.region_names[expected]},
                value=ref.region_names.get(region, ""),
                **records.where("region_code", records.lines[i]),
            )
        if region is None:
            regions[i] = expected


def _repeats(keyed: Iterator[tuple[int, tuple | None]]) -> Iterator[tuple[int, int]]:
    """(line, first line) of each row whose key a row above already had (None: no key)."""
    seen: dict[tuple, int] = {}
    for line, key in keyed:
        if key is None:
            continue
        if key in seen:
            yield line, seen[key]
        else:
            seen[key] = line


@rule("published_figures")
def figure_duplicates(records: Records) -> Iterator[Problem]:
    """A published figure is (indicator, period, scope, source): twice in a file is an error."""
    values = records.values
    keys = zip(
        values["indicator"], values["period"], values["scope"], values["source_title"], strict=True
    )
    keyed = (
        (line, None if None in key else (*key[:3], compact(str(key[3]))))
        for line, key in zip(records.lines, keys, strict=True)
    )
    for line, first_line in _repeats(keyed):
        where = records.where("indicator", line)
        yield Problem("ingest.error.duplicate_figure", {"first_line": first_line}, **where)


@rule("published_figures")
def public_figures_name_their_source(records: Records) -> Iterator[Problem]:
    """A figure marked as already public says where: a link or a date of publication. Any
    other figure goes through disclosure control before it is published."""
    values = records.values
    rows = zip(values["already_public"], values["source_url"], values["source_date"], strict=True)
    for line, (public, url, when) in zip(records.lines, rows, strict=True):
        if public and not url and not when:
            yield Problem(
                "ingest.error.public_without_source", **records.where("already_public", line)
            )


@rule("beneficiaries", "placements", "interventions")
def repeated_block(records: Records) -> Iterator[Problem]:
    """Records have no natural key: identical rows are legitimate (two people with the same
    profile, two interventions the same day). Only a file that is its first half pasted twice
    gets a warning."""
    lines, count = records.lines, len(records.lines)
    if count < 4 or count % 2:
        return
    columns = (records.values[name] for name in RECORD_COLUMNS[records.kind])
    rows = list(zip(*columns, strict=True))
    half = count // 2
    if rows[:half] == rows[half:]:
        yield Problem(
            "ingest.warning.repeated_block",
            {"first": lines[0], "middle": lines[half], "last": lines[-1]},
            line=lines[half],
            severity="warning",
        )


@rule(*KINDS)
def example_row(records: Records) -> Iterator[Problem]:
    """The template's example row left in the file: imported, but flagged."""
    if not records.lines:
        return
    first = {name: column[0] for name, column in records.values.items()}
    if all(first.get(name) == value for name, value in EXAMPLES[records.kind].items()):
        yield Problem("ingest.warning.example_row", line=records.lines[0], severity="warning")


# --- Follow-ups ---------------------------------------------------------------------------------


def _follow_up_rows(records: Records) -> Iterator[tuple[int, int | None, int | None, object]]:
    """(line, beneficiary key, placement key, status) of each row."""
    values = records.values
    rows = zip(values["beneficiary_id"], values["placement_id"], values["status_code"], strict=True)
    for line, (beneficiary, placement, status) in zip(records.lines, rows, strict=True):
        yield line, beneficiary, placement, status


@rule("follow_ups")
def follow_up_keys(records: Records) -> Iterator[Problem]:
    """A follow-up names one record: a beneficiary's key or a placement's, not both."""
    for row, line in enumerate(records.lines):
        given = [name for name in ("beneficiary_id", "placement_id") if records.filled(name, row)]
        if not given:
            yield Problem("ingest.error.follow_up_key_missing", line=line)
        elif len(given) == 2:
            yield Problem("ingest.error.follow_up_two_keys", **records.where("placement_id", line))


@rule("follow_ups")
def status_fits_the_record(records: Records) -> Iterator[Problem]:
    """A micro-project's status for a beneficiary, a job's for a placement."""
    ref = records.ref
    for line, beneficiary, placement, status in _follow_up_rows(records):
        applies = ref.status_applies.get(status)
        if status is None or applies == "both" or (beneficiary is None) == (placement is None):
            continue
        if (applies == "beneficiary") != (beneficiary is not None):
            key = (
                "ingest.error.job_status_for_a_beneficiary"
                if placement is None
                else "ingest.error.project_status_for_a_placement"
            )
            yield Problem(key, value=ref.status_names[status], **records.where("status_code", line))


@rule("follow_ups")
def closure_reasons(records: Records) -> Iterator[Problem]:
    """A closed micro-project says why; no other status has a reason."""
    ref = records.ref
    rows = zip(records.values["status_code"], records.values["reason_code"], strict=True)
    for row, (line, (status, reason)) in enumerate(zip(records.lines, rows, strict=True)):
        if status is None:
            continue
        if status in ref.needs_reason and not records.filled("reason_code", row):
            params = {"status": ref.status_names[status]}
            where = records.where("reason_code", line)
            yield Problem("ingest.error.closure_reason_missing", params, **where)
        elif status not in ref.needs_reason and reason is not None:
            params = {"status": ref.status_names[status]}
            yield Problem(
                "ingest.error.reason_without_closure", params, **records.where("reason_code", line)
            )


@rule("follow_ups")
def same_visit_twice(records: Records) -> Iterator[Problem]:
    """One record, one date, one status: the same record twice on one date is an error."""

    def keyed() -> Iterator[tuple[int, tuple | None]]:
        rows = zip(_follow_up_rows(records), records.values["visit_date"], strict=True)
        for (line, beneficiary, placement, _), when in rows:
            named = beneficiary is not None or placement is not None
            yield line, (beneficiary, placement, when) if named and when is not None else None

    for line, first_line in _repeats(keyed()):
        where = records.where("visit_date", line)
        yield Problem("ingest.error.duplicate_follow_up", {"first_line": first_line}, **where)
