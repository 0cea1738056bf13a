"""scidl: deep learning for the sciences, from least squares to GANs.

A scikit-learn-style API on a PyTorch engine for every topic of a university
deep-learning course for scientists.

Subpackages
-----------
data             datasets: generators and loaders (NumPy only)
utils            input validation, parameter constraints, devices, seeding, atomic writes
numerics         shared building blocks (activation table, streaming moments, inv_sqrt)
training         the one minibatch training loop and its callbacks
base             estimator base classes (the neural base) and safe persistence
linear           least squares with feature maps, the perceptron
model_selection  cross-validation, grid search, learning and complexity curves
nn               neural-network estimators (MLPs, ConvNets), activations, filters
autodiff         a teaching automatic-differentiation engine and its MLP
optim            optimizers traced on test functions
unsupervised     PCA, k-means, DBSCAN, autoencoders
kinetics         TICA, VAMP, Markov state models, VAMPnets, time-lagged autoencoders
generative       VAEs, GMVAEs, RBMs, deep belief networks, GANs, divergences, flows
sequence         RNN/LSTM/GRU forecasters, WaveNet, character-level models, SMILES VAE, MOSES
active           active learning: query strategies, the pool-based loop, learning curves
rl               reinforcement learning: dynamic programming, Q-learning, SARSA, DQN, A2C
course           exercises for every chapter and a sandboxed automatic grader
plot             figures (matplotlib) from fitted estimators and arrays
demos            one demo per syllabus topic, used by ``scidl tour``
cli              the ``scidl`` command line (tour, demo, list, course)

Examples
--------
>>> import scidl
>>> scidl.__version__
'0.1.0'
"""

__version__ = "0.1.0"

__all__ = ["__version__", "load"]


def __getattr__(name):
    # Imported lazily so that ``import scidl.data`` does not pull in torch.
    if name == "load":
        from scidl.base import load

        return load
    raise AttributeError(f"module 'scidl' has no attribute {name!r}")
