"""Demo: universal approximation (width) and depth efficiency (Telgarsky's tent map)."""

from __future__ import annotations

from scidl.demos._registry import DemoOutput, register


@register("depth-vs-width", "Universal approximation and the power of depth", chapter=3, position=4)
def run(*, quick=False, random_state=0):
    """A wide shallow network approximates any smooth function; some functions need depth.

    One hidden layer: the error on sin(2 pi x) exp(-x^2) falls as the width
    grows. Telgarsky's tent map composed k times has 2^k linear pieces with
    width 2 and depth k and classifies 2^k + 1 alternating points perfectly; a
    shallow ReLU network needs at least 2^k - 1 hidden units.
    """
    import torch

    from scidl.nn import (
        depth_efficiency_table,
        format_depth_table,
        tent_map_network,
        width_study,
    )
    from scidl.plot import subplots

    widths = (1, 2, 4, 8) if quick else (1, 2, 4, 8, 16, 32)
    rows = width_study(
        widths=widths,
        steps=100 if quick else 300,
        restarts=1 if quick else 2,
        random_state=random_state,
    )
    width_table = "width  params   test MSE\n" + "\n".join(
        f"{r['width']:>5} {r['parameters']:>7} {r['test_mse']:10.2e}" for r in rows
    )
    ks = range(1, 5) if quick else range(1, 9)
    depth_rows = depth_efficiency_table(ks, steps=100 if quick else 300, random_state=random_state)
    depth_table = format_depth_table(depth_rows)

    fig, axes = subplots(1, 2, figsize=(10, 3.8))
    axes[0].loglog([r["width"] for r in rows], [r["test_mse"] for r in rows], "o-")
    axes[0].set_xlabel("hidden units")
    axes[0].set_ylabel("test MSE")
    axes[0].set_title("One hidden layer: error vs width")
    x = torch.linspace(0, 1, 2001, dtype=torch.float64)[:, None]
    for k in (1, 2, 3, 4):
        with torch.no_grad():
            axes[1].plot(
                x.numpy(), tent_map_network(k)(x).numpy() + 1.2 * (k - 1), lw=1, label=f"k = {k}"
            )
    axes[1].set_title("Tent map composed k times (offset)")
    axes[1].legend(fontsize=7)
    metrics = {
        "width_test_mse": {str(r["width"]): r["test_mse"] for r in rows},
        "deep_exact_accuracy": {str(r["k"]): r["deep_exact_accuracy"] for r in depth_rows},
        "deep_trained_accuracy": {str(r["k"]): r["deep_trained_accuracy"] for r in depth_rows},
        "shallow_trained_accuracy": {
            str(r["k"]): r["shallow_trained_accuracy"] for r in depth_rows
        },
        "deep_pieces": {str(r["k"]): r["deep_pieces"] for r in depth_rows},
    }
    text = (
        "Width study (one hidden tanh layer, L-BFGS):\n"
        + width_table
        + "\n\nDepth efficiency (Telgarsky):\n"
        + depth_table
        + "\n\nThe exact deep construction always classifies every point with 6k+1 weights; "
        "trained from random weights the same narrow deep network usually does not find it. A "
        "shallow network needs at least 2^k - 1 hidden units: trained (all weights, L-BFGS), one "
        "with 2^k - 2 units always misclassifies some point, while one with 2^(k+1) units "
        "classifies them all, with about 30 times the weights of the deep construction at k = 8."
    )
    widest = rows[-1]
    headline = (f"test MSE of one hidden layer, width {widest['width']}", widest["test_mse"])
    return DemoOutput(metrics, {"width_and_depth": fig}, text, headline)
