"""Demo: minimization methods on test functions."""

from __future__ import annotations

from scidl.demos._registry import DemoOutput, register


@register("minimization", "Minimization methods on test functions", chapter=4)
def minimization_demo(*, quick=False, random_state=0):
    """Trajectories of gradient descent, momentum, Nesterov, AdaGrad, RMSProp, Adam, L-BFGS and Newton.

    Contour plots of an ill-conditioned quadratic, Rosenbrock, Beale,
    Himmelblau and a saddle with each method's path, and a table of the steps
    each method needs to come within 1e-4 of a minimum.
    """
    del random_state  # deterministic: no randomness involved
    from scidl.optim import (
        TEST_FUNCTIONS,
        compare_optimizers,
        format_table,
        trace,
    )
    from scidl.plot import plot_trajectories, subplots

    max_steps = 500 if quick else 5000
    tol = 1e-4
    table = compare_optimizers(tol=tol, max_steps=max_steps)
    fig, axes = subplots(2, 3, figsize=(15, 8.4))
    shown = ["gd", "momentum", "adam", "lbfgs", "newton"]
    for ax, name in zip(axes.ravel(), TEST_FUNCTIONS):
        paths = {m: trace(m, name, steps=300 if quick else 1000, until=tol) for m in shown}
        plot_trajectories(name, paths, ax=ax, resolution=80 if quick else 200)
    axes.ravel()[-1].set_visible(False)
    text = (
        f"Steps to come within {tol:g} of a minimum (at most {max_steps}; Newton's method heads for the "
        "saddle point of the saddle function, which is not a minimum):\n"
        + format_table(table, max_steps=max_steps)
    )
    metrics = {
        "steps_to_tolerance": {
            m: {f: (-1 if v is None else v) for f, v in row.items()} for m, row in table.items()
        }
    }
    return DemoOutput(metrics, {"trajectories": fig}, text)
