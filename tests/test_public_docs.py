"""Every public object of scidl carries a numpydoc docstring with a runnable example.

Public objects are the names in the ``__all__`` of every public scidl package and module
(found with pkgutil; private modules ``_x`` are skipped). For each:

- a class or a function needs a one-line summary; a ``Parameters`` section when it takes
  parameters (for a class: its ``__init__``'s, other than ``self``); ``Returns`` (functions;
  ``Yields`` for generators and context managers) or ``Attributes`` (classes); and an
  ``Examples`` section with ``>>>`` lines (they run as doctests in test_docstring_examples.py).
  A dataclass or NamedTuple may document its fields once, under ``Attributes``: its
  constructor parameters are its fields.
- a public module listed in ``__all__`` (``scidl.nn.activations``) needs a module docstring
  with an ``Examples`` section.

Exempt: constants (dicts, tuples, strings, numbers: a comment or the package docstring
describes them) and objects defined outside scidl that a package re-exports (for example
scikit-learn's ``NotFittedError``): their documentation is upstream. Exception classes need
no ``Attributes`` section.

numpydoc is not a dependency, so sections are found by their header: a line with the section
name followed by a line of dashes.
"""

from __future__ import annotations

import dataclasses
import importlib
import inspect
import pkgutil
import re
import types

import pytest

import scidl


def _public(name: str) -> bool:
    return not any(part.startswith("_") for part in name.split("."))


PUBLIC_MODULES = sorted(
    info.name
    for info in pkgutil.walk_packages(scidl.__path__, prefix="scidl.")
    if _public(info.name)
)
SUBPACKAGES = sorted(
    info.name for info in pkgutil.iter_modules(scidl.__path__) if info.ispkg and _public(info.name)
)


def _collect():
    """``(qualified public name, object)`` of every class, function and module in an __all__."""
    seen = {}
    for modname in PUBLIC_MODULES:
        module = importlib.import_module(modname)
        for name in getattr(module, "__all__", ()):
            obj = getattr(module, name)
            if not (inspect.isclass(obj) or inspect.isfunction(obj) or inspect.ismodule(obj)):
                continue  # constants are exempt
            if not inspect.ismodule(obj) and not getattr(obj, "__module__", "").startswith("scidl"):
                continue  # re-exported from another library: documented upstream
            seen.setdefault(id(obj), (f"{modname}.{name}", obj))
    return sorted(seen.values(), key=lambda item: item[0])


PUBLIC_OBJECTS = _collect()
SECTION = "{name}\n{dashes}\n"


def sections(doc: str) -> set[str]:
    """The numpydoc section headers of a docstring (a title line followed by dashes)."""
    lines = inspect.cleandoc(doc).splitlines()
    return {
        lines[i].strip()
        for i in range(len(lines) - 1)
        if lines[i].strip()
        and re.fullmatch(r"-{3,}", lines[i + 1].strip())
        and len(lines[i + 1].strip()) >= len(lines[i].strip()) // 2
    }


def _parameters(obj) -> list[str]:
    """The parameters a user passes (for a class: its constructor's), without self/cls."""
    target = obj
    if inspect.isclass(obj):
        init = obj.__init__
        if init is object.__init__ or not getattr(init, "__module__", "").startswith("scidl"):
            if not (dataclasses.is_dataclass(obj) or _is_namedtuple(obj)):
                return []
        target = init
    try:
        sig = inspect.signature(target)
    except (TypeError, ValueError):
        return []
    return [p for p in sig.parameters if p not in ("self", "cls")]


def _is_namedtuple(obj) -> bool:
    return inspect.isclass(obj) and issubclass(obj, tuple) and hasattr(obj, "_fields")


def _is_generator_function(obj) -> bool:
    wrapped = inspect.unwrap(obj)
    return inspect.isgeneratorfunction(wrapped) or inspect.isgeneratorfunction(obj)


def missing_sections(obj) -> list[str]:
    """What the docstring of ``obj`` lacks, as readable strings (empty when complete)."""
    doc = obj.__doc__ if inspect.ismodule(obj) else inspect.getdoc(obj)
    if inspect.isclass(obj) and obj.__doc__ is None:
        doc = None  # inspect.getdoc would inherit a base class's docstring
    if not doc or not doc.strip():
        return ["a docstring"]
    found = sections(doc)
    missing = []
    if inspect.ismodule(obj):
        if "Examples" not in found or ">>>" not in doc:
            missing.append("an Examples section with >>> lines")
        return missing
    summary = inspect.cleandoc(doc).splitlines()[0].strip()
    if not summary or summary.endswith(":"):
        missing.append("a one-line summary")
    fields_documented = (dataclasses.is_dataclass(obj) or _is_namedtuple(obj)) and (
        "Attributes" in found
    )
    if _parameters(obj) and "Parameters" not in found and not fields_documented:
        missing.append(f"a Parameters section (takes {', '.join(_parameters(obj))})")
    if inspect.isclass(obj):
        if "Attributes" not in found and not issubclass(obj, BaseException):
            missing.append("an Attributes section")
    elif "Returns" not in found and not (_is_generator_function(obj) and "Yields" in found):
        hint = " (or Yields)" if _is_generator_function(obj) else ""
        missing.append(f"a Returns section{hint}")
    if "Examples" not in found or ">>>" not in doc:
        missing.append("an Examples section with >>> lines")
    return missing


# --- the checker on known docstrings (so the test below cannot pass vacuously) ---


def _good(x, y=1):
    """Add two numbers.

    Parameters
    ----------
    x, y : float
        The numbers.

    Returns
    -------
    float

    Examples
    --------
    >>> 1 + 1
    2
    """
    return x + y


def _bad(x):
    """Add.

    Returns
    -------
    float
    """
    return x


class _Documented:
    """A thing.

    Parameters
    ----------
    a : int
        A number.

    Attributes
    ----------
    a : int
        The number.

    Examples
    --------
    >>> 1
    1
    """

    def __init__(self, a):
        self.a = a


class _Undocumented(_Documented):
    pass


@dataclasses.dataclass
class _Fields:
    """Fields.

    Attributes
    ----------
    a : int
        A field.

    Examples
    --------
    >>> 2
    2
    """

    a: int


def test_checker_on_known_docstrings():
    assert missing_sections(_good) == []
    assert missing_sections(_Documented) == []
    assert missing_sections(_Fields) == []
    assert missing_sections(_bad) == [
        "a Parameters section (takes x)",
        "an Examples section with >>> lines",
    ]
    assert missing_sections(_Undocumented) == ["a docstring"]
    module = types.ModuleType("m", "A module.\n\nExamples\n--------\nNone yet.\n")
    assert missing_sections(module) == ["an Examples section with >>> lines"]
    assert sections("Title.\n\nNotes\n-----\nText.\nReturns\n-------\nx\n") == {
        "Notes",
        "Returns",
    }


def test_public_objects_are_found():
    names = {name for name, _ in PUBLIC_OBJECTS}
    assert {"scidl.kinetics.TICA", "scidl.utils.check_array", "scidl.nn.activations"} <= names
    assert len(PUBLIC_OBJECTS) > 100


# --- the rule, on every public object ---


@pytest.mark.parametrize("name, obj", PUBLIC_OBJECTS, ids=[n for n, _ in PUBLIC_OBJECTS])
def test_public_object_is_documented(name, obj):
    missing = missing_sections(obj)
    assert not missing, f"{name}'s docstring lacks " + "; ".join(missing)


@pytest.mark.parametrize("name", SUBPACKAGES)
def test_top_level_docstring_lists_every_subpackage(name):
    listed = {line.split()[0] for line in scidl.__doc__.splitlines() if line.strip()}
    assert name in listed, f"the scidl docstring does not list the subpackage {name}"


def test_top_level_docstring_lists_only_real_subpackages():
    doc = scidl.__doc__
    block = doc.split("Subpackages\n-----------\n", 1)[1].split("\n\n", 1)[0]
    listed = {line.split()[0] for line in block.splitlines() if line.strip()}
    assert listed == set(SUBPACKAGES)
