"""Query strategies of pool-based active learning: informativeness scores and batch selection.

Every score is a plain function of a model's outputs on the unlabelled pool, so it can be
tested with known answers on its own:

- uncertainty sampling (Lewis and Gale 1994) from a probability matrix ``proba`` of shape
  ``(n_samples, n_classes)``: :func:`least_confidence`, :func:`margin`, :func:`entropy`;
- query by committee (Seung, Opper and Sompolinsky 1992) from the outputs of ``n_members``
  models: :func:`vote_entropy` (Dagan and Engelson 1995), :func:`consensus_kl` (McCallum and
  Nigam 1998), :func:`committee_variance` (regression);
- expected model change for regression, :func:`expected_model_change` (Cai, Zhang and Zhou
  2013, "EMCM").

:func:`select_batch` turns scores into the indices to label, optionally trading
informativeness against diversity.
"""

from __future__ import annotations

import numbers

import numpy as np

from scidl.utils import check_array

__all__ = [
    "committee_variance",
    "consensus_kl",
    "entropy",
    "expected_model_change",
    "least_confidence",
    "margin",
    "select_batch",
    "vote_entropy",
]


def _proba(proba, name="proba", ndim=2):
    arr = check_array(proba, name=name, ndim=ndim)
    if arr.shape[-1] < 1:
        raise ValueError(f"{name} must have at least one class column; got shape {arr.shape}.")
    if np.any(arr < -1e-12) or np.any(arr > 1 + 1e-12):
        raise ValueError(f"{name} must hold probabilities in [0, 1]; got values outside.")
    sums = arr.sum(axis=-1)
    if not np.allclose(sums, 1.0, atol=1e-6):
        raise ValueError(
            f"{name} must hold probability distributions (rows summing to 1); got row sums "
            f"between {sums.min():.4g} and {sums.max():.4g}."
        )
    return np.clip(arr.astype(np.float64, copy=False), 0.0, 1.0)


def least_confidence(proba):
    """The least-confidence score ``1 - max_k p_k`` of each sample (query the largest).

    Parameters
    ----------
    proba : array-like of shape (n_samples, n_classes)
        Predicted class probabilities (rows sum to 1).

    Returns
    -------
    numpy.ndarray of shape (n_samples,)
        Between 0 (certain) and ``1 - 1/n_classes`` (uniform).

    Examples
    --------
    >>> from scidl.active import least_confidence
    >>> least_confidence([[0.9, 0.1], [0.5, 0.5]])
    array([0.1, 0.5])
    """
    p = _proba(proba)
    return 1.0 - p.max(axis=1)


def margin(proba):
    """The margin ``p_(1) - p_(2)`` between the two most probable classes (query the SMALLEST).

    A small margin means the model can hardly tell the two best classes apart
    (Scheffer, Decomain and Wrobel 2001). With a single class column the margin is 1.

    Parameters
    ----------
    proba : array-like of shape (n_samples, n_classes)
        Predicted class probabilities (rows sum to 1).

    Returns
    -------
    numpy.ndarray of shape (n_samples,)
        Between 0 (a tie) and 1 (certain).

    Examples
    --------
    >>> from scidl.active import margin
    >>> margin([[0.5, 0.5], [0.7, 0.2, 0.1]][:1])
    array([0.])
    >>> margin([[0.7, 0.2, 0.1]])
    array([0.5])
    """
    p = _proba(proba)
    if p.shape[1] == 1:
        return np.ones(len(p))
    top2 = np.partition(p, p.shape[1] - 2, axis=1)[:, -2:]
    return top2[:, 1] - top2[:, 0]


def _entropy_rows(p):
    with np.errstate(divide="ignore", invalid="ignore"):
        terms = np.where(p > 0, -p * np.log(np.where(p > 0, p, 1.0)), 0.0)
    return terms.sum(axis=-1)


def entropy(proba):
    """The Shannon entropy ``-sum_k p_k log p_k`` of each predicted distribution (nats).

    Parameters
    ----------
    proba : array-like of shape (n_samples, n_classes)
        Predicted class probabilities (rows sum to 1); ``0 log 0 = 0``.

    Returns
    -------
    numpy.ndarray of shape (n_samples,)
        Between 0 (certain) and ``log(n_classes)`` (uniform).

    Examples
    --------
    >>> import numpy as np
    >>> from scidl.active import entropy
    >>> h = entropy([[1.0, 0.0, 0.0], [1 / 3, 1 / 3, 1 / 3]])
    >>> bool(h[0] == 0.0), bool(np.isclose(h[1], np.log(3)))
    (True, True)
    """
    return _entropy_rows(_proba(proba))


def vote_entropy(votes):
    """The vote entropy ``-sum_c (V_c / C) log(V_c / C)`` of a committee's hard labels.

    ``V_c`` is the number of the ``C`` members voting for class ``c`` (Dagan and
    Engelson 1995): 0 when the committee is unanimous, ``log(min(C, n_classes))``
    at most.

    Parameters
    ----------
    votes : array-like of shape (n_members, n_samples)
        The class each member predicts for each sample (any hashable labels).

    Returns
    -------
    numpy.ndarray of shape (n_samples,)

    Examples
    --------
    >>> import numpy as np
    >>> from scidl.active import vote_entropy
    >>> h = vote_entropy([["a", "a"], ["a", "b"]])  # 2 members, 2 samples
    >>> bool(h[0] == 0.0), bool(np.isclose(h[1], np.log(2)))
    (True, True)
    """
    v = np.asarray(votes)
    if v.ndim != 2:
        raise ValueError(
            f"votes must be a 2D array of shape (n_members, n_samples); got shape {v.shape}."
        )
    if v.shape[0] < 1 or v.shape[1] < 1:
        raise ValueError(f"votes must hold at least one member and one sample; got {v.shape}.")
    if v.dtype.kind == "f" and not np.isfinite(v).all():
        raise ValueError("votes contains NaN or infinity; expected class labels.")
    _, codes = np.unique(v, return_inverse=True)
    codes = codes.reshape(v.shape)
    n_classes = int(codes.max()) + 1
    counts = np.zeros((v.shape[1], n_classes))
    for member in codes:  # a loop over the few members, vectorised over samples
        counts[np.arange(v.shape[1]), member] += 1
    return _entropy_rows(counts / v.shape[0])


def consensus_kl(committee_proba):
    """The mean Kullback-Leibler divergence of each member from the committee's consensus.

    ``(1/C) sum_m KL(P_m || P_bar)`` with the consensus ``P_bar = (1/C) sum_m P_m``
    (McCallum and Nigam 1998): 0 when every member predicts the same distribution.
    It equals the entropy of the consensus minus the mean entropy of the members
    (the committee's mutual information).

    Parameters
    ----------
    committee_proba : array-like of shape (n_members, n_samples, n_classes)
        Each member's class probabilities, columns in the same class order.

    Returns
    -------
    numpy.ndarray of shape (n_samples,)

    Examples
    --------
    >>> import numpy as np
    >>> from scidl.active import consensus_kl
    >>> same = [[[0.2, 0.8]], [[0.2, 0.8]]]
    >>> split = [[[1.0, 0.0]], [[0.0, 1.0]]]
    >>> float(consensus_kl(same)[0]), bool(np.isclose(consensus_kl(split)[0], np.log(2)))
    (0.0, True)
    """
    p = _proba(committee_proba, name="committee_proba", ndim=3)
    consensus = p.mean(axis=0)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(p > 0, p / np.where(consensus > 0, consensus, 1.0), 1.0)
        kl = np.where(p > 0, p * np.log(ratio), 0.0).sum(axis=-1)
    return np.maximum(kl.mean(axis=0), 0.0)


def _committee_predictions(predictions, name="committee_predictions"):
    arr = check_array(predictions, name=name, ndim=(2, 3))
    return arr.reshape(arr.shape[0], arr.shape[1], -1)


def committee_variance(committee_predictions):
    """The variance of a regression committee's predictions over its members.

    ``(1/C) sum_m (f_m(x) - f_bar(x))^2``, summed over outputs: 0 exactly where the
    members agree.

    Parameters
    ----------
    committee_predictions : array-like of shape (n_members, n_samples[, n_outputs])
        Each member's predictions.

    Returns
    -------
    numpy.ndarray of shape (n_samples,)

    Examples
    --------
    >>> from scidl.active import committee_variance
    >>> committee_variance([[1.0, 0.0], [1.0, 2.0]])  # 2 members agree on sample 0
    array([0., 1.])
    """
    f = _committee_predictions(committee_predictions)
    return f.var(axis=0).sum(axis=-1)


def expected_model_change(committee_predictions, X, prediction=None):
    """Expected model change (EMCM) of a linear model's gradient, estimated by a committee.

    Cai, Zhang and Zhou (2013): for the squared loss of a linear model
    ``f(x) = w . phi(x)`` the gradient from one new label ``y`` is
    ``(f(x) - y) phi(x)``; its length, averaged over the labels ``y_m = f_m(x)`` that a
    bootstrap committee predicts, is the score::

        EMC(x) = (1/C) sum_m || f(x) - f_m(x) || * || phi(x) ||,   phi(x) = (x, 1).

    For a non-linear model this is the change of a linear read-out on the inputs
    (the committee supplies the label uncertainty, the features the leverage).

    Parameters
    ----------
    committee_predictions : array-like of shape (n_members, n_samples[, n_outputs])
        Each member's predictions.
    X : array-like of shape (n_samples, n_features)
        The inputs ``x`` (the features ``phi(x)`` without the bias).
    prediction : array-like of shape (n_samples,) or (n_samples, n_outputs), default=None
        The model's own prediction ``f(x)``; None uses the committee mean.

    Returns
    -------
    numpy.ndarray of shape (n_samples,)

    Examples
    --------
    >>> import numpy as np
    >>> from scidl.active import expected_model_change
    >>> members = [[0.0, 1.0], [0.0, 3.0]]  # they agree on sample 0 only
    >>> emc = expected_model_change(members, [[3.0], [0.0]])
    >>> emc  # sample 1: |2 - 1| * |(0, 1)| = 1
    array([0., 1.])
    """
    f = _committee_predictions(committee_predictions)
    x = check_array(X, name="X")
    if len(x) != f.shape[1]:
        raise ValueError(
            f"X must have one row per sample of committee_predictions ({f.shape[1]}); "
            f"got {len(x)} rows."
        )
    if prediction is None:
        center = f.mean(axis=0)
    else:
        center = check_array(prediction, name="prediction", ndim=(1, 2)).reshape(len(x), -1)
        if center.shape[1] != f.shape[2]:
            raise ValueError(
                f"prediction must have {f.shape[2]} output(s) per sample; got {center.shape[1]}."
            )
    label_change = np.linalg.norm(f - center[None], axis=-1).mean(axis=0)
    leverage = np.sqrt((x**2).sum(axis=1) + 1.0)
    return label_change * leverage


def select_batch(
    utility, batch_size=1, *, X=None, X_labeled=None, diversity=0.0, random_state=None
):
    """The indices of the ``batch_size`` samples to label next, most informative first.

    With ``diversity=0`` the batch is the top ``batch_size`` utilities (ties broken at
    random). With ``diversity = lambda > 0`` the batch is built greedily, in the spirit
    of ranked batch-mode sampling (Cardoso et al. 2017): each pick maximises::

        (1 - lambda) * u(x) + lambda * d(x),

    where ``u`` is the utility rescaled to [0, 1] over the pool and ``d`` the distance
    from ``x`` to the nearest labelled or already picked sample, divided by its pool
    maximum. ``lambda = 1`` is farthest-point sampling.

    Parameters
    ----------
    utility : array-like of shape (n_pool,)
        Informativeness of each pool sample, larger is better.
    batch_size : int, default=1
        How many indices to return (all of the pool if it is smaller).
    X : array-like of shape (n_pool, n_features), default=None
        The pool, needed when ``diversity > 0``.
    X_labeled : array-like of shape (n_labeled, n_features), default=None
        The samples already labelled (distances are measured to them too).
    diversity : float in [0, 1], default=0.0
        The weight ``lambda`` of the distance term.
    random_state : int, numpy.random.Generator or None, default=None
        Breaks ties between equal utilities.

    Returns
    -------
    numpy.ndarray of int, shape (min(batch_size, n_pool),)

    Examples
    --------
    >>> import numpy as np
    >>> from scidl.active import select_batch
    >>> select_batch([0.1, 0.9, 0.5, 0.8], batch_size=2)
    array([1, 3])
    >>> X = np.array([[0.0], [0.1], [5.0], [0.05]])
    >>> select_batch([0.9, 1.0, 0.2, 0.95], 2, X=X, diversity=0.5)  # the far sample joins
    array([1, 2])
    """
    u = check_array(utility, name="utility", ndim=1)
    if isinstance(batch_size, bool) or not isinstance(batch_size, numbers.Integral):
        raise TypeError(f"batch_size must be a positive int; got {batch_size!r}.")
    if batch_size < 1:
        raise ValueError(f"batch_size must be a positive int; got {batch_size!r}.")
    if (
        isinstance(diversity, bool)
        or not isinstance(diversity, numbers.Real)
        or not 0.0 <= diversity <= 1.0
    ):
        raise ValueError(f"diversity must be a float in [0, 1]; got {diversity!r}.")
    rng = np.random.default_rng(random_state)
    k = min(int(batch_size), len(u))
    # A random permutation, then a stable sort: equal utilities come out in random order.
    perm = rng.permutation(len(u))
    if diversity == 0.0:
        order = perm[np.argsort(-u[perm], kind="stable")]
        return order[:k]
    if X is None:
        raise ValueError("X (the pool) is required when diversity > 0; got None.")
    x = check_array(X, name="X")
    if len(x) != len(u):
        raise ValueError(f"X must have one row per utility ({len(u)}); got {len(x)} rows.")
    span = u.max() - u.min()
    u01 = (u - u.min()) / span if span > 0 else np.zeros_like(u)
    nearest = np.full(len(x), np.inf)
    if X_labeled is not None:
        xl = check_array(X_labeled, name="X_labeled", min_samples=0)
        if xl.ndim != 2 or (len(xl) and xl.shape[1] != x.shape[1]):
            raise ValueError(
                f"X_labeled must have {x.shape[1]} features like X; got shape {xl.shape}."
            )
        for row in xl:  # a loop over the labelled rows, vectorised over the pool
            np.minimum(nearest, np.linalg.norm(x - row, axis=1), out=nearest)
    chosen = []
    available = np.ones(len(x), dtype=bool)
    for _ in range(k):
        if np.isfinite(nearest).any():
            far = np.where(np.isfinite(nearest), nearest, 0.0)
            top = far[available].max()
            d01 = far / top if top > 0 else np.zeros_like(far)
            score = (1.0 - diversity) * u01 + diversity * d01
        else:  # nothing labelled or picked yet: distance carries no information
            score = u01.copy()
        score = np.where(available, score, -np.inf)
        pick = int(perm[np.argmax(score[perm])])
        chosen.append(pick)
        available[pick] = False
        np.minimum(nearest, np.linalg.norm(x - x[pick], axis=1), out=nearest)
    return np.asarray(chosen, dtype=np.intp)
