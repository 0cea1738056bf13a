"""The MOSES benchmark's molecules (SMILES strings), read from the installed ``molsets`` wheel.

MOSES (Polykovskiy et al. 2020, *Molecular Sets (MOSES): a benchmarking platform
for molecular generation models*, Front. Pharmacol. 11:565644) filtered about
1.9 million drug-like molecules from ZINC Clean Leads and split them into a
training set (1,584,663), a test set (176,074) and a scaffold test set
(176,225) whose Bemis-Murcko scaffolds never occur in training. The files ship
gzipped inside the ``molsets`` package on PyPI (MIT licence); nothing is
downloaded. The package's own ``__init__`` imports heavy dependencies, so the
files are located with ``importlib.util.find_spec`` without executing it.
"""

from __future__ import annotations

import gzip
import importlib.util
import numbers
from pathlib import Path

import numpy as np

__all__ = ["MOSES_SPLITS", "load_moses_smiles"]

MOSES_SPLITS = ("train", "test", "test_scaffolds")
_INSTALL = 'pip install --no-deps molsets  (or pip install "scidl[chem]")'


def _moses_data_dir() -> Path:
    """The ``moses/dataset/data`` folder of the installed molsets wheel (moses not imported)."""
    try:
        spec = importlib.util.find_spec("moses")
    except (ImportError, ValueError):
        spec = None
    locations = list(spec.submodule_search_locations or []) if spec is not None else []
    for loc in locations:
        folder = Path(loc) / "dataset" / "data"
        if folder.is_dir():
            return folder
    raise ModuleNotFoundError(
        "load_moses_smiles reads the MOSES SMILES files shipped in the 'molsets' package, "
        f"which is not installed. Install it without its heavy dependencies: {_INSTALL}"
    )


def _read_split(split: str) -> list[str]:
    path = _moses_data_dir() / f"{split}.csv.gz"
    if not path.is_file():
        raise FileNotFoundError(
            f"The molsets installation has no {path.name} (looked in {path.parent}); "
            f"reinstall it: {_INSTALL}"
        )
    with gzip.open(path, "rb") as fh:
        lines = fh.read().decode("ascii").splitlines()  # one column: no CSV parsing needed
    if not lines or lines[0].strip() != "SMILES":
        raise ValueError(f"{path} does not start with a SMILES column; got {lines[:1]!r}.")
    return lines[1:]


def load_moses_smiles(split="train", *, n=None, random_state=None):
    """SMILES strings of a MOSES split: ``"train"``, ``"test"`` or ``"test_scaffolds"``.

    Parameters
    ----------
    split : {"train", "test", "test_scaffolds"}, default "train"
        The split (1,584,663, 176,074 and 176,225 molecules).
    n : int or None, default None
        Return a random subset of ``n`` molecules (without replacement) instead of all.
    random_state : int, Generator, RandomState or None, default None
        Seeds the subset (only with ``n``); the same seed gives the same molecules.

    Returns
    -------
    ndarray of shape (n_molecules,), dtype object
        The SMILES strings (canonical RDKit SMILES, as MOSES stores them), in file
        order when ``n`` is None, else in random order.

    Raises
    ------
    ModuleNotFoundError
        If ``molsets`` is not installed; the message names the install command.

    Notes
    -----
    Reading the training split takes about a second. The MOSES paper's
    metrics compare generated molecules with the test split and count novelty
    against the training split (:func:`scidl.sequence.moses_metrics`).

    Examples
    --------
    >>> from scidl.data import load_moses_smiles
    >>> smiles = load_moses_smiles("test", n=3, random_state=0)
    >>> smiles.shape, all(isinstance(s, str) for s in smiles)
    ((3,), True)
    """
    if not isinstance(split, str) or split not in MOSES_SPLITS:
        raise ValueError(f"split must be one of {MOSES_SPLITS}; got {split!r}.")
    if n is not None and (not isinstance(n, numbers.Integral) or isinstance(n, bool)):
        raise TypeError(f"n must be an int or None; got {type(n).__name__}.")
    if n is not None and n < 1:
        raise ValueError(f"n must be >= 1; got {n}.")
    if random_state is not None and not isinstance(
        random_state, numbers.Integral | np.random.Generator | np.random.RandomState
    ):
        raise TypeError(
            "random_state must be an int, a NumPy Generator or RandomState, or None; "
            f"got {type(random_state).__name__}."
        )
    smiles = _read_split(split)
    if n is None:
        return np.array(smiles, dtype=object)
    if n > len(smiles):
        raise ValueError(f"n must be at most {len(smiles)} (the size of {split!r}); got {n}.")
    if isinstance(random_state, np.random.RandomState):
        idx = random_state.choice(len(smiles), size=n, replace=False)
    else:
        idx = np.random.default_rng(random_state).choice(len(smiles), size=n, replace=False)
    return np.array([smiles[i] for i in idx], dtype=object)
