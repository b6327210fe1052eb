"""The layering rules of DESIGN.md §4, checked on the source with `ast` (no imports run)."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CHALICELIB = ROOT / "chalicelib"


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imports_of(path: Path) -> Iterator[str]:
    """Every module `path` imports, absolute, including imports inside functions."""
    tree = ast.parse(path.read_text(), filename=str(path))
    package = _module_name(path).rsplit(".", 0 if path.name == "__init__.py" else 1)[0]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")
                anchor = anchor[: len(anchor) - node.level + 1]
                base = ".".join([*anchor, base]) if base else ".".join(anchor)
            yield base
            # `from chalicelib import adapters` imports the package chalicelib.adapters
            yield from (f"{base}.{alias.name}" for alias in node.names)


def sources(package: Path) -> list[Path]:
    return sorted(package.rglob("*.py"))


def unit_of(module: str) -> str | None:
    """The top-level package or module of chalicelib that `module` belongs to."""
    parts = module.split(".")
    if parts[0] != "chalicelib" or len(parts) < 2:
        return None
    candidate = CHALICELIB / parts[1]
    if candidate.is_dir() or candidate.with_suffix(".py").is_file():
        return parts[1]
    return None


def unit_graph() -> dict[str, set[str]]:
    graph: dict[str, set[str]] = {}
    for path in sources(CHALICELIB):
        here = unit_of(_module_name(path))
        if here is None:
            continue
        edges = graph.setdefault(here, set())
        for imported in imports_of(path):
            there = unit_of(imported)
            if there is not None and there != here:
                edges.add(there)
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components with more than one unit (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(graph.get(node, ())):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                top = stack.pop()
                on_stack.discard(top)
                component.append(top)
                if top == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_services_see_only_ports() -> None:
    offenders = [
        f"{path.relative_to(ROOT)} imports {imported}"
        for path in sources(CHALICELIB / "services")
        for imported in imports_of(path)
        if imported.startswith(("chalicelib.adapters", "boto3", "botocore", "pynamodb"))
    ]
    assert offenders == []


def test_domain_and_textbrain_import_no_adapter() -> None:
    offenders = [
        f"{path.relative_to(ROOT)} imports {imported}"
        for package in ("domain", "textbrain")
        for path in sources(CHALICELIB / package)
        for imported in imports_of(path)
        if imported.startswith(("chalicelib.adapters", "chalicelib.services", "boto3"))
    ]
    assert offenders == []


def test_no_import_cycle_between_top_level_units_of_chalicelib() -> None:
    assert cycles(unit_graph()) == []


def test_cycle_finder_sees_a_cycle() -> None:
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert cycles(graph) == [["a", "b", "c"]]


def test_relative_imports_are_resolved(tmp_path: Path) -> None:
    # The checks would pass vacuously if relative imports were not followed.
    module = CHALICELIB / "services" / "tickets.py"
    assert "chalicelib.ports" in set(imports_of(module))
