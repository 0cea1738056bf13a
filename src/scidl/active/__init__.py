"""Active learning: pool-based query strategies and the learning curve they buy.

Chapter 11 of the course (active and reinforcement learning), first half.
"""

__all__: list[str] = []
