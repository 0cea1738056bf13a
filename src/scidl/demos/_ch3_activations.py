"""Demo: the table of activation functions and their derivatives."""

from __future__ import annotations

from scidl.demos._registry import DemoOutput, register


@register("activations", "Activation functions and their derivatives", chapter=3, position=1)
def run(*, quick=False, random_state=0):
    """Plot every activation function of scidl with its derivative; train a small MLP with each.

    The derivatives are closed forms, checked against autograd in the tests.
    Sigmoid and tanh saturate (small derivatives for large |x|); ReLU and its
    relatives keep a unit slope for x > 0, which makes deep networks easier to
    train.
    """
    from scidl.data import make_moons
    from scidl.nn import MLPClassifier
    from scidl.plot import plot_activations

    X, y = make_moons(200, noise=0.15, random_state=random_state)
    names = ["sigmoid", "tanh", "relu", "leaky_relu", "elu", "gelu", "silu", "softplus", "gaussian"]
    if quick:
        names = names[:3]
    accuracy = {}
    for name in names:
        clf = MLPClassifier(
            (16, 16),
            activation=name,
            dropout=0.0,
            lr=0.01,
            max_epochs=5 if quick else 60,
            batch_size=32,
            random_state=random_state,
        ).fit(X, y)
        accuracy[name] = float(clf.score(X, y))
    lines = "\n".join(f"{n:>12}: {a:.1%}" for n, a in accuracy.items())
    text = "Training accuracy of a 16-16 MLP on the moons with each activation:\n" + lines
    best = max(accuracy, key=accuracy.get)
    return DemoOutput(
        {f"train_accuracy_{k}": v for k, v in accuracy.items()},
        {"activation_table": plot_activations()},
        text,
        (f"best training accuracy ({best})", accuracy[best]),
    )
