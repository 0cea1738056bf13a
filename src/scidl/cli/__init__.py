"""The ``scidl`` command line (thin: the work is in :mod:`scidl.demos`).

scidl list                      the demo topics with chapter and title
scidl demo TOPIC [--out DIR]    run one topic's demo, write its report
scidl tour [--out DIR]          run every demo, write DIR/index.html and
                                DIR/metrics.json (default DIR: scidl-report)

``--quick`` is the CI smoke setting; ``--seed N`` fixes the randomness.
:func:`main` returns the exit status: 0 all ran, 1 a demo failed, 2 usage error.
"""

from scidl.cli._main import build_parser, main

__all__ = ["build_parser", "main"]
