"""Optimizers and learning-rate schedules by name."""

from __future__ import annotations

import inspect

import torch

__all__ = ["OPTIMIZERS", "SCHEDULERS", "make_optimizer", "make_scheduler"]

# name -> (torch class, fixed keyword arguments). The one table of optimizer names:
# scidl.optim.trace takes its names from here too.
OPTIMIZERS = {
    "sgd": (torch.optim.SGD, {}),
    "momentum": (torch.optim.SGD, {"momentum": 0.9}),
    "nesterov": (torch.optim.SGD, {"momentum": 0.9, "nesterov": True}),
    "adagrad": (torch.optim.Adagrad, {}),
    "rmsprop": (torch.optim.RMSprop, {}),
    "adam": (torch.optim.Adam, {}),
    "adamw": (torch.optim.AdamW, {}),
    "lbfgs": (torch.optim.LBFGS, {}),
}

SCHEDULERS = ("constant", "step", "exponential", "cosine", "plateau")


def _fused_ok(params) -> bool:
    # Fused kernels exist for floating-point parameters on CPU and CUDA (torch >= 2.4).
    return all(p.is_floating_point() and p.device.type in ("cpu", "cuda") for p in params)


def make_optimizer(
    optimizer, params, *, lr=1e-3, weight_decay=0.0, **kwargs
) -> torch.optim.Optimizer:
    """Build an optimizer from a name, a ``torch.optim.Optimizer`` class or a factory.

    Names: ``sgd``, ``momentum`` (SGD, momentum 0.9), ``nesterov``, ``adagrad``,
    ``rmsprop``, ``adam``, ``adamw``, ``lbfgs``. Where PyTorch has a fused kernel
    (SGD, Adam, AdamW) it is used: one kernel updates all parameters, which
    removes most per-step Python overhead for small networks.

    Parameters
    ----------
    optimizer : str, torch.optim.Optimizer class or callable
        A key of :data:`OPTIMIZERS`, an optimizer class, or a factory
        ``params -> optimizer`` (called as it is, without the options below).
    params : iterable of torch.nn.Parameter or list of dict
        Parameters (those not requiring gradients are skipped) or parameter groups.
    lr : float, default 1e-3
        Learning rate.
    weight_decay : float, default 0.0
        L2 penalty (not supported by L-BFGS).
    **kwargs
        More options for the optimizer class (e.g. ``max_iter`` for L-BFGS).

    Returns
    -------
    torch.optim.Optimizer

    Examples
    --------
    >>> import torch
    >>> from scidl.training import make_optimizer
    >>> opt = make_optimizer("nesterov", [torch.nn.Parameter(torch.zeros(3))], lr=0.1)
    >>> type(opt).__name__, opt.defaults["nesterov"]
    ('SGD', True)
    """
    params = (
        [p for p in params if p.requires_grad]
        if not isinstance(params, list | tuple) or not params or not isinstance(params[0], dict)
        else params
    )
    if (
        callable(optimizer)
        and not isinstance(optimizer, str)
        and not (inspect.isclass(optimizer) and issubclass(optimizer, torch.optim.Optimizer))
    ):
        return optimizer(params)
    if inspect.isclass(optimizer) and issubclass(optimizer, torch.optim.Optimizer):
        cls, fixed = optimizer, {}
    elif isinstance(optimizer, str):
        if optimizer not in OPTIMIZERS:
            raise ValueError(
                f"optimizer must be one of {', '.join(map(repr, OPTIMIZERS))}, "
                f"a torch.optim.Optimizer class or a callable; got {optimizer!r}."
            )
        cls, fixed = OPTIMIZERS[optimizer]
    else:
        raise TypeError(
            "optimizer must be a name, a torch.optim.Optimizer class or a callable; "
            f"got {optimizer!r}."
        )
    options = {"lr": lr, **fixed, **kwargs}
    if cls is torch.optim.LBFGS:
        if weight_decay:
            raise ValueError(
                "optimizer='lbfgs' does not support weight_decay; "
                "add an L2 term to the loss instead."
            )
        options.setdefault("line_search_fn", "strong_wolfe")
    else:
        options["weight_decay"] = weight_decay
    flat = (
        [p for g in params for p in g["params"]]
        if params and isinstance(params[0], dict)
        else params
    )
    if (
        cls in (torch.optim.SGD, torch.optim.Adam, torch.optim.AdamW)
        and "fused" not in options
        and "foreach" not in options
        and _fused_ok(flat)
    ):
        try:
            return cls(params, fused=True, **options)
        except (RuntimeError, TypeError, ValueError):
            pass
    return cls(params, **options)


def make_scheduler(schedule, optimizer, *, max_epochs):
    """Build a per-epoch learning-rate schedule.

    ``schedule`` is ``None``/``"constant"``, ``"step"`` (x0.1 every third of
    training), ``"exponential"`` (x0.95 per epoch), ``"cosine"`` (cosine decay to
    zero over ``max_epochs``), ``"plateau"`` (x0.1 when the monitored loss stalls
    for 5 epochs), or a callable ``optimizer -> scheduler``.

    Parameters
    ----------
    schedule : str, callable or None
        A name in :data:`SCHEDULERS`, None, or a factory.
    optimizer : torch.optim.Optimizer
        The optimizer whose learning rate is scheduled.
    max_epochs : int
        The training length (sets the step and cosine schedules).

    Returns
    -------
    torch.optim.lr_scheduler.LRScheduler or ReduceLROnPlateau or None
        None for a constant learning rate.

    Examples
    --------
    >>> import torch
    >>> from scidl.training import make_optimizer, make_scheduler
    >>> opt = make_optimizer("sgd", [torch.nn.Parameter(torch.zeros(1))], lr=1.0)
    >>> sched = make_scheduler("cosine", opt, max_epochs=4)
    >>> lrs = []
    >>> for _ in range(4):
    ...     opt.step()
    ...     sched.step()
    ...     lrs.append(round(opt.param_groups[0]["lr"], 3))
    >>> lrs  # 0.5 (1 + cos(pi t / 4))
    [0.854, 0.5, 0.146, 0.0]
    >>> make_scheduler(None, opt, max_epochs=4) is None
    True
    """
    if schedule is None or schedule == "constant":
        return None
    lrs = torch.optim.lr_scheduler
    if callable(schedule) and not isinstance(schedule, str):
        return schedule(optimizer)
    if schedule == "step":
        return lrs.StepLR(optimizer, step_size=max(1, max_epochs // 3), gamma=0.1)
    if schedule == "exponential":
        return lrs.ExponentialLR(optimizer, gamma=0.95)
    if schedule == "cosine":
        return lrs.CosineAnnealingLR(optimizer, T_max=max(1, max_epochs))
    if schedule == "plateau":
        return lrs.ReduceLROnPlateau(optimizer, factor=0.1, patience=5)
    raise ValueError(
        f"lr_schedule must be one of {', '.join(map(repr, SCHEDULERS))}, None or a callable; "
        f"got {schedule!r}."
    )
