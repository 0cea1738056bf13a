"""The MOSES SMILES loader: split sizes, seeded subsets, errors, a missing molsets."""

from __future__ import annotations

import importlib.util

import numpy as np
import pytest

from scidl.data import MOSES_SPLITS, load_moses_smiles


def test_split_sizes_match_the_moses_files():
    # MOSES (Polykovskiy et al. 2020): 1,584,663 train, 176,074 test and 176,225 scaffold
    # test molecules (the files' lines minus the header).
    assert len(load_moses_smiles("test")) == 176_074
    assert len(load_moses_smiles("test_scaffolds")) == 176_225
    train = load_moses_smiles("train")
    assert len(train) == 1_584_663
    assert train.dtype == object and isinstance(train[0], str)
    assert train[0] == "CCCS(=O)c1ccc2[nH]c(=NC(=O)OC)[nH]c2c1"  # the file's first row


def test_subsets_are_seeded_and_drawn_without_replacement():
    full = set(load_moses_smiles("test"))
    a = load_moses_smiles("test", n=500, random_state=1)
    b = load_moses_smiles("test", n=500, random_state=1)
    c = load_moses_smiles("test", n=500, random_state=2)
    np.testing.assert_array_equal(a, b)
    assert list(a) != list(c)
    assert set(a) <= full and len(set(a)) == 500  # MOSES molecules are distinct
    rs = np.random.RandomState(0)
    assert len(load_moses_smiles("test", n=3, random_state=rs)) == 3


@pytest.mark.parametrize(
    "kwargs, error, name",
    [
        ({"split": "valid"}, ValueError, "split"),
        ({"split": 1}, ValueError, "split"),
        ({"n": 0}, ValueError, "n"),
        ({"n": 1.5}, TypeError, "n"),
        ({"n": 10**8}, ValueError, "n"),
        ({"n": 2, "random_state": "seed"}, TypeError, "random_state"),
    ],
)
def test_bad_arguments_are_named(kwargs, error, name):
    kwargs = {"split": "test", **kwargs}
    with pytest.raises(error, match=rf"\b{name}\b"):
        load_moses_smiles(**kwargs)


def test_missing_molsets_names_the_install_command(monkeypatch):
    real = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util, "find_spec", lambda name, *a: None if name == "moses" else real(name, *a)
    )
    with pytest.raises(ModuleNotFoundError, match="pip install --no-deps molsets"):
        load_moses_smiles("test", n=1)


def test_splits_constant():
    assert MOSES_SPLITS == ("train", "test", "test_scaffolds")
