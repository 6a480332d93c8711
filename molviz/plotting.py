"""Figures for the book: one small matplotlib function per idea, and explorer figures.

Static figures (each takes an optional ``ax``/``axes``; without one it creates a figure with
pyplot so that it shows in a notebook) return a dict of the artists they drew, always with the
key ``"ax"`` (or ``"axes"``/``"fig"``). Curves are computed with molviz's own numpy densities
(:mod:`molviz.logistic`, :mod:`molviz.mixture`), samples are drawn with molviz's torch
samplers (:mod:`molviz.sampling`) from a ``torch.Generator`` seeded with ``seed``, and
histograms use :func:`molviz.plotting.histogram` (numpy's binning rule, normalised by the
total sample count).

The explorer figures behind :mod:`molviz.widgets` (:class:`MixtureExplorerFigure` and friends,
updated in place) live in ``molviz._explorer_figures`` and are re-exported here, as are the
style helpers of ``molviz._style`` (:func:`use_book_style`, ``COMPONENT_COLORS``,
:func:`histogram`, :func:`sample_mixture`).

Components are numbered k = 0, 1, ..., K-1 in every label, and component k is drawn in
``COMPONENT_COLORS[k]`` (matplotlib's tab10), everywhere.

Legibility on the book's pages: the site scales every figure into a text column about 670 px
wide, so a figure that a function creates itself is at most ``MAX_FIGURE_WIDTH`` (8) inches
wide, no text in it is smaller than ``SMALL_FONTSIZE`` (10 pt; with :func:`use_book_style`,
at least 10 px on the page), and labels and keys are placed where they cover no data: beside
the marks they name, in regions the curves never enter, or below the axes.

See the book chapters ``book/logistic.md`` ... ``book/training.md`` (each figure's docstring
names its chapter).
"""

from __future__ import annotations

import math

import matplotlib.pyplot as plt
import numpy as np
import torch
from matplotlib.axes import Axes
from matplotlib.colors import ListedColormap, to_rgb
from matplotlib.legend_handler import HandlerTuple
from matplotlib.patches import Rectangle
from matplotlib.text import Annotation
from matplotlib.ticker import MaxNLocator
from matplotlib.transforms import offset_copy
from scipy import stats

from molviz import logistic, mixture, sampling
from molviz._explorer_figures import (
    DiscretizedExplorerFigure,
    GumbelExplorerFigure,
    InversionExplorerFigure,
    LogisticExplorerFigure,
    MixtureExplorerFigure,
)
from molviz._style import (
    CLIP_COLOR,
    COMPONENT_COLORS,
    DENSITY_COLOR,
    GAUSSIAN_COLOR,
    MAX_FIGURE_WIDTH,
    MAX_SAMPLES,
    SAMPLE_COLOR,
    SMALL_FONTSIZE,
    bin_edges,
    bins_beyond,
    check_int,
    check_threshold,
    check_xlim,
    clip_span,
    coarsen_bins,
    component_color,
    default_xlim,
    edge_bin_label,
    fmt_params,
    get_axes,
    histogram,
    logits_1d,
    make_generator,
    mixture_params,
    sample_mixture,
    scalar_params,
    separator_segments,
    subscript,
    use_book_style,
    zoom_window,
)
from molviz._validate import (
    as_float_array,
    check_eps,
    check_num_classes,
    check_real_scalar,
    check_temperature,
)

__all__ = [
    "CLIP_COLOR",
    "COMPONENT_COLORS",
    "DENSITY_COLOR",
    "GAUSSIAN_COLOR",
    "MAX_FIGURE_WIDTH",
    "SAMPLE_COLOR",
    "SMALL_FONTSIZE",
    "DiscretizedExplorerFigure",
    "GumbelExplorerFigure",
    "InversionExplorerFigure",
    "LogisticExplorerFigure",
    "MixtureExplorerFigure",
    "component_color",
    "histogram",
    "plot_channel_layout",
    "plot_clamped_mixture",
    "plot_discretized_bins",
    "plot_discretized_comparison",
    "plot_fit",
    "plot_fit_frames",
    "plot_gumbel_convergence",
    "plot_gumbel_pdf",
    "plot_histogram",
    "plot_inversion",
    "plot_logistic_cdf",
    "plot_logistic_pdf",
    "plot_loss_curve",
    "plot_mixture",
    "plot_mixture_cdf",
    "plot_sigmoid_logit",
    "plot_softmax_weights",
    "sample_mixture",
    "use_book_style",
]

# --------------------------------------------------------------------------------------
# histogram primitive
# --------------------------------------------------------------------------------------


def plot_histogram(
    ax=None, samples=None, bins=100, range=None, *, groups=None, num_groups=None, color=None
):
    """Draw a density histogram of samples as filled steps, optionally stacked by group.

    Heights are :func:`histogram` densities, ``count / (n * bin width)`` with n all samples, so
    the bars are directly comparable with a density curve on the same window.

    Args:
        ax: axes to draw into (new figure if None).
        samples: array-like of finite samples.
        bins, range: as ``numpy.histogram`` (equal-width bins on range).
        groups: optional int array of group labels (component index k of each sample); the
            histogram is then stacked, group k in ``COMPONENT_COLORS[k]``.
        num_groups: number of groups G (default max label + 1).
        color: fill colour of an ungrouped histogram (default ``SAMPLE_COLOR``).

    Returns:
        dict with ``"ax"``, ``"hist"`` (list of ``StepPatch``, one per group, bottom to top),
        ``"heights"`` ((bins,) or (G, bins) densities) and ``"edges"``.

    See the book chapter ``book/logistic.md``.
    """
    if samples is None:
        raise ValueError("samples must be given (an array of sample values), got None")
    ax = get_axes(ax)
    heights, edges = histogram(samples, bins, range, groups=groups, num_groups=num_groups)
    if groups is None:
        patch = ax.stairs(
            heights, edges, fill=True, color=color or SAMPLE_COLOR, alpha=0.8, label="samples"
        )
        patches = [patch]
    else:
        cum = np.cumsum(heights, axis=0)
        patches = []
        for k in np.arange(heights.shape[0]):
            base = cum[k - 1] if k else np.zeros_like(cum[0])
            patches.append(
                ax.stairs(
                    cum[k],
                    edges,
                    baseline=base,
                    fill=True,
                    color=component_color(int(k)),
                    alpha=0.45,
                    lw=0,
                    label=f"samples from k = {k}",
                )
            )
    ax.set_xlabel("x")
    ax.set_ylabel("density")
    return {"ax": ax, "hist": patches, "heights": heights, "edges": edges}


# --------------------------------------------------------------------------------------
# the logistic distribution
# --------------------------------------------------------------------------------------


def plot_logistic_pdf(ax=None, mu=0.0, s=1.0, *, gaussian=False, logy=False, xlim=None, num=801):
    r"""Plot the logistic density p(x; μ, s), optionally with the Gaussian of equal variance.

    :math:`p(x) = e^{-z} / \bigl(s\,(1 + e^{-z})^2\bigr)` with :math:`z = (x - \mu)/s`, computed
    with :func:`molviz.logistic.logistic_pdf`. The Gaussian has the same mean μ and standard
    deviation :math:`\mathrm{sd} = s\pi/\sqrt{3}` (:func:`molviz.logistic.logistic_std`); on a
    log y-axis (``logy=True``) the logistic's straight tails (:math:`\log p \approx -|z|`)
    against the Gaussian's parabolic ones are plain to see.

    Args:
        ax: axes (new figure if None).
        mu, s: location μ and scale s > 0 (scalars).
        gaussian: also draw the Gaussian with mean μ and sd = sπ/√3.
        logy: log-scale y axis (for the tails).
        xlim: (lo, hi) plotting range; default μ ± 8s (μ ± 20s with logy).
        num: number of grid points.

    Returns:
        dict: ``"ax"``, ``"pdf"`` (Line2D), ``"gaussian"`` (Line2D or None), ``"x"``.

    See the book chapter ``book/logistic.md``.
    """
    mu, s = scalar_params(mu, s)
    ax = get_axes(ax)
    x = _grid(xlim or default_xlim(mu, s, 20.0 if logy else 8.0), num)
    y = logistic.logistic_pdf(x, mu, s)
    (pdf,) = ax.plot(x, y, color=component_color(0), label=f"logistic ({fmt_params(mu, s)})")
    gline = _equal_variance_gaussian(ax, gaussian, stats.norm.pdf, x, mu, s, "same variance")
    if logy:
        ax.set_yscale("log")
        ax.set_ylim(0.3 * float(y.min()), 3.0 * float(y.max()))
    else:
        ax.set_ylim(0, 1.3 * float(y.max()))  # room for the legend above the peak
    ax.set_xlim(x[0], x[-1])
    ax.set_xlabel("x")
    ax.set_ylabel("density p(x)" + (" (log scale)" if logy else ""))
    ax.set_title("Logistic density" + (" and Gaussian of equal variance" if gaussian else ""))
    ax.legend(loc="lower center" if logy else "upper right")
    return {"ax": ax, "pdf": pdf, "gaussian": gline, "x": x}


def plot_logistic_cdf(ax=None, mu=0.0, s=1.0, *, gaussian=False, xlim=None, num=801):
    r"""Plot the logistic CDF F(x) = σ((x - μ)/s), optionally with the equal-variance Gaussian.

    Computed with :func:`molviz.logistic.logistic_cdf`; σ is the sigmoid
    :math:`\sigma(z) = 1/(1 + e^{-z})` (``scipy.special.expit``). The Gaussian CDF has the same
    mean and standard deviation, :math:`\mathrm{sd} = s\pi/\sqrt{3}`.

    Args:
        ax: axes (new figure if None).
        mu, s: location μ and scale s > 0.
        gaussian: also draw the CDF of the Gaussian with mean μ and sd = sπ/√3.
        xlim: plotting range, default μ ± 8s.
        num: number of grid points.

    Returns:
        dict: ``"ax"``, ``"cdf"`` (Line2D), ``"gaussian"`` (Line2D or None), ``"x"``.

    See the book chapter ``book/logistic.md``.
    """
    mu, s = scalar_params(mu, s)
    ax = get_axes(ax)
    x = _grid(xlim or default_xlim(mu, s, 8.0), num)
    (cdf,) = ax.plot(
        x,
        logistic.logistic_cdf(x, mu, s),
        color=component_color(0),
        label=f"logistic CDF σ((x-μ)/s) ({fmt_params(mu, s)})",
    )
    gline = _equal_variance_gaussian(ax, gaussian, stats.norm.cdf, x, mu, s, "CDF")
    ax.set_xlim(x[0], x[-1])
    ax.set_ylim(-0.02, 1.02)
    ax.set_xlabel("x")
    ax.set_ylabel("F(x) = P(X ≤ x)")
    ax.set_title("Logistic CDF is the sigmoid")
    ax.legend(loc="lower right")
    return {"ax": ax, "cdf": cdf, "gaussian": gline, "x": x}


def _grid(xlim, num):
    """``num`` points on the checked range ``xlim``."""
    return np.linspace(*check_xlim(xlim), check_int("num", num, 2))


def _equal_variance_gaussian(ax, show, fn, x, mu, s, what):
    """Dashed grey ``fn`` (norm.pdf or norm.cdf) of the Gaussian with sd = sπ/√3, or None."""
    if not show:
        return None
    sd = float(logistic.logistic_std(s))
    label = f"Gaussian, {what} (sd = sπ/√3 = {sd:.3g})"
    return ax.plot(x, fn(x, mu, sd), "--", color=GAUSSIAN_COLOR, label=label)[0]


def plot_sigmoid_logit(axes=None, *, zlim=6.0, z0=1.5, num=801):
    r"""Two panels: the sigmoid σ(z) (standard logistic CDF) and its inverse logit(q) (quantile).

    :math:`\sigma(z) = 1/(1 + e^{-z})` and :math:`\operatorname{logit}(q) = \log(q/(1 - q))`
    are inverse functions; one pair (z0, σ(z0)) is marked in both panels to show the swap of
    axes, and labelled next to the mark, on a side the curve and the dotted guide lines never
    cross (a legend would sit on one of them).

    Args:
        axes: sequence of two axes (new 1x2 figure if None).
        zlim: z range [-zlim, zlim] of the left panel (> 0).
        z0: the marked point.
        num: grid points.

    Returns:
        dict: ``"axes"``, ``"sigmoid"`` and ``"logit"`` (Line2D), ``"marks"`` (two Line2D),
        ``"labels"`` (two Annotation, the values at the marks).

    See the book chapter ``book/logistic.md``.
    """
    zlim = check_real_scalar("zlim", zlim)
    if not (zlim > 0 and math.isfinite(zlim)):
        raise ValueError(f"zlim must be finite and > 0, got zlim = {zlim!r}")
    z0 = check_real_scalar("z0", z0)
    if axes is None:
        _, axes = plt.subplots(1, 2, figsize=(8.0, 3.4))
    if len(axes) != 2 or not all(isinstance(a, Axes) for a in axes):
        raise TypeError(f"axes must be two matplotlib Axes, got {axes!r}")
    num = check_int("num", num, 2)
    z = np.linspace(-zlim, zlim, num)
    q = np.linspace(0.0, 1.0, num)[1:-1]
    q0 = float(logistic.logistic_cdf(z0))
    a0, a1 = axes
    (sig,) = a0.plot(z, logistic.logistic_cdf(z), color=component_color(0))
    (m0,) = a0.plot(
        [z0, z0, -zlim],
        [0, q0, q0],
        ":o",
        color=component_color(1),
        ms=4,
        markevery=[1],
        label=f"σ({z0:g}) = {q0:.3f}",
    )
    a0.set_xlabel("z")
    a0.set_ylabel("σ(z)")
    a0.set_title(r"CDF: sigmoid $\sigma(z) = 1\,/\,(1 + e^{-z})$")
    a0.set_xlim(-zlim, zlim)
    a0.set_ylim(0, 1)
    (lg,) = a1.plot(q, logistic.logistic_ppf(q), color=component_color(0))
    (m1,) = a1.plot(
        [q0, q0, 0],
        [-zlim, z0, z0],
        ":o",
        color=component_color(1),
        ms=4,
        markevery=[1],
        label=f"logit({q0:.3f}) = {z0:g}",
    )
    a1.set_xlabel("q")
    a1.set_ylabel("logit(q)")
    a1.set_title(r"Quantile: $\mathrm{logit}(q) = \log(q\,/\,(1 - q))$")
    a1.set_xlim(0, 1)
    a1.set_ylim(-zlim, zlim)
    # below and right of a mark the curve never passes (it rises through the mark), and the
    # dotted guides run left and down; in the logit panel a mark right of q = 1/2 has no room
    # there, and above and left of it is as free
    right_below = {"xytext": (8, -6), "ha": "left", "va": "top"}
    left_above = {"xytext": (-8, 6), "ha": "right", "va": "bottom"}
    labels = [
        ax.annotate(
            mark.get_label(),
            xy,
            textcoords="offset points",
            color=component_color(1),
            fontsize=SMALL_FONTSIZE + 0.5,
            **place,
        )
        for ax, mark, xy, place in (
            (a0, m0, (z0, q0), right_below),
            (a1, m1, (q0, z0), left_above if q0 >= 0.5 else right_below),
        )
    ]
    out = {"axes": list(axes), "sigmoid": sig, "logit": lg, "marks": [m0, m1]}
    return {**out, "labels": labels}


# --------------------------------------------------------------------------------------
# mixtures
# --------------------------------------------------------------------------------------


def plot_mixture(
    ax=None,
    pi=None,
    mu=None,
    s=None,
    *,
    samples=None,
    index=None,
    n=None,
    seed=0,
    components=True,
    bins=120,
    xlim=None,
    num=801,
):
    r"""Plot a mixture density with its weighted components and a histogram of samples.

    Draws :math:`p(x) = \sum_k \pi_k f(x; \mu_k, s_k)` (:func:`molviz.mixture.mixture_pdf`) and
    each weighted component :math:`\pi_k f(x; \mu_k, s_k)`, k = 0 … K-1 (dashed, colour k).
    Samples are either given (``samples``, with ``index`` = component of each sample to stack
    the histogram by component) or drawn here (``n`` samples with :func:`sample_mixture`,
    stacked by component).

    Args:
        ax: axes (new figure if None).
        pi, mu, s: weights π, locations μ, scales s, each of shape (K,).
        samples: optional array of samples to histogram.
        index: optional int array (same size as samples): component index k of each sample.
        n: if given (and samples is None), draw n samples from the mixture with ``seed``.
        seed: seed for the drawn samples.
        components: draw the weighted components.
        bins: number of histogram bins on the plotting range.
        xlim: plotting range, default [min(μ - 6s), max(μ + 6s)].
        num: grid points of the curves.

    Returns:
        dict: ``"ax"``, ``"mixture"`` (Line2D), ``"components"`` (list of Line2D), ``"hist"``
        (list of StepPatch, empty without samples), ``"heights"`` and ``"edges"`` of the
        histogram (None without samples), ``"samples"``, ``"index"``.

    Raises:
        ValueError: on invalid parameters, or index given without samples.

    See the book chapter ``book/mixtures.md``.
    """
    pi, mu, s, K = mixture_params(pi, mu, s)
    ax = get_axes(ax)
    x = _grid(xlim or default_xlim(mu, s), num)
    xlim = (x[0], x[-1])
    if index is not None and samples is None:
        raise ValueError("index (component of each sample) needs samples, got samples=None")
    if samples is None and n is not None:
        samples, index = sample_mixture(pi, mu, s, n, seed)
    out = {"ax": ax, "hist": [], "heights": None, "edges": None}
    if samples is not None:
        h = plot_histogram(
            ax, samples, bins, xlim, groups=index, num_groups=K if index is not None else None
        )
        out.update(hist=h["hist"], heights=h["heights"], edges=h["edges"])
        if index is not None:  # one legend entry for the stack
            for k, patch in enumerate(h["hist"]):
                patch.set_label("samples, stacked by component" if k == 0 else "_nolegend_")
    comps = _weighted_components(
        ax if components else None,
        x,
        (pi, mu, s),
        logistic.logistic_pdf,
        lambda k, i: f"π{i} f{i}(x): π{i} = {pi[k]:.2f}, μ{i} = {mu[k]:.3g}, s{i} = {s[k]:.3g}",
    )
    (mix,) = ax.plot(
        x, mixture.mixture_pdf(x, pi, mu, s), color=DENSITY_COLOR, lw=2.2, label="mixture p(x)"
    )
    ax.set_xlim(*xlim)
    ax.set_ylim(0, None)
    ax.set_xlabel("x")
    ax.set_ylabel("density")
    ax.set_title(f"Mixture of K = {K} logistics")
    _grouped_legend(
        ax,
        [
            (out["hist"], "samples, stacked by component" if index is not None else "samples"),
            (comps, r"weighted components $\pi_k f(x;\mu_k,s_k)$"),
            ([mix], "mixture p(x)"),
        ],
        loc="upper right",
    )
    out.update(mixture=mix, components=comps, samples=samples, index=index)
    return out


def _grouped_legend(ax, entries, **kw):
    """A legend with one row per group of artists: the K per-component artists of a group (in
    their K colours) share one handle, so the key stays three rows long for any K and covers
    less of the data. ``entries``: (list of artists, label); empty lists are skipped."""
    entries = [(arts, label) for arts, label in entries if len(arts)]
    most = max(len(arts) for arts, _ in entries)
    return ax.legend(
        [tuple(arts) if len(arts) > 1 else arts[0] for arts, _ in entries],
        [label for _, label in entries],
        handler_map={tuple: HandlerTuple(ndivide=None, pad=0.0)},
        handlelength=max(2.0, 0.9 * most),
        **kw,
    )


def plot_mixture_cdf(ax=None, pi=None, mu=None, s=None, *, components=True, xlim=None, num=801):
    r"""Plot the mixture CDF F(x) = Σ_k π_k σ((x - μ_k)/s_k) and the weighted component CDFs.

    Each dashed curve :math:`\pi_k \sigma((x - \mu_k)/s_k)`, k = 0 … K-1, rises from 0 to
    :math:`\pi_k`; they add up to F (:func:`molviz.mixture.mixture_cdf`).

    Args:
        ax: axes (new figure if None).
        pi, mu, s: weights, locations, scales, shape (K,).
        components: draw the weighted component CDFs.
        xlim: plotting range, default [min(μ - 6s), max(μ + 6s)].
        num: grid points.

    Returns:
        dict: ``"ax"``, ``"cdf"`` (Line2D), ``"components"`` (list of Line2D).

    See the book chapter ``book/mixtures.md``.
    """
    pi, mu, s, K = mixture_params(pi, mu, s)
    ax = get_axes(ax)
    x = _grid(xlim or default_xlim(mu, s), num)
    comps = _weighted_components(
        ax if components else None,
        x,
        (pi, mu, s),
        logistic.logistic_cdf,
        lambda k, i: f"π{i} σ((x-μ{i})/s{i})",
    )
    (cdf,) = ax.plot(
        x, mixture.mixture_cdf(x, pi, mu, s), color=DENSITY_COLOR, lw=2.2, label="mixture CDF F(x)"
    )
    ax.set_xlim(x[0], x[-1])
    ax.set_ylim(-0.02, 1.02)
    ax.set_xlabel("x")
    ax.set_ylabel("F(x) = P(X ≤ x)")
    ax.set_title(f"CDF of a mixture of K = {K} logistics")
    _grouped_legend(
        ax,
        [(comps, r"$\pi_k\,\sigma((x-\mu_k)/s_k)$"), ([cdf], "mixture CDF F(x)")],
        loc="upper left",
    )
    return {"ax": ax, "cdf": cdf, "components": comps}


def _weighted_components(ax, x, params, fn, label):
    """Dashed curves π_k fn(x; μ_k, s_k) in colour k (none if ax is None); label(k, "ₖ")."""
    if ax is None:
        return []
    return [
        ax.plot(
            x,
            p * fn(x, m, sc),
            "--",
            color=component_color(k),
            lw=1.4,
            label=label(k, subscript(k)),
        )[0]
        for k, (p, m, sc) in enumerate(zip(*params, strict=True))
    ]


def plot_softmax_weights(ax=None, logits=None, *, temperature=1.0, annotate=True):
    r"""Bar chart of the mixture weights π = softmax(logits / τ), one colour per component.

    :math:`\pi_k = e^{a_k/\tau} / \sum_j e^{a_j/\tau}`, computed with
    :func:`molviz.mixture.softmax`. The tick labels show each component k = 0 … K-1 and its
    logit :math:`a_k`; the bars are annotated with :math:`\pi_k`.

    Args:
        ax: axes (new figure if None).
        logits: logits a, shape (K,) (−inf allowed: weight 0).
        temperature: τ > 0 (1 = the model's own weights).
        annotate: write π_k above each bar.

    Returns:
        dict: ``"ax"``, ``"bars"`` (BarContainer), ``"pi"`` (the plotted weights, (K,)).

    See the book chapter ``book/mixtures.md``.
    """
    if logits is None:
        raise ValueError("logits must be given (array of shape (K,))")
    logits = logits_1d(logits)
    tau = check_temperature(temperature)
    K = logits.shape[0]
    pi = mixture.softmax(logits / tau)
    ax = get_axes(ax, figsize=(max(3.5, 0.8 * K + 1.5), 3.2))
    bars = ax.bar(np.arange(K), pi, color=[component_color(k) for k in range(K)], alpha=0.85)
    if annotate:
        for k in range(K):
            ax.annotate(
                f"{pi[k]:.3f}",
                (k, pi[k]),
                xytext=(0, 3),
                textcoords="offset points",
                ha="center",
                va="bottom",
                fontsize=SMALL_FONTSIZE,
            )
    # "k" over "(a_k)": compact enough for bars 0.5 in apart
    ax.set_xticks(np.arange(K), [f"{k}\n({logits[k]:.3g})" for k in range(K)])
    ax.set_ylim(0, min(1.0, float(pi.max())) * 1.18)
    ax.set_xlabel(r"component $k$ (logit $a_k$)")
    ax.set_ylabel(r"weight $\pi_k$")
    tau_txt = "" if tau == 1.0 else rf"/\tau)_k$, $\tau$ = {tau:g}"
    ax.set_title(
        r"Weights $\pi_k = \mathrm{softmax}(a" + (tau_txt or ")_k$"),
    )
    return {"ax": ax, "bars": bars, "pi": pi}


def plot_clamped_mixture(
    ax=None,
    pi=None,
    mu=None,
    s=None,
    *,
    samples=None,
    n=None,
    seed=0,
    bins=100,
    lo=-1.0,
    hi=1.0,
):
    """Plot the law of clamp(X, lo, hi) for a mixture X: density inside, point masses at the ends.

    Clamping (as the vocoder does with ``torch.clamp(x, -1, 1)``) moves all mass outside
    [lo, hi] onto the two end points: P(x = lo) = F(lo) (:func:`molviz.mixture.mixture_cdf`)
    and P(x = hi) = 1 - F(hi) (:func:`molviz.mixture.mixture_sf`). Inside, the density is
    unchanged.
    Samples (given, or n drawn with :func:`sample_mixture` and clamped here) are shown as a
    histogram of the values strictly inside (normalised by all n) and as the observed
    fractions exactly at lo and hi, on a second y-axis for probability mass.

    Args:
        ax: axes (new figure if None).
        pi, mu, s: mixture parameters, shape (K,).
        samples: optional clamped samples (values in [lo, hi]).
        n, seed: draw n samples (if samples is None).
        bins: histogram bins on [lo, hi].
        lo, hi: clamp interval, lo < hi.

    Returns:
        dict: ``"ax"``, ``"ax_mass"`` (twin axes), ``"density"`` (Line2D), ``"hist"`` (list
        of StepPatch), ``"mass_expected"`` ((2,) array), ``"mass_expected_artist"``
        (LineCollection), ``"mass_observed"`` ((2,) array or None).

    See the book chapter ``book/vocoder_sampler.md``.
    """
    pi, mu, s, _ = mixture_params(pi, mu, s)
    lo, hi = check_xlim((lo, hi))
    ax = get_axes(ax)
    if samples is None and n is not None:
        samples = np.clip(sample_mixture(pi, mu, s, n, seed)[0], lo, hi)
    x = np.linspace(lo, hi, 801)
    (dens,) = ax.plot(
        x,
        mixture.mixture_pdf(x, pi, mu, s),
        color=DENSITY_COLOR,
        lw=2,
        label="density inside (unchanged)",
    )
    expected = np.array([mixture.mixture_cdf(lo, pi, mu, s), mixture.mixture_sf(hi, pi, mu, s)])
    ax_mass = ax.twinx()
    mass_line = ax_mass.vlines(
        [lo, hi], 0, expected, color=CLIP_COLOR, lw=3, label="point mass P(x = end)"
    )
    observed = None
    hist = []
    if samples is not None:
        xs = np.asarray(samples, dtype=np.float64).ravel()
        if xs.size == 0 or xs.min() < lo or xs.max() > hi:
            raise ValueError(f"samples must be non-empty and lie in [lo, hi] = [{lo}, {hi}]")
        inside = xs[(xs > lo) & (xs < hi)]
        heights, edges = histogram(inside, bins, (lo, hi), density=False)
        heights /= xs.size * (hi - lo) / bins
        hist = [
            ax.stairs(
                heights,
                edges,
                fill=True,
                color=SAMPLE_COLOR,
                alpha=0.8,
                label=f"samples inside ({xs.size:,} drawn)",
            )
        ]
        observed = np.array([np.mean(xs == lo), np.mean(xs == hi)])
        ax_mass.plot(
            [lo, hi],
            observed,
            "o",
            color=CLIP_COLOR,
            mfc="white",
            ms=7,
            label="observed fraction at the end",
        )
    ax.set_xlim(lo - 0.05 * (hi - lo), hi + 0.05 * (hi - lo))
    ax.set_ylim(0, None)
    ax_mass.set_ylim(0, max(float(expected.max()), 1e-3) * 1.3)
    ax.set_xlabel("x after clamping")
    ax.set_ylabel("density inside (lo, hi)")
    ax_mass.set_ylabel("point mass", color=CLIP_COLOR)
    ax_mass.grid(False)
    ax_mass.spines["right"].set_visible(True)
    ax.set_title(
        f"clamp(X, {lo:g}, {hi:g}): mass {expected[0]:.3g} at {lo:g}, {expected[1]:.3g} at {hi:g}"
    )
    handles = ax.get_legend_handles_labels()
    handles2 = ax_mass.get_legend_handles_labels()
    ax.legend(handles[0] + handles2[0], handles[1] + handles2[1], loc="upper center")
    return {
        "ax": ax,
        "ax_mass": ax_mass,
        "density": dens,
        "hist": hist,
        "mass_expected": expected,
        "mass_expected_artist": mass_line,
        "mass_observed": observed,
    }


# --------------------------------------------------------------------------------------
# choosing a component: Gumbel-max
# --------------------------------------------------------------------------------------


def plot_gumbel_convergence(
    ax=None, logits=None, *, n_max=100_000, seed=0, eps=1e-5, num_points=60, band=True
):
    r"""Empirical component frequencies of the Gumbel-max trick converging to softmax(logits).

    Draws n_max component choices :math:`k = \operatorname{argmax}_j (a_j + g_j)` with
    :func:`molviz.sampling.gumbel_max` (:math:`g_j` Gumbel noise from uniforms clipped to
    (ε, 1-ε)) and plots, for n on a log grid, the fraction of the first n choices equal to
    each k = 0 … K-1, against π = softmax(a) (dashed). The shaded band is
    :math:`\pi_k \pm 2\sqrt{\pi_k (1 - \pi_k) / n}`, two binomial standard errors: the
    frequencies shrink onto π at rate :math:`1/\sqrt{n}`.

    Args:
        ax: axes (new figure if None).
        logits: logits a, shape (K,).
        n_max: total number of draws, 10 <= n_max <= 10^7.
        seed: generator seed.
        eps: uniform clipping ε in (0, 0.5).
        num_points: number of n values on the log grid (>= 2).
        band: draw the ±2 standard-error band.

    Returns:
        dict: ``"ax"``, ``"freq"`` and ``"target"`` (lists of Line2D, one per component),
        ``"band"`` (list of PolyCollection), ``"n"`` (grid), ``"index"`` (the n_max choices).

    See the book chapter ``book/gumbel_max.md``.
    """
    if logits is None:
        raise ValueError("logits must be given (array of shape (K,))")
    logits = logits_1d(logits)
    K = logits.shape[0]
    n_max = check_int("n_max", n_max, 10, MAX_SAMPLES)
    num_points = check_int("num_points", num_points, 2)
    gen = make_generator(seed)
    lt = torch.as_tensor(logits, dtype=torch.float32).expand(n_max, K)  # (n_max, K)
    index = sampling.gumbel_max(lt, eps=eps, generator=gen).numpy()  # (n_max,)
    pi = mixture.softmax(logits)
    ns = np.unique(np.round(np.logspace(0, math.log10(n_max), num_points)).astype(np.int64))
    ax = get_axes(ax)
    freq, target, bands = [], [], []
    for k in range(K):
        counts = np.cumsum(index == k)[ns - 1]  # (len(ns),)
        c = component_color(k)
        if band:
            se = np.sqrt(pi[k] * (1 - pi[k]) / ns)
            bands.append(
                ax.fill_between(ns, pi[k] - 2 * se, pi[k] + 2 * se, color=c, alpha=0.12, lw=0)
            )
        (f,) = ax.plot(ns, counts / ns, color=c, lw=1.6, label=f"k = {k}: fraction chosen")
        (t,) = ax.plot(
            [ns[0], ns[-1]],
            [pi[k], pi[k]],
            "--",
            color=c,
            lw=1.2,
            label=f"softmax π{subscript(k)} = {pi[k]:.3f}",
        )
        freq.append(f)
        target.append(t)
    ax.set_xscale("log")
    ax.set_xlim(ns[0], ns[-1])
    ax.set_ylim(-0.02, 1.02)
    ax.set_xlabel("number of draws n")
    ax.set_ylabel("fraction of draws choosing k")
    ax.set_title(
        "Gumbel-max choices converge to softmax(a)" + (" (bands: ±2 s.e.)" if band else "")
    )
    # one key entry per component (solid and dashed together): compact, above the bands
    ax.legend(
        [(f, tg) for f, tg in zip(freq, target, strict=True)],
        [f"k = {k}: π{subscript(k)} = {pi[k]:.3f}" for k in range(K)],
        handler_map={tuple: HandlerTuple(ndivide=None, pad=0.3)},
        handlelength=3.0,
        loc="upper right",
        ncols=2 if K > 3 else 1,
        title="solid: fraction chosen, dashed: softmax",
        title_fontsize=SMALL_FONTSIZE,
    )
    return {"ax": ax, "freq": freq, "target": target, "band": bands, "n": ns, "index": index}


def plot_gumbel_pdf(ax=None, *, eps=1e-5, logy=True, xlim=(-4.0, 14.0), num=801):
    r"""Standard Gumbel density with the bounds that uniform clipping to (ε, 1-ε) imposes.

    :math:`g = -\log(-\log u)` with u ∈ (ε, 1-ε) lies in (lo, hi) =
    :func:`molviz.sampling.gumbel_bounds` (≈ (-2.44, 11.51) for ε = 1e-5); each clipped tail has
    probability ε. Density :math:`e^{-(g + e^{-g})}` from ``scipy.stats.gumbel_r``. The gap
    hi - lo ≈ 13.96 is the largest logit difference that Gumbel noise can overturn. The two
    bounds are written vertically along their lines, inside the shaded regions (where no
    sample falls), and the legend sits below the axes, so neither covers the density or a
    histogram drawn on the same axes.

    Args:
        ax: axes (new figure if None).
        eps: clipping ε in (0, 0.5).
        logy: log-scale y axis (the upper bound sits where the density is ~ε).
        xlim: plotting range.
        num: grid points.

    Returns:
        dict: ``"ax"``, ``"pdf"`` (Line2D), ``"bounds"`` (two Line2D), ``"bound_labels"``
        (two Annotation), ``"clip"`` (two Rectangle patches), ``"lo"``, ``"hi"``.

    See the book chapter ``book/gumbel_max.md``.
    """
    eps = check_eps(eps)
    lo, hi = (float(v) for v in sampling.gumbel_bounds(eps))
    ax = get_axes(ax)
    g = _grid(xlim, num)
    xlim = (g[0], g[-1])
    y = stats.gumbel_r.pdf(g)
    (pdf,) = ax.plot(g, y, color=component_color(0), label="Gumbel(0, 1) density")
    never = f"never drawn (mass ε = {eps:g} per side)"
    clip = [clip_span(ax, xlim[0], lo, label=never), clip_span(ax, hi, xlim[1])]
    bounds = [ax.axvline(v, color=CLIP_COLOR, lw=1.2, ls="--") for v in (lo, hi)]
    trans = ax.get_xaxis_transform()
    labels = [
        ax.annotate(
            f"{v:.2f}".replace("-", "−"),
            (v, 0.97),
            xycoords=trans,
            xytext=(-3 if side == "right" else 3, 0),
            textcoords="offset points",
            rotation=90,
            ha=side,
            va="top",
            color=CLIP_COLOR,
            fontsize=SMALL_FONTSIZE,
        )
        for v, side in ((lo, "right"), (hi, "left"))
    ]
    if logy:
        ax.set_yscale("log")
        ax.set_ylim(max(float(y[y > 0].min()), 1e-12), 1.0)
    else:
        ax.set_ylim(0, None)
    ax.set_xlim(*xlim)
    ax.set_xlabel("Gumbel noise g = -log(-log u)")
    ax.set_ylabel("density" + (" (log scale)" if logy else ""))
    ax.set_title(f"u ∈ ({eps:g}, 1 - {eps:g}) bounds g to ({lo:.2f}, {hi:.2f}): gap {hi - lo:.2f}")
    _legend_below(ax, ncols=2)
    return {
        "ax": ax,
        "pdf": pdf,
        "bounds": bounds,
        "bound_labels": labels,
        "clip": clip,
        "lo": lo,
        "hi": hi,
    }


def _legend_below(ax, ncols=2, **kw):
    """The legend of ``ax`` centred below it, under the x label (inside it would cover data).

    Constrained layout (the book style) makes room for it.
    """
    below = offset_copy(ax.transAxes, fig=ax.figure, y=-36, units="points")
    return ax.legend(
        loc="upper center", bbox_to_anchor=(0.5, 0.0), bbox_transform=below, ncols=ncols, **kw
    )


# --------------------------------------------------------------------------------------
# sampling within a component: inversion
# --------------------------------------------------------------------------------------


def plot_inversion(
    ax=None,
    mu=0.0,
    s=1.0,
    *,
    u=(0.05, 0.25, 0.5, 0.8, 0.97),
    eps=1e-5,
    yscale="linear",
    xlim=None,
    num=1601,
):
    r"""Inversion sampling drawn as a mapping: u on the y-axis, through the CDF, down to x.

    :math:`x = F^{-1}(u) = \mu + s \operatorname{logit}(u)` (:func:`molviz.logistic.logistic_ppf`)
    for each given u. The regions that the sampler's clip u ∈ (ε, 1-ε) excludes are shaded:
    u < ε and u > 1-ε on the y-axis, and :math:`|x - \mu| > s \log((1-\varepsilon)/\varepsilon)`
    (:func:`molviz.sampling.truncation_bound`, ≈ 11.51 s) on the x-axis. With
    ``yscale="logit"`` the CDF becomes a straight line and the ε bands are visible; on the
    linear scale they are thinner than a pixel (for ε < 0.002). The legend, below the axes
    (inside it would cover arrows), lists the bands that show.

    Args:
        ax: axes (new figure if None).
        mu, s: location μ and scale s > 0.
        u: uniform values to trace, each in (0, 1).
        eps: clipping ε in (0, 0.5).
        yscale: "linear" or "logit".
        xlim: plotting range, default μ ± 14 s (shows the truncation at ±11.51 s).
        num: grid points.

    Returns:
        dict: ``"ax"``, ``"cdf"`` (Line2D), ``"arrows"`` (list of Annotation, two per u),
        ``"labels"`` (the text "u = … → x = …" on each horizontal arrow), ``"clip"`` (list of
        Rectangle: two horizontal bands, two vertical), ``"x"`` (the mapped
        :math:`F^{-1}(u)`, array), ``"bound"`` (:math:`s \log((1-\varepsilon)/\varepsilon)`).

    See the book chapter ``book/inversion.md``.
    """
    mu, s = scalar_params(mu, s)
    eps = check_eps(eps)
    if yscale not in ("linear", "logit"):
        raise ValueError(f'yscale must be "linear" or "logit", got {yscale!r}')
    uu = as_float_array("u", u).ravel()
    if uu.size == 0 or not (np.all(uu > 0) and np.all(uu < 1)):
        raise ValueError(f"u must be non-empty with values in the open interval (0, 1), got {u!r}")
    bound = s * float(sampling.truncation_bound(eps))
    if ax is None:  # constrained layout makes room for the legend below the axes
        _, ax = plt.subplots(figsize=(7.0, 4.4), layout="constrained")
    ax = get_axes(ax)
    x = _grid(xlim or (mu - 14 * s, mu + 14 * s), num)
    xlim = (x[0], x[-1])
    ymin, ymax = (0.0, 1.0) if yscale == "linear" else (eps / 100, 1 - eps / 100)
    F = logistic.logistic_cdf(x, mu, s)
    if yscale == "logit":
        F = np.clip(F, ymin, ymax)
    (cdf,) = ax.plot(x, F, color=DENSITY_COLOR, lw=2, label=f"CDF F(x), {fmt_params(mu, s)}")
    # legend entries only for bands that show: on a linear u axis a band of height ε < 0.002 is
    # thinner than a pixel, and the x bands may lie outside the view
    u_out = f"u outside ({eps:g}, 1 - {eps:g})" if yscale == "logit" or eps >= 2e-3 else None
    x_shown = mu - bound > xlim[0] or mu + bound < xlim[1]
    x_out = f"|x - μ| > {bound / s:.2f} s: never drawn" if x_shown else None
    clip = [
        clip_span(ax, ymin, eps, alpha=0.15, label=u_out, axis="y"),
        clip_span(ax, 1 - eps, ymax, alpha=0.15, axis="y"),
        clip_span(ax, xlim[0], mu - bound, alpha=0.07, label=x_out),
        clip_span(ax, mu + bound, xlim[1], alpha=0.07),
    ]
    xs = logistic.logistic_ppf(uu, mu, s)
    arrows, labels = [], []
    for i, (ui, xi) in enumerate(zip(uu, xs, strict=True)):
        style = {"arrowstyle": "->", "color": component_color(1 + i % 9), "lw": 1.3}
        for start, end in (((xlim[0], ui), (xi, ui)), ((xi, ui), (xi, ymin))):
            arrows.append(ax.annotate("", xy=end, xytext=start, arrowprops=style))
        labels.append(  # written on the arrow, not in the legend
            _ArrowLabel(
                f"u = {ui:.3g} → x = {xi:.3g}",
                (xlim[0], ui),
                (xi, ui),
                color=style["color"],
                fontsize=SMALL_FONTSIZE,
            )
        )
        ax.add_artist(labels[-1])
    ax.set_yscale(yscale)
    ax.set_xlim(*xlim)
    ax.set_ylim(ymin, ymax)
    ax.set_xlabel("x = F⁻¹(u) = μ + s·logit(u)")
    ax.set_ylabel("u ~ U(ε, 1 - ε)" + (" (logit scale)" if yscale == "logit" else ""))
    ax.set_title("Inversion sampling: u → x through the CDF")
    # below the axes (under the x label): inside, the legend would cover some of the arrows
    _legend_below(ax, ncols=2)
    out = {"ax": ax, "cdf": cdf, "arrows": arrows, "labels": labels, "clip": clip}
    return {**out, "x": xs, "bound": bound}


class _ArrowLabel(Annotation):
    """The label "u = … → x = …" of one horizontal arrow of :func:`plot_inversion`.

    Written above the arrow, from its start, in one line when it fits there, else in two lines
    ("u = …" over "→ x = …"); if neither fits (a very short arrow), below the arrow's level just
    right of the point where the arrow meets the CDF (a region the rising CDF never enters), on
    a light ground. The choice is made at every draw, when the final size of the axes is known,
    so the label never runs into the curve.
    """

    def __init__(self, text, start, hit, **kw):
        super().__init__(text, start, xytext=(3, 2), textcoords="offset points", **kw)
        self._start, self._hit, self._one_line = start, hit, text

    def place(self, renderer):
        """Choose the label's place for the current axes; returns "line", "lines" or "tip"."""
        x0, x1 = self.axes.transData.transform([self._start, self._hit])[:, 0]
        room = x1 - x0 - renderer.points_to_pixels(8)
        self.xy, self.xyann = self._start, (3, 2)
        self.set_verticalalignment("bottom")
        self.set_bbox(None)
        for where, text in (
            ("line", self._one_line),
            ("lines", self._one_line.replace(" →", "\n→")),
        ):
            self.set_text(text)
            if self.get_window_extent(renderer).width <= room:
                return where
        self.set_text(self._one_line)
        self.xy, self.xyann = self._hit, (5, -3)
        self.set_verticalalignment("top")
        self.set_bbox({"facecolor": "white", "alpha": 0.8, "edgecolor": "none", "pad": 1})
        return "tip"

    def draw(self, renderer):
        if self.get_visible() and self.axes is not None:
            self.place(renderer)
        super().draw(renderer)


# --------------------------------------------------------------------------------------
# the vocoder's output tensor
# --------------------------------------------------------------------------------------

#: fill colours of the three channel blocks [logits | means | log_scales] of (B, 3K, T).
BLOCK_COLORS = ("#c6dbef", "#fdd0a2", "#c7e9c0")
BLOCK_NAMES = ("logit_probs", "means", "log_scales")


def plot_channel_layout(ax=None, K=3, T=8, *, B=None, t=None):
    """Diagram of a vocoder output y of shape (B, 3K, T) and its three channel blocks.

    Rows are channels c = 0 … 3K-1, columns time steps. Channels 0:K hold the mixture logits
    :math:`a_k`, K:2K the means :math:`\\mu_k`, 2K:3K the log-scales :math:`\\log s_k`
    (:func:`molviz.vocoder.unpack_mol_params` slices them this way and moves time before
    components: three (B, T, K) tensors). Column ``t`` is outlined and its cells are named
    (:math:`a_0, \\ldots, \\log s_{K-1}`, for K <= 10): one time step carries all 3K numbers of
    one mixture. With ``B`` > 1, further batch items are drawn as sheets behind. A new figure
    is at most ``MAX_FIGURE_WIDTH`` inches wide, with cells large enough for their names.

    Args:
        ax: axes (new figure if None).
        K: number of mixture components, 1 <= K <= 16.
        T: number of time steps shown, 1 <= T <= 64.
        B: batch size (only annotates and draws sheets), >= 1, or None.
        t: time step to outline, in [0, T), default T // 2 (None).

    Returns:
        dict: ``"ax"``, ``"mesh"`` (QuadMesh with block id 0/1/2 per cell), ``"cell_labels"``
        (list of Text, the names in the outlined column), ``"block_labels"`` (three Text),
        ``"highlight"`` (Rectangle), ``"sheets"`` (list of Rectangle).

    Raises:
        ValueError: K, T, B or t out of range.
        TypeError: K, T, B or t not an integer.

    See the book chapter ``book/vocoder_sampler.md``.
    """
    K = check_int("K", K, 1, 16)
    T = check_int("T", T, 1, 64)
    B = None if B is None else check_int("B", B, 1)
    t = T // 2 if t is None else check_int("t", t, 0, T - 1)
    C = 3 * K
    n_sheets = min(B or 1, 3) - 1
    if ax is None:
        # cells ~0.6 in wide and >= 0.32 in tall hold an 11 pt name; 2.9 in for the axis label
        # on the left and the block labels on the right
        row_h = max(0.32, 0.62 / K)
        grid_w = min(0.62 * T, MAX_FIGURE_WIDTH - 2.9)
        _, ax = plt.subplots(figsize=(grid_w + 2.9, min(1.4 + row_h * C, 8.0)))
    ax = get_axes(ax)
    block = np.repeat(np.arange(3), K)[:, None] * np.ones((1, T))  # (3K, T)
    sheets = []
    for b in range(n_sheets, 0, -1):
        off = 0.18 * b
        sheets.append(
            ax.add_patch(
                Rectangle(
                    (off, -off), T, C, facecolor="#f0f0f0", edgecolor="#999999", lw=0.8, zorder=0
                )
            )
        )
    mesh = ax.pcolormesh(
        np.arange(T + 1),
        np.arange(C + 1),
        block,
        cmap=ListedColormap(BLOCK_COLORS),
        vmin=-0.5,
        vmax=2.5,
        edgecolors="white",
        linewidth=0.8,
        zorder=1,
    )
    for b in (1, 2):
        ax.axhline(b * K, color="#444444", lw=1.5, zorder=2)
    highlight = ax.add_patch(
        Rectangle((t, 0), 1, C, fill=False, edgecolor="black", lw=2.2, zorder=3)
    )
    symbols = ("$a_{%d}$", "$\\mu_{%d}$", "$\\log s_{%d}$")
    cell_labels = []
    if K <= 10:
        fs = SMALL_FONTSIZE + 1 if C <= 18 else SMALL_FONTSIZE
        cell_labels = [
            ax.text(
                t + 0.5,
                c + 0.5,
                symbols[c // K] % (c % K),
                ha="center",
                va="center",
                fontsize=fs,
                zorder=4,
            )
            for c in range(C)
        ]
    labels = []
    trans = ax.get_yaxis_transform()
    what = ("logits $a_k$", "$\\mu_k$", "$\\log s_k$")
    for i, name in enumerate(BLOCK_NAMES):
        sym = ("0:K", "K:2K", "2K:3K")[i]
        labels.append(
            ax.text(
                1.03,
                (i + 0.5) * K,
                f"{name}: {what[i]}\n"
                f"channels {sym} = {i * K}:{(i + 1) * K}\n"
                f"→ (B, T, K) = ({'B' if B is None else B}, {T}, {K})",
                transform=trans,
                va="center",
                ha="left",
                fontsize=SMALL_FONTSIZE + 0.5,
                linespacing=1.25,
                bbox={"facecolor": BLOCK_COLORS[i], "edgecolor": "none", "pad": 3},
            )
        )
    ax.set_xlim(-0.2, T + (0.2 + 0.18 * n_sheets))
    ax.set_ylim(C + 0.2, -0.2 - 0.18 * n_sheets)
    step = max(1, T // 16)
    ax.set_xticks(np.arange(0, T, step) + 0.5, [str(i) for i in range(0, T, step)])
    cstep = 1 if C <= 30 else 3
    ax.set_yticks(np.arange(0, C, cstep) + 0.5, [str(c) for c in range(0, C, cstep)])
    ax.tick_params(length=0)
    ax.grid(False)
    for side in ("top", "right", "left", "bottom"):
        ax.spines[side].set_visible(False)
    ax.set_xlabel(f"time step (T = {T}); outlined: t = {t}")
    ax.set_ylabel("channel c")
    bshape = "B" if B is None else str(B)
    ax.set_title(f"y of shape (B, 3K, T) = ({bshape}, {C}, {T}), K = {K}")
    return {
        "ax": ax,
        "mesh": mesh,
        "cell_labels": cell_labels,
        "block_labels": labels,
        "highlight": highlight,
        "sheets": sheets,
    }


# --------------------------------------------------------------------------------------
# training: discretized likelihood and fits
# --------------------------------------------------------------------------------------


def plot_discretized_bins(
    ax=None,
    pi=None,
    mu=None,
    s=None,
    num_classes=256,
    *,
    xlim=None,
    density=True,
    pdf=True,
    highlight_edges=True,
    threshold=None,
    logy=False,
):
    """Bin probabilities of a mixture of logistics on the vocoder's N-class grid.

    :math:`P_j` from :func:`molviz.mixture.discretized_mixture_probs`: bin j is centred at
    :math:`c_j = -1 + 2j/(N-1)` with width :math:`2/(N-1)`; the first and last bins absorb the
    tails :math:`(-\\infty, -1 + 1/(N-1)]` and :math:`[1 - 1/(N-1), \\infty)` and are drawn in
    red (with an outline, so that even a bin narrower than a pixel shows). With
    ``density=True`` the bars show :math:`P_j / \\text{width}` (comparable across N and with the
    density p(x), drawn if ``pdf``); otherwise the masses :math:`P_j` themselves.

    On a linear axis the y range fits the interior bins and p(x); an edge bin that reaches
    above it is cut at the top and labelled with its mass (at N = 65536 an edge bin is
    3·10⁻⁵ wide and its :math:`P / \\text{width}` runs to thousands). When at most 200 bins are
    in view, thin white lines separate them; more than 2000 visible density bins are drawn
    merged in equal groups at their mean density (a panel cannot show more).

    Args:
        ax: axes (new figure if None).
        pi, mu, s: mixture parameters, shape (K,).
        num_classes: N >= 2 (256 = 8 bit, 65536 = 16 bit).
        xlim: plotting range, default [-1 - m, 1 + m] with m = max(2 width, 0.04); only bins
            inside are drawn.
        density: plot :math:`P_j / \\text{width}` instead of :math:`P_j`.
        pdf: overlay p(x) (times the width if ``density`` is False).
        highlight_edges: draw the two edge bins in the clip colour.
        threshold: optional t in (0, 1): shade :math:`|x| > t` (the vocoder's loss treats
            targets with x > 0.999 or x < -0.999 as edge bins) and count the bins beyond.
        logy: log-scale y axis.

    Returns:
        dict: ``"ax"``, ``"bins"`` (StepPatch of the drawn interior bins), ``"edge_bins"`` (list
        of StepPatch, empty if not highlighted or out of view), ``"pdf"`` (Line2D or None),
        ``"separators"`` (LineCollection or None), ``"probs"`` ((N,) masses), ``"edges"``
        ((N+1,) nominal edges), ``"beyond_threshold"`` (number of bin centres > threshold, or
        None), ``"off_scale"`` (Text labels of edge bins cut at the top).

    See the book chapter ``book/training.md``.
    """
    pi, mu, s, _ = mixture_params(pi, mu, s)
    N = check_num_classes(num_classes)
    probs = mixture.discretized_mixture_probs(pi, mu, s, N)  # (N,)
    edges = bin_edges(N)  # (N + 1,)
    width = 2.0 / (N - 1)
    scale = 1.0 / width if density else 1.0
    margin = max(2 * width, 0.04)  # the edge bins stand clear of the axes' sides
    xlim = check_xlim(xlim or (-1 - margin, 1 + margin))
    ax = get_axes(ax)
    j0 = max(int(np.searchsorted(edges, xlim[0], side="right")) - 1, 0)
    j1 = min(int(np.searchsorted(edges, xlim[1], side="left")), N)  # bins j0 .. j1-1 visible
    lo_j, hi_j = (max(j0, 1), min(j1, N - 1)) if highlight_edges else (j0, j1)
    vals, vedges = probs[lo_j:hi_j] * scale, edges[lo_j : hi_j + 1]
    if density and vals.size > 2000:
        vals, vedges = coarsen_bins(probs[lo_j:hi_j], vedges)
    label = f"P(bin){' / width' if density else ''}, N = {N}"
    bars = ax.stairs(
        vals, vedges, fill=True, color=component_color(0), alpha=0.55, lw=0, label=label
    )
    separators = None
    if 2 <= vals.size <= 200:
        separators = ax.vlines([], [], [], color="white", lw=0.6)
        separators.set_segments(separator_segments(vals, vedges))
    edge_bins = []
    for j in (0, N - 1) if highlight_edges else ():
        if j0 <= j < j1:
            edge_bins.append(
                ax.stairs(
                    probs[j : j + 1] * scale,
                    edges[j : j + 2],
                    fill=True,
                    facecolor=(*to_rgb(CLIP_COLOR), 0.6),
                    edgecolor=CLIP_COLOR,
                    lw=1.0,
                    label=None if edge_bins else "edge bins (absorb the tails)",
                )
            )
    pline = None
    if pdf:
        x = np.linspace(max(xlim[0], edges[j0]), min(xlim[1], edges[j1]), 1201)
        y = mixture.mixture_pdf(x, pi, mu, s) * (1.0 if density else width)
        plabel = "p(x)" if density else "p(x) · width"
        (pline,) = ax.plot(x, y, color=DENSITY_COLOR, lw=1.5, label=plabel)
    beyond = None
    if threshold is not None:
        thr = check_threshold(threshold)
        beyond = bins_beyond(N, thr)
        for a, b in ((xlim[0], -thr), (thr, xlim[1])):
            clip_span(ax, a, b, color="#999999", alpha=0.2)
        for v in (-thr, thr):
            if xlim[0] < v < xlim[1]:
                ax.axvline(v, color="black", lw=1, ls=":")
        ax.fill_between(
            [], [], color="#999999", alpha=0.35, label=f"|x| > {thr:g}: {beyond} bin(s) each end"
        )
    off_scale = []
    if logy:
        ax.set_yscale("log")
    else:
        # the edge bins can be far taller than the rest: fit the body, label the edge bins
        body = [float(vals.max()) if vals.size else 0.0]
        if pline is not None:
            body.append(float(pline.get_ydata().max()))
        top = 1.15 * max(*body, 1e-300)
        tall = [
            j for j in (0, N - 1) if highlight_edges and j0 <= j < j1 and probs[j] * scale > top
        ]
        if tall:  # room for the labels above the body
            top *= 1.25 if density else 1.2
        ax.set_ylim(0, top)
        for j, x_in, ha in ((0, edges[1], "left"), (N - 1, edges[-2], "right")):
            if j in tall:
                # next to the bar, on the inner side, on a white ground (not over the bar,
                # the threshold line or the grey band)
                off_scale.append(
                    ax.annotate(
                        edge_bin_label(probs[j], width if density else None),
                        (x_in, 0.98),
                        xycoords=ax.get_xaxis_transform(),
                        xytext=(4 if ha == "left" else -4, 0),
                        textcoords="offset points",
                        ha=ha,
                        va="top",
                        color=CLIP_COLOR,
                        fontsize=SMALL_FONTSIZE,
                        bbox={"facecolor": "white", "alpha": 0.85, "edgecolor": "none", "pad": 1},
                    )
                )
    ax.set_xlim(*xlim)
    ax.set_xlabel("$x$ (bin centres $c_j = -1 + 2j/(N-1)$)")
    ax.set_ylabel("P(bin) / bin width" if density else "P(bin)")
    ax.set_title(f"N = {N} classes, bin width 2/(N-1) = {width:.3g}")
    ax.legend(loc="upper center")
    return {
        "ax": ax,
        "bins": bars,
        "edge_bins": edge_bins,
        "pdf": pline,
        "separators": separators,
        "probs": probs,
        "edges": edges,
        "beyond_threshold": beyond,
        "off_scale": off_scale,
    }


def plot_discretized_comparison(
    pi, mu, s, *, num_classes=(256, 65536), zoom_bins=8, threshold=0.999, fig=None
):
    r"""Bins at several resolutions, one row each: the whole grid, and the bins next to x = 1.

    Left, :func:`plot_discretized_bins` on the full range (bar heights
    :math:`P_j / \text{width}`; the edge bins, cut at the top, are labelled with their mass).
    Right, the bins next to x = 1 one by one: at least ``zoom_bins`` of them, and everything
    beyond ``threshold`` (shaded grey) with some bins before it. At 65536 classes the vocoder
    loss's ``x > 0.999`` test covers 33 bins at each end (the zoom shows them), at 256 classes
    only the edge bin. One legend for all panels sits below them.

    Args:
        pi, mu, s: mixture parameters, shape (K,).
        num_classes: sequence of N values (each >= 2), one row each.
        zoom_bins: minimum number of bins in the zoom, >= 2.
        threshold: the edge test to mark, in (0, 1) (or None).
        fig: a matplotlib Figure to draw into (new pyplot figure with constrained layout if
            None).

    Returns:
        dict: ``"fig"``, ``"axes"`` ((rows, 2) array), ``"panels"`` (list of rows
        ``[full, zoom]`` of the dicts returned by :func:`plot_discretized_bins`; the zoom's
        ``"beyond_threshold"`` is the count of bin centres beyond ``threshold``).

    See the book chapter ``book/training.md``.
    """
    Ns = [check_num_classes(n) for n in np.atleast_1d(np.asarray(num_classes, dtype=object))]
    zoom_bins = check_int("zoom_bins", zoom_bins, 2)
    thr = None if threshold is None else check_threshold(threshold)
    if fig is None:
        fig = plt.figure(figsize=(MAX_FIGURE_WIDTH, 3.0 * len(Ns) + 0.7), layout="constrained")
    axes = np.asarray(fig.subplots(len(Ns), 2, squeeze=False, width_ratios=[1.6, 1]))
    panels = []
    for row, N in enumerate(Ns):
        width = 2.0 / (N - 1)
        bits = f" ({N.bit_length() - 1} bit)" if N & (N - 1) == 0 else ""
        full = plot_discretized_bins(axes[row, 0], pi, mu, s, N)
        full["ax"].set_title(f"N = {N}{bits}: bin width {width:.3g}")
        full["ax"].set_xlabel("x")
        _, (lo, hi) = zoom_window(N, zoom_bins, thr)
        zoom = plot_discretized_bins(
            axes[row, 1], pi, mu, s, N, xlim=(lo, hi + width), threshold=thr
        )
        beyond = "" if thr is None else f"\n{zoom['beyond_threshold']} bin(s) beyond {thr:g}"
        zoom["ax"].set_title(f"next to x = 1{beyond}")
        zoom["ax"].set_xlabel("x")
        zoom["ax"].xaxis.set_major_locator(MaxNLocator(3))
        for p in (full, zoom):
            p["ax"].get_legend().remove()
        panels.append([full, zoom])
    handles, labels = axes[0, 1].get_legend_handles_labels()
    labels = [lab.split(", N =")[0].split(":")[0] for lab in labels]  # drop per-row numbers
    fig.legend(handles, labels, loc="outside lower center", ncols=min(len(handles), 2))
    return {"fig": fig, "axes": axes, "panels": panels}


def _probs_1d(name, p):
    p = as_float_array(name, p)
    if p.ndim != 1 or p.size < 2:
        raise ValueError(f"{name} must be 1-D of shape (N,) with N >= 2, got shape {p.shape}")
    if not np.all(np.isfinite(p)) or p.min() < 0:
        raise ValueError(f"{name} must be finite and >= 0 (probabilities), got min {p.min()}")
    return p


def plot_fit(
    ax=None,
    target_probs=None,
    model_probs=None,
    *,
    centers=None,
    step=None,
    loss=None,
    unit="bits per sample",
):
    """One frame of a fit: target bin probabilities (grey) against the model's (line).

    Args:
        ax: axes (new figure if None).
        target_probs: target distribution over N bins, shape (N,), non-negative.
        model_probs: model's bin probabilities, e.g.
            :func:`molviz.mixture.discretized_mixture_probs` of the current parameters, (N,).
        centers: bin centres (N,); default :func:`molviz.mixture.bin_centers` (N).
        step: optional training step for the title.
        loss: optional loss value for the title.
        unit: unit of the loss.

    Returns:
        dict: ``"ax"``, ``"target"`` (StepPatch), ``"model"`` (StepPatch).

    See the book chapter ``book/training.md``.
    """
    if target_probs is None or model_probs is None:
        raise ValueError("target_probs and model_probs must both be given (arrays of shape (N,))")
    tp = _probs_1d("target_probs", target_probs)
    mp = _probs_1d("model_probs", model_probs)
    if tp.shape != mp.shape:
        raise ValueError(
            f"model_probs must have the shape of target_probs {tp.shape}, got {mp.shape}"
        )
    N = tp.size
    if centers is None:
        edges = bin_edges(N)
    else:
        c = as_float_array("centers", centers)
        if c.shape != tp.shape or np.any(np.diff(c) <= 0):
            raise ValueError(
                f"centers must be increasing with shape {tp.shape}, got shape {c.shape}"
            )
        mid = (c[1:] + c[:-1]) / 2
        edges = np.concatenate([[c[0] - (mid[0] - c[0])], mid, [c[-1] + (c[-1] - mid[-1])]])
    ax = get_axes(ax)
    target = ax.stairs(tp, edges, fill=True, color="#bbbbbb", label="target")
    model = ax.stairs(mp, edges, color=component_color(0), lw=1.8, label="model")
    ax.set_xlim(edges[0], edges[-1])
    ax.set_ylim(0, max(float(tp.max()), float(mp.max())) * 1.12)
    ax.set_xlabel("x (bin centre)")
    ax.set_ylabel("P(bin)")
    parts = [] if step is None else [f"step {int(step)}"]
    if loss is not None:
        parts.append(f"loss {check_real_scalar('loss', loss):.4g} {unit}")
    ax.set_title(", ".join(parts) if parts else "Target and model bin probabilities")
    ax.legend(loc="upper right")
    return {"ax": ax, "target": target, "model": model}


def plot_fit_frames(
    target_probs, frames, *, centers=None, ncols=3, unit="bits per sample", fig=None
):
    """Grid of fit frames (one :func:`plot_fit` panel per recorded training step).

    Args:
        target_probs: target bin probabilities, shape (N,).
        frames: sequence of (step, model_probs) or (step, model_probs, loss) tuples.
        centers: bin centres (N,), default the [-1, 1] grid.
        ncols: panels per row, >= 1.
        unit: unit of the loss.
        fig: Figure to draw into (new pyplot figure if None).

    Returns:
        dict: ``"fig"``, ``"axes"`` (flat list of used axes), ``"panels"`` (dicts of
        :func:`plot_fit`).

    See the book chapter ``book/training.md``.
    """
    frames = list(frames)
    if not frames:
        raise ValueError("frames must contain at least one (step, model_probs[, loss]) tuple")
    ncols = check_int("ncols", ncols, 1)
    ncols = min(ncols, len(frames))
    nrows = math.ceil(len(frames) / ncols)
    if fig is None:  # at most MAX_FIGURE_WIDTH wide, so that the text stays legible
        fig = plt.figure(figsize=(min(3.4 * ncols, MAX_FIGURE_WIDTH), 2.8 * nrows))
    axes = np.asarray(fig.subplots(nrows, ncols, squeeze=False, sharex=True, sharey=True)).ravel()
    panels = []
    for ax, frame in zip(axes, frames, strict=False):
        if len(frame) not in (2, 3):
            raise ValueError(
                f"each frame must be (step, model_probs[, loss]), got {len(frame)} items"
            )
        step, mp, *rest = frame
        p = plot_fit(
            ax,
            target_probs,
            mp,
            centers=centers,
            step=step,
            loss=rest[0] if rest else None,
            unit=unit,
        )
        p["ax"].legend().set_visible(ax is axes[0])
        p["ax"].set_title(p["ax"].get_title().replace(", ", "\n"))  # narrow panels: two lines
        panels.append(p)
    top = max(
        max(p["target"].get_data().values.max(), p["model"].get_data().values.max()) for p in panels
    )
    axes[0].set_ylim(0, 1.12 * top)  # shared by all panels
    for i, ax in enumerate(axes[: len(frames)]):  # axis labels on the outer panels only
        if i % ncols:
            ax.set_ylabel("")
        if i < len(frames) - ncols:
            ax.set_xlabel("")
    for ax in axes[len(frames) :]:
        ax.set_visible(False)
    return {"fig": fig, "axes": list(axes[: len(frames)]), "panels": panels}


def plot_loss_curve(
    ax=None,
    losses=None,
    *,
    steps=None,
    unit="bits per sample",
    reference=None,
    reference_label="entropy of the target (the lowest possible loss)",
):
    """Training loss against step, optionally with a reference level (e.g. the target entropy).

    Args:
        ax: axes (new figure if None).
        losses: loss values, shape (S,), finite.
        steps: steps (S,), default 0 … S-1.
        unit: unit for the y label.
        reference: optional horizontal reference value.
        reference_label: legend text of the reference.

    Returns:
        dict: ``"ax"``, ``"loss"`` (Line2D), ``"reference"`` (Line2D or None).

    See the book chapter ``book/training.md``.
    """
    if losses is None:
        raise ValueError("losses must be given (array of shape (S,))")
    y = as_float_array("losses", losses).ravel()
    if y.size == 0 or not np.all(np.isfinite(y)):
        raise ValueError("losses must be non-empty and finite")
    x = np.arange(y.size) if steps is None else as_float_array("steps", steps).ravel()
    if x.shape != y.shape:
        raise ValueError(f"steps must have the shape of losses {y.shape}, got {x.shape}")
    ax = get_axes(ax)
    (line,) = ax.plot(x, y, color=component_color(0), label="training loss")
    ref = None
    if reference is not None:
        ref = ax.axhline(
            check_real_scalar("reference", reference),
            color=DENSITY_COLOR,
            ls="--",
            lw=1.2,
            label=reference_label,
        )
    ax.set_xlabel("step")
    ax.set_ylabel(f"loss ({unit})")
    ax.set_title("Loss during training")
    ax.legend(loc="upper right")
    return {"ax": ax, "loss": line, "reference": ref}
