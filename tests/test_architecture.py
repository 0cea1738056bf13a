"""The layer rules of DESIGN.md, enforced on the source text (parsed with ``ast``, not imported).

Layers, top to bottom (imports point downward only)::

    cli > demos > plot > chapters > base > training > numerics > utils > data

The chapters (linear, model_selection, nn, autodiff, optim, unsupervised, kinetics, and the
later generative, sequence, active, rl, atomistic, course) form ONE layer: a chapter may use
another chapter's public package (kinetics uses ``scidl.nn.MLP``), never its private modules.

Rules checked here, on every module of ``src/scidl`` (lazy imports inside functions count):

1. no module imports a private name (``_x``) from another scidl package, or reaches one
   through an attribute (``import scidl.nn as n; n._x``);
2. no module imports a private module path (``scidl.nn._convnet``) of another package;
3. imports point downward only (a package imports only itself, its own layer if it is a
   chapter, and the layers below);
4. autodiff does not import scidl.nn at all (the activation table lives in scidl.numerics);
5. docstring examples (``>>>`` lines anywhere in src/scidl) and the code blocks of README.md
   and docs/ never import from a private module path or a private name, not even of their own
   package, nor reach one through an attribute: they show users the public API. A statement
   split over lines in brackets (``from x import (\n    _y)``) is read as one.

``data`` importing no other scidl package and no torch, and the chapters not importing
matplotlib at import time, are tested in tests/data/test_package.py and
tests/plot/test_chapter_plots.py.
"""

from __future__ import annotations

import ast
import re
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "src" / "scidl"

CHAPTERS = {
    "linear",
    "model_selection",
    "nn",
    "autodiff",
    "optim",
    "unsupervised",
    "kinetics",
    "generative",
    "sequence",
    "active",
    "rl",
    "atomistic",
    "course",
}
# Higher rank = higher layer. Every chapter shares one rank.
RANK = {"data": 1, "utils": 2, "numerics": 3, "training": 4, "base": 5}
RANK.update(dict.fromkeys(CHAPTERS, 6))
RANK.update({"plot": 7, "demos": 8, "cli": 9})
# Pairs (importer package, imported package) that are forbidden beyond the layer ranks.
FORBIDDEN_PAIRS = {("autodiff", "nn")}


def module_name(path: Path) -> str:
    """``src/scidl/kinetics/_tica.py`` -> ``scidl.kinetics._tica``."""
    parts = list(path.relative_to(SRC.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def package_of(module: str) -> str | None:
    """The scidl subpackage a dotted module name belongs to (``None`` for ``scidl`` itself)."""
    parts = module.split(".")
    if parts[0] != "scidl" or len(parts) < 2:
        return None
    return parts[1]


def _is_private(part: str) -> bool:
    return part.startswith("_") and not (part.startswith("__") and part.endswith("__"))


def imports_of(source: str, module: str, *, is_package: bool = False):
    """Yield ``(lineno, imported module, imported names)`` for every import in ``source``.

    Relative imports are resolved against ``module``; ``importlib.import_module("x")`` with a
    literal string counts as an import of ``x``.
    """
    tree = ast.parse(source)
    base = module.split(".") if is_package else module.split(".")[:-1]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name, ()
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                anchor = base[: len(base) - (node.level - 1)]
                target = ".".join(anchor + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            yield node.lineno, target, tuple(alias.name for alias in node.names)
        elif (
            isinstance(node, ast.Call)
            and getattr(node.func, "attr", getattr(node.func, "id", "")) == "import_module"
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
        ):
            yield node.lineno, node.args[0].value, ()


def violations(source: str, module: str, *, is_package: bool = False) -> list[str]:
    """Every breach of rules 1-4 in the source of ``module``."""
    own = package_of(module)
    found = []
    for lineno, target, names in imports_of(source, module, is_package=is_package):
        other = package_of(target)
        if other is None or other == own:
            continue
        where = f"{module}:{lineno} imports {target}"
        private_parts = [p for p in target.split(".")[1:] if _is_private(p)]
        if private_parts:
            found.append(f"{where}: private module {'.'.join(private_parts)} of scidl.{other}")
        for name in names:
            if _is_private(name):
                found.append(f"{where}: private name {name} of scidl.{other}")
        if own is None:  # the top-level scidl package sits above every layer
            continue
        if own not in RANK or other not in RANK:
            unknown = own if own not in RANK else other
            found.append(f"{where}: package scidl.{unknown} has no layer in DESIGN.md")
            continue
        if RANK[other] > RANK[own]:  # chapters share a rank: chapter -> chapter is allowed
            found.append(
                f"{where}: scidl.{own} (layer {RANK[own]}) may not import "
                f"scidl.{other} (layer {RANK[other]})"
            )
        if (own, other) in FORBIDDEN_PAIRS:
            found.append(f"{where}: scidl.{own} must not import scidl.{other}")
    return found


def _dotted(node) -> list[str] | None:
    """``["n", "_x", "y"]`` for the expression ``n._x.y``; None for anything else."""
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        return [node.id, *reversed(parts)]
    return None


def attribute_violations(source: str, module: str, *, is_package: bool = False) -> list[str]:
    """Private names of another scidl package reached through an attribute (rule 1).

    ``import scidl.nn as n; n._x``, ``import scidl.nn; scidl.nn._x`` and
    ``from scidl import nn; nn._x`` reach a private name without importing it by name.
    """
    own = package_of(module)
    tree = ast.parse(source)
    base = module.split(".") if is_package else module.split(".")[:-1]
    aliases: dict[str, str] = {}  # local name -> the scidl module it stands for
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] == "scidl":
                    if alias.asname:
                        aliases[alias.asname] = alias.name
                    else:
                        aliases["scidl"] = "scidl"
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                anchor = base[: len(base) - (node.level - 1)]
                target = ".".join(anchor + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            if target.split(".")[0] == "scidl":
                for alias in node.names:
                    aliases[alias.asname or alias.name] = f"{target}.{alias.name}"
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Attribute):
            continue  # n._x.y and its inner n._x give the same message, kept once
        parts = _dotted(node)
        if not parts or parts[0] not in aliases:
            continue
        path = aliases[parts[0]].split(".") + parts[1:]
        for i, part in enumerate(path[1:], 1):
            if _is_private(part):
                other = package_of(".".join(path[:i])) or package_of(".".join(path[: i + 1]))
                if other is not None and other != own:
                    found.append(
                        f"{module}:{node.lineno} reaches {'.'.join(path[: i + 1])}: private "
                        f"name {part} of scidl.{other} through an attribute"
                    )
                break
    return sorted(set(found))


IMPORT_LINE = re.compile(r"^\s*(from\s+(\S+)\s+import\s+(.+)|import\s+(.+))$")


EXAMPLE_ATTRIBUTE = re.compile(r"\b([A-Za-z_][A-Za-z0-9_]*)((?:\.[A-Za-z_][A-Za-z0-9_]*)+)")


def example_violations(lines, where: str) -> list[str]:
    """Imports of private module paths or names in example code lines, and private names
    reached through an attribute of an imported scidl module (``n._x``)."""
    found = []
    lines = list(lines)
    aliases = {}  # example name -> scidl module, from the example's own imports
    for _, line in lines:
        match = IMPORT_LINE.match(line)
        if match and match.group(4):
            for part in match.group(4).split(","):
                target, _, alias = part.strip().partition(" as ")
                if target.startswith("scidl"):
                    aliases[alias.strip() or target.split(".")[0]] = (
                        target if alias.strip() else "scidl"
                    )
        elif match and match.group(2).startswith("scidl"):
            for name in match.group(3).split(","):
                name, _, alias = name.strip(" ()\\").partition(" as ")
                if name:
                    aliases[(alias or name).strip()] = f"{match.group(2)}.{name.strip()}"
    for lineno, line in lines:
        if IMPORT_LINE.match(line):
            continue
        for head, tail in EXAMPLE_ATTRIBUTE.findall(line):
            if head not in aliases:
                continue
            private = [p for p in tail.split(".")[1:] if _is_private(p)]
            if private:
                found.append(
                    f"{where}:{lineno}: example reaches private name {private[0]} through "
                    f"{head}{tail}"
                )
    for lineno, line in lines:
        match = IMPORT_LINE.match(line)
        if not match:
            continue
        targets = (
            [match.group(2)]
            if match.group(2)
            else [part.split(" as ")[0].strip() for part in match.group(4).split(",")]
        )
        names = []
        if match.group(3):
            names = [n.split(" as ")[0].strip(" ()\\") for n in match.group(3).split(",")]
        for target in targets:
            if not target.startswith("scidl"):
                continue
            private = [p for p in target.split(".") if _is_private(p)]
            if private:
                found.append(f"{where}:{lineno}: example imports private module {target}")
            found.extend(
                f"{where}:{lineno}: example imports private name {n} from {target}"
                for n in names
                if _is_private(n)
            )
    return found


def logical_lines(lines):
    """Join a statement split over lines in brackets (``from x import (\\n    _y)``) into one."""
    pending, start, depth = [], None, 0
    for lineno, code in lines:
        if not pending:
            start = lineno
        pending.append(code)
        depth += code.count("(") + code.count("[") - code.count(")") - code.count("]")
        if depth <= 0 and not code.rstrip().endswith("\\"):
            yield start, " ".join(part.rstrip("\\").strip() for part in pending)
            pending, depth = [], 0
    if pending:
        yield start, " ".join(pending)


def doctest_lines(source: str):
    """``(lineno, code)`` of every ``>>>``/``...`` statement of a source file (joined)."""
    raw = []
    for lineno, line in enumerate(source.splitlines(), 1):
        stripped = line.strip()
        if stripped.startswith((">>> ", "... ")) or stripped in (">>>", "..."):
            raw.append((lineno, stripped[4:]))
    yield from logical_lines(raw)


def markdown_code_lines(text: str):
    """``(lineno, code)`` of every statement inside a fenced code block (and ``>>>`` lines)."""
    inside = False
    raw = []
    for lineno, line in enumerate(text.splitlines(), 1):
        if line.strip().startswith("```"):
            inside = not inside
            continue
        stripped = line.strip()
        if stripped.startswith((">>> ", "... ")):
            raw.append((lineno, stripped[4:]))
        elif inside:
            raw.append((lineno, stripped))
    yield from logical_lines(raw)


SOURCES = sorted(p for p in SRC.rglob("*.py") if "__pycache__" not in p.parts)
MARKDOWN = sorted([ROOT / "README.md", *(ROOT / "docs").rglob("*.md")])


def _rel(path: Path) -> str:
    return str(path.relative_to(ROOT))


# --- the checkers catch planted violations (so the tests below cannot pass vacuously) ---


@pytest.mark.parametrize(
    "module, source, expected",
    [
        ("scidl.plot._x", "from scidl.unsupervised._dbscan import knee", "private module"),
        ("scidl.plot._x", "from scidl.unsupervised import _knee", "private name"),
        ("scidl.plot._x", "import scidl.nn._convnet", "private module"),
        ("scidl.kinetics._x", "def f():\n    from scidl.nn._mlp import MLP\n", "private module"),
        ("scidl.kinetics._x", "importlib.import_module('scidl.nn._mlp')", "private module"),
        ("scidl.nn._x", "from scidl.demos import run_demo", "may not import"),
        ("scidl.nn._x", "from scidl.plot import subplots", "may not import"),
        ("scidl.plot._x", "from scidl.cli import main", "may not import"),
        ("scidl.base._x", "from scidl.nn import MLP", "may not import"),
        ("scidl.training._x", "from scidl.base import NeuralEstimator", "may not import"),
        ("scidl.numerics._x", "from scidl.training import train", "may not import"),
        ("scidl.utils._x", "from scidl.numerics import inv_sqrt", "may not import"),
        ("scidl.data._x", "from scidl.utils import check_array", "may not import"),
        ("scidl.demos._x", "from scidl.cli import main", "may not import"),
        ("scidl.autodiff._x", "from scidl.nn import ACTIVATIONS", "must not import scidl.nn"),
        ("scidl.nn._x", "from scidl.wizardry import spell", "has no layer"),
        ("scidl.nn", "from .._secret import x", "private module"),
    ],
)
def test_checker_catches_planted_violation(module, source, expected):
    found = violations(source, module, is_package=module.count(".") == 1)
    assert any(expected in v for v in found), found


@pytest.mark.parametrize(
    "module, source",
    [
        ("scidl.kinetics._vamp", "from scidl.kinetics._tica import _schatten"),  # same package
        ("scidl.kinetics._deep", "from scidl.nn import MLP"),  # chapter -> chapter, public
        ("scidl.kinetics._msm", "from scidl.unsupervised import KMeans"),
        ("scidl.plot._x", "from scidl.kinetics import TICA"),  # plot -> chapter
        ("scidl.nn._mlp", "from scidl.base import NeuralEstimator"),  # chapter -> base
        ("scidl.cli._main", "from scidl.demos import run_demo"),
        ("scidl.utils._x", "from scidl.data import make_moons"),
        ("scidl.nn", "from ._mlp import MLP"),  # relative, same package
        ("scidl.nn._x", "import numpy as np\nfrom torch import nn"),
    ],
)
def test_checker_accepts_allowed_imports(module, source):
    assert violations(source, module, is_package=module.count(".") == 1) == []


def test_example_checker_catches_planted_violation():
    text = textwrap.dedent(
        '''
        def f():
            """Example.

            >>> from scidl.kinetics._tica import TICA
            >>> from scidl.kinetics import _schatten, TICA
            >>> import scidl.nn._mlp as m
            >>> from scidl.kinetics import TICA
            """
        '''
    )
    found = example_violations(doctest_lines(text), "x.py")
    assert len(found) == 3, found
    md = "Text\n```python\nfrom scidl.nn._convnet import ConvNet\n```\nfrom scidl.nn._x import y\n"
    assert len(example_violations(markdown_code_lines(md), "README.md")) == 1


@pytest.mark.parametrize(
    "source",
    [
        "import scidl.nn as n\nn._x",
        "import scidl.nn\nscidl.nn._x()",
        "from scidl import nn\ny = nn._x.y",
        "import scidl.nn as n\nn._mlp.MLP",  # a private module through an attribute
        "def f():\n    import scidl.nn as n\n    return n._x\n",
    ],
)
def test_attribute_checker_catches_planted_violation(source):
    found = attribute_violations(source, "scidl.kinetics._x")
    assert len(found) == 1 and "through an attribute" in found[0], found


@pytest.mark.parametrize(
    "source",
    [
        "import scidl.nn as n\nn.MLP",
        "from scidl import kinetics\nkinetics._x",  # own package: allowed
        "import numpy as np\nnp._x",
        "x = obj._private",
    ],
)
def test_attribute_checker_accepts_allowed_access(source):
    assert attribute_violations(source, "scidl.kinetics._x") == []


def test_example_checker_catches_split_imports_and_attributes():
    text = textwrap.dedent(
        '''
        def f():
            """Example.

            >>> from scidl.kinetics import (
            ...     TICA,
            ...     _schatten,
            ... )
            >>> import scidl.nn as n
            >>> n._x(1)
            >>> import scidl.kinetics
            >>> scidl.kinetics._tica.TICA
            >>> from scidl.kinetics import (TICA,
            ...     VAMP)
            >>> n.MLP
            """
        '''
    )
    found = example_violations(doctest_lines(text), "x.py")
    assert len(found) == 3, found
    assert any("_schatten" in v for v in found)
    assert any("n._x" in v for v in found) and any("_tica" in v for v in found)
    md = "```python\nfrom scidl.nn import (\n    _x,\n)\n```\n"
    assert len(example_violations(markdown_code_lines(md), "README.md")) == 1


def test_sources_are_found():
    names = {module_name(p) for p in SOURCES}
    assert {"scidl", "scidl.nn", "scidl.kinetics._tica", "scidl.utils._validation"} <= names
    assert {package_of(n) for n in names} - {None} <= set(RANK), "a package has no layer"


# --- the rules, on the real source tree ---


@pytest.mark.parametrize("path", SOURCES, ids=_rel)
def test_imports_follow_the_layers(path):
    source, name, is_package = path.read_text(), module_name(path), path.name == "__init__.py"
    found = violations(source, name, is_package=is_package)
    found += attribute_violations(source, name, is_package=is_package)
    assert not found, "\n".join(found)


@pytest.mark.parametrize("path", SOURCES, ids=_rel)
def test_docstring_examples_use_public_paths(path):
    found = example_violations(doctest_lines(path.read_text()), _rel(path))
    assert not found, "\n".join(found)


@pytest.mark.parametrize("path", [p for p in MARKDOWN if p.exists()], ids=_rel)
def test_markdown_code_uses_public_paths(path):
    found = example_violations(markdown_code_lines(path.read_text()), _rel(path))
    assert not found, "\n".join(found)


def test_every_package_has_a_layer():
    packages = {p.name for p in SRC.iterdir() if (p / "__init__.py").exists()}
    assert packages <= set(RANK), f"no layer in DESIGN.md for {sorted(packages - set(RANK))}"
