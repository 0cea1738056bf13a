"""Demo "dcgan-mnist": a deep convolutional GAN on the MNIST sample, judged by a classifier."""

from __future__ import annotations

import time

import numpy as np

from scidl.demos._registry import DemoOutput, register

_N_TEST = 1000  # of the 5,000-image sample: a 4,000 / 1,000 split, stratified
_FULL = {"n_train": 4000, "epochs": 15, "channels": (32, 16), "clf_epochs": 5, "n_eval": 1000}
_QUICK = {"n_train": 300, "epochs": 1, "channels": (8, 4), "clf_epochs": 1, "n_eval": 200}
_MODELS = {"plain (pack=1)": {"pack": 1}, "packed (pack=2)": {"pack": 2}}


def classifier_features(clf, X):
    """Penultimate-layer features of a fitted ``scidl.nn.ConvNetClassifier`` (its ``module_``)."""
    import torch

    net = clf.module_
    param = next(net.parameters())
    out = []
    with torch.no_grad():
        for i in range(0, len(X), 256):
            x = torch.as_tensor(np.asarray(X[i : i + 256]), dtype=param.dtype)
            x = x.reshape(len(x), *net.in_shape)
            out.append(net.head[:-1](net.features(x)).numpy())
    return np.concatenate(out).astype(np.float64)


@register("dcgan-mnist", "A DCGAN on MNIST digits", chapter=8, position=6)
def run(*, quick=False, random_state=0):
    """Train DCGANs with and without PacGAN packing on MNIST digits; compare their samples
    with held-out digits through scidl's own MNIST ConvNet.

    Returns
    -------
    DemoOutput
        ``metrics`` (Fréchet distance in classifier features and the per-class share of
        generated digits, per model; the classifier's test accuracy), ``figures`` (sample
        grids over training, class shares, losses), ``text`` and the headline (the
        Fréchet distance of the packed DCGAN).
    """
    import torch

    from scidl.data import load_mnist, train_test_split_stratified
    from scidl.generative import DCGAN, frechet_distance
    from scidl.nn import ConvNetClassifier
    from scidl.plot import plot_class_shares, plot_gan_losses, plot_image_grid
    from scidl.training import Recorder

    start = time.perf_counter()
    s = _QUICK if quick else _FULL
    X, y = load_mnist(flatten=True, normalize=True)
    X = X.astype(np.float32)
    X_train, X_test, y_train, y_test = train_test_split_stratified(
        X, y, test_size=_N_TEST, random_state=random_state
    )
    X_train, y_train = X_train[: s["n_train"]], y_train[: s["n_train"]]
    X_test, y_test = X_test[: s["n_eval"]], y_test[: s["n_eval"]]
    clf = ConvNetClassifier(
        channels=(8,) if quick else (32, 64),
        hidden_sizes=(32,) if quick else (128,),
        max_epochs=s["clf_epochs"],
        random_state=random_state,
    ).fit(X_train, y_train)
    metrics = {"classifier_test_accuracy": float(clf.score(X_test, y_test))}
    real_features = classifier_features(clf, X_test)
    figures, shares, lines = {}, {}, []
    for label, params in _MODELS.items():
        key = "packed" if params["pack"] == 2 else "plain"
        z = torch.randn(10, 64, generator=torch.Generator().manual_seed(random_state))
        rec = Recorder(
            lambda st, z=z: st.module.generate(z).numpy(), every=max(1, s["epochs"] // 3)
        )
        gan = DCGAN(
            channels=s["channels"],
            max_epochs=s["epochs"],
            random_state=random_state,
            callbacks=[rec],
            **params,
        ).fit(X_train)
        samples = gan.sample(s["n_eval"], random_state=random_state).astype(np.float32)
        fd = frechet_distance(classifier_features(clf, samples), real_features)
        share = np.bincount(clf.predict(samples), minlength=10) / len(samples)
        shares[label] = share
        metrics[f"{key}_frechet_distance"] = fd
        metrics[f"{key}_class_shares"] = [float(v) for v in share]
        metrics[f"{key}_min_class_share"] = float(share.min())
        epochs = [r[0] for r in rec.records]
        figures[f"{key}_samples_over_training"] = plot_image_grid(
            np.concatenate([r[2] for r in rec.records]),
            ncols=10,
            title=f"DCGAN {label}: the same 10 codes after epochs {epochs} (one row each)",
        )
        figures[f"{key}_losses"] = plot_gan_losses(gan, title=f"DCGAN {label}")
        lines.append(
            f"{label}: Fréchet distance {fd:.1f}, smallest class share {100 * share.min():.1f} %"
        )
    # the same distance between two halves of the real held-out digits: the floor
    half = len(real_features) // 2
    metrics["real_vs_real_frechet_distance"] = frechet_distance(
        real_features[:half], real_features[half:]
    )
    figures["class_shares"] = plot_class_shares(shares)
    metrics["seconds"] = time.perf_counter() - start
    text = (
        "A deep convolutional GAN (Radford et al. 2016: strided transposed convolutions, "
        "batch normalisation in the generator, LeakyReLU in the discriminator, Adam with "
        "beta1 = 0.5) learns to draw digits. Two numbers need no external network: the "
        "Fréchet distance between Gaussians fitted to the penultimate-layer features of "
        "scidl's own MNIST ConvNet (test accuracy "
        f"{metrics['classifier_test_accuracy']:.3f}) for generated and held-out digits (the "
        "FID with a home-grown feature extractor; two halves of the real test digits give "
        f"{metrics['real_vs_real_frechet_distance']:.1f}), and the share of generated digits "
        "the classifier puts in each class (mode collapse shows as missing digits). "
        + "; ".join(lines)
        + "."
    )
    if quick:
        text += " (Quick mode: tiny networks and one epoch; numbers are not meaningful.)"
    headline = ("Fréchet distance, packed DCGAN", metrics["packed_frechet_distance"])
    return DemoOutput(metrics, figures, text, headline)
