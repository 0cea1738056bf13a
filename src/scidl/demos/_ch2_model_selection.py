"""Demo: bias and variance, and hyperparameter selection by k-fold cross-validation."""

from __future__ import annotations

import numpy as np

from scidl.demos._registry import DemoOutput, register


def _target(X):
    return np.sin(np.pi * X[:, 0])


@register("model-selection", "Bias, variance and cross-validation", chapter=2, position=2)
def run(*, quick=False, random_state=0):
    """Choose the polynomial degree, ridge strength and network width of a regression by 5-fold CV.

    Training error falls with the degree; the cross-validated test error is
    U-shaped. A bias-variance decomposition over resampled training sets shows
    why: bias falls and variance grows, and bias^2 + variance + noise equals
    the expected test error.
    """
    from sklearn.model_selection import GridSearchCV, KFold

    from scidl.linear import PolynomialFeatures, make_feature_regression
    from scidl.model_selection import (
        bias_variance_decomposition,
        complexity_curve,
    )
    from scidl.plot import plot_complexity_curve, subplots

    rng = np.random.default_rng(random_state)
    noise = 0.2
    X = rng.uniform(-1, 1, (40, 1))
    y = _target(X) + noise * rng.standard_normal(40)
    cv = KFold(5, shuffle=True, random_state=random_state)
    degrees = list(range(1, 13))
    model = make_feature_regression(PolynomialFeatures())
    curve = complexity_curve(model, X, y, "features__degree", degrees, cv=cv)
    alphas = list(np.logspace(-8, 1, 10))
    ridge = complexity_curve(
        make_feature_regression(PolynomialFeatures(12)), X, y, "regressor__alpha", alphas, cv=cv
    )
    grid_degrees = [1, 3, 5, 9] if quick else degrees
    search = GridSearchCV(
        model,
        {"features__degree": grid_degrees, "regressor__alpha": [0.0, 1e-4, 1e-2]},
        cv=cv,
        scoring="neg_mean_squared_error",
    ).fit(X, y)

    from scidl.nn import MLPRegressor

    widths = [(1,), (4,), (32,)] if quick else [(1,), (2,), (4,), (8,), (32,), (128,)]
    width = complexity_curve(
        MLPRegressor(
            activation="tanh",
            lr=0.02,
            batch_size=64,
            max_epochs=40 if quick else 400,
            random_state=random_state,
        ),
        X,
        y,
        "hidden_sizes",
        widths,
        cv=cv,
    )
    x_test = np.linspace(-0.95, 0.95, 25)[:, None]
    n_rounds = 30 if quick else 400
    rows = []
    for d in (1, 3, 5, 9):
        r = bias_variance_decomposition(
            make_feature_regression(PolynomialFeatures(d)),
            _target,
            X,
            x_test,
            noise=noise,
            n_rounds=n_rounds,
            random_state=random_state,
        )
        rows.append(
            (d, r.bias2, r.variance, r.noise, r.total, r.expected_error, r.expected_error_se)
        )
    table = "degree   bias^2  variance    noise      sum  test error (+- se)\n" + "\n".join(
        f"{d:>6} {b:8.4f} {v:9.4f} {n:8.4f} {t:8.4f} {e:8.4f} (+- {se:.4f})"
        for d, b, v, n, t, e, se in rows
    )

    fig, axes = subplots(1, 3, figsize=(15, 3.8))
    plot_complexity_curve(curve, ax=axes[0], title="Polynomial degree (5-fold CV)")
    plot_complexity_curve(ridge, ax=axes[1], log_x=True, title="Ridge strength, degree 12")
    plot_complexity_curve(width, ax=axes[2], log_x=True, title="MLP width (one tanh layer)")
    fig2, ax = subplots(figsize=(5.2, 3.8))
    ds = [r[0] for r in rows]
    for k, label in (
        (1, "bias$^2$"),
        (2, "variance"),
        (4, "bias$^2$ + variance + noise"),
        (5, "test error (Monte Carlo)"),
    ):
        ax.plot(ds, [r[k] for r in rows], "o-", label=label)
    ax.set_yscale("log")
    ax.set_xlabel("polynomial degree")
    ax.legend()
    metrics = {
        "cv_best_degree": int(curve.best),
        "cv_best_alpha_degree12": float(ridge.best),
        "cv_best_mlp_width": int(sum(width.best)),
        "mlp_width_test_mse": {str(sum(w)): float(e) for w, e in zip(widths, width.test_error)},
        "grid_search_best": {k: float(v) for k, v in search.best_params_.items()},
        "grid_search_best_mse": float(-search.best_score_),
        "bias_variance_max_gap": float(max(abs(r[4] - r[5]) for r in rows)),
    }
    text = (
        f"Five-fold cross-validation picks degree {curve.best} for sin(pi x) with noise "
        f"{noise} on 40 points (grid search over degree and ridge strength: "
        f"{search.best_params_}). Bias-variance decomposition ({n_rounds} refits per "
        f"degree):\n{table}"
    )
    headline = ("best polynomial degree (5-fold CV)", int(curve.best))
    return DemoOutput(metrics, {"complexity_curves": fig, "bias_variance": fig2}, text, headline)
