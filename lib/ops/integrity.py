"""The integrity check of a live warehouse and its state store, as a registry of rules.

    python -m lib check          (and the button of the data administration page)

Each rule is one small function registered with ``@rule(name)`` that returns the problems it
finds (none: the rule holds), run in the order written here, as frictionless-py runs its
checks; a rule that cannot run (the warehouse does not open) fails with that reason rather
than stopping the others. The rules read a private copy of one version of the warehouse,
taken as a backup takes it: they all see the same state while the app goes on writing, and
the cubes can be recomputed on it by the very script that writes them. The rules are the
invariants every write keeps, the ones the SIGKILL trials check after each kill
(``tests/ops/test_crash.py``):

- the warehouse opens, and has every migration of this version of the app;
- each committed import's records are all there (as many as ``import_batch.row_count``, in
  the table of its kind), a rolled-back import's none;
- no record is unknown to the import audit (a batch id without its import, an imported record
  without a batch);
- the pre-aggregated tables equal a recomputation from the records;
- the state store opens, SQLite finds it sound, and its schema is the current one;
- no restore was left half done.

``report_lines`` and ``report_frame`` say the outcome in words a data officer reads. Pure:
no streamlit.
"""

from __future__ import annotations

import contextlib
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from lib.config import Settings, get_settings
from lib.formatting import format_number
from lib.i18n import t
from lib.ingest.fields import TABLES
from lib.ingest.transaction import FIGURE_ID_BLOCK
from lib.ops.backup import BackupRefused, Problem, copy_warehouse, restore_under_way
from lib.warehouse import migrate
from lib.warehouse.db import Database, Store, WarehouseMissing, fetch, get_store, run_script


@dataclass(frozen=True)
class Context:
    """What the rules read: the settings, the warehouse (read-only) and the state store."""

    settings: Settings
    database: Database
    store: Store


Rule = Callable[[Context], list[Problem]]
RULES: dict[str, Rule] = {}


def rule(name: str) -> Callable[[Rule], Rule]:
    """Register ``check(context) -> problems`` as the rule ``name`` (its title is the
    catalogs' ``ops.rule.<name>``)."""

    def register(check: Rule) -> Rule:
        RULES[name] = check
        return check

    return register


@dataclass(frozen=True)
class Outcome:
    """One rule's verdict: the problems it found (none: it holds)."""

    rule: str
    problems: tuple[Problem, ...]

    @property
    def ok(self) -> bool:
        return not self.problems


# --- the rules ---------------------------------------------------------------------------------


@rule("warehouse")
def _warehouse_opens(context: Context) -> list[Problem]:
    context.database.execute_fn(lambda cursor: fetch(cursor, "build/table_names"))
    return []


@rule("migrations")
def _migrations_applied(context: Context) -> list[Problem]:
    return [
        Problem("ops.finding.migration_missing", {"name": name})
        for name in migrate.pending(context.database)
    ]


def _records_by_batch(cursor) -> dict[str, dict[int, int]]:
    """Record table -> batch id -> how many of its records that batch has."""
    found = {}
    for table in fetch(cursor, "ops/record_tables")["table_name"]:
        frame = fetch(cursor, "ops/records_by_batch", table_name=table)
        found[table] = dict(zip(frame["batch_id"].astype(int), frame["records"], strict=True))
    figures = fetch(cursor, "ops/figures_by_batch", figure_block=FIGURE_ID_BLOCK)
    found["published_figure"] = dict(zip(figures["batch_id"], figures["records"], strict=True))
    return found


def _batch_problems(batch, found: dict[str, dict[int, int]]) -> list[Problem]:
    """One import's records against its row of the audit (``import_batch``)."""
    table, number = TABLES.get(str(batch.kind)), int(batch.batch_id)
    in_table = int(found.get(table, {}).get(number, 0))
    elsewhere = sum(int(by_batch.get(number, 0)) for t, by_batch in found.items() if t != table)
    params = {"batch": number, "found": in_table}
    problems = []
    if batch.status == "committed" and in_table != int(batch.row_count):
        problems.append(Problem("ops.finding.batch_count", {**params, "expected": batch.row_count}))
    elif batch.status != "committed" and in_table:
        problems.append(Problem("ops.finding.batch_left", params))
    if elsewhere:
        problems.append(Problem("ops.finding.batch_elsewhere", {**params, "found": elsewhere}))
    return problems


@rule("batches")
def _batches_complete(context: Context) -> list[Problem]:
    batches, found = context.database.execute_fn(
        lambda cursor: (fetch(cursor, "ingest/batches"), _records_by_batch(cursor))
    )
    problems = []
    for batch in batches.sort_values("batch_id").itertuples():
        problems += _batch_problems(batch, found)
    return problems


def _orphans(cursor) -> dict[str, int]:
    tables = list(fetch(cursor, "ops/record_tables")["table_name"])
    counts = {t: fetch(cursor, "ops/orphans", table_name=t)["records"].iloc[0] for t in tables}
    figures = fetch(cursor, "ops/figure_orphans", figure_block=FIGURE_ID_BLOCK)
    counts["published_figure"] = figures["records"].iloc[0]
    return {table: int(count) for table, count in counts.items() if count}


@rule("orphans")
def _no_orphan_records(context: Context) -> list[Problem]:
    return [
        Problem("ops.finding.orphans", {"table": table, "count": count})
        for table, count in context.database.execute_fn(_orphans).items()
    ]


def _differing_rows(before: pd.DataFrame, after: pd.DataFrame) -> int:
    """How many rows one table has that the other lacks, counted both ways (as multisets)."""
    counts = before.value_counts(dropna=False).subtract(
        after.value_counts(dropna=False), fill_value=0
    )
    return int(counts.abs().sum())


def _recomputed_cubes(cursor) -> dict[str, int]:
    """Rows that differ per cube between the cubes as stored and as recomputed from the
    records by the very script that writes them (on the check's private copy)."""
    cubes = list(fetch(cursor, "ops/cube_names")["table_name"])
    stored = {cube: fetch(cursor, "ops/table_content", table_name=cube) for cube in cubes}
    run_script(cursor, "build/refresh_aggregates")
    return {
        cube: _differing_rows(stored[cube], fetch(cursor, "ops/table_content", table_name=cube))
        for cube in cubes
    }


@rule("aggregates")
def _aggregates_current(context: Context) -> list[Problem]:
    differing = context.database.execute_fn(_recomputed_cubes)
    return [
        Problem("ops.finding.stale_aggregate", {"cube": cube, "rows": rows})
        for cube, rows in differing.items()
        if rows
    ]


@rule("store")
def _store_current(context: Context) -> list[Problem]:
    verdict = context.store.execute("ops/store_quick_check").iloc[:, 0].tolist()
    if verdict != ["ok"]:
        return [Problem("ops.finding.store_damaged")]
    have = set(context.store.execute("ops/store_columns").itertuples(index=False, name=None))
    # A store made in memory from sql/state/schema.sql: what the current schema holds.
    current = Store(Path(":memory:")).execute("ops/store_columns")
    want = set(current.itertuples(index=False, name=None))
    return [
        Problem("ops.finding.store_column", {"table": table, "column": column})
        for table, column, _ in sorted(want - have)
    ]


@rule("restore")
def _restore_finished(context: Context) -> list[Problem]:
    under_way = restore_under_way(context.settings)
    if under_way is None:
        return []
    return [Problem("ops.finding.restore_unfinished", {"backup": under_way.get("backup", "?")})]


# --- running and saying ------------------------------------------------------------------------


def _run(name: str, check: Rule, context: Context) -> Outcome:
    try:
        return Outcome(name, tuple(check(context)))
    except WarehouseMissing:
        path = str(context.settings.warehouse_path)
        return Outcome(name, (Problem("ops.finding.no_warehouse", {"path": path}),))
    except Exception as error:  # a rule that cannot run fails, and the others still run
        return Outcome(name, (Problem("ops.finding.unreadable", {"error": type(error).__name__}),))


def check(settings: Settings | None = None) -> list[Outcome]:
    """Run every rule on one version of the configured warehouse (a private copy, taken as a
    backup takes it, so that every rule reads the same version while the app writes) and on
    the state store; one outcome per rule."""
    settings = settings or get_settings()
    with tempfile.TemporaryDirectory(prefix="idmaj-check-") as folder:
        copy = Path(folder) / settings.warehouse_path.name
        # No copy (no warehouse): each warehouse rule then says it is missing.
        with contextlib.suppress(BackupRefused, OSError):
            copy_warehouse(settings, copy)
        database = Database(copy, read_only=False)  # the copy: recomputing the cubes writes
        try:
            context = Context(settings, database, get_store(settings))
            return [_run(name, check, context) for name, check in RULES.items()]
        finally:
            database.close()


def passed(outcomes: list[Outcome]) -> bool:
    """True when every rule holds."""
    return all(outcome.ok for outcome in outcomes)


def report_lines(outcomes: list[Outcome], lang: str) -> list[str]:
    """The report as text: a line per rule, its problems under it, then the verdict."""
    lines = [t("ops.check.title", lang)]
    for outcome in outcomes:
        mark = t("ops.check.ok" if outcome.ok else "ops.check.failed", lang)
        lines.append(f"{mark} {t(f'ops.rule.{outcome.rule}', lang)}")
        lines += [f"    - {problem.describe(lang)}" for problem in outcome.problems]
    return [*lines, verdict(outcomes, lang)]


def verdict(outcomes: list[Outcome], lang: str) -> str:
    """One sentence: every rule held, or how many of them failed (numbers as ``lang`` writes
    them)."""
    failed = sum(not outcome.ok for outcome in outcomes)
    total = format_number(len(outcomes), lang)
    if failed:
        return t("ops.check.some_failed", lang, failed=format_number(failed, lang), total=total)
    return t("ops.check.all_held", lang, total=total)


def report_frame(outcomes: list[Outcome], lang: str) -> pd.DataFrame:
    """The report as a table headed in ``lang``: the rule, its verdict, what was found."""
    rows = [
        {
            t("ops.check.column_rule", lang): t(f"ops.rule.{outcome.rule}", lang),
            t("ops.check.column_verdict", lang): t(
                "ops.check.held" if outcome.ok else "ops.check.broken", lang
            ),
            t("ops.check.column_detail", lang): " ".join(
                p.describe(lang) for p in outcome.problems
            ),
        }
        for outcome in outcomes
    ]
    return pd.DataFrame(rows)
