"""Demo: backpropagation on a computing graph, and an MLP trained from scratch."""

from __future__ import annotations

import time

import numpy as np

from scidl.demos._registry import DemoOutput, register


@register("backprop", "Backpropagation on computing graphs", chapter=3, position=5)
def run(*, quick=False, random_state=0):
    """Build a small network's computing graph, backpropagate, train an MLP written from scratch.

    scidl.autodiff is a micrograd-style engine on NumPy arrays. The demo checks
    its gradients against torch.autograd, shows the DOT text of both graphs
    (rendered to SVG by Graphviz where installed), and trains the from-scratch
    MLP on the MNIST sample.
    """
    import torch

    from scidl.autodiff import MLPClassifier, Value, draw_graph, softmax_cross_entropy
    from scidl.data import load_mnist, train_test_split_stratified
    from scidl.plot import subplots

    rng = np.random.default_rng(random_state)
    x, w, b = rng.normal(size=(4, 3)), rng.normal(size=(3, 2)), rng.normal(size=2)
    labels = np.array([0, 1, 1, 0])
    W, B = Value(w, name="W"), Value(b, name="b")
    loss = softmax_cross_entropy((Value(x, name="x", requires_grad=False) @ W + B).tanh(), labels)
    loss.backward()
    wt = torch.tensor(w, requires_grad=True)
    bt = torch.tensor(b, requires_grad=True)
    lt = torch.nn.functional.cross_entropy(
        torch.tanh(torch.tensor(x) @ wt + bt), torch.tensor(labels)
    )
    lt.backward()
    grad_error = float(
        max(np.abs(W.grad - wt.grad.numpy()).max(), np.abs(B.grad - bt.grad.numpy()).max())
    )
    dot_scidl = draw_graph(loss, show_grad=True)
    dot_torch = draw_graph(lt, show_grad=True)

    X, y = load_mnist(flatten=True, normalize=True)
    X_train, X_test, y_train, y_test = train_test_split_stratified(
        X, y, test_size=1000, random_state=random_state
    )
    if quick:
        X_train, y_train = X_train[:1000], y_train[:1000]
    start = time.perf_counter()
    clf = MLPClassifier((64,), max_epochs=2 if quick else 5, random_state=random_state).fit(
        X_train, y_train
    )
    seconds = time.perf_counter() - start
    accuracy = float(clf.score(X_test, y_test))

    fig, ax = subplots(figsize=(5.2, 3.6))
    ax.plot(clf.loss_curve_, lw=0.8)
    ax.set_xlabel("minibatch step")
    ax.set_ylabel("cross-entropy")
    ax.set_title("From-scratch MLP on MNIST")
    metrics = {
        "max_grad_difference_vs_torch": grad_error,
        "mnist_test_accuracy": accuracy,
        "fit_seconds": seconds,
        "n_train": len(X_train),
    }
    text = (
        "Gradients of a tanh layer + softmax cross-entropy agree with torch.autograd to "
        f"{grad_error:.1e}. The from-scratch 784-64-10 MLP reaches {accuracy:.1%} test accuracy in "
        f"{seconds:.1f} s.\n\nscidl.autodiff graph (DOT):\n{dot_scidl}\ntorch graph "
        f"(DOT):\n{dot_torch}"
    )
    headline = ("from-scratch MLP test accuracy", accuracy)
    return DemoOutput(metrics, {"scratch_mlp_loss": fig}, text, headline)
