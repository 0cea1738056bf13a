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
mlp-mnist       (chapter 3) MLPClassifier on the MNIST sample: accuracy, learning
                curves, misclassified digits, confusion matrix
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
from scidl.demos import _autoencoder_vs_pca, _clustering, _kinetics, _least_squares, _mlp_mnist  # noqa: F401
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

__all__ = ["Demo", "DemoOutput", "DemoResult", "get_demo", "list_demos", "register", "run_demo", "unregister"]
