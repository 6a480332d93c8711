"""Shared look and helpers of the figures: book style, colours, histogram, argument checks.

Used by ``molviz.plotting`` (static figures), ``molviz._explorer_figures`` (the figures behind
the ipywidgets explorers) and ``molviz.widgets``; the public names are re-exported by
:mod:`molviz.plotting`. The colours are matplotlib's "tab10" palette, indexed by mixture
component k = 0, 1, ..., K-1, so a component has the same colour in every static figure, in the
ipywidgets explorers and (by agreement) in the in-browser explorers.

Nothing here samples by itself: ``sample_mixture`` and ``sample_logistic_np`` only turn
numpy parameters into tensors for :func:`molviz.sampling.sample_mol` and
:func:`molviz.sampling.sample_logistic` and return numpy arrays.

The histogram helper follows ``numpy.histogram``'s equal-width binning rule exactly (bins are
half-open ``[a, b)`` except the last, which is closed) and adds two things the explorers need:
grouping by component in one pass (``numpy.bincount``) and normalisation by the *total* number
of samples, so a histogram drawn over a window estimates the density even when some samples
fall outside the window.
"""

from __future__ import annotations

import math
import numbers

import matplotlib as mpl
import matplotlib.pyplot as plt
import numpy as np
import torch
from matplotlib.axes import Axes
from matplotlib.patches import Rectangle

from molviz import mixture, sampling
from molviz._validate import (
    as_float_array,
    check_logits,
    check_mixture_shapes,
    check_positive,
    check_real_scalar,
    check_weights,
)

#: largest sample count a figure or explorer accepts.
MAX_SAMPLES = 10_000_000

#: tab10 colours; component k is drawn in ``COMPONENT_COLORS[k % 10]``.
COMPONENT_COLORS = (
    "#1f77b4",
    "#ff7f0e",
    "#2ca02c",
    "#d62728",
    "#9467bd",
    "#8c564b",
    "#e377c2",
    "#7f7f7f",
    "#bcbd22",
    "#17becf",
)
#: colour of a whole (mixture) density curve.
DENSITY_COLOR = "#222222"
#: colour of a Gaussian shown for comparison.
GAUSSIAN_COLOR = "#7f7f7f"
#: fill colour of regions that sampling with the 1e-5 clip can never reach.
CLIP_COLOR = "#d62728"
#: fill colour of histograms that are not split by component.
SAMPLE_COLOR = "#9ecae1"

#: width in inches up to which a book figure keeps its text legible: the site shows figures in a
#: text column about 670 px wide, so a figure W inches wide is scaled by 670 / (120 W) and a
#: font of f points is drawn about 9.3 f / W px high. At W <= 8 the smallest text of the book
#: style (``SMALL_FONTSIZE``, 10 pt) stays above 11 px; wider figures should stack their panels.
MAX_FIGURE_WIDTH = 8.0
#: font size (points) of annotations and small in-figure notes; nothing in a figure is smaller.
SMALL_FONTSIZE = 10.0

BOOK_RC = {
    "figure.dpi": 120,
    "savefig.dpi": "figure",
    "figure.figsize": (7.0, 3.8),
    "figure.constrained_layout.use": True,
    "font.size": 12,
    "axes.titlesize": 12.5,
    "axes.labelsize": 12,
    "legend.fontsize": 10.5,
    "xtick.labelsize": 11,
    "ytick.labelsize": 11,
    "axes.prop_cycle": mpl.cycler(color=list(COMPONENT_COLORS)),
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "axes.axisbelow": True,
    "grid.alpha": 0.3,
    "lines.linewidth": 1.8,
    "legend.frameon": False,
    "image.cmap": "viridis",
}


def use_book_style():
    """Set matplotlib's rcParams to the book's figure style (sizes, tab10 colours, dpi).

    Sets a 7 x 3.8 inch default figure at 120 dpi (840 px wide: sharp once the site scales it to
    its text width of about 670 px), 12 pt text with 11 pt tick labels and 10.5 pt legends,
    constrained layout, a light grid behind the data, no top/right spines, and the tab10 colour
    cycle so that component k has colour ``COMPONENT_COLORS[k]`` (the settings are ``BOOK_RC``).
    The sizes are chosen for figures at most ``MAX_FIGURE_WIDTH`` (8) inches wide, where the
    smallest text still renders at about 11 px or more in the site's column. Call it once in a
    chapter's imports cell; it returns None, so the cell shows no output.

    See the book chapter ``book/intro.md``.
    """
    mpl.rcParams.update(BOOK_RC)


def component_color(k):
    """Colour of mixture component ``k`` (tab10, cycling after 10 components).

    Args:
        k: component index, an integer >= 0.

    Returns:
        hex colour string, ``COMPONENT_COLORS[k % 10]``.

    Raises:
        ValueError: k not an integer >= 0.

    See the book chapter ``book/mixtures.md``.
    """
    if not isinstance(k, numbers.Integral) or isinstance(k, bool) or k < 0:
        raise ValueError(f"k must be an integer >= 0 (component index), got {k!r}")
    return COMPONENT_COLORS[int(k) % len(COMPONENT_COLORS)]


def histogram(samples, bins=100, range=None, *, groups=None, num_groups=None, density=True):
    """Histogram of ``samples`` on equal-width bins, optionally split into groups (components).

    Bin rule identical to ``numpy.histogram(samples, bins, range)``: bins ``[a, b)`` except the
    last, ``[a, b]``; samples outside ``range`` are not counted. With ``density=True`` the
    heights are ``count / (n * width)`` with n = ``samples.size`` (all samples, including those
    outside the range), so the bars estimate the probability density p(x) on the window; with
    ``density=False`` they are counts.

    Args:
        samples: array-like of any shape (flattened), converted to float64; must be finite.
        bins: number of equal-width bins, >= 1.
        range: (lo, hi) with lo < hi; default (min, max) of the samples.
        groups: optional integer array, same size as ``samples``, group label in
            [0, num_groups) (e.g. the component index k each sample came from).
        num_groups: number of groups G; default ``groups.max() + 1``.
        density: normalise to a density (see above) instead of counts.

    Returns:
        (heights, edges): heights (bins,) without groups, (G, bins) with groups (rows sum to the
        ungrouped histogram); edges (bins + 1,).

    Raises:
        ValueError: empty or non-finite samples, bins < 1, lo >= hi, groups of the wrong size
            or out of range.

    See the book chapter ``book/mixtures.md``.
    """
    x = np.asarray(samples, dtype=np.float64).ravel()
    if x.size == 0:
        raise ValueError("samples must be non-empty, got size 0")
    if not np.all(np.isfinite(x)):
        raise ValueError(f"samples must be finite, got {np.count_nonzero(~np.isfinite(x))} NaN/inf")
    if not isinstance(bins, numbers.Integral) or isinstance(bins, bool) or bins < 1:
        raise ValueError(f"bins must be an integer >= 1, got {bins!r}")
    lo, hi = (float(x.min()), float(x.max())) if range is None else map(float, range)
    if range is None and lo == hi:
        lo, hi = lo - 0.5, hi + 0.5  # numpy's convention for a constant sample
    if not (np.isfinite(lo) and np.isfinite(hi) and lo < hi):
        raise ValueError(f"range must be finite (lo, hi) with lo < hi, got ({lo}, {hi})")
    edges = np.linspace(lo, hi, bins + 1)
    keep = (x >= lo) & (x <= hi)
    xk = x[keep]
    idx = ((xk - lo) * (bins / (hi - lo))).astype(np.intp)
    idx[idx == bins] = bins - 1
    # the multiplication can land one bin off next to an edge: fix against the actual edges
    idx -= xk < edges[idx]
    idx += (xk >= edges[idx + 1]) & (idx != bins - 1)
    if groups is None:
        heights = np.bincount(idx, minlength=bins).astype(np.float64)
    else:
        g = np.asarray(groups).ravel()
        if g.shape != x.shape:
            raise ValueError(f"groups must have the size of samples ({x.size}), got {g.size}")
        if not np.issubdtype(g.dtype, np.integer):
            raise ValueError(f"groups must be integers (component indices), got dtype {g.dtype}")
        G = int(g.max()) + 1 if num_groups is None else int(num_groups)
        if g.min() < 0 or g.max() >= G:
            raise ValueError(
                f"groups must lie in [0, num_groups={G}), got range [{g.min()}, {g.max()}]"
            )
        flat = g[keep].astype(np.intp) * bins + idx
        heights = np.bincount(flat, minlength=G * bins).reshape(G, bins).astype(np.float64)
    if density:
        heights /= x.size * (hi - lo) / bins
    return heights, edges


# --------------------------------------------------------------------------------------
# argument helpers
# --------------------------------------------------------------------------------------


def get_axes(ax, figsize=None) -> Axes:
    """Return ``ax``, or a new pyplot figure's axes when ``ax`` is None."""
    if ax is None:
        _, ax = plt.subplots(figsize=figsize)
        return ax
    if not isinstance(ax, Axes):
        raise TypeError(f"ax must be a matplotlib Axes or None, got {type(ax).__name__}")
    return ax


def check_int(name, value, lo, hi=None) -> int:
    """``value`` as an int in [lo, hi], refusing bools, floats and out-of-range values."""
    if isinstance(value, bool | np.bool_) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be an int, got {type(value).__name__} {value!r}")
    v = int(value)
    if v < lo or (hi is not None and v > hi):
        rng = f"[{lo}, {hi}]" if hi is not None else f">= {lo}"
        raise ValueError(f"{name} must be an integer in {rng}, got {name} = {v}")
    return v


def scalar_params(mu, s):
    """(μ, s) as floats: μ finite, s finite and > 0."""
    mu = check_real_scalar("mu", mu)
    s = check_real_scalar("s", s)
    if not math.isfinite(mu):
        raise ValueError(f"mu (location μ) must be finite, got mu = {mu!r}")
    if not (s > 0 and math.isfinite(s)):
        raise ValueError(f"s (scale of the logistic) must be finite and > 0, got s = {s!r}")
    return mu, s


def mixture_params(pi, mu, s, max_components=None):
    """(π, μ, s) as float64 arrays of shape (K,), validated; returns (pi, mu, s, K)."""
    if pi is None or mu is None or s is None:
        raise ValueError("pi, mu and s must all be given (arrays of shape (K,))")
    pi, mu, s = (as_float_array(n, v) for n, v in (("pi", pi), ("mu", mu), ("s", s)))
    for name, arr in (("pi", pi), ("mu", mu), ("s", s)):
        if arr.ndim != 1:
            raise ValueError(
                f"{name} must be 1-D of shape (K,) (one value per component), got shape {arr.shape}"
            )
    K = check_mixture_shapes(pi=pi, mu=mu, s=s)
    if max_components is not None and K > max_components:
        raise ValueError(
            f"K (number of components, len(pi)) must be in [1, {max_components}] for this "
            f"figure, got K = {K}"
        )
    pi = check_weights("pi", pi, atol=1e-6)
    if not np.isfinite(mu).all():
        raise ValueError("mu (component locations μ) must be finite, got a NaN or inf value")
    check_positive("s", s, "component scales")
    return pi, mu, s, K


def logits_1d(logits, max_components=None):
    """Logits as a float64 array of shape (K,), validated (−inf allowed)."""
    logits = as_float_array("logits", logits)
    if logits.ndim != 1:
        raise ValueError(f"logits must be 1-D of shape (K,), got shape {logits.shape}")
    check_logits("logits", logits)
    K = logits.shape[0]
    if max_components is not None and K > max_components:
        raise ValueError(
            f"K (number of components, len(logits)) must be in [1, {max_components}] for "
            f"this figure, got K = {K}"
        )
    return logits


def make_generator(seed) -> torch.Generator:
    seed = check_int("seed", seed, 0, 2**63 - 1)
    return torch.Generator().manual_seed(seed)


def default_xlim(mu, s, width=6.0):
    mu, s = np.atleast_1d(mu), np.atleast_1d(s)
    return float(np.min(mu - width * s)), float(np.max(mu + width * s))


def check_xlim(xlim, name="xlim"):
    """``xlim`` as a pair of floats (lo, hi), finite with lo < hi."""
    try:
        lo, hi = (float(v) for v in xlim)
    except (TypeError, ValueError):
        raise ValueError(
            f"{name} must be a pair (lo, hi) of finite numbers, got {xlim!r}"
        ) from None
    if not (math.isfinite(lo) and math.isfinite(hi) and lo < hi):
        raise ValueError(f"{name} must be finite (lo, hi) with lo < hi, got {tuple(xlim)}")
    return lo, hi


def fmt_params(mu, s):
    return f"μ = {mu:.3g}, s = {s:.3g}"


# --------------------------------------------------------------------------------------
# sampling used by the figures (thin wrappers around molviz.sampling)
# --------------------------------------------------------------------------------------


def sample_mixture(pi, mu, s, n, seed=0, eps=1e-5):
    """Draw n samples from a mixture of logistics with molviz's two-stage sampler.

    A thin wrapper: calls :func:`molviz.sampling.sample_mol` (Gumbel-max choice of k, then
    inversion within component k) with float32 logits log π of shape (n, K) (a weight π_k = 0
    gives −inf, a component that is never chosen), means μ and log-scales log s of shape (1, K),
    and ``torch.Generator().manual_seed(seed)``.

    Args:
        pi: weights π, shape (K,), non-negative, summing to 1.
        mu: locations μ, shape (K,).
        s: scales s > 0, shape (K,).
        n: number of samples, 1 <= n <= 10^7.
        seed: integer seed >= 0.
        eps: uniform clipping ε of the sampler, in (0, 0.5).

    Returns:
        (x, k): float64 array (n,) of samples and int64 array (n,) of component indices.

    Raises:
        ValueError: invalid mixture parameters (as for :func:`molviz.mixture.mixture_pdf`), n
            or seed out of range.
        TypeError: n or seed not an integer, parameters not real numbers.

    See the book chapter ``book/mixtures.md``.
    """
    pi, mu, s, K = mixture_params(pi, mu, s)
    n = check_int("n", n, 1, MAX_SAMPLES)
    gen = make_generator(seed)
    with np.errstate(divide="ignore"):
        log_pi = np.log(pi)
    logits = torch.as_tensor(log_pi, dtype=torch.float32).expand(n, K)  # (n, K)
    # (1, K) parameters broadcast against the (n, K) logits: same draws, less validation work
    means = torch.as_tensor(mu, dtype=torch.float32)[None]  # (1, K)
    log_scales = torch.as_tensor(np.log(s), dtype=torch.float32)[None]  # (1, K)
    x, k = sampling.sample_mol(
        logits, means, log_scales, eps=eps, generator=gen, return_index=True
    )  # (n,), (n,)
    return x.double().numpy(), k.numpy().astype(np.int64)


def sample_logistic_np(mu, s, n, seed, eps):
    """n samples of one logistic by inversion (:func:`molviz.sampling.sample_logistic`), float64."""
    n = check_int("n", n, 1, MAX_SAMPLES)
    gen = make_generator(seed)
    loc = torch.full((n,), mu, dtype=torch.float32)  # (n,)
    log_s = torch.full((n,), math.log(s), dtype=torch.float32)  # (n,)
    return sampling.sample_logistic(loc, log_s, eps=eps, generator=gen).double().numpy()


# --------------------------------------------------------------------------------------
# shared drawing pieces
# --------------------------------------------------------------------------------------


def subscript(k):
    """Subscript digits for a component index, e.g. 12 -> '₁₂'."""
    return str(k).translate(str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉"))


def nice_ceiling(v):
    """Smallest "round" number >= v (1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8 times a power of ten).

    Axis tops rounded this way move in steps instead of with every new batch of samples, so the
    explorers can keep their rendered axes (and the reader's eye) steady between slider moves.
    """
    v = float(v)
    if not (v > 0 and math.isfinite(v)):
        return 1.0
    p = 10.0 ** math.floor(math.log10(v))
    return next(m * p for m in _NICE if m * p >= v * (1 - 1e-12))


_NICE = (1.0, 1.2, 1.5, 2.0, 2.5, 3.0, 4.0, 5.0, 6.0, 8.0, 10.0)


def nice_step(span, count=6):
    """A round step (1, 2, 5 or 10 times a power of ten) that cuts ``span`` into about ``count``."""
    raw = float(span) / max(1, count)
    if not (raw > 0 and math.isfinite(raw)):
        return 1.0
    p = 10.0 ** math.floor(math.log10(raw))
    m = raw / p
    return (1.0 if m < 1.5 else 2.0 if m < 3 else 5.0 if m < 7 else 10.0) * p


def fit_view(prev, lo, hi, pad=0.08):
    """An x range that shows [lo, hi] with a margin, its ends on round numbers.

    The previous range ``prev`` (or None) is kept while it still holds [lo, hi] and is at most
    twice as wide as needed, so that the view (and the explorers' cached axes) stays put while
    a slider moves a little; otherwise the range is [lo - pad, hi + pad] (pad a fraction of the
    width) rounded outwards to multiples of :func:`nice_step`. The same rule as the in-browser
    explorers' "auto" x range.
    """
    width = hi - lo
    margin = pad * width if width > 0 else max(abs(lo), 1.0) * 1e-3
    a, b = lo - margin, hi + margin
    if prev is not None and prev[0] <= a and prev[1] >= b and prev[1] - prev[0] <= 2 * (b - a):
        return prev
    step = nice_step(b - a, 12)
    # multiples of the step, without the float noise of the product (-1.2, not -1.2000000000000002)
    return tuple(
        float(f"{v:.12g}") for v in (math.floor(a / step) * step, math.ceil(b / step) * step)
    )


#: standardized offsets t (x = μ + s t) added to a curve's grid around a narrow component.
_PEAK_T = np.linspace(-10.0, 10.0, 81)


def density_grid(xlim, mu=(), s=(), num=600):
    """x grid for density curves: ``num`` equal steps on xlim, refined around narrow components.

    A component whose scale s_k is below 5 grid steps gets the extra points μ_k + s_k t for t
    in [-10, 10] in steps of 0.25 (those inside xlim), so that its peak (at t = 0, on the grid)
    and its shoulders are drawn however narrow it is; the drawn peak of a logistic is then its
    true height 1/(4 s_k). With uniform steps at most s/5 the largest error of a drawn peak is
    below 0.3 %.

    Args:
        xlim: (lo, hi) with lo < hi.
        mu, s: locations μ and scales s > 0 of the components, shape (K,) (or empty).
        num: number of uniform points, >= 2.

    Returns:
        sorted float64 array, shape (num + extra,).
    """
    lo, hi = xlim
    x = np.linspace(lo, hi, num)
    dx = (hi - lo) / (num - 1)
    mu, s = (
        np.atleast_1d(np.asarray(mu, dtype=np.float64)),
        np.atleast_1d(np.asarray(s, dtype=np.float64)),
    )
    narrow = s < 5 * dx  # (K,)
    if not narrow.any():
        return x
    extra = (mu[narrow, None] + s[narrow, None] * _PEAK_T).ravel()  # (K' * 81,)
    extra = extra[(extra > lo) & (extra < hi)]
    return np.sort(np.concatenate([x, extra]))


def clip_span(ax, lo, hi, *, alpha=0.12, color=CLIP_COLOR, label=None, axis="x"):
    """A shaded band over x in [lo, hi] (``axis="x"``: full height) or y in [lo, hi] (full width).

    The Rectangle lives in (data, axes) coordinates, so it always spans the whole axes across;
    an empty band (lo >= hi) is allowed. ``set_span`` moves it later.
    """
    trans = ax.get_xaxis_transform() if axis == "x" else ax.get_yaxis_transform()
    rect = Rectangle((0, 0), 0, 1, transform=trans, color=color, alpha=alpha, lw=0, label=label)
    if axis != "x":
        rect.set_width(1)
        rect.set_height(0)
    set_span(rect, lo, hi, axis)
    return ax.add_patch(rect)


def set_span(rect, lo, hi, axis="x"):
    """Move a ``clip_span`` band to cover [lo, hi] along ``axis`` (empty if lo >= hi)."""
    if axis == "x":
        rect.set_x(lo)
        rect.set_width(max(hi - lo, 0.0))
    else:
        rect.set_y(lo)
        rect.set_height(max(hi - lo, 0.0))


# --------------------------------------------------------------------------------------
# the discretized-likelihood figures (bins of the N-class grid on [-1, 1])
# --------------------------------------------------------------------------------------


def bin_edges(num_classes):
    """Nominal edges c_j ± 1/(N-1) of the N bins on [-1, 1]: shape (N + 1,)."""
    h = 1.0 / (num_classes - 1)
    c = mixture.bin_centers(num_classes)
    return np.concatenate([c - h, [c[-1] + h]])


def edge_bin_label(prob, width=None):
    """Label of an edge bin too tall for the y range: its mass P (and P / width if given)."""
    dens = "" if width is None else f"\nP / width = {prob / width:.3g}"
    return f"edge bin ↑\nP = {prob:.3g}{dens}"


def check_threshold(threshold):
    """The edge test's threshold t as a float in (0, 1)."""
    t = check_real_scalar("threshold", threshold)
    if not 0 < t < 1:
        raise ValueError(f"threshold must be in (0, 1), got threshold = {t!r}")
    return t


def bins_beyond(num_classes, threshold):
    """Number of bin centres c_j = -1 + 2j/(N-1) above ``threshold`` (the same count below -t)."""
    return int(np.count_nonzero(mixture.bin_centers(num_classes) > threshold))


def zoom_window(num_classes, zoom_bins, threshold=None):
    """Bins next to x = 1 for a zoom: (j0, (lo, hi)) with bins j0 … N-1 on [lo, hi] = [e_j0, 1 + h].

    At least ``zoom_bins`` bins, and at least 1.5 times the distance from ``threshold`` to 1, so
    that all bins beyond the threshold and some before it are in view.
    """
    width = 2.0 / (num_classes - 1)
    span = zoom_bins * width
    if threshold is not None:
        span = max(span, 1.5 * (1.0 - threshold))
    edges = bin_edges(num_classes)
    j0 = max(int(np.searchsorted(edges, 1.0 - span, side="right")) - 1, 0)
    return j0, (float(edges[j0]), float(edges[-1]))


def separator_segments(heights, edges, max_bins=200):
    """White lines between neighbouring bars (up to the lower one), so each bin stays visible.

    ``stairs`` draws bars of equal height as one block; these segments mark the bin edges
    inside it. Returns a list of ((x, 0), (x, y)) pairs, empty above ``max_bins`` bins (the
    lines would cover the bars).
    """
    if len(heights) < 2 or len(heights) > max_bins:
        return []
    low = np.minimum(heights[1:], heights[:-1])  # (bins - 1,)
    return [((x, 0.0), (x, y)) for x, y in zip(edges[1:-1], low, strict=True)]


def coarsen_bins(probs, edges, max_bins=2000):
    """Bin masses on at most ``max_bins`` display bins: (density (M,), edges (M + 1,)).

    Neighbouring bins are merged in groups of equal size (the last may be shorter) and each
    group is drawn at its mean density, mass / width, so the area under the bars is unchanged.
    A panel a few hundred pixels wide cannot show 65536 bins anyway, and drawing a path of
    130,000 vertices costs an explorer tens of milliseconds per redraw.
    """
    step = max(1, -(-len(probs) // max_bins))  # ceil(len / max_bins)
    starts = np.arange(0, len(probs), step)  # (M,)
    merged_edges = np.append(edges[starts], edges[-1])  # (M + 1,)
    return np.add.reduceat(probs, starts) / np.diff(merged_edges), merged_edges
