"""Demo "dbn-pretraining": greedy layer-wise pretraining with RBMs, the 2006 breakthrough."""

from __future__ import annotations

import time

from scidl.demos._registry import DemoOutput, register

_N_TEST = 1000  # of the 5,000-image sample: a stratified 4,000 / 1,000 split
_FULL = {
    "hidden": (500, 500),
    "epochs": 10,  # CD-1 epochs per RBM
    "steps": 300,  # fine-tuning minibatch steps, the same for every labelled-set size
    "labels": (100, 500, 1000),
    "seeds": 2,
    "n_train": None,
    "dbn_params": {},  # the RBM defaults: SGD with momentum, lr 0.05, batches of 64
    "mlp_params": {},  # compare_pretraining's: Adam, lr 1e-3, batches of 32
}
_QUICK = {
    "hidden": (100,),
    "epochs": 5,
    "steps": 100,
    "labels": (100, 500),
    "seeds": 1,
    "n_train": 1000,
    # few images: smaller RBM batches and a larger rate, so that the RBM learns in 5 epochs
    "dbn_params": {"lr": 0.1, "batch_size": 20},
    "mlp_params": {"lr": 1e-2},
}
# Published figures on full MNIST (60,000 images), 1,000 labels; see the anchors.
_ANCHOR = {"pretrained": (1000, 0.937), "random": (1000, 0.887)}


@register(
    "dbn-pretraining",
    "Deep belief networks: greedy layer-wise pretraining",
    chapter=8,
    position=4,
)
def run(*, quick=False, random_state=0):
    """Pretrain a stack of RBMs on unlabelled digits, then fine-tune with few labels.

    A :class:`scidl.generative.DeepBeliefNetwork` (two RBMs of 500 hidden
    units, CD-1) is trained layer by layer on the 4,000 training digits of the
    MNIST sample without their labels. With 100, 500 and 1,000 labelled digits,
    a sigmoid MLP of the same shape is fine-tuned from the DBN's weights and,
    for comparison, from random weights, with the same budget; both are scored
    on 1,000 held-out digits, over two seeds.

    Returns
    -------
    DemoOutput
        ``metrics`` (accuracies per labelled-set size and seed, their means),
        ``figures`` (accuracy versus labels, first-layer RBM filters, first-layer
        weights after fine-tuning from each start), ``text`` and the headline
        (the accuracy gain of pretraining with the fewest labels).
    """
    import numpy as np

    from scidl.data import load_mnist, train_test_split_stratified
    from scidl.generative import compare_pretraining
    from scidl.plot import plot_first_layer_weights, plot_image_grid, plot_pretraining_curves

    start = time.perf_counter()
    cfg = _QUICK if quick else _FULL
    X, y = load_mnist(flatten=True, normalize=True)
    X_train, X_test, y_train, y_test = train_test_split_stratified(
        X, y, test_size=_N_TEST, random_state=random_state
    )
    if cfg["n_train"] is not None:  # a stratified part of the training set
        _, X_train, _, y_train = train_test_split_stratified(
            X_train, y_train, test_size=cfg["n_train"], random_state=random_state
        )
        X_test, y_test = X_test[:500], y_test[:500]
    out = compare_pretraining(
        X_train,
        y_train,
        X_test,
        y_test,
        n_labels=cfg["labels"],
        n_seeds=cfg["seeds"],
        hidden_sizes=cfg["hidden"],
        dbn_params={"max_epochs": cfg["epochs"], **cfg["dbn_params"]},
        mlp_params=cfg["mlp_params"],
        n_steps=cfg["steps"],
        random_state=random_state,
    )
    sizes = out["n_labels"]
    pre, rnd = np.asarray(out["pretrained_mean"]), np.asarray(out["random_mean"])
    gain = pre - rnd
    dbn = out["dbn"]
    filters = dbn.layers_[0].components_[:40]
    clfs = out["classifiers"]
    figures = {
        "accuracy_vs_labels": plot_pretraining_curves(
            sizes, out["pretrained"], out["random"], reference=_ANCHOR
        ),
        "rbm_filters": plot_image_grid(
            filters, ncols=10, cmap="RdBu_r", title="First RBM: weights of 40 hidden units"
        ),
        "fine_tuned_from_dbn": plot_first_layer_weights(
            clfs["pretrained"],
            units=range(16),
            title=f"First layer after fine-tuning on {sizes[-1]} labels, pretrained start",
        ),
        "fine_tuned_from_random": plot_first_layer_weights(
            clfs["random"],
            units=range(16),
            title=f"First layer after fine-tuning on {sizes[-1]} labels, random start",
        ),
    }
    metrics = {
        "n_labels": sizes,
        "accuracy_pretrained": out["pretrained"].tolist(),
        "accuracy_random": out["random"].tolist(),
        "accuracy_pretrained_mean": pre.tolist(),
        "accuracy_random_mean": rnd.tolist(),
        "gain_mean": gain.tolist(),
        "hidden_sizes": list(cfg["hidden"]),
        "pretraining_epochs_per_rbm": cfg["epochs"],
        "fine_tuning_steps": cfg["steps"],
        "fine_tuning_epochs": out["max_epochs"],
        "n_seeds": cfg["seeds"],
        "n_unlabelled": int(len(X_train)),
        "n_test": int(len(X_test)),
        "published_1000_labels": {"pretrained": 0.937, "random": 0.887},
        "seconds": time.perf_counter() - start,
    }
    rows = ", ".join(
        f"{n} labels: {100 * p:.1f} % vs {100 * r:.1f} %" for n, p, r in zip(sizes, pre, rnd)
    )
    text = (
        "In 2006 Hinton, Osindero and Teh trained deep networks by first fitting a stack of "
        "restricted Boltzmann machines without labels, each to the hidden activities of the one "
        "below, and then fine-tuning the whole stack by backpropagation. Here the stack "
        f"{tuple(cfg['hidden'])} is pretrained by CD-1 on {len(X_train)} unlabelled digits; a "
        "sigmoid MLP of the same shape is then trained on a few labelled digits from the DBN's "
        "weights or from random ones, with the same number of Adam steps. Test accuracy, "
        f"pretrained vs random (mean over {cfg['seeds']} seed(s)): {rows}. The gain is largest "
        "when labels are fewest: the unlabelled images have already shaped the first-layer "
        "weights into stroke detectors (see the filters), which a few hundred labels cannot "
        "teach a randomly initialised network. The published figures on full MNIST (60,000 "
        "unlabelled images, 1,000 labels: 93.7 % vs 88.7 %) come from far more pretraining data "
        "and a larger network."
    )
    if quick:
        text += (
            f" (Quick mode: {len(X_train)} training digits, one {cfg['hidden']} layer, "
            f"{cfg['epochs']} pretraining epochs; the numbers are not converged.)"
        )
    headline = (f"pretraining gain in test accuracy, {sizes[0]} labels", float(gain[0]))
    return DemoOutput(metrics, figures, text, headline)
