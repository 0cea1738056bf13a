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
    generator and a discriminator) and :meth:`eval_step`.
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
    validation batches.
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
