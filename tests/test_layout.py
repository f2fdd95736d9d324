"""The house rules the tree itself must keep: where Streamlit and SQL may live, short functions,
a docstring per module, and a README whose layout section names every part of lib/."""

from __future__ import annotations

import ast
import re
import warnings
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
LIB = REPO / "lib"
MODULES = sorted(LIB.rglob("*.py"))
MAX_FUNCTION_LINES = 60


def _tree(path: Path) -> ast.Module:
    return ast.parse(path.read_text(encoding="utf-8"))


def _imports(tree: ast.Module) -> set[str]:
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.add(node.module.split(".")[0])
    return names


def test_streamlit_is_imported_only_by_the_router_the_pages_and_lib_ui():
    outside = [
        str(path.relative_to(REPO))
        for path in MODULES
        if "streamlit" in _imports(_tree(path)) and LIB / "ui" not in path.parents
    ]
    assert not outside, outside


def test_only_the_warehouse_module_opens_connections_or_imports_duckdb():
    door = LIB / "warehouse" / "db.py"
    for path in MODULES:
        if path == door:
            continue
        text = path.read_text(encoding="utf-8")
        assert "connection()" not in text, path
        assert "duckdb" not in _imports(_tree(path)), path


def test_pages_hold_no_sql_and_never_import_duckdb():
    sql = re.compile(r"\b(SELECT|INSERT|UPDATE|DELETE)\b.+\b(FROM|INTO|SET)\b")
    for page in (REPO / "pages").glob("*.py"):
        text = page.read_text(encoding="utf-8")
        assert not sql.search(text), page
        assert "duckdb" not in _imports(_tree(page)), page
        assert "get_database" not in text, page


def test_no_function_in_lib_is_longer_than_sixty_lines():
    long = [
        f"{path.relative_to(REPO)}:{node.name} ({node.end_lineno - node.lineno + 1})"
        for path in MODULES
        for node in ast.walk(_tree(path))
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
        and node.end_lineno - node.lineno + 1 > MAX_FUNCTION_LINES
    ]
    assert not long, long


def test_every_module_says_what_it_is_for():
    silent = [str(p.relative_to(REPO)) for p in MODULES if not ast.get_docstring(_tree(p))]
    assert not silent, silent


def test_the_readme_layout_names_every_package_and_module_of_lib():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    layout = readme.split("## Layout", 1)[1].split("\n## ", 1)[0]
    parts = {p.name for p in LIB.iterdir() if p.is_dir() and not p.name.startswith("__")}
    parts |= {p.name for p in LIB.glob("*.py") if p.name != "__init__.py"}
    for package in (p for p in LIB.iterdir() if p.is_dir() and (p / "__init__.py").exists()):
        parts |= {p.stem for p in package.glob("*.py") if p.stem != "__init__"}
    missing = sorted(part for part in parts if part.removesuffix(".py") not in layout)
    assert not missing, missing


def test_a_deprecation_raised_from_the_project_fails_the_suite():
    with pytest.raises(DeprecationWarning):
        warnings.warn_explicit("old API", DeprecationWarning, "lib/example.py", 1, "lib.example")
    with pytest.raises(FutureWarning):
        warnings.warn_explicit("old API", FutureWarning, "tests/example.py", 1, "tests.example")
