"""The floors of ARCHITECTURE.md, read from the source with `ast`: each import, at module
level or inside a function, goes to the same floor or one below; `puzzles` never imports
torch; no import cycle; no module over `MAX_LINES` lines."""

from __future__ import annotations

import ast
from pathlib import Path

import networkx as nx
import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("puzzles", "encoders", "solver", "harness")
# what each floor may import (itself included); solver sees only tensors
# (harness.commands, the `glauber` commands, is a floor of its own above harness: nothing
# in the library imports it)
ALLOWED = {
    "puzzles": {"puzzles"},
    "solver": {"solver"},
    "encoders": {"puzzles", "solver", "encoders"},
    "harness": {"puzzles", "solver", "encoders", "harness"},
    "harness.commands": {"puzzles", "solver", "encoders", "harness", "harness.commands"},
    "cli": {"puzzles", "solver", "encoders", "harness", "harness.commands", "cli"},
    "glauber": {"puzzles", "solver", "encoders", "harness"},  # the library's facade
}
TORCH = ("torch", "transformers", "numba", "safetensors")  # never in `puzzles`
MAX_LINES = 500


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {_module_name(p): p for package in PACKAGES for p in sorted((ROOT / package).rglob("*.py"))}
MODULES["cli"] = ROOT / "cli.py"
MODULES["glauber"] = ROOT / "glauber.py"


def _floor(module: str) -> str:
    return "harness.commands" if module.startswith("harness.commands") else module.split(".")[0]


def _target(name: str) -> str:
    """The project module an imported dotted name refers to (its longest known prefix)."""
    parts = name.split(".")
    for k in range(len(parts), 0, -1):
        if ".".join(parts[:k]) in MODULES:
            return ".".join(parts[:k])
    return name


def _imports(module: str) -> list[tuple[str, int, bool]]:
    """(imported module, line, inside a function) of every import statement of a module."""
    tree = ast.parse(MODULES[module].read_text(encoding="utf-8"))
    found: list[tuple[str, int, bool]] = []

    def visit(node: ast.AST, in_function: bool) -> None:
        if isinstance(node, ast.Import):
            found.extend((_target(alias.name), node.lineno, in_function) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            assert not node.level, f"{module}:{node.lineno}: a relative import"
            base = node.module or ""
            found.extend((_target(f"{base}.{alias.name}"), node.lineno, in_function)
                         for alias in node.names)
        inner = in_function or isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda))
        for child in ast.iter_child_nodes(node):
            visit(child, inner)

    visit(tree, False)
    return found


IMPORTS = {module: _imports(module) for module in MODULES}


def _graph(with_functions: bool) -> nx.DiGraph:
    graph = nx.DiGraph()
    graph.add_nodes_from(MODULES)
    for module, imports in IMPORTS.items():
        graph.add_edges_from((module, target) for target, _, inside in imports
                             if target in MODULES and target != module
                             and (with_functions or not inside))
    return graph


def test_every_import_goes_to_the_same_floor_or_below():
    wrong = [f"{MODULES[m].relative_to(ROOT)}:{line}: {_floor(m)} imports {target}"
             for m, imports in IMPORTS.items() for target, line, _ in imports
             if target in MODULES and _floor(target) not in ALLOWED[_floor(m)]]
    assert not wrong, "\n".join(wrong)


def test_puzzles_never_import_torch():
    wrong = [f"{MODULES[m].relative_to(ROOT)}:{line}: imports {target}"
             for m, imports in IMPORTS.items() if _floor(m) == "puzzles"
             for target, line, _ in imports if target.split(".")[0] in TORCH]
    assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize("with_functions", [False, True], ids=["module level", "with functions"])
def test_no_import_cycle(with_functions):
    graph = _graph(with_functions)
    cycles = sorted(" -> ".join([*c, c[0]]) for c in nx.simple_cycles(graph))
    assert nx.is_directed_acyclic_graph(graph), "\n".join(cycles)


def test_no_module_is_over_the_line_limit():
    long = {str(path.relative_to(ROOT)): n for m, path in MODULES.items()
            if m not in ("cli", "glauber")
            if (n := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES}
    assert not long, f"over {MAX_LINES} lines: {long}"


def test_puzzle_kinds_are_compared_only_in_the_registry():
    """A kind's behaviour is looked up in `puzzles.kinds` (and the registries it names),
    not switched on its name: `kind == "zebra"` appears at most once outside it."""
    from puzzles.kinds import KINDS

    def names(node: ast.AST) -> set:
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            return {node.value}
        if isinstance(node, (ast.Tuple, ast.List, ast.Set)):
            return {e.value for e in node.elts if isinstance(e, ast.Constant)}
        return set()

    found = [f"{path.relative_to(ROOT)}:{node.lineno}"
             for m, path in MODULES.items() if m != "puzzles.kinds"
             for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
             if isinstance(node, ast.Compare)
             and any(names(side) & set(KINDS) for side in (node.left, *node.comparators))]
    assert len(found) <= 1, found
