"""The MOSES metrics on hand-made lists (known answers), against RDKit, and the rdkit extra."""

from __future__ import annotations

import math
import sys

import numpy as np
import pytest
from rdkit import Chem, DataStructs
from rdkit.Chem import Crippen, rdFingerprintGenerator

from scidl.data import load_moses_smiles
from scidl.sequence import (
    canonical_smiles,
    internal_diversity,
    molecular_properties,
    moses_metrics,
    novelty,
    unique_fraction,
    validity,
)

HAND = ["CCO", "CCO", "C1CC", "c1ccccc1"]  # ethanol twice, an unclosed ring, benzene


def test_validity_of_a_hand_made_list():
    assert validity(HAND) == 0.75
    assert validity(["", "C"]) == 0.5  # the empty string is no molecule
    assert validity(["c1cccc1"]) == 0.0  # parses, fails sanitisation (non-aromatic 5-ring)


def test_canonical_smiles_merges_spellings():
    assert canonical_smiles(["OCC", "C(O)C", "C1CC"]) == ["CCO", "CCO", None]


def test_unique_at_k_counts_distinct_canonical_among_first_k_valid():
    # valid, in order: CCO, CCO, benzene -> 2 distinct of 3
    assert unique_fraction(HAND) == pytest.approx(2 / 3)
    # the invalid string does not count against k
    assert unique_fraction(["C1CC", "CCO", "OCC", "c1ccccc1"], k=2) == 0.5
    assert unique_fraction(["CCO", "c1ccccc1", "OCC"], k=2) == 1.0
    assert unique_fraction(["C1CC"]) == 0.0
    with pytest.raises(ValueError, match="k"):
        unique_fraction(HAND, k=0)


def test_novelty_counts_distinct_valid_molecules_not_in_train():
    # distinct valid: {CCO, benzene}; CCO is in train -> 1/2
    assert novelty(HAND, train=["CCO"]) == 0.5
    assert novelty(HAND, train=["CCN"]) == 1.0
    assert novelty(["OCC"], train=["CCO"]) == 0.0  # compared canonically


def _tanimoto(a, b):
    gen = rdFingerprintGenerator.GetMorganGenerator(radius=2, fpSize=1024)
    fa, fb = (gen.GetFingerprint(Chem.MolFromSmiles(s)) for s in (a, b))
    return DataStructs.TanimotoSimilarity(fa, fb)


def test_internal_diversity_against_rdkit_tanimoto():
    a, b = "CCO", "c1ccccc1O"
    t = _tanimoto(a, b)
    assert 0 < t < 1
    # ordered pairs with i = j included: (1 + 1 + 2 t) / 4
    assert internal_diversity([a, b]) == pytest.approx(1 - (2 + 2 * t) / 4)
    assert internal_diversity([a, b], p=2) == pytest.approx(1 - math.sqrt((2 + 2 * t**2) / 4))
    assert internal_diversity([a, a]) == 0.0
    assert math.isnan(internal_diversity(["C1CC"]))


def test_internal_diversity_of_moses_test_set_matches_the_paper():
    # MOSES (Polykovskiy et al. 2020, Table 2) reports IntDiv1 = 0.857 for its own data.
    smiles = load_moses_smiles("test", n=1500, random_state=0)
    assert internal_diversity(smiles) == pytest.approx(0.857, abs=0.01)


def test_molecular_properties_known_values():
    props = molecular_properties(["CCO", "C1CC", "c1ccccc1"])
    # ethanol C2H6O: 2 * 12.011 + 6 * 1.008 + 15.999 g/mol; benzene C6H6
    assert props["weight"] == pytest.approx([46.069, 78.114], abs=0.01)
    assert props["logP"] == pytest.approx(
        [Crippen.MolLogP(Chem.MolFromSmiles(s)) for s in ("CCO", "c1ccccc1")]
    )
    assert np.all((props["QED"] > 0) & (props["QED"] < 1))


def test_moses_metrics_summary():
    m = moses_metrics(HAND, train=["CCO"], test=HAND, ks=(2, 10))
    assert (m["n_generated"], m["n_valid"], m["valid"]) == (4, 3, 0.75)
    assert m["unique@2"] == 0.5 and m["unique@10"] == pytest.approx(2 / 3)
    assert m["novelty"] == 0.5
    # the valid generated molecules are the valid test molecules: identical distributions
    assert m["logP_w1"] == m["QED_w1"] == m["weight_w1"] == 0.0
    assert m["IntDiv1"] == pytest.approx(internal_diversity(HAND))


def test_bad_input_is_named():
    with pytest.raises(TypeError, match="smiles"):
        validity("CCO")  # a single string, not a list
    with pytest.raises(ValueError, match="smiles"):
        validity([])
    with pytest.raises(TypeError, match="smiles"):
        canonical_smiles(["CCO", None])
    with pytest.raises(TypeError, match="train"):
        novelty(HAND, train=[1, 2])


def test_missing_rdkit_names_the_extra(monkeypatch):
    monkeypatch.setitem(sys.modules, "rdkit", None)  # import rdkit now fails
    with pytest.raises(ModuleNotFoundError, match=r'pip install "scidl\[chem\]"'):
        validity(HAND)


def test_molecule_figures():
    from scidl.plot import plot_molecule_grid, plot_property_histograms, plot_validity_curve

    fig = plot_molecule_grid(["CCO", "C1CC", "c1ccccc1"], n_cols=2)
    panels = [ax for ax in fig.axes if ax.axison]
    assert len(panels) == 3  # the fourth cell of the 2 x 2 grid is switched off
    assert [t.get_text() for t in panels[1].texts] == ["invalid"]
    assert len(panels[0].images) == 1 and len(panels[1].images) == 0
    with pytest.raises(ValueError, match="legends"):
        plot_molecule_grid(["CCO"], legends=["a", "b"])
    props = molecular_properties(["CCO", "c1ccccc1", "CC(=O)Nc1ccc(O)cc1"])
    fig = plot_property_histograms(props, props)
    assert len(fig.axes) == 3
    with pytest.raises(TypeError, match="generated"):
        plot_property_histograms([1, 2], props)
    fig = plot_validity_curve({"a": ([60, 120], [0.2, 0.5])}, anchors={"MOSES": 0.96}, target=0.9)
    assert len(fig.axes[0].lines) == 3
    with pytest.raises(ValueError, match="curves"):
        plot_validity_curve({"a": ([1, 2], [0.5])})
