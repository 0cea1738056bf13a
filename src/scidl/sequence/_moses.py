"""The MOSES metrics of generated molecules, computed with RDKit.

Definitions follow the MOSES benchmark (Polykovskiy et al. 2020, *Molecular Sets
(MOSES): a benchmarking platform for molecular generation models*, Front.
Pharmacol. 11:565644), written here from the paper's definitions:

- **validity**: the fraction of generated strings that RDKit parses and
  sanitises into a molecule (an empty string is invalid);
- **unique@k**: among the first ``k`` *valid* molecules, the fraction of
  distinct canonical SMILES;
- **novelty**: among the distinct valid molecules (canonical SMILES), the
  fraction not in the training set;
- **internal diversity** ``IntDiv_p = 1 - (mean_{x, y} T(x, y)^p)^(1/p)`` over
  all ordered pairs of valid molecules (a molecule paired with itself
  included, as in MOSES), with ``T`` the Tanimoto similarity of Morgan
  fingerprints (radius 2, 1,024 bits);
- property distributions: the octanol-water partition coefficient logP
  (Wildman & Crippen 1999), the quantitative estimate of drug-likeness QED
  (Bickerton et al. 2012) and the molecular weight, compared with the test set
  by the Wasserstein-1 distance.

RDKit is an optional dependency (``pip install "scidl[chem]"``), imported
only when a function here runs.
"""

from __future__ import annotations

import contextlib
import numbers

import numpy as np

from scidl.sequence._tokens import check_strings

__all__ = [
    "canonical_smiles",
    "internal_diversity",
    "molecular_properties",
    "moses_metrics",
    "novelty",
    "unique_fraction",
    "validity",
]

_CHEM_EXTRA = 'pip install "scidl[chem]"  (or pip install rdkit)'


def _rdkit():
    """The ``rdkit.Chem`` module, or ModuleNotFoundError naming the install command."""
    try:
        from rdkit import Chem
    except ImportError as exc:
        raise ModuleNotFoundError(
            f"The molecule metrics need RDKit, which is not installed: {_CHEM_EXTRA}"
        ) from exc
    return Chem


@contextlib.contextmanager
def _quiet_rdkit():
    """Silence RDKit's parse-error log (an invalid SMILES is an expected outcome here)."""
    from rdkit import RDLogger

    RDLogger.DisableLog("rdApp.*")
    try:
        yield
    finally:
        RDLogger.EnableLog("rdApp.*")


def _mol(smiles):
    """An RDKit molecule, or None when ``smiles`` is empty or does not parse and sanitise."""
    Chem = _rdkit()
    if not smiles:
        return None
    mol = Chem.MolFromSmiles(smiles)
    if mol is None:
        return None
    try:
        Chem.SanitizeMol(mol)
    except Exception:  # noqa: BLE001 - RDKit raises several sanitisation errors
        return None
    return mol


def canonical_smiles(smiles):
    """RDKit's canonical SMILES of each string, or None where it is not a valid molecule.

    Parameters
    ----------
    smiles : sequence of str
        SMILES strings.

    Returns
    -------
    list of (str or None)

    Examples
    --------
    >>> from scidl.sequence import canonical_smiles
    >>> canonical_smiles(["OCC", "C1CC", "c1ccccc1"])
    ['CCO', None, 'c1ccccc1']
    """
    smiles = check_strings(smiles, "smiles")
    Chem = _rdkit()
    with _quiet_rdkit():
        mols = [_mol(s) for s in smiles]
        return [None if m is None else Chem.MolToSmiles(m) for m in mols]


def validity(smiles):
    """Fraction of strings that are valid molecules (parsed and sanitised by RDKit).

    Parameters
    ----------
    smiles : sequence of str
        Generated SMILES.

    Returns
    -------
    float

    Examples
    --------
    >>> from scidl.sequence import validity
    >>> validity(["CCO", "CCO", "C1CC", "c1ccccc1"])
    0.75
    """
    canon = canonical_smiles(smiles)
    return sum(c is not None for c in canon) / len(canon)


def _check_k(k):
    if not isinstance(k, numbers.Integral) or isinstance(k, bool):
        raise TypeError(f"k must be an int or None; got {type(k).__name__}.")
    if k < 1:
        raise ValueError(f"k must be >= 1; got {k}.")


def unique_fraction(smiles, k=None):
    """unique@k: distinct canonical SMILES among the first ``k`` valid molecules.

    Invalid strings are dropped first (as MOSES does before unique@k); with
    fewer than ``k`` valid molecules all of them are used.

    Parameters
    ----------
    smiles : sequence of str
        Generated SMILES, in generation order.
    k : int or None, default None
        How many valid molecules to look at; None takes all.

    Returns
    -------
    float
        0.0 when no string is valid.

    Examples
    --------
    >>> from scidl.sequence import unique_fraction
    >>> unique_fraction(["CCO", "OCC", "C1CC", "c1ccccc1", "OCC"])  # ethanol thrice
    0.5
    >>> unique_fraction(["CCO", "c1ccccc1", "OCC"], k=2)
    1.0
    """
    if k is not None:
        _check_k(k)
    valid = [c for c in canonical_smiles(smiles) if c is not None]
    if k is not None:
        valid = valid[:k]
    return len(set(valid)) / len(valid) if valid else 0.0


def novelty(smiles, train):
    """Fraction of the distinct valid molecules that are not in the training set.

    Parameters
    ----------
    smiles : sequence of str
        Generated SMILES.
    train : sequence of str
        Training SMILES, canonical (as the MOSES files are); compared as given.

    Returns
    -------
    float
        0.0 when no string is valid.

    Examples
    --------
    >>> from scidl.sequence import novelty
    >>> novelty(["OCC", "CCO", "c1ccccc1", "C1CC"], train=["CCO"])  # benzene is new
    0.5
    """
    train = set(check_strings(train, "train"))
    unique = {c for c in canonical_smiles(smiles) if c is not None}
    return len(unique - train) / len(unique) if unique else 0.0


def _fingerprints(mols, radius=2, n_bits=1024):
    """Morgan bit vectors as a (n, n_bits) uint8 array."""
    from rdkit.Chem import rdFingerprintGenerator

    gen = rdFingerprintGenerator.GetMorganGenerator(radius=radius, fpSize=n_bits)
    return np.array([gen.GetFingerprintAsNumPy(m) for m in mols], dtype=np.uint8)


def internal_diversity(smiles, p=1):
    """IntDiv_p: one minus the (power) mean Tanimoto similarity over all pairs of valid molecules.

    Parameters
    ----------
    smiles : sequence of str
        Generated SMILES; invalid ones are dropped.
    p : int, default 1
        The power ``p`` (MOSES reports IntDiv1 and IntDiv2).

    Returns
    -------
    float
        ``1 - (mean_{i, j} T_ij^p)^(1/p)`` over ordered pairs ``(i, j)``, ``i = j``
        included, on Morgan fingerprints (radius 2, 1,024 bits); NaN when no
        string is valid.

    Examples
    --------
    >>> from scidl.sequence import internal_diversity
    >>> internal_diversity(["CCO", "CCO"])   # identical molecules: no diversity
    0.0
    """
    if not isinstance(p, numbers.Integral) or isinstance(p, bool) or p < 1:
        raise ValueError(f"p must be a positive int; got {p!r}.")
    smiles = check_strings(smiles, "smiles")
    _rdkit()
    with _quiet_rdkit():
        mols = [m for m in (_mol(s) for s in smiles) if m is not None]
    if not mols:
        return float("nan")
    fps = _fingerprints(mols).astype(np.float32)  # bit counts <= 1024: exact in float32
    counts = fps.sum(axis=1)
    total, n = 0.0, len(fps)
    for start in range(0, n, 2048):  # blocks of rows keep the similarity matrix small
        block = fps[start : start + 2048]
        both = block @ fps.T
        union = counts[start : start + 2048, None] + counts[None, :] - both
        with np.errstate(invalid="ignore", divide="ignore"):
            sim = np.where(union > 0, both / union, 1.0)  # two empty fingerprints: identical
        total += float((sim.astype(np.float64) ** p).sum())
    return 1.0 - (total / (n * n)) ** (1.0 / p)


def molecular_properties(smiles):
    """logP, QED and molecular weight of the valid molecules among ``smiles``.

    Parameters
    ----------
    smiles : sequence of str
        SMILES; invalid strings are skipped.

    Returns
    -------
    dict of str to ndarray
        ``{"logP": ..., "QED": ..., "weight": ...}``, float64 arrays, one entry
        per valid molecule: Crippen's logP, QED and the average molecular weight
        in g/mol.

    Examples
    --------
    >>> from scidl.sequence import molecular_properties
    >>> props = molecular_properties(["CCO", "C1CC"])
    >>> round(float(props["weight"][0]), 2)   # ethanol
    46.07
    """
    smiles = check_strings(smiles, "smiles")
    _rdkit()
    from rdkit.Chem import QED, Crippen, Descriptors

    with _quiet_rdkit():
        mols = [m for m in (_mol(s) for s in smiles) if m is not None]
    return {
        "logP": np.array([Crippen.MolLogP(m) for m in mols], dtype=np.float64),
        "QED": np.array([QED.qed(m) for m in mols], dtype=np.float64),
        "weight": np.array([Descriptors.MolWt(m) for m in mols], dtype=np.float64),
    }


def moses_metrics(smiles, *, train=None, test=None, ks=(1000, 10000)):
    """The MOSES summary of generated molecules: validity, unique@k, novelty, IntDiv, properties.

    Parameters
    ----------
    smiles : sequence of str
        Generated SMILES (MOSES samples 30,000).
    train : sequence of str or None, default None
        Training SMILES for novelty (skipped when None).
    test : sequence of str or None, default None
        Test SMILES; when given, the Wasserstein-1 distances between the
        generated and test distributions of logP, QED and weight are added.
    ks : sequence of int, default (1000, 10000)
        The ``k`` of unique@k.

    Returns
    -------
    dict
        ``valid``, ``unique@k`` per k, ``novelty`` (with ``train``), ``IntDiv1``,
        ``IntDiv2``, ``n_generated``, ``n_valid`` and, with ``test``, ``logP_w1``,
        ``QED_w1``, ``weight_w1``. Metrics after validity use the valid molecules.

    Examples
    --------
    >>> from scidl.sequence import moses_metrics
    >>> m = moses_metrics(["CCO", "CCO", "C1CC", "c1ccccc1"], train=["CCO"], ks=(2,))
    >>> m["valid"], m["unique@2"], m["novelty"]
    (0.75, 0.5, 0.5)
    """
    from scipy.stats import wasserstein_distance

    canon = canonical_smiles(smiles)
    valid = [c for c in canon if c is not None]
    out = {"n_generated": len(canon), "n_valid": len(valid), "valid": len(valid) / len(canon)}
    for k in ks:
        _check_k(k)
        first = valid[:k]
        out[f"unique@{k}"] = len(set(first)) / len(first) if first else 0.0
    if train is not None:
        out["novelty"] = novelty(valid, train) if valid else 0.0
    out["IntDiv1"] = internal_diversity(valid, 1) if valid else float("nan")
    out["IntDiv2"] = internal_diversity(valid, 2) if valid else float("nan")
    if test is not None:
        ref = molecular_properties(test)
        gen = molecular_properties(valid) if valid else None
        for name in ("logP", "QED", "weight"):
            out[f"{name}_w1"] = (
                float(wasserstein_distance(gen[name], ref[name])) if gen else float("nan")
            )
    return out
