"""Every docstring example in scidl runs and prints what it shows (doctest, per module).

The examples run with EMPTY globals: each one imports everything it uses, from public paths,
so that a reader can paste it into a fresh interpreter.
"""

import doctest
import importlib
import pkgutil
import types

import matplotlib
import pytest

import scidl

matplotlib.use("Agg")

MODULES = sorted(
    info.name
    for info in pkgutil.walk_packages(scidl.__path__, prefix="scidl.")
    if not info.name.endswith("__main__")
)
FLAGS = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE


def run_examples(module):
    """Run the docstring examples of ``module`` with empty globals; return doctest's result."""
    return doctest.testmod(module, globs={}, optionflags=FLAGS, verbose=False, report=False)


PLANTED = '''
def helper():
    return 1


def uses_helper():
    """Uses a name of its module without importing it: fails with empty globals.

    >>> helper()
    1
    """


def imports_numpy():
    """Imports what it uses: passes.

    >>> import numpy as np
    >>> int(np.add(1, 1))
    2
    """
'''


def test_examples_run_with_empty_globals():
    module = types.ModuleType("planted")
    exec(PLANTED, module.__dict__)
    result = run_examples(module)
    assert (result.failed, result.attempted) == (1, 3)


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    module = importlib.import_module(name)
    result = run_examples(module)
    assert result.failed == 0, f"{result.failed} of {result.attempted} examples failed in {name}"
