"""Every public object of scidl carries a numpydoc docstring with a runnable example.

Public objects are the names in the ``__all__`` of every public scidl package and module, found
by the shared helper tests/_public_api.py (private modules ``_x`` are skipped). For each:

- a class or a function needs a one-line summary; a ``Parameters`` section when it takes
  parameters (for a class: its ``__init__``'s, other than ``self``); ``Returns`` (functions;
  ``Yields`` for generators and context managers) or ``Attributes`` (classes); and an
  ``Examples`` section whose own body holds ``>>>`` lines (``>>>`` in Notes or before the
  header does not count; they run as doctests in test_docstring_examples.py).
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
import inspect
import re
import types

import pytest

import _public_api as api  # tests/ is on pytest's pythonpath (pyproject)
import scidl

PUBLIC_OBJECTS = sorted(api.public_objects().items())
SUBPACKAGES = api.public_subpackages()


def _header_lines(lines: list[str]) -> list[int]:
    """Indices of the section title lines (a title line followed by a line of dashes)."""
    return [
        i
        for i in range(len(lines) - 1)
        if lines[i].strip()
        and re.fullmatch(r"-{3,}", lines[i + 1].strip())
        and len(lines[i + 1].strip()) >= len(lines[i].strip()) // 2
    ]


def sections(doc: str) -> set[str]:
    """The numpydoc section headers of a docstring (a title line followed by dashes)."""
    lines = inspect.cleandoc(doc).splitlines()
    return {lines[i].strip() for i in _header_lines(lines)}


def section_body(doc: str, name: str) -> str:
    """The text of section ``name`` (up to the next section header); empty when absent."""
    lines = inspect.cleandoc(doc).splitlines()
    headers = _header_lines(lines)
    for k, i in enumerate(headers):
        if lines[i].strip() == name:
            end = headers[k + 1] if k + 1 < len(headers) else len(lines)
            return "\n".join(lines[i + 2 : end])
    return ""


def has_examples(doc: str) -> bool:
    """True when the Examples section itself holds ``>>>`` lines (not some other section)."""
    return any(
        line.strip().startswith(">>>") for line in section_body(doc, "Examples").splitlines()
    )


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
        if not has_examples(doc):
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
    if not has_examples(doc):
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


def _example_in_notes(x):
    """Return x.

    Parameters
    ----------
    x : float
        A number.

    Returns
    -------
    float

    Notes
    -----
    >>> _example_in_notes(1)
    1

    Examples
    --------
    See the notes.
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
    # >>> lines elsewhere (Notes, or before the Examples header) do not make an Examples section
    assert missing_sections(_example_in_notes) == ["an Examples section with >>> lines"]
    moved = types.ModuleType("m", "A module.\n\n>>> 1\n1\n\nExamples\n--------\nSee above.\n")
    assert missing_sections(moved) == ["an Examples section with >>> lines"]
    last = types.ModuleType("m", "A module.\n\nExamples\n--------\n>>> 1\n1\n")
    assert missing_sections(last) == []
    doc = "T.\n\nExamples\n--------\n>>> 1\n1\n\nNotes\n-----\nText.\n"
    assert section_body(doc, "Examples").strip() == ">>> 1\n1"
    assert section_body(doc, "Notes").strip() == "Text."
    assert section_body(doc, "Returns") == ""
    assert sections("Title.\n\nNotes\n-----\nText.\nReturns\n-------\nx\n") == {
        "Notes",
        "Returns",
    }


def test_public_objects_are_found():
    names = {name for name, _ in PUBLIC_OBJECTS}
    assert {"scidl.kinetics.TICA", "scidl.utils.check_array", "scidl.nn.activations"} <= names
    assert len(PUBLIC_OBJECTS) > 100


# --- the shared discovery helper (tests/_public_api.py) ---


def test_public_modules_import():
    api.assert_public_modules_import()


def test_discovery_lists_public_modules_only():
    names = api.public_module_names()
    assert {"scidl.nn", "scidl.nn.filters", "scidl.kinetics", "scidl.data.ising"} <= set(names)
    assert all(api.is_public_name(n) for n in names)
    assert "scidl.nn._mlp" not in names and "scidl.kinetics._tica" not in names
    assert {"nn", "kinetics", "data"} <= set(SUBPACKAGES)


def test_discovery_names_objects_by_public_path():
    import scidl.kinetics
    import scidl.nn.filters

    assert api.qualified_name(scidl.kinetics.TICA) == "scidl.kinetics.TICA"
    assert api.qualified_name(scidl.nn.filters.apply_filter) == "scidl.nn.filters.apply_filter"
    assert api.qualified_name(scidl.nn.filters) == "scidl.nn.filters"
    objects = api.public_objects()
    assert objects["scidl.kinetics.TICA"] is scidl.kinetics.TICA
    assert "scidl.nn.filters" in objects and "scidl.nn.filters" not in api.public_objects(
        modules=False
    )


def test_discovery_classifies_estimators_and_functions():
    from sklearn.base import BaseEstimator

    import scidl.kinetics
    import scidl.model_selection

    estimators = api.public_estimator_classes()
    assert estimators["scidl.kinetics.MarkovStateModel"] is scidl.kinetics.MarkovStateModel
    assert all(issubclass(c, BaseEstimator) for c in estimators.values())
    # scikit-learn's GridSearchCV, re-exported by scidl.model_selection, is tested upstream
    assert scidl.model_selection.GridSearchCV not in estimators.values()
    functions = api.public_functions()
    assert functions["scidl.kinetics.count_transitions"] is scidl.kinetics.count_transitions
    assert not set(functions) & set(estimators)
    assert "scidl.kinetics.DEFAULT" not in functions  # constants are never objects


def test_discovery_records_a_module_that_fails_to_import(monkeypatch):
    real = api.importlib.import_module

    def fake(name, *args):
        if name == "scidl.nn.filters":
            raise ImportError("planted")
        return real(name, *args)

    monkeypatch.setattr(api.importlib, "import_module", fake)
    saved = dict(api.IMPORT_ERRORS)
    try:
        modules = api.public_modules.__wrapped__()  # uncached: the real result stays cached
        assert "scidl.nn.filters" not in {m.__name__ for m in modules}
        assert "planted" in api.IMPORT_ERRORS["scidl.nn.filters"]
        with pytest.raises(AssertionError, match="scidl.nn.filters"):
            api.assert_public_modules_import()
    finally:
        api.IMPORT_ERRORS.clear()
        api.IMPORT_ERRORS.update(saved)


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
