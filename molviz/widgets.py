"""Slider explorers for Jupyter and Colab: thin ipywidgets wrappers around the explorer figures.

Each ``*_explorer(...)`` builds sliders, connects them with ``ipywidgets.interactive_output``
to a callback that calls the matching explorer figure's ``update(...)`` (molviz's samplers,
10^5 samples by default) and shows the redrawn figure as a PNG in an ``ipywidgets.Image``.
The figure object is created once and updated in place; it is not a pyplot figure, so nothing
leaks and the inline backend never shows it twice. Errors raised by a callback appear in the
explorer's output area under the image.

The returned :class:`molviz.widgets.Explorer` renders as the live widget in Jupyter/Colab; its
``_repr_mimebundle_`` also carries ``image/png`` (the initial state) and ``text/plain``, which a
static site (no kernel, no widget JavaScript) shows instead. Works with ipywidgets 7.7 (Colab)
and 8.x.

See the book chapters ``book/logistic.md``, ``book/mixtures.md``, ``book/gumbel_max.md``,
``book/inversion.md`` and ``book/training.md``.
"""

from __future__ import annotations

import base64
import math

import ipywidgets as widgets
import numpy as np

from molviz import mixture
from molviz._explorer_figures import (
    DiscretizedExplorerFigure,
    GumbelExplorerFigure,
    InversionExplorerFigure,
    LogisticExplorerFigure,
    MixtureExplorerFigure,
)
from molviz._style import check_int, component_color, nice_ceiling, subscript
from molviz._validate import as_float_array, check_real_scalar

__all__ = [
    "Explorer",
    "discretized_explorer",
    "gumbel_explorer",
    "inversion_explorer",
    "logistic_explorer",
    "mixture_explorer",
]

#: sample counts offered by the ``n`` slider.
SAMPLE_COUNTS = (1_000, 3_000, 10_000, 30_000, 100_000, 300_000, 1_000_000)
_STYLE = {"description_width": "initial"}
VIEW_MIME = "application/vnd.jupyter.widget-view+json"


class Explorer:
    """A live explorer: sliders, the explorer figure they drive, and its PNG view.

    Attributes:
        figure: the explorer figure (e.g. :class:`molviz.plotting.MixtureExplorerFigure`).
        controls: dict name -> ipywidgets control, the keyword arguments of ``callback``.
        image: ``ipywidgets.Image`` showing the current figure.
        output: the ``interactive_output`` area (shows a callback's errors).
        widget: the whole ``ipywidgets.VBox``.
        callback: ``callback(**values)``, one keyword per control: updates the figure and image.

    Display it (last expression of a cell) to get the live widget in Jupyter or Colab; a
    static renderer gets the ``image/png`` of the initial state instead.

    See the book chapter ``book/logistic.md`` (how the explorers work on the site and in Colab).
    """

    def __init__(self, name, figure, controls, rows, to_kwargs):
        self.name = name
        self.figure = figure
        self.controls = dict(controls)
        self._to_kwargs = to_kwargs
        self.image = widgets.Image(format="png")
        self.output = widgets.interactive_output(self.callback, self.controls)
        self.widget = widgets.VBox([*rows, self.image, self.output])
        self._initial_png = self.image.value

    def callback(self, **values):
        """Update the figure from control values (one keyword per control) and the image."""
        self.figure.update(**self._to_kwargs(values))
        self.image.value = self.figure.to_png()

    def values(self):
        """Current control values, as passed to ``callback``."""
        return {k: w.value for k, w in self.controls.items()}

    def _repr_mimebundle_(self, include=None, exclude=None):
        data = {
            VIEW_MIME: {"version_major": 2, "version_minor": 0, "model_id": self.widget.model_id},
            "image/png": base64.b64encode(self._initial_png).decode("ascii"),
            "text/plain": f"<molviz {self.name}: run the notebook (Jupyter or Colab) to use "
            f"the sliders>",
        }
        if include:
            data = {k: v for k, v in data.items() if k in include}
        if exclude:
            data = {k: v for k, v in data.items() if k not in exclude}
        return data

    def __repr__(self):
        return f"<molviz {self.name}>"

    def close(self):
        """Close all widgets of the explorer (their front-end views disappear)."""
        for w in (*self.controls.values(), self.image, self.output, self.widget):
            w.close()


# --------------------------------------------------------------------------------------
# controls
# --------------------------------------------------------------------------------------


def _in_range(name, value, lo, hi):
    v = check_real_scalar(name, value)
    if not lo <= v <= hi:
        raise ValueError(f"{name} must be in [{lo:g}, {hi:g}] (the slider's range), got {v!r}")
    return v


def _slider(desc, value, lo, hi, step, fmt=".2f", name=None):
    value = _in_range(name or desc, value, lo, hi)
    return widgets.FloatSlider(
        value=value,
        min=lo,
        max=hi,
        step=step,
        description=desc,
        readout_format=fmt,
        continuous_update=True,
        style=_STYLE,
    )


def _log_slider(desc, value, lo, hi, fmt=".3g", name=None):
    value = _in_range(name or desc, value, lo, hi)
    a, b = math.log10(lo), math.log10(hi)
    return widgets.FloatLogSlider(
        value=value,
        base=10,
        min=a,
        max=b,
        step=(b - a) / 100,
        description=desc,
        readout_format=fmt,
        continuous_update=True,
        style=_STYLE,
    )


def _n_slider(n):
    if n not in SAMPLE_COUNTS:
        raise ValueError(f"n must be one of {SAMPLE_COUNTS} (the slider's values), got {n!r}")
    return widgets.SelectionSlider(
        options=[(f"{v:,}", v) for v in SAMPLE_COUNTS],
        value=n,
        description="n samples",
        continuous_update=False,
        style=_STYLE,
    )


def _seed_slider(seed):
    seed = check_int("seed", seed, 0, 99)
    return widgets.IntSlider(
        value=seed, min=0, max=99, description="seed", continuous_update=False, style=_STYLE
    )


def _swatch(k):
    return widgets.HTML(
        f'<b style="color:{component_color(k)}">k = {k}</b>', layout=widgets.Layout(width="3.5em")
    )


def _component_values(name, given, default, K):
    """Per-component start values: ``given`` (length K) or ``default``, padded to K_max."""
    if given is None:
        return list(default)
    arr = as_float_array(name, given)
    if arr.shape != (K,):
        raise ValueError(f"{name} must have shape (K,) = ({K},), got shape {arr.shape}")
    return [*arr.tolist(), *default[K:]]


def _component_rows(K, K_max, specs):
    """One HBox per component k < K_max with the sliders of ``specs``; rows k >= K hidden.

    specs: list of (key, make(k) -> widget). Returns (controls dict, rows list).
    """
    controls, rows = {}, []
    for k in range(K_max):
        ws = []
        for key, make in specs:
            w = make(k)
            controls[f"{key}{k}"] = w
            ws.append(w)
        rows.append(widgets.HBox([_swatch(k), *ws]))
    _show_rows(rows, K)
    return controls, rows


def _show_rows(rows, K):
    for k, row in enumerate(rows):
        row.layout.display = None if k < K else "none"


def _k_slider(K, K_max, rows):
    w = widgets.IntSlider(
        value=K, min=1, max=K_max, description="K components", continuous_update=False, style=_STYLE
    )
    w.observe(lambda change: _show_rows(rows, change["new"]), "value")
    return w


def _check_K(K, K_max):
    K_max = check_int("K_max", K_max, 1, 10)
    return check_int("K", K, 1, K_max), K_max


def _mixture_controls(K, K_max, start, *, mu_range, mu_step, scale):
    """The K slider and one row of logit, μ and scale sliders per component k = 0 … K_max-1.

    start: (logits, mu, scales) given by the caller, each None or of shape (K,), and the
    defaults (mu_spread, mu_one, scale0): K > 1 locations spread evenly over mu_spread, a single
    one at mu_one, all scales scale0. scale: ("s", (lo, hi)) for a logarithmic slider of s, or
    ("log_s", (lo, hi)) for a linear slider of log s. Returns (controls, rows).
    """
    (logits, mu, scales), (spread, mu_one, scale0) = start
    scale_key, scale_range = scale
    mv0 = np.linspace(*spread, K) if K > 1 else np.array([mu_one])
    lv = _component_values("logits", logits, [0.0] * K_max, K)
    mv = _component_values("mu", mu, [*mv0.tolist(), *([0.0] * (K_max - K))], K)
    sv = _component_values(scale_key, scales, [scale0] * K_max, K)
    if scale_key == "log_s":

        def scale_slider(k):
            return _slider(f"log s{subscript(k)}", sv[k], *scale_range, 0.01, name=f"log_s[{k}]")
    else:

        def scale_slider(k):
            return _log_slider(f"s{subscript(k)}", sv[k], *scale_range, name=f"s[{k}]")

    specs = [
        (
            "logit",
            lambda k: _slider(f"a{subscript(k)}", lv[k], -8.0, 8.0, 0.1, name=f"logits[{k}]"),
        ),
        ("mu", lambda k: _slider(f"μ{subscript(k)}", mv[k], *mu_range, mu_step, name=f"mu[{k}]")),
        (scale_key, scale_slider),
    ]
    controls, rows = _component_rows(K, K_max, specs)
    controls["K"] = _k_slider(K, K_max, rows)
    return controls, rows


def _mixture_kwargs(v):
    """(π, μ, s) of the first K components from control values; π = softmax(logits).

    The scale comes from the ``s{k}`` sliders or, where there are none, from ``log_s{k}``.
    """
    ks = range(v["K"])
    if "s0" in v:
        s = [v[f"s{k}"] for k in ks]
    else:
        s = np.exp([v[f"log_s{k}"] for k in ks]).tolist()
    return {
        "pi": mixture.softmax(np.array([v[f"logit{k}"] for k in ks])),
        "mu": [v[f"mu{k}"] for k in ks],
        "s": s,
    }


def _start_log_scales(log_s, s, K):
    """log s start values from ``log_s`` or (converted) ``s``; at most one of them may be given."""
    if s is None:
        return log_s
    if log_s is not None:
        raise ValueError("give log_s or s (converted to log s), not both")
    arr = as_float_array("s", s)
    if arr.shape != (K,):
        raise ValueError(f"s must have shape (K,) = ({K},), got shape {arr.shape}")
    if not np.all(arr > 0):
        raise ValueError(
            f"s must be > 0 (scales of the components), got min(s) = {float(arr.min())!r}"
        )
    return np.log(arr)


def _fitted_xlim(pi, mu, s):
    """Symmetric x range [-w, w] holding the central 99.8 % of a mixture, w a round number."""
    q = mixture.mixture_ppf(np.array([1e-3, 1 - 1e-3]), pi, mu, s)
    w = nice_ceiling(1.1 * float(np.max(np.abs(q))))
    return (-w, w)


# --------------------------------------------------------------------------------------
# the explorers
# --------------------------------------------------------------------------------------


def logistic_explorer(mu=0.0, s=1.0, *, n=100_000, seed=0, gaussian=True, logy=False):
    """Logistic explorer: μ and s sliders, histogram of inversion samples over the density.

    Args:
        mu: start value of μ, in [-5, 5].
        s: start value of the scale s, in [0.1, 5].
        n: sample count, one of ``SAMPLE_COUNTS``.
        seed: generator seed in [0, 99].
        gaussian: show the Gaussian of equal variance (checkbox).
        logy: log-scale y axis (checkbox), to compare the tails.

    Returns:
        :class:`molviz.widgets.Explorer` around :class:`molviz.plotting.LogisticExplorerFigure`.

    Raises:
        ValueError: a start value outside its slider's range.

    See the book chapter ``book/logistic.md``.
    """
    controls = {
        "mu": _slider("μ (location)", mu, -5.0, 5.0, 0.05, name="mu"),
        "s": _log_slider("s (scale)", s, 0.1, 5.0, name="s"),
        "n": _n_slider(n),
        "seed": _seed_slider(seed),
        "gaussian": widgets.Checkbox(value=bool(gaussian), description="Gaussian, same variance"),
        "logy": widgets.Checkbox(value=bool(logy), description="log y axis"),
    }
    c = controls
    rows = [
        widgets.HBox([c["mu"], c["s"]]),
        widgets.HBox([c["n"], c["seed"]]),
        widgets.HBox([c["gaussian"], c["logy"]]),
    ]
    return Explorer("logistic explorer", LogisticExplorerFigure(), controls, rows, dict)


def mixture_explorer(
    K=3, *, K_max=6, logits=None, mu=None, log_s=None, s=None, n=100_000, seed=0, xlim=None
):
    """Mixture explorer: K and per-component logit/μ/log s sliders, samples coloured by component.

    The weights are π = softmax(logits) (logit sliders keep Σπ = 1 automatically); the scales
    are set by log s, the quantity a network emits, on [-7, 1] (s from 0.0009 to 2.7), which
    reaches the narrow components of a trained vocoder (log s often -7 … -3 for audio in
    [-1, 1]). Each move draws n samples with molviz's two-stage sampler and stacks their
    histogram by the component that produced them over the mixture density and the weighted
    components.

    Args:
        K: number of components shown at the start, 1 <= K <= K_max.
        K_max: number of component slider rows (the K slider's maximum), <= 10.
        logits: start logits a, shape (K,), each in [-8, 8] (default all 0: equal weights).
        mu: start locations μ, shape (K,), each in [-5, 5] (default spread over [-3, 3]; 0 for
            K = 1).
        log_s: start log-scales log s, shape (K,), each in [-7, 1] (default log 0.6).
        s: start scales s > 0 instead of ``log_s`` (converted to log s; the same range).
        n: sample count, one of ``SAMPLE_COUNTS``.
        seed: generator seed in [0, 99].
        xlim: x range (lo, hi) of the plot, fixed while the sliders move; default: the
            symmetric range, on a round number, that holds the central 99.8 % of the start
            mixture ([-1, 1] for the running example of book/mixtures.md).

    Returns:
        :class:`molviz.widgets.Explorer` around :class:`molviz.plotting.MixtureExplorerFigure`.

    Raises:
        ValueError: K or K_max out of range, start values of the wrong shape or outside the
            slider ranges, both log_s and s given, s <= 0, a bad xlim.
        TypeError: K or K_max not an integer.

    See the book chapter ``book/mixtures.md``.
    """
    K, K_max = _check_K(K, K_max)
    controls, comp_rows = _mixture_controls(
        K,
        K_max,
        ((logits, mu, _start_log_scales(log_s, s, K)), ((-3.0, 3.0), 0.0, math.log(0.6))),
        mu_range=(-5.0, 5.0),
        mu_step=0.01,
        scale=("log_s", (-7.0, 1.0)),
    )
    controls.update(n=_n_slider(n), seed=_seed_slider(seed))
    rows = [widgets.HBox([controls["K"], controls["n"], controls["seed"]]), *comp_rows]

    def to_kwargs(v):
        return {**_mixture_kwargs(v), "n": v["n"], "seed": v["seed"]}

    if xlim is None:
        xlim = _fitted_xlim(**_mixture_kwargs({k: w.value for k, w in controls.items()}))
    fig = MixtureExplorerFigure(K_max, xlim=xlim)
    return Explorer(f"mixture explorer (K = {K})", fig, controls, rows, to_kwargs)


def gumbel_explorer(
    logits=(2.0, 1.0, 0.0, -1.0), *, K_max=6, n=100_000, seed=0, eps=1e-5, temperature=1.0
):
    """Gumbel-max explorer: logit, τ and ε sliders; frequencies vs softmax and the clipped noise.

    Args:
        logits: start logits, shape (K,) with 1 <= K <= K_max, each in [-16, 16].
        K_max: number of logit slider rows, <= 10.
        n: number of draws, one of ``SAMPLE_COUNTS``.
        seed: generator seed in [0, 99].
        eps: start value of the uniform clipping ε, in [1e-8, 0.1].
        temperature: start value of τ, in [0.1, 10].

    Returns:
        :class:`molviz.widgets.Explorer` around :class:`molviz.plotting.GumbelExplorerFigure`.

    Raises:
        ValueError: K out of range, start values outside the slider ranges.
        TypeError: start values not real numbers.

    See the book chapter ``book/gumbel_max.md``.
    """
    arr = as_float_array("logits", logits)
    if arr.ndim != 1:
        raise ValueError(f"logits must be 1-D of shape (K,), got shape {arr.shape}")
    K, K_max = _check_K(arr.shape[0], K_max)
    lv = [*arr.tolist(), *([0.0] * (K_max - K))]
    specs = [
        (
            "logit",
            lambda k: _slider(f"a{subscript(k)}", lv[k], -16.0, 16.0, 0.1, name=f"logits[{k}]"),
        )
    ]
    controls, comp_rows = _component_rows(K, K_max, specs)
    k_slider = _k_slider(K, K_max, comp_rows)
    controls.update(
        K=k_slider,
        temperature=_log_slider("τ (temperature)", temperature, 0.1, 10.0, name="temperature"),
        eps=_log_slider("ε (uniform clip)", eps, 1e-8, 0.1, fmt=".1e", name="eps"),
        n=_n_slider(n),
        seed=_seed_slider(seed),
    )
    c = controls
    rows = [
        widgets.HBox([k_slider, c["temperature"], c["eps"]]),
        widgets.HBox([c["n"], c["seed"]]),
        *comp_rows,
    ]

    def to_kwargs(v):
        return {
            "logits": [v[f"logit{j}"] for j in range(v["K"])],
            "n": v["n"],
            "seed": v["seed"],
            "eps": v["eps"],
            "temperature": v["temperature"],
        }

    return Explorer("Gumbel-max explorer", GumbelExplorerFigure(K_max), controls, rows, to_kwargs)


def inversion_explorer(mu=0.0, s=1.0, u=0.8, *, n=100_000, seed=0, eps=1e-5):
    """Inversion explorer: trace u through the CDF; histogram of x = μ + s·logit(u) samples.

    Args:
        mu: start value of μ, in [-5, 5].
        s: start value of the scale s, in [0.1, 3].
        u: start value of the traced uniform, in [0.001, 0.999].
        n: sample count, one of ``SAMPLE_COUNTS``.
        seed: generator seed in [0, 99].
        eps: start value of the clipping ε, in [1e-8, 0.1].

    Returns:
        :class:`molviz.widgets.Explorer` around :class:`molviz.plotting.InversionExplorerFigure`.

    Raises:
        ValueError: a start value outside its slider's range.

    See the book chapter ``book/inversion.md``.
    """
    controls = {
        "mu": _slider("μ (location)", mu, -5.0, 5.0, 0.05, name="mu"),
        "s": _log_slider("s (scale)", s, 0.1, 3.0, name="s"),
        "u": _slider("u (uniform)", u, 0.001, 0.999, 0.001, fmt=".3f", name="u"),
        "eps": _log_slider("ε (uniform clip)", eps, 1e-8, 0.1, fmt=".1e", name="eps"),
        "n": _n_slider(n),
        "seed": _seed_slider(seed),
    }
    c = controls
    rows = [widgets.HBox([c["mu"], c["s"], c["u"]]), widgets.HBox([c["eps"], c["n"], c["seed"]])]
    return Explorer("inversion explorer", InversionExplorerFigure(), controls, rows, dict)


def discretized_explorer(K=2, *, K_max=3, logits=None, mu=None, s=None, bits=8):
    """Discretized-likelihood explorer: a mixture's bin probabilities at 2^bits classes.

    Sliders for the bit depth (2 … 16, i.e. 4 … 65536 classes) and per component logit, μ and
    s; shows the bin masses with the tail-absorbing edge bins and a zoom on the edge next to
    x = 1 with the vocoder's ``x > 0.999`` test.

    Args:
        K: number of components at the start, 1 <= K <= K_max.
        K_max: number of component slider rows (the K slider's maximum), <= 10.
        logits: start logits (K,), in [-8, 8]; default 0.
        mu: start locations (K,), in [-1.5, 1.5]; default spread over [-0.5, 0.9]
            (0.9 for K = 1).
        s: start scales (K,), in [0.001, 1]; default 0.1.
        bits: start bit depth in [2, 16].

    Returns:
        :class:`molviz.widgets.Explorer` around :class:`molviz.plotting.DiscretizedExplorerFigure`.

    Raises:
        ValueError: K or bits out of range, start values of the wrong shape or outside the
            slider ranges.
        TypeError: K or bits not an integer.

    See the book chapter ``book/training.md``.
    """
    K, K_max = _check_K(K, K_max)
    bits = check_int("bits", bits, 2, 16)
    controls, comp_rows = _mixture_controls(
        K,
        K_max,
        ((logits, mu, s), ((-0.5, 0.9), 0.9, 0.1)),
        mu_range=(-1.5, 1.5),
        mu_step=0.01,
        scale=("s", (1e-3, 1.0)),
    )
    bits_slider = widgets.IntSlider(
        value=bits,
        min=2,
        max=16,
        description="bits (N = 2^bits)",
        continuous_update=False,
        style=_STYLE,
    )
    controls["bits"] = bits_slider
    rows = [widgets.HBox([controls["K"], bits_slider]), *comp_rows]

    def to_kwargs(v):
        return {**_mixture_kwargs(v), "bits": v["bits"]}

    fig = DiscretizedExplorerFigure(K_max)
    return Explorer("discretized-likelihood explorer", fig, controls, rows, to_kwargs)
