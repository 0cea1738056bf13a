"""The one training loop.

Every neural estimator in scidl trains through :func:`train`. It is the
minibatch stochastic gradient descent of the lecture:

1. shuffle the training set (one permutation per epoch),
2. cut it into minibatches,
3. for each minibatch: forward pass, loss, backward pass, parameter update
   (delegated to a :class:`~scidl.training.Step`),
4. after each epoch: validation losses and metrics, learning-rate schedule,
   a history row and the callbacks.

In-memory data is held as tensors on the target device; each epoch permutes it
once and the minibatches are contiguous slices (views), so there is no
per-sample Python work. Data that does not fit in memory comes as a
``torch.utils.data.DataLoader`` instead.

A non-finite loss stops training *before* its backward pass, so the module
keeps the last finite weights, and :class:`DivergenceError` names the epoch and
batch. ``KeyboardInterrupt`` ends training early with a warning; the callbacks'
``on_train_end`` still runs (early stopping restores the best weights) and the
history says ``status == "interrupted"``.

Under ``torchrun`` the module is wrapped in ``DistributedDataParallel``: every
rank draws the same permutation, takes its share of each global minibatch and
the gradients are averaged, which reproduces single-process training on the
same global batches.
"""

from __future__ import annotations

import math
import time
import warnings
from dataclasses import dataclass, field

import torch
import torch.distributed as dist
from torch.utils.data import DataLoader

from scidl.training._callbacks import Callback, ProgressBar
from scidl.training._data import IndexedData
from scidl.training._distributed import distributed_context
from scidl.training._history import History
from scidl.training._optim import make_optimizer, make_scheduler
from scidl.training._steps import Step, SupervisedStep

__all__ = ["train", "DivergenceError", "TrainState"]


class DivergenceError(FloatingPointError):
    """Training produced a non-finite loss; the module keeps the last finite weights.

    Raised by :func:`train` before the backward pass of the first NaN or
    infinite loss; the message names the epoch and the batch. The history
    given to :func:`train` keeps the completed epochs, with status ``"diverged"``.

    Examples
    --------
    >>> import torch
    >>> from scidl.training import DivergenceError, History, train
    >>> net = torch.nn.Linear(1, 1)
    >>> x = torch.linspace(-1, 1, 8)[:, None]
    >>> nan_loss = lambda out, y: ((out - y) ** 2).mean() * float("nan")
    >>> history = History()
    >>> try:
    ...     train(net, (x, x), loss_fn=nan_loss, history=history, verbose=0)
    ... except DivergenceError as exc:
    ...     print(str(exc).split(".")[0])
    Training diverged: the loss became nan in epoch 1, batch 1
    >>> history.status, bool(torch.isfinite(net.weight).all())
    ('diverged', True)
    """


class _NonFiniteLoss(Exception):
    pass


@dataclass
class TrainState:
    """What callbacks and steps can see of the running loop.

    Parameters
    ----------
    module : torch.nn.Module
        The model being trained (never the DistributedDataParallel wrapper).
    optimizers : dict
        ``{name: torch optimizer}`` from the step's ``configure_optimizers``.
    history : History
        The per-epoch records so far.
    max_epochs : int
        The epoch budget.
    rank, world_size : int, default 0 and 1
        This process and the number of processes under torchrun.
    epoch, batch, global_step : int, default 0
        Current epoch (from 1), batch within it (from 1) and optimisation steps so far.
    stop : bool, default False
        Set it to True (e.g. in a callback) to end training after this epoch.
    extra : dict, optional
        Free space for steps and callbacks to share values.

    Attributes
    ----------
    module, optimizers, history, max_epochs, rank, world_size, epoch, batch, \
global_step, stop, extra
        The fields above, updated by the loop as training runs.

    Examples
    --------
    >>> import torch
    >>> from scidl.training import Callback, train
    >>> class Report(Callback):
    ...     def on_train_end(self, state):
    ...         print(state.epoch, state.batch, state.global_step, list(state.optimizers))
    >>> x = torch.linspace(-1, 1, 8)[:, None]
    >>> _ = train(
    ...     torch.nn.Linear(1, 1), (x, x), loss_fn=torch.nn.functional.mse_loss,
    ...     batch_size=4, max_epochs=3, callbacks=[Report()], verbose=0,
    ... )
    3 2 6 ['main']
    """

    module: torch.nn.Module
    optimizers: dict
    history: History
    max_epochs: int
    rank: int = 0
    world_size: int = 1
    epoch: int = 0
    batch: int = 0
    global_step: int = 0
    stop: bool = False
    extra: dict = field(default_factory=dict)


class StepContext:
    """Services the loop offers to a step: divergence check, scaled backward, clipping.

    The loop makes one and passes it to every ``train_step``/``eval_step``;
    a custom step calls ``ctx.check_finite(loss)``, ``ctx.backward(loss)`` and
    ``ctx.clip_gradients(module)`` instead of the bare torch calls, so that the
    divergence guard, data-parallel loss scaling and clipping work for it too.

    Parameters
    ----------
    state : TrainState
        The running loop's state.
    clip_grad_norm : float or None
        Largest global gradient norm (None: no clipping).
    world_size : int
        Number of processes (1 outside torchrun).

    Attributes
    ----------
    state : TrainState
        The running loop's state.
    clip_grad_norm : float or None
        Largest global gradient norm.
    world_size : int
        Number of processes.
    loss_scale : float
        Factor applied by :meth:`backward` (a rank's share of an uneven global batch).
    epoch : int
        The current epoch.

    Examples
    --------
    >>> import torch
    >>> from scidl.training import SupervisedStep, train
    >>> seen = []
    >>> class Peek(SupervisedStep):
    ...     def train_step(self, module, batch, optimizers, ctx):
    ...         seen.append((ctx.epoch, ctx.world_size, ctx.clip_grad_norm))
    ...         return super().train_step(module, batch, optimizers, ctx)
    >>> x = torch.linspace(-1, 1, 8)[:, None]
    >>> _ = train(
    ...     torch.nn.Linear(1, 1), (x, x), step=Peek(torch.nn.functional.mse_loss),
    ...     max_epochs=2, clip_grad_norm=0.5, verbose=0,
    ... )
    >>> seen
    [(1, 1, 0.5), (2, 1, 0.5)]
    """

    def __init__(self, state, clip_grad_norm, world_size):
        self.state = state
        self.clip_grad_norm = clip_grad_norm
        self.world_size = world_size
        self.loss_scale = 1.0

    @property
    def epoch(self):
        """The current epoch (from 1)."""
        return self.state.epoch

    def check_finite(self, loss):
        """Raise (before any backward pass) if ``loss`` is NaN or infinite."""
        loss = loss.detach()
        if loss.numel() == 1:
            # one cheap call; much faster than isfinite().all() on small tensors
            value = loss.item()
            ok = math.isfinite(value)
        else:
            ok = bool(torch.isfinite(loss).all())
            value = float("nan")
        if self.world_size > 1:  # every rank must stop together, or the others hang
            flag = torch.tensor([1.0 if ok else 0.0], device=loss.device)
            dist.all_reduce(flag, op=dist.ReduceOp.MIN)
            ok = bool(flag.item() > 0)
        if not ok:
            raise _NonFiniteLoss(value)

    def backward(self, loss):
        """``loss.backward()``, scaled by ``loss_scale`` under torchrun."""
        (loss * self.loss_scale if self.loss_scale != 1.0 else loss).backward()

    def clip_gradients(self, module):
        """Clip the global gradient norm of ``module`` to ``clip_grad_norm`` (if set)."""
        if self.clip_grad_norm is not None:
            torch.nn.utils.clip_grad_norm_(module.parameters(), self.clip_grad_norm)


def _overrides(cb, name):
    return getattr(type(cb), name) is not getattr(Callback, name)


def _as_tensors(data, device, name):
    if isinstance(data, IndexedData):
        if len(data) == 0:
            raise ValueError(f"{name} is empty.")
        return data.to(device)
    if isinstance(data, torch.Tensor):
        data = (data,)
    if (
        not isinstance(data, list | tuple)
        or not data
        or not all(isinstance(t, torch.Tensor) for t in data)
    ):
        raise TypeError(
            f"{name} must be a tensor, a tuple of tensors, IndexedData or a DataLoader; "
            f"got {type(data).__name__}."
        )
    n = len(data[0])
    if any(len(t) != n for t in data):
        raise ValueError(
            f"All tensors in {name} must have the same length; got {[len(t) for t in data]}."
        )
    if n == 0:
        raise ValueError(f"{name} is empty.")
    for i, t in enumerate(data):  # once, before training: a NaN would only show as divergence
        if t.is_floating_point() and not bool(torch.isfinite(t).all()):
            raise ValueError(f"{name} must be finite; tensor {i} holds NaN or inf.")
    return tuple(t.to(device) for t in data)


def _in_memory_batches(tensors, batch_size, generator, rank, world_size):
    """Yield ``(local_batch, local_size, global_size)`` for one shuffled epoch."""
    indexed = isinstance(tensors, IndexedData)
    n = len(tensors) if indexed else len(tensors[0])
    device = tensors.index.device if indexed else tensors[0].device
    perm = torch.randperm(n, generator=generator).to(device)
    if not indexed:
        shuffled = [t.index_select(0, perm) for t in tensors]  # one gather per epoch
    for start in range(0, n, batch_size):
        stop = min(start + batch_size, n)
        if world_size > 1:
            if stop - start < world_size:  # too small to give every rank a sample
                return
            bounds = torch.linspace(start, stop, world_size + 1).round().long().tolist()
            lo, hi = bounds[rank], bounds[rank + 1]
        else:
            lo, hi = start, stop
        batch = tensors.batch(perm[lo:hi]) if indexed else tuple(t[lo:hi] for t in shuffled)
        yield batch, hi - lo, stop - start


def _loader_batches(loader, device, epoch):
    sampler = getattr(loader, "sampler", None)
    if hasattr(sampler, "set_epoch"):
        sampler.set_epoch(epoch)
    for batch in loader:
        if isinstance(batch, torch.Tensor):
            batch = (batch,)
        batch = tuple(b.to(device, non_blocking=True) for b in batch)
        yield batch, len(batch[0]), len(batch[0])


def _evaluate(step, module, data, device, batch_size, ctx):
    """Mean of each eval quantity over a validation set (weighted by batch size)."""
    module.eval()
    sums, count = {}, 0
    with torch.no_grad():
        if isinstance(data, DataLoader):
            batches = _loader_batches(data, device, 0)
        elif isinstance(data, IndexedData):
            positions = torch.arange(len(data), device=data.index.device)
            batches = (
                (data.batch(positions[i : i + batch_size]), min(batch_size, len(data) - i), 0)
                for i in range(0, len(data), batch_size)
            )
        else:
            batches = (
                (tuple(t[i : i + batch_size] for t in data), min(batch_size, len(data[0]) - i), 0)
                for i in range(0, len(data[0]), batch_size)
            )
        for batch, size, _ in batches:
            for k, v in step.eval_step(module, batch, ctx).items():
                sums[k] = sums.get(k, 0.0) + v.detach().double() * size
            count += size
    module.train()
    return {f"valid_{k}": float(v) / count for k, v in sums.items()}


def train(
    module,
    data,
    *,
    loss_fn=None,
    step=None,
    optimizer="adam",
    lr=1e-3,
    weight_decay=0.0,
    optimizer_kwargs=None,
    lr_schedule=None,
    batch_size=128,
    max_epochs=100,
    validation_data=None,
    metrics=None,
    clip_grad_norm=None,
    callbacks=(),
    history=None,
    random_state=0,
    verbose=1,
    device=None,
):
    """Train ``module`` by minibatch gradient descent and return its :class:`History`.

    Parameters
    ----------
    module : torch.nn.Module
        The model; trained in place.
    data : tensor, tuple of tensors, IndexedData, or DataLoader
        Training data, e.g. ``(X, y)``. Tensors are moved to ``device`` once.
        :class:`IndexedData` builds each minibatch by index (e.g. lagged pairs).
    loss_fn : callable, optional
        ``loss_fn(output, target) -> scalar`` averaged over the batch; builds a
        :class:`SupervisedStep`. Give either ``loss_fn`` or ``step``.
    step : Step, optional
        A custom update (several optimizers, special losses).
    optimizer, lr, weight_decay, optimizer_kwargs
        See :func:`~scidl.training.make_optimizer`.
    lr_schedule : str or callable, optional
        See :func:`~scidl.training.make_scheduler`; stepped once per epoch.
    batch_size, max_epochs : int
        Minibatch size (the global one under torchrun) and number of epochs.
    validation_data : tuple of tensors, IndexedData or DataLoader, optional
        Evaluated after each epoch (``valid_loss`` and ``valid_<metric>``).
    metrics : dict, optional
        ``{name: fn(output, target)}`` for validation, with ``loss_fn``.
    clip_grad_norm : float, optional
        Clip the global gradient norm to this value.
    callbacks : sequence of Callback
        Called at fixed points of the loop (see :class:`Callback`).
    history : History, optional
        Appended to (so a fit can be continued); a new one by default.
    random_state : int
        Seeds the shuffling.
    verbose : int
        ``>0`` shows a per-epoch progress bar on terminals (rank 0 only).
    device : torch.device, optional
        Defaults to the device of the module's first parameter.

    Returns
    -------
    History
        One row per epoch: ``epoch``, ``train_loss`` (and other terms the step
        reports), validation columns, ``lr``, ``time``.

    Raises
    ------
    DivergenceError
        When a loss is NaN or infinite; the module keeps the last finite weights.

    Examples
    --------
    >>> import torch
    >>> from scidl.training import train
    >>> torch.manual_seed(0)  # doctest: +ELLIPSIS
    <torch._C.Generator object at ...>
    >>> x = torch.linspace(-1, 1, 64)[:, None]
    >>> net = torch.nn.Linear(1, 1)
    >>> history = train(
    ...     net, (x, 3 * x + 1), loss_fn=torch.nn.functional.mse_loss, optimizer="sgd",
    ...     lr=0.5, batch_size=16, max_epochs=20, verbose=0,
    ... )
    >>> history.columns
    ['epoch', 'train_loss', 'lr', 'time']
    >>> [round(v, 3) for v in (net.weight.item(), net.bias.item())]  # y = 3 x + 1
    [3.0, 1.0]
    """
    if (loss_fn is None) == (step is None):
        raise ValueError("Give exactly one of loss_fn and step.")
    if step is None:
        step = SupervisedStep(loss_fn, metrics=metrics)
    elif not isinstance(step, Step):
        raise TypeError(f"step must be a scidl.training.Step; got {type(step).__name__}.")
    for name, value in (("batch_size", batch_size), ("max_epochs", max_epochs)):
        if not isinstance(value, int) or isinstance(value, bool) or value < 1:
            raise ValueError(f"{name} must be a positive int; got {value!r}.")
    if device is None:
        first = next(module.parameters(), None)
        device = first.device if first is not None else torch.device("cpu")
    device = torch.device(device)

    rank, world_size = distributed_context(device)
    is_loader = isinstance(data, DataLoader)
    tensors = None if is_loader else _as_tensors(data, device, "data")
    if validation_data is not None and not isinstance(validation_data, DataLoader):
        validation_data = _as_tensors(validation_data, device, "validation_data")

    raw_module = module
    if world_size > 1:
        ids = [device.index] if device.type == "cuda" else None
        module = torch.nn.parallel.DistributedDataParallel(raw_module, device_ids=ids)

    def _make(params, **overrides):
        options = {"lr": lr, "weight_decay": weight_decay, **(optimizer_kwargs or {}), **overrides}
        return make_optimizer(options.pop("optimizer", optimizer), params, **options)

    optimizers = step.configure_optimizers(module, _make)
    schedulers = {
        k: make_scheduler(lr_schedule, opt, max_epochs=max_epochs) for k, opt in optimizers.items()
    }
    history = History() if history is None else history
    history.status = "completed"
    state = TrainState(
        module=raw_module,
        optimizers=optimizers,
        history=history,
        max_epochs=max_epochs,
        rank=rank,
        world_size=world_size,
    )
    ctx = StepContext(state, clip_grad_norm, world_size)

    callbacks = list(callbacks)
    if verbose and rank == 0 and not any(isinstance(cb, ProgressBar) for cb in callbacks):
        callbacks.append(ProgressBar())
    batch_callbacks = [cb for cb in callbacks if _overrides(cb, "on_batch_end")]
    generator = torch.Generator().manual_seed(int(random_state))
    first_epoch = len(history)
    t0 = time.perf_counter() - (history[-1]["time"] if history else 0.0)

    for cb in callbacks:
        cb.on_train_begin(state)
    try:
        for epoch in range(first_epoch + 1, max_epochs + 1):
            state.epoch = epoch
            for cb in callbacks:
                cb.on_epoch_begin(state)
            module.train()
            sums, count = {}, 0
            batches = (
                _loader_batches(data, device, epoch)
                if is_loader
                else _in_memory_batches(tensors, batch_size, generator, rank, world_size)
            )
            for b, (batch, local_size, global_size) in enumerate(batches, start=1):
                state.batch = b
                ctx.loss_scale = (
                    local_size * world_size / global_size
                    if world_size > 1 and not is_loader
                    else 1.0
                )
                out = step.train_step(module, batch, optimizers, ctx)
                state.global_step += 1
                for k, v in out.items():  # Python floats: cheaper than tensor arithmetic per batch
                    sums[k] = sums.get(k, 0.0) + float(v) * local_size
                count += local_size
                for cb in batch_callbacks:
                    cb.on_batch_end(state, out)
            if count == 0:
                raise ValueError(
                    "The training data produced no minibatch; is the DataLoader empty?"
                )
            totals = torch.tensor([*sums.values(), float(count)], dtype=torch.float64)
            if world_size > 1:
                totals = totals.to(device)
                dist.all_reduce(totals)
            totals = totals.cpu().tolist()
            row = {"epoch": epoch}
            row.update({f"train_{k}": totals[i] / totals[-1] for i, k in enumerate(sums)})
            if validation_data is not None:
                row.update(
                    _evaluate(step, raw_module, validation_data, device, max(batch_size, 1024), ctx)
                )
            first_opt = next(iter(optimizers.values()))
            row["lr"] = float(first_opt.param_groups[0]["lr"])
            row["time"] = time.perf_counter() - t0
            history.append(row)
            for sched in schedulers.values():
                if isinstance(sched, torch.optim.lr_scheduler.ReduceLROnPlateau):
                    sched.step(row.get("valid_loss", row.get("train_loss")))
                elif sched is not None:
                    sched.step()
            for cb in callbacks:
                cb.on_epoch_end(state)
            if state.stop:
                break
    except KeyboardInterrupt:
        history.status = "interrupted"
        warnings.warn(
            f"Training interrupted in epoch {state.epoch}; keeping the model and the history "
            f"of {len(history)} completed epoch(s).",
            RuntimeWarning,
            stacklevel=2,
        )
    except _NonFiniteLoss as exc:
        history.status = "diverged"
        raise DivergenceError(
            f"Training diverged: the loss became {exc.args[0]} in epoch {state.epoch}, "
            f"batch {state.batch}. The model keeps the last finite weights. Try a smaller "
            "learning rate, gradient clipping (clip_grad_norm) or standardised inputs."
        ) from None
    finally:
        for cb in callbacks:
            cb.on_train_end(state)
    return history
