"""Demo: minimization methods on test functions."""

from __future__ import annotations

from scidl.demos._registry import DemoOutput, register

# The headline: the classic hard case, Rosenbrock's curved valley, for Adam.
_HEADLINE_METHOD, _HEADLINE_FUNCTION = "adam", "rosenbrock"


@register("minimization", "Minimization methods on test functions", chapter=4, position=1)
def run(*, quick=False, random_state=0):
    """Trajectories of gradient descent, momentum, Nesterov, AdaGrad, RMSProp, Adam, L-BFGS, Newton.

    Contour plots of an ill-conditioned quadratic, Rosenbrock, Beale,
    Himmelblau and a saddle with each method's path, and a table of the steps
    each method needs to come within 1e-4 of a minimum. A method that does
    not get there within the step budget has ``None`` in the metrics (``null``
    in metrics.json) and ``>budget`` in the table.
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
    shown = ["sgd", "momentum", "adam", "lbfgs", "newton"]
    for ax, name in zip(axes.ravel(), TEST_FUNCTIONS):
        paths = {m: trace(m, name, steps=300 if quick else 1000, until=tol) for m in shown}
        plot_trajectories(name, paths, ax=ax, resolution=80 if quick else 200)
    axes.ravel()[-1].set_visible(False)
    text = (
        f"Steps to come within {tol:g} of a minimum (at most {max_steps}; Newton's method heads "
        "for the saddle point of the saddle function, which is not a minimum):\n"
        + format_table(table, max_steps=max_steps)
    )
    metrics = {
        "tolerance": tol,
        "max_steps": max_steps,
        # None: not within tolerance after max_steps steps (null in JSON; never a sentinel)
        "steps_to_tolerance": {m: dict(row) for m, row in table.items()},
    }
    steps = table[_HEADLINE_METHOD][_HEADLINE_FUNCTION]
    headline = (
        f"{_HEADLINE_METHOD} steps to {tol:g} on {_HEADLINE_FUNCTION}",
        f"> {max_steps}" if steps is None else int(steps),
    )
    return DemoOutput(metrics, {"trajectories": fig}, text, headline)
