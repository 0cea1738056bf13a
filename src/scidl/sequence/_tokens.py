"""Tokens of character strings and SMILES, and the vocabulary that numbers them.

A character-level model reads a string one token at a time. For plain text a
token is a character; for SMILES (the line notation of molecules, Weininger
1988) a few atoms are spelled with two letters (``Cl``, ``Br``), a bracket atom
such as ``[nH]`` or ``[C@@H]`` is one unit, and a ring-bond number above 9 is
written ``%10``: :func:`tokenize_smiles` keeps each of these whole, so that a
model never has to learn that ``C`` followed by ``l`` is chlorine.

:class:`Vocabulary` numbers the tokens seen in training, with three special
tokens: padding (0), begin (1) and end (2) of a sequence, and turns lists of
strings into padded integer arrays and back.
"""

from __future__ import annotations

import re

import numpy as np

__all__ = ["Vocabulary", "check_strings", "tokenize", "tokenize_smiles"]

# One SMILES token: a bracket atom, a two-letter organic-subset atom, a two-digit ring
# closure, or any single character (atoms, bonds, branches, ring digits).
_SMILES_TOKEN = re.compile(r"\[[^\[\]]*\]|Br|Cl|%\d\d|.", re.DOTALL)

TOKENIZERS = ("char", "smiles")


def check_strings(strings, name="X"):
    """``strings`` as a list of ``str``: a list, tuple or 1-D array of strings, non-empty.

    Parameters
    ----------
    strings : list, tuple or 1-D ndarray of str
        The strings.
    name : str, default "X"
        The name of the argument being checked, for the error messages.

    Returns
    -------
    list of str

    Raises
    ------
    TypeError
        If ``strings`` is a single string, not a sequence, or holds a non-string.
    ValueError
        If ``strings`` is empty or has more than one dimension.

    Examples
    --------
    >>> from scidl.sequence import check_strings
    >>> check_strings(("CCO", "c1ccccc1"))
    ['CCO', 'c1ccccc1']
    """
    if isinstance(strings, str | bytes):
        raise TypeError(
            f"{name} must be a sequence of strings, not a single string; got {strings!r}."
        )
    if hasattr(strings, "tocsr") or type(strings).__module__.startswith("scipy.sparse"):
        raise TypeError(
            f"{name} must be a list, tuple or 1-D array of strings; sparse input is not "
            f"supported (got {type(strings).__name__})."
        )
    if isinstance(strings, np.ndarray):
        if np.iscomplexobj(strings):
            raise ValueError(
                f"Complex data not supported: {name} must be a sequence of strings "
                f"(got {strings.dtype})."
            )
        if strings.ndim != 1:
            raise ValueError(
                f"{name} must be a 1-D sequence of strings; got an array of shape {strings.shape}."
            )
        items = strings.tolist()
    elif isinstance(strings, list | tuple):
        items = list(strings)
    else:
        raise TypeError(
            f"{name} must be a list, tuple or 1-D array of strings; got {type(strings).__name__}."
        )
    if len(items) == 0:
        raise ValueError(f"{name} must hold at least one string; got an empty sequence.")
    for i, s in enumerate(items):
        if not isinstance(s, str):
            raise TypeError(
                f"{name} must hold strings only; item {i} is {type(s).__name__} ({s!r})."
            )
    return items


def tokenize_smiles(smiles):
    """Split one SMILES string into tokens (bracket atoms, ``Cl``, ``Br`` and ``%nn`` whole).

    Parameters
    ----------
    smiles : str
        A SMILES string.

    Returns
    -------
    list of str
        The tokens; joining them gives back ``smiles``.

    Examples
    --------
    >>> from scidl.sequence import tokenize_smiles
    >>> tokenize_smiles("Clc1cc[nH]c1Br")
    ['Cl', 'c', '1', 'c', 'c', '[nH]', 'c', '1', 'Br']
    >>> tokenize_smiles("C%12CC%12")
    ['C', '%12', 'C', 'C', '%12']
    """
    if not isinstance(smiles, str):
        raise TypeError(f"smiles must be a str; got {type(smiles).__name__}.")
    return _SMILES_TOKEN.findall(smiles)


def tokenize(text, tokenizer="char"):
    """Split a string into tokens: characters (``"char"``) or SMILES tokens (``"smiles"``).

    Parameters
    ----------
    text : str
        The string.
    tokenizer : {"char", "smiles"}, default "char"
        Characters, or :func:`tokenize_smiles`.

    Returns
    -------
    list of str

    Examples
    --------
    >>> from scidl.sequence import tokenize
    >>> tokenize("CCl"), tokenize("CCl", "smiles")
    (['C', 'C', 'l'], ['C', 'Cl'])
    """
    if tokenizer == "char":
        if not isinstance(text, str):
            raise TypeError(f"text must be a str; got {type(text).__name__}.")
        return list(text)
    if tokenizer == "smiles":
        return tokenize_smiles(text)
    raise ValueError(f"tokenizer must be one of {TOKENIZERS}; got {tokenizer!r}.")


class Vocabulary:
    """The tokens of a training set, numbered, with padding, begin and end tokens.

    Index 0 is padding, 1 begins and 2 ends every sequence; the tokens seen in
    training follow in sorted order. :meth:`encode` turns strings into a padded
    integer array ``[begin, t1, ..., tn, end, pad, ...]``; :meth:`decode` turns
    rows of indices back into strings, stopping at the first end token.

    Parameters
    ----------
    tokens : iterable of str
        The distinct tokens (duplicates are ignored).
    tokenizer : {"char", "smiles"}, default "char"
        How strings are split (see :func:`tokenize`).

    Attributes
    ----------
    tokens : list of str
        All tokens by index, the three special ones first.
    tokenizer : str
        The tokenizer.
    PAD, BOS, EOS : int
        The indices 0, 1, 2 of the special tokens.

    Examples
    --------
    >>> from scidl.sequence import Vocabulary
    >>> vocab = Vocabulary.from_strings(["CCO", "CCl"], tokenizer="smiles")
    >>> vocab.tokens
    ['<pad>', '<bos>', '<eos>', 'C', 'Cl', 'O']
    >>> ids, lengths = vocab.encode(["CCl", "O"])
    >>> ids
    array([[1, 3, 4, 2],
           [1, 5, 2, 0]])
    >>> lengths
    array([4, 3])
    >>> vocab.decode(ids)
    ['CCl', 'O']
    """

    PAD, BOS, EOS = 0, 1, 2
    SPECIAL = ("<pad>", "<bos>", "<eos>")

    def __init__(self, tokens, *, tokenizer="char"):
        if tokenizer not in TOKENIZERS:
            raise ValueError(f"tokenizer must be one of {TOKENIZERS}; got {tokenizer!r}.")
        tokens = sorted(set(tokens))
        for t in tokens:
            if not isinstance(t, str) or not t:
                raise TypeError(f"tokens must be non-empty strings; got {t!r}.")
            if t in self.SPECIAL:
                raise ValueError(f"tokens may not contain the special token {t!r}.")
        self.tokenizer = tokenizer
        self.tokens = list(self.SPECIAL) + tokens
        self._index = {t: i for i, t in enumerate(self.tokens)}

    @classmethod
    def from_strings(cls, strings, *, tokenizer="char"):
        """The vocabulary of every token in ``strings``.

        Parameters
        ----------
        strings : sequence of str
            Training strings.
        tokenizer : {"char", "smiles"}, default "char"
            How strings are split.

        Returns
        -------
        Vocabulary
        """
        strings = check_strings(strings, "strings")
        seen = set()
        for s in strings:
            seen.update(tokenize(s, tokenizer))
        return cls(seen, tokenizer=tokenizer)

    def __len__(self):
        return len(self.tokens)

    def __repr__(self):
        return f"Vocabulary({len(self)} tokens, tokenizer={self.tokenizer!r})"

    def encode(self, strings, *, name="X", max_length=None):
        """Padded token indices and lengths (with begin and end) of ``strings``.

        Parameters
        ----------
        strings : sequence of str
            The strings; every token must be in the vocabulary.
        name : str, default "X"
            The argument's name, for the error messages.
        max_length : int or None, default None
            Width of the array; None takes the longest sequence. Longer
            sequences raise ValueError.

        Returns
        -------
        ids : ndarray of shape (n, width), int64
            ``[BOS, tokens..., EOS, PAD...]`` per row.
        lengths : ndarray of shape (n,), int64
            Number of non-padding entries per row (tokens + 2).
        """
        strings = check_strings(strings, name)
        index = self._index
        rows = []
        for i, s in enumerate(strings):
            toks = tokenize(s, self.tokenizer)
            try:
                rows.append([self.BOS] + [index[t] for t in toks] + [self.EOS])
            except KeyError:
                unknown = sorted({t for t in toks if t not in index})
                raise ValueError(
                    f"{name}[{i}] = {s!r} contains tokens not seen in training: {unknown}."
                ) from None
        lengths = np.array([len(r) for r in rows], dtype=np.int64)
        width = int(lengths.max()) if max_length is None else int(max_length)
        if lengths.max() > width:
            i = int(np.argmax(lengths))
            raise ValueError(
                f"{name}[{i}] has {lengths[i] - 2} tokens, more than the {width - 2} the model "
                "can read."
            )
        ids = np.full((len(rows), width), self.PAD, dtype=np.int64)
        for i, r in enumerate(rows):
            ids[i, : len(r)] = r
        return ids, lengths

    def decode(self, ids):
        """Strings from rows of token indices (begin skipped, stopping at end or padding).

        Parameters
        ----------
        ids : array-like of int, shape (n, width)
            Token indices, e.g. sampled by a model.

        Returns
        -------
        list of str
        """
        ids = np.asarray(ids)
        if ids.ndim != 2 or not np.issubdtype(ids.dtype, np.integer):
            raise ValueError(f"ids must be a 2-D integer array; got {ids.dtype} {ids.shape}.")
        out = []
        tokens = self.tokens
        for row in ids.tolist():
            chars = []
            for t in row:
                if t == self.BOS:
                    continue
                if t in (self.EOS, self.PAD):
                    break
                chars.append(tokens[t])
            out.append("".join(chars))
        return out

    def to_dict(self):
        """The vocabulary as JSON-ready data (for saving a model).

        Returns
        -------
        dict
            ``{"tokens": [...], "tokenizer": ...}`` without the special tokens.
        """
        return {"tokens": self.tokens[3:], "tokenizer": self.tokenizer}
