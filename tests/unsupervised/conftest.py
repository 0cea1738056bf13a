"""Shared settings of the chapter-6 tests."""

import pytest
import torch


@pytest.fixture(autouse=True)
def _one_torch_thread():
    """Run each test with one torch thread (restored afterwards).

    The networks here are tiny; with several threads on a busy machine the
    per-operation synchronisation costs more than the work. Speed is measured
    in ``benchmarks/``, never in tests.
    """
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)
