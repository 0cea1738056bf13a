"""Active learning: pool-based query strategies and the learning curve they buy.

Chapter 11 of the course (active and reinforcement learning), first half. A model
trained on a few labels picks the pool samples whose labels it expects to learn the
most from; the learning curve (score versus number of labels) shows what that buys
over labelling at random.

The learner and the loop
------------------------
ActiveLearner           meta-estimator around any scikit-learn-compatible estimator:
                        ``fit``, ``query(X_pool)`` -> indices, ``teach(X, y)``, ``predict``
run_active_learning     the loop with ``y_pool`` as the oracle, over seeds, with a budget
                        and a target score -> LearningCurve
LearningCurve           score versus labels per seed; mean, sd, labels to reach a score
STRATEGIES              the strategy names, with the task and committee each needs

Query strategies (scores of the unlabelled pool)
------------------------------------------------
least_confidence        1 - max_k p_k (uncertainty sampling)
margin                  p_(1) - p_(2), the smallest is queried
entropy                 -sum_k p_k log p_k
vote_entropy            entropy of a committee's hard votes
consensus_kl            mean KL divergence of the members from the consensus
committee_variance      variance of a regression committee
expected_model_change   EMCM: expected gradient length of a linear model (Cai et al. 2013)
select_batch            top-k or greedy informativeness-plus-diversity batches
"""

from scidl.active._learner import STRATEGIES, ActiveLearner
from scidl.active._loop import LearningCurve, run_active_learning
from scidl.active._strategies import (
    committee_variance,
    consensus_kl,
    entropy,
    expected_model_change,
    least_confidence,
    margin,
    select_batch,
    vote_entropy,
)

__all__ = [
    "STRATEGIES",
    "ActiveLearner",
    "LearningCurve",
    "committee_variance",
    "consensus_kl",
    "entropy",
    "expected_model_change",
    "least_confidence",
    "margin",
    "run_active_learning",
    "select_batch",
    "vote_entropy",
]
