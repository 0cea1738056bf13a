"""Demos: one per syllabus topic, each data + estimator + plots -> metrics + figures.

``scidl tour`` runs them all and writes a report; ``scidl demo NAME`` runs one.

list_demos      the registered demos (name, title, chapter), in syllabus order
get_demo        one registered demo by name
run_demo        run a demo -> DemoResult (metrics, figures, text, seconds)
register        decorator adding a demo function to the registry
DemoResult      what run_demo returns
DemoOutput      what a demo function returns (metrics, figures, text)

Topics
------
least-squares   (chapter 2) a line, the spring energy k x^2/2 in the feature x^2,
                and sin(pi x) with polynomial and Gaussian features
model-selection (chapter 2) bias-variance decomposition, the U-shaped test error,
                learning curves, hyperparameter choice by k-fold cross-validation
perceptron      (chapter 3) Rosenblatt's rule, the Novikoff bound, versus a max-margin SVM
activations     (chapter 3) the table of activation functions and their derivatives
backprop        (chapter 3) reverse-mode autodiff on a computing graph; an MLP from scratch
depth-vs-width  (chapter 3) universal approximation by width; Telgarsky's tent map by depth
decision-boundary
                (chapter 3) a classifier's boundary from random weights through training,
                next to an RBF SVM
feature-detectors
                (chapter 3) first-layer weights as images, top-activating digits,
                activation maximisation
minimization    (chapter 4) optimizers on test functions: trajectories, steps to tolerance
mlp-mnist       (chapter 3) MLPClassifier on the MNIST sample: accuracy, learning
                curves, misclassified digits, confusion matrix
cnn-filters     (chapter 5) classic kernels (blur, Sobel, Laplacian, Gabor) and their effects
convnet-mnist   (chapter 5) a ConvNet on the MNIST sample: accuracy, learned filters,
                feature maps, misclassified digits, confusion matrix
faces           (chapter 5) face versus non-face: ConvNet versus eigenfaces, cross-validated
ising-phases    (chapter 5) a ConvNet tells ordered from disordered Ising states and
                locates the critical temperature
autoencoder-vs-pca
                (chapter 6) PCA, linear and nonlinear autoencoders on MNIST:
                reconstructions and error versus bottleneck size, 2D latent spaces
clustering      (chapter 6) k-means versus DBSCAN on blobs, moons and rings; MNIST
                clustering accuracy (Hungarian matching) and NMI
kinetics        (chapter 7) Langevin dynamics, TICA, Markov state models (implied
                timescales, Chapman-Kolmogorov test, PCCA+), TICA vs time-lagged
                autoencoder and VAMPNet on hidden-state toys

Heavy imports (torch, the estimators) happen inside each demo, so listing the
demos is fast.
"""

# Importing the demo modules registers them, in syllabus order.
from scidl.demos import (  # noqa: F401
    _autoencoder_vs_pca,
    _ch2_model_selection,
    _ch3_activations,
    _ch3_backprop,
    _ch3_decision_boundary,
    _ch3_depth,
    _ch3_feature_detectors,
    _ch3_perceptron,
    _ch4_minimization,
    _ch5_convnet_mnist,
    _ch5_faces,
    _ch5_filters,
    _ch5_ising,
    _clustering,
    _kinetics,
    _least_squares,
    _mlp_mnist,
)
from scidl.demos._registry import (
    Demo,
    DemoOutput,
    DemoResult,
    get_demo,
    list_demos,
    register,
    run_demo,
    unregister,
)

__all__ = [
    "Demo",
    "DemoOutput",
    "DemoResult",
    "get_demo",
    "list_demos",
    "register",
    "run_demo",
    "unregister",
]
