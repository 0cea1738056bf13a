"""scikit-learn's common estimator checks over the chapter's estimators."""

from sklearn.utils.estimator_checks import parametrize_with_checks

from scidl.unsupervised import DBSCAN, PCA, Autoencoder, KMeans

# ConvAutoencoder is not checked: it takes image arrays (n, H, W) or
# (n, C, H, W), and the common checks feed 2D tables.
ESTIMATORS = [
    PCA(n_components=2),
    PCA(n_components=2, svd_solver="randomized", random_state=0),
    KMeans(n_clusters=3, random_state=0),
    DBSCAN(),
    # Few epochs keep the ~40 checks fast; no check asks for a good fit.
    Autoencoder((8,), n_components=2, max_epochs=3, random_state=0),
]


@parametrize_with_checks(ESTIMATORS)
def test_sklearn_compatible(estimator, check):
    check(estimator)
