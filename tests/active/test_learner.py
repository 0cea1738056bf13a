"""ActiveLearner and run_active_learning: queries with known answers, committees, the loop."""

import numpy as np
import pytest
from sklearn.datasets import load_iris
from sklearn.linear_model import LogisticRegression, Ridge
from sklearn.neighbors import KNeighborsClassifier, KNeighborsRegressor
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from scidl.active import (
    ActiveLearner,
    LearningCurve,
    committee_variance,
    expected_model_change,
    run_active_learning,
)
from scidl.nn import MLPRegressor

BOUNDARY = 0.2  # the true decision boundary x_1 = 0.2 of the pool below


def boundary_pool(n=400, seed=0):
    X = np.random.default_rng(seed).uniform(-1, 1, size=(n, 2))
    return X, (X[:, 0] > BOUNDARY).astype(int)


def test_uncertainty_query_is_the_pool_point_on_the_models_boundary():
    X, y = boundary_pool()
    learner = ActiveLearner(LogisticRegression(), strategy="margin", random_state=0)
    learner.fit(X[:20], y[:20])
    i = learner.query(X)
    # margin = |2 p - 1| for two classes: smallest where the decision function is closest to 0
    decision = learner.estimator_.decision_function(X)
    assert i[0] == np.argmin(np.abs(decision))
    for strategy in ("least_confident", "entropy"):
        other = ActiveLearner(LogisticRegression(), strategy=strategy, random_state=0)
        assert other.fit(X[:20], y[:20]).query(X)[0] == i[0]


def _boundary_curve(strategy):
    X, y = boundary_pool(200)
    curve = run_active_learning(
        LogisticRegression(C=100.0),
        X,
        y,
        strategy=strategy,
        committee=3 if strategy == "vote_entropy" else None,
        n_initial=10,
        budget=15,
        random_state=0,
    )
    return np.abs(X[curve.labeled[0][10:], 0] - BOUNDARY), curve


@pytest.mark.parametrize("strategy", ["least_confident", "margin", "entropy", "vote_entropy"])
def test_uncertainty_sampling_queries_near_the_known_boundary(strategy):
    dist, curve = _boundary_curve(strategy)
    # uniform queries on [-1, 1] have a median distance ~ 0.6; uncertainty hugs the boundary
    assert np.median(dist) < 0.1
    assert curve.scores[0, -1] >= 0.95


def test_random_queries_ignore_the_boundary():
    dist, _ = _boundary_curve("random")
    assert np.median(dist) > 0.3


def test_committee_variance_is_zero_where_the_committee_agrees():
    X = np.linspace(-1, 1, 30)[:, None]
    y = 2.0 * X[:, 0] + 1.0  # exact: every bootstrap member recovers the same line
    learner = ActiveLearner(Ridge(alpha=1e-10), strategy="variance", committee=4, random_state=0)
    learner.fit(X, y)
    pool = np.linspace(-3, 3, 13)[:, None]
    np.testing.assert_allclose(learner.utility(pool), 0.0, atol=1e-12)
    # noisy labels: the members disagree, most far outside the labelled interval
    noisy = y + np.random.default_rng(0).normal(scale=0.3, size=len(y))
    u = learner.fit(X, noisy).utility(pool)
    assert u.min() > 0 and np.argmax(u) in (0, 12)
    predictions = np.stack([m.predict(pool) for m in learner.committee_])
    np.testing.assert_allclose(u, committee_variance(predictions))
    np.testing.assert_allclose(learner.predict(pool), predictions.mean(axis=0))


def test_vote_entropy_is_zero_far_from_a_separating_boundary():
    X, y = boundary_pool()
    learner = ActiveLearner(
        LogisticRegression(C=100.0), strategy="vote_entropy", committee=5, random_state=0
    ).fit(X[:100], y[:100])
    far = np.abs(X[:, 0] - BOUNDARY) > 0.5
    assert np.all(learner.utility(X[far]) == 0.0)
    assert learner.utility(X[~far]).max() > 0.0


def test_expected_model_change_of_the_learner_is_the_function_of_its_committee():
    X = np.random.default_rng(1).uniform(-1, 1, size=(40, 2))
    y = np.sin(3 * X[:, 0]) + X[:, 1]
    learner = ActiveLearner(
        KNeighborsRegressor(3), strategy="expected_model_change", committee=3, random_state=0
    ).fit(X[:15], y[:15])
    predictions = np.stack([m.predict(X) for m in learner.committee_])
    np.testing.assert_allclose(learner.utility(X), expected_model_change(predictions, X))


def test_a_scidl_mlp_seed_committee_runs_through_the_loop():
    X = np.random.default_rng(2).uniform(-1, 1, size=(60, 1))
    y = X[:, 0] ** 2
    mlp = MLPRegressor((8,), optimizer="lbfgs", lr=1.0, batch_size=64, max_epochs=2)
    curve = run_active_learning(
        mlp,
        X,
        y,
        strategy="variance",
        committee=2,
        committee_mode="seed",
        n_initial=5,
        budget=4,
        batch_size=2,
        scoring="neg_mean_squared_error",
        random_state=0,
    )
    assert curve.scores.shape == (1, 3) and np.isfinite(curve.scores).all()
    # the members are the same network with different seeds: they differ
    learner = ActiveLearner(
        mlp, strategy="variance", committee=2, committee_mode="seed", random_state=0
    ).fit(X[:5], y[:5])
    seeds = [m.random_state for m in learner.committee_]
    assert seeds[0] != seeds[1] and learner.utility(X).max() > 0


def test_results_are_reproducible_with_random_state():
    X, y = load_iris(return_X_y=True)
    kwargs = dict(strategy="random", n_initial=3, budget=6, n_seeds=3)
    a = run_active_learning(KNeighborsClassifier(3), X, y, random_state=5, **kwargs)
    b = run_active_learning(KNeighborsClassifier(3), X, y, random_state=5, **kwargs)
    c = run_active_learning(KNeighborsClassifier(3), X, y, random_state=6, **kwargs)
    np.testing.assert_array_equal(a.scores, b.scores)
    for la, lb in zip(a.labeled, b.labeled):
        np.testing.assert_array_equal(la, lb)
    assert not all(np.array_equal(la, lc) for la, lc in zip(a.labeled, c.labeled))
    # the seeds of one run differ from each other
    assert not np.array_equal(a.labeled[0], a.labeled[1])
    # a committee with bootstrap resamples and a seeded estimator: reproducible too
    Xr = X[:, :3]
    yr = X[:, 3]
    kw = dict(strategy="variance", committee=3, n_initial=5, budget=4, batch_size=2)
    ra = run_active_learning(Ridge(), Xr, yr, random_state=1, **kw)
    rb = run_active_learning(Ridge(), Xr, yr, random_state=1, **kw)
    np.testing.assert_array_equal(ra.labeled[0], rb.labeled[0])


def test_iris_anchor_uncertainty_sampling_with_knn():
    # modAL's pool-based example: k-NN (k = 3) from 3 random labels, 20 uncertainty queries,
    # accuracy on the whole data set, 33 % -> 93 %. With 3 labels and k = 3 every prediction
    # is the same vote, so the start is exactly 1/3.
    X, y = load_iris(return_X_y=True)
    curve = run_active_learning(
        KNeighborsClassifier(3),
        X,
        y,
        strategy="least_confident",
        n_initial=3,
        budget=20,
        n_seeds=10,
        random_state=0,
    )
    np.testing.assert_allclose(curve.scores[:, 0], 1 / 3)
    assert curve.mean()[-1] >= 0.9


def test_target_score_stops_a_seed_and_labels_to_reach_reads_the_curve():
    X, y = load_iris(return_X_y=True)
    curve = run_active_learning(
        KNeighborsClassifier(3),
        X,
        y,
        strategy="margin",
        n_initial=3,
        budget=30,
        target_score=0.9,
        n_seeds=3,
        random_state=0,
    )
    for row in curve.scores:
        done = np.flatnonzero(row >= 0.9)
        assert len(done)  # iris reaches 90 % within 33 labels
        assert np.all(np.isnan(row[done[0] + 1 :]))  # nothing recorded after the stop
        assert not np.isnan(row[: done[0] + 1]).any()
    reach = curve.labels_to_reach(0.9)
    first = [curve.n_labels[np.flatnonzero(r >= 0.9)[0]] for r in curve.scores]
    np.testing.assert_array_equal(reach, first)
    assert len(curve.labeled[0]) == reach[0]


def test_batches_with_diversity_spread_out():
    X, y = boundary_pool(600, seed=3)
    picks = {}
    for diversity in (0.0, 0.5):
        learner = ActiveLearner(
            LogisticRegression(),
            strategy="entropy",
            batch_size=10,
            diversity=diversity,
            random_state=0,
        ).fit(X[:20], y[:20])
        q = X[learner.query(X)]
        picks[diversity] = np.min(np.linalg.norm(q[:, None] - q[None], axis=-1) + np.eye(10) * 1e9)
    assert picks[0.5] > 2 * picks[0.0]


def test_teach_appends_and_refits_and_works_in_a_pipeline():
    X, y = boundary_pool()
    learner = ActiveLearner(
        make_pipeline(StandardScaler(), LogisticRegression()),
        strategy="entropy",
        batch_size=3,
        random_state=0,
    )
    learner.fit(X[:10], y[:10])
    idx = learner.query(X[10:]) + 10
    learner.teach(X[idx], y[idx])
    np.testing.assert_array_equal(learner.X_training_, np.concatenate([X[:10], X[idx]]))
    assert learner.score(X, y) == pytest.approx(learner.estimator_.score(X, y))
    proba = learner.predict_proba(X[:5])
    np.testing.assert_allclose(proba, learner.estimator_.predict_proba(X[:5]))


def test_learning_curve_statistics():
    curve = LearningCurve(
        np.array([2, 4, 6]), np.array([[0.2, 0.5, 0.7], [0.4, 0.9, np.nan]]), "margin", "accuracy"
    )
    np.testing.assert_allclose(curve.mean(), [0.3, 0.7, 0.7])
    np.testing.assert_allclose(curve.std(), [0.1, 0.2, 0.0])
    np.testing.assert_allclose(curve.final_scores(), [0.7, 0.9])
    np.testing.assert_array_equal(curve.labels_to_reach(0.8), [np.nan, 4])
    np.testing.assert_array_equal(curve.labels_to_reach([0.1, 0.95]), [2, np.nan])


@pytest.mark.parametrize(
    "kwargs, estimator, name",
    [
        ({"strategy": "variance", "committee": 3}, LogisticRegression(), "strategy"),
        ({"strategy": "margin"}, Ridge(), "strategy"),
        ({"strategy": "vote_entropy"}, LogisticRegression(), "strategy"),
        ({"strategy": "margin"}, make_pipeline(StandardScaler(), Ridge()), "strategy"),
        (
            {"strategy": "vote_entropy", "committee": 3, "committee_mode": "seed"},
            KNeighborsClassifier(),
            "committee_mode",
        ),
        ({}, "not an estimator", "estimator"),
        ({"batch_size": 0}, None, "batch_size"),
        ({"diversity": 2.0}, None, "diversity"),
        ({"committee": 1, "strategy": "vote_entropy"}, None, "committee"),
    ],
)
def test_inconsistent_settings_are_rejected_with_the_parameter_named(kwargs, estimator, name):
    X, y = boundary_pool(40)
    with pytest.raises((ValueError, TypeError), match=name):
        ActiveLearner(estimator, **kwargs).fit(X, y)


def test_loop_rejects_bad_arguments():
    X, y = boundary_pool(40)
    with pytest.raises(ValueError, match="budget"):
        run_active_learning(LogisticRegression(), X, y, n_initial=10, budget=31)
    with pytest.raises(ValueError, match="y_pool"):
        run_active_learning(LogisticRegression(), X, y[:-1])
    with pytest.raises(ValueError, match="X_test"):
        run_active_learning(LogisticRegression(), X, y, X[:, :1], y)
    with pytest.raises(TypeError, match="n_seeds"):
        run_active_learning(LogisticRegression(), X, y, n_seeds=1.5)
    with pytest.raises(ValueError, match="target_score"):
        run_active_learning(LogisticRegression(), X, y, budget=5, target_score=float("nan"))
    with pytest.raises(ValueError, match="X_pool"):
        run_active_learning(LogisticRegression(), np.full((40, 2), np.nan), y)


def test_repr_and_clone_keep_the_settings():
    from sklearn.base import clone

    learner = ActiveLearner(Ridge(), strategy="variance", committee=3, random_state=1)
    assert "strategy='variance'" in repr(learner) and "committee=3" in repr(learner)
    assert clone(learner).get_params()["committee"] == 3


@pytest.mark.parametrize(
    "estimator, settings, task",
    [
        (LogisticRegression(C=0.5), {"strategy": "margin"}, "class"),
        (KNeighborsClassifier(3), {"strategy": "vote_entropy", "committee": 3}, "class"),
        (make_pipeline(StandardScaler(), Ridge()), {"strategy": "random"}, "reg"),
        (
            MLPRegressor((8,), max_epochs=3, random_state=1, device="cpu"),
            {"strategy": "variance", "committee": 3, "committee_mode": "seed"},
            "reg",
        ),
    ],
)
def test_save_and_load_keep_the_labels_and_continue_exactly(tmp_path, estimator, settings, task):
    """A loaded learner holds the same labels, predicts the same and asks for the same
    samples next (the generator's state travels with it)."""
    from scidl.base import load

    rng = np.random.default_rng(0)
    X = rng.normal(size=(120, 2))
    y = (X.sum(axis=1) > 0).astype(int) if task == "class" else X[:, 0] ** 2 - X[:, 1]
    learner = ActiveLearner(estimator, batch_size=4, random_state=0, **settings)
    learner.fit(X[:12], y[:12])
    i = learner.query(X[12:]) + 12
    learner.teach(X[i], y[i])
    again = load(learner.save(tmp_path / "learner.pt"))
    assert type(again.estimator) is type(estimator)
    np.testing.assert_array_equal(again.X_training_, learner.X_training_)
    np.testing.assert_array_equal(again.y_training_, learner.y_training_)
    np.testing.assert_array_equal(again.predict(X), learner.predict(X))
    np.testing.assert_array_equal(again.query(X[12:]), learner.query(X[12:]))
    again.teach(X[:2], y[:2])  # and it goes on learning
    assert len(again.X_training_) == len(learner.X_training_) + 2


def test_an_estimator_with_a_function_as_a_hyperparameter_cannot_be_saved(tmp_path):
    learner = ActiveLearner(KNeighborsClassifier(1, metric=lambda a, b: abs(a - b).sum()))
    learner.fit(np.array([[0.0], [1.0]]), np.array([0, 1]))
    with pytest.raises(ValueError, match="Cannot save hyperparameter estimator"):
        learner.save(tmp_path / "learner.pt")
    assert not (tmp_path / "learner.pt").exists()


def test_a_file_naming_a_foreign_estimator_class_is_refused(tmp_path):
    import torch

    from scidl.base import load

    learner = ActiveLearner(LogisticRegression(), random_state=0)
    learner.fit(np.array([[0.0], [1.0]]), np.array([0, 1]))
    payload = learner._to_payload()
    payload["params_json"] = payload["params_json"].replace(
        "sklearn.linear_model._logistic:LogisticRegression", "os:system"
    )
    torch.save(payload, tmp_path / "evil.pt")
    with pytest.raises(ValueError, match="only scidl and sklearn estimators"):
        load(tmp_path / "evil.pt")
