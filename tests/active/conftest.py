import pytest
import torch
from threadpoolctl import threadpool_limits


@pytest.fixture(autouse=True)
def one_thread():
    # Tiny models: one thread is fastest, and immune to oversubscribed machines (a
    # multi-threaded BLAS under scikit-learn's L-BFGS is ten times slower on a busy machine).
    n = torch.get_num_threads()
    torch.set_num_threads(1)
    with threadpool_limits(1):
        yield
    torch.set_num_threads(n)
