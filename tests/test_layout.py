"""The layout keeps its promises: no import circles, the default path free of opt-in and build code,
no module too long to read."""
import ast
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "normalizer"
MAX_LINES = 400
OPT_IN = {"normalizer.pipeline.geoparse",
          # the dask extra (normalizer.dask and the CLI's --dask layer): never on the default path
          "normalizer.cli.sharded", "normalizer.dask",
          *(f"normalizer.dask.{p.stem}" for p in (PACKAGE / "dask").glob("*.py") if p.stem != "__init__"),
          # the serve extra: normalizer.cli.serve imports the server only inside the command
          "normalizer.serve",
          *(f"normalizer.serve.{p.stem}" for p in (PACKAGE / "serve").glob("*.py") if p.stem != "__init__")}
BUILD = {"normalizer.world.build", "normalizer.world.regions", "normalizer.world.dump", "normalizer.world.writer",
         "normalizer.world.json_stream"}


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def module_level_imports(path: Path) -> set[str]:
    """The package modules ``path`` imports when it is imported (imports inside functions are lazy)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = module_name(path) if path.name == "__init__.py" else module_name(path).rpartition(".")[0]
    found = set()
    for node in tree.body:
        if isinstance(node, ast.ImportFrom):
            base = package.split(".")[: len(package.split(".")) - node.level + 1] if node.level else []
            target = ".".join([*base, *(node.module.split(".") if node.module else [])])
            if not target.startswith("normalizer"):
                continue
            for alias in node.names:
                candidate = f"{target}.{alias.name}"
                found.add(candidate if candidate in MODULES else target)
        elif isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.startswith("normalizer"))
    return {m for m in found if m in MODULES}


MODULES = {module_name(p): p for p in PACKAGE.rglob("*.py")}
GRAPH = {name: module_level_imports(path) for name, path in MODULES.items()}


def reachable(start: str) -> set[str]:
    seen, todo = set(), [start]
    while todo:
        name = todo.pop()
        if name not in seen:
            seen.add(name)
            todo.extend(GRAPH[name])
            parent = name.rpartition(".")[0]
            if parent in GRAPH:  # importing a.b runs a/__init__.py first
                todo.append(parent)
    return seen


def test_no_import_circles():
    state: dict[str, str] = {}
    circles = []

    def visit(name: str, path: list[str]) -> None:
        state[name] = "open"
        for other in sorted(GRAPH[name]):
            if state.get(other) == "open":
                circles.append(" -> ".join([*path[path.index(other):], other]))
            elif other not in state:
                visit(other, [*path, other])
        state[name] = "done"

    for name in sorted(GRAPH):
        if name not in state:
            visit(name, [name])
    assert circles == []


@pytest.mark.parametrize("entry", ["normalizer", "normalizer.cli", "normalizer.pipeline.load"])
def test_the_default_path_imports_no_opt_in_or_build_code(entry):
    assert reachable(entry) & (OPT_IN | BUILD) == set()


def test_annotating_loads_neither_geoparse_nor_the_build():
    code = ("import sys, normalizer; nlp = normalizer.load('blank:en', world=False); "
            "normalizer.annotate('Trains left Kiev.', nlp=nlp); "
            "print(sorted(m for m in sys.modules if m.startswith('normalizer.')))")
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert not [m for m in OPT_IN | BUILD if f"'{m}'" in loaded]


@pytest.mark.parametrize("name", sorted(MODULES))
def test_no_module_over_400_lines(name):
    assert len(MODULES[name].read_text(encoding="utf-8").splitlines()) <= MAX_LINES
