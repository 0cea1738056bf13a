"""Sequence models: recurrent networks, WaveNet, character-level models and molecules.

Chapter 10 of the course (recurrent neural networks) and the lecture's example of a
variational autoencoder that designs molecules (Gomez-Bombarelli et al. 2018).
"""

__all__: list[str] = []
