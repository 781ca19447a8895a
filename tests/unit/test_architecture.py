"""The layers of `sim/` and the imports between them (ARCHITECTURE.md).

Every module under sim/ is read with `ast`, so imports inside functions and under
`if TYPE_CHECKING:` count too: a layer that names another layer's types depends on it. Each
`sim.<layer>...` import is mapped to its layer (a sub-package, or `run` and `cli`, which are
single modules). The layers, imports flowing one way:

    core <- scenario <- run <- analysis, term <- output <- cli
"""

import ast
import functools
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import REPO

SIM = REPO / "sim"

# Which layers each layer may import. `sim` itself (sim/__init__.py: the version) is no layer and
# may be imported from anywhere; it imports nothing of sim.
ALLOWED: dict[str, set[str]] = {
    "core": set(),
    "scenario": {"core"},
    "run": {"core", "scenario"},
    "analysis": {"core", "scenario", "run"},
    "term": {"core", "scenario", "run"},
    "output": {"core", "scenario", "run", "analysis", "term"},
    "cli": {"core", "scenario", "run", "analysis", "term", "output"},
}

# Known violations, each fixed on another branch of issue 9. strict: the test fails once the
# violation is gone, so the mark is removed with the fix.
KNOWN: dict[str, str] = {}
"""Layer -> a known violation of its rule (strict xfail); empty since issue 9 removed them."""

HEAVY = ("pandas", "matplotlib", "scipy", "numba")


def module_name(path: Path) -> str:
    parts = path.relative_to(REPO).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def is_module(name: str) -> bool:
    relative = Path(*name.split("."))
    return (REPO / relative).with_suffix(".py").is_file() or (
        REPO / relative / "__init__.py"
    ).is_file()


def imported_modules(path: Path) -> set[str]:
    """The sim modules that the file at `path` imports, anywhere in it."""
    here = module_name(path)
    package = here if path.name == "__init__.py" else here.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:  # relative: from .x import y, from .. import z
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module or ""
            for alias in node.names:  # `from sim.scenario import loader` imports a module
                sub = f"{module}.{alias.name}"
                found.add(sub if is_module(sub) else module)
    return {name for name in found if name == "sim" or name.startswith("sim.")}


def layer_of(module: str) -> str | None:
    """`sim.scenario.loader` -> "scenario"; `sim.run` -> "run"; `sim` -> None."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else None


@functools.cache  # read once per test session
def module_graph() -> dict[str, set[str]]:
    return {module_name(p): imported_modules(p) for p in sorted(SIM.rglob("*.py"))}


def layer_graph() -> dict[str, dict[str, set[str]]]:
    """layer -> imported layer -> the importing modules (for the failure message)."""
    graph: dict[str, dict[str, set[str]]] = {}
    for module, imports in module_graph().items():
        source = layer_of(module)
        if source is None:
            continue
        edges = graph.setdefault(source, {})
        for target in map(layer_of, imports):
            if target is not None and target != source:
                edges.setdefault(target, set()).add(module)
    return graph


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One cycle of the directed graph, as a path whose first and last node are the same."""
    state: dict[str, int] = {}  # 1 = on the current path, 2 = done
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        path.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                return path[path.index(nxt) :] + [nxt]
            if nxt not in state and (cycle := visit(nxt)):
                return cycle
        state[node] = 2
        path.pop()
        return None

    for start in sorted(graph):
        if start not in state and (cycle := visit(start)):
            return cycle
    return None


def _param(layer: str):
    marks = [pytest.mark.xfail(strict=True, reason=KNOWN[layer])] if layer in KNOWN else []
    return pytest.param(layer, marks=marks, id=layer)


@pytest.mark.slow
def test_every_module_is_in_a_known_layer():
    layers = {layer_of(m) for m in module_graph()} - {None}
    assert layers == set(ALLOWED), "a new sub-package needs its rule in ALLOWED and ARCHITECTURE.md"


def test_the_package_root_imports_nothing_of_sim():
    assert imported_modules(SIM / "__init__.py") == set()


@pytest.mark.parametrize("layer", [_param(layer) for layer in ALLOWED])
def test_each_layer_imports_only_the_layers_below_it(layer):
    edges = layer_graph().get(layer, {})
    wrong = {
        target: sorted(modules) for target, modules in edges.items() if target not in ALLOWED[layer]
    }
    assert not wrong, f"{layer} may import only {sorted(ALLOWED[layer])}; found {wrong}"


def test_the_allowed_imports_have_no_cycle():
    assert find_cycle({layer: targets for layer, targets in ALLOWED.items()}) is None


def test_the_layer_graph_has_no_cycle():
    graph = {layer: set(edges) for layer, edges in layer_graph().items()}
    assert find_cycle(graph) is None, find_cycle(graph)


def test_the_module_graph_has_no_cycle():
    graph = module_graph()
    assert find_cycle(graph) is None, find_cycle(graph)


def test_the_cycle_finder_finds_a_cycle_and_only_a_cycle():
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b", "c"}, "b": {"c"}, "c": set()}) is None


@pytest.mark.parametrize("module", ["sim.core", "sim.core.model", "sim.core.targets"])
def test_the_core_loads_no_heavy_library(module):
    code = f"import sys, {module}; print(sorted(m for m in {HEAVY!r} if m in sys.modules))"
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, check=False
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]", f"import {module} loads {done.stdout.strip()}"
