"""Worker: which queries each page runs, read from the pages themselves (``python -m
bench.workers.plan --out plan.json``, ``IDMAJ_DATA_DIR`` a built warehouse). Two views of the
same thing: ``static_calls()``, the ``lib.warehouse.queries`` (and ``lib.public.snapshot``)
functions each file of ``pages/`` calls, read from its syntax tree (what a reader of the page
sees); and ``capture()``, every named query (with its bound parameters) that a real run of each
page sends to ``lib.warehouse.db``, recorded while AppTest runs the page through app.py for each
filter scenario, shared code (the router, the sidebar filters, the footer) included as it runs.
The capture is what the query benchmark replays, so it follows the pages as they change.
"""

from __future__ import annotations

import argparse
import ast
import json
import threading
from pathlib import Path

from bench.common import PAGES_DIR, SCENARIOS, page_files, write_json
from bench.workers import ErrorLog
from bench.workers.apptest import new_app

QUERY_MODULES = ("queries", "snapshot")


def static_calls(pages_dir: Path = PAGES_DIR) -> dict[str, list[str]]:
    """page -> sorted ``module.function`` names of lib.warehouse.queries / lib.public.snapshot it
    calls."""
    found: dict[str, list[str]] = {}
    for name in page_files():
        tree = ast.parse((pages_dir / f"{name}.py").read_text(encoding="utf-8"))
        calls = set()
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and isinstance(node.func.value, ast.Name)
                and node.func.value.id in QUERY_MODULES
            ):
                calls.add(f"{node.func.value.id}.{node.func.attr}")
        found[name] = sorted(calls)
    return found


def _jsonable(params: dict) -> dict:
    return json.loads(json.dumps(params, default=list))


class Recorder:
    """Patches ``lib.warehouse.db.Database`` to note every named query sent (with its bound
    parameters and the database it went to), once per call whether the cache answers or not."""

    def __init__(self) -> None:
        from lib.config import get_settings
        from lib.warehouse import db

        settings = get_settings()
        self.labels = {
            settings.warehouse_path.resolve(): "warehouse",
            (settings.public_dir / "public.duckdb").resolve(): "public",
        }
        self.calls: list[dict] = []
        self.database = db.Database
        self.original = (db.Database.execute, db.Database.execute_uncached)

    def record(self, database, query_name: str, params: dict) -> None:
        label = self.labels.get(Path(database.path).resolve(), Path(database.path).name)
        self.calls.append({"db": label, "name": query_name, "params": _jsonable(params)})

    def install(self) -> None:
        recorder, inside = self, threading.local()
        original_execute, original_uncached = self.original

        def execute(self, query_name, **params):
            recorder.record(self, query_name, params)
            inside.active = True
            try:
                return original_execute(self, query_name, **params)
            finally:
                inside.active = False

        def execute_uncached(self, query_name, **params):
            if not getattr(inside, "active", False):  # a direct call, not one through the cache
                recorder.record(self, query_name, params)
            return original_uncached(self, query_name, **params)

        self.database.execute = execute
        self.database.execute_uncached = execute_uncached

    def remove(self) -> None:
        self.database.execute, self.database.execute_uncached = self.original

    def take(self) -> tuple[list[dict], int]:
        """The distinct calls recorded since the last take, and how many calls in all."""
        unique: list[dict] = []
        for call in self.calls:
            if call not in unique:
                unique.append(call)
        count, self.calls = len(self.calls), []
        return unique, count


def _view(recorder: Recorder, errors: ErrorLog, page: str, query: dict[str, str]) -> dict:
    """One AppTest run of ``page`` with ``query`` as its URL parameters, caches emptied first."""
    from lib.warehouse import db

    db.close_all()
    recorder.take()
    at = new_app(page, query)
    at.run()
    calls, count = recorder.take()
    return {
        "query_params": query,
        "calls": calls,
        "calls_including_cache_hits": count,
        "exceptions": errors.take() or [str(e.value)[:300] for e in at.exception],
    }


def capture(pages: list[str] | None = None, views: list[str] | None = None) -> dict:
    """Run each page for each scenario through AppTest and record the queries sent to
    lib.warehouse.db."""
    from lib.warehouse import db

    recorder = Recorder()
    recorder.install()
    errors = ErrorLog().install()
    result: dict = {"pages": {}}
    try:
        for page in pages or page_files():
            scenarios = {
                scenario: _view(recorder, errors, page, query)
                for scenario, query in SCENARIOS.items()
                if not views or scenario in views
            }
            result["pages"][page] = {"file": f"pages/{page}.py", "scenarios": scenarios}
    finally:
        recorder.remove()
        db.close_all()
    result["static_calls"] = static_calls()
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.workers.plan",
        description="The named queries each page sends, per filter view, captured with AppTest.",
    )
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--pages", help="comma-separated page names (default: every page)")
    parser.add_argument("--views", help=f"comma-separated among {','.join(SCENARIOS)} (all)")
    args = parser.parse_args(argv)
    pages = args.pages.split(",") if args.pages else None
    views = args.views.split(",") if args.views else None
    write_json(args.out, capture(pages, views))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
