"""Reinforcement learning: dynamic programming, tabular and deep agents on gymnasium.

Chapter 11 of the course (active and reinforcement learning), second half.
"""

__all__: list[str] = []
