"""Imports run one way: weather -> microgrid -> market -> ui.

Every ``.py`` file of the four packages is parsed; every ``import`` and
``from ... import`` anywhere in it (inside functions too) must name its own
layer or a lower one.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LAYERS = {"weather": 0, "microgrid": 1, "market": 2, "ui": 3}

def _imported(node: ast.AST, module: str) -> list[str]:
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    if isinstance(node, ast.ImportFrom):
        if node.level:  # relative: resolved against the importing module's package
            base = module.split(".")[: -node.level]
            return [".".join(base + ([node.module] if node.module else []))]
        return [node.module] if node.module else []
    return []


def upward_imports() -> list[tuple[str, int, str]]:
    """Every import of a higher layer, as (file, line, module)."""
    found = []
    for package, level in LAYERS.items():
        for path in sorted((ROOT / package).rglob("*.py")):
            relative = path.relative_to(ROOT)
            module = ".".join(relative.with_suffix("").parts)
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(relative))):
                for name in _imported(node, module):
                    top = name.split(".")[0]
                    if LAYERS.get(top, -1) > level:
                        found.append((relative.as_posix(), node.lineno, name))
    return found


def test_no_module_imports_a_higher_layer():
    assert [f"{file}:{line} -> {name}" for file, line, name in upward_imports()] == []


def test_imports_inside_functions_and_relative_imports_are_seen():
    tree = ast.parse("def f():\n    from market.dispatch import run_dispatch\n    import ui.cli\nfrom ..x import y\n")
    names = [name for node in ast.walk(tree) for name in _imported(node, "microgrid.park.loader")]
    assert sorted(names) == ["market.dispatch", "microgrid.x", "ui.cli"]


def test_the_layers_are_all_there():
    assert all((ROOT / package / "__init__.py").is_file() for package in LAYERS)
    assert len(list((ROOT / "ui").rglob("*.py"))) > 5
