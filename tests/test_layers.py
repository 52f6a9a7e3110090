"""The layers as the imports draw them, read from the source (every import, at module level, in
a function or under TYPE_CHECKING: each one ties one module to another for a reader):
the core reaches the UI only from its composition root, no guest page imports another
page, and the screens' modules import each other without a circle."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import kiosk
import screens

CORE = Path(kiosk.__file__).parent
SCREENS = Path(screens.__file__).parent
UI_PACKAGES = {"textual", "textual_serve", "screens"}
COMPOSITION_ROOT = "kiosk.cli"
"""The one core module that may start the UI (`kiosk run`, `kiosk demo`), from a function."""


def module_name(path: Path, package: Path) -> str:
    parts = [package.name, *path.relative_to(package).with_suffix("").parts]
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def modules(package: Path) -> dict[str, ast.Module]:
    return {
        module_name(path, package): ast.parse(path.read_text(encoding="utf-8"))
        for path in sorted(package.rglob("*.py"))
    }


def imported(tree: ast.Module, known: set[str]) -> Iterator[str]:
    """Every module the module imports, anywhere in it. `from package import name` imports
    the module `package.name` if there is one (as import-linter reads it), else `package`."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            assert not node.level and node.module, "a relative import: read it here first"
            for alias in node.names:
                submodule = f"{node.module}.{alias.name}"
                yield submodule if submodule in known else node.module


def import_graph(package: Path) -> dict[str, set[str]]:
    """Module to the modules of the same package it imports."""
    found = modules(package)
    return {
        name: {other for other in imported(tree, set(found)) if other in found and other != name}
        for name, tree in found.items()
    }


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for other in sorted(graph[node]):
            if other not in index:
                visit(other)
                low[node] = min(low[node], low[other])
            elif other in on_stack:
                low[node] = min(low[node], index[other])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def guest_page_modules() -> set[str]:
    """The modules that define guest pages (a class built on a page class), but for the
    module of the pages' common base."""
    return {
        name
        for name, tree in modules(SCREENS).items()
        if name != "screens.base"
        and any(
            isinstance(node, ast.ClassDef)
            and any(isinstance(base, ast.Name) and base.id.endswith("Page") for base in node.bases)
            for node in ast.walk(tree)
        )
    }


def test_the_core_reaches_the_ui_only_from_its_composition_root_and_lazily() -> None:
    for name, tree in modules(CORE).items():
        if name == COMPOSITION_ROOT:
            # Inside the functions that start the app: the command line stays quick.
            top = [node for node in tree.body if isinstance(node, (ast.Import, ast.ImportFrom))]
            checked = ast.Module(body=top, type_ignores=[])
        else:
            checked = tree
        reached = {
            other for other in imported(checked, set()) if other.split(".")[0] in UI_PACKAGES
        }
        assert not reached, f"{name} imports {sorted(reached)}"


def test_no_guest_page_imports_another_page() -> None:
    pages = guest_page_modules()
    assert {"screens.welcome", "screens.booking", "screens.door_code"} <= pages  # not blind
    graph = import_graph(SCREENS)
    for page in sorted(pages):
        assert not graph[page] & pages, f"{page} imports {sorted(graph[page] & pages)}"


def test_the_screens_import_each_other_without_a_circle() -> None:
    assert cycles(import_graph(SCREENS)) == []


def test_the_circle_finder_sees_a_circle() -> None:
    # Guards the test above against passing because the finder is blind.
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert cycles(graph) == [["a", "b", "c"]]
