"""The base class of every neural estimator."""

from __future__ import annotations

import numbers

import numpy as np
import torch
from sklearn.base import BaseEstimator

from scidl.base._persistence import PersistenceMixin
from scidl.training import OPTIMIZERS, SCHEDULERS, Callback, EarlyStopping, History, train
from scidl.utils import (
    InstanceOf,
    Interval,
    Options,
    check_fitted,
    make_seed,
    resolve_device,
    resolve_dtype,
    seeded,
    validate_data,
    validate_params,
)

__all__ = ["NeuralEstimator"]


def _writable(a):
    """A contiguous array torch may wrap: read-only inputs (e.g. memory maps) are copied."""
    a = np.ascontiguousarray(a)
    return a if a.flags.writeable else a.copy()


_COMMON_CONSTRAINTS = {
    "optimizer": [
        Options(*OPTIMIZERS),
        InstanceOf(type, callable, description="a torch optimizer class or factory"),
    ],
    "lr": [Interval(numbers.Real, 0, None, closed="neither")],
    "batch_size": [Interval(numbers.Integral, 1, None)],
    "max_epochs": [Interval(numbers.Integral, 1, None)],
    "weight_decay": [Interval(numbers.Real, 0, None)],
    "validation_fraction": [Interval(numbers.Real, 0, 1, closed="left")],
    "patience": [Interval(numbers.Integral, 1, None), None],
    "lr_schedule": [Options(*SCHEDULERS), InstanceOf(callable), None],
    "clip_grad_norm": [Interval(numbers.Real, 0, None, closed="neither"), None],
    "device": [InstanceOf(str, torch.device)],
    "dtype": [Options("float32", "float64")],
    "random_state": [
        Interval(numbers.Integral, 0, None),
        InstanceOf(np.random.RandomState, np.random.Generator),
        None,
    ],
    "verbose": [Interval(numbers.Integral, 0, None), InstanceOf(bool)],
    "callbacks": [InstanceOf(list, tuple), None],
}


class NeuralEstimator(PersistenceMixin, BaseEstimator):
    """Shared machinery of scidl's neural estimators.

    Subclasses store their hyperparameters in ``__init__`` (the common ones are
    listed below, with these names everywhere) and implement:

    - ``_build_module()``: a fresh ``torch.nn.Module`` built from fitted
      attributes only (``n_features_in_``, ``n_outputs_``, ``classes_``...).
    - ``_prepare_fit(X, y)``: validate data, set fitted attributes, and return
      NumPy arrays ``(X, target)``.
    - ``_loss_fn()`` and optionally ``_metrics()`` for validation.

    Parameters
    ----------
    optimizer : str, default "adam"
        ``sgd``, ``momentum``, ``nesterov``, ``adagrad``, ``rmsprop``, ``adam``,
        ``adamw`` or ``lbfgs`` (or a torch optimizer class).
    lr : float
        Learning rate.
    batch_size : int
        Minibatch size.
    max_epochs : int
        Maximum number of passes over the training data.
    weight_decay : float
        L2 penalty coefficient applied by the optimizer.
    validation_fraction : float
        Fraction of the training data held out to monitor ``valid_loss`` (for
        early stopping). Set 0 to train on everything; early stopping then
        watches the training loss. No split is made when it would hold less
        than one sample.
    patience : int or None
        Stop after this many epochs without improvement and restore the best
        weights; None disables early stopping.
    lr_schedule : str or None
        Per-epoch schedule: ``step``, ``exponential``, ``cosine``, ``plateau``.
    clip_grad_norm : float or None
        Clip the gradient norm.
    device : str or torch.device
        ``"auto"`` (CUDA if available), ``"cpu"``, ``"cuda"`` or a ``torch.device``.
    dtype : str
        ``"float32"`` or ``"float64"``.
    random_state : int, RandomState, Generator or None
        Seeds initialisation, the validation split, shuffling and dropout;
        the same value gives bit-identical fits on the CPU.
    verbose : int
        0 is silent; 1 shows a progress bar on terminals.
    callbacks : list of Callback or None
        Extra callbacks (recorders, checkpoints, ...).

    Attributes
    ----------
    module_ : torch.nn.Module
        The trained network, a plain torch module in eval mode.
    history_ : History
        Per-epoch ``train_loss``, ``valid_loss`` and metrics, ``lr``, ``time``.
    n_features_in_ : int
        Number of input features.
    n_epochs_ : int
        Epochs trained.
    device_ : str
        The device the module was trained on.

    Notes
    -----
    The common hyperparameters above are stored by each subclass's ``__init__``
    (the scikit-learn contract) and checked in ``fit`` against the declarative
    table ``_parameter_constraints``, merged along the class hierarchy.

    Examples
    --------
    Every neural estimator of scidl is one; they share ``fit``, the history and
    the hyperparameters above:

    >>> import numpy as np
    >>> from scidl.base import NeuralEstimator
    >>> from scidl.nn import MLPRegressor
    >>> X = np.linspace(-1, 1, 32)[:, None]
    >>> reg = MLPRegressor((8,), max_epochs=3, validation_fraction=0.25, random_state=0)
    >>> reg = reg.fit(X, X[:, 0] ** 2)
    >>> isinstance(reg, NeuralEstimator), reg.n_epochs_, reg.history_.columns
    (True, 3, ['epoch', 'train_loss', 'valid_loss', 'lr', 'time'])
    """

    # the common hyperparameters; subclasses list only their own (merged along the MRO)
    _parameter_constraints: dict = _COMMON_CONSTRAINTS

    # -- hooks for subclasses -------------------------------------------------
    def _build_module(self) -> torch.nn.Module:
        raise NotImplementedError

    def _prepare_fit(self, X, y):
        raise NotImplementedError

    def _loss_fn(self):
        raise NotImplementedError

    def _metrics(self) -> dict:
        return {}

    def _make_step(self, seed):
        """A custom :class:`~scidl.training.Step` (e.g. with data augmentation), or None.

        None (the default) trains with
        ``SupervisedStep(self._loss_fn(), metrics=self._metrics())``.
        """
        return None

    def _target_dtype(self, dtype):
        return dtype

    def _n_fit_samples(self, X, target) -> int:
        """Number of training samples (what the validation split divides)."""
        return len(X)

    def _make_datasets(self, X, target, splits, dtype, device) -> list:
        """Training data for the loop, one entry per index array in ``splits`` (None stays None).

        The default is a tuple ``(X[idx], target[idx])`` of tensors, or ``(X[idx],)`` when
        ``_prepare_fit`` returned no target (unsupervised models: autoencoders, VAEs, GANs,
        flows, RBMs read the input as the whole batch, so the data sits in memory once);
        lagged models return :class:`~scidl.training.IndexedData` views instead.
        """
        out = []
        for idx in splits:
            if idx is None:
                out.append(None)
                continue
            xt = torch.as_tensor(_writable(X[idx]), dtype=dtype, device=device)
            if target is None:
                out.append((xt,))
                continue
            tt = torch.as_tensor(
                _writable(target[idx]), dtype=self._target_dtype(dtype), device=device
            )
            out.append((xt, tt))
        return out

    # -- fitting --------------------------------------------------------------
    def _validate_hyperparameters(self):
        validate_params(self)
        for cb in self.callbacks or ():
            if not isinstance(cb, Callback):
                raise TypeError(
                    "callbacks must contain scidl.training.Callback instances; "
                    f"got {type(cb).__name__}."
                )

    def fit(self, X, y=None):
        """Train the network on ``X`` (and ``y``).

        Parameters
        ----------
        X : array-like
            Training inputs, ``(n_samples, n_features)`` (or what the subclass accepts).
        y : array-like, optional
            Targets, for supervised estimators.

        Returns
        -------
        self
            The fitted estimator.

        Notes
        -----
        On a ``KeyboardInterrupt`` the estimator keeps the best weights so far and
        its history and ``fit`` returns normally (with a warning). On divergence
        a :class:`~scidl.training.DivergenceError` is raised and ``module_`` keeps
        the last finite weights.
        """
        self._validate_hyperparameters()
        X, target = self._prepare_fit(X, y)
        device = resolve_device(self.device)
        dtype = resolve_dtype(self.dtype)
        seed = make_seed(self.random_state)
        self.device_ = str(device)

        n = self._n_fit_samples(X, target)
        rng = np.random.default_rng(seed)
        n_valid = int(self.validation_fraction * n)
        valid_idx = None
        if n_valid >= 1 and n - n_valid >= 1:
            perm = rng.permutation(n)
            valid_idx, train_idx = np.sort(perm[:n_valid]), np.sort(perm[n_valid:])
        else:
            train_idx = slice(None)

        callbacks = list(self.callbacks or ())
        if self.patience is not None:
            monitor = "valid_loss" if valid_idx is not None else "train_loss"
            callbacks.append(EarlyStopping(monitor, patience=self.patience))
        self.history_ = History()
        with seeded(seed, device):
            self.module_ = self._build_module().to(device=device, dtype=dtype)
            train_data, valid_data = self._make_datasets(
                X, target, [train_idx, valid_idx], dtype, device
            )
            step = self._make_step(seed)
            try:
                train(
                    self.module_,
                    train_data,
                    loss_fn=self._loss_fn() if step is None else None,
                    metrics=self._metrics() if step is None else None,
                    step=step,
                    optimizer=self.optimizer,
                    lr=self.lr,
                    weight_decay=self.weight_decay,
                    lr_schedule=self.lr_schedule,
                    batch_size=self.batch_size,
                    max_epochs=self.max_epochs,
                    validation_data=valid_data,
                    clip_grad_norm=self.clip_grad_norm,
                    callbacks=callbacks,
                    history=self.history_,
                    random_state=seed,
                    verbose=self.verbose,
                    device=device,
                )
            finally:
                self.module_.eval()
                self.n_epochs_ = len(self.history_)
        return self

    # -- inference ------------------------------------------------------------
    # Rows per inference chunk. Every chunk is padded to this many rows, so that a row's
    # output never depends on how many rows are predicted at once (see _infer).
    _inference_chunk_size = 256

    def _infer(self, fn, X, *, prepare=None, chunk_size=None) -> torch.Tensor:
        """``fn(chunk)`` over the rows of ``X`` in eval mode, without gradients, as a CPU tensor.

        The one inference loop of every neural estimator (``predict``, ``transform``,
        ``inverse_transform``, ``score``...). ``X`` is an already validated NumPy array
        (or anything sliceable along its first axis); each chunk of ``chunk_size`` rows
        (default ``_inference_chunk_size``) is passed through ``prepare`` (e.g.
        standardisation), made contiguous and writable (read-only inputs such as memory
        maps are copied one chunk at a time, never whole), converted to the module's
        dtype and device, and fed to ``fn``, which must treat rows independently.

        The last chunk is padded (by repeating its last row) to the full chunk size and
        the padding's outputs dropped: every call of ``fn`` then sees the same number of
        rows, so BLAS takes the same kernels and a row's result is bitwise the same
        whether it is predicted alone or among many (in float32, matrix products over
        different batch sizes otherwise differ by ~1e-7 relative, which is what
        scikit-learn's ``check_methods_subset_invariance`` catches).
        """
        chunk_size = int(chunk_size or self._inference_chunk_size)
        param = next(self.module_.parameters(), None)
        device = param.device if param is not None else torch.device("cpu")
        dtype = param.dtype if param is not None else resolve_dtype(self.dtype)
        self.module_.eval()
        outs = []
        with torch.no_grad():
            for start in range(0, len(X), chunk_size):
                chunk = X[start : start + chunk_size]
                if prepare is not None:
                    chunk = prepare(chunk)
                xt = torch.as_tensor(_writable(chunk), dtype=dtype, device=device)
                n = xt.shape[0]
                if n < chunk_size:
                    xt = torch.cat([xt, xt[-1:].expand(chunk_size - n, *xt.shape[1:])])
                outs.append(fn(xt)[:n].cpu())
        return torch.cat(outs)

    def _forward(self, X) -> torch.Tensor:
        """Network output for ``X`` in eval mode, in chunks, as a CPU tensor."""
        check_fitted(self, "module_")
        X = validate_data(self, X, reset=False, dtype=[np.float64, np.float32])
        return self._infer(self.module_, X)
