"""Figures of the kinetics chapter and the demo (quick mode)."""

import json

import numpy as np
import pytest
from matplotlib.figure import Figure

from scidl.data import get_potential
from scidl.data._markov_chains import SWISSROLL_TRANSITION_MATRIX, sample_markov_chain
from scidl.kinetics import MarkovStateModel, ck_test, implied_timescales
from scidl.plot import (
    plot_ck_test,
    plot_implied_timescales,
    plot_metastable_sets,
    plot_tica_projection,
)


def test_plots_return_figures():
    d = sample_markov_chain(SWISSROLL_TRANSITION_MATRIX, 5000, random_state=0)
    its = implied_timescales(d, [1, 2, 3], n_timescales=2, n_bootstrap=3, random_state=0)
    msm = MarkovStateModel().fit(d)
    ck = ck_test(msm, d, n_metastable=2, mlags=3)
    rng = np.random.default_rng(0)
    # the bootstrap band of each timescale is drawn: one filled polygon per timescale
    # (plus the grey "timescale < lag" region), spanning the bootstrap quantiles
    from matplotlib.collections import PolyCollection

    its_fig = plot_implied_timescales(its)
    bands = [c for c in its_fig.axes[0].collections if isinstance(c, PolyCollection)]
    assert len(bands) == 2 + 1
    lo, hi = its.quantiles((0.025, 0.975))
    ys = bands[0].get_paths()[0].vertices[:, 1]
    np.testing.assert_allclose([ys.min(), ys.max()], [lo[:, 0].min(), hi[:, 0].max()], rtol=1e-12)
    figs = [
        plot_implied_timescales(its, exact=[33.6, 9.5]),
        plot_ck_test(ck),
        plot_tica_projection(rng.normal(size=(500, 2))),
        plot_tica_projection(rng.normal(size=(500, 1))),
        plot_tica_projection(rng.normal(size=(500, 2)), color=rng.integers(0, 3, 500)),
        plot_metastable_sets(
            get_potential("triple_well_2d"), rng.normal(size=(10, 2)), rng.integers(0, 3, 10)
        ),
        plot_metastable_sets(
            get_potential("double_well"), rng.normal(size=(10, 1)), rng.integers(0, 2, 10)
        ),
    ]
    assert all(isinstance(f, Figure) for f in figs)


@pytest.mark.slow
def test_demo_quick():
    from scidl.demos import run_demo

    out = run_demo("kinetics", quick=True, random_state=0)
    json.dumps(out.metrics)
    assert out.text
    assert set(out.figures) == {
        "tica_projection",
        "implied_timescales",
        "ck_test",
        "pcca_sets",
        "tica_vs_tae",
    }
    assert all(isinstance(f, Figure) for f in out.figures.values())
    m = out.metrics
    assert m["least_squares_vs_mle_max_diff"] < 1e-10
    # the MSM's slowest timescale is within 30 % of the exact one even in quick mode
    assert abs(m["msm_timescales"][0] - m["exact_timescales"][0]) < 0.3 * m["exact_timescales"][0]
    sqrt = m["hidden_state_models"]["sqrt"]
    assert sqrt["VAMPnet"]["canonical_correlation"] > sqrt["TICA"]["canonical_correlation"]
