"""Which queries each page runs, read from the pages themselves.

Two views of the same thing:

- ``static_calls()``: the ``lib.warehouse.queries`` (and ``lib.public.snapshot``) functions each
file of
  ``pages/`` calls, read from its syntax tree (what a reader of the page sees);
- ``capture()``: every named query (with its bound parameters) that a real run of each page
  sends to ``lib.warehouse.db``, recorded while AppTest runs the page through app.py for each filter
  scenario. Shared code (the router, the sidebar filters, the footer) is included, as it runs.

The capture is what the query benchmark replays, so it follows the pages as they change.

    python -m bench.plan --out plan.json   (IDMAJ_DATA_DIR: a built warehouse)
"""

from __future__ import annotations

import argparse
import ast
import json
import threading
from pathlib import Path

from bench.common import APP_PATH, PAGES_DIR, SCENARIOS, ErrorLog, page_files, write_json

QUERY_MODULES = ("queries", "snapshot")
TIMEOUT_S = 120


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


def capture(pages: list[str] | None = None, views: list[str] | None = None) -> dict:
    """Run each page for each scenario through AppTest and record the queries sent to
    lib.warehouse.db."""
    from streamlit.testing.v1 import AppTest

    from lib.config import get_settings
    from lib.warehouse import db

    settings = get_settings()
    labels = {
        settings.warehouse_path.resolve(): "warehouse",
        (settings.public_dir / "public.duckdb").resolve(): "public",
    }
    recorded: list[dict] = []
    inside = threading.local()
    original_execute = db.Database.execute
    original_uncached = db.Database.execute_uncached

    def record(database, query_name: str, params: dict) -> None:
        label = labels.get(Path(database.path).resolve(), Path(database.path).name)
        recorded.append({"db": label, "name": query_name, "params": _jsonable(params)})

    def execute(self, query_name, **params):
        record(self, query_name, params)
        inside.active = True
        try:
            return original_execute(self, query_name, **params)
        finally:
            inside.active = False

    def execute_uncached(self, query_name, **params):
        if not getattr(inside, "active", False):  # a direct call, not one through the cache
            record(self, query_name, params)
        return original_uncached(self, query_name, **params)

    db.Database.execute = execute
    db.Database.execute_uncached = execute_uncached
    errors = ErrorLog().install()
    result: dict = {"pages": {}}
    try:
        for page in pages or page_files():
            scenarios = {}
            for scenario, query in SCENARIOS.items():
                if views and scenario not in views:
                    continue
                db.close_all()
                recorded.clear()
                at = AppTest.from_file(str(APP_PATH), default_timeout=TIMEOUT_S)
                for key, value in query.items():
                    at.query_params[key] = value
                if page != "overview":
                    at.switch_page(f"pages/{page}.py")
                at.run()
                unique: list[dict] = []
                for call in recorded:
                    if call not in unique:
                        unique.append(call)
                scenarios[scenario] = {
                    "query_params": query,
                    "calls": unique,
                    "calls_including_cache_hits": len(recorded),
                    "exceptions": errors.take() or [str(e.value)[:300] for e in at.exception],
                }
            result["pages"][page] = {"file": f"pages/{page}.py", "scenarios": scenarios}
    finally:
        db.Database.execute = original_execute
        db.Database.execute_uncached = original_uncached
        db.close_all()
    result["static_calls"] = static_calls()
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
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
