"""Demo: molecular kinetics — Langevin dynamics, TICA, Markov state models, PCCA+.

Brownian dynamics in the two-dimensional triple-well potential is projected by TICA,
clustered by k-means and turned into a Markov state model. Its implied timescales are
compared with the exact ones of the potential (from a fine-grid discretisation of the
generator), validated by the Chapman-Kolmogorov test, and its metastable sets (PCCA+)
are drawn on the potential. The same pipeline on the "swissroll" toy shows the limit of
a linear projection when the slow process is not linearly separable, and a one-line
check shows that the MSM transition matrix is the least-squares propagator of the state
indicators.
"""

from __future__ import annotations

import numpy as np

from scidl.demos._registry import DemoOutput, register

# Integration step and frame spacing of the Langevin simulation (time units of the potential).
_DT, _STRIDE = 1e-3, 10
_FRAME = _DT * _STRIDE
# MSM lag (steps) on the toy embeddings: a few steps let the fast emission noise decorrelate.
_TOY_MSM_LAG = 5


def _cluster(trajs, n_clusters, random_state):
    from scidl.unsupervised import KMeans

    data = np.concatenate(trajs)
    rng = np.random.default_rng(random_state)
    sub = data[rng.choice(data.shape[0], size=min(20_000, data.shape[0]), replace=False)]
    km = KMeans(n_clusters=n_clusters, random_state=random_state).fit(sub)
    return km, [km.predict(t) for t in trajs]


def _hidden_chain_timescale(P):
    w = np.sort(np.abs(np.linalg.eigvals(P)))[::-1]
    return float(-1.0 / np.log(w[1]))


def _canonical_correlation(Y, states):
    """Mean canonical correlation between an embedding and the one-hot hidden state.

    Both sides are centred; the one-hot block drops its last column (the columns sum to
    one). The canonical correlations are the singular values of ``Q_Y^T Q_H`` with ``Q``
    orthonormal bases of the two column spaces (from SVDs with a rank cut-off); we
    average the leading
    ``min(dim, n_states - 1)`` of them.
    """
    Y = np.asarray(Y, dtype=np.float64).reshape(len(states), -1)
    H = np.eye(int(states.max()) + 1)[states][:, :-1]

    def basis(M):  # SVD with a rank cut-off: VAMPnet memberships sum to one, so are dependent
        u, s, _ = np.linalg.svd(M - M.mean(axis=0), full_matrices=False)
        return u[:, s > 1e-6 * s[0]]

    rho = np.linalg.svd(basis(Y).T @ basis(H), compute_uv=False)
    return float(np.mean(rho[: min(Y.shape[1], H.shape[1])]))


def _compare_slow_coordinates(*, quick, random_state):
    """TICA, a time-lagged autoencoder and a VAMPnet on the sqrt and swissroll toys.

    The toys are cheap, so quick mode runs them in full.
    """
    from scidl.data import (
        SQRT_TRANSITION_MATRIX,
        SWISSROLL_TRANSITION_MATRIX,
        sqrt_model,
        swissroll_model,
    )
    from scidl.kinetics import TICA, MarkovStateModel, TimeLaggedAutoencoder, VAMPNet
    from scidl.plot import plot_hidden_state_separation

    # Settings checked on seeds 0-5 (tests/kinetics/test_nonlinear_vs_tica.py); the toys are
    # cheap, so quick mode runs them in full. The VAMPnet gets more output states than there
    # are hidden ones: with exactly 4 on the swissroll it merged two states on 3 of 5 seeds.
    # generator, hidden chain, frames, TICA/TAE n_components, TAE epochs,
    # VAMPnet (n_components, epochs, batch, lr)
    toys = {
        "sqrt": (sqrt_model, SQRT_TRANSITION_MATRIX, 3000, 1, 20, (2, 20, 256, 5e-3)),
        "swissroll": (
            swissroll_model,
            SWISSROLL_TRANSITION_MATRIX,
            5000,
            2,
            20,
            (6, 40, 512, 1e-2),
        ),
    }
    results, rows = {}, {}
    for name, (model, P, n, dim, epochs, (v_dim, v_epochs, v_batch, v_lr)) in toys.items():
        states, X = model(n, random_state=random_state)
        n_states = P.shape[0]
        methods = {
            "TICA": TICA(lagtime=1, n_components=dim),
            "TAE": TimeLaggedAutoencoder(
                lagtime=1, n_components=dim, max_epochs=epochs, lr=1e-2, random_state=random_state
            ),
            "VAMPnet": VAMPNet(
                lagtime=1,
                n_components=v_dim,
                max_epochs=v_epochs,
                batch_size=v_batch,
                lr=v_lr,
                random_state=random_state,
            ),
        }
        res, coords = {"exact_timescale": _hidden_chain_timescale(P)}, {}
        for label, est in methods.items():
            Y = est.fit(X).transform(X)
            _, (d,) = _cluster([Y], 2 * n_states, random_state)
            msm = MarkovStateModel(lagtime=_TOY_MSM_LAG).fit(d)
            res[label] = {
                "canonical_correlation": _canonical_correlation(Y, states),
                "msm_timescale": float(msm.timescales(1)[0]),
            }
            coords[label] = Y if label != "VAMPnet" else Y[:, :1]
        results[name] = res
        rows[name] = (states, coords)
    return results, plot_hidden_state_separation(
        rows, title="Hidden states seen by TICA, TAE and VAMPnet"
    )


def _comparison_text(comparison):
    parts = []
    for name, res in comparison.items():
        cells = ", ".join(
            f"{m} {res[m]['canonical_correlation']:.2f} / {res[m]['msm_timescale']:.1f}"
            for m in ("TICA", "TAE", "VAMPnet")
        )
        parts.append(f"{name} (exact timescale {res['exact_timescale']:.1f} steps): {cells}")
    return (
        "Canonical correlation with the hidden state / MSM timescale on each embedding: "
        + "; ".join(parts)
        + ". Where the hidden states are not linearly separable, the non-linear embeddings "
        "resolve them better than TICA."
    )


@register(
    "kinetics",
    "Molecular kinetics: TICA, Markov state models and time-lagged autoencoders",
    chapter=7,
    position=1,
)
def run(*, quick=False, random_state=0):
    """Triple-well Langevin dynamics: TICA, an MSM, its timescales, CK test and PCCA+ sets.

    The MSM's implied timescales are compared with the exact ones; TICA is
    compared with a time-lagged autoencoder and a VAMPnet on hidden-state toys.
    Returns a :class:`DemoOutput` (metrics, figures, text, headline).

    ``quick=True`` simulates fewer walkers and uses fewer clusters and bootstrap
    samples (well under 20 s on a laptop CPU).
    """
    from scidl.data import get_potential, simulate_langevin
    from scidl.kinetics import (
        TICA,
        MarkovStateModel,
        ck_test,
        count_transitions,
        implied_timescales,
        langevin_reference,
    )
    from scidl.plot import (
        plot_ck_test,
        plot_implied_timescales,
        plot_metastable_sets,
        plot_tica_projection,
    )

    n_walkers, n_frames = (60, 1000) if quick else (200, 2500)
    n_clusters = 40 if quick else 80
    n_boot = 5 if quick else 20
    lagtimes = [1, 2, 5, 10, 20, 40, 60]
    msm_lag = 40  # frames = 0.4 time units: past the fast intra-well relaxation (t_3 ~ 0.23)

    pot = get_potential("triple_well_2d")
    x0 = pot.x0 + 0.5 * np.random.default_rng(random_state).normal(size=(n_walkers, 2))
    X = simulate_langevin(
        pot, n_frames, n_walkers=n_walkers, dt=_DT, stride=_STRIDE, x0=x0, random_state=random_state
    )
    trajs = list(X)
    ref = langevin_reference(pot, n_grid=80 if quick else 120, n_timescales=3)

    tica = TICA(lagtime=msm_lag, n_components=2).fit(trajs)
    Y = tica.transform(trajs)
    km, dtrajs = _cluster(Y, n_clusters, random_state)
    its = implied_timescales(
        dtrajs, lagtimes, n_timescales=3, n_bootstrap=n_boot, random_state=random_state
    )
    msm = MarkovStateModel(lagtime=msm_lag).fit(dtrajs)
    t_msm = msm.timescales(2) * _FRAME
    pc = msm.pcca(3)
    ck = ck_test(msm, dtrajs, memberships=pc.memberships, mlags=4)

    # cluster centres back in (x, y): the mean position of the frames in each cluster
    flat_x = np.concatenate(trajs)
    flat_d = np.concatenate(dtrajs)
    counts = np.bincount(flat_d, minlength=n_clusters)[:, None]
    centers_xy = np.stack(
        [np.bincount(flat_d, flat_x[:, k], minlength=n_clusters) for k in range(2)], axis=1
    ) / np.maximum(counts, 1)
    centers_xy = centers_xy[msm.active_set_]

    # The MSM transition matrix is the least-squares propagator of one-hot state indicators.
    d0 = dtrajs[0]
    chi = np.eye(n_clusters)[d0]
    T_ls = np.linalg.lstsq(chi[:-msm_lag], chi[msm_lag:], rcond=None)[0]
    C0 = count_transitions(d0, msm_lag, n_states=n_clusters)
    rows = np.flatnonzero(C0.sum(axis=1) > 0)  # states left at least once: rows of the MLE
    T_ml = C0[rows] / C0[rows].sum(axis=1, keepdims=True)
    ls_vs_ml = float(np.abs(T_ls[rows] - T_ml).max())

    # TICA versus the non-linear methods on toys whose slow process is not linearly separable.
    comparison, separation = _compare_slow_coordinates(quick=quick, random_state=random_state)

    metrics = {
        "exact_timescales": [float(t) for t in ref.timescales[:2]],
        "msm_timescales": [float(t) for t in t_msm],
        "msm_lagtime": msm_lag * _FRAME,
        "msm_n_states": int(msm.n_states_),
        "tica_eigenvalues": [float(v) for v in tica.eigenvalues_],
        "pcca_crispness": float(pc.crispness),
        "ck_max_error": float(ck.max_error),
        "least_squares_vs_mle_max_diff": ls_vs_ml,
        "hidden_state_models": comparison,
    }
    figures = {
        "tica_projection": plot_tica_projection(Y, title="Triple well: TICA projection"),
        "implied_timescales": plot_implied_timescales(
            its, dt=_FRAME, units="time", exact=ref.timescales[:3], title="Implied timescales"
        ),
        "ck_test": plot_ck_test(ck, dt=_FRAME, units="time"),
        "pcca_sets": plot_metastable_sets(pot, centers_xy, pc.assignments, kT=ref.kT),
        "tica_vs_tae": separation,
    }
    text = (
        f"Triple-well Brownian dynamics ({n_walkers} walkers x {n_frames} frames): the MSM "
        f"({msm.n_states_} k-means states on 2 TICA components, lag {msm_lag * _FRAME:g}) gives "
        f"slowest timescales {t_msm[0]:.2f} and {t_msm[1]:.2f}, against the exact "
        f"{ref.timescales[0]:.2f} and {ref.timescales[1]:.2f} of the fine-grid generator. "
        f"The Chapman-Kolmogorov test deviates by at most {ck.max_error:.3f}. PCCA+ finds three "
        f"metastable sets (crispness {pc.crispness:.2f} of 3). The row-normalised count matrix "
        f"equals the least-squares propagator of one-hot state indicators (max difference "
        f"{ls_vs_ml:.1e}). " + _comparison_text(comparison)
    )
    headline = (
        f"slowest MSM timescale (exact {ref.timescales[0]:.2f})",
        float(t_msm[0]),
    )
    return DemoOutput(metrics, figures, text, headline)
