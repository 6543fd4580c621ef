"""No two modules of the project import each other, directly or round a loop:
a shared piece lives below both (api/price_bodies.py, updater/step.py), and a name needed for
types only is imported under TYPE_CHECKING."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("api", "updater", "shared", "companion")


def module_name(path: Path) -> str:
    return ".".join(path.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")


def runtime_imports(tree: ast.Module, known: set[str]) -> Iterator[str]:
    """Modules imported anywhere but in a TYPE_CHECKING block (an import hidden inside a
    function still makes a cycle, only a later one); `from pkg import mod` counts as importing
    `mod` when it is a module."""
    for block in ast.walk(tree):
        if isinstance(block, ast.If) and getattr(block.test, "id", "") == "TYPE_CHECKING":
            block.body = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            for alias in node.names:
                full = f"{node.module}.{alias.name}"
                yield full if full in known else node.module
        elif isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    state: dict[str, int] = {}
    path: list[str] = []

    def visit(module: str) -> list[str] | None:
        state[module] = 1
        path.append(module)
        for target in sorted(graph[module]):
            if state.get(target) == 1:
                return [*path[path.index(target):], target]
            if target not in state and (cycle := visit(target)):
                return cycle
        path.pop()
        state[module] = 2
        return None

    for module in sorted(graph):
        if module not in state and (cycle := visit(module)):
            return cycle
    return None


def import_graph() -> dict[str, set[str]]:
    files = [path for package in PACKAGES for path in (ROOT / package).rglob("*.py")]
    known = {module_name(path) for path in files}
    return {
        module_name(path): {
            target for target in runtime_imports(ast.parse(path.read_text()), known)
            if target in known and target != module_name(path)
        }
        for path in files
    }


def test_no_module_imports_itself_round_a_loop() -> None:
    assert find_cycle(import_graph()) is None


def test_middleware_imports_no_route() -> None:
    """The fast lane short-cuts the price routes; what both need lives below them."""
    graph = import_graph()
    for module, targets in graph.items():
        if module.startswith("api.middleware."):
            assert not {t for t in targets if t.startswith("api.routes")}, module
