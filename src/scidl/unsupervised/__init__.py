"""Unsupervised learning: PCA versus autoencoders, and clustering (chapter 6).

Dimension reduction
-------------------
PCA                    principal component analysis: exact (covariance or SVD),
                       randomized, and streaming (``partial_fit``); NumPy or torch
Autoencoder            dense autoencoder on the one training loop; with
                       ``activation="identity"`` a linear autoencoder, which
                       spans the PCA subspace
ConvAutoencoder        convolutional autoencoder for images (n, H, W) or (n, C, H, W)
AutoencoderModule, ConvAutoencoderModule
                       the plain torch modules behind them

Clustering
----------
KMeans                 k-means++ seeding and Lloyd (or mini-batch) iterations in torch
DBSCAN                 scikit-learn's DBSCAN with scidl's conventions
suggest_eps            DBSCAN's ``eps`` from the knee of the k-distance graph
k_distances            sorted distances to the ``min_samples``-th neighbour
k_distance_knee        index of the knee of such a curve (Kneedle criterion)
(the k-distance figure is :func:`scidl.plot.plot_k_distance`)

Metrics
-------
clustering_accuracy    accuracy after the best one-to-one matching of clusters
                       to classes (Hungarian algorithm)
clustering_scores      accuracy, normalised mutual information and adjusted Rand index
"""

from scidl.unsupervised._autoencoder import (
    Autoencoder,
    AutoencoderModule,
    ConvAutoencoder,
    ConvAutoencoderModule,
)
from scidl.unsupervised._dbscan import DBSCAN, k_distance_knee, k_distances, suggest_eps
from scidl.unsupervised._kmeans import KMeans
from scidl.unsupervised._metrics import clustering_accuracy, clustering_scores
from scidl.unsupervised._pca import PCA

__all__ = [
    "DBSCAN",
    "PCA",
    "Autoencoder",
    "AutoencoderModule",
    "ConvAutoencoder",
    "ConvAutoencoderModule",
    "KMeans",
    "clustering_accuracy",
    "clustering_scores",
    "k_distance_knee",
    "k_distances",
    "suggest_eps",
]
