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


def test_the_import_walk_sees_imports() -> None:
    # The checks would pass vacuously if the walk found nothing.
    assert "chalicelib.ports" in set(imports_of(CHALICELIB / "services" / "tickets.py"))
    assert {"adapters", "domain", "services"} <= unit_graph()["bootstrap"]


# The ports of a package that is itself one concern: authentication methods behind their
# interface, and TextBrain's LLM (pure code that must not import chalicelib/ports.py's world).
OWN_PORTS = {"chalicelib/auth/identity.py", "chalicelib/textbrain/llm_port.py"}
PORT_MODULES = {"chalicelib/ports.py", "workers/agent/ports.py"}


def test_ports_live_in_one_module_per_side() -> None:
    scattered = []
    for package in ("chalicelib", "workers", "local"):
        for path in sources(ROOT / package):
            name = str(path.relative_to(ROOT))
            if name in PORT_MODULES | OWN_PORTS:
                continue
            for node in ast.walk(ast.parse(path.read_text())):
                if isinstance(node, ast.ClassDef) and any(
                        ast.unparse(base).endswith("Protocol") for base in node.bases):
                    scattered.append(f"{name}: {node.name}")
    assert scattered == []
