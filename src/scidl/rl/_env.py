"""Environments: gymnasium ids or instances, scidl's own gridworld, and their transition tables."""

from __future__ import annotations

import numbers

import gymnasium
import numpy as np
from gymnasium import spaces

__all__ = ["GridWorld", "DiscretizeObservation", "make_env", "transition_table", "grid_layout"]

# Actions of the grid worlds, as in gymnasium's FrozenLake: left, down, right, up.
_MOVES = ((0, -1), (1, 0), (0, 1), (-1, 0))
ACTION_ARROWS = ("←", "↓", "→", "↑")

DEFAULT_LAYOUT = (
    "S....",
    ".##..",
    "...#.",
    ".#...",
    "..X.G",
)


def make_env(env, *, name="env", **kwargs):
    """A gymnasium environment from an id string or an ``Env`` instance.

    Parameters
    ----------
    env : str or gymnasium.Env
        A registered id (``"CartPole-v1"``, ``"FrozenLake-v1"``, ``"MountainCar-v0"``)
        or an environment instance (returned unchanged).
    name : str, default "env"
        The argument name used in error messages.
    **kwargs
        Passed to ``gymnasium.make`` with an id (e.g. ``is_slippery=True``).

    Returns
    -------
    gymnasium.Env
        The environment.

    Raises
    ------
    ValueError
        An unknown id.
    TypeError
        Neither a string nor a ``gymnasium.Env``.

    Examples
    --------
    >>> from scidl.rl import make_env
    >>> env = make_env("FrozenLake-v1", is_slippery=True)
    >>> env.observation_space, env.action_space
    (Discrete(16), Discrete(4))
    >>> make_env("NoSuchEnv-v0")
    Traceback (most recent call last):
    ...
    ValueError: env must be a registered gymnasium id; 'NoSuchEnv-v0' is not (...).
    """
    if isinstance(env, str):
        try:
            return gymnasium.make(env, **kwargs)
        except gymnasium.error.Error as exc:
            raise ValueError(
                f"{name} must be a registered gymnasium id; {env!r} is not ({exc})."
            ) from None
    if isinstance(env, gymnasium.Env):
        if kwargs:
            raise TypeError(f"Options {sorted(kwargs)} need an id string, not an Env instance.")
        return env
    raise TypeError(
        f"{name} must be a gymnasium id string or a gymnasium.Env; got {type(env).__name__}."
    )


class GridWorld(gymnasium.Env):
    """A small grid world with walls, a goal and a pit; states render with matplotlib.

    The agent starts on ``S`` and moves left, down, right or up (actions 0-3,
    as in FrozenLake). Walls ``#`` and the border block moves. Entering ``G``
    gives ``goal_reward`` and ends the episode, entering ``X`` gives
    ``pit_reward`` and ends it; every move costs ``step_reward``. With
    ``slip > 0`` the intended move happens with probability ``1 - slip``, each
    perpendicular move with ``slip / 2``. The exact model is ``P`` in
    gymnasium's toy-text format, so dynamic programming
    (:func:`value_iteration`) solves it.

    Parameters
    ----------
    layout : sequence of str, optional
        Rows of the grid: ``S`` start, ``G`` goal, ``X`` pit, ``#`` wall,
        ``.`` free. The default is a 5 x 5 maze with shortest path 8.
    step_reward, goal_reward, pit_reward : float, default -0.04, 1.0, -1.0
        Rewards.
    slip : float in [0, 1), default 0.0
        Probability of slipping sideways.
    max_episode_steps : int, default 100
        Episodes are truncated after this many steps.
    render_mode : {None, "rgb_array"}, default None
        ``"rgb_array"``: :meth:`render` returns the state as an image.

    Attributes
    ----------
    layout : tuple of str
        The grid.
    shape : tuple of int
        ``(n_rows, n_cols)``.
    P : dict
        ``P[s][a] = [(probability, next_state, reward, terminated), ...]``.
    observation_space, action_space : gymnasium.spaces.Discrete
        ``n_rows * n_cols`` states (the cell ``row * n_cols + col``) and 4 actions.
    s : int
        The current state.

    Examples
    --------
    >>> from scidl.rl import GridWorld
    >>> env = GridWorld()
    >>> obs, info = env.reset(seed=0)
    >>> obs, env.shape
    (0, (5, 5))
    >>> env.step(2)[:3]  # move right
    (1, -0.04, False)
    """

    metadata = {"render_modes": ["rgb_array"], "render_fps": 4}

    def __init__(
        self,
        layout=DEFAULT_LAYOUT,
        *,
        step_reward=-0.04,
        goal_reward=1.0,
        pit_reward=-1.0,
        slip=0.0,
        max_episode_steps=100,
        render_mode=None,
    ):
        if isinstance(layout, str) or not all(isinstance(r, str) for r in layout):
            raise TypeError("layout must be a sequence of strings (rows of the grid).")
        layout = tuple(layout)
        if not layout or len({len(r) for r in layout}) != 1 or not layout[0]:
            raise ValueError("layout must be non-empty rows of equal length.")
        chars = "".join(layout)
        if set(chars) - set("SGX#."):
            raise ValueError(
                f"layout may only hold 'S', 'G', 'X', '#', '.'; got {sorted(set(chars))}."
            )
        if chars.count("S") != 1 or "G" not in chars:
            raise ValueError("layout needs exactly one start 'S' and at least one goal 'G'.")
        for name, value in (
            ("step_reward", step_reward),
            ("goal_reward", goal_reward),
            ("pit_reward", pit_reward),
        ):
            if not isinstance(value, numbers.Real) or not np.isfinite(value):
                raise TypeError(f"{name} must be a finite number; got {value!r}.")
        if not isinstance(slip, numbers.Real) or not 0 <= slip < 1:
            raise ValueError(f"slip must be a number in [0, 1); got {slip!r}.")
        if not isinstance(max_episode_steps, numbers.Integral) or max_episode_steps < 1:
            raise ValueError(
                f"max_episode_steps must be a positive int; got {max_episode_steps!r}."
            )
        if render_mode not in (None, "rgb_array"):
            raise ValueError(f"render_mode must be None or 'rgb_array'; got {render_mode!r}.")
        self.layout = layout
        self.shape = (len(layout), len(layout[0]))
        self.step_reward, self.goal_reward, self.pit_reward = step_reward, goal_reward, pit_reward
        self.slip = float(slip)
        self.max_episode_steps = int(max_episode_steps)
        self.render_mode = render_mode
        n = self.shape[0] * self.shape[1]
        self.observation_space = spaces.Discrete(n)
        self.action_space = spaces.Discrete(4)
        self.start = chars.index("S")
        self.P = self._model()
        self.s = self.start
        self._t = 0
        self._last_action = None

    def _cell(self, s):
        return self.layout[s // self.shape[1]][s % self.shape[1]]

    def _move(self, s, a):
        r, c = divmod(s, self.shape[1])
        dr, dc = _MOVES[a]
        r2, c2 = r + dr, c + dc
        if 0 <= r2 < self.shape[0] and 0 <= c2 < self.shape[1] and self.layout[r2][c2] != "#":
            return r2 * self.shape[1] + c2
        return s

    def _model(self):
        P = {}
        for s in range(self.observation_space.n):
            P[s] = {}
            for a in range(4):
                if self._cell(s) in "GX#":  # absorbing (walls are never entered)
                    P[s][a] = [(1.0, s, 0.0, True)]
                    continue
                outcomes = {}
                sides = ((a + 1) % 4, (a + 3) % 4)
                for move, p in (
                    (a, 1 - self.slip),
                    (sides[0], self.slip / 2),
                    (sides[1], self.slip / 2),
                ):
                    if p > 0:
                        s2 = self._move(s, move)
                        outcomes[s2] = outcomes.get(s2, 0.0) + p
                P[s][a] = []
                for s2, p in outcomes.items():
                    cell = self._cell(s2)
                    reward = self.step_reward + (
                        self.goal_reward if cell == "G" else self.pit_reward if cell == "X" else 0.0
                    )
                    P[s][a].append((p, s2, float(reward), cell in "GX"))
        return P

    def reset(self, *, seed=None, options=None):
        """Start a new episode on ``S``; returns ``(state, info)``."""
        super().reset(seed=seed)
        self.s, self._t, self._last_action = self.start, 0, None
        return self.s, {}

    def step(self, action):
        """Move; returns ``(state, reward, terminated, truncated, info)``."""
        if not self.action_space.contains(action):
            raise ValueError(f"action must be an int in [0, 4); got {action!r}.")
        outcomes = self.P[self.s][int(action)]
        i = 0
        if len(outcomes) > 1:
            i = int(self.np_random.choice(len(outcomes), p=[o[0] for o in outcomes]))
        _, s2, reward, terminated = outcomes[i]
        self.s, self._last_action = s2, int(action)
        self._t += 1
        truncated = self._t >= self.max_episode_steps and not terminated
        return s2, reward, terminated, truncated, {}

    def render(self):
        """The current state as an RGB image (``render_mode="rgb_array"``), drawn by matplotlib."""
        if self.render_mode != "rgb_array":
            return None
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure

        fig = Figure(figsize=(0.6 * self.shape[1], 0.6 * self.shape[0]), dpi=80)
        FigureCanvasAgg(fig)
        ax = fig.add_axes((0, 0, 1, 1))
        draw_grid(ax, self.layout, agent=self.s)
        fig.canvas.draw()
        return np.asarray(fig.canvas.buffer_rgba())[..., :3].copy()


_COLOURS = {"#": "#3b3b3b", "G": "#009E73", "X": "#D55E00", "S": "#cfe3f5", ".": "#ffffff"}


def draw_grid(ax, layout, *, agent=None):
    """Draw a grid layout (cells coloured by kind) and the agent on a matplotlib Axes."""
    from matplotlib.colors import to_rgb

    rows, cols = len(layout), len(layout[0])
    img = np.array([[to_rgb(_COLOURS.get(ch, "#ffffff")) for ch in row] for row in layout])
    ax.imshow(img, extent=(-0.5, cols - 0.5, rows - 0.5, -0.5))
    ax.set_xticks(np.arange(-0.5, cols, 1), minor=True)
    ax.set_yticks(np.arange(-0.5, rows, 1), minor=True)
    ax.grid(which="minor", color="0.6", lw=0.5)
    ax.tick_params(which="both", length=0, labelbottom=False, labelleft=False)
    ax.set_xticks([])
    ax.set_yticks([])
    if agent is not None:
        r, c = divmod(int(agent), cols)
        ax.plot(c, r, "o", ms=14 * 5 / max(rows, cols), color="#0072B2")


def grid_layout(env):
    """The grid of a FrozenLake or :class:`GridWorld` environment as a tuple of strings.

    FrozenLake's holes ``H`` become pits ``X`` and its frozen cells ``F`` free cells.

    Parameters
    ----------
    env : str or gymnasium.Env
        A grid environment (FrozenLake or :class:`GridWorld`).

    Returns
    -------
    tuple of str
        One string per row.

    Examples
    --------
    >>> from scidl.rl import grid_layout
    >>> grid_layout("FrozenLake-v1")
    ('S...', '.X.X', '...X', 'X..G')
    """
    env = make_env(env).unwrapped
    if isinstance(env, GridWorld):
        return env.layout
    desc = getattr(env, "desc", None)
    if desc is None:
        raise ValueError(
            f"env must be a grid world (FrozenLake or GridWorld); {type(env).__name__} is not."
        )
    table = {"S": "S", "F": ".", "H": "X", "G": "G"}
    return tuple(
        "".join(table[c.decode() if isinstance(c, bytes) else c] for c in row) for row in desc
    )


def transition_table(env):
    """The exact model of a finite environment as arrays, for dynamic programming.

    Parameters
    ----------
    env : str or gymnasium.Env
        An environment with a model ``env.unwrapped.P`` in gymnasium's toy-text
        format (FrozenLake, CliffWalking, Taxi, :class:`GridWorld`).

    Returns
    -------
    P : ndarray of shape (n_states, n_actions, n_states)
        ``P[s, a, s']``: probability of moving to ``s'`` *and continuing*;
        transitions that end the episode are left out (their continuation
        value is 0), so rows sum to at most 1.
    R : ndarray of shape (n_states, n_actions)
        Expected immediate reward.

    Examples
    --------
    >>> from scidl.rl import transition_table
    >>> P, R = transition_table("FrozenLake-v1")
    >>> P.shape, round(float(R[14, 1]), 4)  # next to the goal: 1/3 chance to step in
    ((16, 4, 16), 0.3333)
    """
    env = make_env(env)
    model = getattr(env.unwrapped, "P", None)
    if not isinstance(env.observation_space, spaces.Discrete) or not isinstance(
        env.action_space, spaces.Discrete
    ):
        raise ValueError(
            "env must have discrete observation and action spaces for a transition table; got "
            f"{env.observation_space} and {env.action_space}."
        )
    if not isinstance(model, dict):
        raise ValueError(
            f"env has no model: {type(env.unwrapped).__name__} has no toy-text table P."
        )
    n_s, n_a = int(env.observation_space.n), int(env.action_space.n)
    P = np.zeros((n_s, n_a, n_s))
    R = np.zeros((n_s, n_a))
    for s in range(n_s):
        for a in range(n_a):
            for p, s2, r, done in model[s][a]:
                R[s, a] += p * r
                if not done:
                    P[s, a, s2] += p
    return P, R


class DiscretizeObservation(gymnasium.ObservationWrapper):
    """Bin a box observation into one discrete state, for tabular agents.

    Each coordinate is cut into ``n_bins`` equal bins between ``low`` and
    ``high`` (values outside go to the end bins); the state is the index of
    the cell of the resulting grid.

    Parameters
    ----------
    env : str or gymnasium.Env
        An environment with a one-dimensional ``Box`` observation (MountainCar, CartPole).
    n_bins : int or sequence of int, default 10
        Bins per coordinate.
    low, high : array-like, optional
        Bin range per coordinate; default the observation space's bounds
        (which must then be finite).

    Attributes
    ----------
    edges : list of ndarray
        The inner bin edges of each coordinate.
    observation_space : gymnasium.spaces.Discrete
        ``prod(n_bins)`` states.

    Examples
    --------
    >>> from scidl.rl import DiscretizeObservation
    >>> env = DiscretizeObservation("MountainCar-v0", n_bins=(6, 5))
    >>> obs, _ = env.reset(seed=0)
    >>> env.observation_space, 0 <= obs < 30
    (Discrete(30), True)
    """

    def __init__(self, env, n_bins=10, *, low=None, high=None):
        env = make_env(env)
        space = env.observation_space
        if not isinstance(space, spaces.Box) or len(space.shape) != 1:
            raise ValueError(f"env must have a one-dimensional Box observation space; got {space}.")
        super().__init__(env)
        d = space.shape[0]
        bins = np.broadcast_to(np.asarray(n_bins), (d,))
        if bins.dtype.kind not in "iu" or (bins < 1).any():
            raise ValueError(
                f"n_bins must be positive ints (one or one per coordinate); got {n_bins!r}."
            )
        low = space.low if low is None else np.asarray(low, dtype=float)
        high = space.high if high is None else np.asarray(high, dtype=float)
        low, high = np.broadcast_to(low, (d,)), np.broadcast_to(high, (d,))
        if not (np.isfinite(low).all() and np.isfinite(high).all() and (high > low).all()):
            raise ValueError("low and high must be finite with high > low; give them explicitly.")
        self.n_bins = tuple(int(b) for b in bins)
        self.edges = [np.linspace(lo, hi, b + 1)[1:-1] for lo, hi, b in zip(low, high, bins)]
        self.observation_space = spaces.Discrete(int(np.prod(bins)))

    def observation(self, observation):
        """The discrete state of one box observation."""
        idx = [int(np.searchsorted(e, x)) for e, x in zip(self.edges, observation)]
        return int(np.ravel_multi_index(idx, self.n_bins))
