"""Discovery of scidl's public API, shared by the automatic tests (not a test module itself).

The public API is what a public ``__all__`` lists: every scidl package and module whose dotted
name has no part starting with ``_`` (found with ``pkgutil``), and in each the names of its
``__all__``. A module that fails to import is recorded in :data:`IMPORT_ERRORS` (reported by
:func:`assert_public_modules_import`), never skipped silently.

Objects are named by where they are defined, minus the private module: ``scidl.kinetics._tica.
TICA`` is ``scidl.kinetics.TICA`` however many packages re-export it, and a public submodule
keeps its path (``scidl.nn.filters.apply_filter``). Objects defined outside scidl (scikit-learn's
``GridSearchCV`` re-exported by ``scidl.model_selection``) are left out: they are tested
upstream.

Test modules load this file by its path, which needs no ``sys.path`` entry and works under
``--import-mode=importlib`` (pyproject's addopts) and when a test file runs as a script::

    import importlib.util, sys
    from pathlib import Path

    def _load_helper(name="_public_api"):
        if name not in sys.modules:  # one instance for every test module of the session
            path = Path(__file__).with_name(f"{name}.py")
            spec = importlib.util.spec_from_file_location(name, path)
            sys.modules[name] = importlib.util.module_from_spec(spec)
            spec.loader.exec_module(sys.modules[name])
        return sys.modules[name]

    api = _load_helper()
    ESTIMATORS = api.public_estimator_classes()
"""

from __future__ import annotations

import functools
import importlib
import inspect
import pkgutil
import types

from sklearn.base import BaseEstimator

import scidl

# ``{module name: repr of the error}`` for every public module that failed to import.
IMPORT_ERRORS: dict[str, str] = {}


def _record(name, exc=None):
    IMPORT_ERRORS[name] = repr(exc) if exc is not None else "import failed while walking"


def is_public_name(dotted: str) -> bool:
    """True when no part of the dotted name is private (starts with ``_``)."""
    return not any(part.startswith("_") for part in dotted.split("."))


@functools.cache
def public_module_names() -> tuple[str, ...]:
    """The dotted names of every public scidl package and module, sorted (``scidl`` excluded)."""
    return tuple(
        sorted(
            info.name
            for info in pkgutil.walk_packages(scidl.__path__, prefix="scidl.", onerror=_record)
            if is_public_name(info.name)
        )
    )


@functools.cache
def public_modules() -> tuple[types.ModuleType, ...]:
    """The public scidl modules that import (failures go to :data:`IMPORT_ERRORS`)."""
    modules = []
    for name in public_module_names():
        try:
            modules.append(importlib.import_module(name))
        except Exception as exc:  # noqa: BLE001 - reported by assert_public_modules_import
            _record(name, exc)
    return tuple(modules)


def public_subpackages() -> list[str]:
    """The names (``nn``, ``kinetics``) of the public subpackages directly under scidl."""
    return sorted(
        info.name
        for info in pkgutil.iter_modules(scidl.__path__)
        if info.ispkg and is_public_name(info.name)
    )


def qualified_name(obj) -> str:
    """``scidl.kinetics.TICA`` for a class defined in ``scidl.kinetics._tica``; a module's name."""
    if inspect.ismodule(obj):
        return obj.__name__
    return f"{obj.__module__.split('._')[0]}.{obj.__qualname__}"


def defined_in_scidl(obj) -> bool:
    if inspect.ismodule(obj):
        return obj.__name__.startswith("scidl.")
    return getattr(obj, "__module__", None) is not None and obj.__module__.startswith("scidl.")


@functools.cache
def _public_objects() -> tuple[tuple[str, object], ...]:
    seen: dict[str, object] = {}
    for module in public_modules():
        for name in getattr(module, "__all__", ()):
            obj = getattr(module, name)
            if not (inspect.isclass(obj) or inspect.isfunction(obj) or inspect.ismodule(obj)):
                continue  # constants (dicts, tuples, strings, numbers)
            if defined_in_scidl(obj):
                seen.setdefault(qualified_name(obj), obj)
    return tuple(sorted(seen.items()))


def public_objects(*, modules: bool = True) -> dict[str, object]:
    """``{qualified name: object}`` of every class, function (and module) in a public __all__.

    Only objects defined in scidl; constants are left out.
    """
    return {q: o for q, o in _public_objects() if modules or not inspect.ismodule(o)}


def public_functions() -> dict[str, types.FunctionType]:
    """Every public function, as ``{qualified name: function}``."""
    return {q: o for q, o in _public_objects() if inspect.isfunction(o)}


def public_estimator_classes() -> dict[str, type]:
    """Every ``sklearn.base.BaseEstimator`` subclass defined in scidl and in a public __all__."""
    return {
        q: o for q, o in _public_objects() if inspect.isclass(o) and issubclass(o, BaseEstimator)
    }


def assert_public_modules_import() -> None:
    """Fail, listing them, when public modules did not import during discovery."""
    public_modules()
    assert not IMPORT_ERRORS, f"public modules that do not import: {IMPORT_ERRORS}"
