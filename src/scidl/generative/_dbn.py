"""Deep belief networks: greedy layer-wise pretraining with stacked RBMs (Hinton et al., 2006)."""

from __future__ import annotations

import numbers

import numpy as np
import torch
from sklearn.base import TransformerMixin
from torch import nn

from scidl.base import NeuralEstimator
from scidl.data import train_test_split_stratified
from scidl.generative._rbm import RBM
from scidl.nn import MLPClassifier
from scidl.training import Callback
from scidl.utils import (
    InstanceOf,
    Interval,
    Options,
    check_array,
    check_fitted,
    check_int_sequence,
    make_seed,
    validate_data,
)

__all__ = [
    "DBNInitializer",
    "DeepBeliefNetwork",
    "DeepBeliefNetworkModule",
    "compare_pretraining",
]


def _output_dtype(dtype) -> np.dtype:
    """float32 input gives float32 output, anything else float64."""
    return np.dtype(np.float32) if np.dtype(dtype) == np.float32 else np.dtype(np.float64)


# -- torch module ----------------------------------------------------------------
class DeepBeliefNetworkModule(nn.Module):
    """The recognition (up) pass of a deep belief network: a stack of sigmoid layers.

    Layer ``i`` maps its input ``h`` to the hidden probabilities
    ``p(h_i = 1 | h_{i-1}) = sigmoid(W_i h_{i-1} + c_i)`` of the ``i``-th RBM;
    the visible biases ``b_i`` of each RBM are kept too, for the down pass
    (:meth:`down`).

    Parameters
    ----------
    in_features : int
        Number of visible units (input features).
    n_components : int
        Number of units of the top layer.
    hidden_sizes : sequence of int, default ()
        Widths of the layers below the top one, input side first; the layer
        widths are ``(*hidden_sizes, n_components)``.
    visible : {"bernoulli", "gaussian"}, default "bernoulli"
        The first RBM's visible units: the down pass ends in a sigmoid
        (Bernoulli) or is linear there (Gaussian).

    Attributes
    ----------
    in_features, n_components : int
        The constructor's arguments.
    visible : str
        The constructor's argument.
    hidden_sizes : tuple of int
        The constructor's argument.
    layers : torch.nn.ModuleList
        One ``Linear(n_in, n_out)`` per RBM: weights ``W_i`` (shape ``(n_out, n_in)``,
        as an RBM's ``components_``) and hidden biases ``c_i``.
    visible_biases : torch.nn.ParameterList
        The visible biases ``b_i`` of each RBM (length ``n_in``).

    Examples
    --------
    >>> import torch
    >>> from scidl.generative import DeepBeliefNetworkModule
    >>> net = DeepBeliefNetworkModule(6, 2, hidden_sizes=(4,))
    >>> net(torch.zeros(3, 6)).shape, [h.shape[1] for h in net.up(torch.zeros(3, 6))]
    (torch.Size([3, 2]), [4, 2])
    >>> net
    DeepBeliefNetworkModule(
      in_features=6, n_components=2, hidden_sizes=(4,), visible='bernoulli'
      (layers): ModuleList(...)
      (visible_biases): ParameterList(...)
    )
    """

    def __init__(self, in_features, n_components, hidden_sizes=(), *, visible="bernoulli"):
        super().__init__()
        if visible not in ("bernoulli", "gaussian"):
            raise ValueError(f"visible must be 'bernoulli' or 'gaussian'; got {visible!r}.")
        self.visible = visible
        self.in_features = in_features
        self.n_components = n_components
        self.hidden_sizes = tuple(hidden_sizes)
        sizes = (in_features, *self.hidden_sizes, n_components)
        self.layers = nn.ModuleList(nn.Linear(a, b) for a, b in zip(sizes[:-1], sizes[1:]))
        self.visible_biases = nn.ParameterList(nn.Parameter(torch.empty(a)) for a in sizes[:-1])
        self.reset_parameters()

    def reset_parameters(self):
        """Small random weights, zero biases: an untrained RBM stack."""
        for layer, b in zip(self.layers, self.visible_biases):
            nn.init.normal_(layer.weight, std=0.01)  # Hinton's (2010) guide: N(0, 0.01^2)
            nn.init.zeros_(layer.bias)
            nn.init.zeros_(b)

    def up(self, x):
        """The hidden probabilities of every layer, input side first (a list of tensors)."""
        out = []
        for layer in self.layers:
            x = torch.sigmoid(layer(x))
            out.append(x)
        return out

    def down(self, h):
        """The mean-field down pass from top-layer probabilities ``h`` to the visible layer.

        Each layer maps ``h_i`` to ``sigmoid(W_i^T h_i + b_i)``; the result has
        ``in_features`` columns (pixel probabilities for binary data); with
        Gaussian visible units the last step is linear, ``W_1^T h_1 + b_1``.
        """
        for i in reversed(range(len(self.layers))):
            h = h @ self.layers[i].weight + self.visible_biases[i]
            if i > 0 or self.visible == "bernoulli":
                h = torch.sigmoid(h)
        return h

    def forward(self, x):
        for layer in self.layers:
            x = torch.sigmoid(layer(x))
        return x

    def extra_repr(self) -> str:
        return (
            f"in_features={self.in_features}, n_components={self.n_components}, "
            f"hidden_sizes={self.hidden_sizes}, visible={self.visible!r}"
        )


# -- initialising a classifier ---------------------------------------------------
class DBNInitializer(Callback):
    """A callback that copies a fitted deep belief network into an MLP before training.

    At the start of training the first ``len(dbn.hidden_sizes)`` affine layers
    of the network being trained (a :class:`scidl.nn.MLP`, e.g. the ``module_``
    of a :class:`scidl.nn.MLPClassifier`) get the RBMs' weights ``W_i`` and
    hidden biases ``c_i``; the output layer keeps its random initialisation.
    With sigmoid hidden units the MLP's hidden layers then compute exactly the
    DBN's up pass, and fine-tuning by backpropagation starts from there
    (Hinton & Salakhutdinov, 2006). :meth:`DeepBeliefNetwork.to_mlp_classifier`
    builds such a classifier.

    Parameters
    ----------
    dbn : DeepBeliefNetwork
        A fitted deep belief network.

    Attributes
    ----------
    dbn : DeepBeliefNetwork
        The network whose weights are copied.

    Examples
    --------
    >>> import numpy as np
    >>> from scidl.generative import DBNInitializer, DeepBeliefNetwork
    >>> from scidl.nn import MLPClassifier
    >>> X = (np.random.default_rng(0).random((60, 6)) > 0.5).astype(float)
    >>> y = X[:, 0] > 0
    >>> dbn = DeepBeliefNetwork((4,), max_epochs=2, random_state=0).fit(X)
    >>> clf = MLPClassifier(
    ...     (4,), activation="sigmoid", max_epochs=1, lr=1e-9, random_state=0,
    ...     callbacks=[DBNInitializer(dbn)],
    ... ).fit(X, y)
    >>> W = clf.module_.linear_layers[0].weight.detach().numpy()
    >>> bool(np.allclose(W, dbn.layers_[0].components_, atol=1e-6))
    True
    """

    def __init__(self, dbn):
        self.dbn = dbn

    def on_train_begin(self, state):
        dbn = self.dbn
        check_fitted(dbn, "module_")
        module = state.module
        linear = getattr(module, "linear_layers", None)
        sources = list(dbn.module_.layers)
        if linear is None or len(linear) < len(sources) + 1:
            raise ValueError(
                f"DBNInitializer needs a scidl.nn.MLP with at least {len(sources)} hidden layers "
                f"to initialise; got {type(module).__name__}"
                + ("" if linear is None else f" with {len(linear) - 1} hidden layers")
                + "."
            )
        if linear[0].in_features != sources[0].in_features:
            raise ValueError(
                f"The network has {linear[0].in_features} input features, but the deep belief "
                f"network was fitted on X with {sources[0].in_features} features."
            )
        for i, (src, dst) in enumerate(zip(sources, linear)):
            if src.weight.shape != dst.weight.shape:
                raise ValueError(
                    f"Layer {i} of the network has weights of shape {tuple(dst.weight.shape)}, "
                    f"but the deep belief network's layer {i} has {tuple(src.weight.shape)}; "
                    "use the same input size and hidden_sizes."
                )
        with torch.no_grad():
            for src, dst in zip(sources, linear):
                dst.weight.copy_(src.weight.to(dst.weight))
                dst.bias.copy_(src.bias.to(dst.bias))


# -- estimator -------------------------------------------------------------------
# The RBM hyperparameters a DBN passes on to every layer.
_PASSED_ON = (
    "k",
    "persistent",
    "optimizer",
    "lr",
    "momentum",
    "batch_size",
    "max_epochs",
    "weight_decay",
    "validation_fraction",
    "patience",
    "lr_schedule",
    "clip_grad_norm",
    "device",
    "dtype",
    "verbose",
    "callbacks",
)


class DeepBeliefNetwork(TransformerMixin, NeuralEstimator):
    """A deep belief network trained by greedy layer-wise pretraining of RBMs.

    The first :class:`RBM` is fitted to the data, the second to the first's
    hidden probabilities ``p(h_1 = 1 | v)``, and so on (Hinton, Osindero & Teh,
    2006). ``transform`` gives the top layer's hidden probabilities;
    :meth:`to_mlp_classifier` returns a sigmoid :class:`scidl.nn.MLPClassifier`
    whose hidden layers start from the RBMs' weights, for supervised
    fine-tuning: the pretraining of the 2006 breakthrough.

    Parameters
    ----------
    hidden_sizes : sequence of int, default (500, 500)
        Number of hidden units of each RBM, input side first.
    visible : {"bernoulli", "gaussian"}, default "bernoulli"
        Visible units of the first RBM (binary or [0, 1] data, or standardised
        real data); the layers above always have Bernoulli visible units.
    k : int, default 1
        Gibbs steps of contrastive divergence (CD-k) in every RBM.
    persistent : bool, default False
        Persistent contrastive divergence (PCD) instead of CD.
    optimizer, lr, momentum, batch_size, max_epochs, weight_decay, validation_fraction, \
patience, lr_schedule, clip_grad_norm, device, dtype, random_state, verbose, callbacks
        Passed on to every :class:`RBM` (``max_epochs`` is the budget of each
        layer), with the RBM's defaults: SGD with momentum 0.5, ``lr=0.05``,
        batches of 64, weight decay 1e-4 on the couplings, 20 epochs per layer.

    Attributes
    ----------
    layers_ : list of RBM
        The fitted RBMs, input side first (``layers_[i].components_`` is ``W_i``).
    module_ : DeepBeliefNetworkModule
        The up pass (sigmoid layers with the RBMs' weights), in eval mode.
    n_features_in_ : int
        Number of input features.
    n_epochs_ : int
        Epochs trained, summed over the layers.
    device_ : str
        The device the RBMs were trained on.

    Notes
    -----
    Each added layer improves a variational lower bound on the log-likelihood
    of the data under the deep model, provided it is initialised from the layer
    below (Hinton et al., 2006); in practice the greedy stack learns features
    that make a good starting point for backpropagation when labels are few.
    The RBM of layer ``i`` gets the seed ``layers_[i].random_state``, drawn
    from ``random_state``, so a layer can be refitted by hand:
    ``RBM(**dbn.layers_[i].get_params()).fit(dbn.layers_[i - 1].transform(H))``
    reproduces it.

    References: G. E. Hinton, S. Osindero, Y.-W. Teh, "A fast learning
    algorithm for deep belief nets", Neural Computation 18 (2006); G. E. Hinton,
    R. R. Salakhutdinov, "Reducing the dimensionality of data with neural
    networks", Science 313 (2006); Y. Bengio et al., "Greedy layer-wise training
    of deep networks", NIPS 2006.

    Examples
    --------
    >>> import numpy as np
    >>> from scidl.generative import DeepBeliefNetwork
    >>> X = (np.random.default_rng(0).random((100, 16)) > 0.5).astype(float)
    >>> dbn = DeepBeliefNetwork((8, 4), max_epochs=2, random_state=0).fit(X)
    >>> dbn.transform(X).shape, [rbm.components_.shape for rbm in dbn.layers_]
    ((100, 4), [(8, 16), (4, 8)])
    >>> clf = dbn.to_mlp_classifier(max_epochs=2, random_state=0)
    >>> clf.hidden_sizes, clf.activation
    ((8, 4), 'sigmoid')
    """

    _parameter_constraints = {
        "hidden_sizes": [
            InstanceOf(tuple, list, numbers.Integral, description="a sequence of positive ints")
        ],
        "visible": [Options("bernoulli", "gaussian")],
        "k": [Interval(numbers.Integral, 1, None)],
        "persistent": [InstanceOf(bool)],
        "momentum": [Interval(numbers.Real, 0, 1, closed="left")],
    }

    def __init__(
        self,
        hidden_sizes=(500, 500),
        *,
        visible="bernoulli",
        k=1,
        persistent=False,
        optimizer="sgd",
        lr=0.05,
        momentum=0.5,
        batch_size=64,
        max_epochs=20,
        weight_decay=1e-4,
        validation_fraction=0.0,
        patience=None,
        lr_schedule=None,
        clip_grad_norm=None,
        device="auto",
        dtype="float32",
        random_state=None,
        verbose=0,
        callbacks=None,
    ):
        self.hidden_sizes = hidden_sizes
        self.visible = visible
        self.k = k
        self.persistent = persistent
        self.optimizer = optimizer
        self.lr = lr
        self.momentum = momentum
        self.batch_size = batch_size
        self.max_epochs = max_epochs
        self.weight_decay = weight_decay
        self.validation_fraction = validation_fraction
        self.patience = patience
        self.lr_schedule = lr_schedule
        self.clip_grad_norm = clip_grad_norm
        self.device = device
        self.dtype = dtype
        self.random_state = random_state
        self.verbose = verbose
        self.callbacks = callbacks

    def _sizes(self):
        return check_int_sequence(self.hidden_sizes, "hidden_sizes", allow_empty=False)

    def _rbm(self, n_components, visible, seed):
        """The unfitted RBM of one layer, with this network's settings."""
        params = {name: getattr(self, name) for name in _PASSED_ON}
        return RBM(n_components, visible=visible, random_state=seed, **params)

    def _build_module(self):
        sizes = self._sizes()
        return DeepBeliefNetworkModule(
            self.n_features_in_, sizes[-1], sizes[:-1], visible=self.visible
        )

    def fit(self, X, y=None):
        """Fit the RBMs one after the other, each to the hidden probabilities of the one below.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Training data (in [0, 1] for ``visible="bernoulli"``).
        y : None
            Ignored.

        Returns
        -------
        self
            The fitted network.
        """
        self._validate_hyperparameters()
        sizes = self._sizes()
        X = validate_data(self, X, dtype=[np.float64, np.float32])
        seeds = np.random.default_rng(make_seed(self.random_state)).integers(
            0, 2**31 - 1, size=len(sizes)
        )
        layers, H = [], X
        for i, (size, seed) in enumerate(zip(sizes, seeds)):
            rbm = self._rbm(size, self.visible if i == 0 else "bernoulli", int(seed))
            rbm.fit(H)
            layers.append(rbm)
            if i < len(sizes) - 1:
                H = rbm.transform(H)
        self.layers_ = layers
        module = self._build_module()
        first = layers[0].module_
        param = next(first.parameters(), None)
        if param is not None:
            module = module.to(device=param.device, dtype=param.dtype)
        with torch.no_grad():
            for rbm, layer, b in zip(layers, module.layers, module.visible_biases):
                layer.weight.copy_(torch.as_tensor(rbm.components_))
                layer.bias.copy_(torch.as_tensor(rbm.intercept_hidden_))
                b.copy_(torch.as_tensor(rbm.intercept_visible_))
        self.module_ = module.eval()
        self.device_ = str(layers[0].device_)
        self.n_epochs_ = int(sum(rbm.n_epochs_ for rbm in layers))
        return self

    def _check_input(self, X):
        check_fitted(self, "module_")
        return validate_data(self, X, reset=False, dtype=[np.float64, np.float32])

    def transform(self, X):
        """The top layer's hidden probabilities ``p(h_top = 1 | x)`` (the deterministic up pass).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Data like the training data.

        Returns
        -------
        ndarray of shape (n_samples, hidden_sizes[-1])
            In the float dtype of ``X``.
        """
        X = self._check_input(X)
        out = self._infer(self.module_, X).numpy()
        return out.astype(_output_dtype(X.dtype), copy=False)

    def to_mlp_classifier(self, **params):
        """A sigmoid :class:`scidl.nn.MLPClassifier` whose hidden layers start from this network.

        Parameters
        ----------
        **params
            Hyperparameters of the classifier (``max_epochs``, ``lr``,
            ``random_state``...). ``hidden_sizes`` is this network's and the
            activation is ``"sigmoid"``, as in the RBMs; ``dropout`` defaults
            to 0. A :class:`DBNInitializer` is put before any ``callbacks`` given.

        Returns
        -------
        scidl.nn.MLPClassifier
            Unfitted; its ``fit`` starts from the pretrained weights (the output
            layer is initialised at random) and fine-tunes all layers.
        """
        check_fitted(self, "module_")
        sizes = self._sizes()
        given = {
            "hidden_sizes": check_int_sequence(params.get("hidden_sizes", sizes), "hidden_sizes"),
            "activation": params.get("activation", "sigmoid"),
        }
        for name, fixed in (("hidden_sizes", sizes), ("activation", "sigmoid")):
            if given[name] != fixed:
                raise ValueError(
                    f"{name} of a classifier initialised from a deep belief network must be "
                    f"{fixed!r}, as in its RBMs; got {params[name]!r}."
                )
        params = {"dropout": 0.0, **params, "hidden_sizes": sizes, "activation": "sigmoid"}
        params["callbacks"] = [DBNInitializer(self), *(params.get("callbacks") or ())]
        return MLPClassifier(**params)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.transformer_tags.preserves_dtype = ["float64", "float32"]
        return tags


# -- the 2006 experiment ------------------------------------------------------------
def _labelled_subset(y, n_labels, seed):
    """Indices of ``n_labels`` rows of ``y``, the same number per class (as far as possible)."""
    if n_labels >= len(y):
        return np.arange(len(y))
    _, idx, _, _ = train_test_split_stratified(
        np.arange(len(y)), y, test_size=int(n_labels), random_state=int(seed)
    )
    return np.sort(idx)


def _check_labelled(X, y, x_name, y_name):
    X = check_array(X, name=x_name)
    y = check_array(y, name=y_name, ndim=1, dtype=None)
    if len(y) != len(X):
        raise ValueError(
            f"{x_name} and {y_name} must have the same length; got {len(X)} and {len(y)}."
        )
    return X, y


def compare_pretraining(
    X,
    y,
    X_test,
    y_test,
    *,
    n_labels=(100, 500, 1000),
    n_seeds=3,
    hidden_sizes=(500, 500),
    dbn_params=None,
    mlp_params=None,
    n_steps=500,
    random_state=0,
):
    """Test accuracy of a sigmoid MLP fine-tuned from a DBN versus from random weights.

    For every seed, a :class:`DeepBeliefNetwork` is pretrained on all of ``X``
    (no labels); then, for every size in ``n_labels``, a labelled subset of
    ``X`` (the same number per class) trains two :class:`scidl.nn.MLPClassifier`
    of the same architecture, sigmoid units and budget: one initialised from
    the DBN (:meth:`DeepBeliefNetwork.to_mlp_classifier`), one at random. Both
    are scored on ``(X_test, y_test)``.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
        Training inputs (in [0, 1] for Bernoulli RBMs); all of them are used
        for pretraining.
    y : array-like of shape (n_samples,)
        Their labels; only ``n_labels`` of them are used, for fine-tuning.
    X_test, y_test : array-like
        The held-out test set.
    n_labels : sequence of int, default (100, 500, 1000)
        Sizes of the labelled subsets.
    n_seeds : int, default 3
        Repetitions; seed ``s`` pretrains, draws the subsets and initialises the
        classifiers with ``random_state + s``.
    hidden_sizes : sequence of int, default (500, 500)
        The DBN's layers and the classifiers' hidden layers.
    dbn_params : dict or None
        Extra hyperparameters of the :class:`DeepBeliefNetwork`.
    mlp_params : dict or None
        Extra hyperparameters of both classifiers (``lr``, ``batch_size``...;
        default Adam with ``lr=1e-3``, batches of 32 and no dropout). Unless
        ``max_epochs`` is given, each fine-tuning takes about ``n_steps``
        optimisation steps whatever the size of its labelled set.
    n_steps : int, default 500
        The fine-tuning budget in minibatch steps (see ``mlp_params``).
    random_state : int, default 0
        The first seed.

    Returns
    -------
    dict
        ``n_labels`` (list), ``pretrained`` and ``random`` (arrays of test
        accuracies, shape ``(len(n_labels), n_seeds)``), their ``*_mean`` and
        ``*_std`` over seeds (lists), ``max_epochs`` (the fine-tuning epochs per
        size), and ``dbn`` (the network pretrained with the first seed) and
        ``classifiers`` (``{"pretrained": clf, "random": clf}`` fitted on the
        largest labelled set with the first seed), to look inside.

    Examples
    --------
    >>> import numpy as np
    >>> from scidl.generative import compare_pretraining
    >>> rng = np.random.default_rng(0)
    >>> X = (rng.random((120, 10)) > 0.5).astype(float)
    >>> y = (X[:, 0] + X[:, 1] > 0).astype(int)
    >>> out = compare_pretraining(
    ...     X[:80], y[:80], X[80:], y[80:], n_labels=(20, 40), n_seeds=2, hidden_sizes=(6,),
    ...     dbn_params={"max_epochs": 2}, n_steps=10,
    ... )
    >>> out["pretrained"].shape, out["n_labels"]
    ((2, 2), [20, 40])
    """
    X, y = _check_labelled(X, y, "X", "y")
    X_test, y_test = _check_labelled(X_test, y_test, "X_test", "y_test")
    sizes = check_int_sequence(n_labels, "n_labels", allow_empty=False)
    if not isinstance(n_seeds, numbers.Integral) or isinstance(n_seeds, bool) or n_seeds < 1:
        raise ValueError(f"n_seeds must be a positive int; got {n_seeds!r}.")
    if not isinstance(n_steps, numbers.Integral) or isinstance(n_steps, bool) or n_steps < 1:
        raise ValueError(f"n_steps must be a positive int; got {n_steps!r}.")
    if X_test.shape[1] != X.shape[1]:
        raise ValueError(
            f"X_test has {X_test.shape[1]} features, but X has {X.shape[1]}; they must match."
        )
    base = make_seed(random_state)
    mlp = {"lr": 1e-3, "batch_size": 32, "dropout": 0.0, **(mlp_params or {})}
    epochs = {
        n: mlp.get("max_epochs") or max(1, -(-n_steps // -(-min(n, len(X)) // mlp["batch_size"])))
        for n in sizes
    }
    acc = {"pretrained": np.zeros((len(sizes), n_seeds)), "random": np.zeros((len(sizes), n_seeds))}
    first_dbn, classifiers = None, {}
    for s in range(n_seeds):
        seed = base + s
        dbn = DeepBeliefNetwork(hidden_sizes, **{**(dbn_params or {}), "random_state": seed})
        dbn.fit(X)
        if first_dbn is None:
            first_dbn = dbn
        for i, n in enumerate(sizes):
            idx = _labelled_subset(y, n, seed)
            params = {**mlp, "max_epochs": epochs[n], "random_state": seed}
            models = {
                "pretrained": dbn.to_mlp_classifier(**params),
                "random": MLPClassifier(
                    **{**params, "hidden_sizes": dbn.hidden_sizes, "activation": "sigmoid"}
                ),
            }
            for name, clf in models.items():
                clf.fit(X[idx], y[idx])
                acc[name][i, s] = clf.score(X_test, y_test)
                if s == 0 and i == len(sizes) - 1:
                    classifiers[name] = clf
    out = {"n_labels": list(sizes), "max_epochs": [int(epochs[n]) for n in sizes]}
    for name, a in acc.items():
        out[name] = a
        out[f"{name}_mean"] = a.mean(axis=1).tolist()
        out[f"{name}_std"] = a.std(axis=1, ddof=1).tolist() if n_seeds > 1 else [0.0] * len(sizes)
    out["dbn"] = first_dbn
    out["classifiers"] = classifiers
    return out
