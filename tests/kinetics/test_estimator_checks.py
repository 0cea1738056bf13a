"""scikit-learn's common estimator checks over the kinetics estimators on continuous data.

``MarkovStateModel`` and ``TransitionCounts`` take discrete trajectories (1D integer
state sequences), not the ``(n_samples, n_features)`` matrices the common checks
generate, so they are not run through them; ``test_msm.py`` covers their contract
(clone, get_params, validation, save/load) directly.
"""

from sklearn.utils.estimator_checks import parametrize_with_checks

from scidl.kinetics import TICA, VAMP, Covariance


@parametrize_with_checks(
    [TICA(lagtime=1), VAMP(lagtime=1), Covariance(lagtime=1, compute_c0t=True)]
)
def test_sklearn_compatible(estimator, check):
    check(estimator)
