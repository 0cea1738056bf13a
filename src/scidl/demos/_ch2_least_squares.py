"""Demo: linear least squares, and nonlinear functions fitted linearly in feature space."""

from __future__ import annotations

import numpy as np

from scidl.demos._registry import DemoOutput, register

# The true line of the first example, y = 0.5 + 2 x.
_LINE_INTERCEPT, _LINE_SLOPE = 0.5, 2.0
# The spring constant of the harmonic energy E(x) = k x^2 / 2.
_SPRING_K = 3.0


def _mse(model, X, y):
    return float(np.mean((model.predict(X) - y) ** 2))


@register("least-squares", "Linear least squares and feature maps", chapter=2, position=1)
def run(*, quick=False, random_state=0):
    """Fit a line, then a spring energy and a sine by linear least squares in feature space.

    Minimising the squared error of a model that is linear in its parameters
    has a closed-form solution; mapping x to features (x^2, powers of x,
    Gaussian bumps) makes the same solver fit nonlinear functions. The demo
    takes well under a second, so ``quick`` changes nothing.
    """
    from sklearn.pipeline import make_pipeline

    from scidl.data import make_regression_1d
    from scidl.linear import LeastSquaresRegressor, PolynomialFeatures, RBFFeatures
    from scidl.plot import plot_regression_1d, subplots

    metrics, figures = {}, {}

    # 1. A straight line: y = b + a x + noise.
    line = make_regression_1d(
        "polynomial",
        40,
        coef=(_LINE_INTERCEPT, _LINE_SLOPE),
        noise=0.3,
        test_size=0.25,
        random_state=random_state,
    )
    model = LeastSquaresRegressor().fit(line.X_train, line.y_train)
    slope, intercept = float(np.ravel(model.coef_)[0]), float(np.ravel(model.intercept_)[0])
    metrics.update(
        line_slope=slope,
        line_slope_true=_LINE_SLOPE,
        line_intercept=intercept,
        line_intercept_true=_LINE_INTERCEPT,
        line_test_mse=_mse(model, line.X_test, line.y_test),
    )
    figures["line"] = plot_regression_1d(
        model,
        line.X_train,
        line.y_train,
        truth=line.function,
        X_test=line.X_test,
        y_test=line.y_test,
        label=f"fit: y = {intercept:.2f} + {slope:.2f} x",
        title="A line fitted by least squares",
    )

    # 2. The harmonic energy E(x) = k x^2 / 2 is linear in the feature x^2:
    #    E = w x^2 with w = k / 2, so the fitted weight recovers k = 2 w.
    spring = make_regression_1d(
        "harmonic",
        40,
        k=_SPRING_K,
        noise=0.1,
        x_range=(-1.5, 1.5),
        test_size=0.25,
        random_state=random_state + 1,
    )
    energy = make_pipeline(
        PolynomialFeatures(powers=(2,)), LeastSquaresRegressor(fit_intercept=False)
    )
    energy.fit(spring.X_train, spring.y_train)
    k_fit = 2.0 * float(np.ravel(energy[-1].coef_)[0])
    metrics.update(
        harmonic_k=k_fit,
        harmonic_k_true=_SPRING_K,
        harmonic_k_relative_error=abs(k_fit - _SPRING_K) / _SPRING_K,
        harmonic_test_mse=_mse(energy, spring.X_test, spring.y_test),
    )
    figures["harmonic"] = plot_regression_1d(
        energy,
        spring.X_train,
        spring.y_train,
        truth=spring.function,
        X_test=spring.X_test,
        y_test=spring.y_test,
        label=f"fit: E = {k_fit:.3f} x² / 2",
        title=f"Spring energy as a linear model in x² (true k = {_SPRING_K:g})",
    )

    # 3. sin(pi x) with polynomial and Gaussian (RBF) features: a small feature
    #    space underfits, a large unregularised one (16 weights for 30 noisy
    #    points) overfits; a little ridge penalty (alpha) tames the Gaussians.
    wave = make_regression_1d("sin", 50, noise=0.15, test_size=0.4, random_state=random_state + 2)
    models = {
        "poly1": (
            "polynomial degree 1",
            make_pipeline(PolynomialFeatures(degree=1), LeastSquaresRegressor()),
        ),
        "poly5": (
            "polynomial degree 5",
            make_pipeline(PolynomialFeatures(degree=5), LeastSquaresRegressor()),
        ),
        "poly15": (
            "polynomial degree 15",
            make_pipeline(PolynomialFeatures(degree=15), LeastSquaresRegressor()),
        ),
        "rbf10": (
            "10 Gaussian features",
            make_pipeline(RBFFeatures(n_centers=10), LeastSquaresRegressor(alpha=1e-3)),
        ),
    }
    fig, axes = subplots(2, 2, figsize=(9.6, 7.2))
    for ax, (key, (label, model)) in zip(axes.ravel(), models.items()):
        model.fit(wave.X_train, wave.y_train)
        train_mse, test_mse = (
            _mse(model, wave.X_train, wave.y_train),
            _mse(model, wave.X_test, wave.y_test),
        )
        metrics[f"sin_{key}_train_mse"] = train_mse
        metrics[f"sin_{key}_test_mse"] = test_mse
        plot_regression_1d(
            model,
            wave.X_train,
            wave.y_train,
            truth=wave.function,
            X_test=wave.X_test,
            y_test=wave.y_test,
            label=label,
            title=f"{label}: test MSE {test_mse:.3f}",
            ax=ax,
        )
    fig.suptitle("sin(πx) by least squares in feature space")
    figures["sine_features"] = fig

    poly15_test = metrics["sin_poly15_test_mse"]
    if poly15_test > metrics["sin_poly5_test_mse"]:
        overfit = (
            f"yet predicts new points worse (test MSE {poly15_test:.3f}) "
            "because it also fits the noise"
        )
    else:
        overfit = f"and on this draw its test MSE ({poly15_test:.3f}) is no worse"
    text = (
        "Least squares fits a model that is linear in its weights, y = Xw, in closed form. "
        f"A line through noisy data recovers slope {slope:.2f} (true {_LINE_SLOPE:g}) and "
        f"intercept {intercept:.2f} (true {_LINE_INTERCEPT:g}). Nonlinear functions are still "
        "fitted by a linear model once x is mapped into a feature space: the spring energy "
        "E(x) = k x²/2 is linear in the single feature x², and its fitted weight gives "
        f"k = {k_fit:.3f} (true {_SPRING_K:g}). For sin(πx), a line underfits (test MSE "
        f"{metrics['sin_poly1_test_mse']:.3f}), while a degree-5 polynomial "
        f"({metrics['sin_poly5_test_mse']:.3f}) and 10 Gaussian bumps "
        f"({metrics['sin_rbf10_test_mse']:.3f}) approach the noise variance "
        f"{wave.noise**2:.3f}. A degree-15 polynomial fits the training points more closely "
        f"(train MSE {metrics['sin_poly15_train_mse']:.3f} against "
        f"{metrics['sin_poly5_train_mse']:.3f} for degree 5), {overfit}: the choice of features "
        "is a choice of model, to be made on held-out data."
    )
    headline = (f"fitted spring constant k (true {_SPRING_K:g})", k_fit)
    return DemoOutput(metrics, figures, text, headline)
