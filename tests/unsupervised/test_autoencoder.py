"""Autoencoders: the linear autoencoder spans the PCA subspace; API, shapes, persistence."""

import numpy as np
import pytest
import torch
from scipy.linalg import subspace_angles
from sklearn.utils.estimator_checks import check_transformer_preserve_dtypes

import scidl
from scidl.unsupervised import (
    PCA,
    Autoencoder,
    AutoencoderModule,
    ConvAutoencoder,
    ConvAutoencoderModule,
)
from scidl.utils import parameter_constraints


def _gap_data(n=500, d=8, seed=0):
    """Two strong directions (std 3 and 2) and six weak ones (std 0.3): a clear spectral gap."""
    rng = np.random.default_rng(seed)
    Q = np.linalg.qr(rng.normal(size=(d, d)))[0]
    return rng.normal(size=(n, d)) * np.r_[3.0, 2.0, [0.3] * (d - 2)] @ Q.T + 1.0


def test_linear_autoencoder_spans_pca_subspace():
    """The lecture's claim: a converged linear AE with bottleneck k spans the top-k PCA subspace."""
    X = _gap_data()
    k = 2
    pca = PCA(k).fit(X)
    ae = Autoencoder(
        (),
        k,
        activation="identity",
        optimizer="lbfgs",
        lr=1.0,
        batch_size=len(X),
        max_epochs=10,
        validation_fraction=0.0,
        patience=None,
        dtype="float64",
        random_state=0,
    ).fit(X)
    decoder_weight = ae.module_.decoder[0].linear_layers[-1].weight.detach().numpy()  # (d, k)
    largest_angle = np.degrees(subspace_angles(decoder_weight, pca.components_.T)).max()
    assert largest_angle < 1.0
    # The codes span the same space as the PCA projections.
    codes = ae.transform(X)
    proj = pca.transform(X)
    assert np.degrees(subspace_angles(codes - codes.mean(0), proj)).max() < 1.0
    # Same reconstruction error within 1 %.
    assert abs(ae.score(X) / pca.score(X) - 1) < 0.01


@pytest.mark.slow
def test_linear_autoencoder_with_minibatch_adam_approaches_pca():
    X = _gap_data(n=256)
    pca = PCA(2).fit(X)
    ae = Autoencoder(
        (),
        2,
        activation="identity",
        lr=0.02,
        batch_size=64,
        max_epochs=60,
        validation_fraction=0.0,
        patience=None,
        random_state=0,
    ).fit(X)
    assert ae.score(X) > 1.1 * pca.score(X)  # within 10 % after a short minibatch run
    assert ae.history_["train_loss"][-1] < ae.history_["train_loss"][0]


@pytest.mark.slow
def test_nonlinear_autoencoder_beats_pca_on_a_curve():
    # Points on a circle: one nonlinear coordinate (the angle) explains them; one PCA axis cannot.
    rng = np.random.default_rng(0)
    t = rng.uniform(0, 2 * np.pi, 256)
    X = np.c_[np.cos(t), np.sin(t)] + 0.01 * rng.normal(size=(256, 2))
    pca_err = -PCA(1).fit(X).score(X)
    ae = Autoencoder(
        (32, 32),
        1,
        activation="tanh",
        lr=0.01,
        batch_size=32,
        max_epochs=150,
        validation_fraction=0.0,
        patience=None,
        random_state=0,
    ).fit(X)
    assert -ae.score(X) < 0.5 * pca_err


def test_transform_inverse_transform_reconstruct_shapes():
    X = _gap_data(n=100)
    ae = Autoencoder((16,), 3, max_epochs=2, random_state=0).fit(X)
    Z = ae.transform(X)
    assert Z.shape == (100, 3) and Z.dtype == np.float64
    X_hat = ae.inverse_transform(Z)
    assert X_hat.shape == X.shape
    np.testing.assert_allclose(ae.reconstruct(X), X_hat, rtol=1e-5, atol=1e-5)
    assert ae.score(X) == pytest.approx(-np.mean((X_hat - X) ** 2), rel=1e-5)
    assert isinstance(ae.module_, AutoencoderModule)
    with pytest.raises(ValueError, match="n_components=3"):
        ae.inverse_transform(np.ones((2, 2)))
    with pytest.raises(ValueError, match="features"):
        ae.transform(np.ones((2, 5)))


def test_output_activation_bounds_reconstructions():
    X = np.random.default_rng(0).random((64, 6))
    ae = Autoencoder((8,), 2, output_activation="sigmoid", max_epochs=2, random_state=0).fit(X)
    X_hat = ae.reconstruct(X)
    assert X_hat.min() >= 0 and X_hat.max() <= 1


def test_reproducible_fit():
    X = _gap_data(n=100)
    a = Autoencoder((8,), 2, max_epochs=3, random_state=1).fit(X).transform(X)
    b = Autoencoder((8,), 2, max_epochs=3, random_state=1).fit(X).transform(X)
    np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize(
    ("params", "exc", "match"),
    [
        ({"n_components": 0}, ValueError, "n_components"),
        ({"activation": "rectifier"}, ValueError, "activation"),
        ({"output_activation": "softmax"}, ValueError, "output_activation"),
        ({"hidden_sizes": (8, -1)}, ValueError, "hidden_sizes"),
        ({"lr": -1.0}, ValueError, "lr"),
    ],
)
def test_bad_hyperparameters(params, exc, match):
    with pytest.raises(exc, match=match):
        Autoencoder(**{"max_epochs": 1, **params}).fit(np.ones((10, 3)))


def test_bad_input():
    with pytest.raises(ValueError, match="NaN"):
        Autoencoder(max_epochs=1).fit([[0.0, np.nan], [1.0, 1.0]])
    with pytest.raises(ValueError, match="2D"):
        Autoencoder(max_epochs=1).fit(np.ones(5))
    with pytest.raises(scidl.utils.NotFittedError):
        Autoencoder().transform(np.ones((2, 2)))


def test_save_load_round_trip(tmp_path):
    X = _gap_data(n=100)
    ae = Autoencoder((8,), 2, activation="tanh", max_epochs=2, random_state=0).fit(X)
    loaded = scidl.load(ae.save(tmp_path / "ae.pt"))
    np.testing.assert_array_equal(loaded.transform(X), ae.transform(X))
    np.testing.assert_array_equal(loaded.reconstruct(X), ae.reconstruct(X))


@pytest.mark.parametrize("shape", [(1, 28, 28), (3, 13, 10), (2, 7, 7)])
def test_conv_module_restores_any_image_size(shape):
    net = ConvAutoencoderModule(shape, 5, channels=(4, 6))
    x = torch.zeros(2, *shape)
    assert net.encode(x).shape == (2, 5)
    assert net(x).shape == (2, *shape)


def test_conv_autoencoder_learns_and_round_trips(tmp_path):
    rng = np.random.default_rng(0)
    # Images of one bright square at a random position: a 2-parameter family.
    X = np.zeros((64, 12, 12))
    for img, (i, j) in zip(X, rng.integers(0, 9, (64, 2))):
        img[i : i + 4, j : j + 4] = 1.0
    ae = ConvAutoencoder(
        (4, 8),
        n_components=4,
        lr=1e-2,
        max_epochs=10,
        batch_size=16,
        validation_fraction=0.0,
        patience=None,
        random_state=0,
    ).fit(X)
    assert ae.history_["train_loss"][-1] < 0.7 * ae.history_["train_loss"][0]
    assert ae.transform(X).shape == (64, 4)
    assert ae.reconstruct(X).shape == X.shape
    assert ae.inverse_transform(ae.transform(X)).shape == X.shape
    assert ae.score(X) == pytest.approx(-np.mean((ae.reconstruct(X) - X) ** 2), rel=1e-5)
    X4 = X[:, None]
    ae4 = ConvAutoencoder((4,), n_components=2, max_epochs=1, random_state=0).fit(X4)
    assert ae4.reconstruct(X4).shape == X4.shape
    loaded = scidl.load(ae.save(tmp_path / "cae.pt"))
    np.testing.assert_array_equal(loaded.transform(X), ae.transform(X))
    assert loaded.reconstruct(X).shape == X.shape
    with pytest.raises(ValueError, match="images of shape"):
        ae.transform(np.zeros((2, 10, 10)))


def test_conv_autoencoder_bad_input():
    with pytest.raises(ValueError, match="3D or 4D"):
        ConvAutoencoder(max_epochs=1).fit(np.ones((4, 9)))
    with pytest.raises(ValueError, match="odd"):
        ConvAutoencoder(kernel_size=4, max_epochs=1).fit(np.ones((4, 8, 8)))


# -- dtypes: arrays come back in the input's float dtype, whatever the network's -------------
@pytest.mark.parametrize("net_dtype", ["float32", "float64"])
@pytest.mark.parametrize("in_dtype", [np.float32, np.float64])
def test_outputs_keep_the_input_float_dtype(net_dtype, in_dtype):
    X = _gap_data(n=60).astype(in_dtype)
    ae = Autoencoder((4,), 2, max_epochs=1, dtype=net_dtype, random_state=0).fit(X)
    Z = ae.transform(X)
    assert Z.dtype == in_dtype and ae.fit_transform(X).dtype == in_dtype
    assert ae.reconstruct(X).dtype == in_dtype
    assert ae.inverse_transform(Z).dtype == in_dtype
    assert ae.transform(np.rint(X).astype(np.int64)).dtype == np.float64  # ints: float64
    images = np.random.default_rng(0).random((8, 6, 6)).astype(in_dtype)
    cae = ConvAutoencoder((2,), 3, max_epochs=1, dtype=net_dtype, random_state=0).fit(images)
    assert cae.transform(images).dtype == in_dtype
    assert cae.reconstruct(images).dtype == in_dtype
    assert cae.inverse_transform(cae.transform(images)).dtype == in_dtype


def test_sklearn_preserve_dtypes_check_and_true_tags():
    ae = Autoencoder((4,), 2, max_epochs=1, random_state=0)
    assert ae.__sklearn_tags__().transformer_tags.preserves_dtype == ["float64", "float32"]
    check_transformer_preserve_dtypes("Autoencoder", ae)
    tags = ConvAutoencoder().__sklearn_tags__()
    # ConvAutoencoder takes images (n, H, W) or (n, C, H, W) and rejects tables
    assert not tags.input_tags.two_d_array and tags.input_tags.three_d_array
    assert tags.transformer_tags.preserves_dtype == ["float64", "float32"]


# -- the one chunked inference loop ------------------------------------------------------
def test_results_across_inference_chunks_match_one_pass():
    X = np.random.default_rng(1).normal(size=(4100, 3))  # more rows than one chunk (4096)
    ae = Autoencoder((4,), 2, max_epochs=1, batch_size=1024, random_state=0).fit(X)
    xt = torch.as_tensor(X, dtype=torch.float32)
    with torch.no_grad():
        codes, recon = ae.module_.encode(xt).numpy(), ae.module_(xt)
    np.testing.assert_allclose(ae.transform(X), codes, rtol=1e-6, atol=1e-7)
    np.testing.assert_allclose(ae.reconstruct(X), recon.numpy(), rtol=1e-6, atol=1e-7)
    expected = -float(((recon.double() - xt.double()) ** 2).mean())
    assert ae.score(X) == pytest.approx(expected, rel=1e-6)


def test_read_only_input(tmp_path):
    X = _gap_data(n=50)
    np.save(tmp_path / "x.npy", X)
    mm = np.load(tmp_path / "x.npy", mmap_mode="r")
    ae = Autoencoder((4,), 2, max_epochs=1, random_state=0).fit(mm)
    np.testing.assert_array_equal(ae.transform(mm), ae.transform(X))
    assert ae.score(mm) == ae.score(X)


# -- hyperparameters and modules -----------------------------------------------------------
def test_constraints_are_declared_once_and_merged_along_the_mro():
    for cls in (Autoencoder, ConvAutoencoder):
        table = parameter_constraints(cls)
        assert set(cls().get_params()) == set(table)
        assert "n_components" not in vars(cls)["_parameter_constraints"]  # on the shared base
    assert cls().get_params()["device"] == "auto"


def test_module_constructors_and_reset_parameters():
    net = ConvAutoencoderModule(in_shape=(1, 9, 7), n_components=3, channels=(2,))
    assert net.in_shape == (1, 9, 7) and "in_shape=(1, 9, 7)" in repr(net)
    with pytest.raises(ValueError, match="in_shape"):
        ConvAutoencoderModule((9, 7), 3)
    with pytest.raises(ValueError, match="odd"):
        ConvAutoencoderModule((1, 9, 7), 3, kernel_size=4)
    dense = AutoencoderModule(5, 2, (3,), activation="tanh")
    assert "in_features=5, n_components=2" in repr(dense) and "'tanh'" in repr(dense)
    for module in (net, dense):
        torch.manual_seed(0)
        module.reset_parameters()
        first = [p.detach().clone() for p in module.parameters()]
        torch.manual_seed(0)
        module.reset_parameters()
        assert all(torch.equal(a, b) for a, b in zip(first, module.parameters()))
