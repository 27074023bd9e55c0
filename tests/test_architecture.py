"""The layout holds: imports point one way, no cycles, small modules and classes, unique names."""

from __future__ import annotations

import ast
from collections import Counter
from pathlib import Path

from voice_helper import PROJECT_ROOT

PACKAGE = PROJECT_ROOT / "voice_helper"
MAX_MODULE_LINES = 300
MAX_CLASS_LINES = 200

LAYERS = {
    "words": set(),
    "content": {"words"},
    "listen": {"words", "content"},
    "understand": {"words", "content"},
    "dialogue": {"words", "content", "understand", "remind"},
    "speak": set(),
    "remind": {"words", "content"},
    "pumplog": {"words", "content", "remind"},
}
"""For each package, the other packages it may import (modules at the top level are the base)."""
WIRING = {"assistant": {"cli"}, "doctor": {"cli", "assistant"}}
"""Packages that wire the others together, and the ones above them they must not import."""


def _module_name(path: Path) -> str:
    parts = path.relative_to(PROJECT_ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _modules() -> dict[str, Path]:
    return {_module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def _imports(name: str, path: Path, known: set[str]) -> set[str]:
    """Every voice_helper module this one imports, at the top or inside a function."""
    found = set()
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*parts, base] if base else parts)
            targets = [f"{base}.{alias.name}" for alias in node.names] + [base]
        else:
            continue
        for target in targets:
            while target and target not in known:
                target = target.rpartition(".")[0]
            if target and target not in (name, "voice_helper"):
                found.add(target)
    return found


def _graph() -> dict[str, set[str]]:
    modules = _modules()
    return {name: _imports(name, path, set(modules)) for name, path in modules.items()}


def _cycle_from(start: str, graph: dict[str, set[str]]) -> list[str]:
    """One import cycle through start, or []."""
    stack = [(start, [start])]
    seen = set()
    while stack:
        node, path = stack.pop()
        for following in sorted(graph[node]):
            if following == start:
                return [*path, start]
            if following not in seen:
                seen.add(following)
                stack.append((following, [*path, following]))
    return []


def _package(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 2 or (len(parts) == 2 and (PACKAGE / parts[1]).is_dir()) else ""


def test_there_is_no_import_cycle():
    graph = _graph()
    cycles = [c for c in (_cycle_from(name, graph) for name in graph) if c]
    assert cycles == []


def test_each_package_imports_only_the_layers_below_it():
    wrong = []
    for module, imported in _graph().items():
        package = _package(module)
        if package not in LAYERS:
            continue
        for target in imported:
            other = _package(target)
            if other and other != package and other not in LAYERS[package]:
                wrong.append(f"{module} -> {target}")
    assert wrong == []


def test_the_wiring_does_not_import_the_layers_above_it():
    wrong = [
        f"{module} -> {target}"
        for module, imported in _graph().items()
        for target in imported
        if _package(target) in WIRING.get(_package(module), set())
    ]
    assert wrong == []


def test_the_base_modules_import_no_package():
    wrong = [
        f"{module} -> {target}"
        for module, imported in _graph().items()
        if _package(module) == "" and module not in ("voice_helper", "voice_helper.__main__")
        for target in imported
        if _package(target)
    ]
    assert wrong == []


def test_no_module_is_over_300_lines():
    long = {
        name: n
        for name, path in _modules().items()
        if (n := len(path.read_text(encoding="utf-8").splitlines())) > MAX_MODULE_LINES
    }
    assert long == {}


def test_no_class_is_over_200_lines():
    long = {}
    for name, path in _modules().items():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ClassDef) and node.end_lineno is not None:
                lines = node.end_lineno - node.lineno + 1
                if lines > MAX_CLASS_LINES:
                    long[f"{name}.{node.name}"] = lines
    assert long == {}


def test_no_two_modules_share_a_file_name():
    names = Counter(p.name for p in PACKAGE.rglob("*.py") if p.name != "__init__.py")
    assert [name for name, count in names.items() if count > 1] == []


def test_the_graph_sees_imports_inside_functions():
    graph = _graph()
    assert "voice_helper.listen.moonshine_engine" in graph["voice_helper.listen.engine_choice"]
