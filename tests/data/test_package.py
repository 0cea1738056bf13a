"""Package-level contracts of scidl.data: public API, docstrings, import rules."""

import ast
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

import scidl.data

DATA_DIR = Path(scidl.data.__file__).parent
# Top-level modules scidl.data may import: the standard library plus these.
ALLOWED_THIRD_PARTY = {"numpy", "scipy", "sklearn", "mlxtend", "skimage", "PIL"}
# The datasets of this test suite (other modules of the package test themselves).
OWN_API = [
    "harmonic_energy",
    "load_digits",
    "load_mnist",
    "make_blobs",
    "make_circles",
    "make_moons",
    "make_regression_1d",
    "make_spirals",
    "make_xor",
    "read_idx",
    "train_test_split_stratified",
]


def test_all_lists_the_public_api():
    assert set(OWN_API) <= set(scidl.data.__all__)
    assert len(set(scidl.data.__all__)) == len(scidl.data.__all__)
    for name in scidl.data.__all__:
        assert hasattr(scidl.data, name), f"__all__ names missing {name}"
        assert name in scidl.data.__doc__, f"package docstring does not list {name}"


@pytest.mark.parametrize("name", OWN_API)
def test_numpydoc_sections(name):
    doc = getattr(scidl.data, name).__doc__
    for section in ["Parameters\n", "Returns\n", "Notes\n", "Examples\n", ">>> "]:
        assert section in doc, f"{name} docstring lacks {section.strip()}"


@pytest.mark.parametrize("name", ["load_digits", "load_mnist"])
def test_loaders_state_source_and_licence(name):
    doc = " ".join(getattr(scidl.data, name).__doc__.split())
    assert "Source:" in doc and "Licence:" in doc
    assert {"load_digits": "CC BY 4.0", "load_mnist": "CC BY-SA 3.0"}[name] in doc


def _imported_modules(path):
    tree = ast.parse(path.read_text())
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0:
            yield node.module
        elif isinstance(node, ast.Call) and getattr(node.func, "attr", "") == "import_module":
            yield node.args[0].value


@pytest.mark.parametrize("path", sorted(DATA_DIR.glob("*.py")), ids=lambda p: p.name)
def test_imports_only_numpy_sklearn_mlxtend_and_stdlib(path):
    for module in _imported_modules(path):
        top = module.split(".")[0]
        assert top != "torch" and top != "scidl", f"{path.name} imports {module}"
        assert top in ALLOWED_THIRD_PARTY or top in sys.stdlib_module_names, (
            f"{path.name} imports {module}"
        )


def test_importing_and_using_data_does_not_load_torch(tmp_path):
    # Stand-in top-level package, so that scidl/__init__.py (which loads the
    # torch-based subpackages) does not run: only scidl.data's own imports count.
    stub = tmp_path / "scidl"
    stub.mkdir()
    (stub / "__init__.py").write_text(f"__path__ = [{str(DATA_DIR.parent)!r}]\n")
    code = textwrap.dedent(
        """
        import sys
        import scidl.data as data
        data.make_moons(10, random_state=0)
        data.make_regression_1d(random_state=0)
        data.load_digits()
        bad = sorted(m for m in sys.modules if m == "torch" or m.startswith("torch.")
                     or (m.startswith("scidl.") and not m.startswith("scidl.data")))
        print(bad)
        """
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env={"PYTHONPATH": str(tmp_path), "PATH": "/usr/bin:/bin"},
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"
