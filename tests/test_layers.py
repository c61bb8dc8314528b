"""The package's layers only point down, and no module imports itself round a cycle.

Read from the source (every `import` statement anywhere in a file: at the top, inside functions,
under `if TYPE_CHECKING`), so a lazy import cannot hide a cycle. The layers, lowest first:

    base      types, errors, thaidate: data and words every module may use
    store     the output folder on disk: atomic writes, the lock, keys, hashes
    stages    what a run is made of: decoding, transcription, text, speakers, minutes, rendering,
              and the parsers, measures and the catalogue they use
    runner    the stage table and the draft that flows through it
    folders   operations on folders: review, rename, batch, inventory (inspect)
    cli       the `minutes` command
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "pipeline"

# Module name -> layer; a name ending in "*" covers every module whose name starts so (a package
# and its modules, or a family of modules). Every module not named here is a stage.
LAYERS: dict[str, int] = {
    "pipeline": 0,  # __init__: the version
    "pipeline.types": 0,
    "pipeline.errors": 0,
    "pipeline.thaidate": 0,
    "pipeline.store": 1,
    "pipeline.runner": 3,
    "pipeline.review": 4,
    "pipeline.rename": 4,
    "pipeline.inventory": 4,
    "pipeline.batch*": 4,  # batch, its plan, executors and driver
    "pipeline.cli": 5,
    "pipeline.terminal*": 5,  # progress and terminal text: the CLI's
    "pipeline.__main__": 5,
}
STAGES = 2  # every other module of the package
NAMES = {0: "base", 1: "store", 2: "stages", 3: "runner", 4: "folders", 5: "cli"}


def modules() -> dict[str, Path]:
    """Every module of the package, by dotted name (a package by its own name)."""
    found = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        found[".".join(parts)] = path
    return found


def imports(name: str, path: Path, known: set[str]) -> set[str]:
    """The package's modules that `name` imports, anywhere in its source."""
    is_package = path.name == "__init__.py"
    out: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            out |= {_nearest(alias.name, known) for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            if node.level:  # relative: from the module's own package upwards
                base = name.split(".") if is_package else name.split(".")[:-1]
                base = base[: len(base) - (node.level - 1)]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            for alias in node.names:  # `from pipeline import audio` imports the module pipeline.audio
                sub = f"{target}.{alias.name}"
                out.add(sub if sub in known else _nearest(target, known))
    return {m for m in out if m and m != name}


def _nearest(dotted: str, known: set[str]) -> str:
    """The module of the package that `dotted` names or lies in; "" outside the package."""
    parts = dotted.split(".")
    while parts:
        if ".".join(parts) in known:
            return ".".join(parts)
        parts.pop()
    return ""


def graph() -> dict[str, set[str]]:
    found = modules()
    known = set(found)
    return {name: imports(name, path, known) for name, path in found.items()}


def layer(name: str) -> int:
    if name in LAYERS:
        return LAYERS[name]
    for prefix, level in LAYERS.items():
        if prefix.endswith("*") and name.startswith(prefix[:-1]):
            return level
    return STAGES


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Each strongly connected group of two or more modules (Tarjan), as a sorted list."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on: set[str] = set()
    groups: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on.add(v)
        for w in sorted(edges.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = []
            while True:
                w = stack.pop()
                on.discard(w)
                group.append(w)
                if w == v:
                    break
            if len(group) > 1:
                groups.append(sorted(group))

    for v in sorted(edges):
        if v not in index:
            visit(v)
    return groups


# --- the checker itself, on graphs written by hand --------------------------------------------


def test_the_cycle_finder_finds_a_cycle_through_three_modules_and_nothing_in_a_tree() -> None:
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert cycles({"a": {"b", "c"}, "b": {"c"}, "c": set()}) == []


def test_imports_are_read_inside_functions_and_relative_ones_resolved(tmp_path: Path) -> None:
    source = tmp_path / "x.py"
    source.write_text(
        "from pipeline import audio\n"
        "import json\n"
        "def f():\n"
        "    from pipeline.minutes import rules\n"
        "    from . import runner\n"
        "    from .minutes.text import flatten\n"
        "    import pipeline.store as s\n",
        encoding="utf-8",
    )
    known = {"pipeline", "pipeline.audio", "pipeline.runner", "pipeline.store", "pipeline.minutes",
             "pipeline.minutes.rules", "pipeline.minutes.text"}  # fmt: skip
    found = imports("pipeline.x", source, known)
    assert found == {"pipeline.audio", "pipeline.minutes.rules", "pipeline.runner", "pipeline.minutes.text",
                     "pipeline.store"}  # fmt: skip


# --- the package -------------------------------------------------------------------------------


def test_the_graph_covers_the_whole_package() -> None:
    edges = graph()
    # Modules every layer has: if these were not read, the tests below would pass on nothing.
    for name in ("pipeline.runner", "pipeline.store", "pipeline.cli", "pipeline.minutes", "pipeline.minutes.rules"):
        assert name in edges
    assert "pipeline.store" in edges["pipeline.runner"] and "pipeline.runner" in edges["pipeline.cli"]


def test_no_import_cycle_in_the_package() -> None:
    found = cycles(graph())
    assert not found, "import cycles (break each by moving what is shared down a layer): " + "; ".join(
        " <-> ".join(group) for group in found
    )


@pytest.mark.parametrize("low", ["base", "store", "stages", "runner", "folders"])
def test_layers_only_point_down(low: str) -> None:
    """store and the stages never import the runner, a folder operation or the CLI; nothing below
    the CLI imports it; base imports nothing of the package."""
    level = next(k for k, v in NAMES.items() if v == low)
    upward = [
        f"{name} ({NAMES[layer(name)]}) imports {target} ({NAMES[layer(target)]})"
        for name, targets in sorted(graph().items())
        if layer(name) == level
        for target in sorted(targets)
        if layer(target) > level
    ]
    assert not upward, "\n".join(upward)


def test_store_imports_only_the_base() -> None:
    assert graph()["pipeline.store"] <= {"pipeline.types", "pipeline.errors"}


def test_no_context_variable_carries_data_between_stages() -> None:
    """What a stage needs comes in the draft or as an argument, never through a ContextVar."""
    users = [
        name
        for name, path in modules().items()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, (ast.Import, ast.ImportFrom))
        and any(alias.name == "contextvars" for alias in node.names) | (getattr(node, "module", None) == "contextvars")
    ]
    assert not users, users
