"""Sequence models: recurrent networks, WaveNet, character-level models and molecules.

Chapter 10 of the course (recurrent neural networks) and the lecture's example of a
variational autoencoder that designs molecules (Gomez-Bombarelli et al. 2018).

Forecasting (multivariate time series such as the Lorenz-63 system)
- :class:`RNNForecaster` (:class:`RNNForecasterModule`): vanilla RNN, LSTM or GRU cells,
  windowed training on one or many trajectories with teacher forcing, free-running
  rollouts or scheduled sampling (:class:`ForecastStep`); one-step ``predict``,
  autoregressive ``forecast``, ``score`` over a horizon.
- :class:`WaveNet` (:class:`WaveNetModule`): dilated causal convolutions with gated
  activations, residual and skip connections; ``receptive_field_``.
- :class:`LinearAutoregressive` (:class:`LinearAutoregressiveModule`): the linear
  vector-autoregressive baseline, fitted by least squares, with the same interface.
- :func:`normalized_error`, :func:`valid_prediction_time`: forecast quality of chaotic
  systems (valid time at normalised error 0.4).

Character-level models and molecules (SMILES)
- :class:`CharRNN` (:class:`CharRNNModule`, :class:`StackedRNN`, :class:`LanguageModelStep`):
  a character-level LSTM/GRU language model with temperature sampling and log-likelihoods.
- :func:`tokenize`, :func:`tokenize_smiles`, :class:`Vocabulary`, :func:`check_strings`:
  characters or SMILES tokens (``Cl``, ``Br``, bracket atoms whole) and their numbering.
- The MOSES metrics with RDKit (``pip install "scidl[chem]"``): :func:`validity`,
  :func:`unique_fraction` (unique@k), :func:`novelty`, :func:`internal_diversity`,
  :func:`canonical_smiles`, :func:`molecular_properties` (logP, QED, weight) and
  :func:`moses_metrics` (all of them).
- :class:`SMILESVAE` (:class:`SequenceVAEModule`, :class:`SequenceELBOStep`): a variational
  autoencoder of SMILES or any token strings (GRU encoder and decoder, the ELBO of chapter 8):
  ``transform``, ``sample``, ``decode``, ``interpolate`` between molecules.
"""

from scidl.sequence._autoregressive import LinearAutoregressive, LinearAutoregressiveModule
from scidl.sequence._charrnn import CharRNN, CharRNNModule, LanguageModelStep, StackedRNN
from scidl.sequence._forecast import ForecastStep, normalized_error, valid_prediction_time
from scidl.sequence._forecaster import RNNForecaster, RNNForecasterModule
from scidl.sequence._moses import (
    canonical_smiles,
    internal_diversity,
    molecular_properties,
    moses_metrics,
    novelty,
    unique_fraction,
    validity,
)
from scidl.sequence._smiles_vae import SMILESVAE, SequenceELBOStep, SequenceVAEModule
from scidl.sequence._tokens import Vocabulary, check_strings, tokenize, tokenize_smiles
from scidl.sequence._wavenet import WaveNet, WaveNetModule

__all__: list[str] = [
    "CharRNN",
    "CharRNNModule",
    "LanguageModelStep",
    "SMILESVAE",
    "SequenceELBOStep",
    "SequenceVAEModule",
    "StackedRNN",
    "Vocabulary",
    "canonical_smiles",
    "check_strings",
    "internal_diversity",
    "molecular_properties",
    "moses_metrics",
    "novelty",
    "tokenize",
    "tokenize_smiles",
    "unique_fraction",
    "validity",
    "ForecastStep",
    "LinearAutoregressive",
    "LinearAutoregressiveModule",
    "RNNForecaster",
    "RNNForecasterModule",
    "WaveNet",
    "WaveNetModule",
    "normalized_error",
    "valid_prediction_time",
]
