"""Import the foundation's own records from the spreadsheets its data officers export: the loop.

Five kinds of file (``fields.KINDS``): beneficiaries, placements, interventions, published
figures and follow-ups, each as CSV or XLSX. The import page calls, in this order::

    parsed = pipeline.parse(data, file_name, kind, database)  # never raises on a bad file
    if not parsed.ok:
        show report.report(parsed); offer report.report_csv(parsed)  # nothing can be written
    else:
        show pipeline.preview(parsed, database).kpis          # how each KPI would move
        batch_id = transaction.commit(parsed, database, user)  # one transaction
    transaction.rollback(batch_id, database, user)           # one transaction, restores the state

``parse`` runs ``readers`` (bytes to a table), ``header`` (which column is which field), the
table rules of ``checks``, ``cells`` (one parser per column), the record rules of ``checks`` and
``warehouse_checks``, gathering every problem in one ``report.Collector``; it runs the
registries for the file's kind and names no rule. Every rule is checked before anything is
written, and a file with one error or more writes nothing. Pure: no streamlit.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field, replace

import pandas as pd
from openpyxl.utils.cell import range_boundaries

from lib.config import Settings, get_settings
from lib.formatting import format_number
from lib.ingest import checks, overlap, warehouse_checks
from lib.ingest.cells import outcomes
from lib.ingest.fields import FIELDS, KINDS, RECORD_COLUMNS, Field, require_kind
from lib.ingest.header import locate_header, map_columns
from lib.ingest.identity import IDENTITY_KEYS
from lib.ingest.overlap import Overlap
from lib.ingest.readers import Table, read
from lib.ingest.reference import Reference, reference
from lib.ingest.report import Bad, Collector, ImportRefused, Problem, Warned, message
from lib.ingest.text import cell_key, clean, display, shown_lines
from lib.warehouse.db import Database

_DTYPES = {
    "programme_year": "int16", "year": "int16", "region_code": "int8", "centre_id": "int16",
    "grant_mad": "int64", "is_moussalaha": "bool", "is_former_cpe": "bool",
    "is_royal_handover": "bool", "value": "float64", "beneficiary_id": "Int64",
    "placement_id": "Int64",
}  # fmt: skip
_DATES = frozenset({"intervention_date", "source_date", "visit_date"})
_NULLABLE_TEXT = frozenset({"source_url", "quote", "note", "reason_code"})


@dataclass
class ParsedFile:
    """What ``parse`` made of a file: the records to add, or the problems that refuse it."""

    kind: str
    file_name: str
    sha256: str
    size_bytes: int
    problems: list[Problem] = field(default_factory=list)
    rows: pd.DataFrame = field(default_factory=pd.DataFrame)  # record columns, no ids
    row_lines: tuple[int, ...] = ()  # the spreadsheet line of each row of ``rows``
    file_format: str | None = None  # csv, xlsx
    encoding: str | None = None
    separator: str | None = None
    sheet: str | None = None  # the sheet read, of a workbook
    other_sheets: tuple[str, ...] = ()  # other sheets that hold such data: the officer may pick
    header_line: int | None = None
    skipped_lines: tuple[int, ...] = ()  # blank lines among the rows, not read
    overlaps: tuple[Overlap, ...] = ()  # earlier batches the file repeats: the officer chooses

    @property
    def errors(self) -> list[Problem]:
        return [problem for problem in self.problems if problem.is_error]

    @property
    def warnings(self) -> list[Problem]:
        return [problem for problem in self.problems if not problem.is_error]

    @property
    def ok(self) -> bool:
        """True when the file may be committed: a known kind, rows, and no error."""
        return not self.errors and self.kind in KINDS and len(self.rows) > 0


def parse(
    data: bytes,
    file_name: str,
    kind: str | None,
    database: Database,
    settings: Settings | None = None,
    sheet: str | None = None,
) -> ParsedFile:
    """Read and check a file of ``kind`` (None: guess it from the headers) against the
    warehouse; of a workbook, the data sheet or the ``sheet`` named. Never raises for a bad
    file: ``ParsedFile.problems`` says what is wrong, each naming the sheet it is in."""
    if kind is not None:
        require_kind(kind)
    settings = settings or get_settings()
    data = bytes(data)
    parsed = ParsedFile(kind or "", str(file_name), hashlib.sha256(data).hexdigest(), len(data))
    found = Collector()
    try:
        table = read(data, settings, (kind,) if kind else KINDS, sheet)
    except Bad as bad:
        found.bad(bad, line=bad.line)
        parsed.problems = found.finish()
        return parsed
    parsed.file_format, parsed.encoding = table.file_format, table.encoding
    parsed.separator, parsed.sheet = table.separator, table.sheet
    parsed.other_sheets = table.other_sheets
    frame, lines = _interpret(table, kind, reference(database), settings, parsed, found)
    if not found.has_errors:
        parsed.rows, parsed.row_lines = frame, tuple(lines)
    for problem in warehouse_checks.run(parsed, database, file_only=not parsed.rows.size):
        found.keep(problem)
    if not found.has_errors:
        parsed.overlaps = tuple(database.execute_fn(lambda c: overlap.overlapping(c, parsed)))
        for earlier in parsed.overlaps:
            found.add("ingest.warning.contains_batch", _overlap_params(earlier), severity="warning")
    parsed.problems = [replace(p, sheet=parsed.sheet) for p in found.finish()]
    if parsed.errors:
        parsed.rows, parsed.row_lines = _empty_rows(parsed.kind), ()
    return parsed


def _empty_rows(kind: str) -> pd.DataFrame:
    return pd.DataFrame(columns=list(RECORD_COLUMNS.get(kind, ())))


def _interpret(
    table: Table, kind, ref: Reference, settings: Settings, parsed: ParsedFile, found: Collector
) -> tuple[pd.DataFrame, list[int]]:
    """The header found (and the kind, when not given), then the rows under it read."""
    index, guessed, score = locate_header(table.records, (kind,) if kind else KINDS)
    if not table.records:
        found.add("ingest.error.empty_file")
        return _empty_rows(kind or ""), []
    if kind is None:
        if score == 0:
            expected = "; ".join(message(f"ingest.kind.{k}") for k in KINDS)
            found.add("ingest.error.unknown_kind", {"expected": expected})
            return _empty_rows(""), []
        kind = parsed.kind = guessed
    if score == 0:
        index = 0
    header_line, header = table.records[index]
    if index > 0:
        found.add(
            "ingest.warning.rows_before_header",
            {"first": table.records[0][0], "last": table.records[index - 1][0]},
            line=header_line,
            severity="warning",
        )
    data = table.records[index + 1 :]
    parsed.header_line = header_line
    _layout_warnings(table, data, found)
    if data:
        shown = {line for line, _ in data}
        parsed.skipped_lines = tuple(
            line for line in range(header_line + 1, data[-1][0]) if line not in shown
        )
    if table.truncated or len(data) > settings.max_upload_rows:
        found.add("ingest.error.too_many_rows", {"max_rows": settings.max_upload_rows})
        return _empty_rows(kind), []
    columns = map_columns(header, header_line, data, kind, found)
    if columns is None:
        return _empty_rows(kind), []
    if not data:
        found.add("ingest.error.no_rows", line=header_line + 1)
        return _empty_rows(kind), []
    return _rows(data, columns, header, kind, ref, found)


def _layout_warnings(table: Table, data: list, found: Collector) -> None:
    """What a workbook hides among the rows read: rows Excel does not show, merged cells whose
    value was repeated down their rows, other sheets holding the same kind of data."""
    if table.other_sheets:
        others = ", ".join(f"« {name} »" for name in table.other_sheets)
        found.add("ingest.warning.several_sheets", {"others": others}, severity="warning")
    if not data:
        return
    first, last = data[0][0], data[-1][0]
    hidden = [line for line in table.hidden if first <= line <= last]
    if hidden:
        params = {"count": len(hidden), "lines": shown_lines(hidden)}
        found.add("ingest.warning.hidden_rows", params, line=hidden[0], severity="warning")
    merged = sorted(
        (ref for ref in table.merged if first <= range_boundaries(ref)[1] <= last),
        key=lambda ref: range_boundaries(ref)[1::-1],
    )
    if merged:
        params = {"count": len(merged), "ranges": shown_lines(merged)}
        line = range_boundaries(merged[0])[1]
        found.add("ingest.warning.merged_cells", params, line=line, severity="warning")


def _rows(data, columns, header, kind, ref, found: Collector) -> tuple[pd.DataFrame, list[int]]:
    """The records of the rows under the header: the table rules, every cell read, then the
    record rules, each registry run for the file's kind."""
    for rule in checks.table_rule.for_kind(kind):
        found.extend(rule(header, data))
    lines = [line for line, _ in data]
    values = {spec.name: _column(spec, data, columns, header, ref, found) for spec in FIELDS[kind]}
    records = checks.Records(kind, values, lines, columns, header, ref, _unread(found, columns))
    for rule in checks.rule.for_kind(kind):
        found.extend(rule(records))
    frame = pd.DataFrame({name: values[name] for name in RECORD_COLUMNS[kind]})
    if found.has_errors:
        return frame, lines
    return _typed(frame), lines


def _unread(found: Collector, columns: dict[str, int]) -> frozenset[tuple[str, int]]:
    """(field, line) of every cell reported as wrong so far: a rule does not call it empty."""
    names = {position: name for name, position in columns.items()}
    return frozenset(
        (names[problem.column_index], problem.line)
        for problem in found.problems
        if problem.is_error and problem.column_index in names and problem.line is not None
    )


def _column(spec: Field, data, columns, header, ref: Reference, found: Collector) -> list:
    """One field's value on each row (its default where the file has no such column or the
    cell is empty, None where the cell is wrong); a problem for each cell to fix or check."""
    if spec.name not in columns:
        return [spec.default] * len(data)
    position = columns[spec.name]
    column = {"column": display(clean(header[position])), "column_index": position}
    raws = [clean(cells[position]) if position < len(cells) else None for _, cells in data]
    distinct = list({cell_key(raw): raw for raw in raws if raw is not None}.values())
    outcome_of = outcomes(spec.parser, distinct, ref)
    values = []
    for (line, _), raw in zip(data, raws, strict=True):
        if raw is None:
            if spec.required:
                found.add("ingest.error.missing_value", line=line, **column)
            values.append(spec.default)
            continue
        outcome = outcome_of[cell_key(raw)]
        outcome_type = type(outcome)
        if outcome_type is not Bad and outcome_type is not Warned:
            values.append(outcome)
            continue
        where = {"line": line, **column, "value": display(raw)}
        if outcome_type is Bad:
            if outcome.key in IDENTITY_KEYS:
                where["value"] = None  # never copy personal data into the report
            found.bad(outcome, **where)
            values.append(None)
        else:
            found.add(outcome.key, outcome.params, severity="warning", **where)
            values.append(outcome.value)
    return values


def _typed(frame: pd.DataFrame) -> pd.DataFrame:
    typed = frame.copy()
    for name in typed.columns:
        if name in _DTYPES:
            typed[name] = typed[name].astype(_DTYPES[name])
        elif name in _DATES:
            typed[name] = pd.to_datetime(typed[name]).astype("datetime64[s]")
        else:
            typed[name] = typed[name].astype("str" if name not in _NULLABLE_TEXT else object)
    return typed.reset_index(drop=True)


# --- Preview --------------------------------------------------------------------------------

KPIS = {  # kind -> the KPIs its rows move
    "beneficiaries": ("beneficiaries", "budget_mad", "women"),
    "placements": ("placements",),
    "interventions": ("interventions",),
    "published_figures": ("published_figures",),
    "follow_ups": ("follow_ups",),
}
_NO_YEAR = -1  # the year of a KPI that has none (published figures), while computing


@dataclass(frozen=True)
class Preview:
    """What a commit would do: the rows it adds and how each KPI would move."""

    kind: str
    rows_to_add: int
    rows: pd.DataFrame  # the records as they would be written (record columns, no ids)
    kpis: pd.DataFrame  # kpi, label, year, before, after, change: only the rows that move
    demo_rows_removed: Mapping[str, int]  # table -> demo records removed (replace_demo)
    warnings: tuple[Problem, ...] = ()

    def lines(self, lang: str = "fr") -> list[str]:
        """One sentence per moving KPI: « bénéficiaires 2019 : 478 → 512 »."""
        out = []
        for row in self.kpis.itertuples(index=False):
            year = "" if pd.isna(row.year) else f" {int(row.year)}"
            out.append(
                message(
                    "ingest.preview.kpi_line",
                    lang,
                    label=message(f"ingest.kpi.{row.kpi}", lang),
                    year=year,
                    before=format_number(row.before, lang),
                    after=format_number(row.after, lang),
                )
            )
        return out


def _overlap_params(earlier: Overlap) -> dict:
    return {
        "batch_id": earlier.batch_id,
        "file_name": earlier.file_name,
        "date": pd.Timestamp(earlier.imported_at).strftime("%d/%m/%Y"),
        "user": earlier.imported_by,
        "shared": earlier.shared,
        "batch_rows": earlier.batch_rows,
    }


def _per_year(values: pd.Series, kpi: str) -> pd.DataFrame:
    """year, value, kpi from a series indexed by year."""
    return values.rename("value").rename_axis("year").reset_index().assign(kpi=kpi)


def _added(kind: str, rows: pd.DataFrame) -> pd.DataFrame:
    """kpi, year, value: what ``rows`` (records of ``kind``) add to each KPI."""
    if not len(rows):
        return pd.DataFrame({"kpi": pd.Series(dtype=str), "year": pd.Series(dtype="int64"),
                             "value": pd.Series(dtype="int64")})  # fmt: skip
    if kind == "beneficiaries":
        by_year = rows.groupby("programme_year")
        women = by_year["sex"].apply(lambda s: int((s == "F").sum()))
        frames = [
            _per_year(by_year.size(), "beneficiaries"),
            _per_year(by_year["grant_mad"].sum(), "budget_mad"),
            _per_year(women, "women"),
        ]
    elif kind == "placements":
        frames = [_per_year(rows.groupby("year").size(), "placements")]
    elif kind in ("interventions", "follow_ups"):
        column = "intervention_date" if kind == "interventions" else "visit_date"
        years = pd.to_datetime(rows[column]).dt.year.rename("year")
        frames = [_per_year(rows.groupby(years).size(), KPIS[kind][0])]
    else:
        frames = [
            pd.DataFrame({"kpi": ["published_figures"], "year": [_NO_YEAR], "value": [len(rows)]})
        ]
    added = pd.concat(frames, ignore_index=True)
    added["year"] = added["year"].astype("int64")
    return added[["kpi", "year", "value"]]


def effect(parsed: ParsedFile, database: Database, choice: str | None):
    """(rows written, rows removed) by a commit with this overlap ``choice``."""
    if not parsed.overlaps:
        return parsed.rows, parsed.rows.iloc[0:0]
    if choice not in overlap.CHOICES:
        earlier = parsed.overlaps[0]
        params = {"batch_id": earlier.batch_id, "file_name": earlier.file_name}
        needed = Problem("ingest.error.overlap_choice_needed", params, sheet=parsed.sheet)
        raise ImportRefused([needed])
    if choice == "new_only":
        rows = database.execute_fn(lambda c: overlap.new_rows(c, parsed, list(parsed.overlaps)))
        return rows, parsed.rows.iloc[0:0]
    removed = database.execute_fn(
        lambda c: overlap.replaced_rows(c, parsed.kind, list(parsed.overlaps))
    )
    return parsed.rows, removed


def preview(
    parsed: ParsedFile, database: Database, replace_demo: bool = False, choice: str | None = None
) -> Preview:
    """How the warehouse would change if ``parsed`` were committed (nothing is written);
    ``choice`` says what to do with an earlier import the file repeats (``overlap.CHOICES``)."""
    if not parsed.ok:
        raise ImportRefused(parsed.errors or [Problem("ingest.error.no_rows")])
    rows, removed = effect(parsed, database, choice)
    before = database.execute_uncached("ingest/kpis")
    before["year"] = before["year"].fillna(_NO_YEAR).astype("int64")
    kept = before[~before["is_demo"]] if replace_demo else before
    key = ["kpi", "year"]
    old = before.groupby(key)["value"].sum()
    new = kept.groupby(key)["value"].sum()
    added = _added(parsed.kind, rows).set_index(key)["value"]
    if len(removed):
        added = added.sub(_added(parsed.kind, removed).set_index(key)["value"], fill_value=0)
    kpis = pd.concat({"before": old, "after": new.add(added, fill_value=0)}, axis=1).fillna(0)
    kpis = kpis.reset_index()
    kpis[["before", "after"]] = kpis[["before", "after"]].astype("int64")
    kpis = kpis[kpis["before"] != kpis["after"]].copy()
    kpis["change"] = kpis["after"] - kpis["before"]
    kpis["label"] = kpis["kpi"].map(lambda name: message(f"ingest.kpi.{name}"))
    kpis["year"] = kpis["year"].astype("Int64").mask(kpis["year"] == _NO_YEAR)
    order = {name: i for i, name in enumerate(k for kinds in KPIS.values() for k in kinds)}
    kpis = kpis.sort_values(["kpi", "year"], key=lambda s: s.map(order) if s.name == "kpi" else s)
    demo = {}
    if replace_demo:
        counts = database.execute_uncached("dashboard/record_provenance")
        demo = {row.record_table: int(row.demo) for row in counts.itertuples(index=False)}
    return Preview(
        kind=parsed.kind,
        rows_to_add=len(rows),
        rows=rows.copy(),
        kpis=kpis[["kpi", "label", "year", "before", "after", "change"]].reset_index(drop=True),
        demo_rows_removed=demo,
        warnings=tuple(parsed.warnings),
    )
