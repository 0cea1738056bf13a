"""The rest of scidl's estimators inside scikit-learn's model-selection tools (issue 3).

``test_sklearn_tools.py`` covers least squares, the MLPs, the perceptron and the
from-scratch MLP; this file covers PCA, KMeans, the autoencoder, the ConvNet and
the kinetics estimators in ``cross_val_score``, ``KFold``, ``GridSearchCV``,
``validation_curve``, ``Pipeline`` and ``clone``, each on data where the right
answer is known.

The kinetics estimators take trajectories, so a row-wise ``KFold`` over frames
would cut lagged pairs apart. They accept a list of trajectories (of any
lengths) or an ``(n_trajectories, n_frames, n_features)`` array, so
scikit-learn's ``KFold`` over that list holds out whole trajectories: a
trajectory-aware split with the plain scikit-learn tools.
``scidl.kinetics.vamp_cross_validate`` (contiguous blocks) is checked against it.
"""

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.exceptions import NotFittedError
from sklearn.model_selection import GridSearchCV, KFold, cross_val_score, validation_curve
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.utils.validation import check_is_fitted

from scidl.data import load_digits, make_blobs, sample_markov_chain
from scidl.kinetics import (
    TICA,
    VAMP,
    MarkovStateModel,
    TimeLaggedAutoencoder,
    VAMPNet,
    vamp_cross_validate,
)
from scidl.linear import LeastSquaresRegressor, Perceptron
from scidl.nn import ConvNetClassifier
from scidl.unsupervised import PCA, Autoencoder, KMeans

CV3 = KFold(3, shuffle=True, random_state=0)

# -- data ------------------------------------------------------------------------------
# PCA: three latent factors of decreasing variance in 10-D plus small isotropic noise;
# the target is linear in all three, so each component up to the third helps.
_rng = np.random.default_rng(0)
N_LAT, D_PCA, NOISE_PCA = 3, 10, 0.1
_Z = _rng.normal(size=(120, N_LAT)) * [3.0, 2.0, 1.5]
_W = np.linalg.qr(_rng.normal(size=(D_PCA, N_LAT)))[0].T
X_PCA = _Z @ _W + NOISE_PCA * _rng.normal(size=(120, D_PCA))
Y_PCA = _Z @ [1.0, -1.0, 1.0] + 0.05 * _rng.normal(size=120)

# Autoencoder: exactly rank-2 data, target linear in the two latent factors.
_Z2 = _rng.normal(size=(90, 2))
X_AE = _Z2 @ _rng.normal(size=(2, 6))
Y_AE = _Z2 @ [1.0, -2.0]

# KMeans: four tight blobs; labels in an XOR pattern (opposite corners share a class),
# which no linear model separates in the input but one does on the 4 cluster distances.
BLOB_STD = 0.4
X_BLOBS, _blob = make_blobs(
    120, centers=[[0, 0], [3, 0], [3, 3], [0, 3]], cluster_std=BLOB_STD, random_state=0
)
Y_XOR = _blob % 2

# Kinetics: AR(1) processes with autocorrelations 0.95, 0.8 and 0 (white noise), mixed by
# a rotation, in six trajectories of different lengths. At lag 1 the exact VAMP-2 score
# of the best k-dim model is 1 (the constant) + the sum of the k largest squared
# autocorrelations.
AR = np.array([0.95, 0.8, 0.0])
VAMP2_EXACT = {1: 1 + AR[0] ** 2, 2: 1 + AR[0] ** 2 + AR[1] ** 2}


def _ar_trajectories(lengths=(150, 200, 250, 300, 180, 220), seed=0):
    rng = np.random.default_rng(seed)
    rot = np.linalg.qr(rng.normal(size=(3, 3)))[0]
    trajs = []
    for n in lengths:
        x = np.zeros((n, 3))
        for t in range(1, n):
            x[t] = AR * x[t - 1] + rng.normal(size=3)
        trajs.append(x @ rot)
    return trajs


TRAJS = _ar_trajectories()

P_MSM = np.array([[0.9, 0.1, 0.0], [0.05, 0.9, 0.05], [0.0, 0.1, 0.9]])
DTRAJS = list(sample_markov_chain(P_MSM, 400, n_chains=6, random_state=0))


def _entropy_rate(P):
    w, v = np.linalg.eig(P.T)
    pi = np.real(v[:, np.argmax(np.real(w))])
    pi /= pi.sum()
    logP = np.log(np.where(P > 0, P, 1.0))
    return float(pi @ (P * logP).sum(axis=1))


def msm_log_likelihood(msm, dtrajs, y=None):
    """Mean log-likelihood per transition of held-out discrete trajectories (a scorer)."""
    T, tau = msm.transition_matrix_, msm.lagtime
    total, count = 0.0, 0
    for d in msm.transform(list(dtrajs)):
        a, b = d[:-tau], d[tau:]
        inside = (a >= 0) & (b >= 0)
        total += float(np.log(T[a[inside], b[inside]]).sum())
        count += int(inside.sum())
    return total / count


def vamp2_of_codes(est, trajs, y=None):
    """VAMP-2 score of a learned coordinate on held-out trajectories (a scorer)."""
    codes = est.transform(trajs)
    return VAMP(lagtime=est.lagtime).fit(codes).score(codes)


def _linear_ae(**kw):
    # a linear autoencoder fitted by L-BFGS: spans the PCA subspace in 2 epochs
    params = dict(
        activation="identity",
        optimizer="lbfgs",
        lr=1.0,
        batch_size=90,
        max_epochs=2,
        validation_fraction=0.0,
        random_state=0,
    )
    return Autoencoder((), **{"n_components": 2, **params, **kw})


def _tiny_cnn(**kw):
    params = dict(
        hidden_sizes=(),
        dropout=0.0,
        max_shift=0,
        max_epochs=3,
        batch_size=32,
        lr=1e-2,
        random_state=0,
    )
    return ConvNetClassifier((4,), **{**params, **kw})


def _digits(n=240):
    X, y = load_digits(flatten=True)
    return X[:n].astype(np.float32) / 16.0, y[:n]


# -- PCA -------------------------------------------------------------------------------
def test_pca_in_pipeline_grid_search_finds_the_true_number_of_components():
    pipe = Pipeline([("pca", PCA()), ("reg", LeastSquaresRegressor())])
    search = GridSearchCV(pipe, {"pca__n_components": [1, 2, 3, 5]}, cv=CV3).fit(X_PCA, Y_PCA)
    r2 = search.cv_results_["mean_test_score"]
    assert r2[0] < r2[1] < r2[2] and r2[2] > 0.99  # each true component helps...
    assert abs(r2[3] - r2[2]) < 0.005  # ...and more than the true number do not
    assert search.best_params_["pca__n_components"] in (3, 5)
    assert (
        search.best_estimator_.named_steps["pca"].n_components_
        == search.best_params_["pca__n_components"]
    )
    assert not hasattr(search.estimator.named_steps["pca"], "components_")  # clones were fitted


def test_pca_cross_val_score_is_minus_the_reconstruction_error():
    # PCA.score is minus the mean squared reconstruction error per entry (not sklearn's
    # log-likelihood): with the 3 true components only the noise in the other 7 of 10
    # directions is left, sigma^2 * 7 / 10 per entry.
    s3 = cross_val_score(PCA(3), X_PCA, cv=CV3)
    s1 = cross_val_score(PCA(1), X_PCA, cv=CV3)
    expected = -(NOISE_PCA**2) * (D_PCA - N_LAT) / D_PCA
    assert np.all(s3 < 0) and np.allclose(s3, expected, rtol=0.35)
    assert np.all(s1 < 10 * s3)  # dropping two true factors costs far more
    train, test = validation_curve(
        PCA(), X_PCA, None, param_name="n_components", param_range=[1, 2, 3], cv=CV3
    )
    assert np.all(np.diff(train.mean(axis=1)) > 0) and np.all(np.diff(test.mean(axis=1)) > 0)


# -- KMeans ----------------------------------------------------------------------------
def test_kmeans_cross_val_score_is_minus_test_inertia():
    scores = cross_val_score(KMeans(4, random_state=0), X_BLOBS, cv=CV3)
    # 40 test points, each about 2 * std^2 (2-D) from its blob's centre
    expected = -40 * 2 * BLOB_STD**2
    assert np.all(scores < 0) and np.allclose(scores, expected, rtol=0.4)


def test_kmeans_validation_curve_training_score_improves_with_k():
    train, test = validation_curve(
        KMeans(random_state=0),
        X_BLOBS,
        None,
        param_name="n_clusters",
        param_range=[1, 2, 4, 8],
        cv=CV3,
    )
    assert train.shape == test.shape == (4, 3)
    assert np.all(np.diff(train.mean(axis=1)) > 0)
    gain = np.diff(test.mean(axis=1))
    assert gain[2] < 0.2 * gain[1]  # past the 4 true clusters, splitting blobs gains little


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")  # k=2: not separable
def test_kmeans_in_pipeline_grid_search_over_n_clusters():
    pipe = Pipeline([("km", KMeans(random_state=0)), ("clf", Perceptron(max_epochs=50))])
    search = GridSearchCV(pipe, {"km__n_clusters": [2, 4]}, cv=CV3).fit(X_BLOBS, Y_XOR)
    acc = search.cv_results_["mean_test_score"]
    assert search.best_params_ == {"km__n_clusters": 4}
    assert acc[1] > 0.95 and acc[0] < 0.8


# -- Autoencoder -----------------------------------------------------------------------
def test_autoencoder_in_pipeline_cross_val_and_grid_search():
    pipe = Pipeline([("ae", _linear_ae()), ("reg", LeastSquaresRegressor())])
    r2 = cross_val_score(pipe, X_AE, Y_AE, cv=CV3)
    assert np.all(r2 > 0.99)  # a 2-unit code of rank-2 data keeps everything the target needs
    search = GridSearchCV(pipe, {"ae__n_components": [1, 2]}, cv=CV3).fit(X_AE, Y_AE)
    assert search.best_params_ == {"ae__n_components": 2}
    assert search.cv_results_["mean_test_score"][0] < 0.95


def test_autoencoder_cross_val_score_is_minus_reconstruction_error():
    s2 = cross_val_score(_linear_ae(), X_AE, cv=CV3)
    s1 = cross_val_score(_linear_ae(n_components=1), X_AE, cv=CV3)
    assert np.all(s2 <= 0) and np.all(s2 > -1e-4)  # rank-2 data: exact
    assert np.all(s1 < -1e-2)
    # a small non-linear one trained by Adam for a few epochs also runs in the tools
    ae = Autoencoder((8,), n_components=2, max_epochs=3, batch_size=32, random_state=0)
    scores = cross_val_score(Pipeline([("scale", StandardScaler()), ("ae", ae)]), X_AE, cv=CV3)
    assert np.all(np.isfinite(scores)) and np.all(scores < 0)


# -- ConvNet ---------------------------------------------------------------------------
def test_convnet_in_pipeline_grid_search_picks_the_learning_rate_that_learns():
    X, y = _digits()  # flattened 8x8 images: the net infers image_shape_ (1, 8, 8)
    pipe = Pipeline([("scale", StandardScaler()), ("cnn", _tiny_cnn())])
    search = GridSearchCV(
        pipe, {"cnn__lr": [1e-6, 1e-2]}, cv=KFold(2, shuffle=True, random_state=0)
    ).fit(X, y)
    acc = search.cv_results_["mean_test_score"]
    assert search.best_params_ == {"cnn__lr": 1e-2}
    assert acc[0] < 0.2 < 0.4 < acc[1]  # chance is 0.1
    assert search.best_estimator_.named_steps["cnn"].image_shape_ == (1, 8, 8)


# -- kinetics --------------------------------------------------------------------------
@pytest.mark.parametrize(
    "est", [TICA(lagtime=1, n_components=2), VAMP(lagtime=1, n_components=2)], ids=["TICA", "VAMP"]
)
def test_tica_vamp_cross_val_score_over_whole_trajectories(est):
    scores = cross_val_score(est, TRAJS, cv=CV3)  # KFold over the list: held-out trajectories
    assert np.allclose(scores, VAMP2_EXACT[2], atol=0.2)
    blocks = vamp_cross_validate(est, TRAJS, n_splits=3, random_state=0)
    assert abs(blocks.mean() - scores.mean()) < 0.1
    # equal-length trajectories as one (n_traj, n_frames, n_features) array work too
    X3 = np.stack([t[:150] for t in TRAJS])
    assert np.allclose(cross_val_score(est, X3, cv=CV3), VAMP2_EXACT[2], atol=0.25)


def test_tica_grid_search_over_n_components_picks_both_slow_processes():
    search = GridSearchCV(TICA(lagtime=1), {"n_components": [1, 2]}, cv=CV3).fit(TRAJS)
    assert search.best_params_ == {"n_components": 2}
    assert np.allclose(
        search.cv_results_["mean_test_score"], [VAMP2_EXACT[1], VAMP2_EXACT[2]], atol=0.15
    )
    assert np.allclose(np.abs(search.best_estimator_.eigenvalues_), AR[:2], atol=0.05)


def test_msm_cross_val_score_with_a_likelihood_scorer():
    scores = cross_val_score(
        MarkovStateModel(lagtime=1), DTRAJS, cv=CV3, scoring=msm_log_likelihood
    )
    assert np.all(scores < 0) and np.allclose(scores, _entropy_rate(P_MSM), atol=0.06)


def test_time_lagged_autoencoder_grid_search_with_a_vamp2_scorer():
    tla = TimeLaggedAutoencoder(
        lagtime=1, n_components=1, hidden_sizes=(16,), max_epochs=5, batch_size=128, random_state=0
    )
    search = GridSearchCV(tla, {"lr": [1e-6, 1e-2]}, cv=CV3, scoring=vamp2_of_codes).fit(TRAJS)
    score = search.cv_results_["mean_test_score"]
    assert search.best_params_ == {"lr": 1e-2}
    # the trained code is close to the best 1-D model (the slowest process) on held-out
    # trajectories; an untrained one (lr=1e-6) is a random projection
    assert VAMP2_EXACT[1] - 0.15 < score[1] < VAMP2_EXACT[1] + 0.1
    assert score[1] > score[0] + 0.1


def test_vampnet_grid_search_picks_the_learning_rate_that_learns():
    vn = VAMPNet(lagtime=1, n_components=2, hidden_sizes=(16,), max_epochs=5, random_state=0)
    search = GridSearchCV(vn, {"lr": [1e-6, 1e-2]}, cv=CV3).fit(TRAJS)
    score = search.cv_results_["mean_test_score"]
    assert search.best_params_ == {"lr": 1e-2}
    # two soft states resolve one slow process: at most about 1 + 0.95^2
    assert VAMP2_EXACT[1] - 0.15 < score[1] < VAMP2_EXACT[1] + 0.1
    assert score[1] > score[0] + 0.1


@pytest.mark.parametrize("name", ["msm", "tla"])
def test_default_scoring_of_msm_and_time_lagged_autoencoder(name):
    est, X = {
        "msm": (MarkovStateModel(lagtime=1), DTRAJS),
        "tla": (
            TimeLaggedAutoencoder(
                lagtime=1, n_components=1, hidden_sizes=(8,), max_epochs=2, random_state=0
            ),
            TRAJS,
        ),
    }[name]
    scores = cross_val_score(est, X, cv=CV3)
    # the MSM's default score is VAMP-2 (between 1 and its number of states), the
    # autoencoder's minus its held-out prediction error (standardised, so > -1 or so)
    assert scores.shape == (3,) and np.all(np.isfinite(scores))
    assert np.all(scores >= 1.0) if name == "msm" else np.all((scores < 0) & (scores > -2.0))


# -- clone and get_params/set_params round trips -------------------------------------
CASES = {
    "pca": (lambda: PCA(2, whiten=True), X_PCA, None),
    "kmeans": (lambda: KMeans(3, random_state=0), X_BLOBS, None),
    "autoencoder": (
        lambda: Autoencoder((4,), n_components=2, max_epochs=2, random_state=0),
        X_AE,
        None,
    ),
    "convnet": (lambda: _tiny_cnn(max_epochs=1), *_digits(64)),
    "tica": (lambda: TICA(lagtime=2, n_components=1, scaling="kinetic_map"), TRAJS, None),
    "vamp": (lambda: VAMP(lagtime=2, n_components=2), TRAJS, None),
    "msm": (lambda: MarkovStateModel(lagtime=2, reversible=False), DTRAJS, None),
    "tla": (
        lambda: TimeLaggedAutoencoder(
            lagtime=1, n_components=1, hidden_sizes=(4,), max_epochs=2, random_state=0
        ),
        TRAJS,
        None,
    ),
    "vampnet": (
        lambda: VAMPNet(lagtime=1, n_components=2, hidden_sizes=(4,), max_epochs=2, random_state=0),
        TRAJS,
        None,
    ),
}


def _output(est, X):
    if isinstance(est, MarkovStateModel):
        return est.transition_matrix_
    out = est.predict_proba(X) if hasattr(est, "predict_proba") else est.transform(X)
    return np.concatenate(out) if isinstance(out, list) else out


@pytest.mark.parametrize("name", list(CASES))
def test_clone_of_a_fitted_estimator_is_unfitted_with_equal_params_and_refits_identically(name):
    make, X, y = CASES[name]
    fitted = make().fit(X) if y is None else make().fit(X, y)
    copy = clone(fitted)
    assert copy is not fitted and copy.get_params() == fitted.get_params()
    with pytest.raises(NotFittedError):
        check_is_fitted(copy)
    # set_params round trip: a default instance set to the params equals the original
    assert type(fitted)().set_params(**fitted.get_params()).get_params() == fitted.get_params()
    refit = copy.fit(X) if y is None else copy.fit(X, y)
    np.testing.assert_allclose(_output(refit, X), _output(fitted, X), rtol=1e-5, atol=1e-6)
