"""Demos: one per syllabus topic, each data + estimator + plots -> metrics + figures.

``scidl tour`` runs them all and writes a report; ``scidl demo NAME`` runs one.

list_demos      the registered demos in syllabus order (chapter, then position)
get_demo        one registered demo by name
run_demo        run a demo -> DemoResult (metrics, figures, text, seconds)
register        decorator adding a demo function to the registry
DemoResult      what run_demo returns
DemoOutput      what a demo function returns (metrics, figures, text, headline)
Demo            a registered demo (name, title, chapter, position, function)
unregister      remove a demo from the registry

Topics, in syllabus order (``scidl tour`` runs them in this order)
------------------------------------------------------------------
chapter 2, regression and model selection
  least-squares       a line, the spring energy k x^2/2 in the feature x^2, and
                      sin(pi x) with polynomial and Gaussian features
  model-selection     bias-variance decomposition, the U-shaped test error, learning
                      curves, hyperparameter choice by k-fold cross-validation
chapter 3, neural networks
  activations         the table of activation functions and their derivatives
  perceptron          Rosenblatt's rule, the Novikoff bound, versus a max-margin SVM
  mlp-mnist           MLPClassifier on the MNIST sample: accuracy, learning curves,
                      misclassified digits, confusion matrix
  depth-vs-width      universal approximation by width; Telgarsky's tent map by depth
  backprop            reverse-mode autodiff on a computing graph; an MLP from scratch
  decision-boundary   a classifier's boundary from random weights through training,
                      next to an RBF SVM
  feature-detectors   first-layer weights as images, top-activating digits,
                      activation maximisation
chapter 4, minimization
  minimization        optimizers on test functions: trajectories, steps to tolerance
chapter 5, convolutional networks
  cnn-filters         classic kernels (blur, Sobel, Laplacian, Gabor) and their effects
  convnet-mnist       a ConvNet on the MNIST sample: accuracy, learned filters, feature
                      maps, misclassified digits, confusion matrix
  faces               face versus non-face: ConvNet versus eigenfaces, cross-validated
  ising-phases        a ConvNet tells ordered from disordered Ising states and locates
                      the critical temperature
chapter 6, unsupervised learning
  autoencoder-vs-pca  PCA, linear and nonlinear autoencoders on MNIST: reconstructions
                      and error versus bottleneck size, 2D latent spaces
  clustering          k-means versus DBSCAN on blobs, moons and rings; MNIST
                      clustering accuracy (Hungarian matching) and NMI
chapter 7, molecular kinetics
  kinetics            Langevin dynamics, TICA, Markov state models (implied
                      timescales, Chapman-Kolmogorov test, PCCA+), TICA versus
                      time-lagged autoencoder and VAMPnet on hidden-state toys
chapter 8, generative learning
  vae-mnist           variational autoencoders on binarised MNIST: ELBO terms, the
                      importance-weighted likelihood, latent space, manifold, samples
  gmvae-clustering    clustering with a Gaussian-mixture VAE versus k-means
  rbm-mnist           restricted Boltzmann machines by CD-1, CD-10 and PCD; test
                      log-likelihood by annealed importance sampling; filters, samples
  dbn-pretraining     the 2006 breakthrough: greedy layer-wise RBM pretraining versus
                      random initialisation with 100, 500 and 1,000 labels
  gan-mode-coverage   GANs on the 8-Gaussian ring and 25-Gaussian grid: modes covered,
                      high-quality samples, plain GAN versus PacGAN packing
  dcgan-mnist         a DCGAN on MNIST: samples over training, Fréchet distance in
                      ConvNet features, generated digits per class
chapter 9, probability measures and learning distributions
  divergences         KL (closed form and k-NN), MMD and its permutation test,
                      Wasserstein distances: estimates versus sample size
  normalizing-flows   RealNVP on two moons: exact held-out likelihood, density,
                      latent space and samples
  boltzmann-generator a flow trained by energy and by example on a 2D double well:
                      free energy by reweighting, one-shot sampling across the barrier
chapter 10, recurrent neural networks
  rnn-forecasting     RNN, LSTM, GRU and WaveNet forecasts of Lorenz-63: error versus
                      horizon, valid prediction time in Lyapunov times, attractors
  char-rnn            character-level LSTMs on the Zen of Python and on MOSES SMILES:
                      samples by temperature, validity, uniqueness, novelty
  molecule-vae        a SMILES VAE on MOSES molecules: prior samples, reconstructions,
                      interpolation between molecules, property histograms
chapter 11, active and reinforcement learning
  active-learning     uncertainty sampling and query by committee against random
                      labels: iris, MNIST, the Mueller-Brown potential with MLP committees
  tabular-rl          value and policy iteration on FrozenLake (14/17; 0.744 in 100
                      steps), Q-learning and SARSA, value and policy maps
  deep-rl             DQN, A2C and REINFORCE on CartPole-v1 with seed bands; a rendered
                      grid-world episode as a GIF

Each topic lives in a module ``_ch{chapter}_{topic}.py`` (dashes as underscores)
whose entry point is ``run(*, quick=False, random_state=0)``, registered with
``register(name, title, chapter=..., position=...)``; the position orders the
topics within a chapter. A demo returns a :class:`DemoOutput` with one
headline ``(label, value)``, the number the summary table of the tour shows.

Heavy imports (torch, the estimators) happen inside each demo, so listing the
demos is fast.
"""

# Importing the demo modules registers them; list_demos() orders them by (chapter, position).
from scidl.demos import (  # noqa: F401
    _ch2_least_squares,
    _ch2_model_selection,
    _ch3_activations,
    _ch3_backprop,
    _ch3_decision_boundary,
    _ch3_depth_vs_width,
    _ch3_feature_detectors,
    _ch3_mlp_mnist,
    _ch3_perceptron,
    _ch4_minimization,
    _ch5_cnn_filters,
    _ch5_convnet_mnist,
    _ch5_faces,
    _ch5_ising_phases,
    _ch6_autoencoder_vs_pca,
    _ch6_clustering,
    _ch7_kinetics,
    _ch8_dbn_pretraining,
    _ch8_dcgan_mnist,
    _ch8_gan_mode_coverage,
    _ch8_gmvae_clustering,
    _ch8_rbm_mnist,
    _ch8_vae_mnist,
    _ch9_boltzmann_generator,
    _ch9_divergences,
    _ch9_normalizing_flows,
    _ch10_char_rnn,
    _ch10_molecule_vae,
    _ch10_rnn_forecasting,
    _ch11_active_learning,
    _ch11_deep_rl,
    _ch11_tabular_rl,
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
