"""Chapter 7: molecular kinetics — linear dimension reduction and Markov state models.

- :class:`Covariance`: streaming instantaneous and time-lagged covariances.
- :class:`TICA`: time-lagged independent component analysis (kinetic and commute maps).
- :class:`VAMP`: the variational approach for Markov processes, VAMP-1/2/E scores,
  :func:`vamp_cross_validate`.
- :class:`TransitionCounts`, :func:`count_transitions`, :func:`connected_sets`,
  :func:`largest_connected_set`: counting (over the observed states: labels need not be
  contiguous).
- :class:`MarkovStateModel`: maximum-likelihood MSMs (non-reversible, reversible, fixed
  stationary distribution) with spectral analysis, implied timescales, PCCA+ (:func:`pcca`),
  mean first-passage times, committors and simulation;
  :func:`transition_matrix_mle` and :func:`stationary_distribution` on matrices;
  :func:`pcca` (:class:`PCCA`) on a transition matrix.
- :func:`implied_timescales` (with bootstrap bands, :class:`ImpliedTimescales`) and
  :func:`ck_test` (:class:`CKTest`): model validation.
- :func:`langevin_reference` (:class:`LangevinReference`): the exact implied timescales,
  stationary distribution and transfer operator of Langevin dynamics in the model
  potentials of :mod:`scidl.data`, from a fine-grid generator (the known answers).
- :class:`TimeLaggedAutoencoder` and :class:`VAMPNet`: non-linear slow coordinates on the
  one training loop.
- Figures of these results are in :mod:`scidl.plot` (``plot_tica_projection``,
  ``plot_implied_timescales``, ``plot_ck_test``, ``plot_metastable_sets``,
  ``plot_hidden_state_separation``).

The lecture's framing: an MSM is linear regression on state indicators. With one-hot
features ``chi(x_t)``, the least-squares propagator ``argmin_T sum_t |chi(x_{t+tau}) -
chi(x_t) T|^2 = (X^T X)^-1 X^T Y`` is the row-normalised count matrix (``X^T X`` is the
diagonal of visit counts, ``X^T Y`` the count matrix), which is also the maximum-likelihood
transition matrix; ``VAMP(remove_mean=False)`` on one-hot features returns it as its
``koopman_matrix_``. TICA and VAMP are the same regression on arbitrary features.
"""

from scidl.kinetics._counts import (
    TransitionCounts,
    connected_sets,
    count_transitions,
    largest_connected_set,
)
from scidl.kinetics._covariance import Covariance
from scidl.kinetics._deep import TimeLaggedAutoencoder, VAMPNet, vamp2_score_torch
from scidl.kinetics._estimation import stationary_distribution, transition_matrix_mle
from scidl.kinetics._msm import MarkovStateModel
from scidl.kinetics._pcca import PCCA, pcca
from scidl.kinetics._reference import LangevinReference, langevin_reference
from scidl.kinetics._tica import TICA
from scidl.kinetics._validation import CKTest, ImpliedTimescales, ck_test, implied_timescales
from scidl.kinetics._vamp import VAMP, vamp_cross_validate

__all__ = [
    "CKTest",
    "ImpliedTimescales",
    "LangevinReference",
    "ck_test",
    "implied_timescales",
    "PCCA",
    "TICA",
    "VAMP",
    "TimeLaggedAutoencoder",
    "VAMPNet",
    "vamp2_score_torch",
    "Covariance",
    "MarkovStateModel",
    "TransitionCounts",
    "connected_sets",
    "count_transitions",
    "langevin_reference",
    "largest_connected_set",
    "pcca",
    "stationary_distribution",
    "transition_matrix_mle",
    "vamp_cross_validate",
]
