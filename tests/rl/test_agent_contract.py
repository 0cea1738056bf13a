"""Every agent's hyperparameters are validated at ``learn`` like an estimator's (the automatic
probe of tests/test_bad_input.py does not see agents: they are not scikit-learn estimators)."""

import inspect
import math

import pytest

import scidl.rl
from scidl.rl import Agent, GridWorld

AGENTS = [
    getattr(scidl.rl, name)
    for name in scidl.rl.__all__
    if isinstance(getattr(scidl.rl, name), type)
    and issubclass(getattr(scidl.rl, name), Agent)
    and getattr(scidl.rl, name).__init__ is not object.__init__  # not the abstract bases
]
PROBES = {"a string": "bad", "negative": -1, "nan": math.nan}
# (parameter, probe) accepted on purpose, with the reason
ACCEPTED = {
    ("target_return", "negative"): "any return may be a target (returns can be negative)",
}


def cases():
    for cls in AGENTS:
        for param in inspect.signature(cls).parameters:
            for label, value in PROBES.items():
                yield pytest.param(cls, param, label, value, id=f"{cls.__name__}-{param}-{label}")


def test_every_agent_class_is_probed():
    assert {c.__name__ for c in AGENTS} >= {"QLearning", "SARSA", "DQN", "REINFORCE", "A2C"}


@pytest.mark.parametrize("cls, param, label, value", list(cases()))
def test_bad_hyperparameter_is_rejected_naming_it(cls, param, label, value):
    agent = cls(**{param: value})
    assert agent.get_params()[param] is value  # stored unchanged
    if ACCEPTED.get((param, label)):
        agent.learn(GridWorld(), 20)
        assert agent.n_timesteps_ == 20
        return
    with pytest.raises((ValueError, TypeError)) as info:
        agent.learn(GridWorld(), 20)
    assert param in str(info.value), str(info.value)
