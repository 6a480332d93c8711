"""Explorer figures: the matplotlib figures behind :mod:`molviz.widgets`, redrawn in place.

Each class owns a ``matplotlib.figure.Figure`` with its own Agg canvas that is *not*
registered with pyplot (nothing to close, never shown twice by the inline backend). All artists
are created once in ``__init__``; ``update(...)`` draws fresh samples with molviz's samplers
and only changes artist data (``Line2D.set_ydata``, ``StepPatch.set_data``, ...), so moving a
slider never creates a figure.

Drawing is what a slider move costs most, and most of a drawing (axes, ticks, labels, grid)
does not change between moves. The canvas (``_FrameCachingCanvas``) renders that static
*frame* once, keeps its pixels, and on later draws pastes them back and draws only the
artists that ``update`` changes; it renders the frame anew whenever an axes' limits, scale or
position change. Axis ranges are rounded up to "nice" values (``nice_ceiling``) so that they
change in steps, not with every batch of samples.

The x range of the density explorers (logistic, mixture, inversion) is fixed or, with
``update(..., xlim="auto")`` (mixtures also ``"component k"``), fitted to the distribution's
central quantiles and kept while it still fits (``fit_view``), so that a component at vocoder
scale (log s = -7, s ≈ 0.0009) fills the plot. Density curves are evaluated on a grid refined
around every component narrower than a few grid steps (``density_grid``): their drawn peaks are
the true maxima at any scale and any x range.

Timing entry point (10^5 samples, K = 3, target median <= 50 ms). The benchmark suite
(benchmarks/run.py) times the widget's callback: this update plus ``to_png()``, i.e. the
drawing below plus the PNG encoding::

    fig = MixtureExplorerFigure()
    fig.update(pi, mu, s, n=100_000, seed=0)   # sample, bin, set artist data
    fig.fig.canvas.draw()                       # render with Agg (what a widget shows)

``draw()`` is the same as ``fig.canvas.draw()``; ``to_png()`` draws and encodes the PNG that the
widgets show. The classes are re-exported by :mod:`molviz.plotting`. See the book chapters
named in each class.
"""

from __future__ import annotations

import contextlib
import io
import math

import numpy as np
import torch
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import (
    LogitFormatter,
    LogLocator,
    MaxNLocator,
    NullLocator,
    ScalarFormatter,
)
from PIL import Image
from scipy import stats

from molviz import logistic, mixture, sampling
from molviz._style import (
    CLIP_COLOR,
    DENSITY_COLOR,
    GAUSSIAN_COLOR,
    MAX_SAMPLES,
    SAMPLE_COLOR,
    bin_edges,
    bins_beyond,
    check_int,
    check_threshold,
    check_xlim,
    clip_span,
    coarsen_bins,
    component_color,
    density_grid,
    edge_bin_label,
    fit_view,
    histogram,
    logits_1d,
    make_generator,
    mixture_params,
    nice_ceiling,
    sample_logistic_np,
    sample_mixture,
    scalar_params,
    separator_segments,
    set_span,
    zoom_window,
)
from molviz._validate import check_eps, check_real_scalar, check_temperature

__all__ = [
    "DiscretizedExplorerFigure",
    "GumbelExplorerFigure",
    "InversionExplorerFigure",
    "LogisticExplorerFigure",
    "MixtureExplorerFigure",
]


class _FrameCachingCanvas(FigureCanvasAgg):
    """Agg canvas that renders the static frame once and then redraws only the moving artists.

    ``dynamic`` lists the artists that ``update`` changes; they are marked animated, so
    matplotlib's own drawing skips them. ``draw()`` renders everything else (the frame) when it
    has changed, copies its pixels, and draws the dynamic artists over them; while no axes
    changes its limits, scale or position, later calls paste the copied frame back instead of
    rendering it. The pixels are the same as a draw from scratch (the tests compare them).
    ``frame_renders`` counts the frame renders. Saving the figure (``savefig``) draws
    everything the usual way. Whoever changes a static artist (a label, a tick locator) calls
    ``invalidate()`` so that the next draw renders the frame again.
    """

    def __init__(self, figure):
        super().__init__(figure)
        self.dynamic = []
        self.frame_renders = 0
        self._frame = None  # (key, pixels)

    def set_dynamic(self, artists):
        """Mark ``artists`` as the ones redrawn on every draw, in this order."""
        self.dynamic = list(artists)
        for artist in self.dynamic:
            artist.set_animated(True)
        self.invalidate()

    def invalidate(self):
        """Forget the cached frame: the next draw renders everything."""
        self._frame = None

    def _frame_key(self):
        axes = list(self.figure.axes)
        axes += [child for ax in self.figure.axes for child in ax.child_axes]
        views = tuple(
            (ax.get_visible(), ax.get_xscale(), ax.get_yscale(), ax.viewLim.bounds) for ax in axes
        )
        places = tuple(ax.get_position().bounds for ax in axes)
        return self.get_width_height(physical=True), self.figure.dpi, views, places

    def draw(self):
        key = self._frame_key()
        if self._frame is None or self._frame[0] != key:
            super().draw()  # everything but the dynamic (animated) artists
            self._frame = (key, self.copy_from_bbox(self.figure.bbox))
            self.frame_renders += 1
        else:
            self.restore_region(self._frame[1])
        for artist in self.dynamic:
            if artist.get_visible():
                (artist.axes or self.figure).draw_artist(artist)


class _ExplorerFigure:
    """Base of the explorer figures: an Agg Figure outside pyplot, redrawn in place.

    Subclasses create every artist in ``__init__``, register the ones ``update`` changes with
    ``_set_artists`` (name -> artist or list of artists, plus extra texts drawn on top), and
    only change artist data in ``update(...)``. ``draw()`` renders, ``to_png()`` returns PNG
    bytes, ``artists`` maps names to the artists (the same objects for the figure's lifetime).
    """

    def __init__(self, figsize, dpi):
        self.fig = Figure(figsize=figsize, dpi=check_int("dpi", dpi, 10, 600), layout="none")
        _FrameCachingCanvas(self.fig)
        self.params = {}
        self._artists = {}
        self._xlim_mode = "fixed"

    def _set_artists(self, artists, overlays=()):
        self._artists = artists
        flat = [a for v in artists.values() for a in (v if isinstance(v, list) else [v])]
        self.fig.canvas.set_dynamic([*flat, *overlays])

    def _resolve_xlim(self, xlim, auto, components=None, variant=None):
        """Set and return ``self.xlim`` for this update (see the ``xlim`` of the subclasses).

        xlim: None keeps the current range; "auto" fits ``auto()`` -> (lo, hi), the part of
        the distribution that must show; "component k" fits μ_k ± 6.91 s_k (its central 99.8 %)
        of ``components`` = (mu, s); both keep the previous fitted range while it still fits
        (``fit_view`` in ``molviz._style``) and the choice (and ``variant``, e.g. a log axis that
        widens the fit) is the same as last time. A pair (lo, hi) is used as given.
        """
        if xlim is None:
            return self.xlim
        if not isinstance(xlim, str):
            self.xlim, self._xlim_mode = check_xlim(xlim), "fixed"
            return self.xlim
        mode = " ".join(xlim.split())
        parts = mode.split(" ")
        if mode == "auto":
            lo, hi = auto()
        elif components is not None and len(parts) == 2 and parts[0] == "component":
            mu, s = components
            if not parts[1].isdigit() or int(parts[1]) >= len(mu):
                raise ValueError(
                    f'xlim "component k" needs an integer k in [0, K-1] = [0, {len(mu) - 1}], '
                    f"got {xlim!r}"
                )
            k = int(parts[1])
            lo, hi = mu[k] - _Q999 * s[k], mu[k] + _Q999 * s[k]
        else:
            what = '"auto", "component k", ' if components is not None else '"auto", '
            raise ValueError(f"xlim must be None, {what}or a pair (lo, hi), got {xlim!r}")
        prev = self.xlim if self._xlim_mode == (mode, variant) else None
        self.xlim, self._xlim_mode = fit_view(prev, float(lo), float(hi)), (mode, variant)
        return self.xlim

    @property
    def artists(self):
        """Dict name -> artist (lists for per-component artists); identical across updates."""
        return dict(self._artists)

    def draw(self):
        """Render the figure with Agg (what a widget does after each update); returns self."""
        self.fig.canvas.draw()
        return self

    def to_png(self):
        """Render and return the current state as PNG bytes (fast zlib level 1)."""
        canvas = self.draw().fig.canvas
        image = Image.frombuffer(
            "RGBA",
            canvas.get_width_height(physical=True),
            canvas.buffer_rgba(),
            "raw",
            "RGBA",
            0,
            1,
        )
        buf = io.BytesIO()
        image.save(buf, format="png", compress_level=1)
        return buf.getvalue()

    def _repr_png_(self):
        return self.to_png()


#: font size of the keys and notes written into the explorer figures (points; the figures are
#: 8-9 inches at 100 dpi, so 9.5 pt stays about 10 px high when a page shows them 670 px wide).
_KEY_FONTSIZE = 9.5

#: logit(0.999) = log 999: a logistic's central 99.8 % is μ ± 6.91 s.
_Q999 = math.log(999.0)


def _frame(ax, xlabel, ylabel, logy=False):
    """Labels, few ticks and a light grid behind the data (text is most of a frame's cost)."""
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.grid(True, alpha=0.3)
    ax.set_axisbelow(True)
    ax.xaxis.set_major_locator(MaxNLocator(6))
    ax.xaxis.set_major_formatter(ScalarFormatter(useOffset=False))
    if logy:
        _log_y(ax)
    else:
        ax.yaxis.set_major_locator(MaxNLocator(5))
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)


def _log_y(ax):
    ax.set_yscale("log")
    ax.yaxis.set_major_locator(LogLocator(numticks=5))
    ax.yaxis.set_minor_locator(NullLocator())


def _set_y_scale(ax, logy, ylim):
    """Switch ``ax`` to a log or linear y axis (if it is not already) and set ``ylim``."""
    if logy and ax.get_yscale() != "log":
        ax.set_ylim(*ylim)  # positive limits first, then the log scale
        _log_y(ax)
    elif not logy and ax.get_yscale() != "linear":
        ax.set_yscale("linear")
        ax.yaxis.set_major_locator(MaxNLocator(5))
    ax.set_ylim(*ylim)


def _density_ylim(top, logy):
    """y range for densities up to ``top``: [0, round top] or, log, seven decades below a power
    of ten at least 3 times ``top`` (room for the key)."""
    if logy:
        hi = 10.0 ** math.ceil(math.log10(3 * max(top, 1e-300)))
        return (hi * 1e-7, hi)
    return (0.0, nice_ceiling(1.08 * top))


def _log_floor(values, ylim, logy):
    """Bar heights for a log axis: zeros (and anything below the axis) raised to just below it."""
    return np.maximum(values, 0.1 * ylim[0]) if logy else values


def _place_key(key, ax, x, y, ylim, logy):
    """Put the key text in the upper corner (right or left) where the curve (x, y) is lower."""
    lo, hi = ax.get_xlim()
    if logy:
        with np.errstate(divide="ignore"):
            frac = (np.log(np.maximum(y, 1e-300)) - math.log(ylim[0])) / math.log(ylim[1] / ylim[0])
    else:
        frac = y / ylim[1]
    right = frac[x >= lo + 0.65 * (hi - lo)]
    left = frac[x <= lo + 0.35 * (hi - lo)]
    r = float(right.max()) if right.size else 0.0
    lft = float(left.max()) if left.size else 0.0
    side = "left" if r > 0.55 and lft < r else "right"
    key.set_x(0.01 if side == "left" else 0.99)
    key.set_horizontalalignment(side)


@contextlib.contextmanager
def _one_torch_thread():
    """Run torch single-threaded inside the block, then restore the caller's setting.

    An update draws ~10^5 numbers: one thread takes ~5 ms, and torch's intra-op thread pool
    gains little there but can stall a redraw for 100 ms when another process holds a core
    (measured on a busy 2-core machine). The draws are identical either way (CPU random
    numbers are generated serially).
    """
    old = torch.get_num_threads()
    if old != 1:
        torch.set_num_threads(1)
    try:
        yield
    finally:
        if old != 1:
            torch.set_num_threads(old)


def _key(ax, text, loc="right"):
    """A legend as one Text (a real Legend costs several ms per redraw); top corner of ax.

    A light box behind it keeps it legible where a line runs under it.
    """
    x, ha = (0.99, "right") if loc == "right" else (0.01, "left")
    return ax.text(
        x,
        0.98,
        text,
        transform=ax.transAxes,
        ha=ha,
        va="top",
        fontsize=_KEY_FONTSIZE,
        color="#333333",
        linespacing=1.3,
        bbox={"facecolor": "white", "alpha": 0.75, "edgecolor": "none", "pad": 1.5},
    )


def _title(ax):
    """The axes title at a fixed height (automatic placement measures all tick labels)."""
    return ax.set_title("", y=1.0)


def _stairs(ax, bins, xlim, baseline=0.0, **kw):
    """Empty StepPatch on ``bins`` equal bins of ``xlim``, to be filled by ``set_data``."""
    return ax.stairs(np.zeros(bins), np.linspace(*xlim, bins + 1), baseline=baseline, **kw)


_FILL = {"fill": True, "lw": 0}


class LogisticExplorerFigure(_ExplorerFigure):
    """Logistic explorer: histogram of inversion samples over the density p(x; μ, s).

    ``update(mu, s, n, seed)`` draws n samples with :func:`molviz.sampling.sample_logistic`,
    bins them with :func:`molviz.plotting.histogram` (density normalised by all n) and redraws
    the density (:func:`molviz.logistic.logistic_pdf`), optionally the Gaussian of equal
    variance (sd = sπ/√3), and the clip bounds μ ± s·log((1-ε)/ε) where they are in view. The x
    range is fixed (``xlim``) or, with ``update(..., xlim="auto")``, fitted to μ and s, so a
    component at vocoder scale (log s = -7, s ≈ 0.0009) fills the plot as a standard one does.
    The density is drawn on a grid refined around μ (``density_grid`` in ``molviz._style``): its
    drawn peak is 1/(4s) for every s.

    Args:
        xlim: x range of the plot until an update sets another one.
        bins: number of histogram bins on the x range.
        figsize: figure size in inches.
        dpi: resolution of the figure (and of its PNG).

    See the book chapter ``book/logistic.md``.
    """

    def __init__(self, *, xlim=(-10.0, 10.0), bins=100, figsize=(8.0, 3.6), dpi=100):
        super().__init__(figsize, dpi)
        self.xlim = check_xlim(xlim)
        self.bins = check_int("bins", bins, 1, 10_000)
        self.x = density_grid(self.xlim)
        ax = self.ax = self.fig.add_subplot()
        self.fig.subplots_adjust(left=0.09, right=0.98, bottom=0.14, top=0.9)
        hist = _stairs(ax, self.bins, self.xlim, color=SAMPLE_COLOR, **_FILL)
        (pdf,) = ax.plot([], [], color=component_color(0), lw=2)
        (gauss,) = ax.plot([], [], "--", color=GAUSSIAN_COLOR, lw=1.5)
        bounds = [ax.axvline(0, color=CLIP_COLOR, ls="--", lw=1.2) for _ in range(2)]
        ax.set_xlim(*self.xlim)
        _frame(ax, "x", "density")
        self._set_artists(
            {
                "hist": hist,
                "pdf": pdf,
                "gaussian": gauss,
                "bounds": bounds,
                "key": _key(ax, ""),
                "title": _title(ax),
            }
        )
        self.samples = None

    def update(
        self, mu=0.0, s=1.0, n=100_000, seed=0, *, gaussian=True, logy=False, eps=1e-5, xlim=None
    ):
        """Redraw for location μ, scale s, n samples from ``seed``; returns self.

        Args:
            mu: location μ.
            s: scale s > 0.
            n: number of samples, 1 <= n <= 10^7.
            seed: seed of the ``torch.Generator``, an integer >= 0.
            gaussian: show the Gaussian with the same mean and sd sπ/√3.
            logy: log-scale y axis (tails).
            eps: uniform clipping ε of the sampler.
            xlim: None (keep the current x range), ``"auto"`` (fit μ ± 6.91 s, the central
                99.8 %, or μ ± 14 s with ``logy`` to show the tails and the clip bounds; kept
                while it still fits and is at most twice as wide as needed), or (lo, hi).

        Raises:
            ValueError: s <= 0, non-finite μ, n outside [1, 10^7], seed < 0, ε outside (0, 0.5),
                a bad xlim.
            TypeError: n or seed not an integer, μ, s or ε not a real number.
        """
        mu, s = scalar_params(mu, s)
        eps = check_eps(eps)
        reach = 14.0 if logy else _Q999
        lo, hi = self._resolve_xlim(
            xlim, lambda: (mu - reach * s, mu + reach * s), None, bool(logy)
        )
        with _one_torch_thread():
            x = sample_logistic_np(mu, s, n, seed, eps)
        heights, edges = histogram(x, self.bins, self.xlim)
        self.x = g = density_grid(self.xlim, [mu], [s])
        a = self._artists
        y = logistic.logistic_pdf(g, mu, s)
        sd = float(logistic.logistic_std(s))
        a["pdf"].set_data(g, y)
        a["gaussian"].set_data(g, stats.norm.pdf(g, mu, sd))
        a["gaussian"].set_visible(bool(gaussian))
        ylim = _density_ylim(max(float(y.max()), float(heights.max())), logy)
        a["hist"].set_data(_log_floor(heights, ylim, logy), edges, baseline=0.1 * ylim[0])
        self.ax.set_xlim(lo, hi)
        _set_y_scale(self.ax, logy, ylim)
        b = float(sampling.truncation_bound(eps))
        shown = []
        for line, v in zip(a["bounds"], (mu - b * s, mu + b * s), strict=True):
            line.set_xdata([v, v])
            line.set_visible(lo < v < hi)
            shown.append(lo < v < hi)
        key = ["bars: samples", "blue: logistic p(x)"]
        if gaussian:
            key.append("dashed: Gaussian, same sd")
        if any(shown):
            key.append(f"red: clip bounds μ ± {b:.2f} s")
        a["key"].set_text("\n".join(key))
        _place_key(a["key"], self.ax, g, y, ylim, logy)
        a["title"].set_text(
            f"μ = {mu:.3g}, s = {s:.3g} (log s = {math.log(s):.2f}): sd = sπ/√3 = {sd:.3g}"
        )
        self.samples = x
        self.params = {
            "mu": mu,
            "s": s,
            "n": x.size,
            "seed": seed,
            "gaussian": bool(gaussian),
            "logy": bool(logy),
            "eps": eps,
            "xlim": self.xlim,
        }
        return self


#: a logistic's full width at half maximum, in units of s: 2 log(3 + 2√2) ≈ 3.53.
_FWHM = 2 * math.log(3 + 2 * math.sqrt(2))


class MixtureExplorerFigure(_ExplorerFigure):
    r"""Mixture explorer: samples stacked by component over the mixture and weighted components.

    ``update(pi, mu, s, n, seed)`` draws n samples with :func:`molviz.plotting.sample_mixture`
    (molviz's two-stage sampler, component index returned), stacks their histogram by the
    component that produced each sample (colour k) and redraws p(x)
    (:func:`molviz.mixture.mixture_pdf`) and each weighted component
    :math:`\pi_k f(x; \mu_k, s_k)`; a small bar chart right of the plot shows the weights π.
    Artists for components k = 0 … K_max - 1 exist from the start; components k >= K are
    hidden.

    The x range is fixed (``xlim``) until an update sets another: a pair (lo, hi), ``"auto"``
    (the central 99.8 % of the mixture) or ``"component k"`` (μ_k ± 6.91 s_k). The curves are
    evaluated on a grid refined around every component narrower than five grid steps
    (``density_grid`` in ``molviz._style``), so a component at vocoder scale (log s = -7) is drawn
    with its true peak height; a component narrower than one histogram bar is named above the
    plot (its samples pile into one bar, lower than its peak: ``"component k"`` resolves it).
    ``logy`` shows narrow and wide components and the tails at once.

    All explorer figures draw on an Agg canvas that keeps the rendered axes, ticks and labels
    between updates and redraws only the artists ``update`` changes (the same pixels as a full
    drawing; the axes are rendered again when their ranges change). The time a slider move
    costs is that of the lines below (the benchmarks time the widget's callback, which adds the
    PNG encoding)::

        fig = MixtureExplorerFigure()
        fig.update(pi, mu, s, n=100_000, seed=0)  # sample, bin, set the artists' data
        fig.fig.canvas.draw()                      # render with Agg (what the widget shows)

    Args:
        K_max: largest number of components the figure can show, 1 <= K_max <= 10.
        xlim: x range until an update sets another one.
        bins: number of histogram bins on the x range.
        figsize: figure size in inches.
        dpi: resolution of the figure (and of its PNG).

    See the book chapter ``book/mixtures.md``.
    """

    def __init__(self, K_max=6, *, xlim=(-6.0, 6.0), bins=120, figsize=(8.0, 3.8), dpi=100):
        super().__init__(figsize, dpi)
        self.K_max = check_int("K_max", K_max, 1, 10)
        self.xlim = check_xlim(xlim)
        self.bins = check_int("bins", bins, 1, 10_000)
        self.x = density_grid(self.xlim)
        ax = self.ax = self.fig.add_subplot()
        self.fig.subplots_adjust(left=0.08, right=0.88, bottom=0.13, top=0.84)
        hist, comps = [], []
        for k in range(self.K_max):
            c = component_color(k)
            hist.append(_stairs(ax, self.bins, self.xlim, color=c, alpha=0.45, **_FILL))
            comps.append(ax.plot([], [], "--", color=c, lw=1.4)[0])
        (mix,) = ax.plot([], [], color=DENSITY_COLOR, lw=2.2)
        ax.set_xlim(*self.xlim)
        _frame(ax, "x", "density")
        ax.text(  # the key, above the plot: inside, a narrow peak could run into it
            0.0,
            1.015,
            "black: mixture $p(x)$    dashed: $\\pi_k f_k(x)$    bars: samples from $k$",
            transform=ax.transAxes,
            va="bottom",
            fontsize=_KEY_FONTSIZE,
            color="#333333",
        )
        narrow = ax.text(
            1.0, 1.015, "", transform=ax.transAxes, ha="right", va="bottom", fontsize=_KEY_FONTSIZE
        )
        narrow.set_color(CLIP_COLOR)
        inset = self.ax_weights = self.fig.add_axes([0.9, 0.3, 0.085, 0.42])
        ks = np.arange(self.K_max)
        bars = inset.bar(ks, np.zeros(self.K_max), color=[component_color(k) for k in ks])
        inset.set_ylim(0, 1.0)
        inset.set_axis_off()
        inset.axhline(0, color="#999999", lw=0.8)
        inset.text(0.5, -0.03, r"weights $\pi_k$", transform=inset.transAxes, ha="center", va="top")
        self._set_artists(
            {
                "hist": hist,
                "components": comps,
                "mixture": mix,
                "weights": list(bars),
                "narrow": narrow,
                "title": self.fig.suptitle("", fontsize=12, y=0.985),
            }
        )
        self.samples = self.index = None

    def update(self, pi, mu, s, n=100_000, seed=0, *, eps=1e-5, xlim=None, logy=False):
        """Redraw for weights π, locations μ, scales s (each (K,), K <= K_max); returns self.

        Args:
            pi: mixture weights π, shape (K,), non-negative, summing to 1.
            mu: locations μ, shape (K,).
            s: scales s > 0, shape (K,).
            n: number of samples, 1 <= n <= 10^7.
            seed: seed of the ``torch.Generator``, an integer >= 0.
            eps: uniform clipping ε of the sampler.
            xlim: None (keep the current x range), ``"auto"`` (the central 99.8 % of the
                mixture, from :func:`molviz.mixture.mixture_ppf` at 0.001 and 0.999),
                ``"component k"`` (μ_k ± 6.91 s_k) — both with a margin, on round numbers, and
                kept while they still fit and are at most twice as wide as needed — or a pair
                (lo, hi).
            logy: log-scale y axis: seven decades up to a power of ten 3 … 30 times the peak,
                so the tails show down to 3·10^-6 of the peak or less.

        Raises:
            ValueError: bad weights (negative, not summing to 1), s <= 0, K out of
                [1, K_max], n outside [1, 10^7], seed < 0, ε outside (0, 0.5), a bad xlim
                (e.g. ``"component k"`` with k >= K).
            TypeError: n or seed not an integer, parameters not real numbers.
        """
        pi, mu, s, K = mixture_params(pi, mu, s, self.K_max)
        eps = check_eps(eps)
        lo, hi = self._resolve_xlim(
            xlim,
            lambda: mixture.mixture_ppf(np.array([1e-3, 1 - 1e-3]), pi, mu, s, tol=1e-12),
            (mu, s),
        )
        with _one_torch_thread():
            x, idx = sample_mixture(pi, mu, s, n, seed, eps)
        heights, edges = histogram(x, self.bins, self.xlim, groups=idx, num_groups=K)  # (K, bins)
        cum = np.cumsum(heights, axis=0)  # (K, bins)
        self.x = g = density_grid(self.xlim, mu, s)  # (G,)
        y = mixture.mixture_pdf(g, pi, mu, s)  # (G,)
        ylim = _density_ylim(max(float(y.max()), float(cum[-1].max())), logy)
        floor = 0.1 * ylim[0]
        a = self._artists
        for k in range(self.K_max):
            on = k < K
            for name in ("hist", "components", "weights"):
                a[name][k].set_visible(on)
            if on:
                base = cum[k - 1] if k else floor
                a["hist"][k].set_data(
                    _log_floor(cum[k], ylim, logy), edges, baseline=_log_floor(base, ylim, logy)
                )
                a["components"][k].set_data(g, pi[k] * logistic.logistic_pdf(g, mu[k], s[k]))
                a["weights"][k].set_height(pi[k])
        self.ax_weights.set_xlim(-0.6, K - 0.4)
        a["mixture"].set_data(g, y)
        self.ax.set_xlim(lo, hi)
        _set_y_scale(self.ax, logy, ylim)
        width = (hi - lo) / self.bins
        narrow = [str(k) for k in range(K) if _FWHM * s[k] < width and lo < mu[k] < hi]
        a["narrow"].set_text(f"k = {', '.join(narrow)}: narrower than a bar" if narrow else "")
        a["title"].set_text(f"K = {K} components, {x.size:,} samples")
        self.samples, self.index = x, idx
        self.params = {
            "pi": pi,
            "mu": mu,
            "s": s,
            "n": x.size,
            "seed": seed,
            "eps": eps,
            "xlim": self.xlim,
            "logy": bool(logy),
        }
        return self


class GumbelExplorerFigure(_ExplorerFigure):
    """Gumbel-max explorer: chosen-component frequencies against softmax, and the clipped noise.

    Left: the fraction of n draws of :func:`molviz.sampling.gumbel_max` (temperature τ,
    clipping ε) choosing each k = 0 … K-1 (bars, ±2 binomial standard errors) against
    softmax(a / τ) (black ticks). Right: a histogram of n draws of
    :func:`molviz.sampling.gumbel_noise` over the Gumbel density (log scale), with the bounds
    :func:`molviz.sampling.gumbel_bounds` (ε) and the shaded regions the noise never reaches.
    Components whose scaled logit is more than hi - lo below the top one can never be chosen;
    the title lists them.

    Args:
        K_max: largest number of components, 1 <= K_max <= 10.
        noise_xlim: x range of the noise panel.
        bins: number of bins of the noise histogram.
        figsize: figure size in inches.
        dpi: resolution of the figure (and of its PNG).

    See the book chapter ``book/gumbel_max.md``.
    """

    def __init__(self, K_max=6, *, noise_xlim=(-4.0, 20.0), bins=120, figsize=(9.0, 3.8), dpi=100):
        super().__init__(figsize, dpi)
        self.K_max = check_int("K_max", K_max, 1, 10)
        self.noise_xlim = check_xlim(noise_xlim)
        self.bins = check_int("bins", bins, 1, 10_000)
        ax0, ax1 = self.ax_bars, self.ax_noise = self.fig.subplots(1, 2, width_ratios=[1, 1.2])
        self.fig.subplots_adjust(left=0.07, right=0.98, bottom=0.14, top=0.84, wspace=0.22)
        ks = np.arange(self.K_max)
        zk = np.zeros(self.K_max)
        bars = ax0.bar(ks, zk, color=[component_color(k) for k in ks], alpha=0.8)
        (target,) = ax0.plot(ks, zk, ls="none", marker="_", ms=26, mew=2.5, color=DENSITY_COLOR)
        (err,) = ax0.plot([], [], color=DENSITY_COLOR, lw=1)
        ax0.set_ylim(0, 1.05)
        _frame(ax0, "component k", "probability")
        ax0.xaxis.set_major_locator(MaxNLocator(integer=True))
        g = np.linspace(*self.noise_xlim, 400)
        hist = _stairs(ax1, self.bins, self.noise_xlim, baseline=1e-9, color=SAMPLE_COLOR, **_FILL)
        (pdf,) = ax1.plot(g, stats.gumbel_r.pdf(g), color=component_color(0), lw=1.8)
        spans = [clip_span(ax1, 0, 0), clip_span(ax1, 0, 0)]
        blines = [ax1.axvline(0, color=CLIP_COLOR, ls="--", lw=1.2) for _ in range(2)]
        _frame(ax1, "g = -log(-log u)", "density", logy=True)
        ax1.set_ylim(1e-7, 1.0)
        ax1.set_xlim(*self.noise_xlim)
        ax0.set_title(r"which k wins: $\arg\max_k\,(a_k/\tau + g_k)$", fontsize=10.5)
        ax1.set_title(r"the Gumbel noise $g_k$, clipped by ε", fontsize=10.5)
        keys = [
            _key(ax0, "bars: fraction chosen, ±2 s.e.\nblack: softmax(a / τ)"),
            _key(ax1, "bars: noise samples\nline: Gumbel pdf\nred: never drawn"),
        ]
        self._set_artists(
            {
                "bars": list(bars),
                "target": target,
                "errors": err,
                "noise_hist": hist,
                "noise_pdf": pdf,
                "clip": spans,
                "bounds": blines,
                "title": self.fig.suptitle("", fontsize=11),
            },
            keys,
        )
        self.index = self.noise = None

    def update(self, logits, n=100_000, seed=0, *, eps=1e-5, temperature=1.0):
        """Redraw for logits a ((K,), K <= K_max), n draws, ``seed``, ε and τ; returns self.

        Args:
            logits: logits a, shape (K,) (−inf allowed: never chosen).
            n: number of draws, 1 <= n <= 10^7.
            seed: seed of the ``torch.Generator``, an integer >= 0.
            eps: uniform clipping ε in (0, 0.5).
            temperature: τ > 0; the choice uses softmax(a / τ).

        Raises:
            ValueError: bad logits (NaN, +inf, all −inf), K out of [1, K_max], n outside
                [1, 10^7], seed < 0, ε outside (0, 0.5), τ <= 0.
            TypeError: n or seed not an integer, logits, ε or τ not real numbers.
        """
        logits = logits_1d(logits, self.K_max)
        K = logits.shape[0]
        n = check_int("n", n, 1, MAX_SAMPLES)
        eps, tau = check_eps(eps), check_temperature(temperature)
        gen = make_generator(seed)
        lt = torch.as_tensor(logits, dtype=torch.float32).expand(n, K)  # (n, K)
        with _one_torch_thread():
            idx = sampling.gumbel_max(lt, eps=eps, generator=gen, temperature=tau).numpy()  # (n,)
            noise = sampling.gumbel_noise((n,), eps=eps, generator=gen).numpy()  # (n,)
        freq = np.bincount(idx, minlength=K) / n  # (K,)
        se = np.sqrt(freq * (1 - freq) / n)  # (K,)
        pi = mixture.softmax(logits / tau)  # (K,)
        a = self._artists
        for k in range(self.K_max):
            a["bars"][k].set_visible(k < K)
            if k < K:
                a["bars"][k].set_height(freq[k])
        a["target"].set_data(np.arange(K), pi)
        ks = np.repeat(np.arange(K), 3).astype(float)  # (3K,): x, x, NaN per component
        ks[2::3] = np.nan
        ys = np.stack([freq - 2 * se, freq + 2 * se, np.full(K, np.nan)], axis=1).ravel()
        a["errors"].set_data(ks, ys)
        self.ax_bars.set_xlim(-0.6, K - 0.4)
        lo, hi = (float(v) for v in sampling.gumbel_bounds(eps))
        heights, _ = histogram(noise, self.bins, self.noise_xlim)
        a["noise_hist"].set_data(np.maximum(heights, 1e-9))
        set_span(a["clip"][0], self.noise_xlim[0], lo)
        set_span(a["clip"][1], hi, self.noise_xlim[1])
        a["bounds"][0].set_xdata([lo, lo])
        a["bounds"][1].set_xdata([hi, hi])
        scaled = logits / tau
        never = [str(k) for k in range(K) if scaled[k] < scaled.max() - (hi - lo)]
        tail = f"; never chosen: k = {', '.join(never)}" if never else ""
        a["title"].set_text(f"τ = {tau:.3g}, ε = {eps:.1e}: g ∈ ({lo:.2f}, {hi:.2f}){tail}")
        self.index, self.noise = idx, noise.astype(np.float64)
        self.params = {"logits": logits, "n": n, "seed": seed, "eps": eps, "temperature": tau}
        return self


class InversionExplorerFigure(_ExplorerFigure):
    """Inversion explorer: one u traced through the CDF, and the histogram of many such x.

    Left: the CDF F(x; μ, s) with u ↦ x = F⁻¹(u) (:func:`molviz.logistic.logistic_ppf`)
    traced. Right: n samples of :func:`molviz.sampling.sample_logistic` (the same inversion
    with u ~ U(ε, 1-ε)) over the density, with x(u) marked. Both panels shade
    ``|x - μ| > s·log((1-ε)/ε)`` (:func:`molviz.sampling.truncation_bound`), never reached; on
    a logit-scaled u axis (``logit_scale``) the left panel also shows the excluded u < ε and
    u > 1 - ε. The x range is fixed (``xlim``) or, with ``update(..., xlim="auto")``, fitted to
    μ and s (μ ± 6.91 s, or μ ± 14 s with ``logit_scale`` so that the clip bounds are in view).

    Args:
        xlim: x range until an update sets another one.
        bins: number of histogram bins on the x range.
        figsize: figure size in inches.
        dpi: resolution of the figure (and of its PNG).

    See the book chapter ``book/inversion.md``.
    """

    def __init__(self, *, xlim=(-10.0, 10.0), bins=100, figsize=(9.0, 3.6), dpi=100):
        super().__init__(figsize, dpi)
        self.xlim = check_xlim(xlim)
        self.bins = check_int("bins", bins, 1, 10_000)
        self.x = density_grid(self.xlim)
        ax0, ax1 = self.ax_cdf, self.ax_hist = self.fig.subplots(1, 2)
        self.fig.subplots_adjust(left=0.1, right=0.98, bottom=0.14, top=0.9, wspace=0.25)
        (cdf,) = ax0.plot([], [], color=DENSITY_COLOR, lw=2)
        orange = component_color(1)
        (path,) = ax0.plot([], [], color=orange, lw=1.5, marker="o", ms=5, markevery=[1])
        hist = _stairs(ax1, self.bins, self.xlim, color=SAMPLE_COLOR, **_FILL)
        (pdf,) = ax1.plot([], [], color=component_color(0), lw=2)
        xline = ax1.axvline(0, color=orange, lw=1.5)
        spans = [clip_span(ax, 0, 0) for ax in (ax0, ax0, ax1, ax1)]
        uspans = [clip_span(ax0, 0, 0, axis="y") for _ in range(2)]
        for ax in (ax0, ax1):
            ax.set_xlim(*self.xlim)
        ax0.set_ylim(0, 1)
        _frame(ax0, "x", "u = F(x)")
        _frame(ax1, "x", "density")
        self._set_artists(
            {
                "cdf": cdf,
                "path": path,
                "hist": hist,
                "pdf": pdf,
                "xline": xline,
                "clip": spans,
                "u_clip": uspans,
                "cdf_key": _key(ax0, "", loc="left"),
                "hist_key": _key(ax1, "bars: samples\nline: p(x)"),
                "cdf_title": _title(ax0),
                "hist_title": _title(ax1),
            }
        )
        self.samples = None

    def update(
        self, mu=0.0, s=1.0, u=0.8, n=100_000, seed=0, *, eps=1e-5, xlim=None, logit_scale=False
    ):
        """Redraw for μ, s, the traced u ∈ (0, 1), n samples from ``seed`` and ε; returns self.

        Args:
            mu: location μ.
            s: scale s > 0.
            u: the uniform value traced through the CDF, in (0, 1).
            n: number of samples, 1 <= n <= 10^7.
            seed: seed of the ``torch.Generator``, an integer >= 0.
            eps: uniform clipping ε in (0, 0.5).
            xlim: None (keep the current x range), ``"auto"`` (fit μ ± 6.91 s, or μ ± 14 s
                with ``logit_scale``; kept while it still fits and is at most twice as wide as
                needed), or a pair (lo, hi).
            logit_scale: logit-scaled u axis on the left, from 10^-7 (or ε/10 if smaller) to
                1 - 10^-7: the CDF becomes a straight line and the excluded u < ε, u > 1 - ε
                become visible bands.

        Raises:
            ValueError: s <= 0, u outside (0, 1), n outside [1, 10^7], seed < 0, ε outside
                (0, 0.5), a bad xlim.
            TypeError: n or seed not an integer, μ, s, u or ε not a real number.
        """
        mu, s = scalar_params(mu, s)
        u = check_real_scalar("u", u)
        if not 0 < u < 1:
            raise ValueError(f"u must be in the open interval (0, 1), got u = {u!r}")
        eps = check_eps(eps)
        reach = 14.0 if logit_scale else _Q999
        lo, hi = self._resolve_xlim(
            xlim, lambda: (mu - reach * s, mu + reach * s), None, bool(logit_scale)
        )
        with _one_torch_thread():
            x = sample_logistic_np(mu, s, n, seed, eps)
        xu = float(logistic.logistic_ppf(u, mu, s))
        self.x = g = density_grid(self.xlim, [mu], [s])
        ulo = min(1e-7, 10.0 ** (math.floor(math.log10(eps)) - 1)) if logit_scale else 0.0
        ylim = (ulo, 1.0 - ulo)
        a = self._artists
        F = logistic.logistic_cdf(g, mu, s)
        a["cdf"].set_data(g, np.clip(F, *ylim) if logit_scale else F)
        a["path"].set_data([lo, xu, xu], [u, u, ylim[0]])
        heights, edges = histogram(x, self.bins, self.xlim)
        a["hist"].set_data(heights, edges)
        y = logistic.logistic_pdf(g, mu, s)
        a["pdf"].set_data(g, y)
        a["xline"].set_xdata([xu, xu])
        for ax in (self.ax_cdf, self.ax_hist):
            ax.set_xlim(lo, hi)
        if logit_scale and self.ax_cdf.get_yscale() != "logit":
            self.ax_cdf.set_ylim(*ylim)
            self.ax_cdf.set_yscale("logit")
            self.ax_cdf.yaxis.set_minor_locator(NullLocator())
            self.ax_cdf.yaxis.set_major_formatter(LogitFormatter(one_half="0.5"))
        elif not logit_scale and self.ax_cdf.get_yscale() != "linear":
            self.ax_cdf.set_yscale("linear")
            self.ax_cdf.yaxis.set_major_locator(MaxNLocator(5))
        self.ax_cdf.set_ylim(*ylim)
        top = nice_ceiling(1.08 * max(float(y.max()), float(heights.max())))
        self.ax_hist.set_ylim(0, top)
        b = float(sampling.truncation_bound(eps))
        for i in (0, 2):
            set_span(a["clip"][i], lo, mu - b * s)
            set_span(a["clip"][i + 1], mu + b * s, hi)
        set_span(a["u_clip"][0], ylim[0], eps, axis="y")
        set_span(a["u_clip"][1], 1 - eps, ylim[1], axis="y")
        in_view = lo < mu - b * s or mu + b * s < hi
        never = f"|x - μ| > {b:.2f} s"
        if logit_scale:
            never += ", u < ε, u > 1 - ε"
        a["cdf_key"].set_text(
            f"red: never drawn ({never})" if in_view else f"never drawn: {never} (beyond the view)"
        )
        _place_key(a["hist_key"], self.ax_hist, g, y, (0.0, top), False)
        a["cdf_title"].set_text(f"u = {u:.3f} → x = {xu:.4g}")
        zmax = float(np.max(np.abs(x - mu))) / s
        a["hist_title"].set_text(f"max |x-μ|/s = {zmax:.2f} < {b:.2f}")
        self.samples = x
        self.params = {
            "mu": mu,
            "s": s,
            "u": u,
            "n": x.size,
            "seed": seed,
            "eps": eps,
            "xlim": self.xlim,
            "logit_scale": bool(logit_scale),
        }
        return self


class DiscretizedExplorerFigure(_ExplorerFigure):
    """Discretized-likelihood explorer: bin probabilities at N = 2^bits classes, and an edge zoom.

    Left: P_j / width from :func:`molviz.mixture.discretized_mixture_probs` on the whole grid
    over p(x), with the two edge bins (which absorb the tails) in red. The y range fits the
    interior bins and p(x); an edge bin that reaches above it is cut at the top and labelled
    with its mass (at 16 bit the edge bins are 3·10^-5 wide and thousands of units tall). p(x)
    is drawn on a grid refined around narrow components, so a component at log s = -9 shows
    its true peak. Right, on the same y scale: the bins next to x = +1 (or, with ``edge=-1``,
    x = -1) one by one, and the vocoder loss's ``x > threshold`` (``x < -threshold``) edge test
    (grey), with the number of bin centres beyond it in the title (1 at 8 bit, 33 at 16 bit).

    Args:
        K_max: largest number of components, 1 <= K_max <= 10.
        zoom_bins: minimum number of bins in the zoom panel.
        figsize: figure size in inches.
        dpi: resolution of the figure (and of its PNG).

    See the book chapter ``book/training.md``.
    """

    def __init__(self, K_max=3, *, zoom_bins=8, figsize=(9.0, 3.6), dpi=100):
        super().__init__(figsize, dpi)
        self.K_max = check_int("K_max", K_max, 1, 10)
        self.zoom_bins = check_int("zoom_bins", zoom_bins, 2)
        self.x = density_grid((-1.1, 1.1), num=801)
        ax0, ax1 = self.ax_full, self.ax_zoom = self.fig.subplots(1, 2, width_ratios=[1.5, 1])
        self.fig.subplots_adjust(left=0.07, right=0.98, bottom=0.14, top=0.84, wspace=0.22)
        blue = {"color": component_color(0), "alpha": 0.55, **_FILL}
        red = {"facecolor": (0.84, 0.15, 0.16, 0.6), "edgecolor": CLIP_COLOR, "lw": 1.0}
        bins = _stairs(ax0, 1, (-1, 1), **blue)
        edge = [_stairs(ax0, 1, (-1, 1), fill=True, **red) for _ in range(2)]
        (pdf,) = ax0.plot([], [], color=DENSITY_COLOR, lw=1.4)
        beyond = clip_span(ax1, 0, 0, color="#999999", alpha=0.2)
        zbins = _stairs(ax1, 1, (0, 1), **blue)
        seps = ax1.vlines([], [], [], color="white", lw=0.6)
        zedge = _stairs(ax1, 1, (0, 1), fill=True, **red)
        (zpdf,) = ax1.plot([], [], color=DENSITY_COLOR, lw=1.4)
        thr = ax1.axvline(1.0, color="black", ls=":", lw=1.2)
        zoom_note = ax1.text(
            0, 0, "", ha="right", va="top", fontsize=_KEY_FONTSIZE, color=CLIP_COLOR
        )
        ax0.set_xlim(-1.1, 1.1)
        _frame(ax0, "x", "P(bin) / bin width")
        _frame(ax1, "x (next to +1)", "P(bin) / bin width")
        ax1.xaxis.set_major_locator(MaxNLocator(3))
        key = ax0.text(  # above the panel: inside, it would cover the edge bin at -1
            0.0,
            1.02,
            "",
            transform=ax0.transAxes,
            va="bottom",
            fontsize=_KEY_FONTSIZE,
            color="#333333",
        )
        self._set_artists(
            {
                "bins": bins,
                "edge_bins": edge,
                "pdf": pdf,
                "key": key,
                "beyond": beyond,
                "zoom_bins": zbins,
                "zoom_separators": seps,
                "zoom_edge": zedge,
                "zoom_pdf": zpdf,
                "threshold": thr,
                "zoom_note": zoom_note,
                "title": self.fig.suptitle("", fontsize=11, y=0.985),
                "zoom_title": ax1.set_title("", y=1.0, fontsize=10.5),
            }
        )
        self._edge = 1
        self.probs = None

    def update(self, pi, mu, s, bits=8, *, threshold=0.999, edge=1):
        """Redraw for a mixture (π, μ, s each (K,)) on N = 2^bits classes; returns self.

        Args:
            pi: mixture weights π, shape (K,), non-negative, summing to 1.
            mu: locations μ, shape (K,).
            s: scales s > 0, shape (K,).
            bits: bit depth, 1 … 16 (N = 2 … 65536 classes).
            threshold: the loss's edge test t in (0, 1): bins with centre > t (or < -t) are
                counted.
            edge: 1 to zoom on the bins next to x = +1, -1 for those next to x = -1.

        Raises:
            ValueError: invalid mixture, K out of [1, K_max], bits outside [1, 16], threshold
                outside (0, 1), edge not ±1.
            TypeError: bits not an integer, parameters not real numbers.
        """
        pi, mu, s, _ = mixture_params(pi, mu, s, self.K_max)
        bits = check_int("bits", bits, 1, 16)
        thr = check_threshold(threshold)
        if isinstance(edge, bool) or edge not in (1, -1):
            raise ValueError(f"edge must be 1 (zoom at x = +1) or -1 (x = -1), got {edge!r}")
        N = 2**bits
        probs = mixture.discretized_mixture_probs(pi, mu, s, N)  # (N,)
        edges = bin_edges(N)  # (N + 1,)
        width = 2.0 / (N - 1)
        dens = probs / width  # (N,)
        a = self._artists
        # full range: interior bins, edge bins cut at the top of the interior's range
        a["bins"].set_visible(N > 2)
        if N > 2:
            a["bins"].set_data(*coarsen_bins(probs[1:-1], edges[1:-1]))
        self.x = g = density_grid((-1.1, 1.1), mu, s, 801)
        y = mixture.mixture_pdf(g, pi, mu, s)
        a["pdf"].set_data(g, y)
        top = nice_ceiling(1.15 * max(float(y.max()), float(dens[1:-1].max(initial=0.0))))
        self.ax_full.set_ylim(0, top)
        a["edge_bins"][0].set_data(dens[:1], edges[:2])
        a["edge_bins"][1].set_data(dens[-1:], edges[-2:])
        a["key"].set_text(
            f"blue: P(bin) / width    red: edge bins, P = {probs[0]:.3g} and {probs[-1]:.3g}"
            "    line: p(x)"
        )
        # zoom next to the chosen edge: every bin, the edge test's region, the edge bin
        j0, (lo, hi) = zoom_window(N, self.zoom_bins, thr)  # bins j0 … N-1 next to +1
        if edge == 1:
            zd, ze, ed, ee = dens[j0:-1], edges[j0:-1], dens[-1:], edges[-2:]
            view, grey, t = (lo, hi + width), (thr, hi + width), thr
            note_x, ha = edges[-2], "right"
        else:  # the mirror image: bins 0 … N-1-j0 next to -1
            m = N - 1 - j0
            zd, ze, ed, ee = dens[1 : m + 1], edges[1 : m + 2], dens[:1], edges[:2]
            view, grey, t = (-hi - width, -lo), (-hi - width, -thr), -thr
            note_x, ha = edges[1], "left"
        a["zoom_bins"].set_visible(zd.size > 0)
        a["zoom_separators"].set_segments(separator_segments(zd, ze))
        if zd.size:
            a["zoom_bins"].set_data(zd, ze)
        a["zoom_edge"].set_data(ed, ee)
        xz = density_grid(view, mu, s, 200)
        a["zoom_pdf"].set_data(xz, mixture.mixture_pdf(xz, pi, mu, s))
        if edge != self._edge:
            self.ax_zoom.set_xlabel(f"x (next to {'+1' if edge == 1 else '-1'})")
            self.fig.canvas.invalidate()
            self._edge = edge
        self.ax_zoom.set_xlim(*view)  # one empty bin beyond the edge bin
        self.ax_zoom.set_ylim(0, top)  # the left panel's scale: bars compare across panels
        note = a["zoom_note"]
        note.set_visible(bool(ed[0] > top))
        note.set_position((note_x, 0.98 * top))
        note.set_horizontalalignment(ha)
        note.set_text(edge_bin_label(float(probs[-1] if edge == 1 else probs[0])))
        a["threshold"].set_xdata([t, t])
        set_span(a["beyond"], *grey)
        test = f"x > {thr:g}" if edge == 1 else f"x < -{thr:g}"
        a["zoom_title"].set_text(f"{test} (grey): {bins_beyond(N, thr)} bin(s)")
        a["title"].set_text(f"N = 2^{bits} = {N} classes, bin width 2/(N-1) = {width:.3g}")
        self.probs = probs
        self.params = {
            "pi": pi,
            "mu": mu,
            "s": s,
            "bits": bits,
            "threshold": thr,
            "edge": edge,
        }
        return self
