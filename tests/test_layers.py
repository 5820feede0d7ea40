"""The layout's rules, checked on the source (AST): who may import what, where SQL lives, sizes.

See README "Layout". A failure here names the file and the rule it breaks.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SPBE = ROOT / "spbe"
VIEWS = ROOT / "views"
MAX_MODULE_LINES = 500
MAX_VIEW_LINES = 100
SQL = re.compile(
    r"\b(SELECT\b.+\bFROM|INSERT\s+INTO|DELETE\s+FROM|UPDATE\s+\w+\s+SET|CREATE\s+(TABLE|SEQUENCE|"
    r"INDEX|VIEW)|ALTER\s+TABLE|DROP\s+TABLE|BEGIN\s+TRANSACTION)\b",
    re.S,
)


def _sources() -> list[Path]:
    return sorted([ROOT / "app.py", *SPBE.rglob("*.py"), *VIEWS.rglob("*.py")])


def _rel(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _imports(path: Path) -> set[str]:
    """Every module named by an import in the file (``from a.b import c`` gives a.b and a.b.c)."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


SPBE_MODULES = {_module_name(p) for p in SPBE.rglob("*.py")}


def _spbe_imports(path: Path) -> set[str]:
    return {name for name in _imports(path) if name in SPBE_MODULES}


def _top(names: set[str]) -> set[str]:
    return {name.split(".")[0] for name in names}


@pytest.mark.parametrize(
    ("library", "allowed"),
    [
        ("streamlit", ("app.py", "views/", "spbe/ui.py")),
        ("duckdb", ("spbe/store/",)),
        ("openpyxl", ("spbe/files/",)),
    ],
)
def test_a_library_is_imported_only_in_its_place(library, allowed):
    offenders = [
        _rel(p)
        for p in _sources()
        if library in _top(_imports(p)) and not _rel(p).startswith(allowed)
    ]
    assert offenders == [], f"{library} imported outside {allowed}: {offenders}"


def test_all_sql_text_lives_in_the_store():
    offenders = []
    for path in _sources():
        if _rel(path).startswith("spbe/store/"):
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                if SQL.search(node.value):
                    offenders.append(f"{_rel(path)}:{node.lineno}")
    assert offenders == [], f"SQL outside spbe/store/: {offenders}"


def test_the_core_imports_nothing_from_the_rest_of_spbe():
    offenders = {
        _rel(p): sorted(n for n in _spbe_imports(p) if not n.startswith("spbe.core"))
        for p in (SPBE / "core").rglob("*.py")
    }
    assert {k: v for k, v in offenders.items() if v} == {}


def test_views_never_touch_the_store():
    offenders = [
        _rel(p)
        for p in VIEWS.rglob("*.py")
        if any(n == "spbe.store" or n.startswith("spbe.store.") for n in _imports(p))
    ]
    assert offenders == [], f"views importing spbe.store (use ui loaders or services): {offenders}"


def test_no_import_cycle_between_spbe_modules():
    graph: dict[str, set[str]] = {}
    for path in SPBE.rglob("*.py"):
        module = _module_name(path)
        # A package's __init__ re-exporting its own modules is the package's API, not a cycle.
        graph[module] = {
            n for n in _spbe_imports(path) if n != module and not n.startswith(module + ".")
        }
    state: dict[str, int] = {}
    cycle: list[str] = []

    def visit(node: str, trail: list[str]) -> bool:
        state[node] = 1
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                cycle.extend([*trail, node, nxt])
                return True
            if state.get(nxt) is None and visit(nxt, [*trail, node]):
                return True
        state[node] = 2
        return False

    for module in sorted(graph):
        if state.get(module) is None and visit(module, []):
            break
    assert cycle == [], " -> ".join(cycle)


def test_no_spbe_module_is_over_the_size_limit():
    sizes = {_rel(p): len(p.read_text(encoding="utf-8").splitlines()) for p in SPBE.rglob("*.py")}
    assert {k: v for k, v in sizes.items() if v > MAX_MODULE_LINES} == {}


def test_views_are_short_and_formatted_normally():
    sizes = {_rel(p): len(p.read_text(encoding="utf-8").splitlines()) for p in VIEWS.glob("*.py")}
    assert {k: v for k, v in sizes.items() if v > MAX_VIEW_LINES} == {}
    skipped = [_rel(p) for p in _sources() if "fmt: skip" in p.read_text(encoding="utf-8")]
    assert skipped == []


def _handler_names(handler: ast.ExceptHandler) -> list[str]:
    kinds = handler.type
    if kinds is None:
        return ["<bare except>"]
    items = kinds.elts if isinstance(kinds, ast.Tuple) else [kinds]
    return [ast.unparse(item) for item in items]


def _caught(paths, allowed) -> dict[str, list[str]]:
    caught: dict[str, list[str]] = {}
    for path in paths:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ExceptHandler):
                names = [n for n in _handler_names(node) if n not in allowed]
                if names:
                    caught.setdefault(_rel(path), []).extend(names)
    return caught


def test_pages_catch_only_the_projects_error_type():
    pages = [ROOT / "app.py", *VIEWS.rglob("*.py"), SPBE / "ui.py"]
    # The ui package also reads Streamlit's own optional settings (secrets, client address),
    # whose absence Streamlit reports with its own exceptions; nothing else may be caught there.
    allowed = {
        *("SpbeError", "store.StoreError", "store.StoreDamaged", "AuthError"),
        *("ImportRefused", "WorkbookRejected"),
        *("FileNotFoundError", "AttributeError"),
    }
    assert _caught(pages, allowed) == {}, "pages must catch SpbeError (or a subclass) only"
