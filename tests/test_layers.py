"""The package's import structure, checked on every run: a change that breaks a layer
fails here rather than in a review.

- Qt (PySide6) is imported only in ``ui/``;
- ``services/`` never imports ``ui/`` or ``hq/``; ``doctor/`` (run where Qt cannot start)
  never imports ``services/``, ``ui/`` or ``hq/``;
- nothing outside ``hq/`` imports ``hq/``, but the command line's composition
  (``cli/``), which opens a headquarters;
- no two modules import each other, directly or round a loop (imports inside functions
  count: they tie the modules as surely);
- no name with a leading underscore is imported from another package;
- station SQL is run only in ``store/`` (headquarters' in ``hq/``).
"""

import ast
from collections import defaultdict
from pathlib import Path

import pytest

import screening_app

PACKAGE = Path(screening_app.__file__).parent
NAME = "screening_app"


def _modules() -> dict[str, Path]:
    found = {}
    for path in PACKAGE.rglob("*.py"):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        found[name] = path
    return found


MODULES = _modules()


def _imports(module: str, path: Path) -> list[tuple[str, str | None, int]]:
    """(module imported, name imported from it or None, line) of every import."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [(alias.name, None, node.lineno) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                package = module.split(".")
                if path.name != "__init__.py":
                    package = package[:-1]
                package = package[:len(package) - node.level + 1]
                base = ".".join(package + ([base] if base else []))
            found += [(base, alias.name, node.lineno) for alias in node.names]
    return found


def _target(base: str, name: str | None) -> str | None:
    """The package module an import reaches (``from a import b`` may import module a.b)."""
    if name and f"{base}.{name}" in MODULES:
        return f"{base}.{name}"
    return base if base in MODULES else None


IMPORTS = {module: _imports(module, path) for module, path in MODULES.items()}


def _layer(module: str) -> str:
    """screening_app.services.reviews -> services; screening_app.cli.hq -> cli."""
    return module.split(".")[1] if "." in module else ""


def _where(module: str, line: int) -> str:
    return f"{MODULES[module].relative_to(PACKAGE.parent)}:{line}"


def test_qt_is_imported_only_in_the_ui():
    outside = [_where(module, line) for module, imports in IMPORTS.items()
               for base, _name, line in imports
               if base.split(".")[0] == "PySide6" and _layer(module) != "ui"]
    assert outside == []


@pytest.mark.parametrize("layer, forbidden", [("services", {"ui", "hq"}),
                                              ("store", {"services", "ui", "hq"}),
                                              ("domain", {"store", "services", "ui", "hq"}),
                                              ("protocol", {"store", "services", "ui", "hq"}),
                                              # the doctor runs where Qt cannot start
                                              ("doctor", {"services", "ui", "hq"})])
def test_lower_layers_never_import_higher_ones(layer, forbidden):
    wrong = [f"{_where(module, line)} imports {target}"
             for module, imports in IMPORTS.items() if _layer(module) == layer
             for base, name, line in imports
             if (target := _target(base, name)) and _layer(target) in forbidden]
    assert wrong == []


def test_only_headquarters_and_the_command_line_import_headquarters():
    wrong = [f"{_where(module, line)} imports {target}"
             for module, imports in IMPORTS.items()
             if _layer(module) not in ("hq", "cli")
             for base, name, line in imports
             if (target := _target(base, name)) and _layer(target) == "hq"]
    assert wrong == []


def test_no_import_cycles():
    edges: dict[str, set[str]] = defaultdict(set)
    for module, imports in IMPORTS.items():
        for base, name, _line in imports:
            target = _target(base, name)
            if target and target != module and target != NAME:
                edges[module].add(target)
    assert _cycles(edges, sorted(MODULES)) == []


def test_the_cycle_finder_finds_a_loop_and_only_the_loop():
    """The check above is only as good as this: a -> b -> c -> a is one cycle; d, which
    imports into it, is not part of it."""
    edges = defaultdict(set, {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}})
    assert _cycles(edges, ["a", "b", "c", "d"]) == [["a", "b", "c"]]
    assert _cycles(defaultdict(set, {"a": {"b"}}), ["a", "b"]) == []


def test_no_private_name_is_imported_from_another_package():
    wrong = [f"{_where(module, line)} imports {base}.{name}"
             for module, imports in IMPORTS.items()
             for base, name, line in imports
             if name and name.startswith("_") and not name.startswith("__")
             and base in MODULES and base.split(".")[:2] != module.split(".")[:2]]
    assert wrong == []


def _cycles(edges: dict[str, set[str]], nodes: list[str]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan's algorithm,
    iterative so that a deep chain of imports cannot exhaust the stack)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    components = []
    for start in nodes:
        if start in index:
            continue
        work = [(start, iter(sorted(edges[start])))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(edges[child]))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    components.append(sorted(component))
    return components


def test_station_sql_lives_in_the_store():
    """Station SQL lives in store/ repositories; use cases, sync and the rest call them. An
    ``execute`` call elsewhere is a query that escaped (hq/ keeps its own store)."""
    escaped = []
    for module, path in MODULES.items():
        if _layer(module) in ("store", "hq"):
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                    and node.func.attr in ("execute", "executemany", "executescript")):
                escaped.append(_where(module, node.lineno))
    assert escaped == []
