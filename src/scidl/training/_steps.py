"""Training steps: what happens to one minibatch.

The loop in :mod:`scidl.training._loop` owns epochs, batching, validation,
callbacks and the divergence guard; a *step* owns the update. The default,
:class:`SupervisedStep`, is the textbook one: forward, loss, backward, update.
Models whose update differs (a GAN's two optimizers, a VAE's ELBO with KL
warm-up, an RBM's contrastive divergence) subclass :class:`Step` and reuse the
same loop, callbacks and history.
"""

from __future__ import annotations

import torch

__all__ = ["Step", "SupervisedStep"]


class Step:
    """Base class of training steps.

    Subclasses implement :meth:`train_step`, and may override
    :meth:`configure_optimizers` (to create several optimizers, e.g. for a
    generator and a discriminator) and :meth:`eval_step`. A step has no state
    the loop relies on; subclasses keep their own.

    Attributes
    ----------
    (none)
        A step holds no state the loop relies on; subclasses add theirs (e.g.
        :class:`SupervisedStep`'s ``loss_fn`` and ``metrics``).

    Examples
    --------
    >>> import torch
    >>> from scidl.training import Step, train
    >>> class L1Step(Step):  # least absolute deviations
    ...     def train_step(self, module, batch, optimizers, ctx):
    ...         x, y = batch
    ...         optimizers["main"].zero_grad()
    ...         loss = (module(x) - y).abs().mean()
    ...         ctx.check_finite(loss)
    ...         ctx.backward(loss)
    ...         optimizers["main"].step()
    ...         return {"loss": loss.detach(), "max_error": (module(x) - y).abs().max().detach()}
    >>> x = torch.linspace(-1, 1, 16)[:, None]
    >>> history = train(torch.nn.Linear(1, 1), (x, 2 * x), step=L1Step(), max_epochs=3, verbose=0)
    >>> history.columns  # every value a step returns becomes a column
    ['epoch', 'train_loss', 'train_max_error', 'lr', 'time']
    """

    def configure_optimizers(self, module, make_optimizer) -> dict:
        """Return ``{name: optimizer}``. ``make_optimizer(params)`` uses the loop's settings."""
        return {"main": make_optimizer(module.parameters())}

    def train_step(self, module, batch, optimizers, ctx) -> dict:
        """Update the parameters from one batch; return ``{"loss": tensor, ...}`` (detached)."""
        raise NotImplementedError

    def eval_step(self, module, batch, ctx) -> dict:
        """Losses on a validation batch (no gradients); by default none."""
        return {}


class SupervisedStep(Step):
    """``loss_fn(module(x), y)``, backward, optional gradient clipping, optimizer step.

    ``loss_fn`` must average over the batch. With one tensor per batch (no
    targets), ``loss_fn(module(x), x)`` is used, as in an autoencoder.
    ``metrics`` maps names to ``fn(output, target) -> tensor`` evaluated on
    validation batches. With an L-BFGS optimizer the step is one ``opt.step(closure)``.

    Parameters
    ----------
    loss_fn : callable
        ``loss_fn(output, target) -> scalar`` averaged over the batch.
    metrics : dict, optional
        ``{name: fn(output, target)}`` for validation batches.

    Attributes
    ----------
    loss_fn : callable
        The training loss.
    metrics : dict
        The validation metrics.

    Examples
    --------
    >>> import torch
    >>> from scidl.training import SupervisedStep, train
    >>> x = torch.linspace(-1, 1, 16)[:, None]
    >>> mae = lambda out, y: (out - y).abs().mean()
    >>> step = SupervisedStep(torch.nn.functional.mse_loss, metrics={"mae": mae})
    >>> history = train(
    ...     torch.nn.Linear(1, 1), (x, x), step=step, validation_data=(x, x), max_epochs=2,
    ...     verbose=0,
    ... )
    >>> history.columns
    ['epoch', 'train_loss', 'valid_loss', 'valid_mae', 'lr', 'time']
    """

    def __init__(self, loss_fn, *, metrics=None):
        self.loss_fn = loss_fn
        self.metrics = dict(metrics or {})

    @staticmethod
    def _split(batch):
        return (batch[0], batch[1]) if len(batch) > 1 else (batch[0], batch[0])

    def train_step(self, module, batch, optimizers, ctx):
        x, y = self._split(batch)
        opt = optimizers["main"]

        def closure():
            opt.zero_grad(set_to_none=True)
            loss = self.loss_fn(module(x), y)
            ctx.check_finite(loss)
            ctx.backward(loss)
            ctx.clip_gradients(module)
            return loss

        if isinstance(opt, torch.optim.LBFGS):
            loss = opt.step(closure)
        else:
            loss = closure()
            opt.step()
        return {"loss": loss.detach()}

    def eval_step(self, module, batch, ctx):
        x, y = self._split(batch)
        out = module(x)
        result = {"loss": self.loss_fn(out, y)}
        for name, fn in self.metrics.items():
            result[name] = fn(out, y)
        return result
