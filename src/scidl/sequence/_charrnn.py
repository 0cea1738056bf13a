"""A character-level language model: a recurrent network predicts the next token.

The model factorises the probability of a string ``x = (x_1, ..., x_n)`` into
next-token probabilities, ``p(x) = prod_t p(x_t | x_<t)`` (with a begin token
before and an end token after the string), each given by a softmax over the
vocabulary on top of an LSTM or GRU state that has read ``x_<t``. Training
minimises the cross-entropy of the next token (teacher forcing: the network
reads the true prefix); sampling feeds its own draws back, one token at a
time, from the softmax of ``logits / temperature``.

Trained on SMILES strings this is the CharRNN baseline of the MOSES benchmark
(Segler et al. 2018, *Generating focused molecule libraries for drug discovery
with recurrent neural networks*, ACS Cent. Sci. 4:120; Polykovskiy et al. 2020).
"""

from __future__ import annotations

import math
import numbers

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from scidl.base import NeuralEstimator
from scidl.sequence._tokens import TOKENIZERS, Vocabulary, check_strings
from scidl.training import Step
from scidl.utils import InstanceOf, Interval, Options, check_fitted, check_int_sequence, make_seed

__all__ = ["CharRNN", "CharRNNModule", "LanguageModelStep", "StackedRNN"]

_CELLS = {"lstm": nn.LSTM, "gru": nn.GRU}


class StackedRNN(nn.Module):
    """LSTM or GRU layers of any widths, one after the other, with dropout between them.

    Parameters
    ----------
    in_features : int
        Size of the input at each time step.
    hidden_sizes : sequence of int
        Width of each recurrent layer (at least one).
    cell : {"lstm", "gru"}, default "lstm"
        The recurrent cell.
    dropout : float, default 0.0
        Dropout on the outputs of every layer but the last (training only).

    Attributes
    ----------
    layers : torch.nn.ModuleList
        One single-layer ``nn.LSTM``/``nn.GRU`` (``batch_first``) per width.
    in_features, hidden_sizes, cell, dropout
        The constructor's arguments.

    Examples
    --------
    >>> import torch
    >>> from scidl.sequence import StackedRNN
    >>> rnn = StackedRNN(3, (8, 4), cell="gru")
    >>> out, state = rnn(torch.zeros(2, 5, 3))
    >>> out.shape, [s.shape for s in state]
    (torch.Size([2, 5, 4]), [torch.Size([1, 2, 8]), torch.Size([1, 2, 4])])
    """

    def __init__(self, in_features, hidden_sizes, *, cell="lstm", dropout=0.0):
        super().__init__()
        if cell not in _CELLS:
            raise ValueError(f"cell must be one of {tuple(_CELLS)}; got {cell!r}.")
        self.in_features = int(in_features)
        self.hidden_sizes = tuple(int(h) for h in hidden_sizes)
        if not self.hidden_sizes:
            raise ValueError("hidden_sizes must hold at least one layer width; got ().")
        self.cell = cell
        self.dropout = float(dropout)
        sizes = (self.in_features, *self.hidden_sizes)
        self.layers = nn.ModuleList(
            _CELLS[cell](sizes[i], sizes[i + 1], batch_first=True)
            for i in range(len(self.hidden_sizes))
        )
        self.reset_parameters()

    def reset_parameters(self):
        """PyTorch's default initialisation (uniform in +-1/sqrt(width)) of every layer."""
        for layer in self.layers:
            layer.reset_parameters()

    def forward(self, x, state=None):
        """``(outputs of the last layer (batch, time, width), [state of each layer])``."""
        states = []
        for i, layer in enumerate(self.layers):
            x, s = layer(x, None if state is None else state[i])
            states.append(s)
            if self.dropout > 0 and i < len(self.layers) - 1:
                x = F.dropout(x, self.dropout, self.training)
        return x, states

    def extra_repr(self) -> str:
        return (
            f"in_features={self.in_features}, hidden_sizes={self.hidden_sizes}, "
            f"cell={self.cell!r}, dropout={self.dropout}"
        )


class CharRNNModule(nn.Module):
    """Embedding, stacked LSTM/GRU and a linear read-out: ``tokens -> next-token logits``.

    Parameters
    ----------
    n_tokens : int
        Vocabulary size (special tokens included).
    hidden_sizes : sequence of int, default (256, 256)
        Widths of the recurrent layers.
    embedding_dim : int, default 32
        Size of the learned token embedding.
    cell : {"lstm", "gru"}, default "lstm"
        The recurrent cell.
    dropout : float, default 0.0
        Dropout between recurrent layers.

    Attributes
    ----------
    embedding : torch.nn.Embedding
        Token vectors (index 0, padding, stays zero).
    rnn : StackedRNN
        The recurrent layers.
    readout : torch.nn.Linear
        Last hidden state to logits over the vocabulary.
    n_tokens, hidden_sizes, embedding_dim, cell, dropout
        The constructor's arguments.

    Examples
    --------
    >>> import torch
    >>> from scidl.sequence import CharRNNModule
    >>> net = CharRNNModule(10, (16,), embedding_dim=4)
    >>> logits, state = net(torch.tensor([[1, 4, 5]]))
    >>> logits.shape
    torch.Size([1, 3, 10])
    """

    def __init__(self, n_tokens, hidden_sizes=(256, 256), *, embedding_dim=32, cell="lstm",
                 dropout=0.0):  # fmt: skip
        super().__init__()
        self.n_tokens = int(n_tokens)
        self.hidden_sizes = tuple(int(h) for h in hidden_sizes)
        self.embedding_dim = int(embedding_dim)
        self.cell = cell
        self.dropout = float(dropout)
        self.embedding = nn.Embedding(self.n_tokens, self.embedding_dim, padding_idx=0)
        self.rnn = StackedRNN(self.embedding_dim, self.hidden_sizes, cell=cell, dropout=dropout)
        self.readout = nn.Linear(self.hidden_sizes[-1], self.n_tokens)
        self.reset_parameters()

    def reset_parameters(self):
        """N(0, 1) embeddings (padding row zero), default RNN and linear initialisation."""
        self.embedding.reset_parameters()
        self.rnn.reset_parameters()
        self.readout.reset_parameters()

    def forward(self, ids, state=None):
        """Logits ``(batch, time, n_tokens)`` of the token after each input token, and the state."""
        out, state = self.rnn(self.embedding(ids), state)
        return self.readout(out), state

    def extra_repr(self) -> str:
        return f"n_tokens={self.n_tokens}, hidden_sizes={self.hidden_sizes}, cell={self.cell!r}"


def _trim(ids):
    """Drop the columns that are padding in every row (a batch is as wide as its longest)."""
    width = int((ids != Vocabulary.PAD).sum(dim=1).max())
    return ids[:, :width]


def sequence_log_likelihood(logits, targets):
    """``sum_t log p(x_t | x_<t)`` per row, padding (index 0) excluded."""
    logp = torch.log_softmax(logits.float(), dim=-1)
    picked = logp.gather(-1, targets.unsqueeze(-1)).squeeze(-1)
    return (picked * (targets != Vocabulary.PAD)).sum(dim=1)


class LanguageModelStep(Step):
    """Next-token cross-entropy with teacher forcing, averaged over the tokens of a batch.

    A batch is one tensor of token indices ``(batch, width)``, ``[BOS, x..., EOS,
    PAD...]``; the network reads all but the last column and predicts all but
    the first; padding targets do not count. The batch is first trimmed to its
    longest row, so short molecules cost less.

    Attributes
    ----------
    (none)
        The step holds no state.

    Examples
    --------
    >>> import torch
    >>> from scidl.sequence import CharRNNModule, LanguageModelStep
    >>> from scidl.training import train
    >>> ids = torch.tensor([[1, 3, 4, 2, 0], [1, 4, 3, 3, 2]] * 8)
    >>> history = train(CharRNNModule(5, (8,)), (ids,), step=LanguageModelStep(), max_epochs=2,
    ...                 verbose=0)
    >>> history.columns
    ['epoch', 'train_loss', 'lr', 'time']
    """

    @staticmethod
    def loss(module, ids):
        """Mean next-token cross-entropy (nats per token) of a batch of token rows."""
        ids = _trim(ids)
        logits, _ = module(ids[:, :-1])
        target = ids[:, 1:]
        return F.cross_entropy(
            logits.reshape(-1, logits.shape[-1]), target.reshape(-1), ignore_index=Vocabulary.PAD
        )

    def train_step(self, module, batch, optimizers, ctx):
        """One Adam (or other) update on the batch's next-token loss."""
        opt = optimizers["main"]
        opt.zero_grad(set_to_none=True)
        loss = self.loss(module, batch[0])
        ctx.check_finite(loss)
        ctx.backward(loss)
        ctx.clip_gradients(module)
        opt.step()
        return {"loss": loss.detach()}

    def eval_step(self, module, batch, ctx):
        """The next-token loss on a validation batch."""
        return {"loss": self.loss(module, batch[0])}


class _TokenModel(NeuralEstimator):
    """What CharRNN and SMILESVAE share: strings in, a vocabulary, token tensors, sampling."""

    _parameter_constraints = {
        "tokenizer": [Options(*TOKENIZERS)],
        "cell": [Options(*_CELLS)],
        "embedding_dim": [Interval(numbers.Integral, 1, None)],
        "dropout": [Interval(numbers.Real, 0, 1, closed="left")],
        "hidden_sizes": [InstanceOf(list, tuple)],
    }

    _expected_failed_checks = {
        # The input is a sequence of strings (input_tags.string); two_d_array stays True only so
        # that scikit-learn runs its API checks (clone, get/set_params, repr, tags...) at all.
        name: "X is a list of strings (text or SMILES); the check fits numeric arrays"
        for name in (
            "check_estimators_dtypes",
            "check_fit_score_takes_y",
            "check_estimators_fit_returns_self",
            "check_readonly_memmap_input",
            "check_pipeline_consistency",
            "check_estimators_overwrite_params",
            "check_estimators_pickle",
            "check_f_contiguous_array_estimator",
            "check_methods_sample_order_invariance",
            "check_methods_subset_invariance",
            "check_fit2d_1sample",
            "check_fit2d_1feature",
            "check_dict_unchanged",
            "check_fit_idempotent",
            "check_fit_check_is_fitted",
            "check_n_features_in",
            "check_n_features_in_after_fitting",
            "check_positive_only_tag_during_fit",
            "check_estimators_empty_data_messages",
            "check_estimators_nan_inf",
            "check_dont_overwrite_parameters",
            "check_fit2d_predict1d",
            "check_dtype_object",
            "check_fit1d",
        )
    }

    @property
    def vocabulary_(self):
        """The :class:`Vocabulary` learned in ``fit`` (rebuilt from ``tokens_``)."""
        check_fitted(self, "tokens_")
        cached = self.__dict__.get("_vocabulary")
        if cached is None or cached.tokens[3:] != list(self.tokens_):
            cached = Vocabulary(self.tokens_, tokenizer=self.tokenizer)
            self.__dict__["_vocabulary"] = cached
        return cached

    def _prepare_fit(self, X, y):
        X = check_strings(X, "X")
        vocab = Vocabulary.from_strings(X, tokenizer=self.tokenizer)
        ids, lengths = vocab.encode(X, name="X")
        self.tokens_ = vocab.tokens[3:]
        self.n_tokens_ = len(vocab)
        self.max_length_ = int(lengths.max()) - 2  # tokens of the longest training string
        self.__dict__["_vocabulary"] = vocab
        return ids, None

    def _make_datasets(self, X, target, splits, dtype, device):
        out = []
        for idx in splits:
            if idx is None:
                out.append(None)
            else:
                out.append((torch.as_tensor(np.ascontiguousarray(X[idx]), device=device),))
        return out

    def _encode(self, X, name="X"):
        """Validated token rows of ``X`` (unknown tokens raise ValueError naming ``X``)."""
        check_fitted(self, "module_")
        return self.vocabulary_.encode(check_strings(X, name), name=name)

    def _generator(self, random_state):
        device = next(self.module_.parameters()).device
        return torch.Generator(device=device).manual_seed(make_seed(random_state))

    @staticmethod
    def _check_sampling(n_samples, temperature, max_length):
        if not isinstance(n_samples, numbers.Integral) or isinstance(n_samples, bool):
            raise TypeError(f"n_samples must be an int; got {type(n_samples).__name__}.")
        if n_samples < 1:
            raise ValueError(f"n_samples must be >= 1; got {n_samples}.")
        if not isinstance(temperature, numbers.Real) or isinstance(temperature, bool):
            raise TypeError(f"temperature must be a float; got {type(temperature).__name__}.")
        if not (math.isfinite(temperature) and temperature >= 0):
            raise ValueError(f"temperature must be finite and >= 0; got {temperature}.")
        if max_length is not None:
            if not isinstance(max_length, numbers.Integral) or isinstance(max_length, bool):
                raise TypeError(f"max_length must be an int; got {type(max_length).__name__}.")
            if max_length < 1:
                raise ValueError(f"max_length must be >= 1; got {max_length}.")

    def _default_max_length(self, max_length):
        # Twice the longest training string: room for novel strings, a bound on runaway loops.
        return 2 * self.max_length_ if max_length is None else int(max_length)

    @staticmethod
    def _draw(logits, temperature, gen):
        """Next tokens from ``logits (batch, n_tokens)``: softmax(logits / T), argmax at T = 0."""
        logits = logits.float()
        logits[:, Vocabulary.PAD] = -math.inf  # padding and begin are never generated
        logits[:, Vocabulary.BOS] = -math.inf
        if temperature == 0:
            return logits.argmax(dim=1)
        probs = torch.softmax(logits / temperature, dim=1)
        return torch.multinomial(probs, 1, generator=gen).squeeze(1)

    def _generate(self, n, step, *, temperature, max_length, gen, state=None):
        """Strings drawn token by token: ``step(token (b, 1), state, rows) -> (logits, state)``.

        Rows are generated in blocks of 1,024; ``rows`` is the block's slice of the
        ``n`` strings (for per-row inputs such as a VAE's latent codes); ``state``
        maps such a slice to the initial state (None: zeros).
        """
        module = self.module_
        device = next(module.parameters()).device
        out = []
        module.eval()
        with torch.no_grad():
            for start in range(0, n, 1024):
                rows = slice(start, min(start + 1024, n))
                b = rows.stop - rows.start
                token = torch.full((b, 1), Vocabulary.BOS, dtype=torch.long, device=device)
                done = torch.zeros(b, dtype=torch.bool, device=device)
                drawn, h = [], None if state is None else state(rows)
                for _ in range(max_length + 1):
                    logits, h = step(token, h, rows)
                    nxt = self._draw(logits[:, -1], temperature, gen)
                    nxt = torch.where(done, torch.full_like(nxt, Vocabulary.PAD), nxt)
                    drawn.append(nxt)
                    done |= nxt == Vocabulary.EOS
                    if bool(done.all()):
                        break
                    token = nxt[:, None]
                # at most max_length tokens (the extra draw only gave the end token its chance)
                rows_ids = torch.stack(drawn[:max_length], 1) if max_length else token[:, :0]
                out.extend(self.vocabulary_.decode(rows_ids.cpu().numpy()))
        return np.array(out, dtype=object)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.string = True  # X is a sequence of strings
        tags.non_deterministic = False
        return tags


class CharRNN(_TokenModel):
    """Character-level recurrent language model with temperature sampling and scoring.

    Fits ``p(x) = prod_t p(x_t | x_<t)`` to a list of strings (text lines or
    SMILES), samples new strings and scores given ones.

    Parameters
    ----------
    hidden_sizes : sequence of int, default (256, 256)
        Widths of the stacked recurrent layers.
    cell : {"lstm", "gru"}, default "lstm"
        The recurrent cell.
    embedding_dim : int, default 32
        Size of the token embedding.
    dropout : float, default 0.0
        Dropout between recurrent layers.
    tokenizer : {"char", "smiles"}, default "char"
        Characters, or SMILES tokens (``Cl``, ``Br``, bracket atoms and ``%nn`` whole).
    optimizer, lr, batch_size, max_epochs, weight_decay, validation_fraction, patience, \
lr_schedule, clip_grad_norm, device, dtype, random_state, verbose, callbacks
        The common hyperparameters of :class:`scidl.base.NeuralEstimator`.
        ``clip_grad_norm`` defaults to 5, the usual guard against exploding
        gradients in recurrent networks.

    Attributes
    ----------
    module_ : CharRNNModule
        The trained network.
    tokens_ : list of str
        The tokens seen in training (the vocabulary without its special tokens).
    vocabulary_ : Vocabulary
        The vocabulary (a view of ``tokens_``).
    n_tokens_ : int
        Vocabulary size, special tokens included.
    max_length_ : int
        Tokens in the longest training string.
    history_ : History
        ``train_loss`` (nats per token) and ``valid_loss`` per epoch.
    n_epochs_, device_
        As in :class:`scidl.base.NeuralEstimator`.

    Notes
    -----
    ``log_likelihood`` sums the next-token log-probabilities including the end
    token, so ``exp(-score / (tokens + 1))`` is the per-token perplexity. The
    MOSES CharRNN baseline (3 LSTM layers of 768 units, the full training split,
    a GPU) reaches validity 0.96 and unique@10k 0.999 (Polykovskiy et al. 2020).

    Examples
    --------
    >>> from scidl.sequence import CharRNN
    >>> X = ["CCO", "CCN", "CCC", "CCOC"] * 8
    >>> lm = CharRNN((16,), max_epochs=2, random_state=0).fit(X)
    >>> lm.tokens_
    ['C', 'N', 'O']
    >>> lm.sample(3, random_state=0).shape
    (3,)
    >>> lm.log_likelihood(["CCO"]).shape
    (1,)
    """

    def __init__(
        self,
        hidden_sizes=(256, 256),
        *,
        cell="lstm",
        embedding_dim=32,
        dropout=0.0,
        tokenizer="char",
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
        self.hidden_sizes = hidden_sizes
        self.cell = cell
        self.embedding_dim = embedding_dim
        self.dropout = dropout
        self.tokenizer = tokenizer
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
        return CharRNNModule(
            self.n_tokens_,
            check_int_sequence(self.hidden_sizes, "hidden_sizes", allow_empty=False),
            embedding_dim=self.embedding_dim,
            cell=self.cell,
            dropout=self.dropout,
        )

    def _make_step(self, seed):
        return LanguageModelStep()

    def log_likelihood(self, X):
        """``log p(x)`` of each string in nats (the end token included).

        Parameters
        ----------
        X : sequence of str
            Strings made of the training tokens.

        Returns
        -------
        ndarray of shape (n_strings,), float64
        """
        ids, _ = self._encode(X)
        module = self.module_

        def fn(x):
            x = x.long()
            logits, _ = module(x[:, :-1])
            return sequence_log_likelihood(logits, x[:, 1:]).double()

        return self._infer(fn, ids).numpy()

    def score(self, X, y=None):
        """Mean log-likelihood per string, in nats (higher is better).

        Parameters
        ----------
        X : sequence of str
            Strings made of the training tokens.
        y : None
            Ignored.

        Returns
        -------
        float
        """
        return float(np.mean(self.log_likelihood(X)))

    def sample(self, n_samples=1, *, temperature=1.0, max_length=None, random_state=None):
        """Generate strings token by token from ``softmax(logits / temperature)``.

        Parameters
        ----------
        n_samples : int, default 1
            Number of strings.
        temperature : float, default 1.0
            Below 1 sharpens the next-token distribution (safer, less diverse
            strings), above 1 flattens it; 0 takes the most probable token.
        max_length : int or None, default None
            Most tokens per string; None allows twice the longest training string.
            A string cut at the limit is returned as far as it got.
        random_state : int, Generator, RandomState or None, default None
            Seeds the draws.

        Returns
        -------
        ndarray of shape (n_samples,), dtype object
            The strings.
        """
        check_fitted(self, "module_")
        self._check_sampling(n_samples, temperature, max_length)
        module = self.module_
        return self._generate(
            int(n_samples),
            lambda token, state, rows: module(token, state),
            temperature=temperature,
            max_length=self._default_max_length(max_length),
            gen=self._generator(random_state),
        )
