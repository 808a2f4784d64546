"""The package's layering: dependencies point down (``ops``, ``nn``, ``models`` never import ``train``,
``data`` or ``experiments``; nothing in the library imports ``experiments``), ``import cvbook.nn``
loads no training, data or experiment code, and no notebook re-defines a public package object."""
from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PKG = ROOT / "cvbook"
LOW = ("ops", "nn", "models")
FORBIDDEN_FOR_LOW = ("cvbook.train", "cvbook.data", "cvbook.experiments")


def _imports(path: Path) -> list[tuple[int, str]]:
    """Every module a file imports (absolute names), with the line, at any depth of the file."""
    out = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            out += [(node.lineno, a.name) for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            out.append((node.lineno, node.module))
    return out


def _modules(room: str) -> list[Path]:
    return sorted((PKG / room).rglob("*.py"))


def _hits(modules, forbidden):
    return [f"{p.relative_to(ROOT)}:{line} imports {name}" for p in modules for line, name in _imports(p)
            if any(name == f or name.startswith(f + ".") for f in forbidden)]


@pytest.mark.parametrize("room", LOW)
def test_low_rooms_do_not_import_train_data_or_experiments(room):
    assert _modules(room), f"cvbook/{room} has no modules"
    assert _hits(_modules(room), FORBIDDEN_FOR_LOW) == []


def test_nothing_in_the_library_imports_experiments():
    library = [p for p in PKG.rglob("*.py") if "experiments" not in p.relative_to(PKG).parts]
    assert _hits(library, ("cvbook.experiments",)) == []


def test_importing_nn_loads_no_training_data_or_experiment_code():
    code = ("import sys, torch; before = set(sys.modules); import cvbook.nn; "
            "print('\\n'.join(sorted(set(sys.modules) - before)))")
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                            cwd=ROOT).stdout.split()
    assert "cvbook.nn" in loaded
    bad = [m for m in loaded if m.startswith(FORBIDDEN_FOR_LOW + ("torch.distributed", "torch.multiprocessing"))]
    assert bad == []


def test_low_rooms_do_not_import_torch_distributed_at_module_level():
    hits = []
    for room in LOW:
        for p in _modules(room):
            tree = ast.parse(p.read_text(encoding="utf-8"))
            for node in tree.body:  # module level only: a layer may import it inside the call that uses it
                names = ([a.name for a in node.names] if isinstance(node, ast.Import) else
                         [node.module] if isinstance(node, ast.ImportFrom) and node.module else [])
                hits += [f"{p.relative_to(ROOT)}:{node.lineno}" for n in names if n.startswith("torch.distributed")]
    assert hits == []


def _public_names() -> set[str]:
    names: set[str] = set()
    for p in PKG.rglob("*.py"):
        for node in ast.parse(p.read_text(encoding="utf-8")).body:
            if isinstance(node, (ast.Assign, ast.AugAssign)):
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                if any(isinstance(t, ast.Name) and t.id == "__all__" for t in targets):
                    try:
                        names |= set(ast.literal_eval(node.value))
                    except ValueError:
                        pass
    return names


def test_no_notebook_defines_a_public_package_object():
    public = _public_names()
    assert {"nms", "BatchNorm2d", "count_params"} <= public  # the collection itself works
    clashes = []
    for nb in sorted((ROOT / "notebooks").glob("*/*.ipynb")):
        for i, cell in enumerate(json.loads(nb.read_text(encoding="utf-8"))["cells"]):
            if cell["cell_type"] != "code":
                continue
            try:
                tree = ast.parse("".join(cell["source"]))
            except SyntaxError:
                continue
            clashes += [f"{nb.relative_to(ROOT)} cell {i}: {node.name}" for node in ast.walk(tree)
                        if isinstance(node, (ast.FunctionDef, ast.ClassDef)) and node.name in public]
    assert clashes == []
