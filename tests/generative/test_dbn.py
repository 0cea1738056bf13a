"""Deep belief networks: greedy layer-wise pretraining and the MLP it initialises."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from sklearn.base import clone
from sklearn.exceptions import NotFittedError

from scidl.base import load
from scidl.generative import (
    RBM,
    DBNInitializer,
    DeepBeliefNetwork,
    DeepBeliefNetworkModule,
    compare_pretraining,
)
from scidl.nn import MLPClassifier
from scidl.plot import plot_pretraining_curves
from scidl.training import Callback


def _binary_data(n=120, d=12, seed=0):
    """Noisy copies of two prototypes: binary data with structure an RBM can learn."""
    rng = np.random.default_rng(seed)
    protos = rng.random((2, d)) > 0.5
    labels = rng.integers(0, 2, n)
    X = protos[labels] ^ (rng.random((n, d)) < 0.1)
    return X.astype(np.float64), labels


@pytest.fixture(scope="module")
def data():
    return _binary_data()


@pytest.fixture(scope="module")
def dbn(data):
    X, _ = data
    return DeepBeliefNetwork(
        (8, 5), max_epochs=4, batch_size=16, dtype="float64", random_state=0
    ).fit(X)


class _Snapshot(Callback):
    """Keeps a copy of the network as the loop starts (after the initialiser has run)."""

    def on_train_begin(self, state):
        self.module = [
            (m.weight.detach().clone(), m.bias.detach().clone()) for m in state.module.linear_layers
        ]


def test_layers_are_rbms_fitted_by_hand_on_the_layer_below(data, dbn):
    X, _ = data
    assert [type(r) for r in dbn.layers_] == [RBM, RBM]
    H = X
    for rbm in dbn.layers_:
        by_hand = RBM(**rbm.get_params()).fit(H)  # same seed, same settings
        np.testing.assert_array_equal(by_hand.components_, rbm.components_)
        np.testing.assert_array_equal(by_hand.intercept_hidden_, rbm.intercept_hidden_)
        np.testing.assert_array_equal(by_hand.intercept_visible_, rbm.intercept_visible_)
        H = by_hand.transform(H)
    assert dbn.layers_[0].visible == "bernoulli" and dbn.layers_[1].visible == "bernoulli"
    assert dbn.layers_[0].random_state != dbn.layers_[1].random_state
    assert dbn.n_epochs_ == 8 and dbn.n_features_in_ == X.shape[1]


def test_transform_is_the_up_pass_of_the_rbms(data, dbn):
    X, _ = data
    H = dbn.layers_[1].transform(dbn.layers_[0].transform(X))
    np.testing.assert_allclose(dbn.transform(X), H, rtol=0, atol=1e-12)
    assert dbn.transform(X.astype(np.float32)).dtype == np.float32
    hs = dbn.module_.up(torch.as_tensor(X))
    assert [h.shape[1] for h in hs] == [8, 5]


def test_down_pass_of_one_layer_is_the_rbm_visible_mean(data, dbn):
    X, _ = data
    one = DeepBeliefNetworkModule(X.shape[1], 8).double()
    rbm = dbn.layers_[0]
    with torch.no_grad():
        one.layers[0].weight.copy_(torch.as_tensor(rbm.components_))
        one.layers[0].bias.copy_(torch.as_tensor(rbm.intercept_hidden_))
        one.visible_biases[0].copy_(torch.as_tensor(rbm.intercept_visible_))
        h = one(torch.as_tensor(X))
        expected = rbm.module_.visible_mean(h)
        np.testing.assert_allclose(one.down(h).numpy(), expected.numpy(), atol=1e-12)
    assert dbn.module_.down(torch.zeros(3, 5, dtype=torch.float64)).shape == (3, X.shape[1])


def test_initialised_mlp_computes_the_rbm_hidden_preactivations(data, dbn):
    X, y = data
    snap = _Snapshot()
    clf = dbn.to_mlp_classifier(max_epochs=1, dtype="float64", random_state=0, callbacks=[snap])
    assert clf.hidden_sizes == (8, 5) and clf.activation == "sigmoid" and clf.dropout == 0.0
    assert isinstance(clf.callbacks[0], DBNInitializer) and clf.callbacks[1] is snap
    clf.fit(X, y)
    x = torch.as_tensor(X)
    (W1, b1), (W2, b2), _ = snap.module
    with torch.no_grad():
        pre1 = x @ W1.T + b1  # the MLP's first-layer pre-activations W x + b
        expected1 = dbn.layers_[0].module_.hidden_activation(x)
        np.testing.assert_allclose(pre1.numpy(), expected1.numpy(), atol=1e-12)
        pre2 = torch.sigmoid(pre1) @ W2.T + b2
        h1 = dbn.layers_[0].module_.hidden_probability(x)
        expected2 = dbn.layers_[1].module_.hidden_activation(h1)
        np.testing.assert_allclose(pre2.numpy(), expected2.numpy(), atol=1e-12)


def test_fine_tuning_starts_from_the_pretrained_weights(data, dbn):
    X, y = data
    params = dict(max_epochs=2, dtype="float64", random_state=0)
    pre = dbn.to_mlp_classifier(**params).fit(X, y)
    again = dbn.to_mlp_classifier(**params).fit(X, y)
    rand = MLPClassifier((8, 5), activation="sigmoid", dropout=0.0, **params).fit(X, y)
    loss = [m.history_[0]["train_loss"] for m in (pre, again, rand)]
    assert loss[0] == loss[1]  # deterministic
    assert abs(loss[0] - loss[2]) > 1e-6  # and not the random start
    # the output layer is the random one, the same as in the random start with the same seed
    snap_pre, snap_rand = _Snapshot(), _Snapshot()
    dbn.to_mlp_classifier(**params, callbacks=[snap_pre]).fit(X, y)
    MLPClassifier((8, 5), activation="sigmoid", **params, callbacks=[snap_rand]).fit(X, y)
    torch.testing.assert_close(snap_pre.module[-1], snap_rand.module[-1])
    assert not torch.equal(snap_pre.module[0][0], snap_rand.module[0][0])


def test_clone_of_initialised_classifier_still_starts_from_the_dbn(data, dbn):
    X, y = data
    clf = dbn.to_mlp_classifier(max_epochs=1, dtype="float64", random_state=0)
    a = clf.fit(X, y).history_[0]["train_loss"]
    b = clone(clf).fit(X, y).history_[0]["train_loss"]
    assert a == b


def test_to_mlp_classifier_rejects_other_architectures(dbn):
    with pytest.raises(ValueError, match="hidden_sizes"):
        dbn.to_mlp_classifier(hidden_sizes=(8, 4))
    with pytest.raises(ValueError, match="activation"):
        dbn.to_mlp_classifier(activation="relu")
    assert dbn.to_mlp_classifier(hidden_sizes=[8, 5], activation="sigmoid").hidden_sizes == (8, 5)
    with pytest.raises(NotFittedError):
        DeepBeliefNetwork().to_mlp_classifier()


def test_initializer_rejects_a_network_of_another_shape(data, dbn):
    X, y = data
    wrong = MLPClassifier((7, 5), activation="sigmoid", max_epochs=1, random_state=0)
    wrong.set_params(callbacks=[DBNInitializer(dbn)])
    with pytest.raises(ValueError, match="shape"):
        wrong.fit(X, y)
    shallow = MLPClassifier((8,), max_epochs=1, callbacks=[DBNInitializer(dbn)], random_state=0)
    with pytest.raises(ValueError, match="hidden layers"):
        shallow.fit(X, y)
    with pytest.raises(ValueError, match="features"):
        dbn.to_mlp_classifier(max_epochs=1).fit(X[:, :-1], y)


def test_gaussian_first_layer(data):
    X, _ = data
    Z = (X - X.mean(0)) / X.std(0)
    dbn = DeepBeliefNetwork((6, 3), visible="gaussian", max_epochs=2, lr=0.01, random_state=0)
    dbn.fit(Z)
    assert [r.visible for r in dbn.layers_] == ["gaussian", "bernoulli"]
    assert dbn.module_.visible == "gaussian"
    out = dbn.transform(Z)
    assert out.shape == (len(Z), 3) and np.all((out >= 0) & (out <= 1))


def test_bad_hyperparameters_and_inputs(data):
    X, _ = data
    with pytest.raises(ValueError, match="hidden_sizes"):
        DeepBeliefNetwork(()).fit(X)
    with pytest.raises(ValueError, match="hidden_sizes"):
        DeepBeliefNetwork((4, 0)).fit(X)
    with pytest.raises(ValueError, match="visible"):
        DeepBeliefNetwork(visible="poisson").fit(X)
    with pytest.raises(ValueError, match="k"):
        DeepBeliefNetwork(k=0).fit(X)
    with pytest.raises(ValueError, match="visible"):
        DeepBeliefNetworkModule(4, 2, visible="binary")
    fitted = DeepBeliefNetwork((4,), max_epochs=1, random_state=0).fit(X)
    with pytest.raises(ValueError, match="features"):
        fitted.transform(X[:, :3])
    with pytest.raises(NotFittedError):
        DeepBeliefNetwork().transform(X)


def test_compare_pretraining_small():
    X, y = _binary_data(160, 10, seed=1)
    out = compare_pretraining(
        X[:100],
        y[:100],
        X[100:],
        y[100:],
        n_labels=(10, 40),
        n_seeds=2,
        hidden_sizes=(6,),
        dbn_params={"max_epochs": 2},
        mlp_params={"dtype": "float64"},
        n_steps=8,
    )
    assert out["n_labels"] == [10, 40]
    assert out["pretrained"].shape == out["random"].shape == (2, 2)
    assert np.all((out["pretrained"] >= 0) & (out["pretrained"] <= 1))
    # the same number of steps: 10 labels in 1 batch of 32 -> 8 epochs; 40 in 2 -> 4 epochs
    assert out["max_epochs"] == [8, 4]
    assert isinstance(out["dbn"], DeepBeliefNetwork)
    assert set(out["classifiers"]) == {"pretrained", "random"}
    np.testing.assert_allclose(out["pretrained_mean"], out["pretrained"].mean(1))


def test_compare_pretraining_bad_input():
    X, y = _binary_data(60, 6)
    with pytest.raises(ValueError, match="y"):
        compare_pretraining(X, y[:-1], X, y)
    with pytest.raises(ValueError, match="X_test"):
        compare_pretraining(X, y, X[:, :3], y)
    with pytest.raises(ValueError, match="n_seeds"):
        compare_pretraining(X, y, X, y, n_seeds=0)
    with pytest.raises(ValueError, match="n_labels"):
        compare_pretraining(X, y, X, y, n_labels=(0,))
    with pytest.raises(ValueError, match="X"):
        compare_pretraining(np.full_like(X, np.nan), y, X, y)


def test_plot_pretraining_curves():
    fig = plot_pretraining_curves(
        [100, 500, 1000],
        [[0.7, 0.72], [0.85, 0.86], [0.9, 0.91]],
        [[0.6, 0.62], [0.8, 0.82], [0.88, 0.89]],
        reference={"pretrained": (1000, 0.937), "random": (1000, 0.887)},
    )
    ax = fig.axes[0]
    assert ax.get_xscale() == "log" and len(ax.lines) == 2
    with pytest.raises(ValueError, match="pretrained"):
        plot_pretraining_curves([100, 500], [[0.7]], [[0.6], [0.7]])
    with pytest.raises(ValueError, match="n_labels"):
        plot_pretraining_curves([], [], [])
    with pytest.raises(TypeError, match="ax"):
        plot_pretraining_curves([100], [0.7], [0.6], ax="not an axes")


def test_save_and_load_round_trip_keeps_every_layer(tmp_path, data, dbn):
    """The RBMs of ``layers_`` are stored inside the network's file and come back fitted."""
    X, _ = data
    loaded = load(dbn.save(tmp_path / "dbn.pt"))
    assert [type(r) for r in loaded.layers_] == [RBM, RBM]
    H = X
    for mine, theirs in zip(dbn.layers_, loaded.layers_):
        assert theirs.get_params() == mine.get_params()
        np.testing.assert_array_equal(theirs.components_, mine.components_)
        np.testing.assert_array_equal(theirs.transform(H), mine.transform(H))
        H = mine.transform(H)
    np.testing.assert_array_equal(loaded.transform(X), dbn.transform(X))
