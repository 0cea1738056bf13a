"""Figures for the course, in one consistent style (matplotlib).

Every function takes fitted estimators and arrays (it never trains),
accepts an optional ``ax`` to draw on, and returns a
:class:`matplotlib.figure.Figure`. Figures are made without ``pyplot``, so
nothing is shown implicitly and everything works on headless machines; save
one with ``fig.savefig("name.png")`` or display it in a notebook cell.

plot_history            learning curves: loss and metrics per epoch, train vs valid
plot_regression_1d      1D data, fitted curve and true function
plot_decision_boundary  a 2D classifier's regions (probabilities or labels) and the data
plot_image_grid         a grid of images titled by label, prediction or "true→pred"
plot_confusion_matrix   true versus predicted classes
plot_filter_effects     classic filters next to their effect on images
plot_learned_filters    a ConvNet's first-layer kernels as images
plot_feature_maps       one image's feature maps through each convolutional layer
plot_activations        the table of activation functions and their derivatives
plot_first_layer_weights
                        each first-layer unit's input weights as an image (feature detectors)
plot_top_activating     the inputs that excite each hidden unit most
plot_activation_maximization
                        the activation-maximising input of each hidden unit
plot_trajectories       optimizer trajectories on the contours of a 2D test function
plot_complexity_curve   training and CV test error against a hyperparameter (the U-shaped curve)
plot_learning_curve     training and CV test error against the training-set size
plot_k_distance         DBSCAN's sorted k-distance graph with the suggested ``eps``
boundary_recorder       a Recorder callback snapshotting a 2D decision boundary during training
plot_boundary_snapshots the boundary from random weights through training, next to an RBF SVM
save_boundary_animation the same snapshots as an animated GIF
plot_tica_projection    a TICA projection as a free-energy surface (or coloured scatter)
plot_implied_timescales implied timescales versus lagtime with bootstrap bands
plot_ck_test            the Chapman-Kolmogorov test: predicted versus estimated
plot_metastable_sets    PCCA+ metastable sets drawn on a 2D potential
plot_hidden_state_separation
                        a slow coordinate's histogram per hidden state (TICA vs TAE)
plot_latent_clusters    2D codes coloured by cluster and by class (Gaussian-mixture VAE)
plot_component_samples  samples of each mixture component as images, one row per component
plot_clustering_scores  clustering accuracy and NMI per method, mean ± sd over seeds
plot_accuracy_vs_size   clustering accuracy against the number of training samples
plot_pretraining_curves test accuracy versus labels, DBN-pretrained versus random start
plot_rbm_filters        an RBM's filters (couplings of each hidden unit) as images
plot_log_likelihoods    test log-likelihoods per model as bars, with error bars and anchors
plot_vae_latent         a VAE's 2D latent codes coloured by class
plot_vae_manifold       decoded images on a grid of a 2D latent space
plot_vae_interpolations decoded straight lines between the codes of two inputs
plot_vae_reconstructions
                        inputs over their reconstructions
plot_elbo_terms         the ELBO, reconstruction and KL terms per epoch
plot_divergence_convergence
                        divergence estimates (mean ± sd) against the sample size, exact lines
plot_flow_density       a 2D normalizing flow's density p(x) with the data
plot_flow_latent        data, their latent codes z = f^-1(x), and flow samples
plot_free_energy_profile
                        free-energy profiles F(x) from estimates, with the exact curve
plot_active_learning_curves
                        score versus labels per query strategy, mean ± sd over seeds
plot_queried_samples    where active-learning queries fell in a 2D pool, in query order
plot_mode_coverage      GAN samples over training on top of the modes of a 2D mixture
plot_gan_losses         a GAN's discriminator and generator losses per epoch
plot_forecast           a time-series forecast against the truth, one panel per feature
plot_forecast_error     normalised forecast error against the horizon, per model
plot_valid_times        valid prediction times (Lyapunov times) per model as bars
plot_attractors         attractors of the truth and free-running models side by side
plot_class_shares       the share of generated samples per class, per model
plot_return_curves      RL returns against environment steps, seed mean and min-max band
plot_value_function     a grid world's state values as a heat map, the policy as arrows
episode_animation       rendered frames of an episode as an animated GIF (bytes)
plot_molecule_grid      molecules (SMILES) drawn by RDKit in a grid, invalid strings marked
plot_property_histograms
                        logP, QED and molecular weight of generated versus test molecules
plot_validity_curve     validity of generated molecules against training time, per model
plot_generated_text     generated strings as monospaced text, grouped (e.g. by temperature)
style                   context manager applying the scidl style (rcParams)
subplots                a new styled Figure with a grid of Axes (no pyplot), for panels
PALETTE                 the colour-blind-safe palette (Okabe & Ito)
"""

from scidl.plot._activations import plot_activations
from scidl.plot._active import plot_active_learning_curves, plot_queried_samples
from scidl.plot._clustering import plot_k_distance
from scidl.plot._cnn import plot_feature_maps, plot_filter_effects, plot_learned_filters
from scidl.plot._confusion import plot_confusion_matrix
from scidl.plot._dbn import plot_pretraining_curves
from scidl.plot._decision import plot_decision_boundary
from scidl.plot._feature_detectors import (
    plot_activation_maximization,
    plot_first_layer_weights,
    plot_top_activating,
)
from scidl.plot._flows import (
    plot_divergence_convergence,
    plot_flow_density,
    plot_flow_latent,
    plot_free_energy_profile,
)
from scidl.plot._gan import plot_class_shares, plot_gan_losses, plot_mode_coverage
from scidl.plot._gmvae import (
    plot_accuracy_vs_size,
    plot_clustering_scores,
    plot_component_samples,
    plot_latent_clusters,
)
from scidl.plot._history import plot_history
from scidl.plot._images import plot_image_grid
from scidl.plot._kinetics import (
    plot_ck_test,
    plot_hidden_state_separation,
    plot_implied_timescales,
    plot_metastable_sets,
    plot_tica_projection,
)
from scidl.plot._model_selection import plot_complexity_curve, plot_learning_curve
from scidl.plot._molecules import (
    plot_generated_text,
    plot_molecule_grid,
    plot_property_histograms,
    plot_validity_curve,
)
from scidl.plot._optim import plot_trajectories
from scidl.plot._rbm import plot_log_likelihoods, plot_rbm_filters
from scidl.plot._regression import plot_regression_1d
from scidl.plot._rl import episode_animation, plot_return_curves, plot_value_function
from scidl.plot._sequence import (
    plot_attractors,
    plot_forecast,
    plot_forecast_error,
    plot_valid_times,
)
from scidl.plot._style import PALETTE, SEQUENTIAL_CMAP, STYLE, style, subplots
from scidl.plot._training_snapshots import (
    boundary_recorder,
    plot_boundary_snapshots,
    save_boundary_animation,
)
from scidl.plot._vae import (
    plot_elbo_terms,
    plot_vae_interpolations,
    plot_vae_latent,
    plot_vae_manifold,
    plot_vae_reconstructions,
)

__all__ = [
    "plot_generated_text",
    "plot_molecule_grid",
    "plot_property_histograms",
    "plot_validity_curve",
    "PALETTE",
    "SEQUENTIAL_CMAP",
    "STYLE",
    "boundary_recorder",
    "episode_animation",
    "plot_accuracy_vs_size",
    "plot_activation_maximization",
    "plot_activations",
    "plot_active_learning_curves",
    "plot_boundary_snapshots",
    "plot_ck_test",
    "plot_class_shares",
    "plot_clustering_scores",
    "plot_component_samples",
    "plot_complexity_curve",
    "plot_confusion_matrix",
    "plot_feature_maps",
    "plot_filter_effects",
    "plot_first_layer_weights",
    "plot_flow_density",
    "plot_flow_latent",
    "plot_free_energy_profile",
    "plot_decision_boundary",
    "plot_divergence_convergence",
    "plot_elbo_terms",
    "plot_attractors",
    "plot_forecast",
    "plot_forecast_error",
    "plot_valid_times",
    "plot_gan_losses",
    "plot_mode_coverage",
    "plot_hidden_state_separation",
    "plot_history",
    "plot_image_grid",
    "plot_implied_timescales",
    "plot_k_distance",
    "plot_latent_clusters",
    "plot_learned_filters",
    "plot_learning_curve",
    "plot_log_likelihoods",
    "plot_metastable_sets",
    "plot_pretraining_curves",
    "plot_queried_samples",
    "plot_rbm_filters",
    "plot_return_curves",
    "plot_regression_1d",
    "plot_value_function",
    "plot_tica_projection",
    "plot_top_activating",
    "plot_trajectories",
    "plot_vae_interpolations",
    "plot_vae_latent",
    "plot_vae_manifold",
    "plot_vae_reconstructions",
    "save_boundary_animation",
    "style",
    "subplots",
]
