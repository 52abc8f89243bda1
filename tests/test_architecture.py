"""The house rules, read from the source with ``ast``: layers, no cycles, one OCR
adapter, a core without I/O, and keyword options."""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

PKG = Path(__file__).resolve().parent.parent / "digitize"

#: Each module's layer; a module may import its own layer or a lower one, never a higher one.
LAYERS = {
    "digitize.errors": 0, "digitize.config": 0, "digitize.model": 0, "digitize.resources": 0,
    "digitize.core": 1,
    "digitize.sources": 2,
    "digitize.raster": 3, "digitize.vector": 3,
    "digitize.report": 4,
    "digitize.api": 5,
    "digitize.batch": 6, "digitize.cli": 6, "digitize.__main__": 6, "digitize": 6,
}


def _module_name(path: Path) -> str:
    rel = path.relative_to(PKG.parent).with_suffix("")
    parts = rel.parts[:-1] if rel.parts[-1] == "__init__" else rel.parts
    return ".".join(parts)


def _layer(module: str) -> int:
    best = None
    for prefix, rank in LAYERS.items():
        if module == prefix or module.startswith(prefix + "."):
            if best is None or len(prefix) > len(best[0]):
                best = (prefix, rank)
    assert best is not None, f"{module} is in no layer: add it to LAYERS"
    return best[1]


def _imports(path: Path) -> set[str]:
    """Every module a file imports (absolute names), at any depth of the code."""
    mod = _module_name(path)
    package = mod if path.name == "__init__.py" else mod.rpartition(".")[0]
    out = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            out |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[:len(base) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            out.add(target)
            # "from . import x" / "from .pkg import mod" may name modules
            for a in node.names:
                cand = f"{target}.{a.name}"
                if (PKG.parent / Path(*cand.split("."))).with_suffix(".py").exists() or \
                        (PKG.parent / Path(*cand.split(".")) / "__init__.py").exists():
                    out.add(cand)
    return out


MODULES = {_module_name(p): p for p in sorted(PKG.rglob("*.py"))}
GRAPH = {m: {i for i in _imports(p) if i == "digitize" or i.startswith("digitize.")} for m, p in MODULES.items()}


def _names(imports: set[str]) -> set[str]:
    return {i.split(".")[0] for i in imports}


@pytest.mark.parametrize("module", sorted(MODULES))
def test_no_module_imports_a_higher_layer(module):
    if module == "digitize":
        return  # the package's face re-exports the api
    up = sorted(i for i in GRAPH[module] if i in MODULES and _layer(i) > _layer(module))
    assert not up, f"{module} (layer {_layer(module)}) imports higher layers: {up}"


def test_no_import_cycles():
    seen, stack, cycles = set(), [], []

    def visit(m):
        if m in stack:
            cycles.append(stack[stack.index(m):] + [m])
            return
        if m in seen:
            return
        seen.add(m)
        stack.append(m)
        for n in GRAPH.get(m, ()):
            if n in MODULES and n not in ("digitize", m) and not (m.startswith(n + ".") or n.startswith(m + ".")):
                visit(n)
        stack.pop()

    for m in MODULES:
        if m != "digitize":
            visit(m)
    assert not cycles, f"import cycles: {cycles[:3]}"


def test_core_has_no_cli_terminal_or_file_io():
    for m, p in MODULES.items():
        if not m.startswith("digitize.core"):
            continue
        imports = _names(_imports(p))
        assert not imports & {"typer", "rich", "click", "pathlib", "tempfile", "shutil", "io"}, m
        tree = ast.parse(p.read_text())
        calls = {n.func.id for n in ast.walk(tree) if isinstance(n, ast.Call) and isinstance(n.func, ast.Name)}
        assert "open" not in calls, f"{m} opens files"


def test_analysis_reads_only_the_table():
    deps = GRAPH["digitize.core.analysis"]
    assert not deps, f"analysis imports {deps}: it must work from the values and labels alone"


def test_overlay_draws_from_the_result_only():
    deps = GRAPH["digitize.report.overlay"]
    allowed = {"digitize.model", "digitize.core", "digitize.core.lookup", "digitize.core.scale",
               "digitize.report", "digitize.report.export"}
    assert deps <= allowed, f"the overlay reaches {sorted(deps - allowed)}"


def test_batch_calls_the_api_never_single_stages():
    deps = GRAPH["digitize.batch"]
    stages = sorted(d for d in deps if d.startswith(("digitize.raster", "digitize.core", "digitize.vector")))
    assert not stages, f"batch calls stages directly: {stages}"
    assert "digitize.api" in deps


def test_the_ocr_engine_sits_behind_one_adapter():
    users = sorted(m for m, p in MODULES.items() if _names(_imports(p)) & {"onnxruntime", "rapidocr"})
    assert users == ["digitize.raster.ocr"], users


def test_no_function_takes_more_than_six_positional_parameters():
    wide = []
    for m, p in MODULES.items():
        for node in ast.walk(ast.parse(p.read_text())):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                pos = [a.arg for a in node.args.posonlyargs + node.args.args if a.arg not in ("self", "cls")]
                if len(pos) > 6:
                    wide.append(f"{m}.{node.name}({', '.join(pos)})")
    assert not wide, f"make the options keyword-only: {wide}"


def test_the_recipe_fits_on_one_screen():
    src = (PKG / "api.py").read_text()
    tree = ast.parse(src)
    for fn in ("digitize", "read_picture", "_read_heatmap"):
        node = next(n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name == fn)
        body = node.body[1:] if isinstance(node.body[0], ast.Expr) else node.body  # without the docstring
        lines = body[-1].end_lineno - body[0].lineno + 1
        assert lines <= 40, f"{fn} is {lines} lines of code"
