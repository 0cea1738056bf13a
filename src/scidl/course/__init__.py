"""Course mode: exercises for every chapter and a sandboxed automatic grader.

``scidl course list | start | check | grade``.
"""

__all__: list[str] = []
