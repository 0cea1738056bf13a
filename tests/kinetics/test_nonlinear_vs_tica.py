"""Non-linear slow coordinates versus TICA on the hidden-state toys (issue 5's demo claim).

On the "sqrt" and "swissroll" toys a metastable hidden chain is seen through a non-linear
emission, so no linear projection separates its states. The time-lagged autoencoder and
the VAMPnet must (a) correlate better with the hidden state than TICA -- indeed better than
*any* linear projection of the features -- and (b) give an MSM whose slowest implied
timescale is closer to the hidden chain's exact one than the MSM built on TICA.

Settings (data size, epochs, learning rates) were checked on seeds 0-5: the margins seen
are in the comments of each test. Each case takes a few seconds on one CPU thread.
"""

import numpy as np
import pytest

from scidl.data import (
    SQRT_TRANSITION_MATRIX,
    SWISSROLL_TRANSITION_MATRIX,
    sqrt_model,
    swissroll_model,
)
from scidl.kinetics import TICA, MarkovStateModel, TimeLaggedAutoencoder, VAMPNet
from scidl.unsupervised import KMeans

MSM_LAG = 5  # steps: lets the fast emission noise decorrelate, as in the demo


def canonical_correlations(Y, states):
    """Canonical correlations between an embedding ``Y`` and the one-hot hidden state.

    Singular values of ``Q_Y^T Q_H`` with ``Q`` orthonormal bases of the centred column
    spaces (SVD with a rank cut-off: VAMPnet memberships sum to one, so their centred
    columns are linearly dependent). The one-hot block drops one column for the same reason.
    """
    Y = np.asarray(Y, dtype=np.float64).reshape(len(states), -1)
    H = np.eye(int(states.max()) + 1)[states][:, :-1]

    def basis(M):
        u, s, _ = np.linalg.svd(M - M.mean(axis=0), full_matrices=False)
        return u[:, s > 1e-6 * s[0]]

    return np.linalg.svd(basis(Y).T @ basis(H), compute_uv=False)


def mean_cc(Y, states, k):
    """Mean of the ``k`` leading canonical correlations (0 for those the embedding lacks)."""
    rho = canonical_correlations(Y, states)
    return float(np.pad(rho, (0, max(0, k - len(rho))))[:k].mean())


def exact_timescale(P):
    w = np.sort(np.abs(np.linalg.eigvals(P)))[::-1]
    return float(-1.0 / np.log(w[1]))


def msm_timescale(Y, n_clusters, seed):
    """Slowest implied timescale (steps) of an MSM on a k-means discretisation of ``Y``."""
    Y = np.asarray(Y, dtype=np.float64)
    d = KMeans(n_clusters=n_clusters, random_state=seed).fit(Y).predict(Y)
    return float(MarkovStateModel(lagtime=MSM_LAG).fit(d).timescales(1)[0])


def compare(model, P, n_frames, n_components, estimators, seed):
    """Canonical correlation and MSM-timescale error of TICA, the raw features and each
    non-linear estimator on one toy trajectory."""
    states, X = model(n_frames, random_state=seed)
    n_states = P.shape[0]
    k = n_states - 1  # hidden-state directions there are to find
    exact = exact_timescale(P)
    out = {}
    tica = TICA(1, n_components).fit(X).transform(X)  # lagtime 1
    out["TICA"] = (
        mean_cc(tica, states, min(n_components, k)),
        abs(msm_timescale(tica, 2 * n_states, seed) - exact),
    )
    for label, est in estimators.items():
        Y = est.fit(X).transform(X)
        kk = min(Y.shape[1], k)
        # the best any linear projection of the features to kk dimensions can reach
        linear_best = mean_cc(X, states, kk)
        out[label] = (
            mean_cc(Y, states, kk),
            abs(msm_timescale(Y, 2 * n_states, seed) - exact),
            linear_best,
        )
    return out


@pytest.mark.slow
@pytest.mark.parametrize("seed", [0, 1])
def test_nonlinear_beats_tica_on_the_sqrt_toy(seed):
    # exact timescale of the hidden chain: -1/log(0.9) = 9.49 steps.
    # Seen on seeds 0-5 (cc / |timescale error| in steps): TICA 0.76-0.78 / 3.8-5.0 (too
    # fast); TAE 0.97-0.98 / 0.06-1.3; VAMPnet 0.997-0.999 / 0.06-1.14; best linear cc =
    # TICA's. Smallest margins: cc +0.19, error ratio 0.26 (asserted: +0.1 and < 0.6).
    est = {
        "TAE": TimeLaggedAutoencoder(
            lagtime=1, n_components=1, max_epochs=20, lr=1e-2, random_state=seed
        ),
        "VAMPnet": VAMPNet(
            lagtime=1, n_components=2, max_epochs=20, batch_size=256, lr=5e-3, random_state=seed
        ),
    }
    res = compare(sqrt_model, SQRT_TRANSITION_MATRIX, 3000, 1, est, seed)
    cc_tica, err_tica = res["TICA"]
    for label in est:
        cc, err, linear_best = res[label]
        assert cc > cc_tica + 0.1, (label, res)
        assert cc > linear_best + 0.1, (label, res)
        assert err < 0.6 * err_tica, (label, res)


@pytest.mark.slow
@pytest.mark.parametrize("seed", [0, 1])
def test_nonlinear_beats_tica_on_the_swissroll_toy(seed):
    # exact timescale of the hidden chain: 33.6 steps; TICA's MSM finds about 10.
    # The VAMPnet gets 6 output states for 4 hidden ones: with exactly 4 it merged two
    # states (mean cc 0.67) on 3 of seeds 0-4 -- a local optimum of the VAMP-2 loss.
    # Seen on seeds 0-5 (cc / |timescale error| in steps): TICA 0.75-0.77 / 23-25;
    # TAE 0.95-0.98 / 0.5-11.7; VAMPnet 0.997-0.998 / 1.1-5.0; best linear cc: TICA's for
    # 2 directions, 0.50-0.52 for 3. Smallest margins: cc +0.20, error ratio 0.47 (TAE,
    # seed 3; the networks' initial weights changed when their modules got
    # reset_parameters; before, 0.36).
    est = {
        "TAE": TimeLaggedAutoencoder(
            lagtime=1, n_components=2, max_epochs=20, lr=1e-2, random_state=seed
        ),
        "VAMPnet": VAMPNet(
            lagtime=1, n_components=6, max_epochs=40, batch_size=512, lr=1e-2, random_state=seed
        ),
    }
    res = compare(swissroll_model, SWISSROLL_TRANSITION_MATRIX, 5000, 2, est, seed)
    cc_tica, err_tica = res["TICA"]
    for label in est:
        cc, err, linear_best = res[label]
        assert cc > cc_tica + 0.1, (label, res)
        assert cc > linear_best + 0.1, (label, res)
        assert err < 0.6 * err_tica, (label, res)


@pytest.mark.slow
@pytest.mark.parametrize("seed", [0, 1])
def test_demo_shows_nonlinear_beating_tica(seed):
    # The demo text claims the non-linear embeddings resolve the hidden states better
    # than TICA; with its first settings (2000 frames, 8 epochs, a 4-state VAMPnet) that
    # failed on the swissroll. It now uses the settings checked above.
    from scidl.demos._ch7_kinetics import _compare_slow_coordinates

    results, _ = _compare_slow_coordinates(quick=True, random_state=seed)
    for res in results.values():
        exact = res["exact_timescale"]
        tica = res["TICA"]
        for label in ("TAE", "VAMPnet"):
            assert res[label]["canonical_correlation"] > tica["canonical_correlation"] + 0.1, (
                label,
                res,
            )
            assert abs(res[label]["msm_timescale"] - exact) < 0.6 * abs(
                tica["msm_timescale"] - exact
            ), (label, res)
