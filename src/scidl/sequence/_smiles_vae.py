"""A variational autoencoder of token strings (SMILES), with recurrent encoder and decoder.

The lecture's molecule designer (Gomez-Bombarelli et al. 2018, *Automatic chemical
design using a data-driven continuous representation of molecules*, ACS Cent.
Sci. 4:268) maps a SMILES string to a point of a continuous latent space and
back. Here, as in the VAE baseline of MOSES (Polykovskiy et al. 2020), a
bidirectional GRU reads the tokens and gives the mean and log-variance of the
Gaussian posterior ``q(z|x)``; a GRU decoder starts from a state computed from
``z`` and also reads ``z`` at every step, next to the previous token, and gives
``p(x|z) = prod_t p(x_t | x_<t, z)``. Training maximises the ELBO of chapter 8,

``ELBO(x) = E_q(z|x)[log p(x|z)] - KL(q(z|x) || N(0, I))``,

with the same step (:class:`scidl.generative.ELBOStep`: reparameterised draw,
KL weight ``beta`` and warm-up) and the same closed-form KL
(:func:`scidl.generative.gaussian_kl`); only ``log p(x|z)`` differs: the summed
next-token log-probabilities of the string under teacher forcing.
"""

from __future__ import annotations

import numbers

import numpy as np
import torch
from sklearn.base import TransformerMixin
from torch import nn
from torch.nn.utils.rnn import pack_padded_sequence

from scidl.generative import ELBOStep, gaussian_kl, reparameterize
from scidl.sequence._charrnn import (
    StackedRNN,
    _TokenModel,
    _trim,
    sequence_log_likelihood,
)
from scidl.sequence._tokens import Vocabulary, check_strings
from scidl.utils import Interval, check_array, check_fitted, check_int_sequence

__all__ = ["SMILESVAE", "SequenceELBOStep", "SequenceVAEModule"]


class SequenceVAEModule(nn.Module):
    """Bidirectional-GRU encoder ``tokens -> (mu, logvar)``, GRU decoder ``(z, prefix) -> logits``.

    Parameters
    ----------
    n_tokens : int
        Vocabulary size (special tokens included; index 0 is padding).
    n_components : int
        Size of the latent code ``z``.
    hidden_sizes : sequence of int, default (256,)
        Widths of the decoder's recurrent layers.
    encoder_size : int, default 128
        Width of each direction of the encoder GRU.
    embedding_dim : int, default 32
        Size of the token embedding (shared by encoder and decoder).
    cell : {"gru", "lstm"}, default "gru"
        The decoder's recurrent cell.
    dropout : float, default 0.0
        Dropout between decoder layers.

    Attributes
    ----------
    embedding : torch.nn.Embedding
        Token vectors.
    encoder : torch.nn.GRU
        One bidirectional layer over the tokens.
    to_posterior : torch.nn.Linear
        Last states of both directions to ``[mu, logvar]``.
    to_state : torch.nn.Linear
        ``z`` to the initial state of every decoder layer.
    decoder : StackedRNN
        Reads ``[embedding of the previous token, z]`` at each step.
    readout : torch.nn.Linear
        Decoder state to next-token logits.

    Examples
    --------
    >>> import torch
    >>> from scidl.sequence import SequenceVAEModule
    >>> net = SequenceVAEModule(8, 2, (16,), encoder_size=8)
    >>> ids = torch.tensor([[1, 3, 4, 2], [1, 5, 2, 0]])
    >>> mu, logvar = net.encode(ids)
    >>> mu.shape, net.log_likelihood(ids, mu).shape
    (torch.Size([2, 2]), torch.Size([2]))
    """

    def __init__(self, n_tokens, n_components, hidden_sizes=(256,), *, encoder_size=128,
                 embedding_dim=32, cell="gru", dropout=0.0):  # fmt: skip
        super().__init__()
        self.n_tokens = int(n_tokens)
        self.n_components = int(n_components)
        self.hidden_sizes = tuple(int(h) for h in hidden_sizes)
        self.encoder_size = int(encoder_size)
        self.embedding_dim = int(embedding_dim)
        self.cell = cell
        self.embedding = nn.Embedding(self.n_tokens, self.embedding_dim, padding_idx=0)
        self.encoder = nn.GRU(
            self.embedding_dim, self.encoder_size, batch_first=True, bidirectional=True
        )
        self.to_posterior = nn.Linear(2 * self.encoder_size, 2 * self.n_components)
        self.to_state = nn.Linear(self.n_components, sum(self.hidden_sizes))
        self.decoder = StackedRNN(
            self.embedding_dim + self.n_components, self.hidden_sizes, cell=cell, dropout=dropout
        )
        self.readout = nn.Linear(self.hidden_sizes[-1], self.n_tokens)
        self.reset_parameters()

    def reset_parameters(self):
        """PyTorch's default initialisation of every layer (embeddings N(0, 1), padding zero)."""
        for m in (self.embedding, self.encoder, self.to_posterior, self.to_state, self.readout):
            m.reset_parameters()
        self.decoder.reset_parameters()

    def encode(self, ids):
        """``(mu, logvar)`` of ``q(z|x)`` for rows ``[BOS, x..., EOS, PAD...]``."""
        lengths = (ids != Vocabulary.PAD).sum(dim=1)
        packed = pack_padded_sequence(
            self.embedding(ids), lengths.cpu(), batch_first=True, enforce_sorted=False
        )
        _, h = self.encoder(packed)  # (2, batch, encoder_size): last state of each direction
        mu, logvar = self.to_posterior(torch.cat([h[0], h[1]], dim=1)).chunk(2, dim=1)
        return mu, logvar

    def initial_state(self, z):
        """The decoder's initial state, one per layer, computed from ``z``."""
        parts = torch.tanh(self.to_state(z)).split(self.hidden_sizes, dim=1)
        if self.cell == "lstm":  # (h, c): the cell memory starts at zero
            return [(p[None].contiguous(), torch.zeros_like(p)[None]) for p in parts]
        return [p[None].contiguous() for p in parts]

    def decode_step(self, tokens, state, z):
        """Logits ``(batch, time, n_tokens)`` after ``tokens``, from ``state``, given ``z``."""
        emb = self.embedding(tokens)
        inp = torch.cat([emb, z[:, None, :].expand(-1, emb.shape[1], -1)], dim=2)
        out, state = self.decoder(inp, state)
        return self.readout(out), state

    def log_likelihood(self, ids, z):
        """``log p(x|z)`` per row: the summed next-token log-probabilities (teacher forcing)."""
        logits, _ = self.decode_step(ids[:, :-1], self.initial_state(z), z)
        return sequence_log_likelihood(logits, ids[:, 1:])

    def forward(self, ids):
        """The posterior mean ``mu`` of each row (the code)."""
        return self.encode(ids)[0]

    def extra_repr(self) -> str:
        return (
            f"n_tokens={self.n_tokens}, n_components={self.n_components}, "
            f"hidden_sizes={self.hidden_sizes}, encoder_size={self.encoder_size}, "
            f"cell={self.cell!r}"
        )


class SequenceELBOStep(ELBOStep):
    """:class:`~scidl.generative.ELBOStep` with a recurrent likelihood: batches of token rows.

    The update, the KL weight ``beta * min(1, epoch / kl_warmup)`` and the
    reported terms are the VAE chapter's; only :meth:`terms` changes: the batch
    is trimmed to its longest row and ``log p(x|z)`` is the decoder's summed
    next-token log-likelihood.

    Parameters
    ----------
    beta : float, default 1.0
        Final weight of the KL term.
    kl_warmup : int, default 0
        Epochs over which the weight rises linearly to ``beta``.

    Attributes
    ----------
    beta, kl_warmup
        As given.

    Examples
    --------
    >>> import torch
    >>> from scidl.sequence import SequenceELBOStep, SequenceVAEModule
    >>> from scidl.training import train
    >>> ids = torch.tensor([[1, 3, 4, 2, 0], [1, 4, 3, 3, 2]] * 8)
    >>> net = SequenceVAEModule(5, 2, (8,), encoder_size=4)
    >>> history = train(net, (ids,), step=SequenceELBOStep(), max_epochs=2, verbose=0)
    >>> history.columns
    ['epoch', 'train_loss', 'train_recon', 'train_kl', 'train_kl_weight', 'lr', 'time']
    """

    @staticmethod
    def terms(module, ids):
        """``(log p(x|z), KL)`` per row for one reparameterised ``z ~ q(z|x)``."""
        ids = _trim(ids)
        mu, logvar = module.encode(ids)
        z = reparameterize(mu, logvar)
        return module.log_likelihood(ids, z), gaussian_kl(mu, logvar)


class SMILESVAE(TransformerMixin, _TokenModel):
    """Variational autoencoder of SMILES (or any token strings): encode, sample, interpolate.

    Parameters
    ----------
    n_components : int, default 64
        Size of the latent code.
    hidden_sizes : sequence of int, default (256,)
        Widths of the decoder's recurrent layers.
    encoder_size : int or None, default None
        Width of each direction of the bidirectional encoder GRU; None takes
        ``hidden_sizes[0] // 2`` (at least 1).
    cell : {"gru", "lstm"}, default "gru"
        The decoder's cell.
    embedding_dim : int, default 32
        Size of the token embedding.
    dropout : float, default 0.0
        Dropout between decoder layers.
    tokenizer : {"smiles", "char"}, default "smiles"
        SMILES tokens (``Cl``, ``Br``, bracket atoms whole) or characters.
    beta : float, default 1.0
        Weight of the KL term after warm-up (1 is the ELBO; MOSES's VAE ends at
        0.05 of a per-token loss, about 1.9 per molecule).
    kl_warmup : int, default 1
        Epochs over which the KL weight rises linearly to ``beta``.
    optimizer, lr, batch_size, max_epochs, weight_decay, validation_fraction, patience, \
lr_schedule, clip_grad_norm, device, dtype, random_state, verbose, callbacks
        The common hyperparameters of :class:`scidl.base.NeuralEstimator`
        (``clip_grad_norm`` 5 by default, as in MOSES's VAE... and most RNNs).

    Attributes
    ----------
    module_ : SequenceVAEModule
        The trained network.
    tokens_, vocabulary_, n_tokens_, max_length_
        The vocabulary, as in :class:`CharRNN`.
    history_ : History
        ``train_loss`` (weighted negative ELBO per string), ``train_recon``,
        ``train_kl``, ``train_kl_weight`` per epoch.
    n_epochs_, device_
        As in :class:`scidl.base.NeuralEstimator`.

    Notes
    -----
    Samples decode ``z ~ N(0, I)`` with the next-token distribution at the
    given temperature; :meth:`inverse_transform` decodes greedily (the most
    probable token at each step), which maps a code to one string.

    Examples
    --------
    >>> from scidl.sequence import SMILESVAE
    >>> X = ["CCO", "CCN", "CCC", "CCOC", "c1ccccc1", "CCCl"] * 4
    >>> vae = SMILESVAE(2, hidden_sizes=(16,), max_epochs=2, random_state=0).fit(X)
    >>> vae.transform(["CCO"]).shape
    (1, 2)
    >>> vae.sample(3, random_state=0).shape, vae.interpolate("CCO", "CCCl", n_steps=4).shape
    ((3,), (4,))
    """

    _parameter_constraints = {
        "n_components": [Interval(numbers.Integral, 1, None)],
        "encoder_size": [Interval(numbers.Integral, 1, None), None],
        "beta": [Interval(numbers.Real, 0, None)],
        "kl_warmup": [Interval(numbers.Integral, 0, None)],
    }

    _expected_failed_checks = {
        name: "X is a list of strings (SMILES); the check transforms numeric arrays"
        for name in (
            "check_transformer_data_not_an_array",
            "check_transformer_general",
            "check_transformer_preserve_dtypes",
        )
    }

    def __init__(
        self,
        n_components=64,
        *,
        hidden_sizes=(256,),
        encoder_size=None,
        cell="gru",
        embedding_dim=32,
        dropout=0.0,
        tokenizer="smiles",
        beta=1.0,
        kl_warmup=1,
        optimizer="adam",
        lr=1e-3,
        batch_size=128,
        max_epochs=10,
        weight_decay=0.0,
        validation_fraction=0.0,
        patience=None,
        lr_schedule=None,
        clip_grad_norm=5.0,
        device="auto",
        dtype="float32",
        random_state=None,
        verbose=0,
        callbacks=None,
    ):
        self.n_components = n_components
        self.hidden_sizes = hidden_sizes
        self.encoder_size = encoder_size
        self.cell = cell
        self.embedding_dim = embedding_dim
        self.dropout = dropout
        self.tokenizer = tokenizer
        self.beta = beta
        self.kl_warmup = kl_warmup
        self.optimizer = optimizer
        self.lr = lr
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

    def _build_module(self):
        hidden = check_int_sequence(self.hidden_sizes, "hidden_sizes", allow_empty=False)
        enc = max(1, hidden[0] // 2) if self.encoder_size is None else self.encoder_size
        return SequenceVAEModule(
            self.n_tokens_,
            self.n_components,
            hidden,
            encoder_size=enc,
            embedding_dim=self.embedding_dim,
            cell=self.cell,
            dropout=self.dropout,
        )

    def _make_step(self, seed):
        return SequenceELBOStep(beta=self.beta, kl_warmup=self.kl_warmup)

    # -- encoding ----------------------------------------------------------------
    def transform(self, X):
        """The posterior means ``E[z|x]`` (the codes) of the strings.

        Parameters
        ----------
        X : sequence of str
            Strings made of the training tokens.

        Returns
        -------
        ndarray of shape (n_strings, n_components), float64
        """
        ids, _ = self._encode(X)
        module = self.module_
        return self._infer(lambda x: module.encode(x.long())[0], ids).numpy().astype(np.float64)

    def score(self, X, y=None):
        """The mean ELBO per string in nats, one draw ``z ~ q(z|x)`` from a fixed seed.

        Parameters
        ----------
        X : sequence of str
            Strings made of the training tokens.
        y : None
            Ignored.

        Returns
        -------
        float
            ``mean(log p(x|z) - KL(q(z|x) || N(0, I)))`` (higher is better).
        """
        ids, _ = self._encode(X)
        module = self.module_
        gen = self._generator(0)

        def elbo(x):
            x = x.long()
            mu, logvar = module.encode(x)
            eps = torch.randn(mu.shape, generator=gen, device=mu.device, dtype=mu.dtype)
            z = mu + torch.exp(0.5 * logvar) * eps
            return (module.log_likelihood(x, z) - gaussian_kl(mu, logvar)).double()

        return float(self._infer(elbo, ids).mean())

    # -- decoding ----------------------------------------------------------------
    def _check_codes(self, Z, name="Z"):
        check_fitted(self, "module_")
        Z = check_array(Z, name=name)
        if Z.shape[1] != self.n_components:
            raise ValueError(
                f"{name} has {Z.shape[1]} columns, but the model has "
                f"n_components={self.n_components}."
            )
        return Z

    def _decode(self, Z, temperature, max_length, random_state):
        module = self.module_
        param = next(module.parameters())
        z = torch.as_tensor(np.ascontiguousarray(Z), dtype=param.dtype, device=param.device)
        return self._generate(
            len(z),
            lambda token, state, rows: module.decode_step(token, state, z[rows]),
            temperature=temperature,
            max_length=self._default_max_length(max_length),
            gen=self._generator(random_state),
            state=lambda rows: module.initial_state(z[rows]),
        )

    def decode(self, Z, *, temperature=0.0, max_length=None, random_state=None):
        """Strings decoded from latent points, greedily (``temperature=0``) or by sampling.

        Parameters
        ----------
        Z : array-like of shape (n_points, n_components)
            Latent points.
        temperature : float, default 0.0
            0 takes the most probable token at every step; above 0 draws from
            ``softmax(logits / temperature)``.
        max_length : int or None, default None
            Most tokens per string; None allows twice the longest training string.
        random_state : int, Generator, RandomState or None, default None
            Seeds the draws (temperature above 0).

        Returns
        -------
        ndarray of shape (n_points,), dtype object
        """
        Z = self._check_codes(Z)
        self._check_sampling(len(Z), temperature, max_length)
        return self._decode(Z, temperature, max_length, random_state)

    def inverse_transform(self, X):
        """Greedy decoding of latent codes into strings (see :meth:`decode`).

        Parameters
        ----------
        X : array-like of shape (n_points, n_components)
            Latent codes, e.g. from :meth:`transform`.

        Returns
        -------
        ndarray of shape (n_points,), dtype object
        """
        Z = self._check_codes(X, "X")
        return self._decode(Z, 0.0, None, None)

    def sample(self, n_samples=1, *, temperature=1.0, max_length=None, random_state=None):
        """Draw ``z ~ N(0, I)`` and decode it at ``temperature`` (1: the model's distribution).

        Parameters
        ----------
        n_samples : int, default 1
            Number of strings.
        temperature : float, default 1.0
            Temperature of the next-token distribution; 0 decodes greedily.
        max_length : int or None, default None
            Most tokens per string; None allows twice the longest training string.
        random_state : int, Generator, RandomState or None, default None
            Seeds ``z`` and the tokens.

        Returns
        -------
        ndarray of shape (n_samples,), dtype object
        """
        check_fitted(self, "module_")
        self._check_sampling(n_samples, temperature, max_length)
        gen = self._generator(random_state)
        param = next(self.module_.parameters())
        z = torch.randn(
            (int(n_samples), self.n_components), generator=gen, device=param.device,
            dtype=param.dtype,
        )  # fmt: skip
        module = self.module_
        return self._generate(
            int(n_samples),
            lambda token, state, rows: module.decode_step(token, state, z[rows]),
            temperature=temperature,
            max_length=self._default_max_length(max_length),
            gen=gen,
            state=lambda rows: module.initial_state(z[rows]),
        )

    def interpolate(self, start, end, n_steps=8, *, spherical=False):
        """Greedy decodings of points on the line between the codes of two strings.

        Parameters
        ----------
        start, end : str
            The two strings (e.g. molecules), encoded to their posterior means.
        n_steps : int, default 8
            Points from ``start``'s code to ``end``'s, both included (at least 2).
        spherical : bool, default False
            Interpolate along the great circle (slerp), which keeps the norm
            typical of the prior, instead of the straight line.

        Returns
        -------
        ndarray of shape (n_steps,), dtype object
            The decoded strings, ``start`` first.
        """
        for name, value in (("start", start), ("end", end)):
            if not isinstance(value, str):
                raise TypeError(f"{name} must be a str; got {type(value).__name__}.")
        if not isinstance(n_steps, numbers.Integral) or isinstance(n_steps, bool):
            raise TypeError(f"n_steps must be an int; got {type(n_steps).__name__}.")
        if n_steps < 2:
            raise ValueError(f"n_steps must be >= 2; got {n_steps}.")
        a, b = self.transform([start, end])
        t = np.linspace(0.0, 1.0, int(n_steps))[:, None]
        if spherical:
            cos = np.dot(a, b) / max(np.linalg.norm(a) * np.linalg.norm(b), 1e-12)
            omega = np.arccos(np.clip(cos, -1.0, 1.0))
            if omega < 1e-6:
                Z = (1 - t) * a + t * b
            else:
                Z = (np.sin((1 - t) * omega) * a + np.sin(t * omega) * b) / np.sin(omega)
        else:
            Z = (1 - t) * a + t * b
        return self._decode(Z, 0.0, None, None)

    def reconstruct(self, X):
        """Greedy decoding of each string's posterior mean (a deterministic reconstruction).

        Parameters
        ----------
        X : sequence of str
            Strings made of the training tokens.

        Returns
        -------
        ndarray of shape (n_strings,), dtype object
        """
        check_strings(X, "X")
        return self.inverse_transform(self.transform(X))
