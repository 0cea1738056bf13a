"""scidl: deep learning for the sciences, from least squares to GANs.

A scikit-learn-style API on a PyTorch engine for every topic of a university
deep-learning course for scientists.

Subpackages
-----------
data             datasets: generators and loaders (NumPy only)
linear           least squares with feature maps
nn               neural-network estimators (MLPs) and activations
training         the one minibatch training loop and its callbacks
plot             figures (matplotlib) from fitted estimators and arrays
demos            one demo per syllabus topic, used by ``scidl tour``
"""

__version__ = "0.1.0"

__all__ = ["__version__", "load"]


def __getattr__(name):
    # Imported lazily so that ``import scidl.data`` does not pull in torch.
    if name == "load":
        from scidl.base import load

        return load
    raise AttributeError(f"module 'scidl' has no attribute {name!r}")
