"""Shared fixtures for the scidl.plot tests."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402


@pytest.fixture(autouse=True)
def no_pyplot_figures():
    """Every plot function must leave pyplot's global figure registry untouched."""
    plt.close("all")
    yield
    assert plt.get_fignums() == [], "a scidl.plot function registered a figure with pyplot"
