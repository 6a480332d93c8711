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
from molviz._style import check_int, check_xlim, component_color, subscript
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

    def __init__(self, name, figure, controls, rows, to_kwargs, *, busy=None):
        self.name = name
        self.figure = figure
        self.controls = dict(controls)
        self._to_kwargs = to_kwargs
        self._busy = busy  # () -> True while controls are being rearranged: skip the redraw
        self.image = widgets.Image(format="png")
        self.output = widgets.interactive_output(self.callback, self.controls)
        self.widget = widgets.VBox([*rows, self.image, self.output])
        self._initial_png = self.image.value

    def callback(self, **values):
        """Update the figure from control values (one keyword per control) and the image."""
        if self._busy is not None and self._busy():
            return
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


def _mixture_controls(K, K_max, start, *, mu_range, mu_step, log_s_range, mu_fmt=".2f"):
    """The K slider and one row of logit a, μ and log s sliders per component k = 0 … K_max-1.

    start: (logits, mu, log_s) given by the caller, each None or of shape (K,), and the
    defaults (mu_spread, mu_one, log_s0): K > 1 locations spread evenly over mu_spread, a single
    one at mu_one, all log-scales log_s0. Returns (controls, rows).
    """
    (logits, mu, log_s), (spread, mu_one, log_s0) = start
    mv0 = np.linspace(*spread, K) if K > 1 else np.array([mu_one])
    lv = _component_values("logits", logits, [0.0] * K_max, K)
    mv = _component_values("mu", mu, [*mv0.tolist(), *([0.0] * (K_max - K))], K)
    sv = _component_values("log_s", log_s, [log_s0] * K_max, K)
    specs = [
        (
            "logit",
            lambda k: _slider(f"a{subscript(k)}", lv[k], -8.0, 8.0, 0.1, name=f"logits[{k}]"),
        ),
        (
            "mu",
            lambda k: _slider(
                f"μ{subscript(k)}", mv[k], *mu_range, mu_step, fmt=mu_fmt, name=f"mu[{k}]"
            ),
        ),
        (
            "log_s",
            lambda k: _slider(
                f"log s{subscript(k)}", sv[k], *log_s_range, 0.01, name=f"log_s[{k}]"
            ),
        ),
    ]
    controls, rows = _component_rows(K, K_max, specs)
    controls["K"] = _k_slider(K, K_max, rows)
    return controls, rows


def _mixture_kwargs(v):
    """(π, μ, s) of the first K components from control values: π = softmax(a), s = exp(log s)."""
    ks = range(v["K"])
    return {
        "pi": mixture.softmax(np.array([v[f"logit{k}"] for k in ks])),
        "mu": [v[f"mu{k}"] for k in ks],
        "s": np.exp([v[f"log_s{k}"] for k in ks]).tolist(),
    }


def _start_log_scales(log_s, s, K):
    """log s start values (K,) from ``log_s`` or (converted) ``s``; at most one may be given."""
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


def _start_log_scale(log_s, s, lo, hi):
    """One log s start value in [lo, hi] from ``log_s`` or (converted) ``s``; default 0."""
    if s is None:
        return _in_range("log_s", 0.0 if log_s is None else log_s, lo, hi)
    if log_s is not None:
        raise ValueError("give log_s or s (converted to log s), not both")
    v = check_real_scalar("s", s)
    if not v > 0:
        raise ValueError(f"s must be > 0 (scale of the logistic), got s = {v!r}")
    lv = math.log(v)
    if not lo <= lv <= hi:
        raise ValueError(
            f"s must be in [e^{lo:g}, e^{hi:g}] = [{math.exp(lo):.3g}, {math.exp(hi):.3g}] "
            f"(log s on the slider's range [{lo:g}, {hi:g}]), got s = {v!r}"
        )
    return lv


#: half-widths w of the fixed x ranges [-w, w] offered by the "x range" control (as in the
#: in-browser explorers).
X_RANGES = (0.01, 0.1, 1.0, 3.0, 10.0, 30.0)


class _XRangeControl:
    """The "x range" dropdown: "auto" (fit), "component k" (mixtures), fixed [-w, w], or a given
    (lo, hi). Its values are passed unchanged as the explorer figures' ``xlim``.
    """

    def __init__(self, xlim=None, K=None):
        self.fixed = None
        self.value = "auto"
        if xlim is not None and not (isinstance(xlim, str) and xlim == "auto"):
            lo, hi = check_xlim(xlim)
            self.value = (lo, hi)
            if not (lo == -hi and hi in X_RANGES):
                self.fixed = (lo, hi)
        self.adjusting = False
        self.widget = widgets.Dropdown(
            options=self._options(K),
            value=self.value,
            description="x range",
            style=_STYLE,
            layout=widgets.Layout(width="16em"),
        )

    def _options(self, K):
        opts = [("auto (fit)", "auto")]
        if K is not None and K > 1:
            opts += [(f"component {k}", f"component {k}") for k in range(K)]
        opts += [(f"±{w:g}" + (" (audio)" if w == 1 else ""), (-w, w)) for w in X_RANGES]
        if self.fixed is not None:
            opts.append((f"[{self.fixed[0]:g}, {self.fixed[1]:g}]", self.fixed))
        return opts

    def set_K(self, K):
        """List the components 0 … K-1 (keeping the choice if it is still there)."""
        value = self.widget.value
        options = self._options(K)
        self.adjusting = True  # the explorer ignores the intermediate value changes
        try:
            self.widget.options = options
            self.widget.value = value if any(v == value for _, v in options) else "auto"
        finally:
            self.adjusting = False


def _xlim_for(value, K):
    """The figure's xlim from the control's value ("component k" with k >= K -> "auto")."""
    if isinstance(value, str) and value.startswith("component ") and int(value.split()[1]) >= K:
        return "auto"
    return value


# --------------------------------------------------------------------------------------
# the explorers
# --------------------------------------------------------------------------------------


#: range of every log s slider (the mixture, logistic and inversion explorers): from the floor
#: of the vocoder's loss, log s = -7 (s ≈ 0.0009), to log s = 1 (s ≈ 2.7).
LOG_S_RANGE = (-7.0, 1.0)


def logistic_explorer(
    mu=0.0, s=None, *, log_s=None, n=100_000, seed=0, gaussian=True, logy=False, xlim=None
):
    """Logistic explorer: μ and log s sliders, histogram of inversion samples over the density.

    The scale is set by log s, the quantity a network emits, on [-7, 1] (s from 0.0009 to 2.7);
    with the "x range" on "auto" the plot follows μ and s (μ ± 6.91 s, the central 99.8 %, or
    μ ± 14 s with the log y axis, which shows the tails and the clip bounds μ ± 11.51 s), so a
    component at vocoder scale looks like the standard one with other numbers on the x axis.

    Args:
        mu: start value of μ, in [-5, 5].
        s: start scale s > 0 instead of ``log_s`` (converted to log s; e^-7 <= s <= e).
        log_s: start value of log s, in [-7, 1] (default 0: s = 1).
        n: sample count, one of ``SAMPLE_COUNTS``.
        seed: generator seed in [0, 99].
        gaussian: show the Gaussian of equal variance (checkbox).
        logy: log-scale y axis (checkbox), to compare the tails.
        xlim: start choice of the "x range" control: None or "auto" (fitted), or a pair
            (lo, hi) (fixed; [-w, w] for w in ``X_RANGES`` are offered anyway).

    Returns:
        :class:`molviz.widgets.Explorer` around :class:`molviz.plotting.LogisticExplorerFigure`.

    Raises:
        ValueError: a start value outside its slider's range, both s and log_s given, a bad
            xlim.

    See the book chapter ``book/logistic.md``.
    """
    xr = _XRangeControl(xlim)
    controls = {
        "mu": _slider("μ (location)", mu, -5.0, 5.0, 0.01, name="mu"),
        "log_s": _slider(
            "log s (scale)", _start_log_scale(log_s, s, *LOG_S_RANGE), *LOG_S_RANGE, 0.01
        ),
        "n": _n_slider(n),
        "seed": _seed_slider(seed),
        "gaussian": widgets.Checkbox(value=bool(gaussian), description="Gaussian, same variance"),
        "logy": widgets.Checkbox(value=bool(logy), description="log y axis"),
        "xlim": xr.widget,
    }
    c = controls
    rows = [
        widgets.HBox([c["mu"], c["log_s"]]),
        widgets.HBox([c["n"], c["seed"]]),
        widgets.HBox([c["xlim"], c["gaussian"], c["logy"]]),
    ]

    def to_kwargs(v):
        return {**{k: x for k, x in v.items() if k != "log_s"}, "s": math.exp(v["log_s"])}

    return Explorer("logistic explorer", LogisticExplorerFigure(), controls, rows, to_kwargs)


def mixture_explorer(
    K=3,
    *,
    K_max=6,
    logits=None,
    mu=None,
    log_s=None,
    s=None,
    n=100_000,
    seed=0,
    xlim=None,
    logy=False,
):
    """Mixture explorer: K and per-component logit/μ/log s sliders, samples coloured by component.

    The weights are π = softmax(a) of the logits a (logit sliders keep Σπ = 1 automatically);
    the scales are set by log s, the quantity a network emits, on [-7, 1] (s from 0.0009 to
    2.7), which reaches the narrow components of a trained vocoder (log s often -7 … -3 for
    audio in [-1, 1]). Each move draws n samples with molviz's two-stage sampler and stacks
    their histogram by the component that produced them over the mixture density and the
    weighted components. The "x range" control fits the plot to the mixture ("auto", its
    central 99.8 %) or to one component ("component k", μ_k ± 6.91 s_k, which shows a
    component narrower than a histogram bar in full), or fixes it ([-w, w]); the "log y axis"
    checkbox shows narrow and wide components and the tails at once.

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
        xlim: start choice of the "x range" control: None or "auto" (fitted), or a pair
            (lo, hi), e.g. (-1, 1), the audio range (fixed while the sliders move).
        logy: start with a log-scale y axis.

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
        log_s_range=LOG_S_RANGE,
    )
    xr = _XRangeControl(xlim, K)
    controls["K"].observe(lambda change: xr.set_K(change["new"]), "value")
    controls.update(
        n=_n_slider(n),
        seed=_seed_slider(seed),
        xlim=xr.widget,
        logy=widgets.Checkbox(value=bool(logy), description="log y axis"),
    )
    c = controls
    rows = [
        widgets.HBox([c["K"], c["n"], c["seed"]]),
        widgets.HBox([c["xlim"], c["logy"]]),
        *comp_rows,
    ]

    def to_kwargs(v):
        return {
            **_mixture_kwargs(v),
            "n": v["n"],
            "seed": v["seed"],
            "xlim": _xlim_for(v["xlim"], v["K"]),
            "logy": v["logy"],
        }

    fig = MixtureExplorerFigure(K_max)
    name = f"mixture explorer (K = {K})"
    return Explorer(name, fig, controls, rows, to_kwargs, busy=lambda: xr.adjusting)


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


def inversion_explorer(
    mu=0.0, s=None, u=0.8, *, log_s=None, n=100_000, seed=0, eps=1e-5, xlim=None, logit_scale=False
):
    """Inversion explorer: trace u through the CDF; histogram of x = μ + s·logit(u) samples.

    The scale is set by log s on [-7, 1] (s from 0.0009 to 2.7, vocoder scale included); with
    the "x range" on "auto" the plot follows μ and s (μ ± 6.91 s, or μ ± 14 s with the logit u
    axis, which also shows the clip bounds μ ± s·log((1-ε)/ε) and the excluded u < ε,
    u > 1 - ε).

    Args:
        mu: start value of μ, in [-5, 5].
        s: start scale s > 0 instead of ``log_s`` (converted to log s; e^-7 <= s <= e).
        u: start value of the traced uniform, in [0.001, 0.999].
        log_s: start value of log s, in [-7, 1] (default 0: s = 1).
        n: sample count, one of ``SAMPLE_COUNTS``.
        seed: generator seed in [0, 99].
        eps: start value of the clipping ε, in [1e-8, 0.1].
        xlim: start choice of the "x range" control: None or "auto" (fitted), or a pair
            (lo, hi) (fixed).
        logit_scale: start with the logit-scaled u axis.

    Returns:
        :class:`molviz.widgets.Explorer` around :class:`molviz.plotting.InversionExplorerFigure`.

    Raises:
        ValueError: a start value outside its slider's range, both s and log_s given, a bad
            xlim.

    See the book chapter ``book/inversion.md``.
    """
    xr = _XRangeControl(xlim)
    controls = {
        "mu": _slider("μ (location)", mu, -5.0, 5.0, 0.01, name="mu"),
        "log_s": _slider(
            "log s (scale)", _start_log_scale(log_s, s, *LOG_S_RANGE), *LOG_S_RANGE, 0.01
        ),
        "u": _slider("u (uniform)", u, 0.001, 0.999, 0.001, fmt=".3f", name="u"),
        "eps": _log_slider("ε (uniform clip)", eps, 1e-8, 0.1, fmt=".1e", name="eps"),
        "n": _n_slider(n),
        "seed": _seed_slider(seed),
        "xlim": xr.widget,
        "logit_scale": widgets.Checkbox(value=bool(logit_scale), description="logit scale for u"),
    }
    c = controls
    rows = [
        widgets.HBox([c["mu"], c["log_s"], c["u"]]),
        widgets.HBox([c["eps"], c["n"], c["seed"]]),
        widgets.HBox([c["xlim"], c["logit_scale"]]),
    ]

    def to_kwargs(v):
        return {**{k: x for k, x in v.items() if k != "log_s"}, "s": math.exp(v["log_s"])}

    return Explorer("inversion explorer", InversionExplorerFigure(), controls, rows, to_kwargs)


def discretized_explorer(K=2, *, K_max=3, logits=None, mu=None, log_s=None, s=None, bits=8, edge=1):
    """Discretized-likelihood explorer: a mixture's bin probabilities at 2^bits classes.

    Sliders for the bit depth (2 … 16, i.e. 4 … 65536 classes) and per component logit a, μ and
    log s (on [-9, 1]: below the loss's clamp at -7, down to components narrower than a 16-bit
    bin); shows the bin masses with the tail-absorbing edge bins and a zoom on the edge next to
    x = +1 or x = -1 ("zoom at") with the vocoder's ``x > 0.999`` (``x < -0.999``) test.

    Args:
        K: number of components at the start, 1 <= K <= K_max.
        K_max: number of component slider rows (the K slider's maximum), <= 10.
        logits: start logits a (K,), in [-8, 8]; default 0.
        mu: start locations (K,), in [-1.5, 1.5]; default spread over [-0.5, 0.9]
            (0.9 for K = 1).
        log_s: start log-scales (K,), in [-9, 1]; default log 0.1.
        s: start scales s > 0 instead of ``log_s`` (converted to log s; the same range).
        bits: start bit depth in [2, 16].
        edge: start of the "zoom at" control: 1 (x = +1) or -1 (x = -1).

    Returns:
        :class:`molviz.widgets.Explorer` around :class:`molviz.plotting.DiscretizedExplorerFigure`.

    Raises:
        ValueError: K or bits out of range, start values of the wrong shape or outside the
            slider ranges, both log_s and s given, s <= 0, edge not ±1.
        TypeError: K or bits not an integer.

    See the book chapter ``book/training.md``.
    """
    K, K_max = _check_K(K, K_max)
    bits = check_int("bits", bits, 2, 16)
    if isinstance(edge, bool) or edge not in (1, -1):
        raise ValueError(f"edge must be 1 (zoom at x = +1) or -1 (x = -1), got {edge!r}")
    controls, comp_rows = _mixture_controls(
        K,
        K_max,
        ((logits, mu, _start_log_scales(log_s, s, K)), ((-0.5, 0.9), 0.9, math.log(0.1))),
        mu_range=(-1.5, 1.5),
        mu_step=0.001,
        mu_fmt=".4g",
        log_s_range=(-9.0, 1.0),
    )
    bits_slider = widgets.IntSlider(
        value=bits,
        min=2,
        max=16,
        description="bits (N = 2^bits)",
        continuous_update=False,
        style=_STYLE,
    )
    edge_toggle = widgets.ToggleButtons(
        options=[("x = -1", -1), ("x = +1", 1)],
        value=int(edge),
        description="zoom at",
        style={**_STYLE, "button_width": "5em"},
    )
    controls.update(bits=bits_slider, edge=edge_toggle)
    rows = [widgets.HBox([controls["K"], bits_slider, edge_toggle]), *comp_rows]

    def to_kwargs(v):
        return {**_mixture_kwargs(v), "bits": v["bits"], "edge": v["edge"]}

    fig = DiscretizedExplorerFigure(K_max)
    return Explorer("discretized-likelihood explorer", fig, controls, rows, to_kwargs)
